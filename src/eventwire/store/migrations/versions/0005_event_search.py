"""Full-text indexes for the web API's `actor` and `q` filters, which were substring scans of every event
(2.5 s at the 99th percentile at 100,000 events, see docs/performance.md).

SQLite: an FTS5 table `events_fts` with external content (`events`, keyed on its rowid: the index holds
no second copy of the text), and triggers that keep it in step with every insert, update and delete of
an event, whoever writes. The update trigger fires only when a searched field really changed: re-merging
an event after a new report rewrites all its fields, mostly with the values they had. The index is built
here for the events already stored (0.6 s for 100,000 events). VACUUM keeps rowids of a table with
indexes, as `events` has, so the index stays valid; `eventwire.store.search.fts5_rebuild` rebuilds it
should anything else ever renumber them.

PostgreSQL: GIN indexes on two tsvector expressions (no stored column): the actor fields, each with its
own weight so a phrase matches within one field, and all the searched fields. `store/search.py` queries
with exactly these expressions, which is what lets the planner use the indexes.

The searched fields and what a filter means are described in `store/search.py`. This script keeps its
own copy of the definitions, as every migration must: it builds what revision 0005 is, whatever later
code says.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ACTOR_COLUMNS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
TEXT_COLUMNS = (*ACTOR_COLUMNS, "location", "admin1", "admin2", "country", "sub_event_type", "notes")
TRIGGERS = ("events_fts_insert", "events_fts_delete", "events_fts_update")


def _pg_field(column: str) -> str:
    return f"regexp_replace(coalesce(events.{column}, ''), '[[:punct:]]', ' ', 'g')"


PG_ACTOR_VECTOR = " || ".join(
    f"setweight(to_tsvector('simple'::regconfig, {_pg_field(c)}), '{w}')"
    for c, w in zip(ACTOR_COLUMNS, "ABCD", strict=True)
)
PG_TEXT_VECTOR = "to_tsvector('simple'::regconfig, {})".format(
    " || ' ' || ".join(_pg_field(c) for c in TEXT_COLUMNS)
)


def _sqlite_upgrade() -> None:
    columns = ", ".join(TEXT_COLUMNS)
    old = ", ".join(f"old.{c}" for c in TEXT_COLUMNS)
    new = ", ".join(f"new.{c}" for c in TEXT_COLUMNS)
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in TEXT_COLUMNS)
    # unicode61: words are runs of letters and digits in any script, case folded; accents are kept, as
    # PostgreSQL's 'simple' configuration keeps them, so both backends answer alike.
    op.execute(
        f"CREATE VIRTUAL TABLE events_fts USING fts5({columns}, content='events', "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute(
        f"CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN "
        f"INSERT INTO events_fts(rowid, {columns}) VALUES (new.rowid, {new}); END"
    )
    # An external-content index forgets a row by being told the values it indexed: the old ones.
    op.execute(
        f"CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN "
        f"INSERT INTO events_fts(events_fts, rowid, {columns}) VALUES ('delete', old.rowid, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER events_fts_update AFTER UPDATE ON events WHEN {changed} OR old.rowid != new.rowid "
        f"BEGIN "
        f"INSERT INTO events_fts(events_fts, rowid, {columns}) VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO events_fts(rowid, {columns}) VALUES (new.rowid, {new}); END"
    )
    op.execute("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_events_actor_search ON events USING gin (({PG_ACTOR_VECTOR}))")
        op.execute(f"CREATE INDEX ix_events_text_search ON events USING gin (({PG_TEXT_VECTOR}))")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS events_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_events_actor_search")
        op.execute("DROP INDEX IF EXISTS ix_events_text_search")
