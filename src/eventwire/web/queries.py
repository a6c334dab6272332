"""The read queries behind the web API: filtered event pages and map points, statistics, actor cards with
their relations, documents with their evidence spans, and the source passages an event panel shows.

Everything is SQLAlchemy Core with bound parameters (no SQL is ever built from request text), run in the
`Store`'s read transactions, so SQLite and PostgreSQL answer alike. The event list reads the `events`
table alone (one query for the page, one for the count), and its `actor` and `q` filters read the
full-text index of `store/search.py` rather than every row; the full event (sources, evidence) comes from
`Store.events_by_id`, which only the detail view and the CSV/GeoJSON exports pay for.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from dataclasses import astuple, dataclass
from typing import Any

import sqlalchemy as sa

from eventwire.model import ACLED_FIELDS
from eventwire.store import Store, search
from eventwire.store import schema as s
from eventwire.store.database import document_fields

#: Columns of an event row in a list page: ACLED's fields and what the table and map need besides.
LIST_COLUMNS = ("id", *ACLED_FIELDS, "confidence", "number_of_sources")
#: Columns of a map point, in the order each point's array holds them.
POINT_COLUMNS = ("id", "latitude", "longitude", "event_type", "event_date", "fatalities")

_SORTS = {
    "date": (s.events.c.event_date.asc().nulls_last(), s.events.c.id.asc()),
    "-date": (s.events.c.event_date.desc().nulls_last(), s.events.c.id.desc()),
    "fatalities": (s.events.c.fatalities.asc(), s.events.c.id.asc()),
    "-fatalities": (s.events.c.fatalities.desc(), s.events.c.id.desc()),
}
SORTS = tuple(_SORTS)


@dataclass(slots=True)
class EventQuery:
    """The filters every event endpoint shares; already validated by the API layer (`api.EventFilters`)."""

    since: str | None = None
    until: str | None = None
    country: str | None = None
    admin1: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor: str | None = None
    q: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north


#: Counting stops here: a count of every match of a broad filter would cost more than the page itself.
COUNT_CAP = 10_000
_VALUES_TTL = 10.0  # seconds a list of stored values (countries, types ...) is reused


class _StoredValues:
    """The distinct values of the filterable columns, so a case-insensitive filter ("nigeria") becomes an
    exact `IN` on what is stored ("Nigeria"), which the column's index answers; reread every few seconds
    (and after an ingest), since new documents add values."""

    COLUMNS = ("country", "iso3", "event_type", "sub_event_type", "admin1")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at = -_VALUES_TTL
        self._values: dict[str, dict[str, list[str]]] = {}

    def invalidate(self) -> None:
        self._at = -_VALUES_TTL

    def matching(self, store: Store, column: str, value: str) -> list[str]:
        with self._lock:
            if time.monotonic() - self._at > _VALUES_TTL:
                values: dict[str, dict[str, list[str]]] = {}
                with store.reading() as conn:
                    for name in self.COLUMNS:
                        col = s.events.c[name]
                        found: dict[str, list[str]] = {}
                        for (v,) in conn.execute(sa.select(col).where(col.is_not(None)).distinct()):
                            found.setdefault(v.casefold(), []).append(v)
                        values[name] = found
                self._values = values
                self._at = time.monotonic()
            return self._values[column].get(value.strip().casefold(), [])


_stored: dict[int, _StoredValues] = {}


def stored_values(store: Store) -> _StoredValues:
    return _stored.setdefault(id(store), _StoredValues())


def _where(query: sa.Select, f: EventQuery, store: Store, drive: bool = True) -> sa.Select:
    """`query` with the filters of `f`; `drive` is how SQLite uses the text index (see `search.matching`)."""
    c = s.events.c
    values = stored_values(store)

    def exact(column: str, value: str) -> Any:
        found = values.matching(store, column, value)
        return c[column].in_(found) if found else sa.false()

    if f.country:
        # A code filters on iso3, a name on country: one index each, where `OR` of the two would make SQLite
        # merge both indexes and sort (ten times slower).
        codes = values.matching(store, "iso3", f.country)
        query = query.where(c.iso3.in_(codes) if codes else exact("country", f.country))
    if f.admin1:
        query = query.where(exact("admin1", f.admin1))
    if f.event_type:
        query = query.where(exact("event_type", f.event_type))
    if f.sub_event_type:
        query = query.where(exact("sub_event_type", f.sub_event_type))
    if f.since:
        # ISO dates compare as text, and a prefix (2024-03) sorts before every date it starts.
        query = query.where(c.event_date >= f.since)
    if f.until:
        query = query.where(_until(c.event_date, f.until))
    if f.actor or f.q:
        # Word search through the full-text index (store/search.py says what matches): every term of `q`
        # must match, so "mosul shelling" narrows, not widens.
        query = query.where(search.matching(store.is_sqlite, f.actor or None, f.q or None, drive=drive))
    if f.bbox:
        west, south, east, north = f.bbox
        query = query.where(c.latitude.between(south, north), c.longitude.between(west, east))
    return query


def _until(column: Any, until: str) -> Any:
    """`until` is inclusive at its own precision: "2024-03" keeps all of March. Written as a plain range on
    the column (no function of it), so the date index still serves."""
    if len(until) == 10:
        return column <= until
    if len(until) == 4:
        return column < str(int(until) + 1)
    year, month = int(until[:4]), int(until[5:7])
    return column < (f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}")


class _CountCache:
    """Counts by filter for a few seconds: paging through one filter's results asks the same count again
    and again, and it costs more than the page. Cleared when the API stores a document; another process
    ingesting meanwhile shows in the counts at most `_VALUES_TTL` seconds later."""

    SIZE = 512

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[Any, ...], tuple[float, int]] = {}

    def get(self, key: tuple[Any, ...]) -> int | None:
        with self._lock:
            hit = self._counts.get(key)
        return hit[1] if hit and time.monotonic() - hit[0] < _VALUES_TTL else None

    def put(self, key: tuple[Any, ...], count: int) -> None:
        with self._lock:
            if len(self._counts) >= self.SIZE:
                self._counts.clear()  # crude, but bounded: a busy server just counts again
            self._counts[key] = (time.monotonic(), count)

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


_count_caches: dict[int, _CountCache] = {}


def forget_counts(store: Store) -> None:
    """After a write: filters' values and counts are read afresh."""
    stored_values(store).invalidate()
    _count_caches.setdefault(id(store), _CountCache()).clear()


def _search_only(f: EventQuery) -> bool:
    return bool(f.actor or f.q) and f == EventQuery(actor=f.actor, q=f.q)


def _count(conn: sa.Connection, f: EventQuery, store: Store) -> int:
    """Matching events, counted up to COUNT_CAP (and remembered for a few seconds)."""
    cache = _count_caches.setdefault(id(store), _CountCache())
    key = astuple(f)
    found = cache.get(key)
    if found is not None:
        return found
    if store.is_sqlite and _search_only(f):
        # Text search alone: the full-text index counts its matches without reading any event.
        count = search.fts5_count(conn, f.actor or None, f.q or None, COUNT_CAP)
    else:
        inner = _where(sa.select(s.events.c.id), f, store)
        count = conn.execute(
            sa.select(sa.func.count()).select_from(inner.limit(COUNT_CAP).subquery())
        ).scalar_one()
    cache.put(key, count)
    return count


def _drive_by_matches(store: Store, f: EventQuery, end: int, sort: str) -> bool:
    """Whether SQLite should read a text search's matches by rowid and sort them (few matches), rather
    than walk the newest-first date index keeping the matches it meets (many; see `search.matching`).

    Reading M matches costs about 3 µs each; the walk passes about `end` * N / M index entries (N
    events, `end` = offset + limit) at about 0.05 µs each, so it wins when M² > N * end / 60: above 290
    matches for a first page of 50 at 100,000 events. The walk needs the date index's order; every
    other sort reads the matches."""
    if not (store.is_sqlite and (f.actor or f.q) and sort == "-date"):
        return True
    # A read of its own, before the caller's: building a query may read the stored values, and a request
    # holding one connection while it waits for a second could starve the pool.
    with store.reading() as conn:
        matches = _count(conn, EventQuery(actor=f.actor, q=f.q), store)  # the index's count, remembered
        events = conn.execute(sa.select(sa.func.max(sa.literal_column("rowid"))).select_from(s.events))
        return matches * matches <= (events.scalar() or 0) * end / 60


def event_page(
    store: Store, f: EventQuery, limit: int, offset: int, sort: str = "-date"
) -> tuple[int, list[dict[str, Any]]]:
    """(number of matching events up to COUNT_CAP, one page of them as flat rows)."""
    c = s.events.c
    drive = _drive_by_matches(store, f, offset + limit, sort)
    page = _where(sa.select(*(c[name] for name in LIST_COLUMNS)), f, store, drive)
    page = page.order_by(*_SORTS[sort]).limit(limit).offset(offset)
    with store.reading() as conn:
        rows = [dict(r) for r in conn.execute(page).mappings()]
        # A short page is the end of the list: no count query needed.
        total = offset + len(rows) if len(rows) < limit and (rows or offset == 0) else _count(conn, f, store)
    for row in rows:
        if row["confidence"] is not None:
            row["confidence"] = round(row["confidence"], 3)
    return total, rows


def event_ids(store: Store, f: EventQuery, limit: int, offset: int, sort: str = "-date") -> list[str]:
    drive = _drive_by_matches(store, f, offset + limit, sort)
    query = (
        _where(sa.select(s.events.c.id), f, store, drive).order_by(*_SORTS[sort]).limit(limit).offset(offset)
    )
    with store.reading() as conn:
        return list(conn.execute(query).scalars())


def event_points(store: Store, f: EventQuery, limit: int) -> tuple[int, list[list[Any]]]:
    """Every matching event with coordinates as a compact array (see POINT_COLUMNS), up to `limit`;
    returns (number matching with coordinates, points)."""
    c = s.events.c
    query = _where(sa.select(*(c[name] for name in POINT_COLUMNS)), f, store).where(
        c.latitude.is_not(None), c.longitude.is_not(None)
    )
    count = sa.select(sa.func.count()).select_from(query.subquery())
    with store.reading() as conn:
        points = [list(r) for r in conn.execute(query.order_by(c.event_date.desc()).limit(limit))]
        total = len(points) if len(points) < limit else conn.execute(count).scalar_one()
    return total, points


def facets(store: Store) -> dict[str, list[dict[str, Any]]]:
    """The values the page's filter lists offer, most frequent first: types, sub-types, countries."""
    c = s.events.c
    out: dict[str, list[dict[str, Any]]] = {}
    with store.reading() as conn:
        for name, cols in (
            ("event_types", (c.event_type,)),
            ("sub_event_types", (c.event_type, c.sub_event_type)),
            ("countries", (c.country, c.iso3)),
        ):
            n = sa.func.count().label("events")
            query = sa.select(*cols, n).group_by(*cols).order_by(n.desc(), *cols)
            out[name] = [dict(r) for r in conn.execute(query).mappings() if r[cols[-1].name] is not None]
        dates = conn.execute(sa.select(sa.func.min(c.event_date), sa.func.max(c.event_date))).one()
    out["date_range"] = [{"first": dates[0], "last": dates[1]}]
    return out


def _week(day: str) -> str:
    """The Monday of an ISO date's week (a partial date, YYYY or YYYY-MM, stays as it is)."""
    try:
        d = dt.date.fromisoformat(day)
    except ValueError:
        return day
    return (d - dt.timedelta(days=d.weekday())).isoformat()


def stats(store: Store, f: EventQuery, interval: str) -> dict[str, Any]:
    """Counts and fatalities by period (day or week) and type, by country and by type, and in total."""
    c = s.events.c
    n, dead = sa.func.count().label("events"), sa.func.coalesce(sa.func.sum(c.fatalities), 0).label("f")
    by_day = _where(sa.select(c.event_date, c.event_type, n, dead), f, store).group_by(
        c.event_date, c.event_type
    )
    by_country = _where(sa.select(c.country, c.iso3, n, dead), f, store).group_by(c.country, c.iso3)
    with store.reading() as conn:
        days = conn.execute(by_day).all()
        countries = conn.execute(by_country).all()
    periods: dict[tuple[str, str], list[int]] = {}
    types: dict[str, list[int]] = {}
    undated = [0, 0]
    for day, event_type, events, fatalities in days:
        if day is None:
            undated[0] += events
            undated[1] += fatalities
        else:
            key = (day if interval == "day" else _week(day), event_type)
            slot = periods.setdefault(key, [0, 0])
            slot[0] += events
            slot[1] += fatalities
        t = types.setdefault(event_type, [0, 0])
        t[0] += events
        t[1] += fatalities
    return {
        "interval": interval,
        "total": {
            "events": sum(v[0] for v in types.values()),
            "fatalities": sum(v[1] for v in types.values()),
        },
        "undated": {"events": undated[0], "fatalities": undated[1]},
        "by_period": [
            {"period": p, "event_type": t, "events": v[0], "fatalities": v[1]}
            for (p, t), v in sorted(periods.items())
        ],
        "by_type": [
            {"event_type": t, "events": v[0], "fatalities": v[1]}
            for t, v in sorted(types.items(), key=lambda kv: (-kv[1][0], kv[0]))
        ],
        "by_country": [
            {"country": country, "iso3": iso3, "events": events, "fatalities": fatalities}
            for country, iso3, events, fatalities in sorted(countries, key=lambda r: (-r[2], r[0] or ""))
        ],
    }


# -- actors ---------------------------------------------------------------------------------------------


def _actor_row(row: Any, aliases: list[str]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "aliases": aliases,
        "type": row["type"],
        "inter": row["inter"],
        "country": row["country"],
        "role": row["role"],
        "parent": row["parent"],
        "known": bool(row["known"]),
    }


def _aliases(conn: sa.Connection, ids: list[int]) -> dict[int, list[str]]:
    al = s.actor_aliases
    out: dict[int, list[str]] = {}
    for i in range(0, len(ids), 500):
        query = sa.select(al.c.actor_id, al.c.alias).where(al.c.actor_id.in_(ids[i : i + 500]))
        for actor_id, alias in conn.execute(query.order_by(al.c.alias)):
            out.setdefault(actor_id, []).append(alias)
    return out


def _event_counts(conn: sa.Connection, names: list[str] | None = None) -> dict[str, dict[str, int]]:
    """name -> events as actor1 and as actor2 (all names when `names` is None)."""
    c = s.events.c
    out: dict[str, dict[str, int]] = {}
    for column, key in ((c.actor1, "as_actor1"), (c.actor2, "as_actor2")):
        query = sa.select(column, sa.func.count()).where(column.is_not(None)).group_by(column)
        if names is not None:
            query = query.where(column.in_(names))
        for name, count in conn.execute(query):
            out.setdefault(name, {"as_actor1": 0, "as_actor2": 0})[key] = count
    return out


def actors(store: Store, q: str | None, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    """Actors whose name or an alias contains `q`, those in the most events first."""
    a, al = s.actors, s.actor_aliases
    query = sa.select(a)
    if q:
        has_alias = sa.select(al.c.actor_id).where(al.c.alias.icontains(q.strip(), autoescape=True))
        query = query.where(sa.or_(a.c.name.icontains(q.strip(), autoescape=True), a.c.id.in_(has_alias)))
    with store.reading() as conn:
        rows = list(conn.execute(query).mappings())
        counts = _event_counts(conn)
        aliases = _aliases(conn, [r["id"] for r in rows])
    out = []
    for row in rows:
        card = _actor_row(row, aliases.get(row["id"], []))
        card.update(counts.get(row["name"], {"as_actor1": 0, "as_actor2": 0}))
        card["events"] = card["as_actor1"] + card["as_actor2"]
        out.append(card)
    out.sort(key=lambda r: (-r["events"], r["name"].casefold()))
    return len(out), out[offset : offset + limit]


def actor(store: Store, actor_id: int | None = None, name: str | None = None) -> dict[str, Any] | None:
    """An actor's card: attributes, event counts, first and last seen, its relations (with evidence), the
    actors it met in events, and its latest events. By id, or by exact name: an event may name an actor
    the actors table does not hold under that name (the table keeps the dictionary's canonical names),
    and its card is then made from the events and relations alone (`id` None)."""
    a, r, c = s.actors, s.relations, s.events.c
    with store.reading() as conn:
        where = a.c.id == actor_id if actor_id is not None else a.c.name == name
        row = conn.execute(sa.select(a).where(where)).mappings().first()
        if row is not None:
            name = row["name"]
            card = _actor_row(row, _aliases(conn, [row["id"]]).get(row["id"], []))
        elif (
            name is not None
            and conn.execute(
                sa.select(c.id).where(sa.or_(c.actor1 == name, c.actor2 == name)).limit(1)
            ).first()
        ):
            card = {"id": None, "name": name, "aliases": [], "type": None, "inter": None, "country": None,
                    "role": None, "parent": None, "known": False}  # fmt: skip
        else:
            return None
        assert name is not None
        card.update(_event_counts(conn, [name]).get(name, {"as_actor1": 0, "as_actor2": 0}))
        involved = sa.or_(c.actor1 == name, c.actor2 == name)
        first, last, fatalities = conn.execute(
            sa.select(sa.func.min(c.event_date), sa.func.max(c.event_date), sa.func.sum(c.fatalities)).where(
                involved
            )
        ).one()
        rel_rows = conn.execute(
            sa.select(r).where(sa.or_(r.c.subject == name, r.c.object == name)).order_by(r.c.id)
        ).mappings()
        relations = [
            {
                "subject": x["subject"],
                "relation": x["relation"],
                "object": x["object"],
                "qualifier": x["qualifier"],
                "date": x["date"],
                "document_id": x["document_id"],
                "evidence": {
                    "start": x["evidence_start"],
                    "end": x["evidence_end"],
                    "text": x["evidence_text"],
                },
            }
            for x in rel_rows
        ]
        # Who this actor met in events, and how: the opponents the event table records.
        other = sa.case((c.actor1 == name, c.actor2), else_=c.actor1).label("other")
        met = conn.execute(
            sa.select(other, c.event_type, sa.func.count().label("n"))
            .where(involved, c.actor1.is_not(None), c.actor2.is_not(None))
            .group_by(other, c.event_type)
            .order_by(sa.func.count().desc())
            .limit(200)
        ).all()
        latest = conn.execute(
            sa.select(*(c[n] for n in LIST_COLUMNS)).where(involved).order_by(*_SORTS["-date"]).limit(50)
        ).mappings()
        latest_events = [dict(e) for e in latest]
        named = {x["subject"] for x in relations} | {x["object"] for x in relations} | {m[0] for m in met}
        ids = (
            dict(conn.execute(sa.select(a.c.name, a.c.id).where(a.c.name.in_(named))).all()) if named else {}
        )
    card.update(
        events=card["as_actor1"] + card["as_actor2"],
        first_seen=first,
        last_seen=last,
        fatalities=fatalities or 0,
        relations=relations,
        counterparts=[
            {"name": other_name, "id": ids.get(other_name), "event_type": t, "events": n}
            for other_name, t, n in met
            if other_name and other_name != name
        ],
        latest_events=latest_events,
        actor_ids=ids,  # name -> id for every actor the relations and counterparts name
    )
    return card


# -- documents and passages ---------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+|\n")
_CONTEXT = 400  # characters looked at each side of a span for its sentence's ends


def document(store: Store, doc_id: str) -> dict[str, Any] | None:
    """A stored document: metadata, cleaned text, warnings, and every evidence span pointing into it
    (each event mention's fields and each relation), so a client can highlight them."""
    d, m, me, r = s.documents, s.mentions, s.mention_evidence, s.relations
    with store.reading() as conn:
        row = conn.execute(sa.select(d).where(d.c.id == doc_id)).mappings().first()
        if row is None:
            return None
        warnings = list(
            conn.execute(
                sa.select(s.document_warnings.c.warning)
                .where(s.document_warnings.c.document_id == doc_id)
                .order_by(s.document_warnings.c.id)
            ).scalars()
        )
        mention_rows = conn.execute(
            sa.select(m.c.id, m.c.event_id, m.c.event_type, m.c.sub_event_type, m.c.event_date)
            .where(m.c.document_id == doc_id)
            .order_by(m.c.id)
        ).mappings()
        mentions = [dict(x) for x in mention_rows]
        spans = conn.execute(
            sa.select(me.c.mention_id, me.c.field, me.c.start, me.c.end, me.c.text)
            .join(m, me.c.mention_id == m.c.id)
            .where(m.c.document_id == doc_id)
            .order_by(me.c.start, me.c.id)
        ).mappings()
        evidence = [dict(x) for x in spans]
        relations = [
            {
                "subject": x["subject"],
                "relation": x["relation"],
                "object": x["object"],
                "start": x["evidence_start"],
                "end": x["evidence_end"],
                "text": x["evidence_text"],
            }
            for x in conn.execute(sa.select(r).where(r.c.document_id == doc_id).order_by(r.c.id)).mappings()
        ]
    return {
        "id": row["id"],
        **document_fields(row),
        "language": row["language"],
        "ingested_at": row["ingested_at"].isoformat() if row["ingested_at"] else None,
        "warnings": warnings,
        "text": row["text"],
        "mentions": mentions,
        "evidence": evidence,
        "relations": relations,
    }


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or at most _CONTEXT characters) around text[start:end]."""
    lo = max(0, start - _CONTEXT)
    before = list(_SENTENCE_END.finditer(text, lo, start))
    left = before[-1].end() if before else lo
    after = _SENTENCE_END.search(text, end, min(len(text), end + _CONTEXT))
    right = after.start() + 1 if after else min(len(text), end + _CONTEXT)
    return left, max(right, end)


def passages(text: str, evidence: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The sentences of `text` that hold the evidence spans, each with its marks (field, start, end relative
    to the passage). A `sentence` span, when there is one, is used as its own passage; overlapping
    passages are merged so a word is shown once."""
    windows: list[list[int]] = []
    for field, span in evidence.items():
        start, end = span["start"], span["end"]
        if not (0 <= start <= end <= len(text)):
            continue  # a span that no longer fits the text: show nothing rather than the wrong words
        windows.append([start, end] if field == "sentence" else list(_sentence_bounds(text, start, end)))
    windows.sort()
    merged: list[list[int]] = []
    for w in windows:
        if merged and w[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], w[1])
        else:
            merged.append(w)
    out = []
    for lo, hi in merged:
        marks = [
            {"field": field, "start": span["start"] - lo, "end": span["end"] - lo, "text": span["text"]}
            for field, span in evidence.items()
            if field != "sentence" and lo <= span["start"] and span["end"] <= hi
        ]
        marks.sort(key=lambda x: (x["start"], -x["end"]))
        out.append({"start": lo, "end": hi, "text": text[lo:hi], "marks": marks})
    return out


def document_texts(store: Store, ids: list[str]) -> dict[str, str]:
    d = s.documents
    with store.reading() as conn:
        return dict(conn.execute(sa.select(d.c.id, d.c.text).where(d.c.id.in_(ids))).all()) if ids else {}


def event_detail(store: Store, event_id: str) -> dict[str, Any] | None:
    """The full event (`Store.events_by_id`) with, for each source, the passages of its article that hold
    the evidence: the panel highlights exactly the words each field came from."""
    found = store.events_by_id([event_id])
    if not found:
        return None
    event = found[0]
    texts = document_texts(store, [src["document_id"] for src in event["sources"]])
    for src in event["sources"]:
        text = texts.get(src["document_id"], "")
        src["passages"] = passages(text, src["evidence"])
        # Which of the event's merged fields were taken from this report.
        src["fields_used"] = sorted(
            f for f, span in event["evidence"].items() if span.get("mention_id") == src["mention_id"]
        )
    return event


def document_event_ids(store: Store, doc_id: str) -> list[str]:
    """The events a document's mentions belong to, in the document's mention order."""
    m = s.mentions
    query = (
        sa.select(m.c.event_id).where(m.c.document_id == doc_id, m.c.event_id.is_not(None)).order_by(m.c.id)
    )
    with store.reading() as conn:
        return list(dict.fromkeys(conn.execute(query).scalars()))
