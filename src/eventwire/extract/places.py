"""Places of one document: recognised, resolved against the gazetteer, and chosen for each event.

Reads GPE/LOC/FAC entities, resolves them with the article's country focus (the country most of its
places and actors point to), and understands places stated relative to a known one: "Ain Nasir, some
30 kilometres south of Mosul" gives a point 30 km south of Mosul (geo_precision 2) named "Ain Nasir",
whether or not the gazetteer knows Ain Nasir; "near Raqqa", "on the outskirts of Aleppo" give the anchor
with geo_precision 2.

ACLED-style admin context, "Minakulu sub-county (Oyam, Northern)" or "near Avdiivka, Donetsk", is read
first: its names are looked up as provinces and districts of every country, the country where they agree
(a district inside the named province is the strongest evidence) becomes the place's country and a strong
vote for the document's focus, and the place is then looked up only inside that country and province. A
place the gazetteer lacks takes the point of its district (geo_precision 2) or province (3) and keeps its
own name. Names inside the brackets are context, never an event's scene.

ACLED's own note of where it coded an event ("(coded to Kut)", "Coded as governorate capital Kirkuk city.",
"Haradh (coded to district level)") names the event's place, in the event's sentence or in one of its own.

Choosing an event's place prefers the most specific one and skips places that are not where it happened:
an origin ("a driver from Abidjan"), a modifier ("Seville fans", "Mexico's army"), a country acting as the
subject ("Eritrea captured Badme"), and the reference point of "Taji, north of Baghdad".
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from ..datafiles import rows, word_sets
from ..model import Evidence, Place
from ..nlp import doc_text, facility_words, not_places
from ..resolve.dictionary import ActorDictionary
from ..resolve.gazetteer import (
    BEARINGS,
    Candidate,
    Gazetteer,
    fold_name,
    haversine_km,
    normalize_name,
    offset_point,
)
from .region import COUNTY as _COUNTY_IN_TEXT
from .region import HomeRegion, capital_first, home_region, prefer_home
from .streets import find_streets

PLACE_LABELS = ("GPE", "LOC", "FAC")
_UNIT_KM = {
    "km": 1.0,
    "kms": 1.0,
    "kilometres": 1.0,
    "kilometers": 1.0,
    "kilometre": 1.0,
    "kilometer": 1.0,
    "miles": 1.609,
    "mile": 1.609,
    "mi": 1.609,
}
_DIRECTION = r"(?:north|south|east|west)(?:[- ]?(?:east|west))?|[NSEW]{1,2}"
_RELATIVE = re.compile(
    rf"(?:(?:some|about|around|roughly|approximately|nearly|almost|just|over|less than|more than)\s+)?"
    rf"(?P<dist>\d+(?:[.,]\d+)?)\s*(?P<unit>km|kms|kilometres|kilometers|kilometre|kilometer|miles|mile|mi)\b"
    rf"\s*\(?[^()]{{0,20}}?\)?\s*(?P<dir>{_DIRECTION})\s+of\s+(?:the\s+)?(?:city\s+of\s+|town\s+of\s+)?$",
    re.I,
)
_NEAR = re.compile(
    r"\b(?:near|outside|outskirts of|close to|around|vicinity of|(?:north|south|east|west)"
    r"(?:[- ]?(?:east|west))?(?:ern)? of|countryside of|suburbs? of)\s+(?:the\s+)?$",
    re.I,
)
_REGION_AFTER = re.compile(
    r"^\s+(?:province|governorate|region|state|district|county|oblast|department)\b", re.I
)
# "Amara city", "Salba town": the name is a populated place
_TOWN_AFTER = re.compile(r"^\s+(?:city|town|village)\b(?!\s+(?:of|council|hall)\b)", re.I)
_COUNTRYSIDE_AFTER = re.compile(r"^\s+(?:countryside|outskirts|suburbs|area|region)\b", re.I)


def _note_words(name: str) -> frozenset[str]:
    """One word list of data/place_note_words.tsv."""
    return word_sets("place_note_words.tsv")[name]


def _alternation(words: frozenset[str]) -> str:
    """A regex alternation of `words`, longest first (so that "sub-district" is tried before "district")."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


# Words naming an administrative level, dropped from the parts of an admin context ("Thayet district").
_LEVEL_WORDS = (
    r"township|district|region|state|province|county|division|regency|department|municipality|governorate|"
    r"oblast|raion|prefecture|lga|sub-county|subcounty|territory|commune|city|town|village|area|locality|"
    + _alternation(_note_words("unit"))  # and the local units of South Asia and East Africa (tehsil, woreda)
)
# "(Oyam, Northern)", "township (Thayet district, Magway region)": a bracket whose first word is capitalised,
# right after the name or after one level word ("(as reported)" never matches).
_ADMIN_BRACKET = re.compile(rf"^\s*(?:(?i:{_LEVEL_WORDS})\s*)?\((?P<body>[A-Z][^()\[\]]{{1,90}})\)")
# Words that may follow "Town, Province" as the clause goes on: a preposition or a participle, never a
# word of a longer name ("in Gaziosmanpasa town, Istanbul to demand ...").
_AFTER_COMMA_PLACE = _alternation(_note_words("comma_follower"))
# ", Donetsk" / " town, Ankara" / " district, Kherson": a comma, a capitalised name, then the clause goes on.
_ADMIN_COMMA = re.compile(
    rf"^(?:\s+(?:{_LEVEL_WORDS})(?:\s+cent(?:er|re))?)?\s*,\s*"
    rf"(?P<body>[A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+){{0,3}}(?:,\s*[A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+){{0,3}})?)"
    rf"(?:\s+(?:{_LEVEL_WORDS}))?(?=\s*(?:[.,;:)]|$|\s+(?:{_AFTER_COMMA_PLACE})\b))"
)
# the end of "(coded as X)" before X's admin bracket
_CLOSE_BRACKET = re.compile(r"^\s*\)(?=\s*\()")
# " - Mukhayyam Jenin refugee camp" between a city and its admin bracket
_DASH_PART = re.compile(r"^\s+-\s+[A-Z][^()\n.;,]{0,60}?(?=\s*\()")
# Level words of a district-sized unit, as ACLED and the press write them after its name.
# ("county" is not one: Kenya's counties are its provinces.)
_DISTRICT_LEVEL = re.compile(r"\b(?:district|township|lga|raion|sub-county|subcounty|upazila)\b", re.I)
_STRIP_LEVEL = re.compile(rf"^(?:{_LEVEL_WORDS})\s+of\s+|\s+(?:{_LEVEL_WORDS})$", re.I)
# A capitalised word right after a name means the name was cut short ("Gobernador" of "Gobernador Ingeniero
# Valentin Virasoro"): a prefix of a longer name is not that name. Months, weekdays and level words are not
# part of a name.
_CONTINUES = re.compile(r"^ (?P<word>[A-Z][a-z][\w'\-]*)")
_NOT_NAME_WORDS = frozenset(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
     "governorate", "province", "district", "region", "state", "county", "city", "oblast", "municipality",
     "town", "village", "township", "area", "countryside")
)  # fmt: skip
# ACLED's half of a unit: "Shan-North", "Yangon-West"
_HALF_UNIT = re.compile(r"(?P<name>.+)-(?P<side>North|South|East|West|Central)")
# A lone compass word in brackets qualifies the name ("Thea Sar (East)"), it is no province.
_COMPASS = frozenset(("east", "west", "north", "south"))
_QUALIFIERS = frozenset(("east", "west", "north", "south", "central", "upper", "lower", "new", "old"))
_QUALIFIER_BRACKET = re.compile(rf"^\s*\((?i:{'|'.join(sorted(_QUALIFIERS))})\)")
# "(fatalities coded to Novotroitske event)": a coded place of another event, not of this one
_OTHER_EVENT = re.compile(
    rf"\b(?:{_alternation(_note_words('toll'))})\s+(?:\w+\s+){{0,2}}coded\s+|\|[\w\s'\-]{{0,30}}?\bevents?\b",
    re.I,
)
# ACLED's note of where it put the event: "(coded to Kyiv)", "Coded as governorate capital Kirkuk city",
# "coded to the nearby urban center, Seraba", "Location changed as Monywa" (up to three words naming the
# kind of place may stand between the phrase and the name).
_CODED = re.compile(
    r"\b(?:coded|location\s+changed)\s+(?:to|as|at)\s+(?:the\s+)?"
    rf"(?:(?:{_alternation(_note_words('coded_kind'))})[\s,]+){{0,3}}$",
    re.I,
)
# "X, (just|some) north of Y", "X near Y": Y is a reference point for X.
_REFERENCE_BEFORE = re.compile(
    r",?\s*(?:(?:just|some|about|slightly|further)\s+)?(?:(?:north|south|east|west)(?:[- ]?(?:east|west))?"
    r"(?:ern)?\s+(?:outskirts\s+)?of|near|outside|close to|not far from)\s+(?:the\s+)?(?:city\s+of\s+)?$",
    re.I,
)


@dataclass(slots=True)
class PlaceMention:
    text: str
    start: int
    end: int
    token_start: int
    token_end: int
    place: Place | None
    candidates: list[Candidate]
    relative: bool = False
    anchor_only: bool = False  # the "Mosul" of "30 km south of Mosul": a reference point, not a scene
    specific: bool = False  # a place the gazetteer lacks, standing on its district's or province's point
    coded: bool = False  # ACLED says so: "(coded to Kyiv)"


@dataclass(slots=True)
class AdminContext:
    """The admin names after a place ("(Oyam, Northern)"), resolved to one country."""

    iso3: str
    admin1: Candidate | None
    admin2: Candidate | None
    start: int  # the context's character span: names inside it are context, not scenes
    end: int
    # "Texas, Arizona, and New Mexico": a list in one country. It votes for that country but places
    # nothing: each name is resolved, and is a scene, on its own.
    listed: bool = False
    # "City Hall in San Jose (California)": the context of the place holding this one. A name the gazetteer
    # lacks there stands on the holding place's point (`_place_unknown_inside_known`), not on its province's.
    held: bool = False
    # "Barangay Talisay (Tiaong, Quezon, Calabarzon)": the town the innermost part names, inside the unit; a
    # place the gazetteer lacks stands on it rather than on the district's or province's middle
    seat: Candidate | None = None


@dataclass
class DocumentPlaces:
    doc: Doc
    gazetteer: Gazetteer
    dictionary: ActorDictionary
    mentions: list[PlaceMention]
    focus_iso3: str | None = None
    supported_iso3: set[str] = field(default_factory=set)  # countries the document's names point to
    contexts: dict[int, AdminContext] = field(default_factory=dict)  # by the entity's start character
    focus_from_places: bool = False  # a place of the text, not only an actor, points to the focus
    home: HomeRegion | None = None  # the province most of the names point to (region.py)
    named_iso3: set[str] = field(default_factory=set)  # the countries the text names outright
    unit_iso3: set[str] = field(default_factory=set)  # countries whose own unit words the text writes

    @classmethod
    def read(
        cls,
        doc: Doc,
        gazetteer: Gazetteer,
        dictionary: ActorDictionary,
        extra_iso3: list[str] | None = None,
        home_iso3: set[str] | None = None,
    ) -> DocumentPlaces:
        """`extra_iso3`: the countries of the text's actors, one vote each; `home_iso3`: those of its
        organisations and parties, which act at home (see `_namesake_at_home`)."""
        found = cls(doc, gazetteer, dictionary, [])
        # a nationality the NER calls a place ("the Ukrainian community") is no place of the story: it is
        # read with the other nationalities, after the places
        ents = [
            e
            for e in doc.ents
            if e.label_ in PLACE_LABELS and dictionary.lookup(e.text) is None and not found._demonym(e.text)
        ]
        # pass 1: what countries do the places point to, without context?
        votes: Counter[str] = Counter(extra_iso3 or [])
        lead_end = _lead_end(doc)
        named = Counter(c.iso3 for e in ents if (c := dictionary.country(e.text)) is not None)
        # the countries the text names, and those its named actors belong to ("Gulf Clan members" in
        # "Pileta (Sucre)": the Colombian Sucre, not the Venezuelan state), break ties between provinces
        # an administrative unit only one country has ("Shiroro LGA", "Devtal rural municipality") names
        # that country as well as its name would
        units = found.unit_iso3 = _unit_word_countries(doc_text(doc))
        votes.update({iso3: 3 for iso3 in units})
        named_or_acting = named + Counter(set(extra_iso3 or [])) + Counter({iso3: 2 for iso3 in units})
        for ent in ents:
            ctx = found._admin_context(ent, named_or_acting)
            if ctx is not None:
                found.contexts[ent.start_char] = ctx
                # a district and province that agree outweigh any name's guess; a list's names agree less
                votes[ctx.iso3] += 2 if ctx.listed else 6
        for k, ent in enumerate(ents):
            if ent.start_char in found.contexts or any(
                c.start <= ent.start_char < c.end and not c.listed for c in found.contexts.values()
            ):
                continue
            ctx = found._containing_context(ent, ents[k + 1 : k + 2]) or found._nationality_context(ent)
            if ctx is not None:
                found.contexts[ent.start_char] = ctx
                votes[ctx.iso3] += 4  # "Nawa city in Daraa": the province names the country
        text = doc_text(doc)
        # "Khaneh village in the countryside of Manbij": a part named with its whole does not vote; the
        # whole does (a village's name matches a namesake abroad more often than a town's does)
        parts = {
            a.start_char
            for a, b in zip(ents, ents[1:], strict=False)
            if _part_of_gap().fullmatch(text[a.end_char : b.start_char])
            or _HELD_GAP.fullmatch(text[a.end_char : b.start_char])
        }
        for ent in ents:
            if (
                ent.start_char in parts
                or (ent.start_char in found.contexts and not found.contexts[ent.start_char].listed)
                or any(c.start <= ent.start_char < c.end and not c.listed for c in found.contexts.values())
            ):
                continue  # its context voted for it; the names inside a bracket were counted with it
            # the dateline and the lead say where the story is; later paragraphs wander (neighbours, capitals)
            weight = 3.0 if ent.start_char < lead_end else 1.0
            slot = _slot_word(ent)
            country = dictionary.country(ent.text)
            state = found._state_named_like_country(ent.text, country)
            if state is not None:
                # "Georgia": the country or the US state, as "Bayonne" below: the rest of the text decides
                votes[state.iso3] += weight
                votes[country.iso3] += weight  # type: ignore[union-attr]
                continue
            if country is not None:
                # "the invasion of Ukraine", "solidarity with Ukraine": a country named as a topic is not
                # where the story happens;
                # "the US supreme court", "Russia's invasion": a country modifying a noun is no scene either
                modifier = (
                    ent.root.dep_ in ("compound", "amod", "poss", "nmod") and ent.root.head.i >= ent.end
                )
                votes[country.iso3] += 2 * weight * (0.25 if slot in _TOPIC_WORDS or modifier else 1.0)
                continue
            abbreviated = gazetteer.abbreviation(ent.text)
            ranked = (
                [abbreviated]
                if abbreviated
                else _big_city_first(gazetteer.lookup(_clean(ent.text), limit=10))
            )
            if _TOWN_AFTER.match(text[ent.end_char : ent.end_char + 30]):
                # "Amara city" votes for the town, not for a province abroad that shares the name
                ranked = [c for c in ranked if c.feature == "city"] or ranked
            if not ranked:
                continue
            best = found._namesake_at_home(_clean(ent.text), ranked, home_iso3 or set())
            if best.feature == "admin1" and (
                len({c.iso3 for c in ranked if c.feature == "admin1" and c.name == best.name}) >= 3
            ):
                continue  # "Centre", "Central": a name many countries give a province says nothing alone
            share = weight * (1.5 if slot in _SCENE_WORDS else 1.0)
            if (
                best.feature == "city"
                and best.population < _VARIANT_TOWN
                and fold_name(best.name) != fold_name(_clean(ent.text))
            ):
                share /= 2  # a hamlet known by another spelling ("Saca": Italy's Sacca) says little
            rival = next((c for c in ranked[1:] if c.iso3 != best.iso3), None)
            if (
                rival is not None
                and best.feature == rival.feature == "city"
                and rival.name.casefold() == best.name.casefold()
                and rival.population * 3 >= best.population
            ):
                # two towns of a size ("Bayonne" in France and New Jersey): the name alone cannot say
                # which, so each gets half and the rest of the text decides
                votes[best.iso3] += share / 2
                votes[rival.iso3] += share / 2
            else:
                votes[best.iso3] += share
        if not votes:
            # no place resolves: the nationalities in the text ("Ukrainian forces") say where it is
            for ent in doc.ents:
                if ent.label_ == "NORP" and (c := dictionary.country(ent.text)) is not None:
                    votes[c.iso3] += 1
        found.focus_iso3 = votes.most_common(1)[0][0] if votes else None
        # whether a place (not only an actor or a nationality) points to the focus: "Ukrainian and Russian
        # communities demonstrated in Toulouse" is about France, and Toulouse must not be filtered away
        actor_votes = Counter(extra_iso3 or [])
        found.focus_from_places = bool(found.focus_iso3) and votes[found.focus_iso3] > actor_votes.get(
            found.focus_iso3, 0
        )
        # countries the text names outright (or its actors belong to), not ones a place name merely matches
        found.supported_iso3 = set(extra_iso3 or []) | set(named) | {c.iso3 for c in found.contexts.values()}
        if found.focus_iso3:
            found.supported_iso3.add(found.focus_iso3)
        found.home = home_region(gazetteer, [(e.text, _clean(e.text)) for e in ents], doc_text(doc))
        found.named_iso3 = set(named)
        # pass 2: resolve with the focus country and the places already placed
        anchor: tuple[float, float] | None = None
        for ent in ents:
            mention = found._resolve(ent, anchor)
            if mention is None:
                continue
            if (
                mention.place is not None
                and mention.place.latitude is not None
                and mention.place.feature == "city"
            ):
                anchor = (mention.place.latitude, mention.place.longitude)  # type: ignore[assignment]
            found.mentions.append(mention)
        found._apply_relative_phrases()
        found._place_unknown_inside_known()
        found._coded_by_named()
        found._hamlet_outside_bracket()
        found._mark_references()
        found._add_embedded()
        found._add_streets()
        found._add_counties()
        found._add_listed_counties()
        found._add_unlabelled_towns()
        found._mark_coded_level()
        if found.focus_iso3 is None:
            # nothing but names inside other names ("Hakkari Governor's office"): they still say where
            embedded = Counter(m.place.iso3 for m in found.mentions if m.place is not None and m.place.iso3)
            found.focus_iso3 = embedded.most_common(1)[0][0] if embedded else None
        return found

    @staticmethod
    def _namesake_at_home(text: str, ranked: list[Candidate], home: set[str]) -> Candidate:
        """The best-ranked place of `text`, or its namesake in a country the text's unions and parties belong
        to: "the UGT marched in Merida" is the Spanish Merida, though the Mexican one is bigger. A
        union or party acts at home, unlike armed forces, which fight abroad."""
        best = ranked[0]
        if not home or best.iso3 in home:
            return best
        key = normalize_name(text)
        return next(
            (
                c
                for c in ranked
                if c.iso3 in home and c.feature != "country" and normalize_name(c.name) == key
            ),
            best,
        )

    def _state_named_like_country(self, text: str, country: object) -> Candidate | None:
        """The province of another country named exactly like the country `text` names ("Georgia")."""
        if country is None:
            return None
        text = _clean(text)
        return next(
            (
                c
                for c in self.gazetteer.lookup(text, limit=5, features=("admin1",))
                if c.iso3 != getattr(country, "iso3", None) and c.name.casefold() == text.casefold()
            ),
            None,
        )

    def _named_country_city_first(self, text: str, candidates: list[Candidate]) -> list[Candidate]:
        """A city of `_NAMED_COUNTRY_CITY` people or more, of a country the text names, before a namesake
        in a country it does not name: "London" in a story that names Canada, not Britain, is London,
        Ontario."""
        if not candidates or candidates[0].iso3 in self.named_iso3 or candidates[0].feature == "country":
            return candidates
        city = next(
            (
                c
                for c in self.gazetteer.lookup(text, limit=50)
                if c.feature == "city"
                and c.iso3 in self.named_iso3
                and c.population >= _NAMED_COUNTRY_CITY
                and c.name.casefold() == text.casefold()
            ),
            None,
        )
        if city is None:
            return candidates
        return [city, *[c for c in candidates if (c.geonameid, c.feature) != (city.geonameid, city.feature)]]

    def _named_part_of_country(self, text: str, country: object) -> Candidate | None:
        """The province that a name the dictionary files under its country calls by its own name: "England",
        "Wales", "Northern Ireland" stand for the United Kingdom as actors, but a geoparser places them
        on their own GeoNames points."""
        iso3 = getattr(country, "iso3", None)
        if iso3 is None or normalize_name(text) == normalize_name(getattr(country, "name", "")):
            return None  # "Guatemala" is the country, not its namesake department
        return next(
            (
                c
                for c in self.gazetteer.lookup(text, iso3, limit=5, features=("admin1",), strict=True)
                if c.name.casefold() == text.casefold()
            ),
            None,
        )

    def _demonym(self, text: str) -> bool:
        """ "Ukrainian", "Iraqis": a country's nationality word, not the country's name."""
        country = self.dictionary.country(text)
        return (
            country is not None
            and self.gazetteer.country(_clean(text)) is None
            and self._named_part_of_country(_clean(text), country) is None  # "England" is a place
        )

    def _add_embedded(self) -> None:
        """Toponyms inside other names and nationality words, as places that are never an event's scene:
        "Russian officials", "Air Zimbabwe", "Toronto Police", "EU leaders". They locate what the text
        talks about (a geoparser reports them) but say nothing of where an event happened, so they come
        after the focus vote and are marked as references."""
        # a site's name the gazetteer cannot place ("the British Embassy") is searched like an organisation's
        sites = {
            (e.start_char, e.end_char)
            for e in self.doc.ents
            if e.label_ == "FAC" and e[-1].text in facility_words()
        }
        unplaced = {(m.start, m.end) for m in self.mentions if m.place is None and (m.start, m.end) in sites}
        taken = [(m.start, m.end) for m in self.mentions if (m.start, m.end) not in unplaced]
        added: list[PlaceMention] = []
        # one sense per discourse: "the Mansfield Police" is the Mansfield the text already placed; a whole
        # name only when that place is in the home province ("Torrington" as an organisation or a person
        # in a Connecticut story), as a one-word "Bell" the NER once called a place is mostly the person
        known = {
            m.text.casefold(): m.place
            for m in self.mentions
            if m.place is not None and not m.relative and not m.specific and m.place.feature != "region"
        }
        for ent in self.doc.ents:
            if (
                ent.label_ in PLACE_LABELS
                and self.dictionary.lookup(ent.text) is None
                and not self._demonym(ent.text)
                and (ent.start_char, ent.end_char) not in unplaced
            ):
                continue  # read as a place already
            if ent.label_ not in _EMBEDDING_LABELS or any(
                s < ent.end_char and ent.start_char < e for s, e in taken
            ):
                continue
            # a person's name holds a place only as a whole, and never a country ("Jordan Peterson", "Chad")
            windows = [(ent.start, ent.end)] if ent.label_ == "PERSON" else _name_windows(ent)
            for start, end in windows:
                if self.doc[start].lower_ == "the":
                    continue  # "The Ohio" of "The Ohio Senate": the shorter window is the name
                span = self.doc[start:end]
                ev = Evidence(span.start_char, span.end_char, span.text)
                part = ent.label_ != "PERSON" and end - start < len(ent)
                same = known.get(_clean(span.text).casefold())
                if same is not None and same.feature != "country" and (part or self._at_home(same)):
                    place = dataclasses.replace(same, evidence=ev)
                    m = PlaceMention(span.text, span.start_char, span.end_char, start, end, place, [])
                    m.anchor_only = True
                    added.append(m)
                    break
                cand = self._embedded_candidate(span.text, part)
                if cand is None or (ent.label_ == "PERSON" and cand.feature == "country"):
                    continue
                place = cand.to_place(geo_precision=3 if cand.feature != "city" else 1, evidence=ev)
                m = PlaceMention(span.text, span.start_char, span.end_char, start, end, place, [cand])
                m.anchor_only = True
                added.append(m)
                break  # one toponym per name: the longest, leftmost
        if added:
            self.mentions = sorted([*self.mentions, *added], key=lambda m: m.start)

    def _add_streets(self) -> None:
        """Streets and numbered roads (streets.py), as references standing on the point of the nearest town
        named before them (else after them). A mention inside a street's name ("Wichita" of "Wichita
        Drive") is the street, not the town."""
        text = doc_text(self.doc)
        towns = [
            m for m in self.mentions if m.place is not None and m.place.feature == "city" and not m.relative
        ]
        added: list[PlaceMention] = []
        for start, end in find_streets(text):
            inside = [m for m in self.mentions if start <= m.start and m.end <= end]
            if any(m.start < end and start < m.end for m in self.mentions if m not in inside):
                continue  # a place already read across the street's edge
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            before = [m for m in towns if m.end <= start and m not in inside]
            after = [m for m in towns if m.start >= end and m not in inside]
            town = before[-1] if before else (after[0] if after else None)
            name = text[start:end]
            place = Place(name=name, feature="street", geo_precision=2, evidence=Evidence(start, end, name))
            if town is not None and town.place is not None:
                place = dataclasses.replace(
                    town.place, name=name, feature="street", geo_precision=2, geonameid=None
                )
                place.evidence = Evidence(start, end, name)
            m = PlaceMention(name, start, end, span.start, span.end, place, [])
            m.anchor_only = True
            added.append(m)
            self.mentions = [x for x in self.mentions if x not in inside]
        if added:
            self.mentions = sorted([*self.mentions, *added], key=lambda m: m.start)

    def _add_counties(self) -> None:
        """Counties and parishes the NER left out or cut ("the Rapides Parish Sheriff's Office" read as
        "Sheriff's Office"), as references, when the gazetteer places them (see `_embedded_candidate`)."""
        added: list[PlaceMention] = []
        for match in _COUNTY_IN_TEXT.finditer(doc_text(self.doc)):
            start, end = match.span()
            if any(m.start < end and start < m.end for m in self.mentions):
                continue
            m = self._county_mention(match.group(0), start, end, match.group(0))
            if m is not None:
                added.append(m)
        if added:
            self.mentions = sorted([*self.mentions, *added], key=lambda m: m.start)

    def _county_mention(self, county: str, start: int, end: int, written: str) -> PlaceMention | None:
        """A reference to the county `county` ("Jackson County") written as `written` at start..end, when the
        gazetteer places it (see `_embedded_candidate`); it anchors other names but is no event's scene."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        cand = self._embedded_candidate(county, part=True) if span is not None else None
        if span is None or cand is None or cand.feature != "admin2":
            return None
        place = cand.to_place(geo_precision=2, evidence=Evidence(start, end, written))
        m = PlaceMention(written, start, end, span.start, span.end, place, [cand])
        m.anchor_only = True
        return m

    def _add_listed_counties(self) -> None:
        """Counties named together before one plural level word ("in Barrow, Jackson and Madison
        counties", "Caddo and Bossier parishes"): each name is the county "Jackson County", added like
        `_add_counties` does, when the gazetteer places it in the text's home region or by its own name
        (a bare "Jackson" is a person as often as a place, so only the list and its level word say so)."""
        added: list[PlaceMention] = []
        text = doc_text(self.doc)
        for match in _LISTED_COUNTIES.finditer(text):
            level = "County" if match.group("level").lower() == "counties" else "Parish"
            for name in _LISTED_NAME.finditer(match.group("names")):
                start, end = match.start("names") + name.start(), match.start("names") + name.end()
                overlapping = [m for m in [*self.mentions, *added] if m.start < end and start < m.end]
                # the NER's own reading gives way only where it read the very name as a town or not at all
                # ("Caddo" the Oklahoma town, in "Caddo and Bossier parishes")
                if any(
                    (m.start, m.end) != (start, end) or (m.place is not None and m.place.feature != "city")
                    for m in overlapping
                ):
                    continue
                county = self._county_mention(f"{name.group(0)} {level}", start, end, name.group(0))
                if county is None:
                    continue
                self.mentions = [m for m in self.mentions if m not in overlapping]
                added.append(county)
        if added:
            self.mentions = sorted([*self.mentions, *added], key=lambda m: m.start)

    def _add_unlabelled_towns(self) -> None:
        """A text whose entities place no scene may still name its town where the NER saw none, or saw it
        inside a longer name: "a march between Lamballe and Saint-Brieuc", "outside the City Hall in Malmo",
        "shelled Pisochyn, Kharkiv". A capitalised name in a place slot (`_TOWN_SLOT`) that is a town of
        1,000 people by that very name (in the focus country, when there is one), or a name followed by a
        comma and a province's very name (`_COMMA_PROVINCE`), is then read as a place: without it the event
        would have neither a place nor, often, its country. Only then: where the entities placed a scene,
        such a guess adds nothing but namesakes."""
        text = doc_text(self.doc)
        found: list[tuple[int, int, Place, list[Candidate]]] = []
        for match in [*_NAMED_TOWN.finditer(text), *_CODED_LEVEL_NAME.finditer(text)]:
            # "shelled Ziyara town", "the Hospital of Azaz city": the level word says a town, whatever else
            # the text places
            town = self._unlabelled_town(match.group("name"), match.start("name"), whole=True)
            if town is not None:
                start, end, cand = town
                around = not re.match(r"\s*(?:city|town|village)\b", text[match.end("name") :])
                if around and self._outside_holder(cand, match.end()):
                    continue  # "the Casale area of Brindisi": a namesake of Casale far from Brindisi
                found.append((start, end, cand.to_place(geo_precision=2 if around else 1), [cand]))
        self._add_found_towns(found, beside=True)
        if any(
            m.place is not None and not m.anchor_only and m.place.feature != "region" for m in self.mentions
        ):
            return
        found = []
        for match in _TOWN_SLOT.finditer(text):
            if _NAME_GOES_ON.match(text, match.end()):
                continue  # "the Confederation of Parents Associations": an organisation's name
            town = self._unlabelled_town(match.group("name"), match.start("name"))
            if town is not None:
                start, end, cand = town
                found.append((start, end, cand.to_place(geo_precision=1), [cand]))
        for match in _COMMA_PROVINCE.finditer(text):
            placed = self._comma_province_place(match.group("name"), match.group("province"))
            if placed is not None:
                found.append((match.start("name"), match.end("name"), *placed))
        self._add_found_towns(found)

    def _mark_coded_level(self) -> None:
        """ "fired missiles at Haradh (coded to district level)": ACLED says where it coded the event, after
        the name rather than before it."""
        text = doc_text(self.doc)
        for m in self.mentions:
            if m.place is not None and _CODED_LEVEL_AFTER.match(text, m.end):
                m.coded = True

    def _outside_holder(self, town: Candidate, end: int) -> bool:
        """Whether the place named right after `end` ("... of Brindisi", "... in Anbar") lies in another
        province than `town`."""
        gap = re.match(r"\s+(?:of|in)\s+(?:the\s+)?", doc_text(self.doc)[end:])
        if gap is None:
            return False
        holder = next((m for m in self.mentions if m.start == end + gap.end()), None)
        if holder is None or holder.place is None or holder.place.feature in ("country", "region"):
            return False
        return (holder.place.iso3, holder.place.admin1) != (town.iso3, town.admin1)

    def _add_found_towns(
        self, found: list[tuple[int, int, Place, list[Candidate]]], beside: bool = False
    ) -> None:
        """Adds the towns `_add_unlabelled_towns` found, where no placed scene stands already (`beside` the
        entities' places: where no entity at all stands)."""
        text = doc_text(self.doc)
        added: list[PlaceMention] = []
        for start, end, place, cands in sorted(found, key=lambda f: f[0]):
            span = self.doc.char_span(start, end, alignment_mode="expand")
            overlapping = [m for m in [*self.mentions, *added] if m.start < end and start < m.end]
            if span is None or any(m.place is not None and not m.anchor_only for m in overlapping):
                continue
            if beside and overlapping:
                continue
            # an unplaced entity that swallowed the town ("City Hall in Malmo") gives way to it
            self.mentions = [m for m in self.mentions if m not in overlapping]
            place.name, place.evidence = text[start:end], Evidence(start, end, text[start:end])
            m = PlaceMention(text[start:end], start, end, span.start, span.end, place, cands)
            m.specific = not cands
            added.append(m)
        if added:
            self.mentions = sorted([*self.mentions, *added], key=lambda m: m.start)
            first = added[0].place.iso3  # type: ignore[union-attr]
            if not beside and (self.focus_iso3 is None or not self.focus_from_places):
                self.focus_iso3 = first  # a place of the text outweighs the actors' nationality

    def _comma_province_place(self, name: str, province: str) -> tuple[Place, list[Candidate]] | None:
        """ "Pisochyn, Kharkiv": the town `name` inside the province of that very name, or, when the
        gazetteer lacks the town, the province's point under the town's name (precision 3)."""
        if self.dictionary.lookup(name) is not None or self.dictionary.country(name) is not None:
            return None
        province = _STRIP_LEVEL.sub("", province).strip()  # "Leningrad Oblast"
        key = normalize_name(province)
        provinces = [
            c
            for level in (1, 2)  # a province, else a district ("Dhanusha district")
            for c in self.gazetteer.admins(province, level)
            if normalize_name(c.name) == key
        ]
        if not provinces:
            return None

        def towns(unit: Candidate) -> list[Candidate]:
            return [
                c
                for c in self.gazetteer.lookup(name, unit.iso3, limit=20, strict=True)
                if c.feature == "city"
                and (c.admin1 if unit.feature == "admin1" else c.admin2) == unit.name
                and normalize_name(c.name) == normalize_name(name)
            ]

        holding = [p for p in provinces if towns(p)]
        if holding:
            town = towns(holding[0])[0]
            return town.to_place(geo_precision=1), [town]
        unit = next((p for p in provinces if p.iso3 == self.focus_iso3), provinces[0])
        return unit.to_place(geo_precision=3), []

    def _unlabelled_town(
        self, name: str, start: int, whole: bool = False
    ) -> tuple[int, int, Candidate] | None:
        """The town `name` (or, unless `whole`, its last words: "Northern Nicosia") names, with its span."""
        words = name.split(" ")
        for k in range(1 if whole else len(words)):
            window = " ".join(words[k:])
            if window.casefold() in not_places() or self.dictionary.lookup(window) is not None:
                continue
            if self.dictionary.country(window) is not None:
                return None
            key = normalize_name(window)
            # a name that its level word calls a town, in the focus country, may be any town the name is
            # known by ("Azaz": GeoNames' Izaz), however small; elsewhere the very name of a sizeable town
            said = whole and self.focus_iso3 is not None
            towns = [
                c
                for c in self.gazetteer.lookup(
                    window, self.focus_iso3, limit=20, strict=bool(self.focus_iso3)
                )
                if c.feature == "city"
                and (said or (c.population >= _UNLABELLED_TOWN and normalize_name(c.name) == key))
            ]
            if towns:
                offset = start + len(name) - len(window)
                return offset, offset + len(window), towns[0]
        return None

    def _whole_name_anyway(self, text: str) -> bool:
        """A province, or a town of the home province, by that very name is no prefix of a longer name but
        the place an organisation is named after: "the Ohio Senate", "Athens Review rainfall records"."""
        return any(
            c.name.casefold() == text.casefold() and (c.feature == "admin1" or self._at_home(c))
            for c in prefer_home(
                self.gazetteer, text, self.gazetteer.lookup(text, limit=10), self.home, set()
            )[:3]
        )

    def _home_town(self, text: str, iso3: str) -> bool:
        """Whether the home province of another country than `iso3` has a town of 1,000 people called
        `text` exactly: "Lebanon" (Indiana), "Palestine" (Texas) in a local story."""
        if self.home is None or self.home.iso3 == iso3:
            return False
        return any(
            c.feature == "city"
            and c.admin1 == self.home.admin1
            and c.population >= 1000
            and c.name.casefold() == text.casefold()
            for c in self.gazetteer.lookup(text, self.home.iso3, limit=20, strict=True)
        )

    def _at_home_country(self, place: Candidate | Place) -> bool:
        return self.home is not None and place.iso3 == self.home.iso3

    def _at_home(self, place: Candidate | Place) -> bool:
        """Whether `place` lies in the document's home province."""
        return self.home is not None and (place.iso3, place.admin1) == (self.home.iso3, self.home.admin1)

    def _embedded_candidate(self, text: str, part: bool = False) -> Candidate | None:
        """A country (by name or nationality), a continent, or, by its exact name, a province or a city of
        100,000 people: smaller names inside organisations are mostly people's or firms' names. In the
        document's home province (region.py) a town of 1,000 people or a county named with its level word
        counts too when it is a `part` of a longer name: "the Anderson County Sheriff", "Dublin City
        Council" in a local story (a one-word "Moore" or "Hughes" is a person more often than a town)."""
        abbreviated = self.gazetteer.abbreviation(text)  # "the S.C. Highway Patrol"
        if abbreviated is not None:
            return abbreviated
        text = _clean(text)
        if not text or not text[:1].isupper():
            return None
        province = _regional_demonyms().get(text.casefold())
        if province is not None:  # "the English city of Salisbury": England, not the United Kingdom
            found = self.gazetteer.lookup(
                province[0], province[1], limit=1, features=("admin1",), strict=True
            )
            if found:
                return found[0]
        country = self.dictionary.country(text)
        if country is not None:
            state = self._state_named_like_country(text, country)
            if state is not None and state.iso3 == self.focus_iso3:
                return state  # "the Georgia Bureau of Investigation" in a story about the US
            return self.gazetteer.country(country.name)
        region = self.gazetteer.region(text)
        if region is not None:
            return region
        # no focus hint: "Toronto Police" is Toronto's wherever it is read, unless the home province has one
        ranked = capital_first(text, self.gazetteer.lookup(text, limit=10))
        ranked = prefer_home(self.gazetteer, text, ranked, self.home, self.named_iso3)
        best = ranked[0] if ranked else None
        if best is None:
            return None
        county = best.feature == "admin2" and bool(_COUNTY_SAID.search(text))
        if best.name.casefold() != text.casefold() and not county:
            return None  # "Anderson County" is the county Anderson by its name and level word
        if best.feature == "admin1" and (
            self.focus_iso3 is None or best.iso3 in self.supported_iso3 or self._at_home_country(best)
        ):
            return best  # "Florida Highway Patrol"; a "Central" or "Western" abroad is a common word
        if best.feature == "city" and best.population >= 100_000:
            return best
        if county and part and len(self.gazetteer.lookup(text, best.iso3, 2, ("admin2",), strict=True)) == 1:
            return best  # "the Laurel County Sheriff": the country's only county of that name
        if (
            self._at_home(best)
            and part
            and text.casefold() not in not_places()
            and (county or (best.feature == "city" and best.population >= 1000))
        ):
            return best
        return None

    # -- admin context -------------------------------------------------------------------------------
    def _admin_context(self, ent: Span, named: Counter[str]) -> AdminContext | None:
        """The country, province and district that the brackets (or the comma form) after `ent` name.

        Each part is looked up as a province and as a district of every country; a country scores 2 for the
        last part as its province, 1 for a part as its district (1 more when that district lies in the named
        province), and a little when the place itself is known there. Ties go to the countries the text
        names, then to the bigger province."""
        after_start = ent.end_char
        after = doc_text(self.doc)[after_start : after_start + 160]
        abbreviated = _STATE_AFTER.match(after)  # "Paris, Tenn.": the state, as the press abbreviates it
        if (
            abbreviated is not None
            and (state := self.gazetteer.abbreviation(abbreviated.group(1))) is not None
        ):
            return AdminContext(
                state.iso3, state, None, after_start + abbreviated.start(1), after_start + abbreviated.end(1)
            )
        qualifier = _QUALIFIER_BRACKET.match(after)
        if qualifier is not None:
            # "Lobacheve (west), Luhansk": the compass word belongs to the name; the province follows it
            after_start += qualifier.end()
            after = doc_text(self.doc)[after_start : after_start + 160]
        m = _ADMIN_BRACKET.match(after) or _ADMIN_COMMA.match(after)
        closed = _CLOSE_BRACKET.match(after) if m is None else None
        if closed is not None and _CODED.search(
            doc_text(self.doc)[max(0, ent.start_char - 60) : ent.start_char]
        ):
            # "villages (coded as Ta Khun Taing) (Shwebo township, Sagaing region)": the bracket after the
            # coded name places it
            after_start += closed.end()
            after = doc_text(self.doc)[after_start : after_start + 160]
            m = _ADMIN_BRACKET.match(after)
        dash = _DASH_PART.match(after) if m is None else None
        if dash is not None:
            # ACLED's "city - neighbourhood (province)": "Sao Goncalo - Rocha (Rio de Janeiro)"; the
            # bracket places the city as well as the part named after the dash
            after_start += dash.end()
            after = doc_text(self.doc)[after_start : after_start + 160]
            m = _ADMIN_BRACKET.match(after)
        if m is None:
            return None
        raw_parts = [p.strip() for p in re.split(r"[,;]", m.group("body"))]
        # "(Ilam district)": the text says which level a part is; a district so named is no province
        # (and which word said it: "district" does not fit a country whose units are "localities")
        level_said = {
            _STRIP_LEVEL.sub("", p).strip(): said.group(0).lower()
            for p in raw_parts
            if (said := _DISTRICT_LEVEL.search(p)) is not None
        }
        if (said := _DISTRICT_LEVEL.match(after[: m.start("body")].strip(" ("))) is not None:
            level_said[_clean(ent.text)] = said.group(0).lower()
        district_said = set(level_said)
        parts = [_STRIP_LEVEL.sub("", p).strip() for p in raw_parts]
        parts = [p for p in parts if p and p[:1].isupper() and not p.lower().startswith("coded")][-3:]
        if not parts or (len(parts) == 1 and parts[0].lower() in _QUALIFIERS):
            return None  # "Thea Sar (East)": part of the name, not a province
        if m.re is _ADMIN_COMMA and (ent.text.isupper() or any(p.isupper() for p in parts)):
            return None  # "CGT, SUD and UNSA": acronyms in a list, not a place and its province
        country = self.dictionary.country(parts[-1])
        country_ctx: AdminContext | None = None
        if country is not None:
            # "Yerevan, Armenia": the country itself; a province before it may narrow it
            found = self.gazetteer.admins(parts[-2], 1) if len(parts) > 1 else []
            a1c = next((c for c in found if c.iso3 == country.iso3), None)
            body_start = after_start + m.start("body")
            country_ctx = AdminContext(country.iso3, a1c, None, body_start, after_start + m.end())
            if m.re is _ADMIN_COMMA and self._listed_not_contained(ent.text, country.iso3, a1c, None):
                return None  # "Syria, Iraq and Jordan": a list of countries says nothing of one
            if not self.gazetteer.admins(parts[-1], 1):
                return country_ctx
            # "Atlanta (Georgia)", "Aw Bare (Fafan, Somali)": a province that shares a country's name
            # wins only when the place or a district confirms it (below)
        scores: Counter[str] = Counter()
        a1: dict[str, Candidate] = {}
        a2: dict[str, Candidate] = {}
        provinces = self._bracket_provinces(parts[-1])
        half = _HALF_UNIT.fullmatch(parts[-1])
        if not provinces and half:  # "Shan-North": ACLED's half of a province
            provinces = self.gazetteer.admins(half.group("name"), 1)
        # a name many countries give a province ("Central", "Eastern") says little by itself
        share = 1.0 if len({c.iso3 for c in provinces}) < 4 else 0.5
        if parts[-1].lower() in _COMPASS and len(parts) > 1:
            # "(Alkufra, East)": ACLED's halves of a country (Libya's East, West and South) are no
            # province; an inner part that names one outweighs a namesake "East" region abroad
            share = 0.5
        if parts[-1] in district_said:
            share *= 0.5  # the province of that name is a namesake; the district below counts in full
        for c in provinces:
            if c.iso3 not in a1:
                a1[c.iso3] = c
                scores[c.iso3] += 2.0 * share + c.score / 1000.0
        if len(parts) > 1:
            # "(Falagountou, Seno)": in some countries ACLED's last part is a GeoNames district (Burkina
            # Faso's provinces), one level below the region; it counts a little less than a province
            # (but where many countries have a province of that name, "(Orugodawatta, Western)", one
            # district so named abroad is no better evidence than each of those provinces)
            for c in self.gazetteer.admins(parts[-1], 2):
                if c.iso3 not in a1 and c.iso3 not in a2:
                    a2[c.iso3] = c
                    scores[c.iso3] += 1.5 * share
        for part in parts[:-1] if len(parts) > 1 else parts:
            for c in self._districts(part):
                if c.iso3 in a2 or (c.iso3 in a1 and c.admin1 != a1[c.iso3].name):
                    continue  # a district of another province of the named one's country is a namesake
                if len(parts) == 1 and c.iso3 in a1:
                    continue  # "(Colon)": the province's own capital district is the same evidence again
                a2[c.iso3] = c
                scores[c.iso3] += 2.0 if part in district_said and _calls(c.iso3, level_said[part]) else 1.0
                if c.iso3 in a1:
                    scores[c.iso3] += 1.0
        for part in parts[:-1]:
            # "(Lilongwe City, Central)": where GeoNames' provinces are ACLED's districts (Malawi), an inner
            # part is a province of the country
            for c in self.gazetteer.admins(part, 1):
                if c.iso3 not in a1:
                    a1[c.iso3] = c
                    scores[c.iso3] += 1.5
        if len(parts) > 1:  # "(Gao, Gao)": the district may be listed under the province's name only
            for c in self.gazetteer.admins(parts[-2], 1):
                if c.iso3 in a1 and c.iso3 not in a2 and c.name == a1[c.iso3].name:
                    scores[c.iso3] += 0.5
        # the units the last part names (a town inside a province that an inner part itself names, "Siirt"
        # for "(Sirt, West)", confirms nothing)
        outer = {c.iso3: c for c in reversed(provinces)}
        outer.update(
            {c.iso3: c for c in reversed(self.gazetteer.admins(parts[-1], 2)) if c.iso3 not in outer}
        )
        for part in parts[:-1]:
            for iso3 in self._seat_towns(part, outer):
                scores[iso3] += _SEAT_TOWN
        if not scores:
            return country_ctx
        text = _clean(ent.text)
        big = [
            c
            for c in self.gazetteer.lookup(text, limit=20)
            if c.feature == "city" and c.population >= _BIG_CITY and c.name.casefold() == text.casefold()
        ]
        abbreviation = len(parts) == 1 and parts[0].isupper()
        if (
            abbreviation
            and big
            and not any(c.iso3 in scores for c in big)
            and not self.gazetteer.lookup(text, max(scores, key=lambda k: scores[k]), strict=True)
        ):
            # "Islamabad city (FCT)": a city of millions that the bracket's namesake province does not
            # hold is that city; the bracket names its own territory by another country's abbreviation
            return None
        known: dict[str, float] = {}
        for c in self.gazetteer.lookup(text, limit=50):
            if c.iso3 in scores and c.feature != "admin1":  # a province is no evidence of itself
                inside = (c.iso3 in a1 and c.admin1 == a1[c.iso3].name) or (
                    c.iso3 in a2 and c.admin2 == a2[c.iso3].name
                )
                # once per country: a town listed as a city and as a district is one piece of evidence; the
                # very name counts more than a variant ("Cordoba" itself over "Los Cordobas")
                same = normalize_name(c.name) == normalize_name(text) and len(c.name) == len(text)
                size = math.log10(c.population + 1) / 30.0  # between namesakes, the bigger town
                # a namesake elsewhere in the country ("Koflande (Mangodara, Comoe)" where the gazetteer
                # knows only a hamlet in another region of a neighbour) says little for that country
                where = 1.0 if inside else _NAMESAKE_ELSEWHERE
                known[c.iso3] = max(known.get(c.iso3, 0.0), where + (0.2 if same else 0.0) + size)
        for iso3, bonus in known.items():
            scores[iso3] += bonus
        for iso3 in scores:
            scores[iso3] += 0.3 * named.get(iso3, 0)
        iso3 = max(scores, key=lambda k: scores[k])
        if country_ctx is not None and (
            iso3 == country_ctx.iso3 or (scores[iso3] < 3.0 and iso3 not in self.unit_iso3)
        ):
            return country_ctx  # (but "Mariga LGA (Niger)" is Nigeria's Niger State: LGAs are Nigeria's)
        # one district name that no province confirms is too weak to fix the country, except as the last
        # part of a bracket of several names, where ACLED puts the larger unit, or when the text says its
        # level ("(Bardiya district)")
        said_level = re.search(rf"\b(?:{_LEVEL_WORDS})\b", m.group(0), re.I)
        # nor is it for a place the gazetteer lacks when no other country has a unit of that name: "Kfar
        # Zebdine (Chouf)" (a town known elsewhere in the country is rather that town)
        only = (
            m.re is _ADMIN_BRACKET
            and len(parts) == 1
            and iso3 not in known
            and self._only_district_of(parts[0]) == iso3
        )
        if scores[iso3] < (
            1.0 if said_level or only else 1.5 if m.re is _ADMIN_BRACKET and len(parts) > 1 else 2.0
        ):
            return None
        admin2 = a2.get(iso3)
        if admin2 is not None and iso3 in a1 and admin2.admin1 != a1[iso3].name:
            admin2 = None  # a district of another province: a namesake, not this one
        body_start = after_start + m.start("body")
        # "Texas, Arizona, and New Mexico", "Miami, West Palm Beach, New York": a list
        listed = m.re is _ADMIN_COMMA and self._listed_not_contained(ent.text, iso3, a1.get(iso3), admin2)
        # the innermost inner part that names a town: "(Bwisha, Rutshuru, Nord-Kivu)" -> Rutshuru
        seat = next(filter(None, (self._seat(p, iso3, a1.get(iso3), admin2) for p in parts[:-1])), None)
        return AdminContext(iso3, a1.get(iso3), admin2, body_start, after_start + m.end(), listed, seat=seat)

    def _bracket_provinces(self, last: str) -> list[Candidate]:
        """The provinces the last part of a bracket may name: not those of a country whose brackets end with
        its half ("Qalamoun (Tripoli)" is no Libyan place: ACLED would write "(Tripoli, West)")."""
        if last.lower() in _COMPASS:
            return self.gazetteer.admins(last, 1)
        return [c for c in self.gazetteer.admins(last, 1) if c.iso3 not in _half_bracket_countries()]

    def _only_district_of(self, name: str) -> str | None:
        """The country of `name` when it names one district in the world and no province ("Green" names
        counties of two US states: no telling which)."""
        if self._bracket_provinces(name):
            return None
        districts = self.gazetteer.admins(name, 2)
        return districts[0].iso3 if len(districts) == 1 else None

    def _districts(self, part: str) -> list[Candidate]:
        """The districts called `part`; ACLED's "Yangon-West" is GeoNames' "West Yangon" (a city's compass
        quarter, written after the city's name by ACLED and before it by GeoNames)."""
        found = self.gazetteer.admins(part, 2)
        half = _HALF_UNIT.fullmatch(part)
        if found or half is None:
            return found
        return self.gazetteer.admins(f"{half.group('side')} {half.group('name')}", 2)

    def _seat(
        self, part: str, iso3: str, admin1: Candidate | None, admin2: Candidate | None
    ) -> Candidate | None:
        """The town of the innermost part's very name inside the named district, else province: ACLED's
        inner units (municipalities, communes, townships) mostly bear their seat town's name."""
        key = normalize_name(part)
        for c in self.gazetteer.lookup(part, iso3, limit=20, strict=True):
            if c.feature != "city" or normalize_name(c.name) != key or c.latitude is None:
                continue
            if (admin2 is not None and c.admin2 == admin2.name) or (
                admin2 is None and admin1 is not None and c.admin1 == admin1.name
            ):
                return c
        return None

    def _seat_towns(self, part: str, outer: dict[str, Candidate]) -> set[str]:
        """The countries where an inner part of a bracket is a town inside the unit the bracket names there:
        "(Mangodara, Comoe)". ACLED's inner units (departments, communes, woredas) mostly bear the name of
        their seat town, and GeoNames lists the town where it lacks the unit; a town inside the named
        province or district confirms that country over a namesake province abroad. `outer` holds, by
        country, the unit that the bracket's last part names there."""
        key = normalize_name(part)
        found: set[str] = set()
        for c in self.gazetteer.lookup(part, limit=50, features=("city",)):
            unit = outer.get(c.iso3)
            if unit is None or normalize_name(c.name) != key or c.iso3 in found:
                continue
            in_province = unit.feature == "admin1" and c.admin1 == unit.name
            in_district = unit.feature == "admin2" and (c.admin2, c.admin1) == (unit.name, unit.admin1)
            if in_province or in_district:
                found.add(c.iso3)
        return found

    def _listed_not_contained(
        self, text: str, iso3: str, admin1: Candidate | None, admin2: Candidate | None
    ) -> bool:
        """Whether "`text`, <unit>" is a list rather than a place and the unit holding it: `text` names a
        province, a country or a sizeable town of its own ("Texas, Arizona"; "Miami, New York") and
        nothing of that name lies inside the unit. A village the gazetteer lacks, or a small namesake
        abroad, keeps the comma form as its context ("Hranitne, Donetsk")."""
        key = normalize_name(_clean(text))
        same = [c for c in self.gazetteer.lookup(_clean(text), limit=50) if normalize_name(c.name) == key]

        def inside(c: Candidate) -> bool:
            if c.iso3 != iso3:
                return False
            if (
                admin1 is not None
                and c.admin1 != admin1.name
                and not (c.feature == "admin1" and c.name == admin1.name)
            ):
                return False
            return admin2 is None or c.admin2 == admin2.name

        if not same or any(inside(c) for c in same):
            return False
        # a place of the unit that the gazetteer files under another spelling of the name ("New York,
        # Donetsk": GeoNames' Niu-York)
        if any(
            inside(c) and normalize_name(c.name) != key
            for c in self.gazetteer.lookup(_clean(text), iso3, limit=20, strict=True)
        ):
            return False
        return any(c.feature in ("admin1", "country") or c.population >= _SIZEABLE_TOWN for c in same)

    def _containing_context(self, ent: Span, following: list[Span]) -> AdminContext | None:
        """ "Nawa city in Daraa", "Saida town in Ar Raqqa countryside", "Ibbin, Aleppo countryside": the
        province (or country) named right after a place contains it, as an admin bracket would say."""
        if not following or self.dictionary.country(ent.text) is not None:
            return None
        other = following[0]
        gap = doc_text(self.doc)[ent.end_char : other.start_char]
        if not _CONTAINED_GAP.fullmatch(gap):
            return None
        own = self.contexts.get(other.start_char)
        if own is not None and not own.listed:
            return self._held_context(own, other)
        name = _clean(other.text)
        country = self.dictionary.country(name)
        if country is not None:
            return AdminContext(country.iso3, None, None, other.start_char, other.end_char)
        if _TOWN_AFTER.match(doc_text(self.doc)[other.end_char : other.end_char + 30]):
            # "the Moallemeen neighborhood of Amara city": the holder is a town, never the province that
            # shares its name abroad (Ethiopia's Amhara, "Amara" to some): the biggest town of the name
            # (an empty span: the town stays a scene of its own)
            town = next((c for c in self.gazetteer.lookup(name, limit=20) if c.feature == "city"), None)
            return AdminContext(town.iso3, None, None, other.start_char, other.start_char) if town else None
        provinces = self.gazetteer.admins(name, 1)
        if not provinces:
            return None
        # the province that holds a place of that name, else the biggest
        text = _clean(ent.text)
        holding = [
            p for p in provinces if any(c.admin1 == p.name for c in self.gazetteer.lookup(text, p.iso3))
        ]
        province = (holding or sorted(provinces, key=lambda p: -p.score))[0]
        # "Utah, Colorado, and Idaho": a list of provinces
        listed = gap.strip() == "," and self._listed_not_contained(ent.text, province.iso3, province, None)
        return AdminContext(province.iso3, province, None, other.start_char, other.end_char, listed)

    @staticmethod
    def _held_context(own: AdminContext, holder: Span) -> AdminContext:
        """ "City Hall in San Jose (California)", "Hay Al-Hussain in Amara district (Maysan)": the holding
        place's own bracket fixes the country and province of what lies in it; the holding place itself is
        no admin name of that context (an empty span), so it stays a scene."""
        return AdminContext(own.iso3, own.admin1, own.admin2, holder.start_char, holder.start_char, held=True)

    def _nationality_context(self, ent: Span) -> AdminContext | None:
        """ "the northern Lebanese city of Tripoli", "the English city of Salisbury": the nationality word
        says which country (and, for England or Catalonia, which province) holds the place."""
        before = doc_text(self.doc)[max(0, ent.start_char - 80) : ent.start_char]
        m = _NATIONALITY_BEFORE.search(before)
        if m is None:
            return None
        start = ent.start_char - len(before) + m.start("word")
        end = ent.start_char - len(before) + m.end("word")
        word = m.group("word")
        part = _regional_demonyms().get(word.casefold())
        if part is not None:
            found = self.gazetteer.lookup(part[0], part[1], limit=1, features=("admin1",), strict=True)
            if found:
                return AdminContext(part[1], found[0], None, start, end)
        country = self.dictionary.country(word)
        if country is None or not self.gazetteer.lookup(_clean(ent.text), country.iso3, strict=True):
            return None  # a village the gazetteer lacks is not to be placed on a namesake abroad either
        return AdminContext(country.iso3, None, None, start, end)

    def _resolve(self, ent: Span, near: tuple[float, float] | None) -> PlaceMention | None:
        text = _clean(ent.text)
        town_word = _TOWN_WORD_INSIDE.search(text)
        if town_word is not None:
            text = text[: town_word.start()]  # "Amara city" as one entity: the town Amara
        if not text:
            return None
        written = text
        text = self._bare_unit_name(text)
        country = self.dictionary.country(text)
        state = self._state_named_like_country(text, country)
        if state is not None and (
            state.iso3 == self.focus_iso3 or (self.home and self.home.iso3 == state.iso3)
        ):
            country = None  # "Georgia" in a story about the US: the state (found by the lookup below)
        home_town = country is not None and self._home_town(text, country.iso3)
        if home_town:
            country = None  # "Lebanon" in an Indiana story: the Indiana town (found below)
        abbreviated = self.gazetteer.abbreviation(ent.text)  # "Tenn.", "W.Va."
        after = doc_text(self.doc)[ent.end_char : ent.end_char + 80]
        ctx = self.contexts.get(ent.start_char)
        ctx = None if ctx is not None and ctx.listed else ctx
        inside = next(
            (c for c in self.contexts.values() if c.start <= ent.start_char < c.end and not c.listed), None
        )
        candidates: list[Candidate] = []
        truncated = _truncated(after)
        if abbreviated is not None:
            candidates = [abbreviated]
        elif country is not None:
            cand = self._named_part_of_country(text, country) or (
                self.gazetteer.country(country.name) or self.gazetteer.country(text)
            )
            candidates = [cand] if cand else []
        elif truncated and not self._whole_name_anyway(text):
            candidates = []  # "Gobernador" of a longer name is not the town called Gobernador
        elif ctx is not None or inside is not None:
            # the admin context fixed the country: look only there, and inside the named province
            known = ctx or inside
            assert known is not None
            candidates = self.gazetteer.lookup(text, known.iso3, limit=50, strict=True)
            if ctx is not None and candidates:
                a1 = ctx.admin1.name if ctx.admin1 else None
                a2 = ctx.admin2.name if ctx.admin2 else None
                in_admin = [
                    c
                    for c in candidates
                    if (a2 and c.admin2 == a2) or (a1 and c.admin1 == a1) or c is ctx.admin1
                ]
                # "Sahiwal city (Sahiwal, Punjab)": of two towns of the name in the province, the one in
                # the named district (a stable sort keeps the prior's order otherwise)
                in_admin.sort(key=lambda c: not (a2 and c.admin2 == a2))
                if not in_admin and (a1 or a2):
                    # GeoNames and the text may cut provinces differently ("Nablus city (Nablus, West
                    # Bank)": GeoNames files Nablus under the Nablus governorate): a town of the name
                    # close to the named unit's point is that town, not a namesake
                    unit = (ctx.admin2 or ctx.admin1) if (ctx.admin2 or ctx.admin1) else None
                    if unit is not None and unit.latitude is not None:
                        in_admin = [
                            c
                            for c in candidates
                            if c.feature == "city"
                            and c.latitude is not None
                            and haversine_km(c.latitude, c.longitude, unit.latitude, unit.longitude)
                            <= _NEAR_UNIT_KM
                        ] or (self._moved_town(text, candidates, unit) if not (a1 and a2) else [])
                    # (a district and its province both named are not both wrong: a namesake town outside
                    # them is another town, and the place stands on the district's point below)
                candidates = in_admin if (in_admin or a1 or a2) else candidates
        else:
            hint = self.home.iso3 if home_town and self.home else self.focus_iso3
            candidates = self.gazetteer.lookup(text, hint)
            big_abroad = False
            if not hint or all(c.iso3 != hint for c in candidates):
                candidates = _big_city_first(candidates)
            elif candidates[0].feature == "city" and candidates[0].population < _TOWN_UNDER_METROPOLIS:
                # "pickets in Kaluga ... the invasion of Ukraine": the Russian city of 340,000, not a
                # Ukrainian hamlet spelt alike, when Russia is in the story too; and a city of millions
                # whose country the text names outranks even a sizeable town ("Moscow" in a story about
                # Russia is not the Idaho town of 25,000)
                small = candidates[0].population < 20_000
                big = [
                    c
                    for c in self.gazetteer.lookup(text, limit=20)
                    if c.feature == "city"
                    and c.name.casefold() == text.casefold()
                    and c.iso3 != hint
                    and (
                        (c.population >= 1_000_000 and (small or c.iso3 in self.named_iso3))
                        or (small and c.population >= 200_000 and c.iso3 in self.supported_iso3)
                    )
                ]
                if big:
                    candidates = [big[0], *candidates]
                    big_abroad = True
            if (
                hint
                and candidates
                and self.focus_from_places
                and all(c.iso3 != hint for c in candidates)
                and not self._at_home(
                    prefer_home(self.gazetteer, text, candidates, self.home, self.named_iso3)[0]
                )
            ):
                # An article about Mali that names "Boni" means a Boni in Mali the gazetteer lacks, not the
                # German city: outside the focus country only countries, provinces and big cities count,
                # and a merely mentioned country ("after French troops left") only for its big places.
                candidates = [
                    c
                    for c in candidates
                    if c.feature in ("country", "admin1")
                    or c.population >= 1_000_000
                    or (c.iso3 in self.supported_iso3 and c.population >= 100_000)
                ]
            # the city of millions stays first: a namesake near the last town placed ("Moscow" after "New
            # York" in a story about flights to Russia) is no likelier for being near
            if near is not None and len(candidates) > 1 and not big_abroad:
                best = self.gazetteer.best(text, hint, near)
                if best is not None:
                    candidates = [best, *[c for c in candidates if c.geonameid != best.geonameid]]
            candidates = capital_first(text, candidates)
            candidates = self._named_country_city_first(text, candidates)
            candidates = prefer_home(self.gazetteer, text, candidates, self.home, self.named_iso3)
        site_near = False
        if not candidates and country is None and not truncated:
            candidates, site_near = self._site_in_town(text, ctx or inside)
        place: Place | None = None
        ev = Evidence(ent.start_char, ent.end_char, ent.text)
        said_region = _REGION_AFTER.match(after) or _REGION_AFTER.match(" " + written.split()[-1])
        said_town = _TOWN_AFTER.match(after) or town_word
        if said_town and candidates and candidates[0].feature not in ("city", "country"):
            # "Amara city", "Salba town": a populated place, never a region that shares the name. The
            # region-sized candidates outrank every town by prior, so the best-ranked town is taken,
            # in the focus country when it has one.
            towns = [c for c in candidates if c.feature == "city"]
            if not towns and ctx is None and inside is None:
                towns = [c for c in self.gazetteer.lookup(text, limit=50) if c.feature == "city"]
            in_focus = [c for c in towns if c.iso3 == self.focus_iso3]
            towns = in_focus or towns
            if towns:
                candidates = [towns[0], *[c for c in candidates if c is not towns[0]]]
        if candidates and candidates[0].feature in ("admin1", "admin2") and not said_region:
            # "in Idlib" with a city and a province of that name: the city, unless "Idlib province" is
            # said. Only a city inside that province: the town of California in Maryland is no reading
            # of "California".
            top = candidates[0]
            same_city = [
                c
                for c in candidates
                if c.feature == "city"
                and c.iso3 == top.iso3
                and normalize_name(c.name) == normalize_name(text)
                # "New York City" for "New York", but not the small "California City"
                and (c.name.casefold() == text.casefold() or c.population >= 1_000_000)
                and (c.admin1 == top.name if top.feature == "admin1" else c.admin1 == top.admin1)
            ]
            if same_city and inside is None:  # names inside an admin bracket are the admin units
                candidates = [same_city[0], *[c for c in candidates if c is not same_city[0]]]
        if (
            candidates
            and candidates[0].feature == "city"
            and country is None
            and ctx is None
            and inside is None
            and not said_town
        ):
            # "the development of Nigeria and Africa": the continent, not a hamlet named Africa; "Sinai"
            # the peninsula, not a hamlet of that name, unless the text is about a third country
            region = self.gazetteer.region(text)
            if region is not None and (
                region.feature == "region"
                or (
                    candidates[0].population < 1000
                    and self.focus_iso3 in (None, region.iso3, candidates[0].iso3)
                )
            ):
                candidates = [region]
        if not candidates and country is None and ctx is None and inside is None:
            # "Europe", "the EU": a continent, never an event's scene; "Darfur", in a text about Sudan or
            # about no country in particular (a "Sinai" in a Colombian story is some Colombian Sinai)
            region = self.gazetteer.region(text)
            if region is not None and (region.feature == "region" or self.focus_iso3 in (None, region.iso3)):
                candidates = [region]
        if candidates:
            top = candidates[0]
            precision = {"city": 1, "admin2": 2, "admin1": 3, "country": 3, "region": 3}.get(top.feature, 1)
            place = top.to_place(geo_precision=precision, evidence=ev)
            place.name = text if top.feature == "city" else top.name
            before = doc_text(self.doc)[max(0, ent.start_char - 40) : ent.start_char]
            if (
                _NEAR.search(before) or _COUNTRYSIDE_AFTER.match(after) or site_near
            ) and place.geo_precision == 1:
                place.geo_precision = 2
        elif ctx is not None and not ctx.held and (ctx.seat or ctx.admin2 or ctx.admin1) is not None:
            # a place the gazetteer lacks, by the bracket's seat town or in a named district (precision 2),
            # or in a named province (3): their point
            admin = ctx.seat or ctx.admin2 or ctx.admin1
            assert admin is not None
            place = admin.to_place(geo_precision=3 if admin is ctx.admin1 else 2, evidence=ev)
            place.name = text
            place.feature = (ctx.admin2 or ctx.admin1 or admin).feature  # on a town's point, still no town
        before = doc_text(self.doc)[max(0, ent.start_char - 60) : ent.start_char]
        mention = PlaceMention(text, ent.start_char, ent.end_char, ent.start, ent.end, place, candidates)
        mention.specific = place is not None and not candidates
        # "(Oyam, Northern)": context, not the scene; nor is a continent
        mention.anchor_only = inside is not None or (place is not None and place.feature == "region")
        mention.coded = bool(_CODED.search(before))
        return mention

    def _bare_unit_name(self, text: str) -> str:
        """ "Dubrajpur tehsil", "Bama LGA", "Mingin township": a unit the gazetteer knows only by its bare
        name, which is mostly also its seat town's; other names as written."""
        bare = _STRIP_LEVEL.sub("", text).strip()
        if not bare or bare == text or self.gazetteer.contains(text) or not self.gazetteer.contains(bare):
            return text
        key = normalize_name(bare)
        if any(
            c.feature in ("admin1", "country") and normalize_name(c.name) == key
            for c in self.gazetteer.lookup(bare, limit=10)
        ):
            return text  # "Washington Township" is no part of Washington state
        return bare

    def _site_in_town(self, text: str, known: AdminContext | None) -> tuple[list[Candidate], bool]:
        """One entity the NER made of a site and its town, which the gazetteer does not know as a whole:
        "Ossining High School in Ossining (New York)", "El Crucero of Tineo (Asturias)", "Vuhlehirsk Thermal
        Power Plant near Svitlodarsk, Donetsk". The town after the last "in", "at", "of" or "near" places it,
        inside the bracket's province when there is one (then whether the site is only near it)."""
        found = _SITE_IN_TOWN.search(text)
        # "the Gulf of Aden", "the Bay of Bengal": "of" a town only inside a bracket's unit
        if found is None or (found.group("prep").lower() == "of" and known is None):
            return [], False
        iso3 = known.iso3 if known is not None else self.focus_iso3
        if iso3 is None:
            return [], False
        towns = [
            c
            for c in self.gazetteer.lookup(found.group("town"), iso3, limit=20, strict=True)
            if c.feature == "city"
            and (known is None or known.admin1 is None or c.admin1 == known.admin1.name)
        ]
        return towns[:1], found.group("prep").lower() == "near"

    @staticmethod
    def _moved_town(text: str, candidates: list[Candidate], unit: Candidate) -> list[Candidate]:
        """A sizeable town of the very name, in the named unit's country but filed by GeoNames under a
        neighbouring unit: "Sorong city (West Papua)" after Southwest Papua was carved out of West Papua.
        Boundaries move; a town of `_MOVED_TOWN` people stays where it is, not far from the unit."""
        return [
            c
            for c in candidates
            if c.feature == "city"
            and c.population >= _MOVED_TOWN
            and normalize_name(c.name) == normalize_name(text)
            and c.latitude is not None
            and unit.latitude is not None
            and haversine_km(c.latitude, c.longitude, unit.latitude, unit.longitude) <= _MOVED_TOWN_KM
        ][:1]

    def _place_unknown_inside_known(self) -> None:
        """An unknown place followed, in its sentence, by the place it lies in ("the neighbourhood of
        Al-Bayaa in Baghdad", "Jumla village in Afrin countryside"): it stands on that point, at
        precision 2 (a town or district) or 3 (a province), under its own name."""
        text = doc_text(self.doc)
        for i, m in enumerate(self.mentions):
            if m.place is not None and not self._far_part_of_next(m, i, text):
                continue
            for other in self.mentions[i + 1 : i + 3]:
                gap = text[m.end : other.start]
                if (
                    other.place is None
                    or other.place.latitude is None
                    or len(gap) > 40
                    or "\n" in gap
                    or not re.fullmatch(r"[\w\s\-]*?(?:\bin|\bof|,)\s+(?:the\s+)?(?:\w+\s+){0,2}", gap)
                    or other.place.feature == "country"
                ):
                    continue
                p = dataclasses.replace(other.place)
                p.name = m.text
                p.geo_precision = 3 if other.place.feature == "admin1" else 2
                p.evidence = Evidence(m.start, m.end, text[m.start : m.end])
                m.place, m.specific = p, True
                break

    def _coded_by_named(self) -> None:
        """ "in Dalian city, Liaoning (coded to Xigang)", "on the island of Ithaca [coded to Vathy]": the
        place ACLED codes to lies at the place the text has just named. A namesake far from it is the wrong
        one: its namesake near the named place is taken, else it stands on the named place's point
        (precision 2) under its own name."""
        text = doc_text(self.doc)
        for i, m in enumerate(self.mentions):
            if not m.coded or i == 0 or m.place is None or m.place.latitude is None:
                continue
            # the town named last before it ("Liaoning" in "Dalian city, Liaoning" is its province)
            prev = next(
                (
                    o
                    for o in reversed(self.mentions[max(0, i - 3) : i])
                    if o.place is not None
                    and o.place.latitude is not None
                    and o.place.feature in ("city", "admin2")
                ),
                None,
            )
            if prev is None or prev.place is None:
                continue
            gap = text[prev.end : m.start]
            if (
                len(gap) > 50
                or re.search(r"[\n.;]", gap)
                or prev.place.iso3 != m.place.iso3  # one of the two is a namesake abroad: no telling which
                or not self._far(m, prev)
            ):
                continue
            # a name the gazetteer lacks (`specific`, on its province's middle) is better placed by the town;
            # a resolved one is doubted only when nothing vouches for it
            if not m.specific and (
                m.start in self.contexts  # "coded as Olympia (Washington)": its own bracket places it
                # a name the gazetteer knows once, or a city of millions ("around Rechytsa [coded to
                # Minsk]": the capital), is itself; the text's place may be the namesake
                or len(m.candidates) < 2
                or m.candidates[0].population >= 1_000_000
            ):
                continue
            own = self.contexts.get(m.start)
            if (
                m.specific
                and own is not None
                and own.admin2 is not None
                and prev.place.admin2 != own.admin2.name
            ):
                # "Mukayras (coded to Wadi Bana) (Qaatabah)": its own district places it, not a town outside
                continue
            assert prev.place.latitude is not None and prev.place.longitude is not None
            near = [
                c
                for c in m.candidates
                if c.latitude is not None
                and haversine_km(c.latitude, c.longitude, prev.place.latitude, prev.place.longitude)
                <= _NEAR_UNIT_KM
            ]
            if near:
                p = near[0].to_place(geo_precision=m.place.geo_precision, evidence=m.place.evidence)
                p.name = m.place.name
            else:
                p = dataclasses.replace(prev.place, name=m.text, geo_precision=2)
                p.evidence = m.place.evidence
                m.specific = True
            m.place = p

    def _hamlet_outside_bracket(self) -> None:
        """ "in the rural area of Matinha municipality (Maranhao), a man was shot in Olho d'Agua village": a
        sentence that places its town with an admin bracket is about that province. A hamlet of another
        province that shares a name written in the same sentence without a bracket of its own is a namesake
        of a place the gazetteer lacks there: it stands on the bracketed town's point (precision 2)."""
        text = doc_text(self.doc)
        for m in self.mentions:
            if (
                m.place is None
                or m.place.feature != "city"
                or m.place.geo_precision != 1
                or m.anchor_only
                or m.coded
                or m.start in self.contexts
                or not m.candidates
                or m.candidates[0].population >= _HAMLET
            ):
                continue
            if not re.search(r"\b(?:in|at|near)\s+(?:the\s+)?$", text[max(0, m.start - 10) : m.start]):
                continue  # only where something happened: "a Hanover man" is where he is from
            span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            lo, hi = span.sent.start_char, span.sent.end_char
            holder = next(
                (
                    o
                    for o in self.mentions
                    if o is not m
                    and lo <= o.start < hi
                    and o.place is not None
                    and o.place.feature == "city"
                    and o.place.iso3 == m.place.iso3
                    and (ctx := self.contexts.get(o.start)) is not None
                    and not ctx.listed
                    and _BRACKET_AFTER.match(text, o.end) is not None  # the bracket, not "Montpelier, Vt."
                    and ctx.admin1 is not None
                    and o.place.admin1 == ctx.admin1.name
                ),
                None,
            )
            if holder is None or holder.place is None or holder.place.admin1 == m.place.admin1:
                continue
            if not self._far(m, holder):
                continue
            p = dataclasses.replace(holder.place, name=m.text, geo_precision=2)
            p.evidence = m.place.evidence
            m.place, m.specific = p, True

    def _far_part_of_next(self, m: PlaceMention, i: int, text: str) -> bool:
        """ "the Mount Hope neighborhood of San Diego": a part the text puts inside the next place, that the
        gazetteer placed far from it (a namesake elsewhere), is placed like an unknown part."""
        if i + 1 >= len(self.mentions) or m.place is None or m.place.latitude is None:
            return False
        if m.place.feature in ("country", "region"):
            return False  # "the US consulate in St. Petersburg": the country owns the site, it is no part
        other = self.mentions[i + 1]
        gap = text[m.end : other.start]
        part_of = _part_of_gap().fullmatch(gap)
        if other.place is None or other.place.latitude is None:
            return False
        if part_of is None:
            # "Holyrood in Edinburgh", "the Dam in Amsterdam": a name in a town is a part of that town
            # whatever its kind; a namesake the gazetteer puts elsewhere is not it
            return bool(_HELD_GAP.fullmatch(gap)) and other.place.feature == "city" and self._far(m, other)
        if part_of.group("site") and other.place.feature != "city":
            return False  # "the school in Raqqa province": a site is placed by its town, not a province
        if other.place.feature == "admin1":
            # a province is wider than a town's neighbourhood: "the Kramatorsk district of Donetsk region"
            # lies 70 km from the province's middle, yet in it
            return (m.place.iso3, m.place.admin1) != (other.place.iso3, other.place.admin1)
        return self._far(m, other)

    @staticmethod
    def _far(m: PlaceMention, other: PlaceMention) -> bool:
        """Whether the two placed mentions lie farther apart than a part may lie from its whole."""
        assert m.place is not None and other.place is not None
        km = haversine_km(m.place.latitude, m.place.longitude, other.place.latitude, other.place.longitude)
        return km > _NEAR_UNIT_KM

    def _mark_references(self) -> None:
        """ "Taji, just north of Baghdad", "Potocari, a village near Srebrenica": the second place only
        locates the first."""
        text = doc_text(self.doc)
        for i, m in enumerate(self.mentions):
            if i == 0 or m.anchor_only:
                continue
            before = text[max(0, m.start - 60) : m.start]
            ref = _REFERENCE_BEFORE.search(before)
            if ref is None:
                continue
            prev = self.mentions[i - 1]
            gap_start = max(0, m.start - 60) + ref.start()
            if prev.place is not None and _REFERENCE_GAP.fullmatch(text[prev.end : gap_start]):
                m.anchor_only = True
                if (
                    m.place is not None
                    and m.place.feature == "city"
                    and m.place.latitude is not None
                    and prev.place.latitude is not None
                    and (prev.specific or self._far(prev, m))
                ):
                    # "the Siverskyi Donets River near Bilohorivka", "Kafr Nabl, near Maarrat": a place the
                    # gazetteer lacks (standing on its province's middle) or knows only as a namesake far
                    # away is where the text puts it, by the town (precision 2)
                    p = dataclasses.replace(m.place, name=prev.text, geo_precision=2)
                    p.evidence = prev.place.evidence
                    prev.place, prev.specific = p, True

    def _apply_relative_phrases(self) -> None:
        """'X, some 30 km south of Mosul': X gets the offset point; the anchor keeps its own."""
        text = doc_text(self.doc)
        for i, anchor in enumerate(self.mentions):
            if anchor.place is None or anchor.place.latitude is None:
                continue
            before = text[max(0, anchor.start - 90) : anchor.start]
            m = _RELATIVE.search(before)
            if m is None:
                continue
            km = float(m.group("dist").replace(",", ".")) * _UNIT_KM[m.group("unit").lower()]
            bearing = BEARINGS.get(m.group("dir").lower().replace(" ", "-"))
            if bearing is None:
                continue
            lat, lon = offset_point(anchor.place.latitude, anchor.place.longitude, km, bearing)  # type: ignore[arg-type]
            phrase_start = max(0, anchor.start - 90) + m.start()
            named = self._named_place_before(phrase_start, i)
            anchor.anchor_only = True
            rel = Place(
                name=named.text if named else f"{m.group(0).strip()} {anchor.text}",
                latitude=round(lat, 5),
                longitude=round(lon, 5),
                country=anchor.place.country,
                iso3=anchor.place.iso3,
                admin1=anchor.place.admin1,
                admin2=anchor.place.admin2,
                feature="relative",
                geo_precision=2,
                anchor=anchor.text,
                evidence=Evidence(
                    named.start if named else phrase_start,
                    anchor.end,
                    text[named.start if named else phrase_start : anchor.end],
                ),
            )
            if named is not None:
                # a gazetteer hit for the named place wins only when it agrees with the stated offset
                if (
                    named.place is not None
                    and named.place.latitude is not None
                    and haversine_km(named.place.latitude, named.place.longitude, lat, lon)
                    < max(15.0, km * 0.5)
                ):  # type: ignore[arg-type]
                    continue
                named.place = rel
                named.relative = True
            else:
                self.mentions.append(
                    PlaceMention(
                        rel.name,
                        phrase_start,
                        anchor.end,
                        anchor.token_start,
                        anchor.token_end,
                        rel,
                        [],
                        relative=True,
                    )
                )
        self.mentions.sort(key=lambda m: m.start)

    def _named_place_before(self, phrase_start: int, anchor_index: int) -> PlaceMention | None:
        """The place named right before a relative phrase: 'Ain Nasir, some 30 km ...'."""
        for m in reversed(self.mentions[:anchor_index]):
            gap = doc_text(self.doc)[m.end : phrase_start]
            if len(gap) <= 3 and gap.strip() in ("", ",", "-", "–"):
                return m
        return None

    # -- choosing the event's place ------------------------------------------------------------------
    def in_sentence(self, sent: Span, resolved_only: bool = True) -> list[PlaceMention]:
        return [
            m
            for m in self.mentions
            if sent.start_char <= m.start < sent.end_char
            and (m.place is not None or not resolved_only)
            and not m.anchor_only
        ]

    def for_event(
        self, sent: Span, trigger: Token, resolved_only: bool = True, attached_only: bool = False
    ) -> PlaceMention | None:
        """The place where the event happened, among the sentence's places; with `resolved_only` false, a
        name the gazetteer cannot place competes too (the span is the answer, not the point); with
        `attached_only`, only places the parse attaches to the event's word (see `_attached`)."""
        if not attached_only:
            sent = self._whole_sentence(sent)
        candidates = [m for m in self.in_sentence(sent, resolved_only) if not self._not_a_scene(m)]
        if attached_only:
            candidates = [m for m in candidates if self._attached(m, trigger)]
        if not candidates:
            return None

        def score(m: PlaceMention) -> float:
            place = m.place
            s = 0.0
            feature = "specific" if m.specific or place is None else place.feature
            s += {
                "relative": 3.0,
                "specific": 2.6,
                "city": 2.5,
                "admin2": 1.5,
                "admin1": 1.0,
                "country": 0.0,
            }.get(feature, 1.0)
            if self._coded_here(m):
                s += 5.0  # ACLED's own "coded to X"
            if (
                place is not None
                and place.feature == "city"
                and _CITY_DASH_PART.match(doc_text(self.doc), m.end)
            ):
                s += _CITY_DISTRICT_FORM  # ACLED's location name "Lyon - Centre": where it codes the event
            before = doc_text(self.doc)[max(sent.start_char, m.start - 25) : m.start].lower()
            if re.search(r"\b(in|at|near|outside|of|around)\s+(?:the\s+)?(?:\w+\s+)?$", before):
                s += 1.0
            if re.search(r"\b(to|towards|toward|from|into)\s+(?:the\s+)?$", before):
                s -= 1.5  # where someone went or came from is not where it happened
            s -= abs(m.start - trigger.idx) / 400.0  # closer to the trigger is likelier
            if _OPENING_PLACE.fullmatch(doc_text(self.doc)[sent.start_char : m.start]):
                s += 0.75  # "On 25 January, in Chilpancingo, students of a school in Ayotzinapa marched"
            if self._in_subject(m, trigger):
                s -= 1.0  # "students of the school in Ayotzinapa marched": who acted, not where
            if _FOR_A_CAUSE.search(doc_text(self.doc)[sent.start_char : m.start]):
                s -= 2.0  # "gathered in Aktobe in support of demonstrations in Zhanaozen": the cause's place
            if any(self._contains(m, other) for other in candidates if other is not m):
                s -= 2.0  # "Sadr city in eastern Baghdad", "Syria's Aleppo province": the inner place
            # "demonstrated in Artuklu to protest femicides that occurred in Silopi": each relative clause
            # between the place and the event's word tells of another happening
            s -= _RELATIVE_CLAUSE_STEP * self._relative_clauses_between(m, trigger)
            return s

        return max(candidates, key=score)

    def _whole_sentence(self, sent: Span) -> Span:
        """`sent` with the pieces the parser cut off it mid-sentence: the small model often ends a sentence
        at a closing bracket ("On 21 May, in the village of Pekon township (coded as Pekon) | (Taunggyi
        district), fighting broke out"), which leaves the place in one piece and the event's word in the
        next. A piece that does not end in a full stop (or ! ?) runs on into the next, within its line."""
        doc = self.doc
        start, end = sent.start, sent.end
        while start > 0 and _runs_on(doc, start):
            start = doc[start - 1].sent.start
        while end < len(doc) and _runs_on(doc, end):
            end = doc[end].sent.end
        return sent if (start, end) == (sent.start, sent.end) else doc[start:end]

    def _coded_here(self, m: PlaceMention) -> bool:
        """Whether `m` is a place ACLED says it coded the event to. ACLED codes to towns and villages of the
        text's country: "[coded to Anyang]" in a South Sudanese note is a village the gazetteer lacks, not the
        Chinese city of millions. (A small town abroad is kept: the text's other names may be the namesakes,
        "Ha-Letsoela village, Berea district [coded to Teyateyaneng]".)"""
        if not m.coded or m.place is None:
            return False
        abroad = self.focus_iso3 is not None and m.place.iso3 not in (None, self.focus_iso3)
        return not (abroad and m.candidates and m.candidates[0].population >= _CITY_ABROAD)

    def coded_elsewhere(self, sent: Span) -> PlaceMention | None:
        """The one place the text says the event is coded to ("... Coded as Kut city."), named outside the
        event's own sentence; None when there is none, or several different ones (then each belongs to its
        own part of the text)."""
        sent = self._whole_sentence(sent)
        text = doc_text(self.doc)
        coded = [
            m
            for m in self.mentions
            if self._coded_here(m)
            and not m.anchor_only
            and not (sent.start_char <= m.start < sent.end_char)
            # "(fatalities coded to Novotroitske event)": where another event is coded, not this one
            and not _OTHER_EVENT.search(text[max(0, m.start - 60) : m.start] + "|" + text[m.end : m.end + 40])
        ]
        names = {m.place.name for m in coded}  # type: ignore[union-attr]
        return coded[0] if len(names) == 1 else None

    def _contains(self, outer: PlaceMention, inner: PlaceMention) -> bool:
        """Whether the text puts `inner` inside `outer`: "Jumla village in Afrin", "Khanasir town in the
        southern countryside of Aleppo", "the Ghat area of Doda district" (the outer place after "in", or
        after "of" when a level word or a country says it is the larger unit), or "Syria's Aleppo
        province", "the Baghdad neighbourhood of Al-Bayaa", "the Belarus capital Minsk" (the outer place
        modifies the phrase that holds the inner one)."""
        text = doc_text(self.doc)
        if (
            outer.place is not None
            and inner.place is not None
            and outer.place.feature not in ("country", "admin1")
            and outer.place.latitude is not None
            and inner.place.latitude is not None
            and haversine_km(
                outer.place.latitude, outer.place.longitude, inner.place.latitude, inner.place.longitude
            )  # type: ignore[arg-type]
            > _NEAR_UNIT_KM
        ):
            return False  # the gazetteer put the inner name far from the town: a namesake, the town is surer
        if text[min(outer.end, inner.end) : max(outer.start, inner.start)].strip() == "-":
            return False  # ACLED's "Sao Paulo - South Zone": one name of the city and its district
        if inner.end <= outer.start:
            gap = _CONTAINER_GAP.fullmatch(text[inner.end : outer.start])
            if gap is not None:
                if gap.group("prep").lower() == "in":
                    return True
                larger = outer.place is not None and outer.place.feature in ("country", "admin1")
                return larger or _REGION_AFTER.match(text[outer.end : outer.end + 30]) is not None
        if outer.end <= inner.start:
            outer_span = self.doc.char_span(outer.start, outer.end, alignment_mode="expand")
            inner_span = self.doc.char_span(inner.start, inner.end, alignment_mode="expand")
            if outer_span is None or inner_span is None:
                return False
            tok = outer_span.root
            possessive = tok.dep_ == "poss"
            for _ in range(4):
                if tok.dep_ not in ("compound", "poss", "nmod", "amod") or tok.head.i == tok.i:
                    break
                tok = tok.head
            if tok.i in range(outer_span.start, outer_span.end):
                return False
            if tok.i in range(inner_span.start, inner_span.end):
                return True  # "the Belarus capital Minsk", "Jerusalem's Old City"
            if not possessive and not _scene_noun(tok) and tok.lower_ not in _PLACE_HEADS:
                return False  # "the Tuwaitha plant outside Baghdad": no part of Tuwaitha is named
            # the inner place names the part the outer one modifies: "neighbourhood of Al-Bayaa",
            # "Syria's Aleppo province" (not a place near it: "Albuhrat neighborhood near Fallujah")
            up = inner_span.root
            for _ in range(4):
                if up.head.i == tok.i:
                    return up.dep_ in _NAMING_DEPS or (up.dep_ == "prep" and up.lower_ == "of")
                if not (up.dep_ in _NAMING_DEPS or (up.dep_ == "pobj" and up.head.lower_ == "of")):
                    return False
                up = up.head
        return False

    def _relative_clauses_between(self, m: PlaceMention, trigger: Token) -> int:
        """How many relative clauses ("cases that occurred in X") the parse passes through going up from the
        place until it reaches the event's word or one of the words that govern it."""
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            return 0
        governing = {trigger.i, *(t.i for t in trigger.ancestors)}
        tok, clauses = span.root, 0
        for _ in range(16):
            if tok.i in governing or tok.head.i == tok.i:
                break
            if tok.dep_ == "relcl" and tok.pos_ in ("VERB", "AUX"):
                clauses += 1
            tok = tok.head
        return clauses

    def _in_subject(self, m: PlaceMention, trigger: Token) -> bool:
        """Whether the place sits inside the trigger's subject phrase, below its head noun ("residents of
        the camp in Jenin protested")."""
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            return False
        tok = span.root
        for _ in range(8):
            if tok.head.i == tok.i or tok.i == trigger.i:
                return False
            if tok.head.i == trigger.i:
                return tok.dep_ in ("nsubj", "nsubjpass") and tok.i not in range(span.start, span.end)
            tok = tok.head
        return False

    def _attached(self, m: PlaceMention, trigger: Token) -> bool:
        """Whether the parse links the place to the event's word without passing through a clause or an
        aside of its own: "was shot in an ambush north of Karbala" yes; "Kupczyk, an officer in the Baltic
        Sea port, was shot" no (an apposition); "the killing spree at Srebrenica" for "were captured" no.
        A place whose clause governs the event's word ("In Samarra, a merchant was killed") counts too."""
        if self._dateline(m):
            return False  # "KABUL -- Gunmen shot ...": where the report was filed, outside the sentence
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            return True
        tok = span.root
        for _ in range(12):
            if tok.i == trigger.i:
                return True
            if tok.dep_ in ("prep", "agent") and tok.lower_ in not_scene_prepositions():
                return False  # "according to sources in X", "protested against the raid on X"
            if tok.dep_ == "advcl" and _separate_clause(tok):
                return False  # "..., while a protest took place outside the Green Zone"
            if tok.dep_ == "appos" and (_scene_noun(tok.head) or tok.head.lower_ in _PLACE_HEADS):
                tok = tok.head  # "in the capital, Baku": the name is the place noun it explains
                continue
            if tok.dep_ in _ASIDE_DEPS or tok.head.i == tok.i:
                break
            tok = tok.head
        # the event's word below the place's own head: "In Samarra, ... was killed" (the place hangs off
        # the root, the event's word is the root or close under it)
        root = span.root
        while root.head.i != root.i and root.dep_ not in _ASIDE_DEPS:
            root = root.head
        up = trigger
        for _ in range(4):
            if up.i == root.i:
                return True
            if up.head.i == up.i:
                break
            up = up.head
        return False

    def _dateline(self, m: PlaceMention) -> bool:
        """Whether the place is a dateline's: written in capitals at the head of its paragraph, after at
        most a capitalised slug, and followed by a dash or a colon ("MEXICO CITY -- ", "GAZA, Palestine:")."""
        text = doc_text(self.doc)
        line_start = text.rfind("\n", 0, m.start) + 1
        head = text[line_start : m.start]
        return (
            m.text.isupper()
            and not any(c.islower() for c in head)
            and _DATELINE_AFTER.match(text[m.end : m.end + 40]) is not None
        )

    def _topic_country(self, m: PlaceMention, span: Span) -> bool:
        """A country named as what an act is about or aimed at, not where it happened: "the war of Russia
        against Ukraine", "solidarity with Ukraine", "the war in Ukraine". A protest against the war happens
        elsewhere, and the event takes the text's own town. Only when the text has one: "killed in the war
        in Syria" alone says where. ("The battlefields of Afghanistan" are in it: a plain "of" is no
        topic.)"""
        if m.place is None or m.place.feature != "country" or span.start == 0:
            return False
        i = span.start - 1
        if self.doc[i].lower_ == "the" and i > 0:
            i -= 1
        word = self.doc[i].lower_
        topic = word in _AIMED_AT or (word in ("of", "in") and _topic_before(self.doc, i))
        return topic and any(
            o.place is not None and not o.anchor_only and o.place.feature not in ("country", "region")
            for o in self.mentions
        )

    def _not_a_scene(self, m: PlaceMention) -> bool:
        """A place named as an origin ("a driver from Abidjan", "Ana Ruiz of Peru"), as a modifier of a noun
        ("Seville fans", "Mexico's army", "U.S. forces") or as the subject acting ("Eritrea captured Badme"),
        with each conjoined subject ("the US and Britain weighed")."""
        before = doc_text(self.doc)[max(0, m.start - 12) : m.start].lower()
        if re.search(r"\bfrom\s+(?:the\s+)?$", before):
            return True
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or m.relative or m.coded:
            return False
        if self._topic_country(m, span):
            return True
        if _CITY_DASH_PART.match(doc_text(self.doc), m.end):
            return False  # ACLED's "Chisinau - Buiucani": the city and its district, one scene
        root = span.root
        if (
            span.end + 1 < len(self.doc)
            and self.doc[span.end].lower_ in ("'s", "’s")
            and self.doc[span.end + 1].ent_type_ == "PERSON"
        ):
            return True  # "England's Dan Wheldon", however the parse attaches it: where a person is from
        head = root.head
        before_of = self.doc[head.i - 1] if head.i > 0 else head
        if before_of.text == "," and head.i > 1:
            before_of = self.doc[head.i - 2]
        if root.dep_ == "pobj" and head.lower_ == "of" and before_of.ent_type_ == "PERSON":
            return True  # "Steve Omischl of Canada", "Ana Ruiz, of Peru": where a person is from
        if (
            root.dep_ in ("compound", "amod", "poss", "nmod")
            and head.i >= span.end
            and head.pos_ in ("NOUN", "PROPN")
        ):
            ctx = self.contexts.get(m.start)
            if ctx is not None and ctx.start <= head.idx < ctx.end:
                return False  # "Ti-n-Agadel (Markoye, Oudalan)": the parse hangs the name on its own bracket
            # "Homs province", "Aleppo countryside", "Minakulu sub-county" name a place; "Seville fans" do not
            next_word = re.match(r"\s*(?:sub-?)?(\w+)", doc_text(self.doc)[m.end : m.end + 30])
            if next_word is not None and next_word.group(1).lower() in _PLACE_HEADS:
                return False
            if _scene_noun(head):
                return False  # "the Baghdad headquarters", "Grozny's streets": a site of the place
            if head.lower_ in operation_nouns() or head.lemma_.lower() in operation_nouns():
                return False  # "killed in the Manbij campaign": where it was fought
            if root.dep_ == "poss" and head.dep_ == "pobj" and head.head.lower_ in _SCENE_WORDS:
                return False  # "killed in Syria's conflict": the phrase after "in" is where
            return head.lower_ not in _PLACE_HEADS and head.ent_type_ not in ("GPE", "LOC", "FAC")
        first = root
        while first.dep_ == "conj" and first.head.i != first.i and first.head.pos_ in ("PROPN", "NOUN"):
            first = first.head  # "the United States and Britain weighed": each conjunct is a subject
        return first.dep_ == "nsubj" and first.head.pos_ in ("VERB", "AUX")

    def event_place(self, mention: PlaceMention) -> Place | None:
        """The place an event is coded to. ACLED codes an event that the text places only in a province
        (geo_precision 3) to the province's capital, not to its middle; the town the province is named
        after, inside it, stands for that capital ("Kharkiv region": the city of Kharkiv), else its biggest
        town. The place keeps its name and precision; any other place is its own point."""
        place = mention.place
        if place is None or mention.specific or mention.relative or place.feature not in ("admin1", "admin2"):
            return place
        town = self._namesake_town(place)
        if place.feature == "admin2":
            # likewise a district-level event ("shelled the Kramatorsk district") to the district's namesake
            # town; a district without one keeps its own point
            return (
                place
                if town is None
                else dataclasses.replace(place, latitude=town.latitude, longitude=town.longitude)
            )
        if town is None and place.iso3 and place.admin1:
            # lacking one, the province's biggest town, which is mostly its capital ("Anbar": Ramadi)
            town = self.gazetteer.biggest_town(place.iso3, place.admin1)
        if town is None:
            return place
        return dataclasses.replace(place, latitude=town.latitude, longitude=town.longitude)

    def _namesake_town(self, province: Place) -> Candidate | None:
        """The biggest town inside `province` (or district) that bears its name."""
        name = _STRIP_LEVEL.sub("", province.name).strip() or province.name  # "Rutshuru Territory"
        key = normalize_name(name)
        towns = [
            c
            for c in self.gazetteer.lookup(name, province.iso3, limit=20, strict=True)
            if c.feature == "city"
            and c.latitude is not None
            and normalize_name(c.name) == key
            and c.admin1 == province.admin1
        ]
        return max(towns, key=lambda c: c.population) if towns else None

    def main_place(self) -> PlaceMention | None:
        """The document's most named specific place: the fallback for events whose sentence names none.
        A town inside another name ("the Hakkari Governor's office") serves when nothing else does."""
        specific = [
            m
            for m in self.mentions
            if m.place is not None and m.place.feature in ("city", "relative") and not m.anchor_only
        ] or [
            m
            for m in self.mentions
            if m.place is not None
            and m.place.feature == "city"
            and (self.focus_iso3 is None or m.place.iso3 == self.focus_iso3)
        ]
        if not specific:
            return None
        counts = Counter(m.place.name for m in specific)  # type: ignore[union-attr]
        name = counts.most_common(1)[0][0]
        return next(m for m in specific if m.place.name == name)  # type: ignore[union-attr]


# What may stand between a place and the phrase that locates it: "Taji, just north of", "Potocari, a village
# near" ("Gdansk, was shot in an ambush near Karbala" is no such pair).
_REFERENCE_GAP = re.compile(
    r"[\s,]*(?:(?:a|an|the)\s+(?:[\w'-]+\s+){0,2}(?:village|town|city|area|district|suburb|neighbou?rhood|camp"
    r"|settlement|base|hamlet)\s*)?[\s,]*"
)

# What stands between a place and the larger place holding it: "Jumla village in Afrin", "Tel Birak, in",
# "Khanasir town in the southern countryside of", "the Ghat area of" (lower-case words only: no name, no
# clause of its own between them).
_CONTAINER_GAP = re.compile(
    r"(?:\s+(?:villages?|towns?|city|district|area|neighbou?rhood|camp|quarter|suburb|school|base|square))?"
    r"\s*,?\s*(?P<prep>in|of)\s+(?:the\s+)?(?:[a-z][\w'-]*\s+){0,3}",
)

# What follows a dateline's place: an optional ", Country", then its dash or colon.
_DATELINE_AFTER = re.compile(r"\s*(?:,\s*[A-Za-z][\w .]{0,30}?)?\s*(?:--|—|–|:)")

# How a name hangs from the noun of the part it names: "Aleppo province". (Not an apposition: in "Kan Hpyu
# village, Wetlet township" the township is another, larger unit.)
_NAMING_DEPS = frozenset(("compound", "nmod", "amod"))

# Dependencies that open an aside or a clause of its own: a place under one is not the event's.
_ASIDE_DEPS = frozenset(("appos", "relcl", "acl", "ccomp", "parataxis"))
# What each relative clause between a place and the event's word costs the place as the event's scene.
# (Adverbial, purpose and complement clauses were measured too and cost more rows than they gained: "fired
# at militants attempting to cross at Lam (Rajouri district)" is one scene.)
_RELATIVE_CLAUSE_STEP = 1.0

# Entity labels that may hold a toponym: "Russian" (NORP), "Air Zimbabwe" (ORG), "Tamil Nadu" (a PERSON to
# the small model), and places the actor dictionary claimed ("Hezbollah" no, but "Kurdistan Region" yes).
_EMBEDDING_LABELS = frozenset(("NORP", "ORG", "PERSON", "FAC", "EVENT", "PRODUCT", "GPE", "LOC", "LANGUAGE"))


def _runs_on(doc: Doc, i: int) -> bool:
    """Whether the sentence break before token `i` cuts a sentence: the text before it does not end in a
    full stop, question or exclamation mark (quotes and brackets after one allowed) and no line break
    stands between them."""
    before = doc_text(doc)[doc[i - 1].sent.start_char : doc[i].idx]
    if "\n" in before[len(before.rstrip(" \t")) :] or "\n" in doc[i - 1].text_with_ws:
        return False
    return re.search(r"[.!?][\"'’”)\]]*\s*$", before) is None


def _name_windows(ent: Span) -> list[tuple[int, int]]:
    """Token windows of `ent`, longest first, then leftmost: "Toronto Police Service" tries the whole name,
    then "Toronto Police", "Police Service", then "Toronto" ..."""
    out = []
    for size in range(min(len(ent), 3), 0, -1):
        for start in range(ent.start, ent.end - size + 1):
            out.append((start, start + size))
    return out


# Nouns that a place name may modify and still be the place: "Homs province", "Aleppo countryside".
_PLACE_HEADS = frozenset(
    ("province", "governorate", "district", "region", "state", "county", "city", "town", "village",
     "township", "area", "countryside", "outskirts", "suburbs", "suburb", "neighbourhood", "neighborhood",
     "municipality", "camp", "border", "axis", "front", "frontline", "line", "road", "highway", "airport",
     "port", "base", "coast", "desert", "badia", "valley", "mountains", "island", "islands", "strip", "bank",
     "sea", "river")
) | _note_words("unit")  # fmt: skip


@lru_cache(maxsize=1)
def scene_nouns() -> frozenset[str]:
    """Sites and parts of a place (data/scene_nouns.txt): a place name modifying one is still a scene."""
    return frozenset(word for word, *_ in rows("scene_nouns.txt"))


@lru_cache(maxsize=1)
def operation_nouns() -> frozenset[str]:
    """Operations and fights (data/operation_nouns.txt): a place name modifying one is their scene."""
    return frozenset(word for word, *_ in rows("operation_nouns.txt"))


@lru_cache(maxsize=1)
def not_scene_prepositions() -> frozenset[str]:
    """Prepositions whose phrase names no scene of the event (data/not_scene_prepositions.txt)."""
    return frozenset(word for word, *_ in rows("not_scene_prepositions.txt"))


@lru_cache(maxsize=1)
def separate_clause_marks() -> frozenset[str]:
    """Conjunctions of a clause about another happening (data/separate_clause_marks.txt)."""
    return frozenset(word for word, *_ in rows("separate_clause_marks.txt"))


def _separate_clause(verb: Token) -> bool:
    """Whether the adverbial clause headed by `verb` tells of another happening: opened by "while", "as"
    ... and with a subject of its own."""
    children = list(verb.children)
    return any(c.dep_ == "mark" and c.lower_ in separate_clause_marks() for c in children) and any(
        c.dep_ in ("nsubj", "nsubjpass", "expl") for c in children
    )


def _scene_noun(tok: Token) -> bool:
    """Whether `tok` names a site or a part of a place, as written or by its lemma ("streets")."""
    words = scene_nouns()
    return tok.lower_ in words or tok.lemma_.lower() in words


# What stands between a place and the province that holds it: "Nawa city in Daraa", "Saida town, in".
_CONTAINED_GAP = re.compile(
    r"\s+(?:(?:city|town|village|district|neighbou?rhood|area|camp|sub-?district|municipality|township)\s+)?"
    r"(?:,\s*)?(?:in|of)\s+(?:the\s+)?|\s*,\s*",
    re.I,
)
# A phrase naming what an act is for, up to the place in the same clause: "in support of the strikers in",
# "in honour of the victims of the Khartoum massacre", "in solidarity with". Its places are the cause's.
_FOR_A_CAUSE = re.compile(
    r"\bin\s+(?:support|solidarity|honou?r|memory|commemoration)\s+(?:of|with)\b[^.;:()]*$", re.I
)
# The word before a place name: a scene ("in Poitiers") or a topic ("the invasion of Ukraine").
_SCENE_WORDS = frozenset(("in", "at", "near", "outside", "around", "inside"))
_TOPIC_WORDS = frozenset(
    ("of", "with", "to", "against", "for", "on", "from", "toward", "towards", "by", "over")
)


def _topic_before(doc: Doc, i: int) -> bool:
    """Whether the "in" at token `i` closes a topic's phrase: "the war in", "the war of Russia in", "the
    Russian invasion in": a topic noun among the few words before it, with no verb or punctuation between."""
    for tok in reversed(doc[max(0, i - _TOPIC_REACH) : i]):
        if tok.lemma_.lower() in _TOPIC_NOUNS:
            return True
        if tok.is_punct or tok.pos_ in ("VERB", "AUX"):
            return False
    return False


def _slot_word(ent: Span) -> str:
    """The word before `ent`, lower case; "of" only when it is no place's "of" ("the town of Bria"); "in"
    after a topic ("against the war in Ukraine") counts as "of": the place is what the story is about."""
    if ent.start == 0:
        return ""
    word = ent.doc[ent.start - 1].lower_
    if word == "the" and ent.start > 1:
        word = ent.doc[ent.start - 2].lower_
    if word == "in" and _topic_before(ent.doc, ent.start - 1):
        return "of"
    if word == "of" and ent.start > 1:
        head = ent.doc[ent.start - 2].lower_
        if head in _PLACE_HEADS or head in (
            "north",
            "south",
            "east",
            "west",
            "outskirts",
            "centre",
            "center",
        ):
            return "in"
    return word


# A place that opens the sentence, after at most two short framing phrases ("On 3 May 2022, overnight, in
# X,"): like an opening date, it frames everything the sentence reports.
_OPENING_PLACE = re.compile(r"(?:[^,.;]{0,45},\s*){0,2}in\s+(?:the\s+)?", re.I)

# A town this big, of the very name, that GeoNames files under a unit next to the named one, and how far
# from the named unit's point it may lie (`_moved_town`).
_MOVED_TOWN = 50_000
_MOVED_TOWN_KM = 400.0

# How far from a named province's or district's point a town of the name may lie and still be taken as
# inside it when GeoNames files it under another unit.
_NEAR_UNIT_KM = 60.0
# "Ossining High School in Ossining": a site, then the town it is in (or near) at the end of one entity
_SITE_IN_TOWN = re.compile(
    r"\s(?P<prep>in|at|of|near)\s+(?:the\s+)?(?P<town>[A-Z][\w'\-]*(?:\s+[A-Z][\w'\-]*){0,3})$"
)
# A bracket right after a name, perhaps after its level word: "Matinha municipality (Maranhao)"
_BRACKET_AFTER = re.compile(rf"\s*(?:(?i:{_LEVEL_WORDS})\s*)?\(")
# A coded name that the gazetteer knows only as a city this big in another country is a namesake.
_CITY_ABROAD = 100_000
# A town below this many people is a hamlet: its name recurs across a country (`_hamlet_outside_bracket`).
_HAMLET = 10_000


@lru_cache(maxsize=1)
def _unit_words() -> re.Pattern[str]:
    """data/unit_words.tsv as one pattern whose group names the country (ISO3)."""
    by_country: dict[str, list[str]] = {}
    for words, iso3 in rows("unit_words.tsv"):
        by_country.setdefault(iso3, []).append(r"\s+".join(re.escape(w) for w in words.split()))
    return re.compile(
        "|".join(rf"(?P<{iso3}>\b(?:{'|'.join(words)})\b)" for iso3, words in by_country.items()), re.I
    )


@lru_cache(maxsize=1)
def _half_bracket_countries() -> frozenset[str]:
    """data/half_bracket_countries.txt: countries whose ACLED brackets end with the country's half."""
    return frozenset(code for code, *_ in rows("half_bracket_countries.txt"))


@lru_cache(maxsize=1)
def admin2_names() -> dict[str, frozenset[str]]:
    """data/admin2_names.tsv: {ISO3: what the country calls its second-level units}, where not "district"."""
    return {
        iso3: frozenset(w.strip() for w in words.split(",")) for iso3, words, *_ in rows("admin2_names.tsv")
    }


def _calls(iso3: str, level: str) -> bool:
    """Whether `iso3` calls its second-level units `level` ("district", "lga"): true unless the data says
    the country calls them something else ("(Bara district)" is no Sudanese locality). Only the words that
    name a second level are judged; a township or a sub-county sits below it everywhere."""
    names = admin2_names().get(iso3)
    return names is None or level in names or level not in ("district", "lga", "raion", "upazila")


def _unit_word_countries(text: str) -> set[str]:
    """The countries whose own unit words ("LGA", "barangay") the text writes."""
    return {m.lastgroup for m in _unit_words().finditer(text) if m.lastgroup}


@lru_cache(maxsize=1)
def _regional_demonyms() -> dict[str, tuple[str, str]]:
    """data/regional_demonyms.tsv: nationality word (case-folded) -> (province, ISO3)."""
    return {word.casefold(): (province, iso3) for word, province, iso3 in rows("regional_demonyms.tsv")}


@lru_cache(maxsize=1)
def _part_of_gap() -> re.Pattern[str]:
    """What stands between a part and the place it is part of: "the Mount Hope neighborhood of", "Khaneh
    village in the eastern countryside of", "Monforte square in" (group `site`: a site of a town,
    data/city_sites.txt)."""
    sites = sorted((w for w, *_ in rows("city_sites.txt")), key=len, reverse=True)
    return re.compile(
        r"\s+(?:neighbou?rhood|area|district|quarter|suburb|locality|community|sector|borough|ward|colonia"
        r"|village|hamlet|(?P<site>" + "|".join(re.escape(w) for w in sites) + r"))\s+(?:of|in)\s+(?:the\s+)?"
        # "Khaneh village in the eastern countryside of Ain al Arab"
        r"(?:(?:(?:north|south|east|west)(?:ern)?|rural)\s+)?(?:(?:countryside|outskirts|suburbs)\s+of\s+)?"
        r"(?:(?:al|as|ash|an|ar|ad|at|az|el)[\s-])?",  # an Arabic article the NER left out: "of As Samawah"
        re.I,
    )


# "the northern Lebanese city of", "Syria's border town of": a nationality or a country's possessive,
# at most two lower-case words, and the kind of place.
_NATIONALITY_BEFORE = re.compile(
    r"\b(?P<word>[A-Z][a-zé]+(?:'s)?)(?:\s+[a-z][a-z\-]+){0,2}?\s+"
    r"(?:city|town|village|capital|port|province|region|district|governorate|state|hamlet|enclave|suburb)"
    r"\s+of\s+(?:the\s+)?$"
)

# A place slot for a name the NER missed: after a preposition of place or a list's "and", or alone in a
# bracket (`_add_unlabelled_towns`).
_TOWN_SLOT = re.compile(
    r"(?:\b(?:in|at|near|outside|between|and|to|towards|through)\s+(?:the\s+)?|\()"
    r"(?P<name>[A-Z][\w'\-]+(?:[ \-][A-Z][\w'\-]+){0,2})"
)
# "Pisochyn, Kharkiv.", "Bereznehuvate territorial community, Mykolaiv,": a name, perhaps its level word,
# a comma and a province's name closing the phrase.
_COMMA_PROVINCE = re.compile(
    r"\b(?P<name>[A-Z][\w'\-]+(?: [A-Z][\w'\-]+){0,2})"
    r"(?: (?:district|territorial community|village|town|city|settlement|area))?"
    r", (?P<province>[A-Z][\w'\-]+(?: [A-Z][\w'\-]+)?)(?=[.,;])"
)
# "Ziyara town", "Azaz city": a name the level word after it says is a town's; "the Ar Rutba desert",
# "the As-Salamiyeh area": a town's surroundings, named after it.
_NAMED_TOWN = re.compile(
    rf"\b(?P<name>[A-Z][\w'\-]+(?: [A-Z][\w'\-]+){{0,2}}) (?:{_alternation(_note_words('surroundings'))})\b"
)
# "Haradh (coded to district level)": ACLED's note after the name of the place it coded the event to.
_CODED_LEVEL_AFTER = re.compile(
    rf"\s*\(\s*coded\s+(?:to|at)\s+(?:the\s+)?(?:{_alternation(_note_words('coded_level'))})[- ]level\b",
    re.I,
)
_CODED_LEVEL_NAME = re.compile(
    rf"\b(?P<name>[A-Z][\w'\-]+(?: [A-Z][\w'\-]+){{0,2}})(?={_CODED_LEVEL_AFTER.pattern})"
)
# A capitalised name that goes on with "of" and another capitalised word is a longer name.
_NAME_GOES_ON = re.compile(r"\s+(?:of|for|de|del|des)\s+(?:the\s+)?[A-Z]")
# A town this big, by that very name, is read there (`_exact_known` of the NER's fixer asks as much).
_UNLABELLED_TOWN = 1000

# What an inner part of a bracket that is a town inside the named unit adds to its country (`_seat_towns`):
# nearly what a district inside the named province adds (2.0), as it confirms the inner part and the unit.
_SEAT_TOWN = 1.5

# What a place of the very name counts for a bracket's country when it lies outside the unit named there
# (inside, it counts 1.0).
_NAMESAKE_ELSEWHERE = 0.25

# A town smaller than this that matches a name only by another spelling votes half (`DocumentPlaces.read`).
_VARIANT_TOWN = 10_000

# A town this big named before a province it is not in is an item of a list, not a place in that province.
_SIZEABLE_TOWN = 50_000

# A city this big, of a country the text names, outranks a namesake in a country it does not name.
_NAMED_COUNTRY_CITY = 100_000

# A town below this size gives way to a city of millions of a country the text names.
_TOWN_UNDER_METROPOLIS = 100_000

# A city this big is known by its name alone: no namesake province abroad relocates it.
_BIG_CITY = 500_000

# What stands between a part and the town holding it, when no part noun says so: "Holyrood in", "Carnot
# middle school in" (at most two lower-case words: no clause of their own).
_HELD_GAP = re.compile(r"\s+(?:[a-z][\w'-]*\s+){0,2}in\s+(?:the\s+)?")

# Prepositions naming what an act is aimed at or about ("against Ukraine", "in solidarity with Ukraine").
_AIMED_AT = frozenset(("against", "with", "toward", "towards", "for", "over", "by"))

# " - Buiucani" after a city: ACLED's "city - district" form.
_CITY_DASH_PART = re.compile(r"\s+[-–]\s+[A-Z]")

# What ACLED's "city - district" form of a location name adds to a town's claim to be an event's place.
_CITY_DISTRICT_FORM = 1.5

# How many words before "in" a topic noun still owns it: "the ongoing war of Russia in Ukraine".
_TOPIC_REACH = 4

# Nouns whose "in X" names what a story is about, not where it happens: "the war in Ukraine".
_TOPIC_NOUNS = frozenset(
    ("war", "peace", "conflict", "crisis", "situation", "invasion", "escalation", "violence", "fighting",
     "aggression", "genocide", "ceasefire", "bloodshed", "repression", "crackdown", "atrocity", "massacre")
)  # fmt: skip

# "Amara city" read as one entity
# ", Tenn.", ", W. Va." after a town: a state abbreviation (looked up in the gazetteer's table)
_STATE_AFTER = re.compile(r"^\s*,\s*([A-Z][A-Za-z]{0,4}\.(?:\s?[A-Z][a-z]{0,3}\.?)?)")
# "Anderson County", "Rapides Parish": a district named with its level word
# "Barrow, Jackson and Madison counties", "Caddo or Bossier parishes": names listed before one level word.
_LISTED_WORD = r"(?!(?:The|A|An|In|At|Of|For|And|Or|By|To|From|On|Both)\b)[A-Z][a-z]+(?: [A-Z][a-z]+)?"
_LISTED_COUNTIES = re.compile(
    rf"\b(?P<names>(?:{_LISTED_WORD},\s+)*{_LISTED_WORD},?\s+(?:and|or)\s+{_LISTED_WORD})"
    r"\s+(?P<level>counties|parishes)\b"
)
_LISTED_NAME = re.compile(_LISTED_WORD)
_COUNTY_SAID = re.compile(r"\s(?:County|Parish|Borough)$")
_TOWN_WORD_INSIDE = re.compile(r"\s+(?:city|town|village)$")


def _big_city_first(candidates: list[Candidate]) -> list[Candidate]:
    """A big city before a small foreign province of its name: "Hannover" is the German city of 500,000,
    not Jamaica's Hanover parish, though provinces outrank towns by prior."""
    if not candidates or candidates[0].feature != "admin1":
        return candidates
    top = candidates[0]
    big = [
        c
        for c in candidates
        if c.feature == "city"
        and c.iso3 != top.iso3
        and c.population >= 200_000
        and c.population > 10 * max(top.population, 1)
    ]
    if not big:
        return candidates
    return [big[0], *[c for c in candidates if c is not big[0]]]


def _truncated(after: str) -> bool:
    """Whether the text after a name goes on with a capitalised word: the name was cut short."""
    m = _CONTINUES.match(after)
    return m is not None and m.group("word").lower() not in _NOT_NAME_WORDS


def _lead_end(doc: Doc) -> int:
    """Where the lead ends: the first two sentences."""
    sents = list(doc.sents)
    return sents[min(1, len(sents) - 1)].end_char if sents else 0


def _clean(text: str) -> str:
    text = text.strip().replace("’", "'")
    text = re.sub(r"^(?:the)\s+", "", text, flags=re.I)
    return re.sub(r"'s$", "", text).strip(" ,.;:")
