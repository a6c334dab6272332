"""Shared fixtures: a fresh database on each backend the store supports, and the web tests' database.

`db_url` runs a test once on SQLite (a file under tmp_path) and once on PostgreSQL (a new database on the
server `EVENTWIRE_TEST_PG_URL` points at, dropped afterwards). Without that variable the PostgreSQL cases
skip, so `make test` passes on a machine with no server; `.ci/run` starts one and sets it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

PG_ENV = "EVENTWIRE_TEST_PG_URL"


def pg_server_url() -> sa.URL | None:
    raw = os.environ.get(PG_ENV)
    if not raw:
        return None
    url = sa.make_url(raw)
    return url.set(drivername="postgresql+psycopg") if url.drivername in ("postgresql", "postgres") else url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test (URL with its password, if any, in clear)."""
    server = pg_server_url()
    if server is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (.ci/run sets it)")
    name = f"eventwire_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        # the plain postgresql:// form users type: the store picks the psycopg driver itself
        yield server.set(database=name, drivername="postgresql").render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh database, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'eventwire.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database of examples/ and tests/data/same_event/, built once per session for the web API and
    browser tests (which only read it, or work on a copy)."""
    from eventwire.cli import main

    root = Path(__file__).resolve().parent.parent
    path = tmp_path_factory.mktemp("web") / "web.db"
    assert (
        main(["ingest", str(root / "examples"), str(root / "tests/data/same_event"), "--db", str(path)]) == 0
    )
    return path
