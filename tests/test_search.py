"""Tests for the indexed word search behind the API's `actor` and `q` filters (`eventwire.store.search`),
on SQLite (FTS5) and PostgreSQL (GIN over tsvector expressions):

* results equal a brute-force reading of the stated semantics, on the real events of examples/ and
  tests/data/same_event/ (the web tests' database) and for queries drawn from their own words;
* the index follows every write: new events, an event re-merged when another report joins it, direct
  updates and deletes, a re-ingest, VACUUM;
* migration 0005 indexes a database that already holds events, and can be undone and redone;
* no input, however it is punctuated, makes a query fail.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from eventwire.cli import main
from eventwire.errors import StoreError
from eventwire.store import SCHEMA_REVISION, Store, search
from eventwire.store import schema as s
from eventwire.web import queries
from test_migrations import alembic_config, engine_for
from test_store import make_extraction

ACTORS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
TEXT = (*ACTORS, "location", "admin1", "admin2", "country", "sub_event_type", "notes")
NASTY = [
    '"',
    "'",
    '"unclosed',
    "AND",
    "OR",
    "NOT",
    "NEAR(a b)",
    "*",
    "a*",
    "^",
    "-",
    "+",
    ":",
    "{actor1}: boko",
    "actor1:boko",
    "(",
    ")",
    "boko OR 1=1",
    "'; DROP TABLE events; --",
    "%",
    "_",
    "\\",
    "\\'",
    "':*A | '",
    "a & b | !c <-> d",
    "Ñoño",
    "北京",
    "🙂",
    "ﬁre",
    "İstanbul",
    "Sévaré",
    "x\x00y",
    "\u200b",
    "  ",
]


# -- the semantics, read the slow way ------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")


def tokens(text: str | None) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "")]


def has_phrase(field: list[str], phrase: list[str], prefix: bool) -> bool:
    """`phrase` occurs in `field` as consecutive words, its last word (with `prefix`) as the beginning of
    a word."""
    n = len(phrase)
    return any(
        field[i : i + n - 1] == phrase[:-1]
        and (field[i + n - 1].startswith(phrase[-1]) if prefix else field[i + n - 1] == phrase[-1])
        for i in range(len(field) - n + 1)
    )


def terms_of(q: str) -> list[tuple[list[str], bool]]:
    """A `q` filter's terms: (words, prefix); the last term and those ending in `*` are prefixes."""
    found = [(tokens(raw), raw.endswith("*")) for raw in q.split()]
    found = [(words, star) for words, star in found if words]
    return [(words, star or i == len(found) - 1) for i, (words, star) in enumerate(found)]


def expected(rows: list[dict[str, Any]], actor: str | None = None, q: str | None = None) -> set[str]:
    out = set()
    wanted = tokens(actor) if actor is not None else None
    terms = terms_of(q) if q is not None else None
    for row in rows:
        fields = {c: tokens(row[c]) for c in TEXT}
        if wanted is not None and not (wanted and any(has_phrase(fields[c], wanted, True) for c in ACTORS)):
            continue
        if terms is not None and not (
            terms
            and all(any(has_phrase(f, words, prefix) for f in fields.values()) for words, prefix in terms)
        ):
            continue
        out.add(row["id"])
    return out


def found(store: Store, actor: str | None = None, q: str | None = None) -> set[str]:
    ids = queries.event_ids(store, queries.EventQuery(actor=actor, q=q), limit=100_000, offset=0)
    assert len(ids) == len(set(ids))
    return set(ids)


def event_rows(store: Store) -> list[dict[str, Any]]:
    with store.reading() as conn:
        return [dict(r) for r in conn.execute(sa.select(s.events)).mappings()]


def check_index(store: Store) -> None:
    """SQLite: FTS5's own check of the index against `events` (PostgreSQL's expression indexes cannot
    disagree with their table)."""
    if store.is_sqlite:
        with store.reading() as conn:
            search.fts5_check(conn)


def sample_queries(rows: list[dict[str, Any]], n: int, seed: int = 7) -> list[tuple[str | None, str | None]]:
    """(actor, q) pairs drawn from the events' own words: whole actor names, their first words and
    prefixes of them, two-word phrases, single words and prefixes of the text fields, pairs of them,
    upper-case variants, and words no event has."""
    rng = random.Random(seed)
    actor_names = sorted({r[c] for r in rows for c in ACTORS if r[c]})
    text_words = sorted({w for r in rows for c in TEXT for w in _WORD.findall(r[c] or "")})
    pairs: list[tuple[str | None, str | None]] = []
    for name in rng.sample(actor_names, min(n, len(actor_names))):
        words = name.split()
        pairs += [(name, None), (words[0], None), (words[0][:3], None), (name.upper(), None)]
        if len(words) > 1:
            pairs.append((" ".join(words[:2]), None))
            pairs.append((" ".join(words[1:3]), None))
    for word in rng.sample(text_words, min(n, len(text_words))):
        pairs += [(None, word), (None, word[: max(1, len(word) // 2)]), (None, word.upper())]
    for _ in range(n):
        first, second = rng.choice(text_words), rng.choice(text_words)
        pairs.append((None, f"{first} {second}"))
        pairs.append((None, f"{first[:3]}* {second[:3]}"))
        pairs.append((None, f"{first[:3]} {second}"))
        pairs.append((rng.choice(actor_names).split()[0], rng.choice(text_words)))
    pairs += [("zzzunheardof", None), (None, "zzzunheardof"), (None, "gwoza zzzunheardof")]
    return pairs


# -- fixtures --------------------------------------------------------------------------------------------


def copy_events(source: Path, conn: sa.Connection) -> int:
    """Insert the events of the SQLite database `source` into the database behind `conn` as plain rows,
    as a bulk load would (the index must follow whatever writes to `events`)."""
    engine = sa.create_engine(f"sqlite:///{source}")
    try:
        with engine.connect() as src:
            rows = [dict(r) for r in src.execute(sa.select(s.events)).mappings()]
    finally:
        engine.dispose()
    conn.execute(s.events.insert(), rows)
    return len(rows)


@pytest.fixture(scope="module")
def web_store(web_db: Path) -> Iterator[Store]:
    """The web tests' database (ingested by the CLI, so indexed by the triggers as events were saved)."""
    with Store(f"sqlite:///{web_db}", create=False) as store:
        yield store


@pytest.fixture
def copied(db_url: str, web_db: Path) -> Iterator[Store]:
    """A fresh database on each backend holding the web database's events."""
    with Store(db_url) as store:
        with store._connect(write=True) as conn:
            assert copy_events(web_db, conn) >= 20
        yield store


# -- semantics -------------------------------------------------------------------------------------------


def test_query_building_quotes_everything() -> None:
    assert search.words("Military Forces of Nigeria (2015-2023)") == [
        "Military", "Forces", "of", "Nigeria", "2015", "2023"
    ]  # fmt: skip
    assert search.fts5_query("islamic state", None) == (
        '{actor1 actor2 assoc_actor_1 assoc_actor_2} : "islamic state"*'
    )
    assert search.fts5_query(None, 'mosul "al-Shabaab') == '"mosul" AND "al Shabaab"*'
    assert search.fts5_query(None, "attack* mosul") == '"attack"* AND "mosul"*'
    assert (
        search.fts5_query("boko", "gwoza")
        == '{actor1 actor2 assoc_actor_1 assoc_actor_2} : "boko"* AND "gwoza"*'
    )
    assert search.fts5_query(None, '" * AND ( -') == '"AND"*'
    assert search.fts5_query(None, '" * ( -') is None
    assert search.fts5_query("(", "mosul") is None
    assert search.tsquery_text("town 345") == "('town') & ('345':*)"
    assert search.tsquery_text("al-shab* town") == "('al' <-> 'shab':*) & ('town':*)"
    assert search.tsquery_actor("armed group") == (
        "('armed':A <-> 'group':*A) | ('armed':B <-> 'group':*B) | ('armed':C <-> 'group':*C) | "
        "('armed':D <-> 'group':*D)"
    )
    assert search.tsquery_text("'\\") is None


def test_search_equals_brute_force_on_the_web_database(web_store: Store) -> None:
    rows = event_rows(web_store)
    check_index(web_store)
    checked = 0
    for actor, q in sample_queries(rows, 40):
        assert found(web_store, actor, q) == expected(rows, actor, q), (actor, q)
        checked += bool(expected(rows, actor, q))
    assert checked > 100  # most sampled queries find something: the comparison is not of empty sets


def test_search_equals_brute_force_on_each_backend(copied: Store) -> None:
    rows = event_rows(copied)
    check_index(copied)
    for actor, q in sample_queries(rows, 25, seed=11):
        assert found(copied, actor, q) == expected(rows, actor, q), (actor, q)


def test_documented_examples(copied: Store) -> None:
    rows = event_rows(copied)
    boko = found(copied, actor="boko")
    assert boko and all(
        any("boko haram" in (r[c] or "").lower() for c in ACTORS) for r in rows if r["id"] in boko
    )
    assert found(copied, actor="BOKO HARAM") == found(copied, actor="boko haram") == boko
    assert found(copied, actor="haram boko") == set()  # words in order
    gwoza = found(copied, q="gwoza")
    assert gwoza and found(copied, q="gwoz") == gwoza == found(copied, q="GWOZA")
    assert found(copied, q="gwoza boko") <= gwoza  # every term must match: more terms, fewer events
    # Whole words but for the last term (or one that ends in *), as while typing.
    assert found(copied, q="gwoz boko") == set()
    assert found(copied, q="gwoz* boko") == found(copied, q="boko gwoz") == found(copied, q="gwoza boko")
    assert found(copied, q="woza") == set()  # the middle of a word is not its beginning
    # An actor phrase never runs from one field into the next: "…(Nigeria)" + "Civilians (…)".
    both = [r for r in rows if r["actor1"] and r["actor2"]]
    assert both
    for r in both:
        across = f"{tokens(r['actor1'])[-1]} {tokens(r['actor2'])[0]}"
        assert found(copied, actor=across) == expected(rows, actor=across), across


def in_order(rows: list[dict[str, Any]], ids: set[str], sort: str) -> list[str]:
    """The API's orders: newest first (undated last) or by fatalities, ties broken by id."""
    chosen = sorted((r for r in rows if r["id"] in ids), key=lambda r: r["id"], reverse=sort.startswith("-"))
    if sort.endswith("date"):
        dated = sorted(
            (r for r in chosen if r["event_date"]), key=lambda r: r["event_date"], reverse=sort == "-date"
        )
        chosen = dated + [r for r in chosen if not r["event_date"]]
    else:
        chosen.sort(key=lambda r: r["fatalities"], reverse=sort == "-fatalities")
    return [r["id"] for r in chosen]


@pytest.mark.parametrize("sort", ["-date", "date", "-fatalities"])
def test_pages_of_search_results(copied: Store, sort: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Small pages, which on SQLite walk the date index keeping the matches once they are many, and read
    the matches by rowid when they are few: the same pages and totals either way."""
    rows = event_rows(copied)
    ways: list[bool] = []
    decide = queries._drive_by_matches
    monkeypatch.setattr(queries, "_drive_by_matches", lambda *a: ways.append(decide(*a)) or ways[-1])
    for actor, q in sample_queries(rows, 8, seed=13):
        want = in_order(rows, expected(rows, actor, q), sort)
        for limit in (2, 5):
            got: list[str] = []
            for offset in range(0, len(want) + limit, limit):
                total, page = queries.event_page(
                    copied, queries.EventQuery(actor=actor, q=q), limit, offset, sort
                )
                assert total == len(want), (actor, q, limit, offset)
                got += [r["id"] for r in page]
            assert got == want, (actor, q, limit)
    if copied.is_sqlite and sort == "-date":
        assert set(ways) == {True, False}  # both ways were taken


@pytest.mark.parametrize("text", NASTY)
def test_any_input_is_a_query(copied: Store, text: str) -> None:
    rows = event_rows(copied)
    for actor, q in ((text, None), (None, text), (text, text), ("boko", text), (text, "gwoza")):
        f = queries.EventQuery(actor=actor, q=q)
        queries.event_page(copied, f, 100, 0)
        queries.event_points(copied, f, 100)
        queries.stats(copied, f, "week")
        assert found(copied, actor, q) == expected(rows, actor, q), (actor, q)


def test_postgresql_queries_use_the_indexes(pg_url: str, web_db: Path) -> None:
    with Store(pg_url) as store:
        with store._connect(write=True) as conn:
            copy_events(web_db, conn)
        for f, index in (
            (queries.EventQuery(q="gwoza"), "ix_events_text_search"),
            (queries.EventQuery(actor="boko haram"), "ix_events_actor_search"),
        ):
            query = sa.select(s.events.c.id).where(search.matching(False, f.actor, f.q))
            with store.reading() as conn:
                conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a small table: make it choose
                sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
                plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql.replace("%", "%%")))
            assert index in plan, plan


# -- keeping the index in step ---------------------------------------------------------------------------


def test_index_follows_new_reports_and_re_merges(db_url: str) -> None:
    with Store(db_url) as store:
        first = make_extraction(
            "Gunmen attacked Khartoum. Three died.",
            events=[{"actor1": "Unidentified Armed Group (Sudan)", "actor2": "Civilians (Sudan)",
                     "notes": "Gunmen attacked a market in Khartoum.", "fatalities": 3}],
        )  # fmt: skip
        assert store.save(first)
        [event] = store.events()
        assert found(store, actor="unidentified armed") == {event["id"]}
        assert found(store, q="market") == {event["id"]}
        assert found(store, actor="rapid support") == found(store, q="omdurman") == set()

        # A later report of the same attack names the attackers and raises the toll: the event is
        # re-merged, taking its actor from the named report and its notes from the latest toll.
        second = make_extraction(
            "RSF fighters shelled the market; the death toll rose to nine.",
            events=[{"actor1": "Rapid Support Forces", "actor2": "Civilians (Sudan)",
                     "notes": "RSF shelling near Omdurman road; the death toll rose to nine.",
                     "fatalities": 9}],
        )  # fmt: skip
        text = second.document.text
        start = text.index("death toll")
        second.events[0].evidence["fatalities"] = second.document.evidence(start, start + 23)
        assert store.save(second)
        [merged] = store.events()
        assert merged["id"] == event["id"] and merged["number_of_sources"] == 2
        assert (merged["actor1"], merged["fatalities"]) == ("Rapid Support Forces", 9)
        assert found(store, actor="rapid support") == found(store, q="omdurman") == {event["id"]}
        assert found(store, actor="unidentified") == found(store, q="market") == set()
        assert found(store, actor="civilians sudan") == {event["id"]}
        check_index(store)

        # Re-ingesting the same reports changes nothing.
        assert not store.save(first) and not store.save(second)
        assert found(store, q="omdurman") == {event["id"]}
        check_index(store)


def test_index_follows_direct_updates_and_deletes(copied: Store) -> None:
    rows = [r for r in event_rows(copied) if r["location"] and r["notes"]]
    victim, edited, untouched = rows[0], rows[1], rows[2]
    assert victim["id"] in found(copied, q=victim["location"])
    assert edited["id"] in found(copied, q=edited["location"])
    e = s.events
    with copied._connect(write=True) as conn:
        conn.execute(e.update().where(e.c.id == edited["id"]).values(location="Zzyzx Springs", notes=None))
        conn.execute(e.update().where(e.c.id == untouched["id"]).values(fatalities=e.c.fatalities + 1))
        conn.execute(e.delete().where(e.c.id == victim["id"]))
    assert found(copied, q="zzyzx springs") == {edited["id"]}
    assert victim["id"] not in found(copied, q=victim["location"])
    assert untouched["id"] in found(copied, q=untouched["location"])
    rows = event_rows(copied)
    for actor, q in sample_queries(rows, 10, seed=3):
        assert found(copied, actor, q) == expected(rows, actor, q), (actor, q)
    check_index(copied)


def test_reingest_and_vacuum_keep_the_sqlite_index(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    db = tmp_path / "ew.db"
    inputs = [str(root / "tests/data/same_event")]
    assert main(["ingest", *inputs, "--db", str(db)]) == 0
    with Store(f"sqlite:///{db}") as store:
        before = {(a, q): found(store, a, q) for a, q in sample_queries(event_rows(store), 10)}
    assert main(["ingest", *inputs, "--db", str(db)]) == 0  # everything already stored
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        conn.exec_driver_sql("DELETE FROM events WHERE id = (SELECT min(id) FROM events)")
        conn.commit()
        conn.exec_driver_sql("VACUUM")  # rowids of a table with indexes survive VACUUM, so the index does
    engine.dispose()
    with Store(f"sqlite:///{db}") as store:
        check_index(store)
        rows = event_rows(store)
        for (actor, q), ids in before.items():
            assert found(store, actor, q) == expected(rows, actor, q) <= ids, (actor, q)


def test_rebuild_repairs_a_damaged_sqlite_index(tmp_path: Path, web_db: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'ew.db'}") as store:
        with store._connect(write=True) as conn:
            copy_events(web_db, conn)
            conn.exec_driver_sql("DROP TRIGGER events_fts_update")
            conn.exec_driver_sql("UPDATE events SET location = 'Zzyzx'")  # unseen by the index
        with pytest.raises(StoreError), store.reading() as conn:
            search.fts5_check(conn)
        with store._connect(write=True) as conn:
            search.fts5_rebuild(conn)
        check_index(store)
        assert found(store, q="zzyzx") == {r["id"] for r in event_rows(store)}


# -- migration 0005 ----------------------------------------------------------------------------------------


def test_upgrade_from_0004_indexes_the_stored_events(db_url: str, web_db: Path) -> None:
    engine = engine_for(db_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0004")
            copy_events(web_db, conn)
    finally:
        engine.dispose()
    with Store(db_url) as store:  # opening it upgrades to 0005
        with store.reading() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == SCHEMA_REVISION
            if not store.is_sqlite:
                names = set(conn.exec_driver_sql("SELECT indexname FROM pg_indexes").scalars())
                assert {"ix_events_actor_search", "ix_events_text_search"} <= names
        check_index(store)
        rows = event_rows(store)
        for actor, q in sample_queries(rows, 10, seed=5):
            assert found(store, actor, q) == expected(rows, actor, q), (actor, q)
        assert found(store, q="gwoza")


def test_migration_0005_downgrades_and_upgrades_again(db_url: str, web_db: Path) -> None:
    with Store(db_url) as store, store._connect(write=True) as conn:
        copy_events(web_db, conn)
    engine = engine_for(db_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0004")
            names = set(sa.inspect(conn).get_table_names())
            assert search.FTS_TABLE not in names
            # without its triggers, writing to events no longer touches a (dropped) index
            conn.execute(s.events.update().values(notes="Zzyzx"))
    finally:
        engine.dispose()
    with Store(db_url) as store:
        check_index(store)
        assert found(store, q="zzyzx") == {r["id"] for r in event_rows(store)}
