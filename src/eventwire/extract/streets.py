"""Streets and numbered roads: toponyms below the gazetteer's towns ("Darby Street", "W. Bridge St.",
"Highway 19", "Interstate 45").

The statistical NER tags a street as a facility, a person ("Wichita Drive") or not at all, and the
gazetteer knows none, so a street is found by its form: capitalised words ending in a street word of
`data/street_words.txt`, or a road word of `data/road_words.txt` and a number. A local story's streets are
in its town, so a street stands on the point of the nearest town named before it (or, failing that, after
it), and is only ever a reference: no event's scene is read from a street alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..datafiles import rows

# A name's words: capitalised words and ordinals ("40th"), after an optional compass prefix ("N.", "West").
# No apostrophe: "Augusta's Highland Avenue" is Augusta's street, and Augusta a toponym of its own.
_NAME = (
    r"(?:(?:[NSEW]\.\s?|(?:North|South|East|West|Old)\s+))?(?:(?:[A-Z][\w\-]*|\d+(?:st|nd|rd|th))\s+){1,3}"
)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    words = sorted((r[0] for r in rows("street_words.txt")), key=len, reverse=True)
    roads = sorted((r[0] for r in rows("road_words.txt")), key=len, reverse=True)
    street = rf"(?<![\w.])(?P<street>{_NAME}(?P<word>{'|'.join(map(re.escape, words))}))(?![\w])"
    road = rf"(?<![\w.])(?P<road>(?:{'|'.join(map(re.escape, roads))})\s?\d{{1,4}}[A-Z]?)(?![\w])"
    return re.compile(f"{street}|{road}")


def find_streets(text: str) -> list[tuple[int, int]]:
    """Character spans of the streets and numbered roads in `text`."""
    out = []
    for m in _pattern().finditer(text):
        if m.group("street") and m.group("word") == "St." and re.match(r"\s+[A-Z][a-z]", text[m.end() :]):
            continue  # "St. Louis": a saint's name, not a street
        out.append((m.start(), m.end()))
    return out
