"""Places of one document: recognised, resolved against the gazetteer, and chosen for each event.

Reads GPE/LOC/FAC entities, resolves them with the article's country focus (the country most of its
places and actors point to), and understands places stated relative to a known one: "Ain Nasir, some
30 kilometres south of Mosul" gives a point 30 km south of Mosul (geo_precision 2) named "Ain Nasir",
whether or not the gazetteer knows Ain Nasir; "near Raqqa", "on the outskirts of Aleppo" give the anchor
with geo_precision 2. ACLED-style admin context in brackets, "Minakulu sub-county (Oyam, Northern)",
narrows the search to that district and province.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from ..model import Evidence, Place
from ..resolve.dictionary import ActorDictionary
from ..resolve.gazetteer import BEARINGS, Candidate, Gazetteer, haversine_km, offset_point

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
_COUNTRYSIDE_AFTER = re.compile(r"^\s+(?:countryside|outskirts|suburbs|area|region)\b", re.I)
_ADMIN_CONTEXT = re.compile(r"^\s*(?:[\w\- ]{0,30})?\(([^(),]{2,40}),\s*([^(),]{2,40})\)")


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


@dataclass
class DocumentPlaces:
    doc: Doc
    gazetteer: Gazetteer
    dictionary: ActorDictionary
    mentions: list[PlaceMention]
    focus_iso3: str | None = None
    supported_iso3: set[str] = field(default_factory=set)  # countries the document's names point to

    @classmethod
    def read(
        cls, doc: Doc, gazetteer: Gazetteer, dictionary: ActorDictionary, extra_iso3: list[str] | None = None
    ) -> DocumentPlaces:
        found = cls(doc, gazetteer, dictionary, [])
        ents = [e for e in doc.ents if e.label_ in PLACE_LABELS and dictionary.lookup(e.text) is None]
        # pass 1: what countries do the places point to, without context?
        votes: Counter[str] = Counter(extra_iso3 or [])
        lead_end = _lead_end(doc)
        for ent in ents:
            # the dateline and the lead say where the story is; later paragraphs wander (neighbours, capitals)
            weight = 3 if ent.start_char < lead_end else 1
            country = dictionary.country(ent.text)
            if country is not None:
                votes[country.iso3] += 2 * weight
                continue
            best = gazetteer.best(_clean(ent.text))
            if best is not None:
                votes[best.iso3] += weight
        found.focus_iso3 = votes.most_common(1)[0][0] if votes else None
        # countries the text names outright (or its actors belong to), not ones a place name merely matches
        found.supported_iso3 = set(extra_iso3 or []) | {
            c.iso3 for e in ents if (c := dictionary.country(e.text)) is not None
        }
        if found.focus_iso3:
            found.supported_iso3.add(found.focus_iso3)
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
        return found

    def _resolve(self, ent: Span, near: tuple[float, float] | None) -> PlaceMention | None:
        text = _clean(ent.text)
        if not text:
            return None
        country = self.dictionary.country(text)
        after = self.doc.text[ent.end_char : ent.end_char + 80]
        admin = _ADMIN_CONTEXT.match(after)
        candidates: list[Candidate] = []
        if country is not None:
            cand = self.gazetteer.country(country.name) or self.gazetteer.country(text)
            candidates = [cand] if cand else []
        else:
            hint = self.focus_iso3
            if admin is not None:
                a1 = self.gazetteer.admin1(admin.group(2).strip(), hint)
                if a1 is not None:
                    hint = a1.iso3
            candidates = self.gazetteer.lookup(text, hint)
            if hint and candidates and all(c.iso3 not in self.supported_iso3 for c in candidates):
                # An article about Mali that names "Boni" means a Boni in Mali the gazetteer lacks, not the
                # German city: in a country nothing else points to, only countries, provinces and big
                # cities count.
                candidates = [
                    c for c in candidates if c.feature in ("country", "admin1") or c.population >= 1_000_000
                ]
            if admin is not None and candidates:
                admin_names = {admin.group(1).strip().lower(), admin.group(2).strip().lower()}
                in_admin = [
                    c
                    for c in candidates
                    if (c.admin1 or "").lower() in admin_names or (c.admin2 or "").lower() in admin_names
                ]
                candidates = in_admin or candidates
            if near is not None and len(candidates) > 1:
                best = self.gazetteer.best(text, hint, near)
                if best is not None:
                    candidates = [best, *[c for c in candidates if c.geonameid != best.geonameid]]
        place: Place | None = None
        ev = Evidence(ent.start_char, ent.end_char, ent.text)
        if candidates and candidates[0].feature in ("admin1", "admin2") and not _REGION_AFTER.match(after):
            # "in Idlib" with a city and a province of that name: the city, unless "Idlib province" is said
            same_city = [c for c in candidates if c.feature == "city" and c.iso3 == candidates[0].iso3]
            if same_city:
                candidates = [same_city[0], *[c for c in candidates if c is not same_city[0]]]
        if candidates:
            top = candidates[0]
            precision = {"city": 1, "admin2": 2, "admin1": 3, "country": 3}.get(top.feature, 1)
            place = top.to_place(geo_precision=precision, evidence=ev)
            place.name = text if top.feature == "city" else top.name
            before = self.doc.text[max(0, ent.start_char - 40) : ent.start_char]
            if (_NEAR.search(before) or _COUNTRYSIDE_AFTER.match(after)) and place.geo_precision == 1:
                place.geo_precision = 2
        elif admin is not None:
            # unknown place with its district and province named: the district stands in, precision 2
            a2 = self.gazetteer.lookup(admin.group(1).strip(), self.focus_iso3)
            if a2:
                place = a2[0].to_place(geo_precision=2, evidence=ev)
                place.name = text
        return PlaceMention(text, ent.start_char, ent.end_char, ent.start, ent.end, place, candidates)

    def _apply_relative_phrases(self) -> None:
        """'X, some 30 km south of Mosul': X gets the offset point; the anchor keeps its own."""
        text = self.doc.text
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
            gap = self.doc.text[m.end : phrase_start]
            if len(gap) <= 3 and gap.strip() in ("", ",", "-", "–"):
                return m
        return None

    # -- choosing the event's place ------------------------------------------------------------------
    def in_sentence(self, sent: Span) -> list[PlaceMention]:
        return [
            m
            for m in self.mentions
            if sent.start_char <= m.start < sent.end_char and m.place is not None and not m.anchor_only
        ]

    def for_event(self, sent: Span, trigger: Token) -> PlaceMention | None:
        """The place where the event happened, among the sentence's places."""
        candidates = self.in_sentence(sent)
        if not candidates:
            return None

        def score(m: PlaceMention) -> float:
            place = m.place
            assert place is not None
            s = 0.0
            s += {"relative": 3.0, "city": 2.5, "admin2": 1.5, "admin1": 1.0, "country": 0.0}.get(
                place.feature, 1.0
            )
            before = self.doc.text[max(sent.start_char, m.start - 25) : m.start].lower()
            if re.search(r"\b(in|at|near|outside|of|around)\s+(?:the\s+)?(?:\w+\s+)?$", before):
                s += 1.0
            if re.search(r"\b(to|towards|toward|from|into)\s+(?:the\s+)?$", before):
                s -= 1.5  # where someone went or came from is not where it happened
            s -= abs(m.start - trigger.idx) / 400.0  # closer to the trigger is likelier
            return s

        return max(candidates, key=score)

    def main_place(self) -> PlaceMention | None:
        """The document's most named specific place: the fallback for events whose sentence names none."""
        specific = [
            m for m in self.mentions if m.place is not None and m.place.feature in ("city", "relative")
        ]
        if not specific:
            return None
        counts = Counter(m.place.name for m in specific)  # type: ignore[union-attr]
        name = counts.most_common(1)[0][0]
        return next(m for m in specific if m.place.name == name)  # type: ignore[union-attr]


def _lead_end(doc: Doc) -> int:
    """Where the lead ends: the first two sentences."""
    sents = list(doc.sents)
    return sents[min(1, len(sents) - 1)].end_char if sents else 0


def _clean(text: str) -> str:
    text = text.strip().replace("’", "'")
    text = re.sub(r"^(?:the)\s+", "", text, flags=re.I)
    return re.sub(r"'s$", "", text).strip(" ,.;:")
