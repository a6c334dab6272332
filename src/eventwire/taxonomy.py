"""ACLED's event taxonomy, loaded from `data/taxonomy.tsv`: which sub-event types exist under which event
type, and which disorder type each belongs to.

The table lives in a data file rather than in code so it can be read and corrected without touching Python.
Lookups are exact first, then case-insensitive, because hand-written inputs ("armed clash") should still
resolve to ACLED's spelling.
"""

from __future__ import annotations

import csv
from pathlib import Path

_TSV = Path(__file__).with_name("data") / "taxonomy.tsv"


def _load() -> list[tuple[str, str, str]]:
    text = _TSV.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    return [(r["event_type"].strip(), r["sub_event_type"].strip(), r["disorder_type"].strip()) for r in rows]


_ROWS = _load()

#: event type -> its sub-event types, in the order of the data file.
EVENT_TYPES: dict[str, list[str]] = {}
for _type, _sub, _ in _ROWS:
    EVENT_TYPES.setdefault(_type, []).append(_sub)

_DISORDER: dict[tuple[str, str], str] = {(t.casefold(), s.casefold()): d for t, s, d in _ROWS}


def _key(event_type: str | None, sub_event_type: str | None) -> tuple[str, str]:
    return ((event_type or "").strip().casefold(), (sub_event_type or "").strip().casefold())


def is_valid(event_type: str | None, sub_event_type: str | None) -> bool:
    """True when `sub_event_type` is one of ACLED's sub-types of `event_type` (case-insensitive)."""
    return _key(event_type, sub_event_type) in _DISORDER


def disorder_type(event_type: str | None, sub_event_type: str | None = None) -> str | None:
    """ACLED's disorder type for an event, or None when the type is unknown.

    Without a (known) sub-event type the answer comes from the event type alone, when all its sub-types agree
    (Battles are always political violence; Protests are not all alike, so they need the sub-type).
    """
    found = _DISORDER.get(_key(event_type, sub_event_type))
    if found is not None:
        return found
    wanted = _key(event_type, None)[0]
    kinds = {d for (t, _), d in _DISORDER.items() if t == wanted}
    return kinds.pop() if len(kinds) == 1 else None
