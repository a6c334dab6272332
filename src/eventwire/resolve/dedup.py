"""Deduplication across documents: which stored event a new event mention belongs to, and what an event made
of several mentions says.

This module owns the rules of docs/dedup.md and nothing else: it works on plain mappings (stored rows or
`Event.to_dict()`-shaped dicts), never on the database, so the store decides *when* to cluster and this
module decides *whether* two reports tell one happening and *which* report each merged field comes from.

A mention joins an event when all of these hold (blocking first, so only a handful of events are compared):

* same country (`block_key`) and the same ACLED event type;
* their date windows overlap: a day-precise date is that day only, a week-precise one ±7 days, a month or
  vaguer one ±31 days (`date_window`); undated mentions only meet undated events;
* their places are close for their precision (`places_compatible`);
* their actors do not contradict each other (`actors_compatible`);
* the event holds no other mention of the same document (the document's own reading already split them).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: Half-width in days of the window a date stands for, by ACLED time_precision (1 day, 2 week, 3 month+).
DATE_SLACK = {1: 0, 2: 7, 3: 31}
#: The widest window any event can have: blocking looks this far back for windows that reach a new date.
MAX_WINDOW = 2 * max(DATE_SLACK.values())

#: How far apart (km) two places may be and still be one scene, by the vaguer geo_precision of the two.
#: 1 = the place itself: gazetteer points of one town differ by a few km between sources and spellings;
#: 2 = "near X" / "30 km from X": offsets are rough, so allow their usual size.
PLACE_RADIUS_KM = {1: 10.0, 2: 50.0}

#: Field groups a merged event takes from one mention each, and the evidence keys that go with them.
DATE_FIELDS = ("event_date", "time_precision")
PLACE_FIELDS = ("country", "iso3", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision")
ACTOR1_FIELDS = ("actor1", "inter1", "assoc_actor_1")
ACTOR2_FIELDS = ("actor2", "inter2", "assoc_actor_2")
TYPE_EVIDENCE = ("event_type", "sub_event_type", "sentence")

# "the death toll rose to nine", "bringing the toll to 12", "the toll has climbed to 30": a running total
# that replaces earlier figures, unlike a second outlet's own count.
_TOLL_UPDATE = re.compile(
    r"\btoll\b.{0,60}?\b(?:rose|risen|rises|rising|climbed|climbs|increased|increases|jumped|reached|"
    r"reaches|hit|hits|stands|stood|now)\b|\bbring(?:s|ing)?\s+the\s+(?:death\s+)?toll\b|\btoll\s+of\b.{0,40}?"
    r"\bup\s+from\b",
    re.IGNORECASE | re.DOTALL,
)


def is_toll_update(evidence_text: str | None) -> bool:
    """True when the words behind a fatality figure say it updates an earlier toll."""
    return bool(evidence_text) and _TOLL_UPDATE.search(evidence_text or "") is not None


def block_key(iso3: str | None, country: str | None) -> str:
    """The blocking key: events are only compared within one country (empty when none is known)."""
    return (iso3 or "").upper() or (country or "").strip().casefold()


def date_window(event_date: str | None, time_precision: int | None) -> tuple[int, int] | None:
    """(first day, last day) as proleptic ordinals that a coded date may mean; None when undated."""
    if not event_date:
        return None
    try:
        day = date.fromisoformat(event_date[:10]).toordinal()
    except ValueError:
        return None
    slack = DATE_SLACK.get(time_precision or 3, DATE_SLACK[3])
    return day - slack, day + slack


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _same_text(a: str | None, b: str | None) -> bool | None:
    """None when either side is unknown, so an unknown never counts as a contradiction."""
    if not a or not b:
        return None
    return a.strip().casefold() == b.strip().casefold()


def places_compatible(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Could the two places be one scene? The vaguer precision sets the tolerance: points within the
    radius for precisions 1-2; a province-level place (3) only needs the same province, because its point
    is the province's middle and says nothing about where in it the event was."""
    vaguer = max(a.get("geo_precision") or 3, b.get("geo_precision") or 3)
    if _same_text(a.get("admin1"), b.get("admin1")) is False:
        return False
    if vaguer >= 3:
        return True
    coords = (a.get("latitude"), a.get("longitude"), b.get("latitude"), b.get("longitude"))
    if all(c is not None for c in coords):
        return distance_km(*coords) <= PLACE_RADIUS_KM[vaguer]  # type: ignore[arg-type]
    return _same_text(a.get("location"), b.get("location")) is not False


def named(actor: str | None) -> bool:
    """An actor the text identifies: not missing and not ACLED's "Unidentified ..." placeholder."""
    return bool(actor) and not str(actor).startswith("Unidentified")


def actors_compatible(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Do the actors allow one event? An unnamed or missing actor fits anyone (one report may not know who
    attacked). Two different named actors in the same role contradict each other, except in battles, where
    one report may tell the fight from the other side or name one side only: there the named sides of one
    report must be among the other's."""
    if a.get("event_type") == "Battles":
        sides_a = {x for x in (a.get("actor1"), a.get("actor2")) if named(x)}
        sides_b = {x for x in (b.get("actor1"), b.get("actor2")) if named(x)}
        return sides_a <= sides_b or sides_b <= sides_a
    for role in ("actor1", "actor2"):
        x, y = a.get(role), b.get(role)
        if named(x) and named(y) and x != y:
            return False
    return True


def compatible(event: Mapping[str, Any], mention: Mapping[str, Any]) -> bool:
    """Does `mention` tell the happening `event` (a merged event row) describes? Blocking (country, type,
    date window) is repeated here so the rule holds whatever query produced the candidates."""
    if event.get("event_type") != mention.get("event_type"):
        return False
    if block_key(event.get("iso3"), event.get("country")) != block_key(
        mention.get("iso3"), mention.get("country")
    ):
        return False
    w1 = date_window(event.get("event_date"), event.get("time_precision"))
    w2 = date_window(mention.get("event_date"), mention.get("time_precision"))
    if (w1 is None) != (w2 is None):
        return False
    if w1 and w2 and (w1[0] > w2[1] or w2[0] > w1[1]):
        return False
    return places_compatible(event, mention) and actors_compatible(event, mention)


def best_match(
    mention: Mapping[str, Any], candidates: Iterable[Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    """The compatible candidate closest in date, then in space; ties go to the better-sourced, older event."""
    window = date_window(mention.get("event_date"), mention.get("time_precision"))

    def rank(event: Mapping[str, Any]) -> tuple[float, float, int, str]:
        other = date_window(event.get("event_date"), event.get("time_precision"))
        days = abs(sum(window) - sum(other)) / 2 if window and other else 0.0
        coords = (
            event.get("latitude"),
            event.get("longitude"),
            mention.get("latitude"),
            mention.get("longitude"),
        )
        km = distance_km(*coords) if all(c is not None for c in coords) else 0.0  # type: ignore[arg-type]
        return days, km, -(event.get("number_of_sources") or 0), str(event.get("id"))

    found = [e for e in candidates if compatible(e, mention)]
    return min(found, key=rank) if found else None


# -- merging ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class MergedEvent:
    """What an event's mentions say together: ACLED fields, and for each field the mention it came from."""

    fields: dict[str, Any]
    #: field -> (mention id, evidence key in that mention); the store copies the spans.
    evidence: dict[str, tuple[str, str]] = field(default_factory=dict)
    number_of_sources: int = 0


def _first_best(mentions: Sequence[Mapping[str, Any]], key: Any) -> Mapping[str, Any] | None:
    """The mention with the lowest key; the earliest report wins ties (`mentions` is in report order)."""
    ranked = [(key(m), i) for i, m in enumerate(mentions)]
    ranked = [(k, i) for k, i in ranked if k is not None]
    return mentions[min(ranked)[1]] if ranked else None


def _actor_rank(actor: str | None) -> int | None:
    if not actor:
        return None
    return 0 if named(actor) else 1


def fatalities_source(mentions: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The mention whose figure the event keeps: the latest toll update if a report gives one, else the
    lowest positive figure (ACLED's most conservative reading); None when no report gives a death."""
    reporting = [m for m in mentions if (m.get("fatalities") or 0) > 0]
    updates = [m for m in reporting if m.get("toll_update")]
    if updates:
        return updates[-1]  # report order: the latest report's running total
    return _first_best(reporting, lambda m: m["fatalities"])


def merge(mentions: Sequence[Mapping[str, Any]]) -> MergedEvent:
    """Merge one event's mentions, given in report order (publication date, then document id). Each
    mention carries the ACLED fields, `id`, `confidence`, `toll_update` and `evidence` (key -> span)."""
    if not mentions:
        raise ValueError("an event needs at least one mention")
    out: dict[str, Any] = {}
    evidence: dict[str, tuple[str, str]] = {}

    def take(source: Mapping[str, Any] | None, names: Sequence[str], keys: Sequence[str]) -> None:
        for name in names:
            out[name] = source.get(name) if source is not None else None
        if source is not None:
            for key in keys:
                if key in (source.get("evidence") or {}):
                    evidence[key] = (source["id"], key)

    first = mentions[0]
    out["event_type"] = first["event_type"]
    # the sub-event most reports agree on; the earliest report breaks ties
    votes = Counter(m["sub_event_type"] for m in mentions)
    top = max(votes.values())
    typed = next(m for m in mentions if votes[m["sub_event_type"]] == top)
    take(typed, ("sub_event_type",), TYPE_EVIDENCE)

    take(_first_best(mentions, lambda m: m.get("time_precision") if m.get("event_date") else None),
         DATE_FIELDS, ("event_date",))  # fmt: skip
    if out["event_date"] is None:
        out["time_precision"] = min((m.get("time_precision") or 3) for m in mentions)

    placed = _first_best(mentions, lambda m: (m.get("geo_precision") or 4) if m.get("location") else None)
    take(
        placed or _first_best(mentions, lambda m: 0 if m.get("country") else None),
        PLACE_FIELDS,
        ("location",),
    )

    actor1 = _first_best(mentions, lambda m: _actor_rank(m.get("actor1")))
    take(actor1, ACTOR1_FIELDS, ("actor1",))
    # a battle told from the other side swaps the actors: never code one actor against itself
    actor2 = _first_best(
        mentions, lambda m: _actor_rank(m.get("actor2")) if m.get("actor2") != out["actor1"] else None
    )
    take(actor2, ACTOR2_FIELDS, ("actor2",))

    toll = fatalities_source(mentions)
    out["fatalities"] = toll["fatalities"] if toll is not None else 0
    if toll is not None:
        take(toll, (), ("fatalities",))
    # notes describe one report; take the one whose toll the event keeps, so notes and figure agree
    out["notes"] = (toll or typed).get("notes") or ""
    out["confidence"] = max((m.get("confidence") or 0.0) for m in mentions)
    return MergedEvent(out, evidence, number_of_sources=len({m.get("document_id") for m in mentions}))
