"""Actors of one document: who is named, under which canonical name, and who a phrase refers to.

`DocumentActors` reads the parsed document once: aliases the text defines ("Popular Mobilization
Forces (PMF)", "Hashid Shaabi or Popular Mobilization Forces", "Daesh is an Arabic acronym for Islamic
State", "also known as"), named organisations (resolved against the actor dictionary, else kept as new
actors typed by what the text calls them: "the Zintan Brigade, a militia"), persons (titles stripped and
kept as their role, also when the NER leaves the title out: "General Qassem Soleimani"; surnames linked
to full names) and countries. Event extraction then asks `resolve(token)` who a subject or object phrase
is: a named actor, a pronoun or "the militants" pointing back to one ("the coalition" to the coalition
named before, not merely the closest armed group), or an unnamed actor under ACLED's generic names
("Civilians (Iraq)", "Military Forces of Iraq", "Unidentified Armed Group (Iraq)").
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from ..datafiles import rows, word_sets
from ..ingest.metadata import agency_name
from ..model import Actor, Evidence
from ..nlp import doc_text
from ..resolve.dictionary import ActorDictionary, ActorEntry

#: ACLED inter codes of the generic kinds.
GENERIC_INTER = {
    "military": 1,
    "police": 1,
    "government": 1,
    "intelligence": 1,
    "civilians": 7,
    "protesters": 6,
    "rioters": 5,
    "unidentified_armed_group": 3,
}
ARMED_TYPES = {
    "state_forces",
    "rebel_group",
    "political_militia",
    "identity_militia",
    "external_force",
    "criminal_group",
    "private_military",
}
NON_STATE_ARMED = ARMED_TYPES - {"state_forces", "external_force"}
#: Organisation nouns that are armed by definition: "an Islamist militia ambushed" with no militia named
#: before is still an armed group, where "the group" alone is nobody we can name.
ARMED_ORG_NOUNS = word_sets("actor_words.tsv")["armed_org_nouns"]
ARMED_MODIFIERS = word_sets("actor_words.tsv")["armed_modifiers"]
COLLECTIVE_NOUNS = word_sets("actor_words.tsv")["collective_nouns"]
#: A member of a state force who was not serving when hit: ACLED counts them among civilians.
_OFF_DUTY = re.compile(r"\b(?:off[- ]duty|former|retired|ex-)", re.I)
#: Sites and formations that stand for the force they belong to: "positions of the border guards".
SITE_NOUNS = word_sets("actor_words.tsv")["site_nouns"]
#: Military formations: a person of one is a soldier ("a captain of the 5th battalion"). Not "company" or
#: "corps": "workers of a mining company", "the diplomatic corps".
UNIT_WORDS = word_sets("actor_words.tsv")["unit_words"]


def _serves_in_unit(head: Token) -> bool:
    """Whether a person noun is placed in a military formation by its modifiers or an "of"/"from" phrase:
    "a captain from the military battalion 101", "two 5th Armored Division members"."""
    near = [t for t in head.lefts if t.dep_ in ("compound", "amod", "nmod")]
    for prep in head.rights:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "from"):
            near.extend(c for c in prep.children if c.dep_ == "pobj")
    return any(t.lemma_.lower() in UNIT_WORDS or t.lower_ in UNIT_WORDS for t in near)


GANG_WORDS = word_sets("actor_words.tsv")["gang_words"]
# Ways of killing that mark criminal violence where no gang is named: a drive-by, a body dismembered.
_CRIMINAL_MARKS = re.compile(r"\bdrive-by\b|\bdismember|\btiro de gracia\b|\bnarco", re.I)


def criminal_violence(sent: Span) -> bool:
    """Whether a sentence tells of criminal violence (gangs, cartels, traffickers, a drive-by shooting): ACLED
    then names an unnamed perpetrator "Unidentified Gang" rather than "Unidentified Armed Group"."""
    return bool({t.lemma_.lower() for t in sent} & GANG_WORDS) or bool(_CRIMINAL_MARKS.search(sent.text))


STATE_KINDS = ("military", "police", "government", "intelligence")
#: ACLED inter codes of the types a description gives an unknown organisation (actors.yaml's conventions).
TYPE_INTER = {
    "rebel_group": 2,
    "political_militia": 3,
    "identity_militia": 4,
    "criminal_group": 3,
    "private_military": 8,
}
# Words that end the description of an organisation: "a militia [loyal to ...]", "a gang [of ...]".
_DESCRIPTION_STOPS = {
    "of", "in", "from", "to", "that", "which", "who", "with", "by", "for", "and", "or", "loyal", "based",
    "led", "active", "operating", "known", "said", "says", "has", "had", "is", "was", "fighting",
}  # fmt: skip
_WORD = r"[\w'’\-]+"
_DESCRIBED_AFTER = re.compile(rf"\s*,\s+(?:an?|the|another|one)\s+((?:{_WORD}\s+){{0,5}}{_WORD})")
_DESCRIBED_BEFORE = re.compile(rf"\b(?:[Tt]he|an?)\s+((?:{_WORD}\s+){{0,3}}{_WORD})\s+$")
#: "targets (coded as National Resistance forces)": the actor a note says a phrase is coded as; only the first
#: of several joined by "+" ("Security Belt Forces + Southern Resistance"), ACLED's first actor.
_CODED_AS = re.compile(r"\s*\(coded as (?:the )?(?P<name>[^()+;,]+?)\s*(?:[+;,][^()]*)?\)")
PRONOUNS_ORG = {"it", "they", "them", "its", "their"}
PRONOUNS_PERSON = {"he", "she", "him", "her", "his"}

# a number may sit inside the long form: "March 23 Movement (M23)"
_ACRONYM_DEF = re.compile(
    r"([A-Z][\w'’\-]+(?:\s+(?:of|for|and|the|al|el|de|du|des|la|\d+|[A-Z][\w'’\-]+))*)\s+"
    r"\(([A-Z][A-Za-z0-9\-]{1,7})\)"
)
_ALIAS_STATEMENTS = [
    # "Daesh is an Arabic acronym for Islamic State", "X is the Arabic name for Y", "Hasm, an Arabic acronym
    # for Harakat Sawa'id Misr"
    re.compile(
        r"\b(?P<alias>[A-Z][\w'’\- ]{1,40}?)(?: is|,) (?:an|the|a) (?:\w+ ){0,2}"
        r"(?:acronym|abbreviation|name|term) for "
        r"(?:the )?(?P<name>[A-Z][\w'’\- ]{1,60}?)(?=[.,;)]|$)"
    ),
    # "X, also known as Y", "X, formerly known as Y", "X (also called Y)"
    re.compile(
        r"(?P<name>[A-Z][\w'’\- ]{1,60}?),? \(?"
        r"(?P<former>formerly|also|locally|previously|better|officially|formally)? ?"
        r"(?:known|called|referred to) as (?:the )?(?P<alias>[A-Z][\w'’\- ]{1,50}?)(?=[.,;)]|$)"
    ),
]


@lru_cache(maxsize=1)
def generic_words() -> dict[str, str]:
    """data/generic_actors.tsv: head noun -> generic kind."""
    return {word: kind for word, kind, *_ in rows("generic_actors.tsv")}


@lru_cache(maxsize=1)
def _state_force_branches() -> dict[tuple[str, str], tuple[str, str]]:
    """data/state_force_branches.tsv: (phrase, iso3 or "*") -> (force kind, branch name)."""
    return {
        (phrase, iso3): (kind, branch) for phrase, iso3, kind, branch, *_ in rows("state_force_branches.tsv")
    }


def state_force_branch(phrase: str, iso3: str | None) -> tuple[str, str] | None:
    """The (force kind, branch) a phrase names in a country: "air force" -> ("military", "Air Force")."""
    table = _state_force_branches()
    return table.get((phrase, iso3 or "")) or table.get((phrase, "*"))


@lru_cache(maxsize=1)
def org_descriptors() -> dict[str, str]:
    """data/org_descriptors.tsv: what a text calls an organisation ("ethnic militia") -> actor type."""
    return {phrase.lower(): kind for phrase, kind, *_ in rows("org_descriptors.tsv")}


def describe(words: list[str]) -> str | None:
    """The organisation descriptor among the first words of a description: the earliest one to end, and
    the longest of those ("a Sunni armed group active in" -> "armed group"); None past a stop word."""
    table = org_descriptors()
    lowered = [w.lower() for w in words]
    for end in range(1, len(lowered) + 1):
        if lowered[end - 1] in _DESCRIPTION_STOPS:
            return None
        for size in (3, 2, 1):
            if end - size >= 0 and (phrase := " ".join(lowered[end - size : end])) in table:
                return phrase
    return None


@lru_cache(maxsize=1)
def person_titles() -> tuple[str, ...]:
    titles = [title for title, *_ in rows("titles.txt")]
    return tuple(sorted(titles, key=len, reverse=True))  # longest first: "prime minister" before "minister"


def strip_title(name: str) -> tuple[str, str | None]:
    """'Prime Minister Haider al-Abadi' -> ('Haider al-Abadi', 'Prime Minister')."""
    lowered = name.lower()
    for title in person_titles():
        if lowered.startswith(title + " "):
            rest = name[len(title) + 1 :].strip()
            inner, more = strip_title(rest)
            return inner, name[: len(title)] + (" " + more if more else "")
    return name, None


def clean_name(text: str) -> str:
    text = text.strip().replace("’", "'").strip("\"'")
    text = re.sub(r"^(?:the|The)\s+", "", text)
    text = re.sub(r"'s$", "", text)
    return text.strip(" ,.;:")


@dataclass(slots=True)
class ActorMention:
    actor: Actor
    start: int  # character offsets
    end: int
    token_start: int
    token_end: int
    sent_start: int  # token index of the sentence start, to find "the previous sentences"


@dataclass(slots=True)
class Resolved:
    """Who a phrase refers to, in ACLED terms."""

    name: str
    inter: int | None
    evidence: Evidence
    actor: Actor
    kind: str = "named"  # named, generic, backref, pronoun


@dataclass
class DocumentActors:
    doc: Doc
    dictionary: ActorDictionary
    year: int | None = None
    actors: dict[str, Actor] = field(default_factory=dict)
    mentions: list[ActorMention] = field(default_factory=list)
    text_aliases: dict[str, str] = field(default_factory=dict)  # alias as written -> canonical name
    alias_evidence: list[tuple[str, str, Evidence, str | None]] = field(default_factory=list)
    focus_iso3: str | None = None
    skip_spans: list[tuple[int, int]] = field(default_factory=list)  # a dateline: its names are no actors
    # actor name -> what the text calls it ("militia", "armed group"): types unknown groups, finds
    # "the militia"
    descriptions: dict[str, set[str]] = field(default_factory=dict)

    # -- reading the document -------------------------------------------------------------------------
    def read(self) -> DocumentActors:
        self._read_alias_statements()
        for ent in self.doc.ents:
            if any(start <= ent.start_char < end for start, end in self.skip_spans):
                continue
            if ent.label_ == "ORG" and agency_name(ent.text):
                continue  # "Reuters", "(AP)": who reported it, not who took part
            if ent.label_ in ("ORG", "PERSON", "NORP", "GPE", "FAC"):
                self._add_entity(ent)
        self.mentions.sort(key=lambda m: m.start)
        self._read_descriptions()
        return self

    def _read_descriptions(self) -> None:
        """What the text calls each named organisation: an apposition after the name ("Kataib Hezbollah,
        an Iraqi militia") or a common noun before it ("the militia Liwa al-Quds"). An organisation the
        dictionary does not know takes its type (and inter code) from that, not from its name's words."""
        text = doc_text(self.doc)
        table = org_descriptors()
        for m in self.mentions:
            if m.actor.type in ("person", "country"):
                continue
            found: list[str] = []
            if after := _DESCRIBED_AFTER.match(text, m.end):
                found.append(describe(after.group(1).split()) or "")
            found.append(self._descriptor_before(m.start) or "")
            for phrase in filter(None, found):
                self.descriptions.setdefault(m.actor.name, set()).add(phrase)
                if not m.actor.known:
                    m.actor.type = table[phrase]
                    m.actor.inter = TYPE_INTER.get(m.actor.type, m.actor.inter)

    def _evidence(self, start: int, end: int) -> Evidence:
        return Evidence(start, end, doc_text(self.doc)[start:end])

    def _read_alias_statements(self) -> None:
        text = doc_text(self.doc)
        for match in _ACRONYM_DEF.finditer(text):
            long_form, acronym = clean_name(match.group(1)), match.group(2)
            initials = "".join(w[0] for w in re.split(r"[\s\-]+", long_form) if w[:1].isupper())
            initials_match = initials.upper().startswith(acronym.upper()[:2])
            entry = self.dictionary.lookup(long_form, self.year)
            by_acronym = self.dictionary.lookup(acronym, self.year) if entry is None else None
            if by_acronym is not None and not (
                initials_match and not _shares_words(long_form, by_acronym.name)
            ):
                # a long form the dictionary lacks for a known acronym ("Hashd al-Shaabi (PMF)"); but
                # "International Space Station (ISS)" spells its own initials and shares no word with the
                # Islamic State Somalia Province: that acronym is the station's
                entry = by_acronym
            if initials_match or entry is not None:
                canonical = entry.name if entry else long_form
                self.text_aliases[acronym] = canonical
                self.text_aliases.setdefault(long_form, canonical)
                self.alias_evidence.append(
                    (canonical, acronym, self._evidence(match.start(), match.end()), None)
                )
        # "X or Y (ACR)": two names of one actor, as in "Hashid Shaabi or Popular Mobilization Forces (PMF)"
        for match in re.finditer(
            r"([A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+){0,4}) or ([A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+){0,4})"
            r" \(([A-Z]{2,7})\)",
            text,
        ):
            first, second = clean_name(match.group(1)), clean_name(match.group(2))
            entry = self.dictionary.lookup(second, self.year) or self.dictionary.lookup(first, self.year)
            canonical = entry.name if entry else second
            alias = first if canonical != first else second
            self.text_aliases[alias] = canonical
            self.alias_evidence.append((canonical, alias, self._evidence(match.start(), match.end()), None))
        for pattern in _ALIAS_STATEMENTS:
            for match in pattern.finditer(text):
                name, alias = clean_name(match.group("name")), clean_name(match.group("alias"))
                if not name or not alias or name == alias:
                    continue
                entry = self.dictionary.lookup(name, self.year) or self.dictionary.lookup(alias, self.year)
                canonical = entry.name if entry else name
                # every stated form that is not the canonical name is an alias of it: "Hasm, an Arabic
                # acronym for Harakat Sawa'id Misr" gives both "Hasm" and the long form for Hasm Movement
                others = [alias] if canonical == name else [name] if canonical == alias else [alias, name]
                qualifier = match.groupdict().get("former")
                qualifier = "formerly" if qualifier in ("formerly", "previously") else None
                for other in others:
                    self.text_aliases[other] = canonical
                    self.alias_evidence.append(
                        (canonical, other, self._evidence(match.start(), match.end()), qualifier)
                    )

    def _actor_from_entry(self, entry: ActorEntry) -> Actor:
        actor = self.actors.get(entry.name)
        if actor is None:
            actor = entry.to_actor()
            self.actors[entry.name] = actor
        return actor

    def lookup_name(self, text: str, any_year: bool = False) -> Actor | None:
        """A name as written -> its actor: dictionary, an alias the text defined, or one seen already.
        `any_year` takes the name as it was when it was used, not as the group was called in the document's
        year: "a former FARC negotiator" means the FARC, not the party it later became."""
        name = clean_name(text)
        if not name:
            return None
        canonical = self.text_aliases.get(name)
        entry = self.dictionary.lookup(canonical or name, None if any_year else self.year)
        if entry is None and canonical:
            return self.actors.get(canonical)
        if entry is None:
            return self.actors.get(name)
        return self._actor_from_entry(entry)

    def _add_entity(self, ent: Span) -> None:
        text = clean_name(ent.text)
        if not text or len(text) < 2:
            return
        actor: Actor | None = None
        if ent.label_ in ("GPE", "NORP"):
            country = self.dictionary.country(text)
            if country is not None:
                actor = self.actors.get(country.name) or Actor(
                    name=country.name, type="country", country=country.iso3, inter=None
                )
                self.actors.setdefault(country.name, actor)
            elif (entry := self.dictionary.lookup(text, self.year)) is not None:
                actor = self._actor_from_entry(entry)  # the NER took an armed group for a place ("Daesh")
            else:
                return
        elif ent.label_ == "PERSON" and self._descriptor_before(ent.start_char) is None:
            actor = self.lookup_name(text)  # a group the NER took for a person
            if actor is None:
                actor = self._person(text)
                if actor is not None and actor.role is None:
                    actor.role = self._title_before(ent)
        else:  # ORG, FAC, and a "person" the text calls an organisation ("the militia Liwa al-Quds")
            actor = self.lookup_name(text)
            if actor is None and text.lower() in person_titles():
                return  # "Supreme Leader" is a title, not an organisation
            national = _NATIONAL_FORCE.fullmatch(text)
            if actor is None and national and self.dictionary.country(national.group(1)) is not None:
                return  # "the Ukrainian Forces": a country's forces, read like "Ukrainian forces"
            if actor is None and " " not in text and _generic_word(text):
                return  # "Warplanes bomb ...", "Gunmen killed ...": a capital opening a headline, no name
            if actor is None and ent.label_ in ("ORG", "PERSON"):
                canonical = self.text_aliases.get(text, text)
                actor = self.actors.get(canonical)
                if actor is None:
                    actor = Actor(
                        name=canonical,
                        type=_guess_org_type(canonical),
                        known=False,
                        country=self._country_in_name(canonical),
                    )
                    self.actors[canonical] = actor
        if actor is None:
            return
        if text != actor.name and text not in actor.aliases and actor.type != "country":
            actor.aliases.append(text)
        ev = self._evidence(ent.start_char, ent.end_char)
        actor.mentions.append(ev)
        self.mentions.append(
            ActorMention(actor, ent.start_char, ent.end_char, ent.start, ent.end, ent.sent.start)
        )

    def _descriptor_before(self, start: int) -> str | None:
        """An organisation descriptor ending right before a name: "the militia [Liwa al-Quds]"."""
        before = _DESCRIBED_BEFORE.search(doc_text(self.doc), max(0, start - 60), start)
        if before is None:
            return None
        words = before.group(1).lower().split()
        table = org_descriptors()
        return next((" ".join(words[i:]) for i in range(len(words)) if " ".join(words[i:]) in table), None)

    def _title_before(self, ent: Span) -> str | None:
        """A title the NER left outside a person's name: "General [Qassem Soleimani]", "Col. [X]"."""
        before = doc_text(self.doc)[max(0, ent.start_char - 40) : ent.start_char].rstrip()
        lowered = before.lower()
        for title in person_titles():  # longest first
            if lowered.endswith(title) and (
                len(lowered) == len(title) or not lowered[-len(title) - 1].isalnum()
            ):
                written = before[-len(title) :]
                return written if written[:1].isupper() else None  # "the general X" is a description
        return None

    def add_found_name(self, start: int, end: int, kind: str) -> ActorMention | None:
        """A name the NER missed but the parse shows, tokens [start, end): a person ("Ousmane Diallo, 31, a
        former JNIM militant") or an organisation ("the political group Saoradh")."""
        span = self.doc[start:end]
        text = clean_name(span.text)
        if len(text) < 2:
            return None
        actor = self.lookup_name(text)
        if actor is None and kind == "person":
            actor = self._person(text)
        elif actor is None:
            actor = self.actors.get(text) or Actor(
                name=text, type=_guess_org_type(text), known=False, country=self._country_in_name(text)
            )
            self.actors.setdefault(text, actor)
        if actor is None:
            return None
        actor.mentions.append(self._evidence(span.start_char, span.end_char))
        mention = ActorMention(actor, span.start_char, span.end_char, start, end, span.sent.start)
        bisect.insort(self.mentions, mention, key=lambda m: m.start)
        return mention

    def _country_in_name(self, name: str) -> str | None:
        """'Korean Public Service and Transport Workers' Union' -> KOR: a country word in an unknown name."""
        for word in re.findall(r"[A-Z][\w'’.\-]+", name):
            country = self.dictionary.country(word)
            if country is not None:
                return country.iso3
        return None

    def _person(self, text: str) -> Actor | None:
        name, title = strip_title(text)
        if not name or not name[0].isupper():
            return None
        for existing in self.actors.values():
            if existing.type != "person":
                continue
            # a surname or a shorter form of a name already seen is the same person
            if name == existing.name or name in existing.aliases or existing.name.endswith(" " + name):
                return existing
            if name.endswith(" " + existing.name):  # the full name after a short one
                existing.aliases.append(existing.name)
                existing.name = name
                return existing
        person = Actor(name=name, type="person", known=False, role=title)
        if title:
            person.aliases.append(f"{title} {name}")
        surname = name.split()[-1]
        if surname != name:
            person.aliases.append(surname)
        self.actors[name] = person
        return person

    # -- answering "who is this phrase?" -----------------------------------------------------------------
    def mention_at(self, token: Token) -> ActorMention | None:
        for m in self.mentions:
            if m.token_start <= token.i < m.token_end:
                return m
        return None

    def previous_mention(
        self,
        before_char: int,
        sent_start: int,
        armed_only: bool = False,
        sentences_back: int = 3,
        any_armed: bool = False,
        exclude: set[str] | None = None,
        persons: bool | None = None,
    ) -> ActorMention | None:
        """The closest named actor mentioned before a point, within a few sentences."""
        sent_starts = sorted({s.start for s in self.doc.sents})
        idx = sent_starts.index(sent_start) if sent_start in sent_starts else 0
        earliest = sent_starts[max(0, idx - sentences_back)]
        for m in reversed(self.mentions):
            if m.start >= before_char or m.token_start < earliest:
                continue
            if exclude and m.actor.name in exclude:
                continue
            if armed_only and m.actor.type not in (ARMED_TYPES if any_armed else NON_STATE_ARMED):
                continue
            if persons is True and m.actor.type != "person":
                continue
            if persons is False and m.actor.type in ("person", "country"):
                continue
            return m
        return None

    def resolve(self, token: Token, country_iso3: str | None) -> list[Resolved]:
        """Who the phrase headed by `token` names: the head and its conjuncts ("soldiers and civilians")."""
        heads = [token, *[t for t in token.conjuncts if t.i > token.i]]
        out: list[Resolved] = []
        split = self._split_by_nationalities(token, country_iso3)
        if split:
            return split
        for head in heads:
            r = self._resolve_one(head, country_iso3)
            if r is not None and all(r.name != o.name for o in out):
                out.append(r)
        return out

    def _split_by_nationalities(self, head: Token, country_iso3: str | None) -> list[Resolved]:
        """ "Russian and Ukrainian armed forces", "Azerbaijani and Armenian troops": one state force per
        nationality the conjoined modifiers name, in the order written."""
        mods = [t for t in head.lefts if t.dep_ == "amod" and t.ent_type_ == "NORP"]
        if not mods:
            return []
        nationalities = [mods[0], *(c for c in mods[0].conjuncts if c.i > mods[0].i and c.i < head.i)]
        countries = [c.iso3 for t in nationalities if (c := self.dictionary.country(t.text)) is not None]
        if len(set(countries)) < 2:
            return []
        one = self._resolve_one(head, country_iso3)
        if one is None or one.actor.type != "state_forces" or not one.name.startswith(("Military", "Police")):
            return []
        kind = "police" if one.name.startswith("Police") else "military"
        ev = self._evidence(head.idx, head.idx + len(head.text))
        return [self.generic(kind, iso3, ev) for iso3 in dict.fromkeys(countries)]

    def _phrase_tokens(self, head: Token) -> list[Token]:
        """The head with its left modifiers and an 'of'-phrase: 'the PMF fighter', 'members of al-Shabaab'."""
        tokens = [
            t
            for t in head.lefts
            if t.dep_ in ("compound", "amod", "poss", "nmod", "npadvmod", "det")
            or (t.dep_ == "nummod" and t.ent_type_ == "ORG")  # "a suspected MS-13 member"
        ]
        for prep in head.rights:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                tokens.extend(t for t in prep.children if t.dep_ == "pobj")
        return [head, *tokens]

    def _from_mention(
        self, m: ActorMention, ev: Evidence, country_iso3: str | None, kind: str = "named"
    ) -> Resolved:
        """A mentioned actor as an event's actor, under the name ACLED gives it in the event's country."""
        return Resolved(
            self.acled_name(m.actor, country_iso3 or self.focus_iso3), m.actor.inter, ev, m.actor, kind=kind
        )

    def _resolve_one(self, head: Token, country_iso3: str | None) -> Resolved | None:
        ev = self._evidence(head.idx, head.idx + len(head.text))
        coded = self._coded_as(head, country_iso3)
        if coded is not None:
            return coded
        # 1. a named actor inside the phrase (the head first, then modifiers, then "of X")
        for tok in self._phrase_tokens(head):
            m = self.mention_at(tok)
            if m is not None and tok.i != head.i and m.actor.type == "organisation" and not m.actor.known:
                continue  # "the ruler of Olowe Gbagura": an unknown name in a modifier is no actor
            if m is not None and doc_text(self.doc)[max(0, m.start - 5) : m.start].lower().endswith(
                ("anti-", "anti ")
            ):
                continue  # "anti-Houthi forces" are the Houthis' enemies
            if (
                m is not None
                and (not m.actor.known or m.actor.type == "government")
                and (branch := self._named_branch(head, country_iso3)) is not None
            ):
                return branch  # "Jubaland security forces": a force's branch, not the state's government
            if m is not None and m.actor.type != "country":
                return self._from_mention(m, self._evidence(m.start, m.end), country_iso3)
        # "a group of locals", "members of the Kurdish community", "a section of students": the "of" phrase
        if head.lemma_.lower() in COLLECTIVE_NOUNS:
            preps = list(head.rights)
            if head.i + 1 < len(head.doc) and head.doc[head.i + 1].lower_ == "of":
                preps.append(head.doc[head.i + 1])  # "officers and members of a gang": hung on "officers"
            for prep in preps:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    inner = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    if inner is not None:
                        found = self._resolve_one(inner, country_iso3)
                        if found is not None:
                            return found
        # 2. a country acting ("Russian airstrikes", "Russia shelled"): its military
        m = self.mention_at(head)
        if m is not None and m.actor.type == "country" and m.actor.country:
            if head.ent_type_ == "NORP" and any(
                c.dep_ in ("det", "nummod") and c.lower_ != "the" for c in head.children
            ):
                # "assaulted a Palestinian", "two Ukrainians were killed": people of that country
                return self.generic("civilians", m.actor.country, self._evidence(m.start, m.end))
            return self.generic("military", m.actor.country, self._evidence(m.start, m.end))
        # 3. a pronoun
        lower = head.lower_
        if head.pos_ == "PRON" and (lower in PRONOUNS_ORG or lower in PRONOUNS_PERSON):
            m = self.previous_mention(
                head.idx, head.sent.start, persons=lower in PRONOUNS_PERSON, sentences_back=2
            )
            if m is not None:
                return self._from_mention(m, ev, country_iso3, kind="pronoun")
            return None
        # 4. an unnamed actor by its head noun ("villagers", "Iraqi soldiers", "the militants")
        words = generic_words()
        # the lemmatiser leaves some capitalised plurals alone ("Mobs"): try the singular too
        # the word as written first: "forces" are troops, "the force" points back to a named one
        kind = words.get(lower) or words.get(head.lemma_.lower()) or words.get(lower.removesuffix("s"))
        compound = " ".join(t.lower_ for t in head.lefts if t.dep_ == "compound") + " " + lower
        kind = generic_words().get(compound.strip(), kind)
        if head.lemma_.lower() in SITE_NOUNS:
            # "positions of the Ukrainian border guards", "the convoy of the police": whose site it is
            for prep in head.rights:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    inner = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    found = self._resolve_one(inner, country_iso3) if inner is not None else None
                    if found is not None and not found.name.startswith(
                        ("Civilians", "Protesters", "Rioters")
                    ):
                        return found  # (not "a military convoy of 40 vehicles": those are its own)
        if kind is None or kind in ("civilian_vehicle", "civilian_property", "military", "org_backref"):
            # a thing of theirs stands for them: "a police station", "an army base", "a military vehicle";
            # the modifier is the more specific word: "police forces", "a police convoy", "military members"
            for mod in head.lefts:
                mod_kind = words.get(mod.lower_) or words.get(mod.lemma_.lower())
                if mod.dep_ not in ("compound", "amod") or mod_kind not in STATE_KINDS:
                    continue
                if kind in (None, "civilian_vehicle", "civilian_property", "org_backref") or mod_kind in (
                    "police",
                    "intelligence",
                ):
                    kind = mod_kind
        if kind in (None, "civilians", "org_backref") and _serves_in_unit(head):
            kind = "military"  # "a captain from the military battalion", "two 5th Armored Division members"
        if kind in ("civilian_vehicle", "civilian_property"):
            kind = "civilians"  # "ambushed a truck carrying passengers", "shot at a bus": its passengers
        if kind == "migrants":
            # "Haitian migrants": Civilians (Haiti); migrants of no (or many) stated nationality are
            # ACLED's international civilians, not citizens of the country they were crossing
            countries = self._modifier_countries(head) or self._origin_after(head)
            return self.generic("civilians", countries[0] if len(countries) == 1 else None, ev)
        modifiers = {t.lower_ for t in head.lefts}
        if modifiers & ARMED_MODIFIERS and kind in (None, "civilians", "armed_backref", "org_backref"):
            kind = "unidentified_armed_group"  # "two armed individuals", "hooded men", "unknown militants"
        if kind in STATE_KINDS and _OFF_DUTY.search(doc_text(self.doc)[head.left_edge.idx : head.idx]):
            kind = "civilians"  # "an off-duty police officer", "a former soldier": ACLED codes civilians
        if kind is None:
            return None
        iso3 = self._modifier_country(head) or country_iso3 or self.focus_iso3
        # "Russian air forces", "military police officers", "Turkish gendarmerie forces": the branch may be
        # the whole phrase, its modifiers, or one modifier
        # ... and the modifiers' own: "a Galmudug security forces base" hangs "security" on "forces"
        modifiers_words = [t.lower_ for t in _left_modifiers(head)]
        branch = next(
            (
                found
                for phrase in (
                    " ".join([*modifiers_words, lower]),
                    compound.strip(),
                    " ".join(modifiers_words),
                    lower,
                    *modifiers_words,
                )
                if phrase and (found := state_force_branch(phrase, iso3)) is not None
            ),
            None,
        )
        if branch is not None and (kind is None or kind in STATE_KINDS):
            return self.generic(branch[0], iso3, ev, branch=branch[1])
        if kind in ("armed_backref", "org_backref"):
            if any(t.lower_ in ("unidentified", "unknown", "suspected") for t in head.lefts):
                kind = "unidentified_armed_group"
            else:
                m = self._backref_by_noun(head) if kind == "org_backref" else None
                m = m or self.previous_mention(
                    head.idx + len(head.text),
                    head.sent.start,
                    armed_only=True,
                    any_armed=kind == "org_backref",
                )
                if m is not None:
                    return self._from_mention(m, ev, country_iso3, kind="backref")
                if kind == "org_backref" and head.lemma_.lower() not in ARMED_ORG_NOUNS:
                    return None  # "the group", "members" with nobody named before: no one we can name
                kind = "unidentified_armed_group"
        if (
            kind in ("unidentified_armed_group", "armed_backref")
            and head.sent is not None
            and criminal_violence(head.sent)
        ):
            kind = "unidentified_gang"  # criminal violence: ACLED's "Unidentified Gang (Country)"
        return self.generic(kind, iso3, ev)

    def _named_branch(self, head: Token, country_iso3: str | None) -> Resolved | None:
        """The state-force branch a whole phrase names ("Jubaland security forces", "a Jubaland security
        forces convoy") when the NER took the branch's first word for an organisation of its own."""
        iso3 = country_iso3 or self.focus_iso3
        words = [t.lower_ for t in _left_modifiers(head)]
        for phrase in (" ".join([*words, head.lower_]), " ".join(words)):
            found = state_force_branch(phrase, iso3) if phrase else None
            if found is not None:
                return self.generic(
                    found[0], iso3, self._evidence(head.idx, head.idx + len(head.text)), found[1]
                )
        return None

    def _coded_as(self, head: Token, country_iso3: str | None) -> Resolved | None:
        """ "fired at military targets (coded as National Resistance forces)": a note that says under which
        known actor a phrase is coded names that actor outright, whatever the phrase's own words say."""
        text = doc_text(self.doc)
        # right after the head or after a word of its own phrase ("positions of the army (coded as ...)")
        ends = [t.idx + len(t.text) for t in head.subtree if t.i >= head.i and not t.is_punct]
        found = next((m for end in ends if (m := _CODED_AS.match(text, end)) is not None), None)
        if found is None:
            return None
        actor = self.lookup_name(found.group("name"))
        if actor is None or actor.type in ("person", "country"):
            return None
        start = found.start("name")
        return Resolved(
            self.acled_name(actor, country_iso3 or self.focus_iso3),
            actor.inter,
            self._evidence(start, start + len(found.group("name"))),
            actor,
        )

    def _backref_by_noun(self, head: Token) -> ActorMention | None:
        """ "the coalition", "the militia", "the force", "the group": the closest organisation named in the
        last few sentences that the noun fits: its name or the words it was written with contain the noun
        ("the Saudi-led coalition", "Rapid Support Forces", "the Islamic State group"), or the text called it
        so ("Kataib Hezbollah, an Iraqi militia"). Without one, the caller takes the closest armed group."""
        noun = head.lemma_.lower()
        word = re.compile(rf"\b{re.escape(noun)}(?:s|es)?\b", re.IGNORECASE)
        sent_starts = sorted({s.start for s in self.doc.sents})
        idx = bisect.bisect_right(sent_starts, head.sent.start) - 1
        recent = sent_starts[max(0, idx - 3)]

        def as_written(m: ActorMention) -> bool:
            described = {d.split()[-1] for d in self.descriptions.get(m.actor.name, ())}
            return bool(word.search(doc_text(self.doc)[m.start : m.end])) or noun in described

        # what the text itself called it beats the dictionary's name: in "Iran's Quds Brigade ... the
        # force", the force is the "Popular Mobilization Forces" named further up, not the Quds Force.
        # Recent sentences first, then the whole text so far; the dictionary's name last, recent only.
        for earliest, fits in ((recent, as_written), (0, as_written), (recent, None)):
            for m in reversed(self.mentions):
                if m.start >= head.idx or m.token_start < earliest or m.actor.type in ("person", "country"):
                    continue
                if m.actor.name.startswith("Unidentified"):
                    continue
                if fits(m) if fits is not None else word.search(m.actor.name):
                    return m
        return None

    def _origin_after(self, head: Token) -> list[str]:
        """ "arrested 68 migrants from Ethiopia" with "from Ethiopia" hung on the verb by the parse: the
        countries of a "from" phrase right after the noun are still the people's origin."""
        verb = head.head
        if head.dep_ not in ("dobj", "nsubjpass") or head.i + 1 >= len(head.doc):
            return []
        prep = head.doc[head.i + 1]
        if prep.lower_ != "from" or prep.head.i != verb.i:
            return []
        found: list[str] = []
        for tok in prep.subtree:
            country = self.dictionary.country(tok.text) if tok.ent_type_ in ("NORP", "GPE") else None
            if country is not None and country.iso3 not in found:
                found.append(country.iso3)
        return found

    def _modifier_country(self, head: Token) -> str | None:
        """The country a nationality word or a "from/of" phrase gives the noun: "Iraqi soldiers"."""
        countries = self._modifier_countries(head, first_only=True)
        return countries[0] if countries else None

    def _modifier_countries(self, head: Token, first_only: bool = False) -> list[str]:
        """Every country the noun's modifiers name: "migrants from Cuba, Honduras and Haiti"."""
        found: list[str] = []
        for tok in head.subtree:
            after = ("prep", "pobj") if first_only else ("prep", "pobj", "conj")
            if tok.i >= head.i + 1 and tok.dep_ not in after:
                continue
            country = self.dictionary.country(tok.text) if tok.ent_type_ in ("NORP", "GPE") else None
            if country is not None and country.iso3 not in found:
                found.append(country.iso3)
                if first_only:
                    break
        return found

    def generic(self, kind: str, iso3: str | None, evidence: Evidence, branch: str | None = None) -> Resolved:
        """ACLED's generic actor of `kind` for country `iso3`; a state force's `branch` ("Air Force") is
        appended to its name as ACLED does."""
        entry = None
        if kind in STATE_KINDS:
            if iso3:
                try:
                    entry = self.dictionary.state_force(iso3, kind, self.year)
                except ValueError:
                    entry = None  # a country the state-force table does not know
            if entry is None:
                kind = "unidentified_military"  # soldiers of no known country
            elif branch:
                entry = dataclasses.replace(entry, name=f"{entry.name} {branch}")
        if entry is None:
            entry = self.dictionary.generic(kind, iso3)
        actor = self.actors.get(entry.name)
        if actor is None:
            actor = entry.to_actor()
            actor.known = True
            self.actors[entry.name] = actor
        inter = entry.inter if entry.inter is not None else GENERIC_INTER.get(kind)
        return Resolved(entry.name, inter, evidence, actor, kind="generic")

    def acled_name(self, actor: Actor, iso3: str | None = None) -> str:
        """The name an event carries: ACLED's form ("Military Forces of Nigeria" for the Nigerian Army;
        "Islamic State (Syria)" for an Islamic State event in Syria, `iso3` being the event's country)."""
        entry = self.dictionary.get(actor.name) if actor.known else None
        if entry is None:
            return actor.name
        by_country = dict(entry.acled_name_by_country)
        if iso3 in by_country:
            return by_country[iso3]
        coded = entry.coded_as and (entry.coded_since is None or (self.year or 0) >= entry.coded_since)
        if coded and entry.country:
            force = self.dictionary.state_force(entry.country, entry.coded_as or "military", self.year).name
            # a force ACLED names as a branch of its country's: "Military Forces of Iraq (2020-) Peshmerga"
            return f"{force} {entry.coded_branch}" if entry.coded_branch else force
        return entry.acled_name or actor.name

    def named_actors(self) -> list[Actor]:
        """Actors for the output: all named in the text (countries only when something links to them)."""
        return [a for a in self.actors.values() if a.type != "country" or a.mentions]


def _left_modifiers(head: Token) -> list[Token]:
    """The compound and adjective words before a noun, nested ones included, in text order."""
    out: list[Token] = []
    for tok in head.lefts:
        if tok.dep_ in ("compound", "amod"):
            out.extend(_left_modifiers(tok))
            out.append(tok)
    return out


def _shares_words(a: str, b: str) -> bool:
    """Two names have a capitalised word in common ("Islamic State in Somalia", "Islamic State Somalia
    Province")."""
    words = {w.casefold() for w in re.findall(r"[A-Z][\w'’\-]+", a)}
    return bool(words & {w.casefold() for w in re.findall(r"[A-Z][\w'’\-]+", b)})


#: "Ukrainian Forces", "Malian Armed Forces": a nationality and a generic force word, not a name.
_NATIONAL_FORCE = re.compile(
    r"([A-Z][a-z]+) (?:Armed Forces|Forces|Army|Military|Troops|Police|Police Forces|Security Forces"
    r"|Soldiers)"
)


def _generic_word(word: str) -> bool:
    """Whether `word` is a common noun for an unnamed actor ("Warplanes", "Gunmen"), in either number."""
    lower = word.lower()
    words = generic_words()
    return lower in words or lower.removesuffix("s") in words or lower.removesuffix("es") in words


def _guess_org_type(name: str) -> str:
    lowered = name.lower()
    if re.search(r"\b(army|forces|police|ministry|government|military|navy|gendarmerie)\b", lowered):
        return (
            "state_forces"
            if re.search(r"\b(national|royal|armed forces|police)\b", lowered)
            else "organisation"
        )
    if re.search(
        r"\b(militia|brigade|battalion|front|liberation|mujahideen|jihad|movement|rebels?|army|liwa|liwaa|"
        r"kataib|katiba|jaysh|jaish|harakat|ansar|saraya|junud)\b",
        lowered,
    ):
        return "rebel_group"
    if re.search(r"\b(party|congress|alliance|union|league)\b", lowered):
        return "political_party"
    return "organisation"
