"""Event triggers and their arguments: which words signal an ACLED event, who acted, who was hit.

The lexicon (data/triggers.tsv) maps lemmas and short patterns to ACLED types and sub-types; the
dependency parse gives the arguments: the subject of an active verb, the "by"-agent of a passive one,
the possessor or the nationality of a noun ("Russian airstrikes"), the subject of the light verb that
carries a noun ("carried out an airstrike"); the object, the passive subject, "against/on/with X",
and for territory "from X". Sub-types are then refined by the sentence (tear gas at a protest, a
state actor regaining ground, a civilian or an armed target of an attack).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Span, Token

from ..datafiles import rows, word_sets
from ..nlp import doc_text
from .actors import ARMED_TYPES

LIGHT_VERBS = word_sets("event_words.tsv")["light_verbs"]
#: Signs that the authorities intervened in a demonstration: these nouns anywhere ...
INTERVENTION_NOUNS = word_sets("event_words.tsv")["intervention_nouns"]
#: ... and these verbs when they tell what happened, not a grievance ("protested his arrest",
#: "relatives of a man who was detained")
INTERVENTION_VERBS = word_sets("event_words.tsv")["intervention_verbs"]
VIOLENT_PROTEST_WORDS = word_sets("event_words.tsv")["violent_protest_words"]
STATE_TYPES = {"state_forces"}
VICTIM_PREPOSITIONS = ("against", "on", "with", "targeting", "upon", "at", "towards", "toward")
LABEL_WEIGHT = 11  # an explicit category label outranks any word in the sentence
VICTIM_VERBS = word_sets("event_words.tsv")["victim_verbs"]
PROTEST_WORDS = word_sets("event_words.tsv")["protest_words"]
CLASH_WORDS = word_sets("event_words.tsv")["clash_words"]
#: Nouns a trigger word may modify and still be an event: "artillery fire", "mortar attack".
EVENT_HEADS = word_sets("event_words.tsv")["event_heads"]


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    phrase: str
    event_type: str
    sub_event_type: str
    weight: int


@dataclass(slots=True)
class Trigger:
    token: Token  # the word that carries the event (the verb or noun)
    start: int  # character span of the matched phrase
    end: int
    entry: LexiconEntry

    @property
    def text(self) -> str:
        return doc_text(self.token.doc)[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Lexicon:
    single: dict[str, LexiconEntry]  # lemma -> entry
    sequences: dict[tuple[str, ...], LexiconEntry]  # consecutive lemmas/words
    head_child: dict[tuple[str, str], LexiconEntry]  # (head lemma, child lemma)
    prefixes: tuple[tuple[str, LexiconEntry], ...]
    purposes: dict[str, LexiconEntry]  # "*>demand": any verb done "to demand" / "demanding" something


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    single: dict[str, LexiconEntry] = {}
    sequences: dict[tuple[str, ...], LexiconEntry] = {}
    head_child: dict[tuple[str, str], LexiconEntry] = {}
    prefixes: list[tuple[str, LexiconEntry]] = []
    purposes: dict[str, LexiconEntry] = {}
    for phrase, event_type, sub_event_type, weight, *_ in rows("triggers.tsv"):
        entry = LexiconEntry(phrase, event_type, sub_event_type, int(weight))
        if phrase.startswith("*>"):
            purposes[phrase[2:]] = entry
        elif ">" in phrase:
            head, child = phrase.split(">")
            head_child[(head, child)] = entry
        elif " " in phrase:
            sequences[tuple(phrase.split())] = entry
        elif phrase.endswith("~"):
            prefixes.append((phrase[:-1], entry))
        else:
            single[phrase] = entry
            if "-" in phrase.strip("-"):
                # spaCy splits "sit-in" into sit / - / in: match the pieces too
                sequences[tuple(p for p in re.split(r"(-)", phrase) if p)] = entry
    return Lexicon(single, sequences, head_child, tuple(prefixes), purposes)


@lru_cache(maxsize=1)
def _sequence_first_words() -> frozenset[str]:
    """The words multi-word triggers start with: only there does `find_triggers` try phrases."""
    return frozenset(key[0] for key in lexicon().sequences)


@lru_cache(maxsize=1)
def labels() -> dict[str, LexiconEntry]:
    """data/labels.tsv: category labels that open a report ("Displacement: ...")."""
    return {
        label: LexiconEntry(label + ":", event_type, sub, LABEL_WEIGHT)
        for label, event_type, sub, *_ in rows("labels.tsv")
    }


def _label_trigger(sent: Span) -> Trigger | None:
    colon = sent.text.find(":")
    if 0 < colon <= 40:
        entry = labels().get(sent.text[:colon].strip().lower())
        if entry is not None:
            # the label's event is the first verb after it that has a subject, else the sentence's root
            after = [t for t in sent if t.idx > sent.start_char + colon]
            head = next(
                (
                    t
                    for t in after
                    if t.pos_ == "VERB" and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
                ),
                sent.root,
            )
            return Trigger(head, sent.start_char, sent.start_char + colon, entry)
    return None


def find_triggers(sent: Span) -> list[Trigger]:
    """Every lexicon match in the sentence, longest and heaviest first at each position."""
    lex = lexicon()
    found: list[Trigger] = []
    label = _label_trigger(sent)
    if label is not None:
        found.append(label)
    tokens = list(sent)
    lemmas = [t.lemma_.lower() for t in tokens]
    lowers = [t.lower_ for t in tokens]
    covered: set[int] = set()
    # multi-word phrases first, so "suicide bomber" is not also "bomber"
    max_len = max((len(k) for k in lex.sequences), default=1)
    first_words = _sequence_first_words()
    for i in range(len(tokens)):
        if lemmas[i] not in first_words and lowers[i] not in first_words:
            continue  # no phrase starts with this word: most words of a sentence
        for n in range(max_len, 1, -1):
            if i + n > len(tokens):
                continue
            window = tokens[i : i + n]
            for key in (tuple(lemmas[i : i + n]), tuple(lowers[i : i + n])):
                entry = lex.sequences.get(key)
                if entry is not None:
                    head = max(
                        window,
                        key=lambda t: (t.pos_ in ("NOUN", "VERB"), t.i == t.head.i or t.head not in window),
                    )
                    found.append(Trigger(head, window[0].idx, window[-1].idx + len(window[-1].text), entry))
                    covered.update(t.i for t in window)
                    break
            else:
                continue
            break
    for tok in tokens:
        lemma, lower = tok.lemma_.lower(), tok.lower_
        for child in tok.children:
            entry = lex.head_child.get((lemma, child.lemma_.lower())) or lex.head_child.get(
                (lemma, child.lower_)
            )
            if entry is not None:
                start, end = min(tok.idx, child.idx), max(tok.idx + len(tok), child.idx + len(child))
                found.append(Trigger(tok, start, end, entry))
                covered.add(tok.i)
            elif (
                child.dep_ in ("advcl", "xcomp")
                and child.tag_ in ("VB", "VBG")
                and tok.pos_ == "VERB"
                and (purpose := lex.purposes.get(child.lemma_.lower())) is not None
            ):
                # "parents took over the school to demand repairs", "truckers drove through the city
                # demanding lower fuel prices": what was done for a demand is the event
                start, end = min(tok.idx, child.idx), max(tok.idx + len(tok), child.idx + len(child))
                found.append(Trigger(tok, start, end, purpose))
        if tok.i in covered or tok.is_stop or not tok.is_alpha and "-" not in tok.text:
            continue
        entry = next((lex.single[f] for f in _word_forms(lemma, lower) if f in lex.single), None)
        if entry is None:
            for prefix, e in lex.prefixes:
                if lower.startswith(prefix):
                    entry = e
                    break
        if entry is not None and _is_trigger_use(tok, entry):
            found.append(Trigger(tok, tok.idx, tok.idx + len(tok), entry))
    found.sort(key=lambda t: (-t.entry.weight, t.start))
    return found


def _word_forms(lemma: str, lower: str) -> tuple[str, ...]:
    """The lemma, the word, and its stem by regular inflection: the small model's lemmatiser slips
    ("raped" -> "rap"), so "raped" also tries "rape"."""
    forms = [lemma, lower]
    for suffix, replacements in (("ing", ("", "e")), ("ed", ("", "e")), ("es", ("", "e")), ("s", ("",))):
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            stem = lower[: -len(suffix)]
            forms.extend(stem + r for r in replacements)
    return tuple(forms)


#: Dependencies that put a word in a clause subordinate to what the sentence reports.
SUBORDINATE_DEPS = {"relcl", "acl", "advcl", "ccomp", "pcomp", "csubj", "xcomp", "pobj", "appos"}


def in_main_clause(trigger: Trigger, through_counts: bool = False) -> bool:
    """True when the trigger is what the sentence reports, not a clause or phrase inside it. A label
    ("Displacement:") always is. With `through_counts`, the counted thing of a count is in the count's
    clause ("observed a total of 17 shots")."""
    if trigger.entry.weight >= LABEL_WEIGHT:
        return True
    tok = trigger.token
    while tok.head.i != tok.i:  # spaCy makes a new Token object per access: compare positions
        if tok.dep_ in SUBORDINATE_DEPS and not (through_counts and _counted(tok)):
            return False
        tok = tok.head
    return True


@lru_cache(maxsize=1)
def quantity_nouns() -> frozenset[str]:
    """data/quantity_nouns.txt: nouns that count what their "of" phrase names ("a total of")."""
    return frozenset(word for word, *_ in rows("quantity_nouns.txt"))


def _counted(tok: Token) -> bool:
    """True for the counted thing of a count: "observed a total of 17 shots" reports the shots, so the
    "of" phrase is no subordinate phrase."""
    of = tok.head
    return (
        tok.dep_ == "pobj"
        and of.lower_ == "of"
        and of.head.i != of.i
        and of.head.lemma_.lower() in quantity_nouns()
    )


def _is_trigger_use(tok: Token, entry: LexiconEntry) -> bool:
    """Filter uses of a trigger word that are not events: 'Reuters reports' is no report of a strike."""
    if tok.ent_type_ in ("ORG", "PERSON", "GPE") and entry.event_type != "Battles":
        return False  # part of a name ("Islamic Jihad", "Mortar Street")
    if tok.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY"):
        return False  # "March" the month
    if tok.dep_ == "compound" and tok.head.lemma_.lower() not in EVENT_HEADS:
        return False  # "artillery cannons", "protest leaders": a modifier of a thing, not an event
    return not (tok.pos_ in ("ADJ", "ADV") and entry.weight < 5)


@dataclass(slots=True)
class Arguments:
    agents: list[Token]
    patients: list[Token]
    territory_from: list[Token]


# "who" only: "militias that fought the Islamic State" mostly describes a group, it reports no event
_RELATIVE_PRONOUNS = frozenset(("who",))


def _subject_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            if child.lower_ in _RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                return verb.head  # "Russian forces who fired mortars": the forces
            return child
    # inherit from the verb this one is coordinated with or subordinated to, or whose object it is
    # ("X and Y exchanged artillery shelling", with "shelling" read as a verb)
    if (verb.dep_ in ("conj", "xcomp", "advcl") or (verb.dep_ == "dobj" and verb.tag_ == "VBG")) and (
        verb.head.i != verb.i
    ):
        return _subject_of(verb.head)
    if verb.dep_ == "relcl":
        return verb.head
    return None


#: Verbs of an act done both ways: "exchanged fire with X", "X and Y traded shelling".
MUTUAL_VERBS = frozenset(("exchange", "trade"))
#: Verbs whose "with X" / "against X" names the other side of a fight.
_FIGHT_VERBS = word_sets("event_words.tsv")["fight_verbs"]


def _conjoined_opponents(verb: Token) -> list[Token]:
    """ "Russian forces fired artillery and clashed with the Ukrainian Army": a fight verb conjoined to
    `verb`, sharing its subject, names the other side with "with" or "against"."""
    out: list[Token] = []
    for conj in verb.conjuncts:
        if conj.lemma_.lower() not in _FIGHT_VERBS:
            continue
        if conj.i > verb.i and any(c.dep_ in ("nsubj", "nsubjpass") for c in conj.children):
            continue  # a later verb with a subject of its own: another event
        for prep in conj.children:
            if prep.dep_ == "prep" and prep.lower_ in ("with", "against"):
                out.extend(c for c in prep.children if c.dep_ == "pobj")
    return out


def arguments(trigger: Trigger) -> Arguments:
    tok = trigger.token
    while tok.dep_ in ("compound", "nmod") and tok.head.pos_ == "NOUN" and tok.head.i > tok.i:
        tok = tok.head  # "the army carried out artillery strikes against X": the strikes carry the roles
    agents: list[Token] = []
    patients: list[Token] = []
    territory_from: list[Token] = []
    has_object = any(c.dep_ == "dobj" for c in tok.children)
    # "IS militants attacked ...": the small model reads the acronym as the passive auxiliary "is"
    acronym_aux = [c for c in tok.children if c.dep_ == "auxpass" and _acronym_read_as_verb(c)]
    passive = any(
        c.dep_ == "nsubjpass" or (c.dep_ == "auxpass" and c not in acronym_aux) for c in tok.children
    ) or (tok.tag_ == "VBN" and tok.dep_ in ("acl", "amod") and not has_object)
    # "migrants were captured and detained by the coast guard": the second verb shares the first's passive
    # subject (the parse gives it to the first verb only)
    shared_subject = _passive_head(tok) if not passive and not has_object else None
    if shared_subject is not None:
        passive = True
    if tok.dep_ == "acl" and has_object and tok.head.pos_ in ("NOUN", "PROPN"):
        # a misparse of "police forces arrested 66 members": the noun the verb hangs on is its subject
        agents.append(tok.head)
    if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
        for child in tok.children:
            if child.dep_ == "agent":
                agents.extend(c for c in child.children if c.dep_ == "pobj")
            elif child.dep_ == "nsubj" and not passive:
                # "Russian forces who shelled the town": the noun the relative clause hangs on
                relative = child.lower_ in _RELATIVE_PRONOUNS and tok.dep_ == "relcl"
                agents.append(tok.head if relative else child)
            elif child.dep_ == "nsubjpass" or (child.dep_ == "dobj" and not passive):
                patients.append(child)
            elif child.dep_ == "prep" and child.lower_ in VICTIM_PREPOSITIONS:
                patients.extend(c for c in child.children if c.dep_ == "pobj")
            if child.dep_ == "dobj":  # "opened fire on a bus", "fired shots at the police"
                # "with" names the other side only of an exchange: "exchanged fire with the police"
                mutual = tok.lemma_.lower() in MUTUAL_VERBS
                for prep in child.children:
                    if (
                        prep.dep_ == "prep"
                        and prep.lower_ in VICTIM_PREPOSITIONS
                        and (prep.lower_ != "with" or mutual)
                    ):
                        patients.extend(c for c in prep.children if c.dep_ == "pobj")
            elif child.dep_ == "prep" and child.lower_ == "from":
                territory_from.extend(c for c in child.children if c.dep_ == "pobj")
        if shared_subject is not None:
            patients.append(shared_subject)
        if passive and not agents:
            agents.extend(_passive_agents(tok))
        if not passive:
            patients.extend(_conjoined_opponents(tok))
        if passive and tok.dep_ in ("acl", "amod") and not patients:
            patients.append(tok.head)  # "the villages retaken by the PMF"
        if passive and all(p.ent_type_ in _NOT_ACTOR_ENTS for p in patients):
            # "..., Morazan, a suspected gang member was shot": the parse hung the subject elsewhere; the
            # noun right before the passive auxiliary is who was hit
            aux = next((c for c in tok.children if c.dep_ == "auxpass"), None)
            before = tok.doc[aux.i - 1] if aux is not None and aux.i > 0 else None
            if before is not None and before.pos_ in ("NOUN", "PROPN"):
                patients.append(before)
        if not agents and not passive:
            subject = _subject_of(tok) or _left_subject(tok)
            if subject is not None:
                agents.append(subject)
        if not agents and tok.dep_ in ("nsubj", "nsubjpass") and tok.tag_ == "VBG":
            # "fighting took place between X and Y" with "fighting" read as a verb: the sides hang on the
            # verb it is the subject of, as for the noun
            for prep in tok.head.children:
                if prep.dep_ == "prep" and prep.lower_ == "between":
                    pobjs = [c for c in prep.children if c.dep_ == "pobj"]
                    if pobjs:
                        agents.append(pobjs[0])
                        patients.extend(c for c in pobjs[0].conjuncts if c.i > pobjs[0].i)
        if acronym_aux and agents and acronym_aux[0].i < agents[0].i:
            agents[0] = acronym_aux[0]  # the group's name, not its "militants"
    else:  # a noun: "airstrikes by the coalition", "Russian shelling", "clashes between X and Y"
        for child in tok.children:
            if child.dep_ == "acl":  # "two landmines planted by the military", "shells fired by the army"
                for agent in child.children:
                    if agent.dep_ == "agent":
                        agents.extend(c for c in agent.children if c.dep_ == "pobj")
            if child.dep_ == "poss" or (
                child.dep_ in ("amod", "compound") and child.ent_type_ in ("NORP", "GPE", "ORG")
            ):
                agents.append(child)
            elif child.dep_ == "prep" and child.lower_ == "by":
                agents.extend(c for c in child.children if c.dep_ == "pobj")
            elif child.dep_ == "prep" and child.lower_ in ("on", "against", "targeting"):
                patients.extend(c for c in child.children if c.dep_ == "pobj")
            elif child.dep_ == "prep" and child.lower_ in ("between", "with"):
                pobjs = [c for c in child.children if c.dep_ == "pobj"]
                for p in pobjs:
                    (patients if agents or child.lower_ == "with" else agents).append(p)
                    patients.extend(c for c in p.conjuncts if c.i > p.i)
        if (
            not agents
            and tok.lemma_.lower() in word_sets("target_words.tsv")["aircraft"]
            and any(c.dep_ in ("compound", "amod") for c in tok.children)
        ):
            agents.append(tok)  # "government warplanes bombed X": the aircraft are the force that struck
        if not agents:
            # "clashes in the al-Merej area between regime forces and rebels": the parser hangs the sides
            # on the place that came between
            sides = _between_after_place(tok)
            if sides:
                agents.append(sides[0])
                patients.extend(c for c in sides[0].conjuncts if c.i > sides[0].i)
        head = tok.head
        # "fired 120mm and 82mm mortars", "used aviation and artillery": the list's first item holds the
        # place in the clause
        first = tok
        while first.dep_ == "conj" and first.head.i < first.i and first.head.pos_ in ("NOUN", "PROPN", "NUM"):
            first = first.head
        light = first.head
        if first.dep_ in ("dobj", "attr") and any(
            f in LIGHT_VERBS for f in _word_forms(light.lemma_.lower(), light.lower_)
        ):  # the forms too: the small model lemmatises "staged" as "stag"
            subject = _subject_of(light)
            if subject is not None and not agents:
                agents.append(subject)
            # "fired artillery at Houthi positions", "used grenades against a police station"
            for prep in light.children:
                if prep.dep_ == "prep" and prep.lower_ in VICTIM_PREPOSITIONS and prep.lower_ != "with":
                    patients.extend(c for c in prep.children if c.dep_ == "pobj")
            patients.extend(_conjoined_opponents(light))
            # "used artillery to strike Ukrainian forces": the purpose says whom
            for clause in light.children:
                if clause.dep_ in ("xcomp", "advcl") and any(c.lower_ == "to" for c in clause.children):
                    patients.extend(c for c in clause.children if c.dep_ == "dobj")
        if tok.dep_ in ("nsubj", "nsubjpass", "attr") and not agents:
            # "clashes took place between X and Y", "an armed clash was reported between X and Y",
            # "there was an armed clash and a pursuit between X and Y"
            for prep in [*head.children, *(c for conj in tok.conjuncts for c in conj.children)]:
                if prep.dep_ == "prep" and prep.lower_ == "between":
                    pobjs = [c for c in prep.children if c.dep_ == "pobj"]
                    if pobjs:
                        agents.append(pobjs[0])
                        patients.extend(c for c in pobjs[0].conjuncts if c.i > pobjs[0].i)
        if tok.dep_ in ("nsubj",) and head.pos_ == "VERB":
            patients.extend(c for c in head.children if c.dep_ == "dobj")
            # "rioters clashed with Israeli forces", "protesters marched against the police"
            # ("on", "at" after an intransitive verb tell where: "explosions occurred at the station")
            for prep in head.children:
                if prep.dep_ == "prep" and prep.lower_ in ("with", "against", "targeting"):
                    patients.extend(c for c in prep.children if c.dep_ == "pobj")
        elif (
            tok.dep_ == "pobj"
            and head.lower_ == "in"
            and head.head.lemma_.lower() in ("engage", "involve", "participate")
            and not agents
        ):
            # "they engaged in a shoot-out with military police": who engaged fought
            subject = _subject_of(head.head)
            if subject is not None:
                agents.append(subject)
        elif (
            tok.dep_ == "pobj"
            and head.lower_ == "with"
            and head.head.pos_ == "VERB"
            and not agents
            and any(c.dep_ == "dobj" for c in head.head.children)
        ):
            # "targeted QSD forces with artillery shells": the weapon's user and target are the verb's
            subject = _subject_of(head.head)
            if subject is not None:
                agents.append(subject)
            patients.extend(c for c in head.head.children if c.dep_ == "dobj")
        elif tok.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "VERB" and not agents:
            _victims_of_outer_verb(trigger, head.head, agents, patients)
    if tok.dep_ == "pcomp" and tok.head.lower_ == "in" and tok.head.head.pos_ == "VERB" and not agents:
        # "a man was injured in a drive-by shooting" with "shooting" parsed as a verb
        _victims_of_outer_verb(trigger, tok.head.head, agents, patients)
    # victims named in a participle clause come after any direct object
    # "... shelled the district, killing a child", "an IED detonated, injuring six soldiers",
    # "conducted shellings targeting PKK militants": the victims of the participle clause
    verbs = [tok, tok.head] if tok.dep_ in ("nsubj", "dobj", "nsubjpass") else [tok]
    for verb in verbs:
        for clause in verb.children:
            if clause.dep_ in ("advcl", "acl", "xcomp", "conj") and clause.lemma_.lower() in VICTIM_VERBS:
                patients.extend(c for c in clause.children if c.dep_ == "dobj")
    if tok.pos_ == "VERB":
        # "detonated a roadside IED targeting a regime vehicle": "targeting" hangs on the device
        for clause in tok.subtree:
            if clause.dep_ in ("acl", "advcl") and clause.lemma_.lower() == "target" and clause.i > tok.i:
                patients.extend(c for c in clause.children if c.dep_ == "dobj")
                break
    if tok.lemma_.lower() in DEFENDING_VERBS and tok.pos_ == "VERB":
        agents, patients = _attacker_first(tok, agents, patients, passive)
    elif (
        tok.pos_ == "VERB"
        and agents
        and patients
        and any(c.lemma_.lower() in DEFENDING_VERBS for c in tok.conjuncts)
    ):
        agents, patients = patients[:1], agents  # "pro-Hadi forces thwarted and clashed with Houthi forces"
    # "killed 4 IS militants", "shelled IS militants": the small model reads the acronym "IS" as the verb
    # "is" and leaves the act without its object; the name right after the verb is who was hit
    verb = (
        tok if tok.pos_ == "VERB" else tok.head if tok.dep_ == "nsubj" and tok.head.pos_ == "VERB" else None
    )
    misread = _name_read_as_verb(verb) if verb is not None else None
    if misread is not None and misread not in patients and misread not in agents:
        patients.append(misread)
    # a trigger's own child word is not its argument: "villagers hostage" -> the villagers
    patients = [_unwrap(p, trigger) for p in patients]
    # "On 13 June 2022, ..." misparsed as the verb's object: a date is nobody
    patients = [p for p in patients if p is not None and p.ent_type_ not in _NOT_ACTOR_ENTS]
    agents = [a for a in agents if a.ent_type_ not in _NOT_ACTOR_ENTS]
    return Arguments(agents, patients, territory_from)


#: Event types of one family: a verb of any of them may share its agent with another ("shot and killed").
_VIOLENT_FAMILY = frozenset(
    ("TARGET", "Violence against civilians", "Battles", "Explosions/Remote violence", "Riots")
)


def _family(verb: Token) -> str | None:
    """The kind of event a verb's own word names ("violence", "Strategic developments", "Protests"), or
    None when it is no event word."""
    single = lexicon().single
    entry = next((single[f] for f in _word_forms(verb.lemma_.lower(), verb.lower_) if f in single), None)
    if entry is None:
        return None
    return "violence" if entry.event_type in _VIOLENT_FAMILY else entry.event_type


def _passive_head(verb: Token) -> Token | None:
    """The passive subject of the verb `verb` is coordinated with, when `verb` has no subject of its own:
    "were captured and detained" (the parse hangs "were" and the subject on "captured" only)."""
    if verb.dep_ != "conj" or verb.tag_ != "VBN" or verb.head.pos_ != "VERB":
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass", "auxpass", "aux") for c in verb.children):
        return None
    return next((c for c in verb.head.children if c.dep_ == "nsubjpass"), None)


def _passive_agents(verb: Token) -> list[Token]:
    """Who did what a passive verb tells when its own parse has no "by"-agent: the agent of a verb
    coordinated with it ("was shot and killed by gunmen", "beaten up and injured by residents"), else a
    "by X" the parse hung on a noun of the verb's own phrases ("were detained off the coast of Datca, Mugla
    by the coast guard"), not inside another clause. A coordinated verb of another kind of event keeps its
    agent ("were arrested and killed by soldiers" is coded as the killing, not the arrest)."""
    family = _family(verb)
    for other in verb.conjuncts:
        if _family(other) not in (family, None):
            continue
        for child in other.children:
            if child.dep_ == "agent":
                return [c for c in child.children if c.dep_ == "pobj"]
    for tok in verb.subtree:
        if tok.i <= verb.i or tok.lower_ != "by" or tok.dep_ != "prep":
            continue
        head = tok.head
        while head.i != verb.i and head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
            head = head.head
        if head.i == verb.i:
            return [c for c in tok.children if c.dep_ == "pobj"]
    return []


def _name_read_as_verb(verb: Token) -> Token | None:
    """The organisation's acronym right after `verb` (past a number or an article) that the parse took for a
    verb or an auxiliary: "IS" in "killed 4 IS militants"."""
    doc = verb.doc
    i = verb.i + 1
    while i < len(doc) and doc[i].pos_ in ("NUM", "DET") and doc[i].sent == verb.sent:
        i += 1
    if i >= len(doc) or doc[i].sent != verb.sent:
        return None
    tok = doc[i]
    return tok if tok.pos_ in ("AUX", "VERB") and _acronym_read_as_verb(tok) else None


def _acronym_read_as_verb(tok: Token) -> bool:
    """Whether `tok`, which the parse made a verb or an auxiliary, is an organisation's acronym in capitals:
    the small model reads "IS" as the verb "is", before an act ("IS militants attacked", an auxiliary) and
    after one ("killed 4 IS militants"). Both readings of the one weakness are checked here."""
    return tok.text.isupper() and tok.ent_type_ == "ORG"


def _victims_of_outer_verb(trigger: Trigger, verb: Token, agents: list[Token], patients: list[Token]) -> None:
    """The people a verb says were hurt "in" the trigger's event: "fighters were killed in an airstrike"
    (the passive subject: victims), "a soldier died in clashes with the rebels" (who died in a fight took
    part in it: a side, unless the fight names its sides)."""
    patients.extend(c for c in verb.children if c.dep_ == "nsubjpass")
    if verb.lemma_.lower() in DYING_VERBS:
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        (agents if trigger.entry.event_type == "Battles" else patients).extend(subjects)


#: Intransitive verbs of dying: their subject was in the event ("died in an ambush").
DYING_VERBS = frozenset(("die", "perish"))
_NOT_ACTOR_ENTS = frozenset(("DATE", "TIME"))
#: Verbs told from the defender's side: "Ukrainian forces repulsed the Russians", "an attack by militants
#: was repelled". ACLED lists who attacked first, so the attacker is the event's first actor.
DEFENDING_VERBS = frozenset(("repel", "repulse", "thwart", "foil", "rebuff"))


def _attacker_first(
    verb: Token, agents: list[Token], patients: list[Token], passive: bool
) -> tuple[list, list]:
    """(attackers, defenders) of a defending verb: its object (or the passive subject, or the subject of
    the verb it is coordinated with: "Russian forces attacked but were repulsed by ..."), and the one who
    repelled; "repelled an attack by militants": the militants inside the object attacked."""
    if passive:
        attacker = next((c for c in verb.children if c.dep_ == "nsubjpass"), None) or _subject_of(verb)
        defenders = agents
    else:
        attacker = next((c for c in verb.children if c.dep_ == "dobj"), None)
        defenders = agents
        if attacker is not None:
            by = [
                pobj
                for prep in attacker.children
                if prep.dep_ == "prep" and prep.lower_ in ("by", "of")
                for pobj in prep.children
                if pobj.dep_ == "pobj"
            ]
            if by:
                attacker = by[0]  # "repelled the attack of Russian forces"
            elif attacker.lemma_.lower() in EVENT_HEADS | {"offensive", "advance", "incursion"}:
                attacker = None  # "repelled an attack": nobody named as the attacker
    if attacker is None or not defenders:
        return agents, patients
    return [attacker], [d for d in defenders if d.i != attacker.i]


#: Dependencies the small model gives a subject it failed to attach to its verb, after a long opening
#: ("On 13 June, in Monterrey, Nuevo Leon, an unknown number of armed individuals fired shots": the
#: subject hangs off "Leon" as an apposition).
_STRAY_SUBJECT_DEPS = frozenset(("appos", "dep", "npadvmod", "nsubj"))


def _between_after_place(tok: Token) -> list[Token]:
    """The objects of a "between" that hangs on a noun of `tok`'s place phrase ("clashes in X area
    between A and B"), or of its verb's when `tok` is the subject; following prepositions and their
    objects only, so no clause is crossed."""
    holders = [tok, tok.head] if tok.dep_ == "nsubj" else [tok]  # "clashes broke out in X between ..."
    frontier = [
        c
        for h in holders
        for c in h.children
        if c.dep_ == "prep" and c.lower_ in ("in", "at", "near", "around")
    ]
    for _ in range(3):  # "in the village of X between ...": prep, pobj, prep, pobj
        nouns = [c for prep in frontier for c in prep.children if c.dep_ == "pobj"]
        for noun in nouns:
            for prep in noun.children:
                if prep.dep_ == "prep" and prep.lower_ == "between":
                    return [c for c in prep.children if c.dep_ == "pobj"]
        frontier = [c for noun in nouns for c in noun.children if c.dep_ == "prep"]
    return []


def _left_subject(verb: Token) -> Token | None:
    """The noun phrase right before a verb that the parse gave no subject, when nothing but that phrase
    stands between them: the closest stray noun to the left, before any other verb."""
    if verb.pos_ != "VERB" or verb.dep_ not in ("ROOT", "conj"):
        return None
    for tok in reversed(verb.doc[verb.sent.start : verb.i]):
        if tok.pos_ in ("VERB", "AUX"):
            return None  # another clause: its subject is not this verb's
        opening = _conjoined_to_place(tok)
        if opening is not None:
            return opening
        if tok.dep_ in _STRAY_SUBJECT_DEPS and tok.pos_ in ("NOUN", "PROPN") and tok.head.i < verb.i:
            if tok.ent_type_ in ("DATE", "TIME", "GPE", "LOC", "FAC", "CARDINAL", "ORDINAL"):
                return None
            return tok
    return None


#: Entity labels of places: a noun the parse coordinates with one of them may be a stray subject.
_PLACE_ENTS = frozenset(("GPE", "LOC", "FAC"))


def _conjoined_to_place(tok: Token) -> Token | None:
    """The subject the parse coordinated with the place that opens the sentence ("On 3 March, in Puebla,
    Puebla, the state police and migration agents detained 40 migrants": "police" hangs on the second
    "Puebla" as its conjunct): the first of the conjoined nouns, when it is no place itself."""
    if tok.dep_ != "conj" or tok.pos_ not in ("NOUN", "PROPN") or tok.ent_type_ in _PLACE_ENTS:
        return None
    first = tok
    while first.head.dep_ == "conj" and first.head.ent_type_ not in _PLACE_ENTS and first.head.i < first.i:
        first = first.head
    place = first.head
    if first.dep_ != "conj" or place.i >= first.i or place.ent_type_ not in _PLACE_ENTS:
        return None
    return first


def _unwrap(tok: Token, trigger: Trigger) -> Token | None:
    if trigger.start <= tok.idx < trigger.end and not any(c.dep_ == "nummod" for c in tok.children):
        # (a counted object is who was acted on, not a word of the phrase: "rescued 34 migrants")
        inner = [
            c for c in tok.children if c.dep_ in ("compound", "amod", "nmod") and c.pos_ in ("NOUN", "PROPN")
        ]
        return inner[0] if inner else None
    return tok


SECURITY_WORDS = word_sets("event_words.tsv")["security_words"]
INTERVENED = "<intervened>"  # a marker context_words adds when the authorities stepped in


def context_words(*spans: Span | None) -> set[str]:
    """Lower-cased words and lemmas of the event's sentences, for the sub-type rules, plus INTERVENED
    when the text tells that the authorities stepped in."""
    # dates are no context: "On 25 March 2022" holds no march
    words = {
        w
        for span in spans
        if span is not None
        for t in span
        if t.ent_type_ not in ("DATE", "TIME")
        for w in (t.lower_, t.lemma_.lower())
    }
    for span in spans:
        for t in span or ():
            told = t.pos_ == "VERB" and t.dep_ not in ("relcl", "acl", "amod")
            if t.lower_ in INTERVENTION_NOUNS or (told and t.lemma_.lower() in INTERVENTION_VERBS):
                words.add(INTERVENED)
    return words


def refine_subtype(
    entry: LexiconEntry, words: set[str], actor1_type: str | None, actor2_type: str | None, killed: bool
) -> tuple[str, str]:
    """The final (event_type, sub_event_type) given the event's words and who the actors are.

    The rules follow how ACLED's own coded notes use the sub-types (checked against ../shared/data/acled):
    rioting without a demonstration is mob violence; an armed actor firing on an unnamed target in a
    clash is an armed clash; demonstrations met with tear gas, water cannon or arrests had intervention.
    """
    event_type, sub = entry.event_type, entry.sub_event_type
    demonstration = bool(words & PROTEST_WORDS)
    if sub == "Arrests" and demonstration:
        return "Protests", "Protest with intervention"  # "police detained activists at a demonstration"
    attack = event_type in ("TARGET", "Battles", "Riots") or (event_type, sub) == (
        "Violence against civilians",
        "Attack",
    )
    if attack and (
        event_type == "Riots" or actor1_type in ("rioters", "protesters", "civilians", "political_party")
    ):
        # mobs, crowds and party supporters fighting are riots, not battles: ACLED keeps Battles for
        # organised armed actors
        if demonstration and (words & VIOLENT_PROTEST_WORDS or event_type == "Riots"):
            return "Riots", "Violent demonstration"
        return "Riots", "Mob violence"
    if event_type == "TARGET":
        armed = ARMED_TYPES | {"unidentified_armed_group"}
        if actor2_type in armed and actor1_type is not None:
            return "Battles", "Armed clash"
        if actor2_type is None and actor1_type in armed and words & CLASH_WORDS:
            return "Battles", "Armed clash"
        if actor2_type == "protesters":
            return "Protests", "Excessive force against protesters"
        return "Violence against civilians", "Attack"
    if event_type == "Protests":
        if killed and actor2_type != "protesters" and words & SECURITY_WORDS and INTERVENED in words:
            return "Protests", "Excessive force against protesters"
        if words & VIOLENT_PROTEST_WORDS:
            return "Riots", "Violent demonstration"
        if INTERVENED in words:
            return "Protests", "Protest with intervention"
    if event_type == "Battles" and sub in (
        "Government regains territory",
        "Non-state actor overtakes territory",
    ):
        if actor1_type in STATE_TYPES:
            return "Battles", "Government regains territory"
        if actor1_type is not None:
            return "Battles", "Non-state actor overtakes territory"
    return event_type, sub
