"""The first released schema: documents, warnings, actors, aliases, per-document events, evidence, relations.

Databases made before migrations existed hold exactly this; `Store` stamps them 0001 and upgrades them.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.String(64), primary_key=True),
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
    op.create_table(
        "document_warnings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "document_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("warning", sa.Text, nullable=False),
    )
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("type", sa.Text),
        sa.Column("inter", sa.Integer),
        sa.Column("country", sa.Text),
        sa.Column("role", sa.Text),
        sa.Column("parent", sa.Text),
        sa.Column("known", sa.Boolean, nullable=False),
    )
    op.create_table(
        "actor_aliases",
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("actors.id", ondelete="CASCADE"), nullable=False),
        sa.Column("alias", sa.Text, nullable=False),
        sa.UniqueConstraint("actor_id", "alias", name="uq_actor_alias"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "document_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
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
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_events_date", "events", ["event_date", "id"])
    op.create_index("ix_events_document", "events", ["document_id"])
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.UniqueConstraint("event_id", "field", name="uq_evidence_field"),
    )
    op.create_table(
        "relations",
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


def downgrade() -> None:
    for table in (
        "relations",
        "evidence",
        "events",
        "actor_aliases",
        "actors",
        "document_warnings",
        "documents",
    ):
        op.drop_table(table)
