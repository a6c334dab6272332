"""The actor dictionary: named actors, countries and ACLED's generic actor names.

This module owns loading `data/actors.yaml`, `data/countries.tsv` and `data/state_forces.tsv` and answering
"which actor / country does this surface form name?". The data lives in those files, not here; this
module only normalises surface forms, indexes them, and builds ACLED's composed names
("Military Forces of Iraq (2014-2018)", "Civilians (Iraq)", ...).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from eventwire.datafiles import read_text, rows
from eventwire.model import Actor

#: Types an entry in actors.yaml may carry.
ACTOR_TYPES = frozenset({
    "state_forces", "rebel_group", "political_militia", "identity_militia", "external_force",
    "political_party", "government", "organisation", "criminal_group", "private_military",
})  # fmt: skip


@lru_cache(maxsize=1)
def _countries_with_the() -> frozenset[str]:
    """data/countries_with_the.txt: "Military Forces of the Philippines", not "of Philippines"."""
    return frozenset(code for code, *_ in rows("countries_with_the.txt"))


#: ACLED's generic state-force names, by kind.
_STATE_FORCE_NAMES = {
    "military": "Military Forces of {country}",
    "police": "Police Forces of {country}",
    "government": "Government of {country}",
    # ACLED has no separate intelligence actor name that we could verify; this keeps the kind distinct.
    "intelligence": "Intelligence Services of {country}",
}

#: ACLED's generic non-state names: kind -> (name template, actor type, inter code).
_GENERIC = {
    "civilians": ("Civilians ({country})", "civilians", 7),
    "protesters": ("Protesters ({country})", "protesters", 6),
    "rioters": ("Rioters ({country})", "rioters", 5),
    "unidentified_armed_group": ("Unidentified Armed Group ({country})", "political_militia", 3),
    "unidentified_gang": ("Unidentified Gang ({country})", "criminal_group", 3),
    # the traffickers whose drugs the authorities seized: ACLED's plain "Unidentified Gang (Brazil)", where
    # an unknown perpetrator of criminal violence there is "Unidentified Gang and/or Police Militia"
    "gang": ("Unidentified Gang ({country})", "criminal_group", 3),
    "unidentified_tribal_militia": ("Unidentified Tribal Militia ({country})", "identity_militia", 4),
    "unidentified_military": ("Unidentified Military Forces ({country})", "state_forces", 8),
}

# Typographic variants seen in news text, folded to one form: "Lord’s" == "Lord's", "al‑Nusra" == "al-Nusra".
_APOSTROPHES = str.maketrans({c: "'" for c in "\u2019\u2018`\u00b4\u02bc\u02bb\u2032"})
_HYPHENS = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_POSSESSIVE = re.compile(r"'s?$")
_SEPARATORS = re.compile(r"[-\s]+")
_LEADING_THE = re.compile(r"^the ", re.IGNORECASE)
# An acronym after dots are dropped: capitals and digits, optional "-", "&", "/" or spaces between them.
_ACRONYM = re.compile(r"[A-Z0-9][A-Z0-9&/ ]*")
_MAX_ACRONYM_LETTERS = 5


def _fold(text: str) -> str:
    """Case-preserving normal form: unified apostrophes/hyphens, no dots, no possessive, no leading "the"."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).translate(_HYPHENS).strip()
    text = _POSSESSIVE.sub("", text)
    # Dots and apostrophes vanish so "U.S." == "US" and "Hay'at" == "Hayat"; hyphens become spaces so
    # "al-Shabaab" == "al Shabaab".
    text = text.replace(".", "").replace("'", "")
    text = _SEPARATORS.sub(" ", text).strip()
    return _LEADING_THE.sub("", text)


def _is_acronym(folded: str) -> bool:
    """Short all-caps forms ("IS", "PKK", "M23") match case-sensitively: "is" is a verb, "Isis" a name."""
    if not _ACRONYM.fullmatch(folded):
        return False
    letters = sum(ch.isalpha() for ch in folded)
    return 0 < letters <= _MAX_ACRONYM_LETTERS


def _keys(text: str) -> tuple[str, str]:
    """(case-sensitive key, case-insensitive key) of a surface form."""
    folded = _fold(text)
    return folded, folded.casefold()


@dataclass(slots=True, frozen=True)
class ActorEntry:
    """One dictionary actor; `name` is canonical, `aliases` are the other surface forms."""

    name: str
    type: str
    inter: int | None
    country: str | None
    aliases: tuple[str, ...]
    parent: str | None = None
    since: int | None = None
    until: int | None = None
    successor: str | None = None
    acled_name: str | None = None
    # ACLED splits some transnational groups by the country an event is in: "Islamic State (Iraq)"
    acled_name_by_country: tuple[tuple[str, str], ...] = ()
    coded_as: str | None = None  # "military"/"police": ACLED codes it as its country's generic state force
    coded_since: int | None = None  # ... from this year on (a movement that took power)
    # ... with this branch after the force's name: "Military Forces of Iraq (2020-) Peshmerga"
    coded_branch: str | None = None

    def valid_in(self, year: int) -> bool:
        return (self.since is None or self.since <= year) and (self.until is None or year <= self.until)

    def to_actor(self) -> Actor:
        return Actor(
            name=self.name,
            type=self.type,
            aliases=list(self.aliases),
            inter=self.inter,
            country=self.country,
            parent=self.parent,
        )


@dataclass(slots=True, frozen=True)
class CountryEntry:
    """One country: ISO codes, the name as ACLED writes it, and the words that point at it."""

    iso3: str
    iso2: str
    name: str
    demonyms: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(slots=True, frozen=True)
class _Period:
    since: int
    until: int | None

    def contains(self, year: int) -> bool:
        return self.since <= year and (self.until is None or year <= self.until)

    def label(self) -> str:
        return f"{self.since}-{self.until}" if self.until is not None else f"{self.since}-"


def _split(field: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split("|") if part.strip())


def _entry(raw: dict[str, Any]) -> ActorEntry:
    def opt_int(key: str) -> int | None:
        value = raw.get(key)
        return int(value) if value is not None else None

    return ActorEntry(
        name=str(raw["name"]),
        type=str(raw["type"]),
        inter=opt_int("inter"),
        country=raw.get("country") or None,
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        parent=raw.get("parent") or None,
        since=opt_int("since"),
        until=opt_int("until"),
        successor=raw.get("successor") or None,
        acled_name=raw.get("acled_name") or None,
        acled_name_by_country=tuple(
            (str(iso3), str(name)) for iso3, name in (raw.get("acled_name_by_country") or {}).items()
        ),
        coded_as=raw.get("coded_as") or None,
        coded_since=opt_int("coded_since"),
        coded_branch=raw.get("coded_branch") or None,
    )


class ActorDictionary:
    """Index over the actor, country and state-force data; build once (see `default()`) and share."""

    def __init__(
        self,
        entries: list[ActorEntry],
        countries: list[CountryEntry],
        periods: dict[tuple[str, str], list[_Period]] | None = None,
    ) -> None:
        self._entries = entries
        self._by_name = {e.name: e for e in entries}
        self._cs: dict[str, ActorEntry] = {}  # acronyms, exact case
        self._ci: dict[str, ActorEntry] = {}  # everything else, casefolded
        for entry in entries:
            for form in self._surface_forms(entry):
                cs, ci = _keys(form)
                if _is_acronym(cs):
                    self._cs.setdefault(cs, entry)
                else:
                    self._ci.setdefault(ci, entry)
        # Renamed groups: predecessor lists let a lookup walk back from a later name to the one valid earlier.
        self._predecessors: dict[str, list[ActorEntry]] = {}
        for entry in entries:
            if entry.successor:
                self._predecessors.setdefault(entry.successor, []).append(entry)

        self._countries = countries
        self._country_by_iso: dict[str, CountryEntry] = {}
        self._country_cs: dict[str, CountryEntry] = {}
        self._country_ci: dict[str, CountryEntry] = {}
        for c in countries:
            self._country_by_iso[c.iso3] = c
            self._country_by_iso[c.iso2] = c
        # Names beat aliases beat demonyms, so a demonym shared by two countries ("Congolese") never
        # overrides a country's own name; within a tier the first row in the file wins.
        for tier in ("name", "aliases", "demonyms"):
            for c in countries:
                forms = (c.name,) if tier == "name" else getattr(c, tier)
                for form in forms:
                    cs, ci = _keys(form)
                    if _is_acronym(cs):
                        self._country_cs.setdefault(cs, c)
                    else:
                        self._country_ci.setdefault(ci, c)
        self._periods = periods or {}

    # ------------------------------------------------------------------ construction

    @classmethod
    def default(cls) -> ActorDictionary:
        """The dictionary built from the package data files; loaded once per process."""
        return _default_dictionary()

    @classmethod
    def from_texts(cls, actors_yaml: str, countries_tsv: str, state_forces_tsv: str = "") -> ActorDictionary:
        """Build from file contents (what `default()` does with the packaged files; handy in tests)."""
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml keeps loading well under 0.3 s
        raw = yaml.load(actors_yaml, Loader=loader) or []
        entries = [_entry(item) for item in raw]
        countries = [
            CountryEntry(
                iso3=row["iso3"],
                iso2=row["iso2"],
                name=row["name"],
                demonyms=_split(row.get("demonyms") or ""),
                aliases=_split(row.get("aliases") or ""),
            )
            for row in csv.DictReader(io.StringIO(countries_tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
        ]
        periods: dict[tuple[str, str], list[_Period]] = {}
        if state_forces_tsv:
            reader = csv.DictReader(io.StringIO(state_forces_tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
            for row in reader:
                until = row.get("until") or ""
                period = _Period(int(row["since"]), int(until) if until.strip() else None)
                periods.setdefault((row["iso3"], row["kind"]), []).append(period)
        return cls(entries, countries, periods)

    # ------------------------------------------------------------------ actors

    @staticmethod
    def _surface_forms(entry: ActorEntry) -> Iterator[str]:
        yield entry.name
        yield from entry.aliases
        if entry.acled_name:
            yield entry.acled_name

    def entries(self) -> list[ActorEntry]:
        return list(self._entries)

    def get(self, name: str) -> ActorEntry | None:
        """The entry with this exact canonical name."""
        return self._by_name.get(name)

    def alias_items(self) -> Iterator[tuple[str, ActorEntry]]:
        """Every (surface form, entry) pair, as written in the data: the patterns for an entity ruler."""
        for entry in self._entries:
            seen: set[str] = set()
            for form in self._surface_forms(entry):
                if form not in seen:
                    seen.add(form)
                    yield form, entry

    def lookup(self, text: str, year: int | None = None) -> ActorEntry | None:
        """The actor `text` names, or None. With `year`, a renamed group resolves to its name that year."""
        cs, ci = _keys(text)
        entry = self._cs.get(cs) if _is_acronym(cs) else self._ci.get(ci)
        if entry is None or year is None or entry.valid_in(year):
            return entry
        return self._in_year(entry, year)

    def _in_year(self, entry: ActorEntry, year: int) -> ActorEntry:
        """Walk the rename chain from `entry` to the name valid in `year`; `entry` itself if none is."""
        current: ActorEntry | None = entry
        seen = {entry.name}
        if entry.until is not None and year > entry.until:
            while current is not None and current.successor and current.successor not in seen:
                current = self._by_name.get(current.successor)
                if current is None:
                    break
                seen.add(current.name)
                if current.valid_in(year):
                    return current
        elif entry.since is not None and year < entry.since:
            while current is not None:
                preds = self._predecessors.get(current.name, [])
                # A merger has several predecessors; which one "was" the group that year is undecidable.
                if len(preds) != 1 or preds[0].name in seen:
                    break
                current = preds[0]
                seen.add(current.name)
                if current.valid_in(year):
                    return current
        return entry

    # ------------------------------------------------------------------ countries

    def countries(self) -> list[CountryEntry]:
        return list(self._countries)

    def country(self, text: str) -> CountryEntry | None:
        """The country a name, alias, demonym or possessive names: "Iraqi", "Iraq's", "DRC", "U.S."."""
        cs, ci = _keys(text)
        if _is_acronym(cs):
            return self._country_cs.get(cs)
        return self._country_ci.get(ci)

    def country_by_iso(self, code: str) -> CountryEntry | None:
        return self._country_by_iso.get(code.strip().upper())

    # ------------------------------------------------------------------ ACLED generic actors

    def _period(self, iso3: str, kind: str, year: int) -> _Period | None:
        periods = self._periods.get((iso3, kind)) or self._periods.get((iso3, "all")) or []
        # Periods that share a boundary year both contain it; the later (incoming) one wins, and an
        # open-ended period is later than a closed one starting the same year.
        matching = [p for p in periods if p.contains(year)]
        return max(matching, key=lambda p: (p.since, p.until is None, p.until or 0)) if matching else None

    def state_force(self, iso3: str, kind: str, year: int | None = None) -> ActorEntry:
        """ACLED's generic state actor, e.g. "Military Forces of Iraq (2014-2018)"; inter 1."""
        if kind not in _STATE_FORCE_NAMES:
            raise ValueError(
                f"unknown state force kind {kind!r}; expected one of {sorted(_STATE_FORCE_NAMES)}"
            )
        code = iso3.strip().upper()
        found = self.country_by_iso(code)
        if found is None:
            raise ValueError(f"unknown country code {iso3!r}")
        country_name = f"the {found.name}" if found.iso3 in _countries_with_the() else found.name
        name = _STATE_FORCE_NAMES[kind].format(country=country_name)
        period = self._period(found.iso3, kind, year) if year is not None else None
        since = until = None
        if period is not None:
            name = f"{name} ({period.label()})"
            since, until = period.since, period.until
        entry_type = "government" if kind == "government" else "state_forces"
        return ActorEntry(
            name=name, type=entry_type, inter=1, country=found.iso3, aliases=(), since=since, until=until
        )

    def generic(self, kind: str, iso3: str | None) -> ActorEntry:
        """ACLED's generic non-state actor, e.g. "Civilians (Iraq)", "Unidentified Armed Group (Iraq)"."""
        if kind not in _GENERIC:
            raise ValueError(f"unknown generic actor kind {kind!r}; expected one of {sorted(_GENERIC)}")
        template, entry_type, inter = _GENERIC[kind]
        found = self.country_by_iso(iso3) if iso3 else None
        own_name = _generic_names_by_country().get((kind, found.iso3)) if found is not None else None
        if own_name is not None:
            name = own_name  # "Unidentified Gang and/or Police Militia" in Brazil
        elif found is not None:
            name = template.format(country=found.name)
        elif kind.startswith("unidentified"):
            name = template.replace(" ({country})", "")
        else:
            name = template.format(country="International")  # ACLED's label for mixed or foreign groups
        return ActorEntry(
            name=name, type=entry_type, inter=inter, country=found.iso3 if found else None, aliases=()
        )


@lru_cache(maxsize=1)
def _generic_names_by_country() -> dict[tuple[str, str], str]:
    """(kind, ISO3) -> the generic actor's name where ACLED names it its own way in that country."""
    return {(kind, iso3): name for kind, iso3, name, *_ in rows("generic_names_by_country.tsv")}


def _read_data(name: str) -> str:
    return read_text(name)


@lru_cache(maxsize=1)
def _default_dictionary() -> ActorDictionary:
    try:
        state_forces = _read_data("state_forces.tsv")
    except FileNotFoundError:  # optional file: without it state forces get no year range
        state_forces = ""
    return ActorDictionary.from_texts(_read_data("actors.yaml"), _read_data("countries.tsv"), state_forces)
