"""Ingest at scale: the pipeline over many documents in this process, in N worker processes, or on a Dask
cluster, with one writer, or into Parquet partitions that `eventwire load` writes to the database later.

Work goes out in batches of raw `Item`s (ingest/bulk.py); a worker reads each into a Document, skips it
when its id is already stored, parses the rest with one `nlp.pipe` call and runs eventwire's components
on each. Results come back to this process, which alone writes to the database, in input order: clustering
depends on the order mentions arrive, and writing in input order makes every way of running give the
database one single-process run gives. Workers load the model, the actor dictionary and the gazetteer once
(module-level caches) and keep them for every batch they get.

A document that cannot be read or whose extraction raises becomes a failure, recorded with its error in
the `failures` table; it never stops the batch. A later run retries failed documents and skips stored
ones, so an interrupted ingest is resumed by running it again.

With a Parquet directory instead of a database (`partitions.py`), each worker writes its batch's results
as one partition file itself and sends back only what became of each item, so the results never travel
through this process and nothing waits on a single writer; the documents already in the directory are
the ones skipped. `eventwire load` later writes the partitions, in input order, through the same writer.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any

from eventwire import partitions
from eventwire.config import Settings
from eventwire.errors import EventwireError, InputError
from eventwire.ingest.bulk import Item, ReadStats, iter_items, to_document
from eventwire.model import Document, Extraction, Failure
from eventwire.orphans import exit_with_parent
from eventwire.store import Store

#: Batches in flight per worker: one being worked on, one waiting, so no worker idles on the writer.
IN_FLIGHT_PER_WORKER = 2
_RESUME = "every document stored so far is complete: run the same command again to resume"
#: Seconds to wait for a Dask scheduler before giving up.
DASK_CONNECT_TIMEOUT = 10


@dataclass(slots=True)
class Outcome:
    """What became of one item: `extracted` (with its extraction), `skipped` (stored before), `failed`."""

    source: str
    status: str
    extraction: Extraction | None = None
    document_id: str | None = None
    stage: str | None = None  # for failures: "read" or "extract"
    error: str | None = None
    mentions: int = 0  # event mentions of an extraction written to a partition (and not sent back)


@dataclass(slots=True)
class WorkerSample:
    """A worker's memory after a batch: resident now and at its peak, in bytes."""

    worker: str  # host:pid
    rss: int
    peak_rss: int
    documents: int  # documents this worker has processed so far


@dataclass(slots=True)
class BatchResult:
    outcomes: list[Outcome]
    sample: WorkerSample
    seconds: float
    partition: str | None = None  # the partition file the worker wrote the results to, if any


#: A batch of items and the position of its first item in the run's input.
Batch = tuple[int, list[Item]]


@dataclass
class IngestReport:
    """Counts of one ingest run, and the memory every worker reported batch by batch."""

    stored: int = 0
    skipped: int = 0
    failed: int = 0
    mentions: int = 0
    seconds: float = 0.0
    mode: str = "in-process"
    partitions: int = 0  # partition files written (ingest into a Parquet directory)
    read: ReadStats = field(default_factory=ReadStats)
    samples: list[WorkerSample] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return self.stored + self.skipped + self.failed

    def peak_rss_by_worker(self) -> dict[str, int]:
        peaks: dict[str, int] = {}
        for s in self.samples:
            peaks[s.worker] = max(peaks.get(s.worker, 0), s.peak_rss)
        return peaks


# -- the worker side -------------------------------------------------------------------------------------

_pipelines: dict[str, Any] = {}
_done_ids: frozenset[str] = frozenset()
_processed = 0


def _pipeline(model: str) -> Any:
    """This process's Pipeline for `model`, built on first use and kept (with the model it loads)."""
    from eventwire.pipeline import Pipeline

    if model not in _pipelines:
        _pipelines[model] = Pipeline(Settings(spacy_model=model))
    return _pipelines[model]


def init_worker(model: str, done_ids: frozenset[str]) -> None:
    """Process-pool initialiser: load everything before the first batch, and keep the stored ids."""
    global _done_ids
    # A partition being written when the driver dies is lost with the worker, which is safe: partitions
    # are written under a temporary name and renamed when complete.
    exit_with_parent()
    _done_ids = done_ids
    pipeline = _pipeline(model)
    from eventwire.resolve.dictionary import ActorDictionary
    from eventwire.resolve.gazetteer import Gazetteer

    from .nlp import load_pipeline

    load_pipeline(pipeline.settings)
    ActorDictionary.default()
    Gazetteer.default()


def _memory() -> tuple[int, int]:
    import psutil

    info = psutil.Process().memory_info()
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    except ImportError:  # Windows: no getrusage; psutil's peak_wset is the same idea
        peak = getattr(info, "peak_wset", info.rss)
    return info.rss, max(peak, info.rss)


def process_batch(
    items: list[Item],
    model: str,
    published: date | None,
    done_ids: frozenset[str] | None = None,
    target: partitions.Target | None = None,
    first: int = 0,
) -> BatchResult:
    """Read, skip or extract every item of a batch; never raises for a document's sake. With a `target`
    (a `partitions.Target`), write the results to a partition file (`first`: the position of the batch's
    first item in the input) and send back only what became of each item."""
    global _processed
    start = time.perf_counter()
    done = _done_ids if done_ids is None else done_ids
    pipeline = _pipeline(model)
    outcomes: list[Outcome | None] = []
    todo: list[tuple[int, Document]] = []
    for item in items:
        try:
            doc = to_document(item, published)
        except InputError as err:
            outcomes.append(Outcome(item.source, "failed", stage="read", error=err.cause))
            continue
        except Exception as err:  # a reader bug must not cost the batch: record it like any failure
            outcomes.append(Outcome(item.source, "failed", stage="read", error=_describe(err)))
            continue
        if doc.id in done:
            outcomes.append(Outcome(item.source, "skipped", document_id=doc.id))
            continue
        todo.append((len(outcomes), doc))
        outcomes.append(None)
    docs = [doc for _, doc in todo]
    try:
        parsed = pipeline.parse_many(docs)
    except Exception:  # one text broke the batch parse: parse each on its own inside extract instead
        parsed = [None] * len(docs)
    for (index, doc), spacy_doc in zip(todo, parsed, strict=True):
        source = items[index].source
        try:
            outcomes[index] = Outcome(source, "extracted", extraction=pipeline.extract(doc, spacy_doc))
        except Exception as err:
            outcomes[index] = Outcome(
                source, "failed", document_id=doc.id, stage="extract", error=_describe(err)
            )
    done_outcomes = [o for o in outcomes if o is not None]
    partition = _write_partition(target, first, done_outcomes) if target is not None else None
    _processed += len(items)
    rss, peak = _memory()
    sample = WorkerSample(f"{socket.gethostname()}:{os.getpid()}", rss, peak, _processed)
    return BatchResult(done_outcomes, sample, time.perf_counter() - start, partition)


def _write_partition(target: partitions.Target, first: int, outcomes: list[Outcome]) -> str | None:
    """Write a batch's results (its extractions and failures, not what was skipped) as one partition and
    drop the extractions from the outcomes, which go back to the driver for counting and progress."""
    failed_at = datetime.now(UTC)
    records: list[partitions.Record] = []
    for index, outcome in enumerate(outcomes):  # one outcome per item, in order
        if outcome.status == "failed":
            failure = Failure(outcome.stage or "extract", outcome.error or "", outcome.document_id, failed_at)
            records.append((first + index, outcome.source, failure))
        elif outcome.extraction is not None:
            records.append((first + index, outcome.source, outcome.extraction))
    if not records:  # everything was in the directory already
        return None
    path = partitions.write_partition(target, first, records)
    for outcome in outcomes:
        if outcome.extraction is not None:
            outcome.mentions = len(outcome.extraction.events)
            outcome.extraction = None
    return path


def _describe(err: BaseException) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


# -- the driver side -------------------------------------------------------------------------------------


def batched(items: Iterable[Item], size: int) -> Iterator[Batch]:
    it = iter(items)
    first = 0
    while batch := list(islice(it, size)):
        yield first, batch
        first += len(batch)


def _in_process(
    batches: Iterable[Batch],
    model: str,
    published: date | None,
    done: frozenset[str],
    target: partitions.Target | None,
) -> Iterator[BatchResult]:
    for first, batch in batches:
        yield process_batch(batch, model, published, done, target, first)


def _local_pool(
    batches: Iterable[Batch],
    model: str,
    published: date | None,
    done: frozenset[str],
    workers: int,
    target: partitions.Target | None,
) -> Iterator[BatchResult]:
    """N spawned processes (spawn, not fork: the parent's threads and database connections stay put)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=init_worker, initargs=(model, done)
    ) as ex:
        try:
            yield from _ordered(
                batches,
                lambda b: ex.submit(process_batch, b[1], model, published, None, target, b[0]),
                workers,
            )
        except BrokenProcessPool:  # killed (out of memory?) or crashed in native code
            raise EventwireError(f"a worker process died; {_RESUME}") from None


def _dask(
    batches: Iterable[Batch],
    model: str,
    published: date | None,
    done: frozenset[str],
    address: str,
    workers: int,
    target: partitions.Target | None,
) -> Iterator[BatchResult]:
    """A Dask cluster: `local` starts a LocalCluster of `workers` single-threaded processes; anything else
    is a scheduler address (tcp://host:8786) whose workers have eventwire installed (and, writing
    partitions, see the partition directory at the same path)."""
    try:
        from distributed import Client, LocalCluster
        from distributed.scheduler import KilledWorker
    except ImportError:
        raise EventwireError("--dask needs dask.distributed (pip install 'dask[distributed]')") from None
    cluster = None
    try:
        if address == "local":
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,  # spaCy and the components are CPU-bound: one document per core
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
        else:
            client = Client(address, timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as err:
        raise EventwireError(f"{address}: cannot reach the Dask scheduler ({_describe(err)})") from None
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        # sent to each worker once, not with every batch; in a list, as scatter spreads a bare set's members
        [stored] = client.scatter([done], broadcast=True)
        yield from _ordered(
            batches,
            lambda b: client.submit(process_batch, b[1], model, published, stored, target, b[0], pure=False),
            n,
        )
    except KilledWorker:  # Dask gave up on a batch after it killed workers one after another
        raise EventwireError(f"{address}: Dask workers died on a batch; {_RESUME}") from None
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _ordered(batches: Iterable[Batch], submit: Callable[[Batch], Any], workers: int):
    """Results in submission order, with at most `IN_FLIGHT_PER_WORKER` batches per worker pending, so a
    huge input never sits in memory all at once."""
    pending: deque[Any] = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def ingest(
    paths: Iterable[str],
    store: Store | None,
    *,
    settings: Settings | None = None,
    published: date | None = None,
    workers: int | None = 1,
    dask: str | None = None,
    batch_size: int = 16,
    on_outcome: Callable[[Outcome], None] | None = None,
    parquet: str | os.PathLike[str] | None = None,
) -> IngestReport:
    """Read, extract and store every article in `paths`: into `store`, or with `parquet` (a directory;
    `store` is then not used and may be None) into one Parquet partition per batch for `eventwire load`.
    `workers` None means all cores, except that an input of under two batches runs in this process
    (starting workers costs more than it saves there)."""
    settings = settings or Settings()
    model = settings.spacy_model
    report = IngestReport()
    paths = list(paths)
    target: partitions.Target | None = None
    if parquet is not None:
        target, done = partitions.plan(parquet, partitions.run_key(paths), model)
        failed_before: set[str] = set()  # the failures are the database's, which load sees
    elif store is not None:
        done = frozenset(store.document_ids())
        failed_before = store.failed_sources()
    else:
        raise ValueError("ingest needs a store or a Parquet directory")
    batches = batched(iter_items(paths, report.read), batch_size)
    auto = workers is None
    n = workers or os.cpu_count() or 1
    if auto and not dask:
        head = list(islice(batches, 2))
        if len(head) < 2:
            n = 1
        batches = _chain(head, batches)
    start = time.perf_counter()
    if dask:
        report.mode = f"dask {dask}"
        results = _dask(batches, model, published, done, dask, n, target)
    elif n > 1:
        report.mode = f"{n} worker processes"
        results = _local_pool(batches, model, published, done, n, target)
    else:
        results = _in_process(batches, model, published, done, target)
    for result in results:
        report.samples.append(result.sample)
        report.partitions += result.partition is not None
        cleared = []
        for outcome in result.outcomes:
            if target is not None or store is None:
                _count(outcome, report)  # a worker wrote it to its partition; `load` clears failures
            else:
                _write(store, outcome, report)
                if outcome.status != "failed" and outcome.source in failed_before:
                    cleared.append(outcome.source)
            if on_outcome is not None:
                on_outcome(outcome)
        if cleared and store is not None:
            store.clear_failures(cleared)
    report.seconds = time.perf_counter() - start
    return report


def _chain(head: list[Batch], rest: Iterator[Batch]) -> Iterator[Batch]:
    yield from head
    yield from rest


def _write(store: Store, outcome: Outcome, report: IngestReport) -> None:
    """The single writer: a StoreError here is the database's, not the document's, and stops the run."""
    if outcome.status == "failed":
        report.failed += 1
        store.record_failure(
            outcome.source, outcome.stage or "extract", outcome.error or "", outcome.document_id
        )
    elif outcome.status == "skipped":
        report.skipped += 1
    elif outcome.extraction is not None and store.save(outcome.extraction):
        report.stored += 1
        report.mentions += len(outcome.extraction.events)
    else:
        report.skipped += 1  # the same text came twice in this run: stored the first time


def _count(outcome: Outcome, report: IngestReport) -> None:
    """An outcome whose results a worker wrote to a partition: only counted here."""
    if outcome.status == "failed":
        report.failed += 1
    elif outcome.status == "skipped":
        report.skipped += 1
    else:
        report.stored += 1
        report.mentions += outcome.mentions
