"""`Store`: opens (creating or upgrading) the database, writes one `Extraction` per transaction with its
mentions clustered into events, keeps the ingest failures (`failures` table), and answers the queries the
CLI and the exporters need.

SQLite is the default backend and PostgreSQL (psycopg) the one for teams; everything goes through SQLAlchemy
Core with the portable schema in `schema.py`, built by the Alembic scripts in `migrations/`. Every database
failure the user can cause (missing directory, unwritable file, a file that is not a database, a lock held
by another process, a file deleted while in use, a server that refuses) leaves this module as a one-line
`StoreError` naming the database.

Each document is written in one transaction together with the clustering of its mentions, so a document
and its effect on the events are stored whole or not at all: an ingest killed at any point and run again
ends with the database one clean run gives. On PostgreSQL, writers take a transaction-scoped advisory lock,
so two processes ingesting at once see each other's events and never create the same event or document
twice; reading is never blocked.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from eventwire.errors import InputError, StoreError
from eventwire.model import ACLED_FIELDS, Actor, Event, Extraction, Failure
from eventwire.resolve import dedup
from eventwire.store import knowledge
from eventwire.store import schema as s

#: Seconds SQLite waits for another writer before giving up with "database is locked".
DEFAULT_BUSY_TIMEOUT = 5.0

_DATE_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CHUNK = 500  # ids per IN (...) query: well under every backend's bound-parameter limit
#: PostgreSQL advisory lock key that serialises writers (and migrations): "evwr" in ASCII.
_PG_WRITE_LOCK = 0x65767772
_MIGRATIONS = Path(__file__).with_name("migrations")
#: Columns an event mention and a merged event share.
_MERGED_FIELDS = (*ACLED_FIELDS, "confidence")


def _utcnow() -> datetime:
    # Naive UTC: SQLite's DateTime storage drops time zones, so store them all in one zone.
    return datetime.now(UTC).replace(tzinfo=None)


def _naive_utc(value: datetime) -> datetime:
    """A time as the database keeps it: naive UTC (an aware time is converted, a naive one taken as UTC)."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


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
        if parsed.drivername in ("postgresql", "postgres"):
            # SQLAlchemy's default PostgreSQL driver is psycopg2; eventwire ships with psycopg 3.
            parsed = parsed.set(drivername="postgresql+psycopg")
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        # Messages name what the user typed: the file for SQLite, the URL without its password otherwise.
        self.where = (parsed.database or ":memory:") if self.is_sqlite else parsed.render_as_string(True)
        self._file: Path | None = None
        self._file_id: tuple[int, int] | None = None
        if self.is_sqlite:
            self._check_sqlite_path(parsed.database, create)
        self.engine = self._make_engine(parsed)
        try:
            if self.is_sqlite:
                self._set_wal()
            # Reading the revision needs no lock; only a database that must change takes the writers' lock
            # (and is checked again under it: another process may have migrated it meanwhile).
            with self._connect() as conn:
                current = self._revision(conn, create)
            if current != s.SCHEMA_REVISION:
                with self._connect(write=True) as conn:
                    self._migrate(conn, create)
            self._cluster_pending()
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
        self._file = path

    def _make_engine(self, parsed: sa.URL) -> Engine:
        try:
            if not self.is_sqlite:
                return sa.create_engine(parsed, pool_pre_ping=True)
            # pysqlite's `timeout` is SQLite's busy timeout: wait that long for another writer's lock.
            engine = sa.create_engine(parsed, connect_args={"timeout": self.busy_timeout})
        except Exception as exc:  # a missing driver (psycopg not installed) and the like
            raise StoreError(f"{self.where}: cannot use this database ({_first_line(exc)})") from None

        @sa.event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
            # pysqlite only opens a transaction before DML, so DDL (migrations) and the reads before a
            # write would run outside it; take transactions over and begin them ourselves.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            try:
                cur.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite, and set per connection
            finally:
                cur.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            # A writer takes the write lock up front (waiting up to the busy timeout), so a transaction
            # that reads before it writes can never find its snapshot overtaken by another writer.
            conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))

        return engine

    def _set_wal(self) -> None:
        """WAL lets readers work while a writer holds the lock; the mode is stored in the file. This first
        statement also proves the file is a database at all. It must run outside any transaction."""
        try:
            raw = self.engine.raw_connection()
            try:
                cur = raw.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.close()
            finally:
                raw.close()
        except Exception as exc:  # sqlite3 errors, not yet wrapped by SQLAlchemy here
            raise self._error(exc) from None
        if self._file is not None:
            st = self._file.stat()
            self._file_id = (st.st_dev, st.st_ino)

    def _revision(self, conn: Connection, create: bool) -> str | None:
        """The schema revision stored (None: no alembic_version table); refuses a foreign database."""
        inspector = sa.inspect(conn)
        if not create and not inspector.has_table("documents"):
            raise StoreError(f"{self.where}: not an eventwire database (no documents table)")
        if not inspector.has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()

    def _migrate(self, conn: Connection, create: bool) -> None:
        """Bring the schema to `SCHEMA_REVISION` with the packaged Alembic scripts. A database made before
        migrations existed (tables, no alembic_version) holds revision 0001 and is stamped so first."""
        current = self._revision(conn, create)
        if current == s.SCHEMA_REVISION:
            return
        has_documents = sa.inspect(conn).has_table("documents")
        from alembic import command
        from alembic.config import Config
        from alembic.util.exc import CommandError

        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        config.attributes["connection"] = conn
        try:
            if has_documents and current is None:
                command.stamp(config, "0001")
            command.upgrade(config, "head")
        except CommandError as exc:  # e.g. a revision written by a newer eventwire
            raise StoreError(
                f"{self.where}: cannot upgrade the schema from revision {current} ({_first_line(exc)}); "
                f"this eventwire knows revisions up to {s.SCHEMA_REVISION}"
            ) from None

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
        if "unable to open database file" in low or "disk i/o error" in low:
            return StoreError(f"{prefix}cannot open the database file (check the directory's permissions)")
        if "connection refused" in low or "could not connect" in low or "connection failed" in low:
            return StoreError(f"{prefix}cannot connect to the database server ({cause})")
        return StoreError(f"{prefix}{cause}")

    def _check_file(self) -> None:
        """SQLite keeps writing into a database file deleted or replaced under it, and the writes are lost
        with the file; refuse instead, before and after every transaction's work."""
        if self._file is None or self._file_id is None:
            return
        try:
            st = self._file.stat()
        except OSError:
            raise StoreError(
                f"{self.where}: the database file vanished while in use (deleted or moved); "
                "nothing more was written"
            ) from None
        if (st.st_dev, st.st_ino) != self._file_id:
            raise StoreError(
                f"{self.where}: the database file was replaced while in use; nothing more was written"
            )

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[Connection]:
        """A connection in a transaction: committed on success, rolled back on any exception. A write
        transaction holds the write lock from its first statement (SQLite) or the writers' advisory lock
        (PostgreSQL) until it ends."""
        self._check_file()
        try:
            with self.engine.connect() as conn:
                if self.is_sqlite:
                    conn.execution_options(sqlite_begin="BEGIN IMMEDIATE" if write else "BEGIN")
                with conn.begin():
                    if write and not self.is_sqlite and conn.dialect.name == "postgresql":
                        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_WRITE_LOCK)))
                    yield conn
                    if write:
                        self._check_file()  # inside the transaction: a vanished file rolls it back
        except sa.exc.SQLAlchemyError as exc:  # OperationalError, DatabaseError, IntegrityError ...
            raise self._error(exc) from None

    # -- writing -----------------------------------------------------------------------------------------

    def save(self, extraction: Extraction) -> bool:
        """Write one document with all it yielded, and cluster its event mentions into events, in one
        transaction.

        Returns False, writing nothing, when the document is already stored. On any failure the transaction
        is rolled back, so a document is either stored whole (with its place in the events) or not at all.
        """
        doc_id = extraction.document.id
        if self.has_document(doc_id):
            return False
        try:
            with self._connect(write=True) as conn:
                return self._save_in(conn, extraction, _utcnow())
        except StoreError:
            # Another process may have stored the same document between our check and our insert.
            if self.has_document(doc_id):
                return False
            raise

    def write_batch(self, entries: Sequence[tuple[str, Extraction | Failure]]) -> list[str]:
        """Write a batch of ingest results in one transaction, in order: each `(source, extraction)` as
        `save` writes it (and clearing the source's recorded failure, as a successful ingest does), each
        `(source, failure)` as `record_failure` records it. What `eventwire load` writes a Parquet
        partition with: the partition goes in whole or, on any error, not at all.

        Returns one status per entry: "stored", "skipped" (the document was stored before), "recorded" (a
        failure) or "ignored" (a failure recorded before, or whose document has since been stored), so
        writing the same batch twice changes nothing."""
        statuses: list[str] = []
        with self._connect(write=True) as conn:
            now = _utcnow()
            for source, record in entries:
                if isinstance(record, Failure):
                    recorded = self._record_failure_in(conn, source, record, now)
                    statuses.append("recorded" if recorded else "ignored")
                    continue
                statuses.append("stored" if self._save_in(conn, record, now) else "skipped")
                conn.execute(s.failures.delete().where(s.failures.c.source == source))
        return statuses

    def _save_in(self, conn: Connection, extraction: Extraction, now: datetime) -> bool:
        """`save`'s work inside a write transaction; False when the document is stored already."""
        # Writers are serialised here: this answer cannot go stale before the commit.
        if _document_exists(conn, extraction.document.id):
            return False
        self._insert_document(conn, extraction)
        self._upsert_actors(conn, extraction.actors)
        mention_ids = self._insert_mentions(conn, extraction, now)
        self._insert_relations(conn, extraction)
        for mention_id in mention_ids:
            self._cluster_mention(conn, mention_id, now)
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

    def _insert_mentions(self, conn: Connection, extraction: Extraction, now: datetime) -> list[str]:
        """Store the document's event mentions as extracted; returns their ids in document order."""
        seen: list[str] = []
        rows: list[dict[str, Any]] = []
        spans: list[dict[str, Any]] = []
        skipped: list[str] = []
        for event in extraction.events:
            # Mention ids hash (document, type, sub-type, trigger offset); two mentions without a trigger
            # can collide. Keep the first rather than losing the whole document to a primary-key error.
            if event.id in seen:
                skipped.append(event.id)
                continue
            seen.append(event.id)
            rows.append(_mention_row(event, now))
            spans.extend(
                {"mention_id": event.id, "field": name, "start": ev.start, "end": ev.end, "text": ev.text}
                for name, ev in event.evidence.items()
            )
        if rows:
            conn.execute(s.mentions.insert(), rows)
        if spans:
            conn.execute(s.mention_evidence.insert(), spans)
        if skipped:
            conn.execute(
                s.document_warnings.insert(),
                [
                    {"document_id": extraction.document.id, "warning": f"duplicate event id {i} not stored"}
                    for i in skipped
                ],
            )
        return seen

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

    # -- clustering --------------------------------------------------------------------------------------

    def _cluster_mention(self, conn: Connection, mention_id: str, now: datetime) -> str:
        """Put one stored mention into the event it tells (or a new one) and re-merge that event.
        Returns the event id. Runs inside the writer's transaction; statements are prepared once per
        process (`_SQL`), since this runs for every mention and must stay fast."""
        mention = conn.execute(_SQL.mention, {"mention_key": mention_id}).mappings().one()
        # The document's own reading already decided which of its mentions are one event.
        taken = set(conn.execute(_SQL.document_events, {"document_key": mention["document_id"]}).scalars())
        candidates = [e for e in self._candidates(conn, mention) if e["id"] not in taken]
        match = dedup.best_match(mention, candidates)
        if match is not None:
            event_id = str(match["id"])
            conn.execute(_SQL.set_event, {"mention_key": mention_id, "event_id": event_id})
            self._refresh_event(conn, event_id, now)
            return event_id
        # A new event: it says what its one mention says.
        event_id = hashlib.sha256(f"event|{mention_id}".encode()).hexdigest()[:24]
        spans = conn.execute(_SQL.mention_evidence, {"mention_key": mention_id}).mappings()
        alone = {**mention, "evidence": {r["field"]: dict(r) for r in spans}}
        merged = dedup.merge([alone])
        conn.execute(
            s.events.insert(),
            {"id": event_id, **self._event_values(merged, now), "created_at": now},
        )
        conn.execute(_SQL.set_event, {"mention_key": mention_id, "event_id": event_id})
        self._write_event_evidence(conn, event_id, merged, {mention_id: alone})
        return event_id

    def _candidates(self, conn: Connection, mention: Any) -> list[Any]:
        """Blocking: the stored events of the mention's country and type whose date windows meet its own.
        The index on (block, event_type, day_lo) makes this a short range scan whatever the table's size."""
        params = {
            "block_key": dedup.block_key(mention["iso3"], mention["country"]),
            "type_key": mention["event_type"],
        }
        window = dedup.date_window(mention["event_date"], mention["time_precision"])
        if window is None:
            return list(conn.execute(_SQL.undated_candidates, params).mappings())
        lo, hi = window
        # day_lo >= lo - MAX_WINDOW bounds the scan: no window is wider, so none starting earlier reaches lo.
        params.update(lo_bound=lo - dedup.MAX_WINDOW, hi=hi, lo=lo)
        return list(conn.execute(_SQL.dated_candidates, params).mappings())

    def _event_mentions(self, conn: Connection, event_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """Each event's mentions in report order, each with its document's metadata and its evidence spans.
        Report order is the publication date (undated last), then the document id: an arbitrary but fixed
        order for reports of one day, so the merge never depends on which process stored what first."""
        m, d = s.mentions, s.documents
        out: dict[str, list[dict[str, Any]]] = {}
        mention_ids: list[str] = []
        for i in range(0, len(event_ids), _CHUNK):
            query = (
                sa.select(
                    m, d.c.title, d.c.publisher, d.c.wire_source, d.c.published, d.c.url, d.c.source_path
                )
                .join(d, m.c.document_id == d.c.id)
                .where(m.c.event_id.in_(event_ids[i : i + _CHUNK]))
                .order_by(d.c.published.asc().nulls_last(), d.c.id, m.c.id)
            )
            for row in conn.execute(query).mappings():
                out.setdefault(row["event_id"], []).append({**row, "evidence": {}})
                mention_ids.append(row["id"])
        spans = self._evidence_for(conn, s.mention_evidence, s.mention_evidence.c.mention_id, mention_ids)
        for mentions in out.values():
            for mention in mentions:
                mention["evidence"] = spans.get(mention["id"], {})
        return out

    def _refresh_event(self, conn: Connection, event_id: str, now: datetime) -> None:
        """Re-merge an event from all its mentions: fields, evidence, sources and blocking keys."""
        rows = conn.execute(_SQL.event_mentions, {"event_key": event_id}).mappings().all()
        if not rows:
            conn.execute(s.events.delete().where(s.events.c.id == event_id))
            return
        spans: dict[str, dict[str, Any]] = {}
        for span in conn.execute(_SQL.event_mention_evidence, {"event_key": event_id}).mappings():
            spans.setdefault(span["mention_id"], {})[span["field"]] = dict(span)
        mentions = [{**row, "evidence": spans.get(row["id"], {})} for row in rows]
        merged = dedup.merge(mentions)
        conn.execute(_SQL.update_event, {"event_key": event_id, **self._event_values(merged, now)})
        conn.execute(_SQL.delete_event_evidence, {"event_key": event_id})
        self._write_event_evidence(conn, event_id, merged, {m["id"]: m for m in mentions})

    @staticmethod
    def _event_values(merged: dedup.MergedEvent, now: datetime) -> dict[str, Any]:
        fields = merged.fields
        window = dedup.date_window(fields["event_date"], fields["time_precision"])
        return {
            **{name: fields[name] for name in _MERGED_FIELDS},
            "number_of_sources": merged.number_of_sources,
            "block": dedup.block_key(fields["iso3"], fields["country"]),
            "day_lo": window[0] if window else None,
            "day_hi": window[1] if window else None,
            "updated_at": now,
        }

    @staticmethod
    def _write_event_evidence(
        conn: Connection, event_id: str, merged: dedup.MergedEvent, by_id: dict[str, dict[str, Any]]
    ) -> None:
        rows = []
        for name, (mention_id, key) in merged.evidence.items():
            span = by_id[mention_id]["evidence"][key]
            rows.append(
                {
                    "event_id": event_id,
                    "field": name,
                    "mention_id": mention_id,
                    "document_id": by_id[mention_id]["document_id"],
                    "start": span["start"],
                    "end": span["end"],
                    "text": span["text"],
                }
            )
        if rows:
            conn.execute(s.event_evidence.insert(), rows)

    def _cluster_pending(self) -> None:
        """Cluster mentions that have no event yet: those a migration carried over from a database that
        had no events. One document per transaction, in report order, like an ingest."""
        m, d = s.mentions, s.documents
        with self._connect() as conn:
            pending = conn.execute(sa.select(m.c.id).where(m.c.event_id.is_(None)).limit(1)).first()
        if pending is None:
            return
        with self._connect() as conn:
            documents = list(
                conn.execute(
                    sa.select(d.c.id)
                    .where(d.c.id.in_(sa.select(m.c.document_id).where(m.c.event_id.is_(None))))
                    .order_by(d.c.published.asc().nulls_last(), d.c.id)
                ).scalars()
            )
        for doc_id in documents:
            with self._connect(write=True) as conn:
                ids = list(
                    conn.execute(
                        sa.select(m.c.id)
                        .where(m.c.document_id == doc_id, m.c.event_id.is_(None))
                        .order_by(m.c.id)
                    ).scalars()
                )
                spans = self._evidence_for(conn, s.mention_evidence, s.mention_evidence.c.mention_id, ids)
                now = _utcnow()
                for mention_id in ids:
                    toll = spans.get(mention_id, {}).get("fatalities", {}).get("text")
                    conn.execute(
                        m.update().where(m.c.id == mention_id).values(toll_update=dedup.is_toll_update(toll))
                    )
                    self._cluster_mention(conn, mention_id, now)

    # -- failures ----------------------------------------------------------------------------------------

    def record_failure(self, source: str, stage: str, error: str, document_id: str | None = None) -> None:
        """Remember that `source` failed at `stage` ("read" or "extract") with `error`; a source that failed
        before keeps its first time and counts one more attempt."""
        with self._connect(write=True) as conn:
            self._record_failure_in(conn, source, Failure(stage, error, document_id), _utcnow())

    def _record_failure_in(self, conn: Connection, source: str, failure: Failure, now: datetime) -> bool:
        """`record_failure`'s work inside a write transaction. A failure with its own time (`failed_at`:
        one loaded from a Parquet partition) is passed over when the source has a failure recorded at that
        time or later (this one, loaded before, or a newer one) or when its document has since been stored,
        so loading a partition again changes nothing. Returns whether it was recorded."""
        f = s.failures
        at = now
        if failure.failed_at is not None:
            at = _naive_utc(failure.failed_at)
            if failure.document_id and _document_exists(conn, failure.document_id):
                return False
            last = conn.execute(sa.select(f.c.last_failed_at).where(f.c.source == source)).scalar()
            if last is not None and last >= at:
                return False
        updated = conn.execute(
            f.update()
            .where(f.c.source == source)
            .values(
                stage=failure.stage,
                error=failure.error,
                document_id=failure.document_id,
                attempts=f.c.attempts + 1,
                last_failed_at=at,
            )
        ).rowcount
        if not updated:
            conn.execute(
                f.insert().values(
                    source=source,
                    stage=failure.stage,
                    error=failure.error,
                    document_id=failure.document_id,
                    attempts=1,
                    first_failed_at=at,
                    last_failed_at=at,
                )
            )
        return True

    def clear_failures(self, sources: Sequence[str]) -> None:
        """Forget the failures of sources that have since been read and stored (or found stored)."""
        sources = list(sources)
        with self._connect(write=True) as conn:
            for i in range(0, len(sources), _CHUNK):
                conn.execute(s.failures.delete().where(s.failures.c.source.in_(sources[i : i + _CHUNK])))

    def failed_sources(self) -> set[str]:
        with self._connect() as conn:
            return set(conn.execute(sa.select(s.failures.c.source)).scalars())

    def failures(self, stage: str | None = None) -> list[dict[str, Any]]:
        """Recorded failures, most recent first."""
        f = s.failures
        query = sa.select(f).order_by(f.c.last_failed_at.desc(), f.c.id.desc())
        if stage:
            query = query.where(f.c.stage == stage)
        with self._connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            {
                "source": r["source"],
                "stage": r["stage"],
                "error": r["error"],
                "document_id": r["document_id"],
                "attempts": r["attempts"],
                "first_failed_at": _iso_utc(r["first_failed_at"]),
                "last_failed_at": _iso_utc(r["last_failed_at"]),
            }
            for r in rows
        ]

    def document_ids(self) -> set[str]:
        """Every stored document's id: what a resumed ingest can skip without extracting it again."""
        with self._connect() as conn:
            return set(conn.execute(sa.select(s.documents.c.id)).scalars())

    # -- reading -----------------------------------------------------------------------------------------

    def has_document(self, doc_id: str) -> bool:
        with self._connect() as conn:
            return _document_exists(conn, doc_id)

    def events(
        self,
        country: str | None = None,
        event_type: str | None = None,
        since: str | None = None,
        until: str | None = None,
        actor: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Stored events (each merged from its mentions), sorted by event date (undated last), then id.

        Each dict has the `Event.to_dict()` fields with the merged values; `evidence` maps a field to the
        span it came from, with that span's `document_id` and `mention_id`; `number_of_sources` and
        `sources` (one per report: document metadata and the mention's own evidence, in report order);
        `document_id`, `title`, `publisher`, `wire_source`, `published`, `url` and `source_path` are the
        first report's.

        `country` matches the country name (case-insensitive) or ISO3 code; `event_type` is case-insensitive;
        `since`/`until` take YYYY, YYYY-MM or YYYY-MM-DD and are inclusive (until=2024-03 keeps all of
        March); `actor` is a case-insensitive substring of actor1, actor2 or either associated actor.
        """
        e = s.events
        query = _filtered(sa.select(e), e, country, event_type, since, until, actor, limit)
        with self._connect() as conn:
            rows = conn.execute(query).mappings().all()
            ids = [r["id"] for r in rows]
            spans = self._evidence_for(conn, s.event_evidence, s.event_evidence.c.event_id, ids, extra=True)
            mentions = self._event_mentions(conn, ids)
        return [_event_dict(r, spans.get(r["id"], {}), mentions.get(r["id"], [])) for r in rows]

    def events_by_id(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """The events with these ids, shaped as `events()` returns them, in the order given (unknown ids
        are left out)."""
        e = s.events
        with self._connect() as conn:
            rows: dict[str, Any] = {}
            for i in range(0, len(ids), _CHUNK):
                for row in conn.execute(sa.select(e).where(e.c.id.in_(list(ids[i : i + _CHUNK])))).mappings():
                    rows[row["id"]] = row
            found = [i for i in dict.fromkeys(ids) if i in rows]
            spans = self._evidence_for(conn, s.event_evidence, s.event_evidence.c.event_id, found, extra=True)
            mentions = self._event_mentions(conn, found)
        return [_event_dict(rows[i], spans.get(i, {}), mentions.get(i, [])) for i in found]

    def reading(self) -> AbstractContextManager[Connection]:
        """A read transaction for queries this class does not have (the web API's); database failures
        leave it as `StoreError`, like every other method's."""
        return self._connect()

    def mentions(
        self,
        country: str | None = None,
        event_type: str | None = None,
        since: str | None = None,
        until: str | None = None,
        actor: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Stored event mentions, one per event a document told, as extracted: `Event.to_dict()` dicts plus
        `event_id` (the event it belongs to) and its document's title, publisher, published date, wire
        source, URL and source path. Filters and order as in `events()`."""
        m, d = s.mentions, s.documents
        query = sa.select(
            m, d.c.title, d.c.publisher, d.c.wire_source, d.c.published, d.c.url, d.c.source_path
        ).join(d, m.c.document_id == d.c.id)
        query = _filtered(query, m, country, event_type, since, until, actor, limit)
        with self._connect() as conn:
            rows = conn.execute(query).mappings().all()
            spans = self._evidence_for(
                conn, s.mention_evidence, s.mention_evidence.c.mention_id, [r["id"] for r in rows]
            )
        return [_mention_dict(r, spans.get(r["id"], {})) for r in rows]

    def _evidence_for(
        self, conn: Connection, table: sa.Table, key: sa.Column, ids: list[str], extra: bool = False
    ) -> dict[str, dict[str, dict[str, Any]]]:
        """key value -> field -> span; `extra` adds the document and mention each span points into."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for i in range(0, len(ids), _CHUNK):
            query = sa.select(table).where(key.in_(ids[i : i + _CHUNK])).order_by(table.c.id)
            for row in conn.execute(query).mappings():
                span = {"start": row["start"], "end": row["end"], "text": row["text"]}
                if extra:
                    span = {"document_id": row["document_id"], "mention_id": row["mention_id"], **span}
                out.setdefault(row[key.name], {})[row["field"]] = span
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

    # -- what the documents say about actors, together (store/knowledge.py does the folding) ----------------

    def find_actor(self, name: str) -> str | None:
        """The canonical name of the stored actor that goes by `name` (its name, ACLED's name for it, or an
        alias; case-insensitive), or None."""
        with self._connect() as conn:
            index = knowledge.NameIndex.load(conn)
        actor_id = index.resolve(name)
        return index.actors[actor_id]["name"] if actor_id is not None else None

    def actor_suggestions(self, name: str, limit: int = 3) -> list[str]:
        """Canonical names of the stored actors whose name or an alias is closest to `name`."""
        with self._connect() as conn:
            return knowledge.NameIndex.load(conn).suggestions(name, limit)

    def actor_card(self, name: str) -> dict[str, Any] | None:
        """What all stored documents say about the actor that goes by `name` (see `find_actor`); None when
        no stored actor does.

        Fields: `name`, `type`, `inter`, `country` (ISO3), `role`, `parent`, `known` (from the dictionary),
        `aliases`, `former_names` (aliases a document states as former: "formerly known as"), `acled_name`
        (where ACLED's name differs), `children` (stored actors whose parent it is); `documents` (how many
        documents name it in an event or a relation), `first_seen`/`last_seen` (their publication dates);
        `events_as_actor1`, `events_as_actor2`, `events_as_associated` (merged events, not mentions) and
        `first_event`/`last_event` (their dates); `relations`: one per stated relation (alias statements
        between its own names excluded), with `direction` (out: it is the subject; in: the object; both: a
        symmetric relation), `relation`, `actor` (the other end), `sources` (distinct documents stating it),
        `qualifiers`, `first_date`/`last_date`, `documents` and a few `evidence` sentences; most sources
        first.
        """
        with self._connect() as conn:
            index = knowledge.NameIndex.load(conn)
            actor_id = index.resolve(name)
            return knowledge.actor_card(conn, index, actor_id) if actor_id is not None else None

    def actor_summaries(self) -> list[dict[str, Any]]:
        """Every stored actor with its counts (the card's fields without aliases and relations, plus the
        number of `relations`), most documented first."""
        with self._connect() as conn:
            return knowledge.actor_summaries(conn, knowledge.NameIndex.load(conn))

    def actor_graph(self, with_events: bool = False) -> dict[str, Any]:
        """The actor knowledge graph: `nodes` (actors, with type, country and counts) and `edges` (stated
        relations with their sources, qualifiers and dates; with `with_events` also pairs of actors on the
        two sides of stored events, as relation "events" with `stated` false)."""
        with self._connect() as conn:
            return knowledge.actor_graph(conn, knowledge.NameIndex.load(conn), with_events)

    def counts(self) -> dict[str, int]:
        tables = {
            "documents": s.documents,
            "mentions": s.mentions,
            "events": s.events,
            "actors": s.actors,
            "relations": s.relations,
        }
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


class _SQL:
    """The clustering statements, built once: building a statement costs more than running it here."""

    m, e, d, me = s.mentions, s.events, s.documents, s.mention_evidence
    mention = sa.select(m).where(m.c.id == sa.bindparam("mention_key"))
    mention_evidence = sa.select(me).where(me.c.mention_id == sa.bindparam("mention_key"))
    document_events = sa.select(m.c.event_id).where(
        m.c.document_id == sa.bindparam("document_key"), m.c.event_id.is_not(None)
    )
    set_event = m.update().where(m.c.id == sa.bindparam("mention_key"))
    _block = sa.select(e).where(
        e.c.block == sa.bindparam("block_key"), e.c.event_type == sa.bindparam("type_key")
    )
    undated_candidates = _block.where(e.c.day_lo.is_(None))
    dated_candidates = _block.where(
        e.c.day_lo >= sa.bindparam("lo_bound"),
        e.c.day_lo <= sa.bindparam("hi"),
        e.c.day_hi >= sa.bindparam("lo"),
    )
    # report order: see Store._event_mentions
    event_mentions = (
        sa.select(m, d.c.published)
        .join(d, m.c.document_id == d.c.id)
        .where(m.c.event_id == sa.bindparam("event_key"))
        .order_by(d.c.published.asc().nulls_last(), d.c.id, m.c.id)
    )
    event_mention_evidence = (
        sa.select(me)
        .join(m, me.c.mention_id == m.c.id)
        .where(m.c.event_id == sa.bindparam("event_key"))
        .order_by(me.c.id)
    )
    update_event = e.update().where(e.c.id == sa.bindparam("event_key"))
    delete_event_evidence = s.event_evidence.delete().where(
        s.event_evidence.c.event_id == sa.bindparam("event_key")
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _check_date(option: str, value: str) -> str:
    value = value.strip()
    if not _DATE_PREFIX.match(value):
        raise InputError(f"{option}={value}", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def _document_exists(conn: Connection, doc_id: str) -> bool:
    return conn.execute(sa.select(s.documents.c.id).where(s.documents.c.id == doc_id)).first() is not None


def _filtered(
    query: sa.Select,
    table: sa.Table,
    country: str | None,
    event_type: str | None,
    since: str | None,
    until: str | None,
    actor: str | None,
    limit: int | None,
) -> sa.Select:
    """The events/mentions filters (see `Store.events`) and their order, on either table."""
    t = table.c
    if country:
        query = query.where(
            sa.or_(sa.func.lower(t.country) == country.strip().lower(), t.iso3 == country.strip().upper())
        )
    if event_type:
        query = query.where(sa.func.lower(t.event_type) == event_type.strip().lower())
    if since:
        # ISO dates compare as text, and a prefix sorts before every date it starts.
        query = query.where(t.event_date >= _check_date("since", since))
    if until:
        until = _check_date("until", until)
        query = query.where(sa.func.substr(t.event_date, 1, len(until)) <= until)
    if actor:
        columns = (t.actor1, t.actor2, t.assoc_actor_1, t.assoc_actor_2)
        query = query.where(sa.or_(*(c.icontains(actor.strip(), autoescape=True) for c in columns)))
    query = query.order_by(t.event_date.asc().nulls_last(), t.id)
    if limit is not None:
        query = query.limit(max(0, limit))
    return query


def _mention_row(event: Event, created_at: datetime) -> dict[str, Any]:
    row: dict[str, Any] = {name: getattr(event, name) for name in ACLED_FIELDS}
    toll = event.evidence.get("fatalities")
    row.update(
        id=event.id,
        document_id=event.document_id,
        event_id=None,
        confidence=event.confidence,
        toll_update=dedup.is_toll_update(toll.text if toll else None),
        created_at=created_at,
    )
    return row


def _confidence(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def document_fields(row: Any) -> dict[str, Any]:
    """A documents row's metadata as the API and the event dicts show it (dates as ISO strings)."""
    published: date | None = row["published"]
    return {
        "title": row["title"],
        "publisher": row["publisher"],
        "wire_source": row["wire_source"],
        "published": published.isoformat() if published else None,
        "url": row["url"],
        "source_path": row["source_path"],
    }


def _mention_dict(row: Any, evidence: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": row["id"], "document_id": row["document_id"], "event_id": row["event_id"]}
    out.update({name: row[name] for name in ACLED_FIELDS})
    out["confidence"] = _confidence(row["confidence"])
    out["evidence"] = evidence
    out.update(document_fields(row))
    out["created_at"] = _iso_utc(row["created_at"])
    return out


def _event_dict(
    row: Any, evidence: dict[str, dict[str, Any]], mentions: list[dict[str, Any]]
) -> dict[str, Any]:
    first = mentions[0] if mentions else None
    out: dict[str, Any] = {"id": row["id"], "document_id": first["document_id"] if first else None}
    out.update({name: row[name] for name in ACLED_FIELDS})
    out["confidence"] = _confidence(row["confidence"])
    out["evidence"] = evidence
    out["number_of_sources"] = row["number_of_sources"]
    out["sources"] = [
        {
            "document_id": m["document_id"],
            "mention_id": m["id"],
            **document_fields(m),
            "fatalities": m["fatalities"],
            "evidence": m["evidence"],
        }
        for m in mentions
    ]
    if first is not None:
        out.update(document_fields(first))
    else:
        out.update(dict.fromkeys(("title", "publisher", "wire_source", "published", "url", "source_path")))
    out["created_at"] = _iso_utc(row["created_at"])
    out["updated_at"] = _iso_utc(row["updated_at"])
    return out
