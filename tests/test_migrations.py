"""Tests for the Alembic migrations shipped in `eventwire.store.migrations`, on every backend: a new
database is built by them and matches `schema.py`; a database from before migrations (revision 0001, one
event per document) is upgraded in place, its rows kept and its mentions clustered into events."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from eventwire.errors import StoreError
from eventwire.store import SCHEMA_REVISION, Store, metadata
from eventwire.store import database as store_db
from eventwire.store.search import SEARCH_OBJECTS


def alembic_config(conn: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(store_db._MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def engine_for(url: str) -> sa.Engine:
    parsed = sa.make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return sa.create_engine(parsed)


def test_schema_revision_is_the_latest_script() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_REVISION


def test_migrations_build_exactly_the_declared_schema(db_url: str) -> None:
    Store(db_url).close()
    engine = engine_for(db_url)
    try:
        with engine.connect() as conn:
            # The full-text index (FTS5 table and its shadow tables, or GIN expression indexes) is built by
            # migration 0005 in SQL of its own and is not part of the Core metadata; test_search.py checks it.
            context = MigrationContext.configure(
                conn, opts={"include_name": lambda name, _type, _parent: name not in SEARCH_OBJECTS}
            )
            assert compare_metadata(context, metadata) == []
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == SCHEMA_REVISION
    finally:
        engine.dispose()


def make_legacy_database(url: str) -> None:
    """A database as eventwire wrote it before migrations: schema 0001, no alembic_version table, two
    reports of one attack and one of another, each with its evidence."""
    engine = engine_for(url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0001")
            conn.exec_driver_sql("DROP TABLE alembic_version")
            docs = sa.table(
                "documents", *(sa.column(c) for c in ("id", "text", "publisher", "published", "ingested_at"))
            )
            cols = (
                "id",
                "document_id",
                "event_date",
                "time_precision",
                "event_type",
                "sub_event_type",
                "actor1",
                "country",
                "iso3",
                "admin1",
                "location",
                "latitude",
                "longitude",
                "geo_precision",
                "fatalities",
                "created_at",
            )
            events = sa.table("events", *(sa.column(c) for c in cols))
            evidence = sa.table(
                "evidence", *(sa.column(c) for c in ("event_id", "field", "start", "end", "text"))
            )
            now = datetime(2024, 5, 16, 12, 0)
            texts = {
                "d1": "Gunmen killed seven people in Gwoza.",
                "d2": "The death toll rose to nine in Gwoza.",
                "d3": "Gunmen killed two people in Gwoza a week later.",
            }
            conn.execute(
                docs.insert(),
                [
                    {
                        "id": k,
                        "text": t,
                        "publisher": f"Outlet {k}",
                        "published": date(2024, 5, 14 + i),
                        "ingested_at": now,
                    }
                    for i, (k, t) in enumerate(texts.items())
                ],
            )
            base = {
                "event_type": "Violence against civilians",
                "sub_event_type": "Attack",
                "time_precision": 1,
                "actor1": "Unidentified Armed Group (Nigeria)",
                "country": "Nigeria",
                "iso3": "NGA",
                "admin1": "Borno",
                "location": "Gwoza",
                "latitude": 11.08,
                "longitude": 13.69,
                "geo_precision": 1,
                "created_at": now,
            }
            conn.execute(
                events.insert(),
                [
                    {**base, "id": "e1", "document_id": "d1", "event_date": "2024-05-13", "fatalities": 7},
                    {**base, "id": "e2", "document_id": "d2", "event_date": "2024-05-13", "fatalities": 9},
                    {**base, "id": "e3", "document_id": "d3", "event_date": "2024-05-20", "fatalities": 2},
                ],
            )
            conn.execute(
                evidence.insert(),
                [
                    {
                        "event_id": "e1",
                        "field": "fatalities",
                        "start": 7,
                        "end": 24,
                        "text": texts["d1"][7:24],
                    },
                    {
                        "event_id": "e2",
                        "field": "fatalities",
                        "start": 4,
                        "end": 27,
                        "text": texts["d2"][4:27],
                    },
                    {
                        "event_id": "e3",
                        "field": "fatalities",
                        "start": 7,
                        "end": 23,
                        "text": texts["d3"][7:23],
                    },
                ],
            )
    finally:
        engine.dispose()


def test_database_from_before_migrations_is_upgraded_and_clustered(db_url: str) -> None:
    make_legacy_database(db_url)
    with Store(db_url, create=False) as store:
        assert store.counts() == {"documents": 3, "mentions": 3, "events": 2, "actors": 0, "relations": 0}
        mentions = {m["id"]: m for m in store.mentions()}
        assert mentions["e2"]["evidence"]["fatalities"]["text"] == "death toll rose to nine"
        first, second = store.events()
        assert (first["number_of_sources"], first["fatalities"]) == (
            2,
            9,
        )  # the update, recognised on upgrade
        assert first["evidence"]["fatalities"]["document_id"] == "d2"
        assert (second["event_date"], second["number_of_sources"]) == ("2024-05-20", 1)
    with Store(db_url) as store:  # opening again migrates and clusters nothing more
        assert store.counts()["events"] == 2


def test_database_from_a_newer_eventwire_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ew.db'}"
    Store(url).close()
    engine = engine_for(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(StoreError) as err:
        Store(url)
    message = str(err.value)
    assert "\n" not in message and "9999" in message and SCHEMA_REVISION in message
