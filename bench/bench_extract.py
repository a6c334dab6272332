"""Per-article extraction speed against bare spaCy on the same texts, in one process.

    .venv/bin/python bench/bench_extract.py [FILES_OR_DIRS...]   (default: examples/)

Prints articles/second for eventwire's whole extraction (ingest excluded) and for the bare spaCy model
(`nlp.pipe` of the same model without eventwire's components), and the ratio of the two.
"""

from __future__ import annotations

import sys
import time

import spacy

from eventwire.config import Settings
from eventwire.ingest import iter_paths, read_path
from eventwire.pipeline import Pipeline


def main(args: list[str]) -> None:
    docs = [read_path(p) for p in iter_paths(args or ["examples"])]
    pipeline = Pipeline()
    pipeline.extract(docs[0])  # load the model, the dictionary and the gazetteer once
    bare = spacy.load(Settings().spacy_model)
    list(bare.pipe([docs[0].text]))
    rounds = 3
    texts = [d.text for d in docs] * rounds

    start = time.perf_counter()
    list(bare.pipe(texts))
    spacy_seconds = time.perf_counter() - start

    start = time.perf_counter()
    events = 0
    for _ in range(rounds):
        for doc in docs:
            events += len(pipeline.extract(doc).events)
    eventwire_seconds = time.perf_counter() - start

    n = len(texts)
    words = sum(len(t.split()) for t in texts)
    print(f"articles: {n} ({words / n:.0f} words on average), events: {events}")
    print(f"bare spaCy nlp.pipe: {n / spacy_seconds:.1f} articles/s")
    print(f"eventwire extract:   {n / eventwire_seconds:.1f} articles/s")
    print(f"ratio eventwire/spaCy time: {eventwire_seconds / spacy_seconds:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
