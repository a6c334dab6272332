"""Failures: every document an ingest could not read or extract, with its error, so a batch never stops
at one and `eventwire failures` can list them. One row per source (`news.jsonl:12`, a file path); a later
run that fails on it again updates the row, one that succeeds removes it.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("document_id", sa.String(64)),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("first_failed_at", sa.DateTime, nullable=False),
        sa.Column("last_failed_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("source", name="uq_failures_source"),
    )


def downgrade() -> None:
    op.drop_table("failures")
