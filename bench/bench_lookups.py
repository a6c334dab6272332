"""Cost of the look-ups every extraction makes, against parsing one sentence with spaCy, in one process.

    .venv/bin/python bench/bench_lookups.py [--rounds 100]

The baseline is the time the configured spaCy model takes to parse one short news sentence (best of
`--rounds`). Each look-up is reported in microseconds per call and as a share of that baseline:

* actor dictionary: building it from its packaged files, and one alias look-up;
* dates: resolving a relative date ("last week") against a new publication date each call;
* gazetteer: opening the index, one uncached name look-up and one cached one.

These replaced wall-clock limits in the unit tests, which failed whenever the machine was busy.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date, timedelta

import spacy

from eventwire.config import Settings
from eventwire.datafiles import read_text
from eventwire.extract.dates import resolve_date
from eventwire.resolve.dictionary import ActorDictionary
from eventwire.resolve.gazetteer import Gazetteer

SENTENCE = "Militants attacked an army checkpoint 30 km south of Mosul on Saturday, killing three soldiers."
ACTORS = ["Hayat Tahrir al-Sham", "ISIS", "Hashid Shaabi", "nobody at all", "Lord's Resistance Army"]
DATES = ["Saturday", "Sunday, October 31", "last week", "23 May 2022", "yesterday", "in March"]
PLACES = ["Mosul", "Aleppo", "Idlib", "Baghdad", "Sinjar", "Springfield", "Raqqa", "Goma", "Kidal"]


def best_seconds(work: Callable[[], object], calls: int, rounds: int) -> float:
    """The best of `rounds` timings of `work`, per call (`work` makes `calls` calls)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    rounds = parser.parse_args().rounds

    nlp = spacy.load(Settings().spacy_model)
    nlp(SENTENCE)
    baseline = best_seconds(lambda: nlp(SENTENCE), 1, rounds)

    texts = (read_text("actors.yaml"), read_text("countries.tsv"), read_text("state_forces.tsv"))
    dictionary = ActorDictionary.from_texts(*texts)
    gazetteer = Gazetteer.default()
    resolve_date("31/10/2016", date(2016, 10, 31))  # the lazy dateparser import
    day = iter(range(10**9))

    def dates() -> None:
        published = date(2016, 10, 31) - timedelta(days=next(day))  # a new date defeats the cache
        for text in DATES:
            resolve_date(text, published)

    def uncached() -> None:
        gazetteer._rows.cache_clear()
        for name in PLACES:
            gazetteer.lookup(name)

    def actors() -> None:
        for query in ACTORS:
            dictionary.lookup(query)

    def cached() -> None:
        for name in PLACES:
            gazetteer.lookup(name)

    rows = [
        ("actor dictionary: build", best_seconds(lambda: ActorDictionary.from_texts(*texts), 1, 5)),
        (
            "actor dictionary: look-up",
            best_seconds(lambda: [dictionary.lookup(q) for q in ACTORS], 5, rounds),
        ),
        ("date: resolve (uncached)", best_seconds(dates, len(DATES), rounds)),
        ("gazetteer: open", best_seconds(lambda: Gazetteer(gazetteer.path).close(), 1, 5)),
        ("gazetteer: look-up (uncached)", best_seconds(uncached, len(PLACES), rounds)),
        (
            "gazetteer: look-up (cached)",
            best_seconds(cached, len(PLACES), rounds),
        ),
    ]
    print(f"baseline: spaCy {Settings().spacy_model} parses one sentence in {baseline * 1e6:,.0f} us")
    print(f"{'operation':32} {'us/call':>12} {'x sentence parse':>18}")
    for name, seconds in rows:
        print(f"{name:32} {seconds * 1e6:12,.1f} {seconds / baseline:18.3f}")


if __name__ == "__main__":
    main()
