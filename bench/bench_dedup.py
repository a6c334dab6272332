"""Cost of clustering one new event mention into a store that already holds many events.

    .venv/bin/python bench/bench_dedup.py [--events 1000000] [--new 1000] [--db URL]

Builds a database (default: a fresh SQLite file in a temporary folder) holding `--events` synthetic events,
each with the document and the mention it came from, inserted in bulk: 143 countries, ten years of dates,
the six ACLED event types, a mix of date and place precisions, points scattered around each country's
middle. Then, for `--new` new mentions (half of them another report of a stored event, half a new
happening), it measures:

* clustering: blocking query, compatibility, assigning the mention and re-merging its event, the work
  `Store.save` adds per mention (timed inside the transaction, so the commit's disk flush is not in it);
* whole save: `Store.save` of a one-event document end to end, commit included.

Prints median, 95th percentile and mean milliseconds per mention for both.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from eventwire.datafiles import rows as data_rows
from eventwire.model import Document, Event, Evidence, Extraction
from eventwire.resolve import dedup
from eventwire.store import Store
from eventwire.store import schema as s

TYPES = (
    ("Battles", "Armed clash"),
    ("Violence against civilians", "Attack"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Protests", "Peaceful protest"),
    ("Riots", "Mob violence"),
    ("Strategic developments", "Looting/property destruction"),
)
FIRST_DAY = date(2015, 1, 1).toordinal()
DAYS = 3650
BATCH = 20_000


def synthetic_event(rng: random.Random, countries: list[tuple[str, float, float]], n: int) -> dict[str, Any]:
    iso3, lat, lon = rng.choice(countries)
    event_type, sub = rng.choice(TYPES)
    precision = rng.choices((1, 2, 3), weights=(70, 20, 10))[0]
    geo = rng.choices((1, 2, 3), weights=(70, 20, 10))[0]
    return {
        "event_date": date.fromordinal(FIRST_DAY + rng.randrange(DAYS)).isoformat(),
        "time_precision": precision,
        "event_type": event_type,
        "sub_event_type": sub,
        "actor1": f"Armed group {rng.randrange(50)} ({iso3})",
        "inter1": 2,
        "actor2": f"Civilians ({iso3})",
        "inter2": 7,
        "country": iso3,
        "iso3": iso3,
        "admin1": f"Province {rng.randrange(20)}",
        "location": f"Town {n}",
        "latitude": lat + rng.uniform(-3, 3),
        "longitude": lon + rng.uniform(-3, 3),
        "geo_precision": geo,
        "fatalities": rng.choice((0, 0, 1, 2, 5)),
        "notes": "",
        "confidence": 0.7,
    }


def fill(store: Store, count: int, rng: random.Random, countries: list[tuple[str, float, float]]) -> None:
    """Insert `count` events, each with one document and one mention, in bulk transactions."""
    now = datetime(2025, 1, 1)
    made = 0
    started = time.perf_counter()
    while made < count:
        docs, mentions, events = [], [], []
        for n in range(made, min(count, made + BATCH)):
            fields = synthetic_event(rng, countries, n)
            doc_id = hashlib.sha256(f"doc{n}".encode()).hexdigest()[:32]
            mention_id = hashlib.sha256(f"mention{n}".encode()).hexdigest()[:24]
            event_id = hashlib.sha256(f"event{n}".encode()).hexdigest()[:24]
            window = dedup.date_window(fields["event_date"], fields["time_precision"])
            assert window is not None
            docs.append({"id": doc_id, "text": f"Synthetic report {n}.", "ingested_at": now})
            events.append(
                {
                    "id": event_id,
                    **fields,
                    "number_of_sources": 1,
                    "block": dedup.block_key(fields["iso3"], fields["country"]),
                    "day_lo": window[0],
                    "day_hi": window[1],
                    "created_at": now,
                    "updated_at": now,
                }
            )
            mentions.append(
                {
                    "id": mention_id,
                    "document_id": doc_id,
                    "event_id": event_id,
                    **fields,
                    "toll_update": False,
                    "created_at": now,
                }
            )
        with store._connect(write=True) as conn:
            conn.execute(s.documents.insert(), docs)
            conn.execute(s.events.insert(), events)
            conn.execute(s.mentions.insert(), mentions)
        made += len(docs)
        rate = made / (time.perf_counter() - started)
        print(f"\rstored {made:,} synthetic events ({rate:,.0f}/s)", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def new_report(
    store: Store, rng: random.Random, countries: list[tuple[str, float, float]], n: int
) -> Extraction:
    """Half the time another outlet's report of a stored event, else a new happening."""
    fields: dict[str, Any]
    if n % 2 == 0:
        event_id = hashlib.sha256(f"event{rng.randrange(store_size(store))}".encode()).hexdigest()[:24]
        with store._connect() as conn:
            row = conn.execute(s.events.select().where(s.events.c.id == event_id)).mappings().one()
        fields = {
            k: row[k] for k in (*dedup.PLACE_FIELDS, *dedup.DATE_FIELDS, "event_type", "sub_event_type")
        }
        fields.update(actor1=row["actor1"], actor2=row["actor2"], fatalities=row["fatalities"] + 1)
    else:
        fields = synthetic_event(rng, countries, 10_000_000 + n)
    text = f"New report {n} {rng.random()}: the attack."
    doc = Document(text=text, publisher=f"Outlet {n % 7}", published=date(2025, 1, 2))
    event = Event(
        document_id=doc.id,
        evidence={"event_type": Evidence(len(text) - 7, len(text) - 1, "attack")},
        **fields,
    )
    return Extraction(document=doc, events=[event])


_SIZE: dict[int, int] = {}


def store_size(store: Store) -> int:
    if id(store) not in _SIZE:
        _SIZE[id(store)] = store.counts()["events"]
    return _SIZE[id(store)]


def report(name: str, seconds: list[float]) -> None:
    ms = sorted(x * 1000 for x in seconds)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(
        f"{name}: median {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms, mean {statistics.fmean(ms):.2f} ms"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="synthetic events to store first")
    parser.add_argument("--new", type=int, default=1000, help="new mentions to time")
    parser.add_argument("--db", help="database URL (default: a new SQLite file in a temporary folder)")
    args = parser.parse_args(argv)

    rng = random.Random(6)
    countries = [(r[0], float(r[1]), float(r[2])) for r in data_rows("country_points.tsv")]
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        store = Store(url)
        if store.counts()["events"] < args.events:
            fill(store, args.events - store.counts()["events"], rng, countries)
        size = store_size(store)

        clustering: list[float] = []
        joined = 0
        for n in range(args.new):
            extraction = new_report(store, rng, countries, n)
            now = datetime(2025, 1, 2)
            with store._connect(write=True) as conn:
                store._insert_document(conn, extraction)
                [mention_id] = store._insert_mentions(conn, extraction, now)
                started = time.perf_counter()
                event_id = store._cluster_mention(conn, mention_id, now)
                clustering.append(time.perf_counter() - started)
                joined += event_id != hashlib.sha256(f"event|{mention_id}".encode()).hexdigest()[:24]

        saving: list[float] = []
        for n in range(args.new):
            extraction = new_report(store, rng, countries, args.new + n)
            started = time.perf_counter()
            store.save(extraction)
            saving.append(time.perf_counter() - started)
        store.close()

    print(
        f"database: {url.split(':')[0]}, {size:,} events stored; {args.new} new mentions, {joined} joined one"
    )
    report("clustering per new mention", clustering)
    report("whole save per one-event document (commit included)", saving)


if __name__ == "__main__":
    main(sys.argv[1:])
