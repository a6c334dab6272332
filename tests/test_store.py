"""Tests for `eventwire.store`: real databases (SQLite files in temporary directories, and PostgreSQL when
`EVENTWIRE_TEST_PG_URL` names a server), extractions built by hand."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from eventwire.errors import InputError, StoreError
from eventwire.model import Actor, Document, Event, Evidence, Extraction, Relation
from eventwire.store import Store
from eventwire.store import database as store_db


def make_extraction(
    text: str, *, events: list[dict] | None = None, actors: list[Actor] | None = None
) -> Extraction:
    """One document with one event per spec in `events` (each overriding a Sudan battle), one relation."""
    doc = Document(
        text=text,
        title="Title " + text[:10],
        publisher="Daily Wire",
        source_path="a.html",
        published=date(2024, 3, 2),
        warnings=["no byline"],
    )
    evs = []
    for i, spec in enumerate(events if events is not None else [{}]):
        fields = {
            "event_type": "Battles",
            "sub_event_type": "Armed clash",
            "event_date": "2024-03-01",
            "time_precision": 1,
            "actor1": "Military Forces of Sudan (2019-)",
            "inter1": 1,
            "actor2": "Rapid Support Forces",
            "inter2": 2,
            "country": "Sudan",
            "iso3": "SDN",
            "location": "Khartoum",
            "latitude": 15.5007,
            "longitude": 32.5599,
            "geo_precision": 1,
            "fatalities": 3,
            "notes": "Clashes in Khartoum.",
            "confidence": 0.81234,
        }
        fields.update(spec)
        ev = Event(document_id=doc.id, evidence={"event_type": Evidence(i, i + 4, text[i : i + 4])}, **fields)
        evs.append(ev)
    if actors is None:
        actors = [Actor("Rapid Support Forces", "rebel_group", ["RSF"], inter=2)]
    rels = [Relation("RSF", "alias", "Rapid Support Forces", doc.evidence(0, 3), date="2024-03-02")]
    return Extraction(
        document=doc,
        events=evs,
        actors=actors,
        relations=rels,
        warnings=["extraction warning"],
    )


@pytest.fixture
def store(db_url: str):
    with Store(db_url) as st:
        yield st


def test_save_then_read_back(store: Store) -> None:
    ex = make_extraction("Heavy fighting broke out in Khartoum on Friday.")
    assert store.save(ex) is True
    assert store.has_document(ex.document.id)
    assert store.counts() == {"documents": 1, "mentions": 1, "events": 1, "actors": 1, "relations": 1}

    [got] = store.mentions()
    expected = ex.events[0].to_dict()
    assert {k: got[k] for k in expected} == expected  # the Event.to_dict() shape, evidence included
    assert got["title"] == ex.document.title

    # one mention alone: the event says what the mention says, and names it as its only source
    [event] = store.events()
    assert got["event_id"] == event["id"]
    assert {k: event[k] for k in expected if k not in ("id", "evidence")} == {
        k: expected[k] for k in expected if k not in ("id", "evidence")
    }
    assert event["evidence"]["event_type"] == {
        "document_id": ex.document.id,
        "mention_id": ex.events[0].id,
        **ex.events[0].evidence["event_type"].to_dict(),
    }
    assert event["number_of_sources"] == 1
    [source] = event["sources"]
    assert source["mention_id"] == ex.events[0].id and source["publisher"] == "Daily Wire"
    got = event
    assert got["title"] == ex.document.title
    assert got["publisher"] == "Daily Wire"
    assert got["published"] == "2024-03-02"
    assert got["source_path"] == "a.html"

    [rel] = store.relations()
    assert rel == {"document_id": ex.document.id, **ex.relations[0].to_dict()}


def test_same_document_twice_is_stored_once(store: Store) -> None:
    ex = make_extraction("Heavy fighting broke out in Khartoum on Friday.")
    assert store.save(ex) is True
    before = store.counts()
    assert store.save(make_extraction("Heavy fighting broke out in Khartoum on Friday.")) is False
    assert store.counts() == before


def test_failure_mid_save_leaves_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    ex = make_extraction("Shelling hit the market in Kharkiv.")

    def boom(*_args: object) -> None:
        raise RuntimeError("disk full, pretend")

    # Relations are written after the document, actors, events and evidence.
    monkeypatch.setattr(Store, "_insert_relations", boom)
    with pytest.raises(RuntimeError):
        store.save(ex)
    assert store.counts() == {"documents": 0, "mentions": 0, "events": 0, "actors": 0, "relations": 0}
    assert not store.has_document(ex.document.id)

    monkeypatch.undo()
    assert store.save(ex) is True  # and the document can be saved once the fault is gone


def test_database_error_mid_save_is_a_store_error_and_rolls_back(store: Store) -> None:
    ex = make_extraction("Protesters gathered in Nairobi.")
    ex.events[0].document_id = "no-such-document"  # the foreign key refuses it, after the document insert
    with pytest.raises(StoreError) as info:
        store.save(ex)
    assert "\n" not in str(info.value)
    assert store.counts()["documents"] == 0


def test_actor_aliases_merge_across_documents(store: Store) -> None:
    first = make_extraction(
        "First article text.", actors=[Actor("Rapid Support Forces", "rebel_group", ["RSF"])]
    )
    second = make_extraction(
        "Second article text.",
        actors=[
            Actor(
                "Rapid Support Forces", "rebel_group", ["RSF", "Janjaweed successor"], inter=2, country="SDN"
            ),
            Actor("Unknown gunmen", "political_militia", ["gunmen", "gunmen"], known=False),
        ],
    )
    assert store.save(first) and store.save(second)
    rsf = store.actors("rapid support")
    assert rsf == [
        {
            "name": "Rapid Support Forces",
            "aliases": ["Janjaweed successor", "RSF"],
            "type": "rebel_group",
            "inter": 2,  # gaps are filled from the later document
            "country": "SDN",
            "role": None,
            "parent": None,
            "known": True,
        }
    ]
    assert [a["name"] for a in store.actors("rsf")] == ["Rapid Support Forces"]  # matched by alias
    assert [a["name"] for a in store.actors()] == ["Rapid Support Forces", "Unknown gunmen"]
    assert store.actors("gunmen")[0]["aliases"] == ["gunmen"]


def test_dictionary_actor_replaces_text_only_guess(store: Store) -> None:
    guess = Actor("Al-Shabaab", "political_militia", inter=3, known=False)
    known = Actor("Al-Shabaab", "rebel_group", inter=2, country="SOM")
    store.save(make_extraction("Doc one.", actors=[guess]))
    store.save(make_extraction("Doc two.", actors=[known]))
    [row] = store.actors("al-shabaab")
    assert (row["type"], row["inter"], row["country"], row["known"]) == ("rebel_group", 2, "SOM", True)


def test_event_filters(store: Store) -> None:
    store.save(
        make_extraction(
            "Text about several events in two countries.",
            events=[
                {},
                {
                    "event_date": "2024-02-10",
                    "event_type": "Protests",
                    "sub_event_type": "Peaceful protest",
                    "actor1": "Protesters (Kenya)",
                    "actor2": None,
                    "inter1": 6,
                    "inter2": None,
                    "country": "Kenya",
                    "iso3": "KEN",
                    "location": "Nairobi",
                },
                {"event_date": "2024-04-30", "assoc_actor_1": "Misseriya Ethnic Militia (Sudan)"},
                {"event_date": None},
            ],  # fmt: skip
        )
    )
    dates = [e["event_date"] for e in store.events()]
    assert dates == ["2024-02-10", "2024-03-01", "2024-04-30", None]  # undated last

    assert [e["country"] for e in store.events(country="kenya")] == ["Kenya"]
    assert len(store.events(country="sdn")) == 3
    assert [e["event_type"] for e in store.events(event_type="protests")] == ["Protests"]
    assert [e["event_date"] for e in store.events(since="2024-03")] == ["2024-03-01", "2024-04-30"]
    assert [e["event_date"] for e in store.events(until="2024-03")] == ["2024-02-10", "2024-03-01"]
    assert [e["event_date"] for e in store.events(since="2024-03-01", until="2024-03-01")] == ["2024-03-01"]
    assert [e["event_date"] for e in store.events(actor="MISSERIYA")] == ["2024-04-30"]
    assert len(store.events(actor="rapid support")) == 3  # actor2 of all but the protest
    assert store.events(actor="100%") == []  # LIKE wildcards are matched literally
    assert len(store.events(limit=2)) == 2
    with pytest.raises(InputError):
        store.events(since="last week")


def test_duplicate_event_ids_in_one_extraction_keep_the_first(store: Store) -> None:
    ex = make_extraction("Two identical events.", events=[{}, {}])
    ex.events[1].id = ex.events[0].id
    assert store.save(ex)
    assert store.counts()["events"] == 1


def test_reopen_existing_database(db_url: str) -> None:
    url = db_url
    with Store(url) as st:
        st.save(make_extraction("Persisted across opens."))
    with Store(url, create=False) as st:
        assert st.counts()["documents"] == 1
        assert st.events()[0]["created_at"].endswith("+00:00")


def test_sqlite_pragmas(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'ew.db'}") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


# -- opening errors: always one line, naming the database ---------------------------------------------------


def _one_line(err: pytest.ExceptionInfo[StoreError], path: Path | str) -> str:
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message
    return message


def test_missing_directory(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "eventwire.db"
    with pytest.raises(StoreError) as err:
        Store(f"sqlite:///{path}")
    assert "does not exist" in _one_line(err, path)


def test_parent_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    path = tmp_path / "plain" / "eventwire.db"
    with pytest.raises(StoreError) as err:
        Store(f"sqlite:///{path}")
    assert "not a directory" in _one_line(err, path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_directory(tmp_path: Path) -> None:
    locked_dir = tmp_path / "ro"
    locked_dir.mkdir()
    locked_dir.chmod(0o500)
    try:
        path = locked_dir / "eventwire.db"
        with pytest.raises(StoreError) as err:
            Store(f"sqlite:///{path}")
        _one_line(err, path)
    finally:
        locked_dir.chmod(0o700)


def test_missing_database_without_create(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    with pytest.raises(StoreError) as err:
        Store(f"sqlite:///{path}", create=False)
    assert "no such database" in _one_line(err, path)
    assert not path.exists()


def test_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(StoreError) as err:
        Store(f"sqlite:///{path}")
    assert "not a database" in _one_line(err, path)


def test_sqlite_database_without_our_tables(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError) as err:
        Store(f"sqlite:///{path}", create=False)
    assert "not an eventwire database" in _one_line(err, path)


def test_locked_database_on_save(tmp_path: Path) -> None:
    path = tmp_path / "eventwire.db"
    with Store(f"sqlite:///{path}", busy_timeout=0.2) as st:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(StoreError) as err:
                st.save(make_extraction("Written while someone else holds the lock."))
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert "locked by another process" in _one_line(err, path)
        assert st.counts()["documents"] == 0
        assert st.save(make_extraction("Written while someone else holds the lock."))  # lock gone: fine


def test_locked_database_on_open(tmp_path: Path) -> None:
    path = tmp_path / "eventwire.db"
    other = sqlite3.connect(path, isolation_level=None)  # a fresh file, rollback-journal mode
    other.execute("CREATE TABLE x (y)")
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as err:
            Store(f"sqlite:///{path}", busy_timeout=0.2)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "locked by another process" in _one_line(err, path)


def test_unreachable_postgresql_server_is_one_line() -> None:
    url = "postgresql://eventwire:secret@127.0.0.1:1/eventwire"  # nothing listens on port 1
    with pytest.raises(StoreError) as err:
        Store(url)
    message = str(err.value)
    assert "\n" not in message and "127.0.0.1:1" in message and "secret" not in message


def test_bad_url() -> None:
    with pytest.raises(StoreError) as err:
        Store("not a url at all")
    assert "\n" not in str(err.value)


def test_error_messages_are_one_line() -> None:
    st = object.__new__(Store)
    st.where, st.busy_timeout = "eventwire.db", store_db.DEFAULT_BUSY_TIMEOUT
    err = st._error(sqlite3.OperationalError("database is locked\nmore detail"))
    assert str(err).startswith("eventwire.db: database is locked by another process")
    assert "\n" not in str(err)
