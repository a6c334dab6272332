"""The database schema: SQLAlchemy Core tables for documents, actors, event mentions, events, evidence,
relations and ingest failures. This is the schema at `SCHEMA_REVISION`; the Alembic scripts in
`migrations/` build it step by step and `tests/test_migrations.py` checks that the two agree.

Only portable column types are used (no SQLite-only SQL), so the same metadata serves SQLite and
PostgreSQL. Dates are ISO strings where ACLED's own values are partial or textual (`event_date`, relation
`date`); timestamps are naive UTC `DateTime`s because SQLite cannot keep a time zone.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # model.document_id(): hash of the cleaned text
    sa.Column("title", sa.Text),
    sa.Column("publisher", sa.Text),
    sa.Column("wire_source", sa.Text),
    sa.Column("published", sa.Date),
    sa.Column("published_source", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("source_path", sa.Text),
    sa.Column("language", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("ingested_at", sa.DateTime, nullable=False),
)

document_warnings = sa.Table(
    "document_warnings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "document_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("warning", sa.Text, nullable=False),
)

actors = sa.Table(
    "actors",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),  # canonical name: upserts key on it
    sa.Column("type", sa.Text),
    sa.Column("inter", sa.Integer),
    sa.Column("country", sa.Text),
    sa.Column("role", sa.Text),
    sa.Column("parent", sa.Text),
    sa.Column("known", sa.Boolean, nullable=False, default=True),
)

actor_aliases = sa.Table(
    "actor_aliases",
    metadata,
    sa.Column("actor_id", sa.Integer, sa.ForeignKey("actors.id", ondelete="CASCADE"), nullable=False),
    sa.Column("alias", sa.Text, nullable=False),
    sa.UniqueConstraint("actor_id", "alias", name="uq_actor_alias"),
)

#: The Alembic revision this metadata describes; `Store` upgrades any older database to it when it opens.
#: Revision 0005 added the full-text indexes of `search.py`, which are not Core tables and so not here
#: (`search.SEARCH_OBJECTS` names them).
SCHEMA_REVISION = "0005"


def _acled_columns() -> list[sa.Column]:
    """ACLED's event fields, shared by a mention (one report's reading) and an event (all reports')."""
    return [
        sa.Column("event_date", sa.Text),  # ISO date string: sorts and compares as text on every backend
        sa.Column("time_precision", sa.Integer),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("sub_event_type", sa.Text, nullable=False),
        sa.Column("actor1", sa.Text),
        sa.Column("assoc_actor_1", sa.Text),
        sa.Column("inter1", sa.Integer),
        sa.Column("actor2", sa.Text),
        sa.Column("assoc_actor_2", sa.Text),
        sa.Column("inter2", sa.Integer),
        sa.Column("country", sa.Text),
        sa.Column("iso3", sa.Text),
        sa.Column("admin1", sa.Text),
        sa.Column("admin2", sa.Text),
        sa.Column("location", sa.Text),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
        sa.Column("geo_precision", sa.Integer),
        sa.Column("fatalities", sa.Integer, nullable=False, default=0),
        sa.Column("notes", sa.Text),
        sa.Column("confidence", sa.Float),
    ]


# An event is one happening, merged from every mention that tells it (resolve/dedup.py says how).
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    *_acled_columns(),
    sa.Column("number_of_sources", sa.Integer, nullable=False, default=1),
    # Blocking keys for clustering: the country, and the date window as day ordinals (NULL when undated).
    sa.Column("block", sa.Text, nullable=False),
    sa.Column("day_lo", sa.Integer),
    sa.Column("day_hi", sa.Integer),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Index("ix_events_block", "block", "event_type", "day_lo"),
    sa.Index("ix_events_order", "event_date", "id"),
    # Filters of the web API (migration 0003): each with date and id, so a filtered page is read in order.
    sa.Index("ix_events_iso3_date", "iso3", "event_date", "id"),
    sa.Index("ix_events_country_date", "country", "event_date", "id"),
    sa.Index("ix_events_type_date", "event_type", "event_date", "id"),
    sa.Index("ix_events_subtype_date", "sub_event_type", "event_date", "id"),
    sa.Index("ix_events_admin1", "admin1"),
    sa.Index("ix_events_latitude", "latitude", "longitude"),
)

# A mention is what one document says about one event: kept as extracted, whatever the merge made of it.
mentions = sa.Table(
    "mentions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column(
        "document_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("event_id", sa.String(64), sa.ForeignKey("events.id", ondelete="SET NULL")),
    *_acled_columns(),
    sa.Column("toll_update", sa.Boolean, nullable=False, default=False),  # "the death toll rose to ..."
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_mentions_document", "document_id"),
    sa.Index("ix_mentions_event", "event_id"),
    sa.Index("ix_mentions_order", "event_date", "id"),
)

# Evidence gets its own table (not a JSON column) so "which words support this field" stays queryable.
mention_evidence = sa.Table(
    "mention_evidence",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("mention_id", sa.String(64), sa.ForeignKey("mentions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("field", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),  # reserved words: SQLAlchemy quotes them per dialect
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.UniqueConstraint("mention_id", "field", name="uq_mention_evidence_field"),
)

# Each merged field's span, copied from the mention (and so the document) the field was taken from.
event_evidence = sa.Table(
    "event_evidence",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(64), sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    sa.Column("field", sa.Text, nullable=False),
    sa.Column("mention_id", sa.String(64), sa.ForeignKey("mentions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("document_id", sa.String(64), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.UniqueConstraint("event_id", "field", name="uq_event_evidence_field"),
)

relations = sa.Table(
    "relations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "document_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("relation", sa.Text, nullable=False),
    sa.Column("object", sa.Text, nullable=False),
    sa.Column("qualifier", sa.Text),
    sa.Column("date", sa.Text),
    sa.Column("evidence_start", sa.Integer, nullable=False),
    sa.Column("evidence_end", sa.Integer, nullable=False),
    sa.Column("evidence_text", sa.Text, nullable=False),
    sa.UniqueConstraint(
        "document_id", "subject", "relation", "object", "evidence_start", name="uq_relation_mention"
    ),
)

# Documents an ingest could not read or extract: one row per source, so re-runs update rather than pile up.
# No foreign key to documents: a failed document was never stored, and `document_id` is only known when
# reading succeeded and extraction failed.
failures = sa.Table(
    "failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.Text, nullable=False),  # "news.jsonl:12", "crawl.warc.gz:#7", a file path
    sa.Column("document_id", sa.String(64)),
    sa.Column("stage", sa.Text, nullable=False),  # "read" (input) or "extract" (the pipeline raised)
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=1),
    sa.Column("first_failed_at", sa.DateTime, nullable=False),
    sa.Column("last_failed_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("source", name="uq_failures_source"),
)
