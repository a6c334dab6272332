"""`Store`: opens the database, writes one `Extraction` per transaction, and answers the queries the CLI and
the exporters need.

SQLite is the default backend; everything goes through SQLAlchemy Core with the portable schema in
`schema.py`, so PostgreSQL only needs its driver. Every database failure the user can cause (missing
directory, unwritable file, a file that is not a database, a lock held by another process) leaves this
module as a one-line `StoreError` naming the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from eventwire.errors import InputError, StoreError
from eventwire.model import ACLED_FIELDS, Actor, Event, Extraction
from eventwire.store import schema as s

#: Seconds SQLite waits for another writer before giving up with "database is locked".
DEFAULT_BUSY_TIMEOUT = 5.0

_DATE_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CHUNK = 500  # ids per IN (...) query: well under every backend's bound-parameter limit


def _utcnow() -> datetime:
    # Naive UTC: SQLite's DateTime storage drops time zones, so store them all in one zone.
    return datetime.now(UTC).replace(tzinfo=None)


def _iso_utc(value: datetime | None) -> str | None:
    return value.replace(tzinfo=UTC).isoformat() if value else None


class Store:
    """The eventwire database. Use as a context manager, or call `close()`."""

    def __init__(self, url: str, create: bool = True, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
        self.url = url
        self.busy_timeout = busy_timeout
        try:
            parsed = sa.engine.make_url(url)
        except sa.exc.ArgumentError as exc:
            raise StoreError(f"{url}: not a database URL ({_first_line(exc)})") from None
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        # Messages name what the user typed: the file for SQLite, the URL without its password otherwise.
        self.where = (parsed.database or ":memory:") if self.is_sqlite else parsed.render_as_string(True)
        if self.is_sqlite:
            self._check_sqlite_path(parsed.database, create)
        self.engine = self._make_engine(parsed)
        try:
            with self._connect() as conn:
                if self.is_sqlite:
                    # WAL lets readers work while a writer holds the lock; the mode is stored in the file.
                    # This first statement also proves the file is a database at all.
                    conn.exec_driver_sql("PRAGMA journal_mode=WAL")
                if create:
                    s.metadata.create_all(conn)
                elif not sa.inspect(conn).has_table("documents"):
                    raise StoreError(f"{self.where}: not an eventwire database (no documents table)")
        except BaseException:
            self.engine.dispose()
            raise

    # -- opening -----------------------------------------------------------------------------------------

    def _check_sqlite_path(self, database: str | None, create: bool) -> None:
        """Catch the path problems SQLite would only report as "unable to open database file"."""
        if not database or database == ":memory:" or database.startswith("file:"):
            return
        path = Path(database)
        parent = path.parent if str(path.parent) else Path(".")
        if path.is_dir():
            raise StoreError(f"{self.where}: is a directory, not a database file")
        if not parent.exists():
            raise StoreError(f"{self.where}: directory {parent} does not exist")
        if not parent.is_dir():
            raise StoreError(f"{self.where}: {parent} is not a directory")
        if not create and not path.exists():
            raise StoreError(f"{self.where}: no such database")

    def _make_engine(self, parsed: sa.URL) -> Engine:
        try:
            if not self.is_sqlite:
                return sa.create_engine(parsed, pool_pre_ping=True)
            # pysqlite's `timeout` is SQLite's busy timeout: wait that long for another writer's lock.
            engine = sa.create_engine(parsed, connect_args={"timeout": self.busy_timeout})
        except Exception as exc:  # a missing driver (psycopg not installed) and the like
            raise StoreError(f"{self.where}: cannot use this database ({_first_line(exc)})") from None

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            try:
                cur.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite, and set per connection
            finally:
                cur.close()

        return engine

    # -- error mapping -----------------------------------------------------------------------------------

    def _error(self, exc: BaseException, doing: str = "") -> StoreError:
        cause = _first_line(getattr(exc, "orig", None) or exc)
        low = cause.lower()
        prefix = f"{self.where}: " + (f"{doing}: " if doing else "")
        if "database is locked" in low or "database table is locked" in low:
            return StoreError(
                f"{self.where}: database is locked by another process "
                f"(gave up after {self.busy_timeout:g} s; try again when it has finished)"
            )
        if "file is not a database" in low:
            return StoreError(f"{self.where}: not a database file (file is not a database)")
        if "readonly database" in low or "read-only" in low:
            return StoreError(f"{prefix}database is read-only (check the file's permissions)")
        if "unable to open database file" in low:
            return StoreError(f"{prefix}cannot open the database file (check the directory's permissions)")
        return StoreError(f"{prefix}{cause}")

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        """A connection in a transaction: committed on success, rolled back on any exception."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.SQLAlchemyError as exc:  # OperationalError, DatabaseError, IntegrityError ...
            raise self._error(exc) from None

    # -- writing -----------------------------------------------------------------------------------------

    def save(self, extraction: Extraction) -> bool:
        """Write one document with all it yielded, in one transaction.

        Returns False, writing nothing, when the document is already stored. On any failure the transaction
        is rolled back, so a document is either stored whole or not at all.
        """
        doc_id = extraction.document.id
        if self.has_document(doc_id):
            return False
        try:
            with self._connect() as conn:
                self._insert_document(conn, extraction)
                self._upsert_actors(conn, extraction.actors)
                self._insert_events(conn, extraction)
                self._insert_relations(conn, extraction)
        except StoreError:
            # Another process may have stored the same document between our check and our insert.
            if self.has_document(doc_id):
                return False
            raise
        return True

    def _insert_document(self, conn: Connection, extraction: Extraction) -> None:
        doc = extraction.document
        conn.execute(
            s.documents.insert().values(
                id=doc.id,
                title=doc.title,
                publisher=doc.publisher,
                wire_source=doc.wire_source,
                published=doc.published,
                published_source=doc.published_source,
                url=doc.url,
                source_path=doc.source_path,
                language=doc.language,
                text=doc.text,
                ingested_at=_utcnow(),
            )
        )
        warnings = list(dict.fromkeys([*doc.warnings, *extraction.warnings]))
        if warnings:
            conn.execute(
                s.document_warnings.insert(), [{"document_id": doc.id, "warning": w} for w in warnings]
            )

    def _upsert_actors(self, conn: Connection, actors: Sequence[Actor]) -> None:
        """Insert new actors; for known names fill what was missing and merge in the new aliases.

        A dictionary actor (`known`) seen after a text-only one replaces its attributes, because the
        dictionary is the better source; otherwise stored values win and only gaps are filled.
        """
        for actor in actors:
            row = conn.execute(sa.select(s.actors).where(s.actors.c.name == actor.name)).mappings().first()
            attrs = {
                "type": actor.type,
                "inter": actor.inter,
                "country": actor.country,
                "role": actor.role,
                "parent": actor.parent,
            }
            if row is None:
                actor_id = conn.execute(
                    s.actors.insert().values(name=actor.name, known=actor.known, **attrs)
                ).inserted_primary_key[0]
            else:
                actor_id = row["id"]
                upgrade = actor.known and not row["known"]
                changes = {
                    k: v
                    for k, v in attrs.items()
                    if v is not None and (upgrade or row[k] is None) and v != row[k]
                }
                if upgrade:
                    changes["known"] = True
                if changes:
                    conn.execute(s.actors.update().where(s.actors.c.id == actor_id).values(**changes))
            stored = set(
                conn.execute(sa.select(s.actor_aliases.c.alias).where(s.actor_aliases.c.actor_id == actor_id))
                .scalars()
                .all()
            )
            new = [a for a in dict.fromkeys(actor.aliases) if a and a != actor.name and a not in stored]
            if new:
                conn.execute(s.actor_aliases.insert(), [{"actor_id": actor_id, "alias": a} for a in new])

    def _insert_events(self, conn: Connection, extraction: Extraction) -> None:
        now = _utcnow()
        seen: set[str] = set()
        rows: list[dict[str, Any]] = []
        spans: list[dict[str, Any]] = []
        skipped: list[str] = []
        for event in extraction.events:
            # Event ids hash (document, type, sub-type, trigger offset); two events without a trigger can
            # collide. Keep the first rather than losing the whole document to a primary-key error.
            if event.id in seen:
                skipped.append(event.id)
                continue
            seen.add(event.id)
            rows.append(_event_row(event, now))
            spans.extend(
                {"event_id": event.id, "field": name, "start": ev.start, "end": ev.end, "text": ev.text}
                for name, ev in event.evidence.items()
            )
        if rows:
            conn.execute(s.events.insert(), rows)
        if spans:
            conn.execute(s.evidence.insert(), spans)
        if skipped:
            conn.execute(
                s.document_warnings.insert(),
                [
                    {"document_id": extraction.document.id, "warning": f"duplicate event id {i} not stored"}
                    for i in skipped
                ],
            )

    def _insert_relations(self, conn: Connection, extraction: Extraction) -> None:
        doc_id = extraction.document.id
        rows: dict[tuple[str, str, str, int], dict[str, Any]] = {}
        for rel in extraction.relations:
            key = (rel.subject, rel.relation, rel.object, rel.evidence.start)
            # The same statement found twice in one text is one relation (the unique constraint agrees).
            rows.setdefault(
                key,
                {
                    "document_id": doc_id,
                    "subject": rel.subject,
                    "relation": rel.relation,
                    "object": rel.object,
                    "qualifier": rel.qualifier,
                    "date": rel.date,
                    "evidence_start": rel.evidence.start,
                    "evidence_end": rel.evidence.end,
                    "evidence_text": rel.evidence.text,
                },
            )
        if rows:
            conn.execute(s.relations.insert(), list(rows.values()))

    # -- reading -----------------------------------------------------------------------------------------

    def has_document(self, doc_id: str) -> bool:
        with self._connect() as conn:
            found = conn.execute(sa.select(s.documents.c.id).where(s.documents.c.id == doc_id)).first()
        return found is not None

    def events(
        self,
        country: str | None = None,
        event_type: str | None = None,
        since: str | None = None,
        until: str | None = None,
        actor: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Stored events as `Event.to_dict()` dicts plus their document's title, publisher, published date,
        wire source, URL and source path; sorted by event date (undated last), then id.

        `country` matches the country name (case-insensitive) or ISO3 code; `event_type` is case-insensitive;
        `since`/`until` take YYYY, YYYY-MM or YYYY-MM-DD and are inclusive (until=2024-03 keeps all of
        March); `actor` is a case-insensitive substring of actor1, actor2 or either associated actor.
        """
        e, d = s.events, s.documents
        query = sa.select(
            e,
            d.c.title,
            d.c.publisher,
            d.c.wire_source,
            d.c.published,
            d.c.url,
            d.c.source_path,
        ).join(d, e.c.document_id == d.c.id)
        if country:
            query = query.where(
                sa.or_(
                    sa.func.lower(e.c.country) == country.strip().lower(), e.c.iso3 == country.strip().upper()
                )
            )
        if event_type:
            query = query.where(sa.func.lower(e.c.event_type) == event_type.strip().lower())
        if since:
            # ISO dates compare as text, and a prefix sorts before every date it starts.
            query = query.where(e.c.event_date >= _check_date("since", since))
        if until:
            until = _check_date("until", until)
            query = query.where(sa.func.substr(e.c.event_date, 1, len(until)) <= until)
        if actor:
            columns = (e.c.actor1, e.c.actor2, e.c.assoc_actor_1, e.c.assoc_actor_2)
            query = query.where(sa.or_(*(c.icontains(actor.strip(), autoescape=True) for c in columns)))
        query = query.order_by(e.c.event_date.asc().nulls_last(), e.c.id)
        if limit is not None:
            query = query.limit(max(0, limit))

        with self._connect() as conn:
            rows = conn.execute(query).mappings().all()
            spans = self._evidence_for(conn, [r["id"] for r in rows])
        return [_event_dict(r, spans.get(r["id"], {})) for r in rows]

    def _evidence_for(self, conn: Connection, ids: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
        out: dict[str, dict[str, dict[str, Any]]] = {}
        ev = s.evidence
        for i in range(0, len(ids), _CHUNK):
            query = sa.select(ev).where(ev.c.event_id.in_(ids[i : i + _CHUNK])).order_by(ev.c.id)
            for row in conn.execute(query).mappings():
                out.setdefault(row["event_id"], {})[row["field"]] = {
                    "start": row["start"],
                    "end": row["end"],
                    "text": row["text"],
                }
        return out

    def actors(self, name: str | None = None) -> list[dict[str, Any]]:
        """Actors sorted by name, each with its aliases; `name` keeps those whose name or an alias contains
        it (case-insensitive)."""
        a, al = s.actors, s.actor_aliases
        query = sa.select(a).order_by(a.c.name)
        if name:
            has_alias = sa.select(al.c.actor_id).where(al.c.alias.icontains(name.strip(), autoescape=True))
            query = query.where(
                sa.or_(a.c.name.icontains(name.strip(), autoescape=True), a.c.id.in_(has_alias))
            )
        with self._connect() as conn:
            rows = conn.execute(query).mappings().all()
            aliases: dict[int, list[str]] = {}
            for actor_id, alias in conn.execute(sa.select(al.c.actor_id, al.c.alias).order_by(al.c.alias)):
                aliases.setdefault(actor_id, []).append(alias)
        return [
            {
                "name": r["name"],
                "aliases": aliases.get(r["id"], []),
                "type": r["type"],
                "inter": r["inter"],
                "country": r["country"],
                "role": r["role"],
                "parent": r["parent"],
                "known": bool(r["known"]),
            }
            for r in rows
        ]

    def relations(self) -> list[dict[str, Any]]:
        """All relations, shaped like `Relation.to_dict()` plus `document_id`, in the order stored."""
        r = s.relations
        with self._connect() as conn:
            rows = conn.execute(sa.select(r).order_by(r.c.id)).mappings().all()
        return [
            {
                "document_id": row["document_id"],
                "subject": row["subject"],
                "relation": row["relation"],
                "object": row["object"],
                "qualifier": row["qualifier"],
                "date": row["date"],
                "evidence": {
                    "start": row["evidence_start"],
                    "end": row["evidence_end"],
                    "text": row["evidence_text"],
                },
            }
            for row in rows
        ]

    def counts(self) -> dict[str, int]:
        tables = {"documents": s.documents, "events": s.events, "actors": s.actors, "relations": s.relations}
        with self._connect() as conn:
            return {
                name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for name, t in tables.items()
            }

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


# -- helpers ---------------------------------------------------------------------------------------------


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _check_date(option: str, value: str) -> str:
    value = value.strip()
    if not _DATE_PREFIX.match(value):
        raise InputError(f"{option}={value}", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def _event_row(event: Event, created_at: datetime) -> dict[str, Any]:
    row: dict[str, Any] = {name: getattr(event, name) for name in ACLED_FIELDS}
    row.update(id=event.id, document_id=event.document_id, confidence=event.confidence, created_at=created_at)
    return row


def _event_dict(row: Any, evidence: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": row["id"], "document_id": row["document_id"]}
    out.update({name: row[name] for name in ACLED_FIELDS})
    confidence = row["confidence"]
    out["confidence"] = round(confidence, 3) if confidence is not None else None
    out["evidence"] = evidence
    published: date | None = row["published"]
    out.update(
        title=row["title"],
        publisher=row["publisher"],
        wire_source=row["wire_source"],
        published=published.isoformat() if published else None,
        url=row["url"],
        source_path=row["source_path"],
        created_at=_iso_utc(row["created_at"]),
    )
    return out
