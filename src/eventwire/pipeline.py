"""The extraction pipeline: named components run in order over one shared `Analysis`.

    ingest (Document) -> nlp (spaCy Doc) -> actors -> places -> events -> relations -> Extraction

Each component is a plain function `(Analysis) -> None` registered in `COMPONENTS` under its name;
`Pipeline(steps=...)` runs a chosen sequence, so a user can swap a step for their own without touching
the others. Loading (spaCy model, actor dictionary, gazetteer) happens once per process.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from .config import Settings
from .datafiles import rows, word_sets
from .extract.actors import ARMED_TYPES, COLLECTIVE_NOUNS, DocumentActors, Resolved, criminal_violence
from .extract.casualties import fatalities_for_event
from .extract.dates import ResolvedDate, find_dates, resolve_date
from .extract.events import (
    CLASH_WORDS,
    LABEL_WEIGHT,
    MUTUAL_VERBS,
    Trigger,
    arguments,
    context_words,
    find_triggers,
    in_main_clause,
    refine_subtype,
)
from .extract.places import DocumentPlaces, PlaceMention
from .extract.relations import RelationReader
from .ingest import read_bytes, read_path
from .ingest.metadata import Dateline, find_dateline, find_publisher_prefix
from .model import Document, Event, Evidence, Extraction, Relation
from .nlp import doc_text, load_pipeline
from .resolve.dictionary import ActorDictionary
from .resolve.gazetteer import Gazetteer


@dataclass
class Analysis:
    """Everything known about one document while the components run."""

    document: Document
    settings: Settings
    doc: Doc | None = None
    actors: DocumentActors | None = None
    places: DocumentPlaces | None = None
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dateline: Dateline | None = None  # "BAMAKO, March 13 (Reuters) -": about the report, not the event

    @property
    def year(self) -> int | None:
        return self.document.published.year if self.document.published else None


Component = Callable[[Analysis], None]
COMPONENTS: dict[str, Component] = {}


def component(name: str) -> Callable[[Component], Component]:
    """Register a pipeline component under `name`."""

    def register(func: Component) -> Component:
        COMPONENTS[name] = func
        return func

    return register


@component("nlp")
def run_nlp(analysis: Analysis) -> None:
    text = analysis.document.text
    if analysis.doc is None:  # not parsed already in a batch (Pipeline.parse_many)
        analysis.doc = load_pipeline(analysis.settings)(text)
    prefix = find_publisher_prefix(text, analysis.document.publisher)
    analysis.dateline = find_dateline(text, prefix[1] if prefix else 0)


@component("actors")
def read_actors(analysis: Analysis) -> None:
    assert analysis.doc is not None
    skip = [(analysis.dateline.start, analysis.dateline.end)] if analysis.dateline else []
    analysis.actors = DocumentActors(
        analysis.doc, ActorDictionary.default(), analysis.year, skip_spans=skip
    ).read()


_HOME_ACTOR_TYPES = frozenset(("organisation", "political_party"))


@component("places")
def read_places(analysis: Analysis) -> None:
    assert analysis.doc is not None and analysis.actors is not None
    # every actor's country is a hint to where the story is: "Korean unions", "Ukrainian forces"
    countries = [a.country for a in analysis.actors.actors.values() if a.country]
    # unions and parties act at home, so their country settles a town name shared with a bigger place abroad
    home = {a.country for a in analysis.actors.actors.values() if a.country and a.type in _HOME_ACTOR_TYPES}
    analysis.places = DocumentPlaces.read(
        analysis.doc, Gazetteer.default(), ActorDictionary.default(), countries, home
    )
    analysis.actors.focus_iso3 = analysis.places.focus_iso3


@component("events")
def read_events(analysis: Analysis) -> None:
    EventReader(analysis).read()


@component("relations")
def read_relations(analysis: Analysis) -> None:
    assert analysis.doc is not None and analysis.actors is not None
    published = analysis.document.published
    reader = RelationReader(analysis.doc, analysis.actors, published.isoformat() if published else None)
    analysis.relations = reader.read()


DEFAULT_STEPS = ("nlp", "actors", "places", "events", "relations")
#: Armed actor kinds (the armed actor types, and `_kind`'s name for unnamed gunmen): "occupied the school"
#: or "blocked the road" with one of them acting tells of a military act, not a protest.
ARMED_KINDS = frozenset(ARMED_TYPES | {"unidentified_armed_group"})
#: Unarmed crowds whose clash is mob violence, when nobody armed is named among them (data/mob_nouns.txt).
MOB_NOUNS = frozenset(word for word, *_ in rows("mob_nouns.txt"))
#: Words that tell of two crowds fighting each other, not a crowd attacking someone.
BRAWL_WORDS = word_sets("coding_words.tsv")["brawl_words"]
#: Words naming the force rioters faced, and the generic actor they stand for.
RIOT_OPPONENT_WORDS = {
    "police": "police",
    "policemen": "police",
    "policeman": "police",
    "gendarmes": "police",
    "soldiers": "military",
    "troops": "military",
}
#: Triggers lighter than this ("withdraw", "march") never make an event on their own.
MIN_TRIGGER_WEIGHT = 3
#: Weak cues, an event only in a sentence with no other event word: words of hurting ("injure": "were
#: injured in a blast" is the blast's) and acts done for a demand ("blocked the road to demand").
FALLBACK_WEIGHT = 1
#: Sub-types whose unnamed target is civilians or their property, as ACLED codes them.
CIVILIAN_TARGET_SUBTYPES = ("Looting/property destruction", "Mob violence")
#: Words that say a strike or shelling hit civilians or their homes: ACLED's second actor is then civilians.
CIVILIAN_HARM_WORDS = word_sets("coding_words.tsv")["civilian_harm_words"]
#: Sub-types whose target is a thing (a weapon, a drone, a hideout) and so whoever owned it.
OWNED_TARGET_SUBTYPES = ("Disrupted weapons use", "Looting/property destruction")
UNCLAIMED_EXPLOSIVES = ("Remote explosive/landmine/IED", "Grenade", "Suicide bomb")
VIOLENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians")
#: A fight among one kind of actor: "rival drug traffickers", "two unidentified armed groups clashed",
#: "a shoot-out between unknown gunmen", "fought each other".
_ONE_SIDE_BOTH_WAYS = re.compile(
    r"\b(?:rival|two\s+(?:unspecified|unidentified|unknown|armed|local|criminal|clan|tribal|ethnic|communal)\b"
    r"[\w ]{0,20}?(?:groups|militias|gangs|clans|factions|communities|tribes)"
    r"|between\s+(?:unknown|unidentified)|each other|one another|among themselves|infighting|in-fighting)",
    re.I,
)
#: Event words whose other side may be named only by the next sentence's toll.
_TOLL_SIDE_TYPES = frozenset(("Battles", "Explosions/Remote violence"))


class EventReader:
    """Turns the triggers of each sentence into coded events, then merges repeats within the document."""

    def __init__(self, analysis: Analysis) -> None:
        assert analysis.doc is not None and analysis.actors is not None and analysis.places is not None
        self.analysis = analysis
        self.doc = analysis.doc
        self.actors = analysis.actors
        self.places = analysis.places
        self.published = analysis.document.published
        self.last_place: PlaceMention | None = None
        self.last_date: ResolvedDate | None = None
        self._sentence_dates: dict[int, list[ResolvedDate]] = {}  # by sentence start: read once
        # Span.ents rebuilds every entity of the Doc on each call: quadratic over a long article's sentences
        self._ents = list(self.doc.ents)
        self._ent_starts = [ent.start for ent in self._ents]

    def read(self) -> None:
        sents = list(self.doc.sents)
        sentence_triggers = [find_triggers(sent) for sent in sents]
        events: list[Event] = []
        previous_had_event = False
        for index, sent in enumerate(sents):
            triggers = sentence_triggers[index]
            if not triggers:
                self._remember_context(sent)
                previous_had_event = False
                continue
            # the next sentence tells the toll when it names no event of its own ("Seven civilians were
            # killed."): its figure belongs to this event
            after = sentence_triggers[index + 1] if index + 1 < len(sents) else None
            following = sents[index + 1] if after is not None and (not after or _toll_only(after)) else None
            found = self._sentence_events(sent, triggers, following)
            if previous_had_event and _toll_only(triggers):
                # ... and it makes no event itself unless it names who killed
                found = [e for e in found if e.actor1 and not _unnamed(e.actor1)]
            events.extend(found)
            previous_had_event = bool(found) or (previous_had_event and _toll_only(triggers))
            self._remember_context(sent)
        merged = merge_document_events(events)
        self._article_toll(merged, sents)
        self.analysis.events = merged

    def _article_toll(self, events: list[Event], sents: list[Span]) -> None:
        """An article about one violent event often gives the toll paragraphs later ("At least 12 militants
        and two soldiers were killed, the army said"): with a single violent event, that toll is its toll."""
        violent = [e for e in events if e.event_type in VIOLENT_TYPES]
        if len(violent) != 1 or violent[0].fatalities:
            return
        used = {e.evidence["sentence"].start for e in events if "sentence" in e.evidence}
        toll = fatalities_for_event([(s.text, s.start_char) for s in sents if s.start_char not in used])
        if toll is not None and toll.count:
            violent[0].fatalities = toll.count
            violent[0].evidence["fatalities"] = Evidence(toll.start, toll.end, toll.text)
            violent[0].notes = _notes(violent[0])

    def _remember_context(self, sent: Span) -> None:
        here = self.places.in_sentence(sent)
        if here:
            self.last_place = max(here, key=lambda m: {"relative": 3, "city": 2}.get(m.place.feature, 0))  # type: ignore[union-attr]
        dates = self._dates(sent)
        if dates:
            self.last_date = dates[0]

    def _next_sentence(self, sent: Span) -> Span | None:
        """The sentence after `sent`, which often tells how an event ended ("Police detained four")."""
        if sent.end >= len(self.doc):
            return None
        return self.doc[sent.end].sent

    def _sentence_events(self, sent: Span, triggers: list[Trigger], following: Span | None) -> list[Event]:
        """The heaviest trigger that makes a codable event, plus other-type verb triggers that have a
        subject of their own ("... retook the town, and gunmen abducted ten villagers")."""
        out: list[Event] = []
        # what the sentence reports beats what it mentions: "relatives of a man who was murdered protested"
        # is a protest; the killing sits in a relative clause
        usable = [t for t in triggers if t.entry.weight >= MIN_TRIGGER_WEIGHT]
        if not usable:
            # "a sniper injured a civilian": a weak cue is the event only when nothing else is
            usable = [t for t in triggers if t.entry.weight == FALLBACK_WEIGHT]
        triggers = sorted(usable, key=lambda t: (not in_main_clause(t), -t.entry.weight, t.start))
        for trig in triggers:
            if out:
                if trig.entry.event_type in {e.event_type for e in out} or trig.token.pos_ != "VERB":
                    continue
                if not any(c.dep_ == "nsubj" for c in trig.token.children):
                    continue
            event = self._event(sent, trig, following)
            if event is not None:
                out.append(event)
        return out

    def _toll_victims(self, following: Span, actor1: Resolved | None, iso3: str | None) -> list[Resolved]:
        """ "Turkish forces carried out a drone strike ... 3 PKK militants were killed in the attack": the
        armed men the toll sentence names as killed or wounded were the strike's target. Only armed
        actors: an unnamed toll ("two people died") says nothing of who was targeted."""
        out: list[Resolved] = []
        for trig in find_triggers(following):
            for tok in arguments(trig).patients:
                for r in self.actors.resolve(tok, iso3):
                    if (actor1 is None or r.name != actor1.name) and _kind(r) in ARMED_TYPES:
                        out.append(r)
        return out

    def _dates(self, sent: Span) -> list[ResolvedDate]:
        """The sentence's dates, read once per sentence (events and context both ask)."""
        if sent.start not in self._sentence_dates:
            self._sentence_dates[sent.start] = self._read_dates(sent)
        return self._sentence_dates[sent.start]

    def _sentence_ents(self, sent: Span) -> list[Span]:
        """`sent.ents`: the entities wholly inside the sentence, in order, from the Doc's read once."""
        out = []
        for ent in self._ents[bisect.bisect_left(self._ent_starts, sent.start) :]:
            if ent.end > sent.end:
                break
            out.append(ent)
        return out

    def _read_dates(self, sent: Span) -> list[ResolvedDate]:
        """The sentence's dates: the scanner's explicit dates ("13 May 2022", "Sunday") first, then the
        NER's DATE spans that do not overlap them ("last week", "a couple of days before"). The NER
        alone cuts dates short ("May 2022" out of "13 May 2022")."""
        dateline = self.analysis.dateline

        def outside_dateline(start: int) -> bool:
            return dateline is None or not dateline.start <= start < dateline.end

        out = [d for d in find_dates(sent.text, self.published, sent.start_char) if outside_dateline(d.start)]
        for ent in self._sentence_ents(sent):
            if ent.label_ not in ("DATE", "TIME") or not outside_dateline(ent.start_char):
                continue
            if any(d.start < ent.end_char and ent.start_char < d.end for d in out):
                continue
            r = resolve_date(ent.text, self.published, ent.start_char)
            if r is not None and (r.date is not None or not r.year_known):
                out.append(r)
        for found in out:  # a weekday that contradicts its date is worth a warning wherever it is
            for warning in found.warnings:
                if "weekday" in warning and warning not in self.analysis.warnings:
                    self.analysis.warnings.append(warning)
        return sorted(out, key=lambda d: d.start)

    def _event_date(self, sent: Span, dates: list[ResolvedDate], trigger: Trigger) -> ResolvedDate | None:
        """A date opening the sentence ("On 20 January 2022, relatives of a man found dead on 13 January
        protested") frames the whole sentence; otherwise the date nearest the trigger."""
        if not dates:
            return self.last_date
        opening = dates[0]
        if opening.date is not None and opening.start - sent.start_char <= 12:
            return opening
        return min(dates, key=lambda d: abs(d.start - trigger.start))

    def _event(self, sent: Span, trigger: Trigger, following: Span | None) -> Event | None:
        args = arguments(trigger)
        place = self.places.for_event(sent, trigger.token)
        if place is None or not place.coded:
            # "... Coded as Kut city.": where ACLED put the event, said in a sentence of its own
            place = self.places.coded_elsewhere(sent) or place
        if place is None and self.last_place is not None:
            place = self.last_place  # "the village" of the sentence before
        if place is None:
            place = self.places.main_place()  # the story's town, when the event's sentence names none
        iso3 = place.place.iso3 if place and place.place else self.places.focus_iso3
        if iso3 in acled_territories():
            iso3 = acled_territories()[iso3][0]  # "Protesters (China)" in Hong Kong, as ACLED names them

        actor1 = self._first(args.agents, iso3)
        actor2_all = [
            self._as_target(r, tok, iso3) for tok in args.patients for r in self.actors.resolve(tok, iso3)
        ]
        actor2_all = [r for r in actor2_all if actor1 is None or r.name != actor1.name]
        mutual = {trigger.token.lemma_.lower(), trigger.token.head.lemma_.lower()} & MUTUAL_VERBS
        if not actor2_all and (trigger.entry.event_type == "Battles" or mutual) and actor1 is not None:
            # "NPA militants and the military engaged in a firefight", "a clash between Russian and
            # Ukrainian forces", "X and Y exchanged shelling": a fight's joint subjects are its two sides
            # (a shelling's are allies: "Russian and Belarusian forces shelled")
            actor2_all = [
                r for tok in args.agents for r in self.actors.resolve(tok, iso3) if r.name != actor1.name
            ]
        if not actor2_all and trigger.entry.event_type == "Battles":
            actor2_all = [r for tok in args.territory_from for r in self.actors.resolve(tok, iso3)]
            if not actor2_all and actor1 is not None and _ONE_SIDE_BOTH_WAYS.search(sent.text):
                actor2_all = [actor1]  # "rival gangs exchanged fire": ACLED names the one actor on both sides
            if not actor2_all and following is not None:
                actor2_all = self._toll_victims(following, actor1, iso3)  # named dead before a guess
            if not actor2_all and actor1 is not None:
                opponent = self._opponent(actor1) or self._default_opponent(
                    actor1, iso3, Evidence(trigger.start, trigger.end, trigger.text)
                )
                if opponent is not None:
                    actor2_all = [opponent]
        if not actor2_all and following is not None and trigger.entry.event_type in _TOLL_SIDE_TYPES:
            actor2_all = self._toll_victims(following, actor1, iso3)
        if actor1 is not None and not _ONE_SIDE_BOTH_WAYS.search(sent.text):
            # one actor on both sides only when the text says the fight was among its own
            actor2_all = [r for r in actor2_all if r.name != actor1.name]
        actor2 = actor2_all[0] if actor2_all else None
        sentences = [(sent.text, sent.start_char)] + (
            [(following.text, following.start_char)] if following else []
        )
        toll = fatalities_for_event(sentences)
        fatalities = toll.count if toll else 0
        trigger_evidence = Evidence(trigger.start, trigger.end, trigger.text)
        if (
            trigger.entry.event_type == "Protests"
            and trigger.entry.phrase.split(">")[0] in ("occupy", "block", "cut", "blockade", "barricade", "*")
            and _kind(actor1) in ARMED_KINDS
        ):
            # "rebels occupied the school", "troops blocked the road", "gunmen stormed the office demanding
            # money": no demonstration
            return None
        if (
            actor1 is None
            and trigger.entry.event_type == "Battles"
            and trigger.entry.weight <= 5  # a shoot-out or a gun battle is fought with guns: no brawl
            and args.agents
            and _mob(args.agents[0])
        ):
            # "members of two rival parties clashed", "supporters of the candidates clashed": no armed
            # group fought; ACLED codes the brawl as mob violence by rioters
            actor1 = self.actors.generic("rioters", iso3, trigger_evidence)
        if (
            actor1 is None
            and trigger.entry.event_type == "Battles"
            and args.agents
            and args.agents[0].lower_ in ("they", "he", "she")  # not "that" of "militias that fought"
            and _kind(actor2) in ARMED_KINDS
        ):
            # "They engaged in a shoot-out with military police": whoever "they" were, they were armed
            kind = "unidentified_gang" if criminal_violence(sent) else "unidentified_armed_group"
            actor1 = self.actors.generic(kind, iso3, trigger_evidence)
        if actor1 is None and trigger.entry.event_type in ("Protests", "Riots"):
            kind = "protesters" if trigger.entry.event_type == "Protests" else "rioters"
            actor1 = self.actors.generic(kind, iso3, trigger_evidence)
        victims = [p for p in args.patients if p.lemma_.lower() in COLLECTIVE_NOUNS]
        if (
            actor1 is None
            and actor2 is None
            and trigger.entry.event_type in ("TARGET", "Violence against civilians")
            and args.agents
            and victims
        ):
            # "fascists attacked members of SYRIZA": attackers and victims that no dictionary knows; ACLED
            # codes them as an unidentified armed group and civilians
            victim = victims[0]
            actor2 = self.actors.generic(
                "civilians", iso3, Evidence(victim.idx, victim.idx + len(victim.text), victim.text)
            )
        if (
            actor1 is None
            and trigger.entry.event_type in ("TARGET", "Violence against civilians")
            and (actor2 is not None or fatalities)
        ):
            # someone was shot, abducted or killed and nobody is named: ACLED's unidentified armed group
            kind = "unidentified_gang" if criminal_violence(sent) else "unidentified_armed_group"
            actor1 = self.actors.generic(kind, iso3, trigger_evidence)
        if (
            actor1 is None
            and trigger.entry.event_type == "Explosions/Remote violence"
            and (trigger.entry.sub_event_type in UNCLAIMED_EXPLOSIVES)
        ):
            # a bomb that went off with no one named behind it: ACLED's unidentified armed group
            actor1 = self.actors.generic("unidentified_armed_group", iso3, trigger_evidence)
        if (
            actor1 is None
            and actor2 is None
            and trigger.entry.event_type == "Battles"
            and trigger.token.pos_ in ("NOUN", "PROPN")
            and in_main_clause(trigger, through_counts=True)
            and self.places.in_sentence(sent)
        ):
            # "Clashes continue in Homs countryside": a fight the report places but whose sides it does
            # not name; ACLED's coders write the unnamed sides as unidentified armed groups ("observers
            # recorded a total of 17 shots near X": gunfire heard is a fight too)
            actor1 = self.actors.generic("unidentified_armed_group", iso3, trigger_evidence)
        if actor1 is None and trigger.entry.phrase == "displacement:":
            actor1 = self.actors.generic("civilians", iso3, trigger_evidence)  # the displaced
        needs_actor = ("Battles", "TARGET", "Strategic developments")
        labelled = trigger.entry.weight >= LABEL_WEIGHT  # "Displacement: ..." says itself what happened
        if (
            actor1 is None
            and not labelled
            and (trigger.entry.event_type in needs_actor or trigger.entry.weight < 5)
        ):
            return None  # a fight with no side named, or a weak word with nobody acting: nothing to code

        dates = self._dates(sent)
        date = self._event_date(sent, dates, trigger)
        if (date is not None and date.date is None and date.year_known) or _background(sent, trigger):
            return None  # "has besieged towns since 2022", "in 2021": background, not an event
        words = context_words(sent, self._next_sentence(sent))
        event_type, sub = refine_subtype(trigger.entry, words, _kind(actor1), _kind(actor2), fatalities > 0)
        if trigger.entry.event_type == "TARGET" and actor1 is None and actor2 is None:
            return None
        if (
            event_type == "Explosions/Remote violence"
            and actor1 is not None
            and actor1.name.endswith("Air Force")
        ):
            sub = "Air/drone strike"  # "Russian air forces bombed Liubotyn": from the air, whatever the verb
        if actor2 is None and sub in OWNED_TARGET_SUBTYPES:
            # a device defused, a drone shot down, a hideout destroyed: the side it belonged to is the target
            actor2 = self._owner(sent, actor1, iso3) or self._drug_owner(
                sub, words, actor1, iso3, trigger_evidence
            )
        if actor2 is None and actor1 is not None and event_type == "Explosions/Remote violence":
            # "shelled IS positions", "struck a Houthi base": whose positions they were is who was hit (also
            # when the small model reads "IS" as a verb and leaves the strike without an object)
            actor2 = self._owner(sent, actor1, iso3)
        actor1, assoc1, actor2 = self._conventions(
            event_type, sub, words, actor1, actor2, iso3, trigger_evidence
        )
        civilians_of: Resolved | None = None
        if (
            actor2 is not None
            and actor2.kind != "generic"
            and actor2.actor.type in ("political_party", "organisation")
            and (event_type == "Violence against civilians" or sub in ("Mob violence", "Arrests"))
        ):
            # "assaulted 4 BJP members", "attacked Kibugu", "abducted eight Shan men": unarmed people of a
            # party, a community or a place are ACLED's civilians, the party their associated actor
            civilians_of, actor2 = actor2, self.actors.generic("civilians", iso3, actor2.evidence)
        if sub == "Mob violence" and _kind(actor2) == "civilians" and words & BRAWL_WORDS:
            # "party members clashed with rival members", "two communities fought": people who fought back
            # were rioters too, not civilians on the receiving end
            actor2 = self.actors.generic("rioters", iso3, actor2.evidence)  # type: ignore[union-attr]

        sentence_text = sent.text.rstrip()
        evidence: dict[str, Evidence] = {
            "event_type": Evidence(trigger.start, trigger.end, trigger.text),
            "sentence": Evidence(sent.start_char, sent.start_char + len(sentence_text), sentence_text),
        }
        ev = Event(
            document_id=self.analysis.document.id,
            event_type=event_type,
            sub_event_type=sub,
            evidence=evidence,
        )
        ev.evidence["sub_event_type"] = evidence["event_type"]
        if actor1 is not None:
            ev.actor1, ev.inter1, evidence["actor1"] = actor1.name, actor1.inter, actor1.evidence
        if assoc1 is not None:
            ev.assoc_actor_1, evidence["assoc_actor_1"] = assoc1.name, assoc1.evidence
        if actor2 is not None:
            ev.actor2, ev.inter2, evidence["actor2"] = actor2.name, actor2.inter, actor2.evidence
            # "traders ... and six people": the same generic actor twice is one actor, not an associate
            others = list(dict.fromkeys(r.name for r in actor2_all[1:] if r.name != actor2.name))
            if civilians_of is not None and civilians_of.actor.known:
                others = [civilians_of.name, *(o for o in others if o != civilians_of.name)]
            if others:
                ev.assoc_actor_2 = "; ".join(others)
        if date is not None:
            ev.event_date = date.date.isoformat() if date.date else None
            ev.time_precision = date.precision if date.date else 3
            evidence["event_date"] = Evidence(date.start, date.end, date.text)
            for warning in date.warnings:
                if warning not in self.analysis.warnings:
                    self.analysis.warnings.append(warning)
        elif self.published is not None:
            ev.event_date, ev.time_precision = self.published.isoformat(), 2  # reported, day not stated
        p = self.places.event_place(place) if place is not None else None
        if p is not None:
            ev.locate(p)
            if p.iso3 in acled_territories():
                # ACLED codes Hong Kong as a region of China
                owner, ev.admin1 = acled_territories()[p.iso3]
                country = ActorDictionary.default().country_by_iso(owner)
                if country is not None:
                    ev.country, ev.iso3 = country.name, country.iso3
        elif iso3:
            country = ActorDictionary.default().country_by_iso(iso3)
            if country is not None:
                ev.country, ev.iso3 = country.name, country.iso3
        if toll is not None:
            ev.fatalities = toll.count
            evidence["fatalities"] = Evidence(toll.start, toll.end, toll.text)
        ev.notes = _notes(ev)
        ev.confidence = _confidence(ev, trigger)
        return ev

    def _conventions(
        self,
        event_type: str,
        sub: str,
        words: set[str],
        actor1: Resolved | None,
        actor2: Resolved | None,
        iso3: str | None,
        evidence: Evidence,
    ) -> tuple[Resolved | None, Resolved | None, Resolved | None]:
        """ACLED's actor conventions: demonstrators are always "Protesters (Country)" or "Rioters
        (Country)", with a named party or union that led them as the associated actor; violence against
        civilians has civilians on the receiving end."""
        assoc1: Resolved | None = None
        if event_type in ("Protests", "Riots"):
            kind = "protesters" if event_type == "Protests" else "rioters"
            if (
                event_type == "Protests"
                and actor1 is not None
                and _kind(actor1) in ("state_forces", "police")
            ):
                actor1, actor2 = None, actor1  # "police detained activists at a demonstration"
            if actor1 is None or _kind(actor1) != kind:
                if actor1 is not None and actor1.kind != "generic" and actor1.actor.type != "person":
                    assoc1 = actor1  # "PTI activists held a protest": PTI is associated with the protesters
                actor1 = self.actors.generic(kind, iso3, actor1.evidence if actor1 else evidence)
        if sub == "Peaceful protest":
            # ACLED codes a peaceful protest with the protesters alone, whatever they oppose, unless others
            # demonstrated against them: then the counter-protesters are the second actor
            actor2 = self.actors.generic("protesters", iso3, evidence) if _counter_protest(words) else None
        if actor2 is None and sub == "Arrests":
            actor2 = self.actors.generic("civilians", iso3, evidence)  # those arrested, unless named
        if actor2 is None and sub == "Disrupted weapons use":
            # a device defused or a cache seized belongs to someone: unnamed, an unidentified armed group
            actor2 = self.actors.generic("unidentified_armed_group", iso3, evidence)
        if actor2 is None and sub == "Protest with intervention":
            actor2 = self.actors.generic("police", iso3, evidence)  # who intervenes, unless named
        faced = sub == "Violent demonstration" or bool(words & CLASH_WORDS)  # not "police detained four"
        if actor2 is None and event_type == "Riots" and faced and words & RIOT_OPPONENT_WORDS.keys():
            # "a clash ensued between the demonstrating locals and the police": rioters against the police
            # (or the troops) the sentence names, as ACLED codes it
            kind = (
                "police"
                if words & {w for w, k in RIOT_OPPONENT_WORDS.items() if k == "police"}
                else "military"
            )
            actor2 = self.actors.generic(kind, iso3, evidence)
        if actor2 is None and sub == "Mob violence" and _kind(actor1) == "rioters" and words & BRAWL_WORDS:
            # "clashes erupted between rioters", "two families clashed over land": a crowd against a crowd
            actor2 = self.actors.generic("rioters", iso3, evidence)
        hit_civilians = event_type == "Explosions/Remote violence" and bool(words & CIVILIAN_HARM_WORDS)
        if actor2 is None and (
            event_type == "Violence against civilians" or sub in CIVILIAN_TARGET_SUBTYPES or hit_civilians
        ):
            actor2 = self.actors.generic("civilians", iso3, evidence)
        return actor1, assoc1, actor2

    def _as_target(self, resolved: Resolved, tok: Token, iso3: str | None) -> Resolved:
        """A gang's trafficker who was hit, arrested or fought is of ACLED's plain "Unidentified Gang
        (Country)", the gang whose drugs are seized, not of the country's name for unknown perpetrators
        ("a drug trafficker was shot by two armed men" in Brazil: "Unidentified Gang and/or Police Militia"
        shot a member of an "Unidentified Gang (Brazil)")."""
        if (
            resolved.kind == "generic"
            and resolved.actor.type == "criminal_group"
            and tok.lemma_.lower() in word_sets("target_words.tsv")["gang_member"]
        ):
            return self.actors.generic("gang", iso3, resolved.evidence)
        return resolved

    def _owner(self, sent: Span, actor1: Resolved | None, iso3: str | None) -> Resolved | None:
        """The armed side a seized, defused, intercepted or destroyed thing belonged to: "an IS hideout",
        "a Russian drone", "IEDs planted by JNIM militants", "weapons belonging to the PKK". ACLED codes
        that side as the second actor, not an unidentified group or civilians."""
        for tok in _owner_tokens(sent):
            for r in self.actors.resolve(tok, iso3):
                if (actor1 is None or r.name != actor1.name) and _kind(r) in ARMED_TYPES:
                    return r
        return None

    def _drug_owner(
        self, sub: str, words: set[str], actor1: Resolved | None, iso3: str | None, evidence: Evidence
    ) -> Resolved | None:
        """Drugs, plantations or a drug laboratory seized or destroyed by the authorities: ACLED codes the
        traffickers they belonged to, an unidentified gang, as the target, not civilians."""
        drugs = words & word_sets("target_words.tsv")["drug"]
        if sub != "Looting/property destruction" or _kind(actor1) != "state_forces" or not drugs:
            return None
        return self.actors.generic("gang", iso3, evidence)

    def _first(self, tokens: list, iso3: str | None) -> Resolved | None:
        dateline = self.analysis.dateline
        for tok in tokens:
            if dateline is not None and dateline.start <= tok.idx < dateline.end:
                continue  # "NUH, India, July 21 (Reuters) - Mobs clashed": the dateline is nobody
            resolved = self.actors.resolve(tok, iso3)
            if resolved:
                return resolved[0]
        return None

    def _default_opponent(self, actor1: Resolved, iso3: str | None, evidence: Evidence) -> Resolved | None:
        """The plain other side of a war for a battle that names one side and no other armed actor at all
        ("Russian forces engaged in a battle near Dmytrivka, Kharkiv": Ukraine's military)."""
        if not iso3:
            return None
        generic_military = actor1.name.startswith("Military Forces of") and actor1.actor.country
        side = f"military:{actor1.actor.country}" if generic_military else actor1.actor.name
        other = default_opponents().get((side, iso3))
        if other is None or not other.startswith("military:"):
            return None
        return self.actors.generic("military", other.split(":", 1)[1], evidence)

    def _opponent(self, actor1: Resolved) -> Resolved | None:
        """For a battle whose sentence names one side: the armed actor the document names most, other
        than actor1 and its own members."""
        counts: dict[str, int] = {}
        own = {actor1.name, actor1.actor.name, actor1.actor.parent}  # its ACLED name and its own
        for m in self.actors.mentions:
            a = m.actor
            if (
                a.name in own
                or a.parent == actor1.name
                or a.type
                not in (
                    "rebel_group",
                    "political_militia",
                    "identity_militia",
                    "state_forces",
                    "external_force",
                )
            ):
                continue
            counts[a.name] = counts.get(a.name, 0) + 1
        if not counts:
            return None
        name = max(counts, key=lambda n: counts[n])
        mention = next(m for m in self.actors.mentions if m.actor.name == name)
        return Resolved(
            self.actors.acled_name(mention.actor, self.actors.focus_iso3),
            mention.actor.inter,
            Evidence(mention.start, mention.end, doc_text(self.doc)[mention.start : mention.end]),
            mention.actor,
            kind="context",
        )


@lru_cache(maxsize=1)
def acled_territories() -> dict[str, tuple[str, str]]:
    """{territory ISO3: (ISO3 of the country ACLED codes it under, the admin1 it takes)}."""
    return {r[0]: (r[1], r[2]) for r in rows("acled_territories.tsv")}


@lru_cache(maxsize=1)
def default_opponents() -> dict[tuple[str, str], str]:
    """data/default_opponents.tsv: (side, country of the battle) -> the other side."""
    return {(side, country): other for side, country, other, *_ in rows("default_opponents.tsv")}


def _background(sent: Span, trigger: Trigger) -> bool:
    """Whether the sentence tells the trigger's event as background ("has besieged towns since 2022").
    A time phrase inside a clause about someone else does not count: "relatives of a student who went
    missing two years ago staged a sit-in" is today's sit-in, and so is "workers staged a protest,
    demanding salaries unpaid for the past four months" (an adverbial clause that holds no trigger)."""
    for match in _BACKGROUND.finditer(sent.text):
        span = sent.doc.char_span(
            sent.start_char + match.start(), sent.start_char + match.end(), alignment_mode="expand"
        )
        if span is None:
            return True
        clause = next((a for a in span.root.ancestors if a.dep_ in ("relcl", "acl", "advcl")), None)
        if clause is None or trigger.token in clause.subtree:
            return True
    return False


_BACKGROUND = re.compile(
    r"\b(?:since (?:\d{4}|(?:early |late )?(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)|the (?:start|beginning)|last (?:year|month))|for the past|over the past|"
    r"in recent (?:years|months)|(?:a|one|two|three|four|five|several|\d+) (?:years?|months?) ago"
    r"|last year)\b",
    re.I,
)


def _owner_tokens(sent: Span) -> list[Token]:
    """Words naming whose a thing is: a modifier of an owned noun ("an IS hideout", "a Russian drone",
    "PKK shelters") or the "by"/"to" phrase of a verb of owning or placing ("planted by JNIM militants",
    "belonging to the PKK")."""
    lists = word_sets("target_words.tsv")
    out: list[Token] = []
    for tok in sent:
        head = tok.head
        if _modified_noun(tok).lemma_.lower() in lists["owned"] and tok.dep_ in _MODIFIER_DEPS:
            out.append(tok)  # "a Russian Orlan-10 drone": a modifier of a modifier too
        elif _names_before_noun(tok):
            out.append(tok)  # "3 IS hideouts" with "IS" misparsed as a verb: the name right before the noun
        elif tok.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in lists["property"]:
            out.append(tok)  # "the building of the National Guard", "a wall of the police station"
        elif (
            tok.dep_ == "pobj"
            and head.lower_ in ("by", "to")
            and head.head.lemma_.lower() in lists["owning_verb"]
            and tok.ent_type_ != "NORP"  # "vehicles belonging to Palestinians": people, not an army
        ):
            out.append(tok)
    return out


_MODIFIER_DEPS = frozenset(("compound", "amod", "poss", "nmod"))


def _modified_noun(tok: Token) -> Token:
    """The noun a chain of modifiers ends on: "Russian" -> "drone" in "a Russian Orlan-10 drone"."""
    while tok.dep_ in _MODIFIER_DEPS and tok.head.i > tok.i:
        tok = tok.head
    return tok


def _names_before_noun(tok: Token) -> bool:
    """A named group or nationality written right before an owned noun, whatever the parse made of it."""
    if tok.ent_type_ not in ("ORG", "NORP") or tok.i + 1 >= len(tok.doc):
        return False
    after = tok.doc[tok.i + 1]
    return after.ent_type_ == "" and after.lemma_.lower() in word_sets("target_words.tsv")["owned"]


def _mob(tok: Token) -> bool:
    """Whether `tok` names an unarmed crowd (data/mob_nouns.txt): "supporters", "two groups", "two student
    groups"; a group described any further ("rival criminal groups", "armed groups") is not one."""
    if tok.lemma_.lower() not in MOB_NOUNS:
        return False
    if tok.lemma_.lower() != "group":
        return True
    return all(c.dep_ not in ("amod", "compound") or c.lemma_.lower() in MOB_NOUNS for c in tok.children)


def _kind(resolved: Resolved | None) -> str | None:
    if resolved is None:
        return None
    name = resolved.name
    for prefix, kind in (
        ("Unidentified Gang", "unidentified_armed_group"),
        ("Civilians", "civilians"),
        ("Protesters", "protesters"),
        ("Rioters", "rioters"),
        ("Unidentified Armed Group", "unidentified_armed_group"),
    ):
        if name.startswith(prefix):
            return kind
    return resolved.actor.type


def _notes(ev: Event) -> str:
    when = f"On {ev.event_date}" if ev.event_date else "On an unknown date"
    where = f" in {ev.location}" if ev.location else ""
    where += (
        f" ({ev.admin1}, {ev.country})"
        if ev.admin1 and ev.country
        else (f" ({ev.country})" if ev.country else "")
    )
    who = ev.actor1 or "unidentified actors"
    against = f" involving {ev.actor2}" if ev.actor2 else ""
    deaths = f"; {ev.fatalities} reported fatalities" if ev.fatalities else ""
    return f"{when}, {who}: {ev.sub_event_type.lower()}{against}{where}{deaths}."


def _confidence(ev: Event, trigger: Trigger) -> float:
    score = 0.35 + 0.03 * min(trigger.entry.weight, 10)
    score += 0.15 if ev.actor1 else 0.0
    score += 0.05 if ev.actor2 else 0.0
    score += 0.1 if ev.event_date and ev.time_precision == 1 else 0.0
    score += 0.1 if ev.latitude is not None and (ev.geo_precision or 3) <= 2 else 0.0
    return min(score, 0.95)


def _compatible(a: Event, b: Event) -> bool:
    if a.event_type != b.event_type:
        return False
    if a.event_date and b.event_date and a.event_date != b.event_date:
        return False
    if a.location and b.location and a.location != b.location:
        return False
    if a.actor1 and b.actor1 and a.actor1 != b.actor1 and not _unnamed(a.actor1) and not _unnamed(b.actor1):
        # the same fight told from the other side: "soldiers fought off militants ... militants opened fire";
        # one telling may name one side only
        sides_a = {x for x in (a.actor1, a.actor2) if x and not _unnamed(x)}
        sides_b = {x for x in (b.actor1, b.actor2) if x and not _unnamed(x)}
        return a.event_type == "Battles" and (sides_a <= sides_b or sides_b <= sides_a)
    return True


def _toll_only(triggers: list[Trigger]) -> bool:
    """A sentence whose only event words are plain killing or shooting: a toll, not a new event."""
    return all(t.entry.event_type == "TARGET" and t.entry.weight <= 3 for t in triggers)


def _unnamed(actor: str) -> bool:
    """'Unidentified Armed Group (Mali)': the perpetrator of a toll sentence, who may be anyone named."""
    return actor.startswith("Unidentified")


def merge_document_events(events: list[Event]) -> list[Event]:
    """Repeats of one event within a document ("retook the village ... the battle to retake the village")
    become one event; the first mention keeps its fields, later ones fill the gaps."""
    merged: list[Event] = []
    for ev in events:
        target = next((m for m in merged if _compatible(m, ev)), None)
        if target is None:
            merged.append(ev)
            continue
        for name in (
            "actor1",
            "inter1",
            "actor2",
            "inter2",
            "assoc_actor_2",
            "event_date",
            "location",
            "latitude",
            "longitude",
            "country",
            "iso3",
            "admin1",
            "admin2",
            "geo_precision",
        ):
            if getattr(target, name) in (None, "") and getattr(ev, name) not in (None, ""):
                setattr(target, name, getattr(ev, name))
                field_name = {"inter1": "actor1", "inter2": "actor2", "latitude": "location"}.get(name, name)
                if field_name in ev.evidence:
                    target.evidence[field_name] = ev.evidence[field_name]
        if not target.fatalities and ev.fatalities:
            target.fatalities = ev.fatalities
            target.evidence["fatalities"] = ev.evidence["fatalities"]
        target.confidence = max(target.confidence, ev.confidence)
        target.notes = _notes(target)
    # "teachers protested ... Police detained four of them": the arrests are the protest's intervention
    interventions = [e for e in merged if e.sub_event_type == "Protest with intervention"]
    return [
        e
        for e in merged
        if not (
            e.sub_event_type == "Arrests"
            and any(p.location == e.location and p.event_date == e.event_date for p in interventions)
        )
    ]


_COUNTER_WORDS = word_sets("coding_words.tsv")["counter_words"]
_PROTEST_WORDS = word_sets("coding_words.tsv")["protest_words"]


def _counter_protest(words: set[str]) -> bool:
    """Whether the event's sentences tell of a counter-demonstration ("counter-protesters gathered")."""
    return bool(words & _COUNTER_WORDS) or ("counter" in words and bool(words & _PROTEST_WORDS))


class Pipeline:
    """Run the named components over documents. `Pipeline().extract(document)` -> Extraction."""

    def __init__(self, settings: Settings | None = None, steps: Iterable[str] = DEFAULT_STEPS) -> None:
        self.settings = settings or Settings()
        self.steps = [COMPONENTS[name] for name in steps]

    def parse_many(self, documents: list[Document]) -> list[Doc | None]:
        """The spaCy parses of `documents`, batched through `nlp.pipe` (much faster than one call per text),
        for `extract(document, parsed)`. All None when the steps do not start with eventwire's own "nlp"
        step: a replacement step parses as it likes."""
        if not self.steps or self.steps[0] is not COMPONENTS["nlp"] or not documents:
            return [None] * len(documents)
        nlp = load_pipeline(self.settings)
        return list(nlp.pipe((d.text for d in documents), batch_size=self.settings.batch_size))

    def extract(self, document: Document, parsed: Doc | None = None) -> Extraction:
        """The extraction of one document; `parsed` is its spaCy Doc when `parse_many` made it already."""
        analysis = Analysis(document=document, settings=self.settings, doc=parsed)
        for step in self.steps:
            step(analysis)
        actors = analysis.actors.named_actors() if analysis.actors else []
        said_year = any("year" in w for w in document.warnings + analysis.warnings)
        if (
            document.published is None
            and not said_year
            and any(ev.event_date is None for ev in analysis.events)
        ):
            analysis.warnings.append("year unknown: no publication date given or found; pass --published")
        return Extraction(
            document=document,
            events=analysis.events,
            actors=actors,
            relations=analysis.relations,
            places=[m.place for m in (analysis.places.mentions if analysis.places else []) if m.place],
            warnings=analysis.warnings,
        )

    def extract_many(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        for document in documents:
            yield self.extract(document)


def _as_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def extract_text(
    text: str, published: str | dt.date | None = None, *, html: bool = False, settings: Settings | None = None
) -> Extraction:
    """Extract events, actors and relations from an article given as a string."""
    document = read_bytes(text.encode("utf-8"), "<text>", published=_as_date(published), is_html=html)
    return Pipeline(settings).extract(document)


def extract_file(
    path: str | Path, published: str | dt.date | None = None, *, settings: Settings | None = None
) -> Extraction:
    """Extract events, actors and relations from a .txt or .html file."""
    return Pipeline(settings).extract(read_path(path, published=_as_date(published)))
