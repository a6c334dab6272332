"""Parquet partitions: what `eventwire ingest --parquet DIR` writes instead of the database, and what
`eventwire load DIR` imports into it.

Every batch of an ingest (one worker's task, on a Dask cluster, in a worker process or in this process)
becomes one partition file in DIR holding everything the database writer would have been given for it:
each document with its extracted event mentions and their evidence, its actors, relations, places and
warnings, and each failure. Loading a partition hands the same objects to the same writer
(`Store.write_batch`, one transaction per partition), so `ingest --parquet` then `load` stores what a
direct `ingest` stores, event clustering included.

A partition is a table of rows in input order:

- one row per event mention (`kind` "event"), one row for a document without any (`kind` "document"),
  one row per failure (`kind` "failure", with `stage`, `error` and `failed_at`);
- the document's columns on every row of it (`document_id`, `url`, `title`, `published` ...), and its
  `text` and `detail` (JSON: warnings, actors, relations, places) on its first row only;
- the mention's ACLED columns (`event_type`, `country`, `latitude`, `longitude`, `fatalities` ...) as
  top-level columns, its evidence spans as JSON (`evidence`).

So analysts can read the partitions directly: `pandas.read_parquet(DIR)`, or DuckDB's
`read_parquet('DIR/*.parquet')`.

Order. Clustering depends on the order mentions arrive, and `load` writes in input order: each row has
`item`, the record's position in its run's input, and each partition is named and ordered by its run and
its first item (`part-RRRRR-IIIIIIIII-STAMP.parquet`). A run is numbered once per set of inputs: run
again with the same inputs (to resume), it keeps its number, so the batches it fills in take their place
in input order between those written before.

Atomicity. A partition is written under a hidden temporary name and renamed into place when complete, so
a killed run never leaves a partial file that `load` (or pandas, which skips hidden files too) would read.
Re-running into the same DIR skips the documents already there, as a database ingest skips stored ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwire.errors import EventwireError, InputError, StoreError
from eventwire.model import (
    ACLED_FIELDS,
    Actor,
    Document,
    Event,
    Evidence,
    Extraction,
    Failure,
    Place,
    Relation,
)

if TYPE_CHECKING:
    from eventwire.store import Store

#: Version of the partition layout, in each file's metadata; `load` refuses others.
FORMAT = 1
#: Key of the eventwire metadata (JSON) in a partition's Parquet schema.
META_KEY = b"eventwire"
SUFFIX = ".parquet"
_MAGIC = b"PAR1"
#: The Document fields that are columns of their own (the text is one too, but on the first row only).
_DOCUMENT_COLUMNS = (
    "url",
    "title",
    "publisher",
    "wire_source",
    "published",
    "published_source",
    "source_path",
    "language",
)
_INT_FIELDS = frozenset({"time_precision", "inter1", "inter2", "geo_precision", "fatalities"})
_FLOAT_FIELDS = frozenset({"latitude", "longitude"})
_HOW_TO_LOAD = "a partition directory holds the part-*.parquet files 'eventwire ingest --parquet' writes"

#: One record of a batch: its position in the run's input, its source and what became of it.
Record = tuple[int, str, Extraction | Failure]


@cache
def schema() -> Any:
    """The partition schema (a pyarrow.Schema; pyarrow is imported only when partitions are used)."""
    import pyarrow as pa

    def kind(name: str) -> Any:
        return pa.int64() if name in _INT_FIELDS else pa.float64() if name in _FLOAT_FIELDS else pa.string()

    return pa.schema(
        [
            ("item", pa.int64()),
            ("source", pa.string()),
            ("kind", pa.string()),
            ("document_id", pa.string()),
            *[(name, pa.date32() if name == "published" else pa.string()) for name in _DOCUMENT_COLUMNS],
            ("mention_id", pa.string()),
            *[(name, kind(name)) for name in ACLED_FIELDS],
            ("confidence", pa.float64()),
            ("evidence", pa.string()),
            ("text", pa.string()),
            ("detail", pa.string()),
            ("stage", pa.string()),
            ("error", pa.string()),
            ("failed_at", pa.timestamp("us", tz="UTC")),
        ]
    )


# -- writing ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """Where and as what a run writes its partitions; sent to every worker, so plain and picklable."""

    directory: str
    run: int  # the run's number in the directory: orders its partitions after earlier runs'
    key: str  # what identifies the run's inputs (see `run_key`)
    stamp: str  # when this run started: orders a resumed run's partitions after those it fills in
    model: str = ""

    def name(self, first: int) -> str:
        return f"part-{self.run:05d}-{first:09d}-{self.stamp}{SUFFIX}"


def run_key(paths: Sequence[str]) -> str:
    """The same inputs give the same key, whatever the working directory, so running them again resumes
    the same run; stdin is never the same input twice."""
    parts = [str(Path(p).resolve()) if p != "-" else f"-{uuid.uuid4().hex}" for p in paths]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:16]


def plan(directory: str | os.PathLike[str], key: str, model: str = "") -> tuple[Target, frozenset[str]]:
    """Prepare `directory` for a run over inputs with `key`: create it if need be, and read what is there.
    Returns the run's target (its number kept when these inputs were run into it before) and the ids of
    the documents the directory holds, which the run skips."""
    # absolute: workers may run elsewhere (another working directory, or another machine sharing it)
    path = Path(directory).resolve()
    existing = check_directory(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(str(path), f"cannot create the directory ({err.strerror or err})") from None
    runs: dict[str, int] = {}
    done: set[str] = set()
    for part in existing:
        runs.setdefault(part.key, part.run)
        done.update(document_ids(part))
    number = runs.get(key, max(runs.values(), default=0) + 1)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return Target(str(path), number, key, stamp, model), frozenset(done)


def check_directory(directory: str | os.PathLike[str]) -> list[Partition]:
    """The partitions already in a directory an ingest is to write to (none when it does not exist yet);
    InputError when it is no directory or holds anything but partitions."""
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise InputError(str(path), "not a directory (--parquet needs a directory for the partitions)")
    return find([str(path)], allow_empty=True) if path.exists() else []


def write_partition(target: Target, first: int, records: Sequence[Record]) -> str:
    """Write one batch's records as a partition of `target`; returns the file's path. The file appears
    whole or not at all: written under a hidden name, synced, then renamed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory = Path(target.directory)
    final = directory / target.name(first)
    rows = list(_rows(records))
    meta = {
        "format": FORMAT,
        "run": target.run,
        "key": target.key,
        "first": first,
        "stamp": target.stamp,
        "records": len(records),
        "documents": sum(1 for r in records if isinstance(r[2], Extraction)),
        "mentions": sum(len(r[2].events) for r in records if isinstance(r[2], Extraction)),
        "failures": sum(1 for r in records if isinstance(r[2], Failure)),
        "model": target.model,
        "writer": f"{socket.gethostname()}:{os.getpid()}",
        "written_at": datetime.now(UTC).isoformat(),
    }
    table = pa.Table.from_pylist(rows, schema=schema()).replace_schema_metadata(
        {META_KEY: json.dumps(meta).encode("utf-8")}
    )
    # hidden (pyarrow, pandas and load all skip names starting with a dot) and unique to this process
    temp = directory / f".{final.name}.{os.getpid()}.tmp"
    try:
        directory.mkdir(parents=True, exist_ok=True)  # a worker on another machine sees the share first
        with temp.open("wb") as fh:
            pq.write_table(table, fh, compression="zstd")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, final)
        _sync_directory(directory)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise EventwireError(f"{final}: cannot write the partition ({err.strerror or err})") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return str(final)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); elsewhere opening a directory fails and rename must do."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _rows(records: Sequence[Record]) -> Iterator[dict[str, Any]]:
    for item, source, record in records:
        if isinstance(record, Failure):
            yield {
                "item": item,
                "source": source,
                "kind": "failure",
                "document_id": record.document_id,
                "stage": record.stage,
                "error": record.error,
                "failed_at": record.failed_at,
            }
            continue
        doc = record.document
        base: dict[str, Any] = {"item": item, "source": source, "document_id": doc.id}
        base.update({name: getattr(doc, name) for name in _DOCUMENT_COLUMNS})
        # the text and everything nested once per document, on its first row, not on every mention's
        first = {"text": doc.text, "detail": json.dumps(_detail(record), ensure_ascii=False)}
        if not record.events:
            yield {**base, "kind": "document", **first}
        for index, event in enumerate(record.events):
            row = {**base, "kind": "event", "mention_id": event.id}
            row.update({name: getattr(event, name) for name in ACLED_FIELDS})
            row["confidence"] = event.confidence
            row["evidence"] = json.dumps(
                {name: span.to_dict() for name, span in event.evidence.items()}, ensure_ascii=False
            )
            if event.document_id != doc.id:  # never made by the pipeline; refuse rather than lose it
                raise ValueError(f"event {event.id} names document {event.document_id}, not {doc.id}")
            yield {**row, **first} if index == 0 else row


def _detail(extraction: Extraction) -> dict[str, Any]:
    # asdict keeps every field (Evidence included), so a field added to the model is carried along
    return {
        "document_warnings": list(extraction.document.warnings),
        "warnings": list(extraction.warnings),
        "actors": [asdict(a) for a in extraction.actors],
        "relations": [asdict(r) for r in extraction.relations],
        "places": [asdict(p) for p in extraction.places],
    }


# -- finding and reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Partition:
    """A partition file found on disk, with what its footer says."""

    path: str
    run: int
    key: str
    first: int
    stamp: str
    records: int  # documents and failures
    documents: int
    mentions: int
    failures: int

    @property
    def order(self) -> tuple[int, int, str, str]:
        return (self.run, self.first, self.stamp, Path(self.path).name)


def find(paths: Iterable[str], allow_empty: bool = False) -> list[Partition]:
    """The partitions of `paths` (directories of partitions, or partition files), each path's in load
    order. Files whose names start with "." or "_" are passed over (temporary files of a run, marker
    files); any other file must be a partition. Raises InputError naming the path for anything else."""
    found: list[Partition] = []
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            # not recursive (ingest writes no subdirectories); hidden files are temporary, _ ones markers
            files = [p for p in sorted(path.iterdir()) if not p.name.startswith((".", "_"))]
            if not files and not allow_empty:
                raise InputError(arg, "no partitions in this directory (nothing to load)")
            found.extend(sorted((inspect(p) for p in files), key=lambda part: part.order))
        elif path.is_file():
            found.append(inspect(path))
        else:
            raise InputError(arg, "no such directory")
    return found


def inspect(path: Path) -> Partition:
    """Check that `path` is a partition and read its footer; InputError naming it when it is not."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = str(path)
    if path.is_dir():
        raise InputError(name, f"a directory, not a Parquet partition ({_HOW_TO_LOAD})")
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
            fh.seek(max(0, path.stat().st_size - 4))
            tail = fh.read(4)
    except OSError as err:
        raise InputError(name, f"cannot read: {err.strerror or err}") from None
    if head != _MAGIC:
        raise InputError(name, f"not a Parquet file ({_HOW_TO_LOAD})")
    if tail != _MAGIC:
        raise InputError(name, "corrupt partition (truncated: no Parquet footer)")
    try:
        file_schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as err:
        raise InputError(name, f"corrupt partition ({_first_line(err)})") from None
    raw = (file_schema.metadata or {}).get(META_KEY)
    if raw is None:
        raise InputError(name, "a Parquet file, but not an eventwire partition (no eventwire metadata)")
    try:
        meta = json.loads(raw)
        if meta.get("format") != FORMAT:
            raise InputError(
                name, f"partition format {meta.get('format')!r}; this eventwire reads format {FORMAT}"
            )
        partition = Partition(
            name,
            int(meta["run"]),
            str(meta["key"]),
            int(meta["first"]),
            str(meta["stamp"]),
            int(meta["records"]),
            int(meta["documents"]),
            int(meta["mentions"]),
            int(meta["failures"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise InputError(name, f"corrupt partition (bad eventwire metadata: {_first_line(err)})") from None
    missing = [n for n in schema().names if n not in file_schema.names]
    if missing:
        raise InputError(name, f"not an eventwire partition (no column {', '.join(missing[:3])})")
    return partition


def _read_table(partition: Partition, columns: list[str] | None = None) -> Any:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(partition.path, columns=columns or schema().names)
        # a partition rewritten by another tool may widen types (large_string); the cast narrows them back
        table = table.cast(pa.schema([schema().field(n) for n in table.column_names]))
    except (pa.ArrowException, OSError) as err:
        raise InputError(partition.path, f"corrupt partition ({_first_line(err)})") from None
    return table


def document_ids(partition: Partition) -> set[str]:
    """The ids of the documents a partition holds (its failures' excluded)."""
    table = _read_table(partition, ["kind", "document_id"])
    return {
        doc_id
        for kind, doc_id in zip(
            table.column("kind").to_pylist(), table.column("document_id").to_pylist(), strict=True
        )
        if kind != "failure" and doc_id
    }


def read(partition: Partition) -> list[tuple[str, Extraction | Failure]]:
    """The partition's records as the writer takes them, in input order: `(source, Extraction)` for a
    document, `(source, Failure)` for a failure. InputError naming the file when it does not decode."""
    rows = _read_table(partition).to_pylist()
    out: list[tuple[str, Extraction | Failure]] = []
    i = 0
    try:
        while i < len(rows):
            row = rows[i]
            if row["kind"] == "failure":
                failure = Failure(row["stage"], row["error"], row["document_id"], row["failed_at"])
                if not failure.stage or failure.error is None:
                    raise ValueError("a failure without stage or error")
                out.append((row["source"], failure))
                i += 1
                continue
            if row["kind"] not in ("event", "document"):
                raise ValueError(f"unknown kind {row['kind']!r}")
            # a document's rows are consecutive and share its item: one "document" row, or its events'
            j = i + 1
            if row["kind"] == "event":
                while j < len(rows) and rows[j]["item"] == row["item"] and rows[j]["kind"] == "event":
                    j += 1
            out.append((row["source"], _extraction(rows[i:j])))
            i = j
    except (ValueError, KeyError, TypeError, AttributeError) as err:  # json errors are ValueErrors
        raise InputError(partition.path, f"corrupt partition (row {i + 1}: {_first_line(err)})") from None
    if len(out) != partition.records:
        raise InputError(
            partition.path, f"corrupt partition ({len(out)} records, the footer says {partition.records})"
        )
    return out


def _extraction(rows: list[dict[str, Any]]) -> Extraction:
    head = rows[0]
    if head["text"] is None or head["detail"] is None or not head["document_id"]:
        raise ValueError("a document's first row without document_id, text or detail")
    detail = json.loads(head["detail"])
    doc = Document(
        text=head["text"],
        id=head["document_id"],
        warnings=list(detail["document_warnings"]),
        **{name: head[name] for name in _DOCUMENT_COLUMNS},
    )
    events = []
    if head["kind"] == "event":
        for row in rows:
            if not row["event_type"] or not row["sub_event_type"] or not row["mention_id"]:
                raise ValueError("an event row without event_type, sub_event_type or mention_id")
            events.append(
                Event(
                    document_id=doc.id,
                    id=row["mention_id"],
                    confidence=row["confidence"],
                    evidence={k: Evidence(**v) for k, v in json.loads(row["evidence"]).items()},
                    **{name: row[name] for name in ACLED_FIELDS},
                )
            )
    return Extraction(
        document=doc,
        events=events,
        actors=[_actor(a) for a in detail["actors"]],
        relations=[Relation(**{**r, "evidence": Evidence(**r["evidence"])}) for r in detail["relations"]],
        places=[_place(p) for p in detail["places"]],
        warnings=list(detail["warnings"]),
    )


def _actor(data: dict[str, Any]) -> Actor:
    return Actor(**{**data, "mentions": [Evidence(**m) for m in data["mentions"]]})


def _place(data: dict[str, Any]) -> Place:
    evidence = data.get("evidence")
    return Place(**{**data, "evidence": Evidence(**evidence) if evidence else None})


# -- loading ---------------------------------------------------------------------------------------------


@dataclass
class LoadReport:
    """Counts of one load."""

    partitions: int = 0
    stored: int = 0  # documents written
    skipped: int = 0  # documents the database held already
    mentions: int = 0  # event mentions of the documents written
    failures: int = 0  # failures recorded
    ignored: int = 0  # failures recorded before, or whose document has been stored since
    seconds: float = 0.0


def load(
    partitions: Sequence[Partition],
    store: Store,
    on_partition: Callable[[Partition], None] | None = None,
) -> LoadReport:
    """Write `partitions` (from `find`, in that order) into `store`, one transaction each. A partition
    that does not decode, or that the database refuses, stops the load with nothing of it written; the
    ones before it stay loaded, and loading again (which skips what is stored) carries on."""
    import time

    report = LoadReport()
    start = time.perf_counter()
    for partition in partitions:
        try:
            entries = read(partition)
        except InputError as err:
            raise InputError(err.source, f"{err.cause}; nothing of it was loaded{_before(report)}") from None
        try:
            statuses = store.write_batch(entries)
        except StoreError as err:
            raise StoreError(f"{err} (loading {partition.path}: nothing of it was written)") from None
        for (_source, record), status in zip(entries, statuses, strict=True):
            if status == "stored":
                report.stored += 1
                report.mentions += len(record.events) if isinstance(record, Extraction) else 0
            elif status == "skipped":
                report.skipped += 1
            elif status == "recorded":
                report.failures += 1
            else:
                report.ignored += 1
        report.partitions += 1
        if on_partition is not None:
            on_partition(partition)
    report.seconds = time.perf_counter() - start
    return report


def _before(report: LoadReport) -> str:
    if not report.partitions:
        return ""
    return f"; the {report.partitions} partition(s) before it are loaded"


def _first_line(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0]


__all__ = [
    "FORMAT",
    "LoadReport",
    "Partition",
    "Target",
    "check_directory",
    "document_ids",
    "find",
    "inspect",
    "load",
    "plan",
    "read",
    "run_key",
    "schema",
    "write_partition",
]
