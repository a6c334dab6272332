"""Indexes for filtering events: by country (name or ISO3), event type, sub-type and admin1 region, each with
the event date and id so a filtered page comes out in the API's order from the index alone, and by latitude
for map boxes.

The web API (`eventwire serve`) filters a large `events` table on these columns for every request; without
them each filter is a full table scan (150-300 ms at 100,000 events, see docs/performance.md).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_events_iso3_date": ["iso3", "event_date", "id"],
    "ix_events_country_date": ["country", "event_date", "id"],
    "ix_events_type_date": ["event_type", "event_date", "id"],
    "ix_events_subtype_date": ["sub_event_type", "event_date", "id"],
    "ix_events_admin1": ["admin1"],
    "ix_events_latitude": ["latitude", "longitude"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "events", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="events")
