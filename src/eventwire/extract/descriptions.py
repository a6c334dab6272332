"""Place descriptions: the short phrase an event dataset keeps beside its text to say where an event
happened ("Teir Maaleh village", "Northern Hamah Governorate", "Tadmur/Palmyra town", "Road between
Ariha and Jisr ash Shughur", "Deir ez Zor airport"), resolved to one `Place`.

The phrase is read as [direction] NAME [kind]: the kind word (data/description_kinds.tsv) says which
gazetteer feature to look NAME up as and how precise the result is; a leading direction ("Northern")
makes a town's point approximate; "X/Y" and "X (Y)" give alternative names, tried in order; "between X
and Y" is the middle of the two. The lookup stays inside the document's country when it has one: a
Syrian village missing from the gazetteer is better left unresolved than placed on a French namesake.
"""

from __future__ import annotations

import re
from functools import cache

from ..datafiles import rows
from ..model import Place
from ..resolve.gazetteer import Candidate, Gazetteer

_DIRECTION = re.compile(
    r"^(?:(?:north|south)[- ]?(?:east|west)(?:ern)?|north(?:ern)?|south(?:ern)?|east(?:ern)?|west(?:ern)?"
    r"|central|rural)\s+",
    re.I,
)
_BETWEEN = re.compile(r"\bbetween\s+(?P<a>.+?)\s+and\s+(?P<b>.+)$", re.I)
_BORDER = re.compile(r"\bborder\s*(?:area|region)?$", re.I)  # "Deir ez Zor/Homs border": no one point


@cache
def _kinds() -> tuple[tuple[str, str, int], ...]:
    """(kind words, feature, geo_precision), longest words first so "border crossing" beats "crossing"."""
    kinds = [(r[0].lower(), r[1], int(r[2])) for r in rows("description_kinds.tsv")]
    return tuple(sorted(kinds, key=lambda k: -len(k[0])))


def _split_kind(phrase: str) -> tuple[str, str, int]:
    """NAME, the feature its kind word asks for ("site": any), the geo_precision the kind gives. A bare
    name is read as a town first, as a news reader reads "Aleppo"."""
    low = phrase.lower()
    for words, feature, precision in _kinds():
        if low.endswith(" " + words) and len(phrase) > len(words) + 1:
            return phrase[: -len(words) - 1].strip(), feature, precision
    return phrase, "city", 1


def _alternatives(name: str) -> list[str]:
    """ "Tadmur/Palmyra" and "Al-Rai (Choban Bey)" name one place twice; each name, in order."""
    inner = re.findall(r"\(([^()]*)\)", name)
    outer = re.sub(r"\([^()]*\)", " ", name)
    names = [*outer.split("/"), *(part for text in inner for part in text.split("/"))]
    return [n for n in (re.sub(r"\s+", " ", n).strip(" ,-") for n in names) if n]


def _lookup(gazetteer: Gazetteer, names: list[str], feature: str, iso3: str | None) -> Candidate | None:
    """The best place for the first of `names` the gazetteer knows: as `feature` when it has one, else
    as any feature. A site ("Homs airport") is named after the town beside it, not the province."""
    features = ("city",) if feature == "site" else (feature,)
    for name in names:
        for wanted in (features, None):
            hits = gazetteer.lookup(name, iso3, limit=1, features=wanted, strict=iso3 is not None)
            if hits:
                return hits[0]
    return None


def resolve_description(description: str, gazetteer: Gazetteer, iso3: str | None = None) -> Place | None:
    """The place `description` names, inside country `iso3` when given; None when it names none the
    gazetteer knows (or names a border, a front or an enclave, which have no one point)."""
    phrase = re.sub(r"\s+", " ", description).strip(" .,;")
    if not phrase or _BORDER.search(phrase):
        return None
    between = _BETWEEN.search(phrase)
    if between:
        ends = [
            _lookup(gazetteer, _alternatives(_split_kind(between.group(k))[0]), "city", iso3) for k in "ab"
        ]
        if ends[0] is None or ends[1] is None:
            return None
        place = ends[0].to_place(geo_precision=2)
        place.name = phrase
        place.latitude = (ends[0].latitude + ends[1].latitude) / 2
        place.longitude = (ends[0].longitude + ends[1].longitude) / 2
        place.feature = "relative"
        return place
    country = gazetteer.country(phrase)
    if country is not None and (iso3 is None or country.iso3 == iso3):
        return country.to_place(geo_precision=3)
    rest = _DIRECTION.sub("", phrase)
    directed = rest != phrase
    name, feature, precision = _split_kind(rest)
    if directed:
        country = gazetteer.country(name)
        if country is not None and (iso3 is None or country.iso3 == iso3):
            return country.to_place(geo_precision=3)  # "Northern Syria": the country, nothing finer
    found = _lookup(gazetteer, _alternatives(name), feature, iso3)
    if found is None:
        return None
    if found.feature == "admin1":
        precision = 3
    elif directed:
        precision = max(precision, 2)  # "Eastern Ghariyah": near the town, not on it
    place = found.to_place(geo_precision=precision)
    place.name = phrase
    return place
