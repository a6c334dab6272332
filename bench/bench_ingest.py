"""End-to-end ingest throughput, bare-spaCy ratio, worker speed-up and memory, in one run.

    PYTHONPATH=src .venv/bin/python bench/bench_ingest.py wikinews [--wikinews ../shared/data/wikinews]
    PYTHONPATH=src .venv/bin/python bench/bench_ingest.py synthetic --articles 10000

`wikinews` turns the Wikinews CSVs into JSONL and times, on the same texts and in this one command:
eventwire ingest into a new SQLite file with 1 worker and with 2 workers (speed-up), and spaCy's bare
`nlp.pipe` of the same model with 2 processes (ratio); then the CPU time per article of each stage in one
process (`breakdown`), which shows what eventwire adds to spaCy without process start-up.

`synthetic` generates N distinct articles from examples/ (numbers, weekdays and dates varied, two stories
per article), ingests them with 2 workers and reports throughput, peak memory per worker and each worker's
memory growth over the run; `--bare` adds the bare-spaCy timing there too.

Timings are wall-clock and include starting the processes and loading the model, on both sides;
CPU-seconds (this process and its workers) are reported next to them, as they do not depend on what else
the machine is doing. Results go to stdout, one JSON object at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import psutil
import spacy

from eventwire.config import Settings
from eventwire.errors import InputError
from eventwire.ingest import iter_paths, read_path
from eventwire.run import IngestReport, ingest
from eventwire.store import Store

ROOT = Path(__file__).resolve().parents[1]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def wikinews_jsonl(folder: Path, out: Path) -> int:
    csv.field_size_limit(10**9)
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for path in sorted(folder.glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as src:
                for row in csv.DictReader(src):
                    record = {"url": row["url"], "title": row["title"], "published": row["date"]}
                    fh.write(json.dumps({**record, "text": row["text"]}, ensure_ascii=False) + "\n")
                    n += 1
    return n


def synthetic_jsonl(count: int, out: Path, seed: int = 8) -> int:
    """`count` distinct articles: two example stories each, their numbers, weekdays and dates varied."""
    rng = random.Random(seed)
    stories = [read_path(p).text for p in iter_paths([str(ROOT / "examples")]) if not p.endswith(".md")]

    def vary(text: str) -> str:
        text = re.sub(r"\b([2-9]|[1-5][0-9])\b", lambda _: str(rng.randint(2, 59)), text)
        return re.sub("|".join(WEEKDAYS), lambda _: rng.choice(WEEKDAYS), text)

    seen: set[str] = set()
    with out.open("w", encoding="utf-8") as fh:
        while len(seen) < count:
            text = vary(rng.choice(stories)) + "\n\n" + vary(rng.choice(stories))
            if text in seen:
                continue
            seen.add(text)
            published = f"20{rng.randint(22, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            fh.write(json.dumps({"url": f"https://example.org/{len(seen)}", "published": published,
                                 "text": text}) + "\n")  # fmt: skip
    return count


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (worker processes are joined by then): on a
    shared machine this, unlike wall time, does not grow with other people's load."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_ingest(jsonl: Path, workdir: Path, workers: int, label: str) -> tuple[IngestReport, float, float]:
    db = workdir / f"{label}.db"
    db.unlink(missing_ok=True)
    start, cpu = time.perf_counter(), cpu_seconds()
    with Store(f"sqlite:///{db}") as store:
        report = ingest([str(jsonl)], store, workers=workers, batch_size=16)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    print(f"  eventwire ingest, {workers} worker(s): {report.documents} documents ({report.stored} stored, "
          f"{report.failed} failed) in {seconds:.1f} s = {report.documents / seconds:.1f} articles/s; "
          f"{cpu:.1f} CPU-s", flush=True)  # fmt: skip
    return report, seconds, cpu


def run_bare(jsonl: Path, processes: int) -> tuple[float, float]:
    texts = [json.loads(line)["text"] for line in jsonl.open(encoding="utf-8")]
    start, cpu = time.perf_counter(), cpu_seconds()
    nlp = spacy.load(Settings().spacy_model)
    for _ in nlp.pipe(texts, n_process=processes, batch_size=16):
        pass
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    print(f"  bare spaCy nlp.pipe, {processes} processes: {len(texts)} texts in {seconds:.1f} s = "
          f"{len(texts) / seconds:.1f} articles/s; {cpu:.1f} CPU-s", flush=True)  # fmt: skip
    return seconds, cpu


def breakdown(jsonl: Path) -> dict[str, float]:
    """CPU milliseconds per article for each stage, in this one process, models loaded beforehand: reading
    (JSONL record to Document), bare spaCy `nlp.pipe`, eventwire's spaCy pipeline (`nlp.pipe`, with its
    paragraph, actor and place components), eventwire's extraction components, and storing in SQLite."""
    from eventwire.ingest.bulk import iter_items, to_document
    from eventwire.nlp import load_pipeline
    from eventwire.pipeline import Pipeline

    clock = time.process_time
    start, docs = clock(), []
    for item in iter_items([str(jsonl)]):
        with contextlib.suppress(InputError):  # the one Wikinews page with no text left: counted elsewhere
            docs.append(to_document(item))
    read = clock() - start
    bare = spacy.load(Settings().spacy_model)
    nlp, pipeline = load_pipeline(), Pipeline()
    pipeline.extract(docs[0])
    texts = [d.text for d in docs]
    start = clock()
    for _ in bare.pipe(texts, batch_size=16):
        pass
    bare_s, start = clock() - start, clock()
    parsed = list(nlp.pipe(texts, batch_size=16))
    nlp_s, start = clock() - start, clock()
    extractions = [pipeline.extract(d, x) for d, x in zip(docs, parsed, strict=True)]
    components_s = clock() - start
    with tempfile.TemporaryDirectory() as tmp, Store(f"sqlite:///{tmp}/b.db") as store:
        start = clock()
        for extraction in extractions:
            store.save(extraction)
        write_s = clock() - start
    n = len(docs)
    ms = {name: round(1000 * v / n, 1) for name, v in (("read", read), ("bare_spacy", bare_s),
          ("eventwire_nlp", nlp_s), ("components", components_s), ("write", write_s))}  # fmt: skip
    ms["ratio_to_bare_spacy"] = round((read + nlp_s + components_s + write_s) / bare_s, 2)
    print(f"  CPU ms per article ({n} articles, one process): {ms}", flush=True)
    return ms


def memory(report: IngestReport) -> dict[str, object]:
    """Peak RSS per worker, and each worker's growth: its RSS at the end against its RSS once the first
    tenth of its documents was done (the model, dictionary and gazetteer are all loaded by then)."""
    by_worker: dict[str, list[tuple[int, int]]] = {}
    for s in report.samples:
        by_worker.setdefault(s.worker, []).append((s.documents, s.rss))
    growth = {}
    for worker, samples in by_worker.items():
        last_docs = samples[-1][0]
        early = next(rss for docs, rss in samples if docs >= last_docs / 10)
        growth[worker] = round(100 * (samples[-1][1] - early) / early, 1)
    peaks = {w: round(p / 2**20) for w, p in report.peak_rss_by_worker().items()}
    return {"peak_rss_mb": peaks, "growth_percent": growth}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", choices=("wikinews", "synthetic"))
    parser.add_argument("--wikinews", type=Path, default=ROOT.parent / "shared" / "data" / "wikinews")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--bare", action="store_true", help="synthetic: time bare spaCy too")
    parser.add_argument("--workdir", type=Path, help="keep the JSONL and databases here")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="eventwire-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    jsonl = workdir / f"{args.corpus}.jsonl"
    result: dict[str, object] = {"corpus": args.corpus, "cpus": psutil.cpu_count()}
    if args.corpus == "wikinews":
        n = wikinews_jsonl(args.wikinews, jsonl)
        print(f"{n} Wikinews articles -> {jsonl}", flush=True)
        one, t1, cpu1 = run_ingest(jsonl, workdir, 1, "wikinews-1")
        two, t2, cpu2 = run_ingest(jsonl, workdir, 2, "wikinews-2")
        bare, bare_cpu = run_bare(jsonl, 2)
        stages = breakdown(jsonl)
        result.update(
            articles=n,
            cpu_ms_per_article_by_stage=stages,
            seconds_1_worker=round(t1, 1),
            seconds_2_workers=round(t2, 1),
            articles_per_s_1_worker=round(n / t1, 1),
            articles_per_s_2_workers=round(n / t2, 1),
            speedup_1_to_2=round(t1 / t2, 2),
            bare_spacy_seconds_2_processes=round(bare, 1),
            ratio_eventwire_to_bare_spacy=round(t2 / bare, 2),
            cpu_seconds_1_worker=round(cpu1, 1),
            cpu_seconds_2_workers=round(cpu2, 1),
            cpu_seconds_bare_spacy=round(bare_cpu, 1),
            cpu_ratio_eventwire_to_bare_spacy=round(cpu2 / bare_cpu, 2),
            memory_2_workers=memory(two),
        )
    else:
        n = synthetic_jsonl(args.articles, jsonl)
        print(f"{n} synthetic articles -> {jsonl}", flush=True)
        two, t2, cpu2 = run_ingest(jsonl, workdir, 2, "synthetic-2")
        result.update(
            articles=n,
            seconds_2_workers=round(t2, 1),
            cpu_seconds_2_workers=round(cpu2, 1),
            articles_per_s_2_workers=round(n / t2, 1),
            memory_2_workers=memory(two),
            writer_rss_mb=round(psutil.Process().memory_info().rss / 2**20),
        )
        if args.bare:
            bare, bare_cpu = run_bare(jsonl, 2)
            result.update(bare_spacy_seconds_2_processes=round(bare, 1),
                          ratio_eventwire_to_bare_spacy=round(t2 / bare, 2),
                          cpu_ratio_eventwire_to_bare_spacy=round(cpu2 / bare_cpu, 2))  # fmt: skip
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
