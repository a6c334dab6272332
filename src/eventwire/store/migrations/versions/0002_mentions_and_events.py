"""Mentions and events: what each document says is kept as a mention; events are clusters of mentions.

The per-document `events` and `evidence` tables become `mentions` and `mention_evidence`, unchanged row for
row; the new `events` and `event_evidence` tables hold merged events. Copied mentions start without an
event (`event_id` NULL): `Store` clusters them when it opens the database, with the rules of
`eventwire.resolve.dedup`, which live in Python rather than in this script.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ACLED = (
    "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1",
    "actor2", "assoc_actor_2", "inter2", "country", "iso3", "admin1", "admin2", "location", "latitude",
    "longitude", "geo_precision", "fatalities", "notes", "confidence",
)  # fmt: skip


def _acled_columns() -> list[sa.Column]:
    return [
        sa.Column("event_date", sa.Text),
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
        sa.Column("fatalities", sa.Integer, nullable=False),
        sa.Column("notes", sa.Text),
        sa.Column("confidence", sa.Float),
    ]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.drop_index("ix_events_date", table_name="events")
    op.drop_index("ix_events_document", table_name="events")
    op.rename_table("events", "legacy_events")
    op.rename_table("evidence", "legacy_evidence")
    if postgres:
        # PostgreSQL keeps a renamed table's constraint names, and the new tables want the old ones.
        op.execute("ALTER TABLE legacy_events RENAME CONSTRAINT events_pkey TO legacy_events_pkey")
        op.execute("ALTER TABLE legacy_evidence RENAME CONSTRAINT evidence_pkey TO legacy_evidence_pkey")

    op.create_table(
        "events",
        sa.Column("id", sa.String(64), primary_key=True),
        *_acled_columns(),
        sa.Column("number_of_sources", sa.Integer, nullable=False),
        sa.Column("block", sa.Text, nullable=False),
        sa.Column("day_lo", sa.Integer),
        sa.Column("day_hi", sa.Integer),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_events_block", "events", ["block", "event_type", "day_lo"])
    op.create_index("ix_events_order", "events", ["event_date", "id"])
    op.create_table(
        "mentions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "document_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("event_id", sa.String(64), sa.ForeignKey("events.id", ondelete="SET NULL")),
        *_acled_columns(),
        sa.Column("toll_update", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_mentions_document", "mentions", ["document_id"])
    op.create_index("ix_mentions_event", "mentions", ["event_id"])
    op.create_index("ix_mentions_order", "mentions", ["event_date", "id"])
    op.create_table(
        "mention_evidence",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "mention_id", sa.String(64), sa.ForeignKey("mentions.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.UniqueConstraint("mention_id", "field", name="uq_mention_evidence_field"),
    )
    op.create_table(
        "event_evidence",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column(
            "mention_id", sa.String(64), sa.ForeignKey("mentions.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("document_id", sa.String(64), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.UniqueConstraint("event_id", "field", name="uq_event_evidence_field"),
    )

    legacy = sa.table("legacy_events", *(sa.column(c) for c in ("id", "document_id", *ACLED, "created_at")))
    mentions = sa.table(
        "mentions", *(sa.column(c) for c in ("id", "document_id", *ACLED, "toll_update", "created_at"))
    )
    columns = ["id", "document_id", *ACLED, "created_at"]
    # toll_update starts false: Store recomputes it from the fatality evidence when it clusters these rows.
    op.execute(
        mentions.insert().from_select(
            [*columns, "toll_update"], sa.select(*(legacy.c[c] for c in columns), sa.false())
        )
    )
    # ids are left to the new table: copying them would leave PostgreSQL's sequence behind the rows
    fields = ("field", "start", "end", "text")
    old_evidence = sa.table(
        "legacy_evidence", sa.column("id"), sa.column("event_id"), *(sa.column(c) for c in fields)
    )
    new_evidence = sa.table("mention_evidence", sa.column("mention_id"), *(sa.column(c) for c in fields))
    op.execute(
        new_evidence.insert().from_select(
            ["mention_id", *fields],
            sa.select(old_evidence.c.event_id, *(old_evidence.c[c] for c in fields)).order_by(
                old_evidence.c.id
            ),
        )
    )
    op.drop_table("legacy_evidence")
    op.drop_table("legacy_events")


def downgrade() -> None:
    raise NotImplementedError("0002 cannot be undone: merged events have no place in the 0001 schema")
