"""Reading the readable data files the package ships under `eventwire/data/` (TSV, plain lists).

One convention for all of them: blank lines and lines starting with `#` are comments, fields are
tab-separated, surrounding spaces are stripped. Each file is read once per process.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


def read_text(name: str) -> str:
    """The whole of `data/<name>`."""
    return resources.files("eventwire").joinpath("data", name).read_text(encoding="utf-8")


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of `data/<name>` as tuples of stripped fields, comments and blank lines left out."""
    out: list[tuple[str, ...]] = []
    for line in read_text(name).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        out.append(tuple(field.strip() for field in line.split("\t")))
    return tuple(out)


@cache
def word_sets(name: str) -> dict[str, frozenset[str]]:
    """The word lists of `data/<name>`, a TSV of (word, list name) rows: {list name: its words}."""
    lists: dict[str, set[str]] = {}
    for word, list_name, *_ in rows(name):
        lists.setdefault(list_name, set()).add(word)
    return {list_name: frozenset(words) for list_name, words in lists.items()}
