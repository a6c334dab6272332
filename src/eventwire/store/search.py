"""Indexed word search over events: the `actor` and `q` filters of the web API.

Both filters used to be substring matches (`LIKE '%…%'`), which read every row of `events`; they now go
through a full-text index that migration 0005 builds and the database keeps in step with every write:

* SQLite: the FTS5 table `events_fts`, an external-content index over `events` (it stores only the
  index, and reads the text from `events` by rowid). Triggers on `events` update it on every insert,
  update and delete, whichever code path writes (`Store.save`, re-merging an event, bulk loads, a manual
  `sqlite3` session), so nothing in Python has to remember to.
* PostgreSQL: two GIN expression indexes on `events`, one over the actor fields (each field its own
  weight, so a phrase cannot run from one field into the next) and one over all the searched fields.
  The expressions below are the ones the migration indexed: a query only uses an expression index when it
  repeats the expression exactly, and `tests/test_search.py` checks that the plan does.

What a filter means, on both backends:

* A *word* is a run of letters and digits; everything else (spaces, punctuation, symbols) separates
  words. Matching ignores case (and keeps accents: "Sévaré" is not "Sevare"). On PostgreSQL, case
  folding beyond ASCII follows the database's LC_CTYPE, and its parser may ignore a few characters that
  Python counts as digits ("²"); SQLite's FTS5 folds case by Unicode's tables whatever the locale.
* Words match whole words, except the last word of a filter, which matches the beginning of a word too,
  as a search box shows results while one types: `q=mosu` finds "Mosul", `q=attack mosul` finds
  "attack" but not "attacks" ("attacks" needs `q=mosul attack` or `q=attack* mosul`: a term that ends
  in `*` matches word beginnings wherever it stands). Matching every word as a prefix would make a
  common word cost a scan of its whole posting list on SQLite (FTS5 merges the lists of every word a
  prefix covers, with no skipping), about 4 ms at 100,000 events for "town*".
* `actor`: its words, in order, are consecutive words of one actor field (actor1, actor2,
  assoc_actor_1 or assoc_actor_2): "islamic state" finds "Islamic State (Iraq)" and "Islamic State
  West Africa Province"; "boko" finds "Boko Haram"; "haram boko" finds nothing.
* `q`: each whitespace-separated term must occur in the event's text fields (notes, location, admin1,
  admin2, the four actor fields, sub_event_type, country): "mosul shelling" narrows, not widens. A term
  with punctuation inside ("al-Shabaab", "2015-2023") is its words in sequence, within one field on
  SQLite; on PostgreSQL the fields are one text, so such a term could also run from one field into the
  next (the actor filter cannot: each actor field has its own weight).
* A filter with no word in it (`"`, `*`, `(`) matches no event.

User text never reaches the query syntax: it is cut into words here, and each word is quoted (FTS5) or
given as a quoted lexeme (tsquery) made only of letters and digits, then bound as a parameter, so no
input can make the query fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

#: The SQLite FTS5 table (external content: `events`, keyed on its rowid).
FTS_TABLE = "events_fts"
#: The fields an `actor` filter searches.
ACTOR_COLUMNS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
#: The fields a `q` filter searches (the FTS5 table's columns, in this order).
TEXT_COLUMNS = (*ACTOR_COLUMNS, "location", "admin1", "admin2", "country", "sub_event_type", "notes")
#: What the database holds for search besides `schema.metadata` (the FTS5 table and its shadow tables on
#: SQLite, the GIN indexes on PostgreSQL): the schema comparison in tests/test_migrations.py skips them.
SEARCH_OBJECTS = frozenset(
    {
        FTS_TABLE,
        *(f"{FTS_TABLE}_{shadow}" for shadow in ("data", "idx", "docsize", "config", "content")),
        "ix_events_actor_search",
        "ix_events_text_search",
    }
)

_WORD = re.compile(r"[^\W_]+")  # letters and digits, in any script: what FTS5's unicode61 keeps

# -- PostgreSQL: the indexed expressions (migration 0005 creates the indexes on exactly these) ------------


def _pg_field(column: str) -> str:
    # ASCII punctuation becomes a space before PostgreSQL's parser sees the text, so "2015-2023",
    # "al-Shabaab" and "mosul.gov" are plain words as in SQLite, not a signed number, a compound word or a
    # host name that the words inside would not match.
    return f"regexp_replace(coalesce(events.{column}, ''), '[[:punct:]]', ' ', 'g')"


#: Weights: an actor phrase must match within one field (weight A to D).
_PG_WEIGHTS = dict(zip(ACTOR_COLUMNS, "ABCD", strict=True))
PG_ACTOR_VECTOR = " || ".join(
    f"setweight(to_tsvector('simple'::regconfig, {_pg_field(c)}), '{w}')" for c, w in _PG_WEIGHTS.items()
)
PG_TEXT_VECTOR = "to_tsvector('simple'::regconfig, {})".format(
    " || ' ' || ".join(_pg_field(c) for c in TEXT_COLUMNS)
)

# -- turning user text into queries ----------------------------------------------------------------------


def words(text: str) -> list[str]:
    """The words of `text`, as typed: each engine folds case its own way, the same way it folded the
    indexed text, so lower-casing here could only make them disagree (Turkish "İ", for one)."""
    return _WORD.findall(text)


@dataclass(frozen=True, slots=True)
class Term:
    """Words that must follow each other in one field; with `prefix`, the last may begin a longer word."""

    words: tuple[str, ...]
    prefix: bool


def actor_term(actor: str) -> Term | None:
    """An `actor` filter is one term, its last word a prefix (None: it has no word)."""
    found = words(actor)
    return Term(tuple(found), prefix=True) if found else None


def text_terms(q: str) -> list[Term]:
    """A `q` filter's terms: whitespace-separated, those without a word dropped; the last one, and any
    that ends in `*`, match word beginnings, the others whole words."""
    found = [(w, raw.endswith("*")) for raw in q.split() if (w := words(raw))]
    return [Term(tuple(w), star or i == len(found) - 1) for i, (w, star) in enumerate(found)]


def fts5_phrase(term: Term) -> str:
    """An FTS5 phrase: `"islamic state"*`. The words are letters and digits only, so the quotes cannot
    be closed early; doubling `"` would keep that true even if they were not."""
    return '"' + " ".join(term.words).replace('"', '""') + '"' + ("*" if term.prefix else "")


def fts5_query(actor: str | None, q: str | None) -> str | None:
    """The FTS5 MATCH expression for the filters, or None when a given filter has no word (no match)."""
    parts = []
    if actor is not None:
        term = actor_term(actor)
        if term is None:
            return None
        parts.append("{" + " ".join(ACTOR_COLUMNS) + "} : " + fts5_phrase(term))
    if q is not None:
        terms = text_terms(q)
        if not terms:
            return None
        parts.extend(fts5_phrase(t) for t in terms)
    return " AND ".join(parts)


def _ts_phrase(term: Term, weight: str = "") -> str:
    """A tsquery phrase, each word restricted to `weight` if given: `'islamic':A <-> 'state':*A`. The
    words are letters and digits; quotes and backslashes are escaped all the same, as tsquery's syntax
    wants, so a quoted lexeme could not end early even if they were not."""
    out = []
    for i, word in enumerate(term.words):
        label = ("*" if term.prefix and i == len(term.words) - 1 else "") + weight
        quoted = "'" + word.replace("\\", "\\\\").replace("'", "\\'") + "'"
        out.append(f"{quoted}:{label}" if label else quoted)
    return " <-> ".join(out)


def tsquery_actor(actor: str) -> str | None:
    """The tsquery text for an `actor` filter: the phrase within one weighted field (None: no word)."""
    term = actor_term(actor)
    if term is None:
        return None
    return " | ".join(f"({_ts_phrase(term, w)})" for w in _PG_WEIGHTS.values())


def tsquery_text(q: str) -> str | None:
    """The tsquery text for a `q` filter: every term's phrase (None: no word)."""
    terms = text_terms(q)
    if not terms:
        return None
    return " & ".join(f"({_ts_phrase(t)})" for t in terms)


# -- the filter ----------------------------------------------------------------------------------------

_fts = sa.table(FTS_TABLE, sa.column("rowid"))
_fts_match = sa.literal_column(FTS_TABLE).bool_op("MATCH")
_events_rowid = sa.literal_column("events.rowid")
# Unary plus: the same value, but not the column, so SQLite cannot look rows up by it (see `matching`).
_events_rowid_unindexed = sa.literal_column("+events.rowid")
_pg_actor = sa.literal_column(PG_ACTOR_VECTOR)
_pg_text = sa.literal_column(PG_TEXT_VECTOR)
_pg_config = sa.literal_column("'simple'::regconfig")


def _fts5_matches(expression: str) -> sa.Select:
    return sa.select(_fts.c.rowid).where(_fts_match(sa.bindparam(None, expression)))


def matching(is_sqlite: bool, actor: str | None, q: str | None, *, drive: bool = True) -> Any:
    """A WHERE clause on `events` for the `actor` and `q` filters (None for either: not filtered).

    On SQLite the index yields the matching rowids. With `drive` (few matches) SQLite reads those events
    by rowid and sorts them; without it, it walks the index that serves the rest of the query (the date
    order, a country ...) and keeps the events found among the matches, which is cheaper once the
    matches are many: reading an event by rowid costs about 3 µs, stepping through an index 0.05 µs."""
    if actor is None and q is None:
        return sa.true()
    if is_sqlite:
        expression = fts5_query(actor, q)
        if expression is None:
            return sa.false()
        # One MATCH for both filters.
        return (_events_rowid if drive else _events_rowid_unindexed).in_(_fts5_matches(expression))
    clauses = []
    for vector, given, build in ((_pg_actor, actor, tsquery_actor), (_pg_text, q, tsquery_text)):
        if given is None:
            continue
        text = build(given)
        if text is None:
            return sa.false()
        clauses.append(vector.bool_op("@@")(sa.func.to_tsquery(_pg_config, sa.bindparam(None, text))))
    return sa.and_(*clauses)


def fts5_count(conn: sa.Connection, actor: str | None, q: str | None, cap: int) -> int:
    """SQLite: how many events the filters match, up to `cap`, from the index alone (it has a row for
    every event, the triggers see to that), without reading a single event."""
    expression = fts5_query(actor, q)
    if expression is None:
        return 0
    query = sa.select(sa.func.count()).select_from(_fts5_matches(expression).limit(cap).subquery())
    return int(conn.execute(query).scalar_one())


def fts5_check(conn: sa.Connection) -> None:
    """Raise if the SQLite index disagrees with `events` (FTS5's own integrity check against the content
    table; it reads everything, so it is for tests and repairs, not requests)."""
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)")


def fts5_rebuild(conn: sa.Connection) -> None:
    """Rebuild the SQLite index from `events` (what migration 0005 does for the events already stored)."""
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
