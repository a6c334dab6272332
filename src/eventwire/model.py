"""The one data model every stage shares: Document, Evidence, Mention, Actor, Place, Event, Relation,
and the Failure of a document that could not be read or extracted.

Ingest makes a `Document`; extraction adds `Mention`s, `Actor`s, `Event`s and `Relation`s that point back
into the document's cleaned text through `Evidence` (character offsets); the store and the exporters read
the same objects. Everything here is plain data with `to_dict()` for JSON, so no stage depends on spaCy
objects leaking out of the NLP stage.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any


def document_id(clean_text: str) -> str:
    """A document is identified by its cleaned text, so the same article ingested twice is stored once."""
    return hashlib.sha256(clean_text.encode("utf-8")).hexdigest()[:32]


@dataclass(slots=True)
class Evidence:
    """A span of the document's cleaned text that supports a field: `text == doc.text[start:end]`."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True)
class Document:
    """One article after ingest: cleaned text plus the metadata found around it."""

    text: str
    id: str = ""
    title: str | None = None
    publisher: str | None = None
    wire_source: str | None = None
    published: date | None = None
    published_source: str | None = None  # "option", "meta", "dateline", "page" ...: where the date came from
    url: str | None = None
    source_path: str | None = None
    language: str | None = None
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = document_id(self.text)

    def evidence(self, start: int, end: int) -> Evidence:
        return Evidence(start, end, self.text[start:end])

    def to_dict(self, with_text: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "wire_source": self.wire_source,
            "published": self.published.isoformat() if self.published else None,
            "published_source": self.published_source,
            "url": self.url,
            "source_path": self.source_path,
            "language": self.language,
            "length": len(self.text),
        }
        if with_text:
            out["text"] = self.text
        return out


@dataclass(slots=True)
class Mention:
    """A stretch of text that names something: an actor, a place, a date, a number."""

    start: int
    end: int
    text: str
    label: str  # spaCy-style label: ORG, PERSON, GPE, LOC, FAC, NORP, DATE, ...

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Actor:
    """An actor as the dictionary or the text knows it; `name` is canonical (ACLED conventions)."""

    name: str
    type: str  # state_forces, rebel_group, political_militia, identity_militia, rioters, protesters,
    # civilians, external_force, political_party, government, organisation, person, country
    aliases: list[str] = field(default_factory=list)
    inter: int | None = None  # ACLED inter code 1-8
    country: str | None = None  # ISO3
    role: str | None = None
    parent: str | None = None
    known: bool = True  # False when the actor was found in the text only, not in the dictionary
    mentions: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "type": self.type,
            "inter": self.inter,
            "country": self.country,
            "role": self.role,
            "parent": self.parent,
            "known": self.known,
            "mentions": [m.to_dict() for m in self.mentions],
        }


@dataclass(slots=True)
class Place:
    """A resolved location, with ACLED geo_precision (1 the place itself, 2 near it or part of a region,
    3 only the province)."""

    name: str
    latitude: float | None = None
    longitude: float | None = None
    country: str | None = None  # country name
    iso3: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    geonameid: int | None = None
    feature: str = "city"  # city, admin1, admin2, country, relative, unknown
    geo_precision: int = 1
    anchor: str | None = None  # for relative places: the named place the offset starts from
    evidence: Evidence | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__slots__ if k != "evidence"}  # type: ignore[attr-defined]
        out["evidence"] = self.evidence.to_dict() if self.evidence else None
        return out


#: The event fields that carry ACLED's names, in ACLED's column order.
ACLED_FIELDS = (
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "country",
    "iso3",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "notes",
)


@dataclass(slots=True)
class Event:
    """One coded event mention in ACLED's terms; `evidence` maps a field name to the span supporting it."""

    document_id: str
    event_type: str
    sub_event_type: str
    event_date: str | None = None  # ISO date; None when the year or the day is unknown
    time_precision: int = 3  # 1 day, 2 week, 3 month or vaguer
    actor1: str | None = None
    assoc_actor_1: str | None = None
    inter1: int | None = None
    actor2: str | None = None
    assoc_actor_2: str | None = None
    inter2: int | None = None
    country: str | None = None
    iso3: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    fatalities: int = 0
    notes: str = ""
    confidence: float = 0.5
    evidence: dict[str, Evidence] = field(default_factory=dict)
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            key = f"{self.document_id}|{self.event_type}|{self.sub_event_type}"
            trigger = self.evidence.get("event_type")
            key += f"|{trigger.start}" if trigger else ""
            self.id = hashlib.sha256(key.encode()).hexdigest()[:24]

    def locate(self, place: Place) -> None:
        """Set the location fields from `place`; its evidence, if any, supports `location`."""
        self.location, self.latitude, self.longitude = place.name, place.latitude, place.longitude
        self.country, self.iso3, self.admin1, self.admin2 = (
            place.country,
            place.iso3,
            place.admin1,
            place.admin2,
        )
        self.geo_precision = place.geo_precision
        if place.evidence is not None:
            self.evidence["location"] = place.evidence
        else:
            self.evidence.pop("location", None)  # the old span supports a place no longer ours

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "document_id": self.document_id}
        out.update({name: getattr(self, name) for name in ACLED_FIELDS})
        out["confidence"] = round(self.confidence, 3)
        out["evidence"] = {name: ev.to_dict() for name, ev in self.evidence.items()}
        return out


@dataclass(slots=True)
class Relation:
    """A typed, dated link between two actors that the text states, with the words that state it."""

    subject: str
    relation: str  # alias, member_of, formerly_member_of, part_of, commands, leads, reports_to,
    # backed_by, trained_by, loyal_to, allied_with, ties_to, fights
    object: str
    evidence: Evidence
    qualifier: str | None = None  # "officially", "mostly", "reportedly", "formerly" ...
    date: str | None = None  # the document date (or the stated time) the relation held

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "relation": self.relation,
            "object": self.object,
            "qualifier": self.qualifier,
            "date": self.date,
            "evidence": self.evidence.to_dict(),
        }


@dataclass(slots=True)
class Extraction:
    """Everything one document yielded: what `eventwire extract` prints and what the store writes."""

    document: Document
    events: list[Event] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document.to_dict(),
            "events": [e.to_dict() for e in self.events],
            "actors": [a.to_dict() for a in self.actors],
            "relations": [r.to_dict() for r in self.relations],
            "places": [p.to_dict() for p in self.places],
            "warnings": list(self.document.warnings) + list(self.warnings),
        }


@dataclass(slots=True)
class Failure:
    """A document an ingest could not read (`stage` "read") or extract ("extract"), with the error; the
    document id is known when reading succeeded. `failed_at` (UTC) is when it happened, when that is not
    now: a failure carried in a Parquet partition and loaded later."""

    stage: str
    error: str
    document_id: str | None = None
    failed_at: datetime | None = None
