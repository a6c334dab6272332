"""Loading of ingest's word lists, which live as readable TSV files in `eventwire/data/ingest_*.tsv`.

Lines starting with `#` and blank lines are comments; fields are tab-separated. Each list is read once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of `data/<name>` as tuples of stripped fields."""
    out: list[tuple[str, ...]] = []
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            out.append(tuple(field.strip() for field in line.split("\t")))
    return tuple(out)
