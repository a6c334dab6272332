"""What geocoding adds to extraction time per article (issue 4: at most 20 %), in one process.

    PYTHONPATH=src .venv/bin/python bench/bench_geocoding.py [--wikinews ../shared/data/wikinews]
        [--acled ../shared/data/acled/acled_dev.csv --notes 1000]

On the same texts and in this one command, CPU time (`time.process_time`, models and the gazetteer index
loaded beforehand) of the whole extraction (eventwire's spaCy pipeline plus its extraction components)
and of its two geocoding parts: the spaCy component that finds the names the NER missed or misread
(`eventwire_place_fixer`, gazetteer look-ups) and the `places` step (recognition, country focus,
disambiguation, relative places, admin context). Their share of the whole is an upper bound on what
geocoding costs: both also recognise places, which an extractor without a gazetteer would do too.
Results go to stdout, one JSON object at the end.

The place fixer is timed on its own, over documents parsed without it: inside `nlp.pipe` the parser's
math library leaves its threads spinning after each batch, and `process_time` (which counts every thread)
charged that spinning to the step that ran next (75 ms per Wikinews article for the fixer, which takes
about 5 ms; the difference of `nlp.pipe` with and without it agrees with the latter, within noise).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eventwire import pipeline as pipeline_module
from eventwire.errors import InputError
from eventwire.ingest import read_bytes
from eventwire.model import Document
from eventwire.nlp import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
FIXER = "eventwire_place_fixer"


def wikinews_documents(folder: Path) -> list[Document]:
    csv.field_size_limit(10**9)
    docs = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as src:
            for row in csv.DictReader(src):
                published = dt.date.fromisoformat(row["date"][:10]) if row.get("date") else None
                with contextlib.suppress(InputError):  # a page with no text left is no article
                    docs.append(read_bytes(row["text"].encode("utf-8"), row["url"], published=published))
    return docs


def acled_documents(path: Path, limit: int) -> list[Document]:
    docs = []
    with path.open(encoding="utf-8", newline="") as src:
        for row in csv.DictReader(src):
            if len(docs) >= limit:
                break
            published = dt.date.fromisoformat(row["event_date"])
            docs.append(read_bytes(row["notes"].encode("utf-8"), row["event_id_cnty"], published=published))
    return docs


class Stopwatch:
    """CPU seconds spent inside the wrapped callables."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                self.seconds += time.process_time() - start

        return timed


def measure(docs: list[Document]) -> dict[str, float]:
    """CPU ms per article of the whole extraction and of its geocoding parts; `geocoding_share` is their
    part of the whole, `geocoding_added` what they add to the extraction without them."""
    places = Stopwatch()
    nlp = load_pipeline()
    fixer = nlp.get_pipe(FIXER)
    original_places = pipeline_module.COMPONENTS["places"]
    pipeline_module.COMPONENTS["places"] = places.wrap(original_places)
    try:
        pipeline = pipeline_module.Pipeline()
        pipeline.extract(docs[0])  # the dictionary and the gazetteer index loaded before the clock runs
        places.seconds = 0.0
        start = time.process_time()
        with nlp.select_pipes(disable=[FIXER]):
            parsed = list(nlp.pipe([d.text for d in docs], batch_size=16))
        nlp_seconds = time.process_time() - start
        start = time.process_time()
        parsed = [fixer(parse) for parse in parsed]
        fixer_seconds = time.process_time() - start
        start = time.process_time()
        for doc, parse in zip(docs, parsed, strict=True):
            pipeline.extract(doc, parse)
        components_seconds = time.process_time() - start
    finally:
        pipeline_module.COMPONENTS["places"] = original_places
    n = len(docs)
    whole = nlp_seconds + fixer_seconds + components_seconds
    geocoding = fixer_seconds + places.seconds
    return {
        "articles": n,
        "extraction_ms": round(1000 * whole / n, 1),
        "spacy_without_fixer_ms": round(1000 * nlp_seconds / n, 1),
        "place_fixer_ms": round(1000 * fixer_seconds / n, 2),
        "components_ms": round(1000 * components_seconds / n, 1),
        "places_step_ms": round(1000 * places.seconds / n, 2),
        "geocoding_share": round(geocoding / whole, 3),
        "geocoding_added": round(geocoding / (whole - geocoding), 3),
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wikinews", type=Path, default=ROOT.parent / "shared" / "data" / "wikinews")
    parser.add_argument(
        "--acled", type=Path, default=ROOT.parent / "shared" / "data" / "acled" / "acled_dev.csv"
    )
    parser.add_argument("--notes", type=int, default=1000, help="ACLED notes to time (0: none)")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, float]] = {}
    if args.wikinews.is_dir():
        results["wikinews"] = measure(wikinews_documents(args.wikinews))
        print(f"  wikinews: {results['wikinews']}", flush=True)
    if args.notes and args.acled.is_file():
        results["acled_notes"] = measure(acled_documents(args.acled, args.notes))
        print(f"  acled notes: {results['acled_notes']}", flush=True)
    if not results:
        sys.exit("bench_geocoding: no corpus found (give --wikinews DIR or --acled FILE)")
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
