"""What a database holds, for tests that compare two runs: the same inputs through different paths
(one process, workers, Dask, Parquet partitions) must store the same rows."""

from __future__ import annotations

from typing import Any

from eventwire.store import Store


def db_snapshot(url: str) -> dict[str, Any]:
    """Counts, events with their evidence and sources, mentions, actors, relations and failures, without
    the times rows were written at."""

    def strip(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if not k.endswith("_at")} for r in rows]

    with Store(url, create=False) as store:
        return {
            "counts": store.counts(),
            "events": strip(store.events()),
            "mentions": strip(store.mentions()),
            "actors": store.actors(),
            "relations": store.relations(),
            "failures": sorted(strip(store.failures()), key=lambda f: f["source"]),
        }
