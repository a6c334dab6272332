"""The database schema: SQLAlchemy Core tables for documents, actors, events, evidence and relations.

Only portable column types are used (no SQLite-only SQL), so the same metadata can create the schema on
PostgreSQL later. Dates are ISO strings where ACLED's own values are partial or textual (`event_date`,
relation `date`); timestamps are naive UTC `DateTime`s because SQLite cannot keep a time zone.
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

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column(
        "document_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
    ),
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
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_events_date", "event_date", "id"),
    sa.Index("ix_events_document", "document_id"),
)

# Evidence gets its own table (not a JSON column) so "which words support this field" stays queryable.
evidence = sa.Table(
    "evidence",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(64), sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    sa.Column("field", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),  # reserved words: SQLAlchemy quotes them per dialect
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.UniqueConstraint("event_id", "field", name="uq_evidence_field"),
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
