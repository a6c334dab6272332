"""Relations between actors that the text states, each with its evidence span, qualifier words and date.

The words that state a relation live in data/relation_words.tsv; this module owns how the parse is read
around them. Six general readings:

- a relation word and the preposition that introduces the other side: "reports (officially) to X",
  "trained by X", "loyal to X", "ties with X", "split from X", "fight alongside X", "at war with X";
- a verb and its direct object: "who heads X", "commands X", "has fought X since 2015", "a coalition that
  includes X" (X is a member), "Rwanda backs X" (X is backed by Rwanda);
- a role noun tied to a holder: in apposition ("X, the commander of Y", "Y's armed wing, X", "X, a Y unit",
  "X, 26, a former Y fighter"), as a predicate ("X serves as Y's minister", "X was named emir of Y"), or as
  a title before a name ("Y commander X");
- hyphenated participles: "Iranian-backed groups", "a UAE-trained force", "an al-Qaeda-linked network";
- "who was formerly a Y soldier";
- the alias statements the actor reader found ("also known as", "X (ACR)", "an Arabic acronym for").

Who a relation word is said of is found by climbing the parse: a relative pronoun stands for the noun its
clause describes, a descriptive noun in apposition stands for the name it describes, and the subject of a
reporting verb ("UN experts say") is a source, not the actor. A relation under a denial ("denies any ties
to", "cut its ties with", "no evidence of links") is not stated; a lasting hostility (`fights`) is not
read from a single past event ("X attacked Y"). The date of a relation is the time the text gives for it
("since 2019", "in April 2023"), else the document's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from ..datafiles import rows
from ..model import Actor, Evidence, Relation
from ..nlp import doc_text
from .actors import ActorMention, DocumentActors, person_titles

#: "made up of groups trained by X": the subject of "made up", not "groups".
SUBJECT_CONSTRUCTIONS = {"make", "compose", "consist", "comprise", "form"}
RELATIVE_PRONOUNS = {"which", "who", "that", "whom"}
#: Actor types a relation never names: they are nobody in particular ("Civilians (Iraq)").
UNNAMED_TYPES = {"civilians", "protesters", "rioters"}
#: Dependencies a denial reaches down through; a relative clause, an apposition or a subject is a
#: description of its own that the main clause's negation does not touch, and a conjoined verb is a
#: statement of its own ("ended their alliance and have fought ever since").
NEGATION_PATH = {
    "ccomp", "xcomp", "dobj", "pobj", "prep", "attr", "acomp", "oprd", "advcl", "acl", "agent",
    "amod", "compound", "npadvmod", "pcomp",
}  # fmt: skip
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december")
    )
}  # fmt: skip
TIME_PREPOSITIONS = {"since", "in", "around", "from", "during"}


@dataclass(frozen=True)
class RelationWords:
    """The lexicon of data/relation_words.tsv, by kind."""

    prep: dict[tuple[str, str], tuple[str, bool]] = field(
        default_factory=dict
    )  # (word, prep) -> (rel, inverse)
    dobj: dict[str, tuple[str, bool]] = field(default_factory=dict)
    role: dict[str, str] = field(default_factory=dict)
    member: set[str] = field(default_factory=set)
    hyphen: dict[str, str] = field(default_factory=dict)
    support: dict[str, str] = field(default_factory=dict)
    qualifier: set[str] = field(default_factory=set)
    former: set[str] = field(default_factory=set)
    denial: set[str] = field(default_factory=set)
    report: set[str] = field(default_factory=set)
    org_noun: set[str] = field(default_factory=set)
    adv_prep: set[str] = field(default_factory=set)


@lru_cache(maxsize=1)
def relation_words() -> RelationWords:
    words = RelationWords()
    for kind, word, *rest in rows("relation_words.tsv"):
        link, relation, direction = (list(rest) + ["-", "", "forward"])[:3]
        inverse = direction == "inverse"
        if kind == "prep":
            words.prep[(word, link)] = (relation, inverse)
        elif kind == "dobj":
            words.dobj[word] = (relation, inverse)
        elif kind == "role":
            words.role[word] = relation
        elif kind == "hyphen":
            words.hyphen[word] = relation
        elif kind == "support":
            words.support[word] = relation
        elif kind in ("member", "qualifier", "former", "denial", "report", "org_noun", "adv_prep"):
            getattr(words, kind).add(word)
        else:
            raise ValueError(f"relation_words.tsv: unknown kind {kind!r}")
    return words


def stated_time(cue: Token) -> str | None:
    """The time the text gives for the relation a word states: "since 2013" -> "2013", "since April 2023"
    -> "2023-04". Looked for on the word, and on the verb a relation noun is the object of ("pledged
    allegiance to X in 2016", "formed an alliance with Y in 2024")."""
    nodes = [cue]
    if (
        cue.pos_ in ("NOUN", "PROPN")
        and cue.dep_ in ("dobj", "oprd", "attr")
        and cue.head.pos_ in ("VERB", "AUX")
    ):
        nodes.append(cue.head)
    elif cue.dep_ == "pobj" and cue.head.dep_ == "prep" and cue.head.head.pos_ in ("VERB", "AUX"):
        nodes.append(cue.head.head)  # "has been at war with X since 1984"
    for node in nodes:
        for prep in node.children:
            if prep.dep_ != "prep" or prep.lower_ not in TIME_PREPOSITIONS:
                continue
            for pobj in prep.children:
                if pobj.dep_ != "pobj" or (pobj.ent_type_ != "DATE" and not pobj.like_num):
                    continue
                words = [t.lower_ for t in pobj.subtree]
                year = next((w for w in words if _YEAR.fullmatch(w)), None)
                if year is None:
                    continue
                month = next((_MONTHS[w] for w in words if w in _MONTHS), None)
                return f"{year}-{month:02d}" if month else year
    return None


class RelationReader:
    """Reads one parsed document's relations; `date` (ISO) is the document's date, the default date of
    every relation whose text gives no time of its own."""

    def __init__(self, doc: Doc, actors: DocumentActors, date: str | None) -> None:
        self.doc = doc
        self.actors = actors
        self.date = date
        self.words = relation_words()
        self.relations: list[Relation] = []
        self._seen: set[tuple[str, str, str]] = set()

    def read(self) -> list[Relation]:
        for canonical, alias, ev, qualifier in self.actors.alias_evidence:
            self._store(canonical, "alias", alias, ev, qualifier, None)
        # a relation links two actors, so a sentence that names none has none (a name found on the way,
        # "Ousmane Diallo, a former JNIM militant", comes with a named organisation)
        with_actors = {m.sent_start for m in self.actors.mentions}
        for sent in self.doc.sents:
            if sent.start not in with_actors:
                continue
            for tok in sent:
                self._prep_relation(tok)
                self._object_relation(tok)
                self._role(tok)
                self._hyphenated(tok)
                self._known_as(tok)
                self._under_command(tok)
                self._including(tok)
                self._on_side(tok)
                self._fight_each_other(tok)
                self._whose_group(tok)
            self._title_before_name(sent)
            self._formerly(sent)
        return self.relations

    # -- recording ------------------------------------------------------------------------------------
    def _store(
        self, subject: str, relation: str, obj: str, ev: Evidence, qualifier: str | None, date: str | None
    ) -> None:
        if not subject or not obj or subject == obj:
            return
        key = (subject, relation, obj)
        if key in self._seen or (
            relation in ("allied_with", "ties_to", "fights") and (obj, relation, subject) in self._seen
        ):
            return
        self._seen.add(key)
        self.relations.append(Relation(subject, relation, obj, ev, qualifier, date or self.date))

    def _add(
        self,
        subject: Actor | None,
        relation: str,
        obj: Actor | None,
        cue: Token,
        qualifiers: list[str] | None = None,
        inverse: bool = False,
    ) -> None:
        if inverse:
            subject, obj = obj, subject
        if subject is None or obj is None or not self._usable(subject) or not self._usable(obj):
            return
        if relation == "affiliated":  # a person is a member; a group is a part
            relation = "member_of" if subject.type == "person" else "part_of"
        if relation in ("part_of", "member_of", "formerly_member_of") and obj.type in ("country", "person"):
            return  # "part of Iraq" is geography; nobody is a member of a person
        if relation in ("leads", "commands") and (
            subject.type == "country" or obj.type in ("country", "person")
        ):
            return  # one leads an organisation: "Biden led Trump in the polls", "the leader of Iran" are not
        if self._negated(cue):
            return
        words = list(dict.fromkeys(qualifiers or []))
        if relation == "formerly_member_of":
            words = [w for w in words if w not in self.words.former]  # the relation type says it already
        self._store(
            subject.name,
            relation,
            obj.name,
            self._sentence_evidence(cue),
            " ".join(words) or None,
            stated_time(cue),
        )

    @staticmethod
    def _usable(actor: Actor) -> bool:
        """A named actor, a country or a state force; not "Civilians (Iraq)" or an unidentified group."""
        return actor.type not in UNNAMED_TYPES and not actor.name.startswith("Unidentified")

    def _sentence_evidence(self, tok: Token) -> Evidence:
        sent = tok.sent
        text = doc_text(self.doc)[sent.start_char : sent.end_char].rstrip()
        return Evidence(sent.start_char, sent.start_char + len(text), text)

    def _negated(self, cue: Token) -> bool:
        """The relation word sits under a negation or a denial in its own clause: "denies any ties to",
        "cut its ties with", "there is no evidence that X had links to", "is not backed by"."""
        node = cue
        for _ in range(10):
            if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in node.children):
                return True
            if node is not cue and node.lemma_.lower() in self.words.denial:
                return True
            if node.dep_ not in NEGATION_PATH or node.head.i == node.i:
                return False
            node = node.head
        return False

    # -- who a phrase names ---------------------------------------------------------------------------
    def _named(self, tok: Token) -> Actor | None:
        """The actor named at a token: a mention, or a proper name the NER missed that the sentence shows
        to be a person ("Ousmane Diallo, 31, a former JNIM militant") or an organisation ("the political
        group Saoradh")."""
        m = self.actors.mention_at(tok)
        if m is not None:
            return m.actor
        if tok.pos_ != "PROPN" or tok.ent_type_ in ("GPE", "LOC", "DATE", "NORP", "FAC", "ORG"):
            return None  # an ORG the actor reader left out is a news agency ("Agence France-Presse")
        start = min([tok.i, *(c.i for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN")])
        if start < tok.i and tok.lemma_.lower() in self.words.org_noun and tok.text[:1].isupper():
            # "the Milenio Cartel", "the Salah Brigade": a capitalised name ending in an organisation word
            found = self.actors.add_found_name(start, tok.i + 1, "organisation")
            return found.actor if found is not None else None
        appos = [c for c in tok.children if c.dep_ == "appos"]
        if any(c.like_num or c.lemma_.lower() in self.words.member | set(self.words.role) for c in appos):
            found = self.actors.add_found_name(start, tok.i + 1, "person")
            return found.actor if found is not None else None
        return None

    def _other_side(self, tok: Token, cue: Token) -> Actor | None:
        """The actor on the far side of a relation word. A person named only as a modifier of a common noun
        ("founded by Hutu officers") is not that actor; a relation dated before the document's year names
        its groups as they were called then ("founded Ansar Dine in 2012", not the group it became)."""
        actor = self._actor(tok)
        if actor is None:
            return None
        m = self.actors.mention_at(tok)
        if (
            actor.type == "person"
            and (m is None or m.actor is not actor)
            and not any(self.actors.mention_at(c) is not None for c in tok.children if c.dep_ == "appos")
        ):
            return None
        when = stated_time(cue)
        doc_year = int(self.date[:4]) if self.date else None
        if when is not None and doc_year is not None and int(when[:4]) < doc_year:
            return self._as_written(actor, tok)
        return actor

    def _actor(self, tok: Token) -> Actor | None:
        """The actor a token's phrase names; an appositive name wins over a title ('its Leader, X'), not over
        a name ("the Quds Force, a U.S.-designated Foreign Terrorist Organization" is the Quds Force)."""
        m = self.actors.mention_at(tok)
        for child in tok.children if m is None else ():
            if child.dep_ == "appos":
                m = self.actors.mention_at(child)
                if m is not None:
                    return m.actor
                if tok.lemma_.lower() in self.words.org_noun and child.pos_ == "PROPN":
                    # "the political group Saoradh": the name the NER took for a place or missed
                    start = min([child.i, *(c.i for c in child.lefts if c.dep_ == "compound")])
                    found = self.actors.add_found_name(start, child.i + 1, "organisation")
                    if found is not None:
                        return found.actor
        if m is not None and m.actor.type == "country":
            return m.actor  # "trained by Iran": the state itself, not its army
        if m is None and tok.pos_ == "NOUN":
            # "Macawisley clan fighters": a group named deeper in the noun's own modifiers
            for left in sorted(
                (t for t in tok.subtree if t.i < tok.i and t.dep_ in ("compound", "nmod")), key=lambda t: t.i
            ):
                lm = self.actors.mention_at(left)
                before = doc_text(self.doc)[max(0, left.idx - 5) : left.idx].lower()
                if (
                    lm is not None
                    and lm.actor.type not in ("country", "person")
                    and not before.endswith(("anti-", "anti "))
                ):
                    return lm.actor
        resolved = self.actors.resolve(tok, self.actors.focus_iso3)
        if resolved:
            found = resolved[0]
            # a common noun points back to a group only when it is definite: "the militia" may be the group
            # named before, "Kurdish groups" are not
            if found.kind == "backref" and not any(
                c.lower_ in ("the", "this", "that", "these", "those") for c in tok.lefts
            ):
                return None
            return found.actor
        if m is not None:
            return m.actor
        return self._named(tok)

    def _described(self, noun: Token) -> Actor | None:
        """The actor a describing noun is about: the name it stands in apposition to ("The White Army, a
        Nuer youth militia loosely allied with ..."), a named group it comes from ("mercenaries from the
        Wagner Group"), else what the noun itself names."""
        if noun.dep_ == "appos":
            named = self._named(noun.head)
            if named is not None:
                return named
        if (
            noun.dep_ == "pobj"
            and noun.head.lower_ == "of"
            and noun.head.head.dep_ == "appos"
            and self.actors.mention_at(noun) is None
        ):
            return self._described(noun.head.head)  # "X, a unit of Russian nationalists fighting ...": X
        if self.actors.mention_at(noun) is None:
            for prep in noun.children:
                if prep.dep_ == "prep" and prep.lower_ in ("from", "of"):
                    for pobj in prep.children:
                        m = self.actors.mention_at(pobj) if pobj.dep_ == "pobj" else None
                        if m is not None and m.actor.type not in ("country", "person"):
                            return m.actor
        return self._actor(noun)

    def _person_above(self, noun: Token) -> Actor | None:
        """ "who" is said of a person: in "X, a fighter affiliated with the Badr Organization who was formerly
        a soldier", the clause hangs on the organisation but describes X. The first person met climbing
        from the noun the clause hangs on, if any."""
        node = noun
        for _ in range(6):
            named = self._named(node)
            if named is not None and named.type == "person":
                return named
            # a group may be a "who" too ("the Security Belt Forces, who answer to ..."); only a group
            # inside a description of a person gives way
            if (
                named is not None
                and node is noun
                and not any(t.dep_ == "appos" for t in [node, *node.ancestors][:5])
            ):
                return None
            if node.head.i == node.i:
                return None
            node = node.head
        return None

    @staticmethod
    def _relative_head(node: Token) -> Token | None:
        """The noun a relative clause describes, from any word inside it."""
        for _ in range(6):
            if node.dep_ == "relcl":
                return node.head
            if node.head.i == node.i:
                return None
            node = node.head
        return None

    def _subject(self, word: Token) -> tuple[Actor | None, list[str]]:
        """The actor a relation word is said of, and the qualifier words met on the way."""
        qualifiers: list[str] = []
        current = word
        for _ in range(8):
            qualifiers += [c.lower_ for c in current.children if c.lower_ in self.words.qualifier]
            subj = next((c for c in current.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            reporting = current is not word and current.lemma_.lower() in self.words.report
            if subj is not None and not reporting:
                if subj.lower_ in RELATIVE_PRONOUNS:
                    noun = self._relative_head(current)
                    if noun is None:
                        return None, qualifiers
                    if subj.lower_ in ("who", "whom"):
                        person = self._person_above(noun)
                        if person is not None:
                            return person, qualifiers
                    return self._described(noun), qualifiers
                return self._described(subj), qualifiers
            if current.dep_ == "conj" or (
                current.dep_ in ("dobj", "attr", "oprd") and current.head.pos_ in ("VERB", "AUX")
            ):
                current = current.head  # "they have close ties with X": the subject of "have"
                continue
            if current.dep_ == "pobj" and current.head.dep_ == "prep":
                prep = current.head
                if prep.head.pos_ in ("VERB", "AUX"):
                    current = prep.head  # "has been at war with X", "serves as Y's minister"
                    continue
                if prep.lower_ in ("with", "without") and prep.head.pos_ in ("NOUN", "PROPN"):
                    return self._described(prep.head), qualifiers  # "a group with ties to X"
                break
            if current.dep_ in ("acl", "amod", "relcl"):
                noun = current.head
                # "made up of groups trained by X": the subject of "made up"
                if (
                    self.actors.mention_at(noun) is None
                    and noun.dep_ == "pobj"
                    and noun.head.head.lemma_ in SUBJECT_CONSTRUCTIONS
                ):
                    current = noun.head.head
                    continue
                return self._described(noun), qualifiers
            if current.dep_ in ("acomp", "xcomp", "ccomp", "advcl") and current.head.i != current.i:
                current = current.head
                continue
            break
        return None, qualifiers

    # -- the readings ---------------------------------------------------------------------------------
    def _lasting(self, verb: Token) -> bool:
        """A fighting verb states a lasting hostility unless it tells one past event: "has fought X since
        2015", "is fighting X", "fights X" do; "fought X on Tuesday" does not."""
        if verb.pos_ not in ("VERB", "AUX"):
            return True  # "at war with", "an insurgency against"
        if any(c.dep_ == "prep" and c.lower_ == "since" for c in verb.children):
            return True
        if any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children):
            return True
        return verb.tag_ in ("VBZ", "VBP", "VBG")

    def _prep_relation(self, tok: Token) -> None:
        keys = {tok.lemma_.lower(), tok.lower_}
        # phrasal verbs: "was set up by X" is not "was set by X"
        keys |= {f"{tok.lemma_.lower()} {c.lower_}" for c in tok.children if c.dep_ == "prt"}
        preps = [c for c in tok.children if c.dep_ in ("prep", "agent")]
        # "has been at war with X": the noun's preposition hangs on the verb
        if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.head.pos_ in ("VERB", "AUX"):
            preps += [c for c in tok.head.head.children if c.dep_ == "prep" and c is not tok.head]
        # "broke away from X": the preposition hangs on the adverb
        preps += [
            g for c in tok.children if c.lower_ in self.words.adv_prep for g in c.children if g.dep_ == "prep"
        ]
        for prep in preps:
            found = next(
                (self.words.prep[(k, prep.lower_)] for k in keys if (k, prep.lower_) in self.words.prep), None
            )
            if found is None:
                continue
            relation, inverse = found
            if relation == "fights" and not self._lasting(tok):
                continue
            if relation == "reports_to" and any(c.dep_ == "dobj" for c in tok.children):
                continue  # "reporting abuses to the authorities" tells who hears, not who commands
            objects = [c for c in prep.children if c.dep_ == "pobj"]
            if not objects:
                continue
            subject, qualifiers = self._subject(tok)
            if subject is None:
                continue
            for obj_tok in [objects[0], *objects[0].conjuncts]:
                self._add(subject, relation, self._other_side(obj_tok, tok), tok, qualifiers, inverse)
        # "receives money and weapons from Iran": what is received says which relation
        if tok.lemma_ in ("receive", "get", "obtain", "accept"):
            received = [c for c in tok.children if c.dep_ == "dobj"]
            kinds = [
                self.words.support.get(t.lemma_.lower()) or self.words.support.get(t.lower_)
                for d in received
                for t in [d, *d.conjuncts]
            ]
            sources = [p for p in tok.children if p.dep_ == "prep" and p.lower_ == "from"]
            if any(kinds) and sources:
                subject, qualifiers = self._subject(tok)
                for relation in dict.fromkeys(k for k in kinds if k):
                    for pobj in (c for p in sources for c in p.children if c.dep_ == "pobj"):
                        self._add(subject, relation, self._other_side(pobj, tok), tok, qualifiers)

    def _known_as(self, tok: Token) -> None:
        """ "Ahlu Sunnah Wa-Jama, the insurgents locally known as al-Shabaab": an alias stated of a noun in
        apposition to the name, which the alias patterns over the raw text cannot see."""
        if tok.lemma_.lower() not in ("know", "call") or tok.tag_ != "VBN":
            return
        for prep in tok.children:
            if prep.dep_ != "prep" or prep.lower_ != "as":
                continue
            for pobj in prep.children:
                if pobj.dep_ != "pobj" or pobj.pos_ != "PROPN":
                    continue
                subject, qualifiers = self._subject(tok)
                if subject is None or subject.type == "country":
                    continue
                # the name with its "of ..." part, up to any comma: "the Gaitanista Self-Defense Forces of
                # Colombia"
                words = [t for t in pobj.subtree if t.dep_ not in ("det", "punct") or t.text == "-"]
                end = next((t.i for t in pobj.subtree if t.i > pobj.i and t.is_punct and t.text != "-"), None)
                words = [t for t in words if end is None or t.i < end]
                alias = self.doc[words[0].i : words[-1].i + 1].text
                if self._negated(tok) or alias == subject.name:
                    continue
                former = "formerly" if any(w in self.words.former for w in qualifiers) else None
                self._store(subject.name, "alias", alias, self._sentence_evidence(tok), former, None)

    def _including(self, tok: Token) -> None:
        """ "X, an alliance of six armed groups including 3R and the UPC": each one named is a member."""
        if tok.lower_ != "including" or tok.dep_ != "prep":
            return
        node = tok.head
        while node.dep_ == "pobj" and node.head.lower_ == "of" and self.actors.mention_at(node) is None:
            node = node.head.head  # "an alliance of six armed groups including X": the alliance
        container = self._described(node) if node.pos_ in ("NOUN", "PROPN") else None
        if container is None or container.type in ("country", "person"):
            return
        for pobj in (c for c in tok.children if c.dep_ == "pobj"):
            for member in [pobj, *pobj.conjuncts]:
                m = self.actors.mention_at(member)
                if m is not None and m.actor.type not in ("country", "person"):
                    self._add(m.actor, "member_of", container, tok)

    def _on_side(self, tok: Token) -> None:
        """ "fighting on Ukraine's side", "on the side of the army": allied with that side."""
        for prep in tok.children:
            if prep.dep_ != "prep" or prep.lower_ != "on":
                continue
            for side in prep.children:
                if side.dep_ != "pobj" or side.lemma_.lower() != "side":
                    continue
                owners = [c for c in side.children if c.dep_ == "poss"]
                owners += [
                    p for o in side.children if o.dep_ == "prep" and o.lower_ == "of" for p in o.children
                ]
                for owner in owners:
                    other = self._other_side(owner, tok)
                    if other is not None:
                        subject, qualifiers = self._subject(tok)
                        self._add(subject, "allied_with", other, tok, qualifiers)

    def _fight_each_other(self, tok: Token) -> None:
        """ "Comando Vermelho and the PCC have fought for control of prisons ever since": conjoined subjects
        of a lasting fight with no object fight each other."""
        if (
            tok.lemma_.lower() not in ("fight", "battle", "feud")
            or tok.pos_ != "VERB"
            or not self._lasting(tok)
        ):
            return
        reciprocal = {"other", "another"}  # "fought each other", "fight one another"
        if any(
            (c.dep_ == "dobj" and c.lower_ not in reciprocal)
            or (c.dep_ == "prep" and c.lower_ in ("against", "alongside", "with"))
            for c in tok.children
        ):
            return
        verb = tok.head if tok.dep_ == "conj" and not any(c.dep_ == "nsubj" for c in tok.children) else tok
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subj is None or not subj.conjuncts:
            return
        sides = [
            a for t in [subj, *subj.conjuncts] if (a := self._named(t)) is not None and a.type != "person"
        ]
        for i, a in enumerate(sides):
            for b in sides[i + 1 :]:
                self._add(a, "fights", b, tok)

    def _whose_group(self, tok: Token) -> None:
        """ "Ahmad Massoud, whose National Resistance Front is fighting the Taliban": a person's group is
        the group the person leads."""
        if tok.lower_ != "whose" or tok.dep_ != "poss":
            return
        m = self.actors.mention_at(tok.head)
        if m is None or m.actor.type in ("country", "person"):
            return
        noun = self._relative_head(tok.head)
        person = self._named(noun) if noun is not None else None
        if person is not None and person.type == "person":
            self._add(person, "leads", m.actor, tok)

    def _under_command(self, tok: Token) -> None:
        """ "operates under the command of X": X commands it (a person) or it reports to X (a body)."""
        for prep in tok.children:
            if prep.dep_ != "prep" or prep.lower_ != "under":
                continue
            for noun in prep.children:
                if noun.dep_ != "pobj" or noun.lemma_.lower() not in (
                    "command",
                    "control",
                    "authority",
                    "leadership",
                ):
                    continue
                for of in noun.children:
                    if of.dep_ != "prep" or of.lower_ != "of":
                        continue
                    for pobj in of.children:
                        other = self._other_side(pobj, tok) if pobj.dep_ == "pobj" else None
                        if other is None:
                            continue
                        subject, qualifiers = self._subject(tok)
                        if other.type == "person":
                            relation = "leads" if noun.lemma_.lower() == "leadership" else "commands"
                            self._add(subject, relation, other, noun, qualifiers, inverse=True)
                        else:
                            self._add(subject, "reports_to", other, noun, qualifiers)

    def _object_relation(self, tok: Token) -> None:
        if not tok.tag_.startswith("VB"):  # "leads" and "heads" are nouns too
            return
        found = self.words.dobj.get(tok.lemma_.lower())
        if found is None:
            return
        relation, inverse = found
        if relation == "fights" and not self._lasting(tok):
            return
        objects = [c for c in tok.children if c.dep_ == "dobj"]
        if not objects:
            return
        subject, qualifiers = self._subject(tok)
        if subject is None:
            return
        for obj_tok in [objects[0], *objects[0].conjuncts]:
            obj = self._other_side(obj_tok, tok)
            if obj is not None and obj.type == "country" and relation in ("leads", "commands", "member_of"):
                continue  # "leads the country" is office, not an organisation
            self._add(subject, relation, obj, tok, qualifiers, inverse)

    def _role_word(self, tok: Token) -> str | None:
        """The role or member noun a token is: "leader", "fighter", "secretary-general" (split by the
        tokenizer into "secretary", "-", "general")."""
        i = tok.i
        if i >= 2 and self.doc[i - 1].text == "-":
            joined = f"{self.doc[i - 2].lower_}-{tok.lower_}"
            if joined in self.words.role:
                return joined
        for key in (tok.lemma_.lower(), tok.lower_):
            if key in self.words.role or key in self.words.member:
                return key
        return None

    def _as_written(self, actor: Actor, tok: Token) -> Actor:
        """The group under the name the text uses, whatever it was called in the document's year: a former
        affiliation is to the group as it was then ("a former FARC negotiator" is not one of Comunes)."""
        m = self.actors.mention_at(tok)
        if m is None or m.actor is not actor:
            return actor
        return self.actors.lookup_name(doc_text(self.doc)[m.start : m.end], any_year=True) or actor

    def _role_targets(self, noun: Token, holder: Actor, as_written: bool = False) -> list[Actor]:
        """The organisations a role noun ties its holder to: "of Y", "Y's", "a Y fighter"."""
        out: list[Actor] = []
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in prep.children:
                    if pobj.dep_ == "pobj" and (a := self._actor(pobj)) is not None:
                        out.append(self._as_written(a, pobj) if as_written else a)
        modifiers = [t for t in noun.subtree if t.i < noun.i and t.dep_ not in ("det", "case", "punct")]
        # "a FARC dissident faction": the modifier phrase as a whole may name an actor
        phrase = [
            t
            for t in modifiers
            if t.lower_ not in self.words.former
            and not any(a.dep_ == "poss" for a in [t, *t.ancestors] if a.i < noun.i)
        ]
        if len(phrase) > 1 and phrase[-1].i - phrase[0].i == len(phrase) - 1:
            text = self.doc[phrase[0].i : phrase[-1].i + 1].text
            for form in (text, text + "s"):
                named = self.actors.lookup_name(form)
                if named is not None:
                    return [*out, named]
        titled = noun.i > 0 and f"{self.doc[noun.i - 1].lower_} {noun.lower_}" in person_titles()
        for owner in (c for c in noun.children if c.dep_ == "poss" and self.actors.mention_at(c) is None):
            if titled and owner.tag_ == "PRP$":
                continue  # "its Supreme Leader": a title of state; "its" may be the state, not a group
            a = self._actor(owner)  # "its armed wing", "the party's youth wing"
            if a is not None and a is not holder:
                out.append(a)
        for mod in modifiers:
            m = self.actors.mention_at(mod)
            if m is not None and m.actor.type not in ("country", "person") and m.actor is not holder:
                out.append(self._as_written(m.actor, mod) if as_written else m.actor)
        return list({a.name: a for a in out}.values())  # one relation per organisation

    def _role(self, tok: Token) -> None:
        """A role noun and its holder: apposition either way round, or a predicate of the holder."""
        if self.actors.mention_at(tok) is not None:
            return  # "Foreign Terrorist Organization" is a name, not the role noun "organization"
        role = self._role_word(tok)
        former = any(c.lower_ in self.words.former for c in tok.children)
        if tok.dep_ in ("attr", "oprd"):  # "who was formerly an Iraqi army soldier"
            former = former or any(c.lower_ in self.words.former for c in tok.head.children)
        if role is None and not former:
            return
        holder: Actor | None = None
        noun = tok
        if tok.dep_ == "appos":
            holder = self._named(tok.head)
        elif (
            role is not None
            and tok.dep_ == "pobj"
            and tok.head.lower_ == "of"
            and tok.head.head.dep_ == "appos"
            and (tok.head.head.lower_ in ("one", "some", "part") or tok.head.head.like_num)
        ):
            holder = self._named(tok.head.head.head)  # "X, one of the Iran-aligned factions of Y"
        elif role is not None and (
            tok.dep_ in ("attr", "oprd")
            or (tok.dep_ == "pobj" and tok.head.lower_ == "as" and tok.head.head.pos_ == "VERB")
        ):
            holder, _ = self._subject(tok)
        elif role is not None:
            # "Hamas's armed wing, the Qassam Brigades": the name is the apposition of the role noun
            named = next((c for c in tok.children if c.dep_ == "appos" and self.actors.mention_at(c)), None)
            if named is not None:
                holder = self.actors.mention_at(named).actor  # type: ignore[union-attr]
        if holder is None or holder.type == "country":
            return
        relation = self.words.role.get(role or "") or ("member_of" if role in self.words.member else None)
        if former:
            relation = "formerly_member_of"  # "a former JNIM militant", "a Boko Haram splinter group"
        if relation is None:
            return
        qualifiers = [c.lower_ for c in tok.children if c.lower_ in self.words.qualifier]
        targets = self._role_targets(noun, holder, as_written=relation == "formerly_member_of")
        if relation in ("leads", "commands") and holder.type != "person":
            return
        if relation == "part_of" and holder.type == "person":
            # "X, the extra-territorial arm of Y" where the parse hangs the apposition on a person
            prev = self.actors.previous_mention(tok.idx, tok.sent.start, sentences_back=0, persons=False)
            if prev is not None:
                for target in targets:
                    self._add(prev.actor, "part_of", target, tok)
            return
        stated = len(self.relations)
        for target in targets:
            self._add(holder, relation, target, tok, qualifiers)
        self._note_role(holder, role, tok, stated)

    def _note_role(self, person: Actor, role: str | None, tok: Token, stated_before: int) -> None:
        """A person's role in the organisation a relation just tied them to ("the commander of Y" ->
        commander; "a former Y fighter" -> former fighter), unless a title already gave one."""
        if person.type != "person" or person.role or not role or len(self.relations) == stated_before:
            return
        former = any(c.lower_ in self.words.former for c in tok.children)
        person.role = f"former {role}" if former else role

    def _title_before_name(self, sent: Span) -> None:
        """ "Hizbul Mujahideen commander Riyaz Naikoo", "a former Hamas official, X", "the party's chief, X",
        "Los Choneros, whose leader X": the role word between an organisation and a person's name."""
        for m in self._sentence_mentions(sent):
            if m.actor.type != "person" or m.token_start < 2:
                continue
            role_tok = self.doc[m.token_start - 1]
            if role_tok.text == "," and m.token_start >= 3:
                role_tok = self.doc[m.token_start - 2]  # "the party's chief, Saad Rizvi"
            role = self._role_word(role_tok)
            if role is None or (
                role_tok.i > 0 and f"{self.doc[role_tok.i - 1].lower_} {role_tok.lower_}" in person_titles()
            ):
                continue  # "its Supreme Leader, X" is a title of state, not a role in a group
            relation = self.words.role.get(role) or "member_of"
            if relation not in ("leads", "commands", "member_of"):
                continue
            org_actor: Actor | None = None
            org = next(
                (
                    o
                    for o in self._sentence_mentions(sent)
                    if o.token_end == role_tok.i and o.actor.type not in ("person", "country")
                ),
                None,
            )
            if org is not None:
                if not (org.actor.known or org.token_end - org.token_start > 1):
                    continue  # a one-word name the NER made up ("Supreme" of "Supreme Leader") is no group
                before = self.doc[org.token_start - 1].lower_ if org.token_start > 0 else ""
                if before in self.words.former:
                    relation = "formerly_member_of"
                org_actor = org.actor
            else:
                owner = next((c for c in role_tok.children if c.dep_ == "poss"), None)
                if owner is None:
                    continue
                if owner.lower_ == "whose":  # "X, whose commander Y": the clause's noun
                    noun = self._relative_head(role_tok)
                    org_actor = self._described(noun) if noun is not None else None
                elif self.actors.mention_at(owner) is None:
                    org_actor = self._actor(owner)  # "its leader", "the party's chief"
            if org_actor is None or org_actor.type in ("person", "country"):
                continue
            stated = len(self.relations)
            self._add(m.actor, relation, org_actor, role_tok)
            self._note_role(m.actor, role, role_tok, stated)

    def _sentence_mentions(self, sent: Span) -> list[ActorMention]:
        return [m for m in self.actors.mentions if sent.start <= m.token_start < sent.end]

    def _hyphenated(self, tok: Token) -> None:
        """'Iranian-backed groups', 'a UAE-trained force', 'an al-Qaeda-linked network'."""
        relation = self.words.hyphen.get(tok.lower_)
        if relation is None or tok.i < 2 or self.doc[tok.i - 1].text != "-":
            return
        other_tok = self.doc[tok.i - 2]
        other: Actor | None = None
        country = self.actors.dictionary.country(other_tok.text)
        m = self.actors.mention_at(other_tok)
        if m is not None and m.actor.type != "person":
            other = m.actor
        elif country is not None:
            other = self.actors.actors.get(country.name) or Actor(
                country.name, "country", country=country.iso3
            )
            self.actors.actors.setdefault(country.name, other)
        if other is None:
            return
        noun = tok.head
        subjects: list[Actor] = []
        m = self.actors.mention_at(noun)
        if m is not None and m.actor is not other:
            subjects.append(m.actor)
        else:
            # "X and Y, two of the main Iranian-backed groups": climb to what the apposition describes
            node = noun
            for _ in range(3):
                if node.dep_ == "appos":
                    head = node.head
                    for t in [head, *head.conjuncts]:
                        named = self._named(t)
                        if named is not None:
                            subjects.append(named)
                    break
                node = node.head
        for subject in subjects:
            self._add(subject, relation, other, tok)

    def _formerly(self, sent: Span) -> None:
        """'..., who was formerly an Iraqi army soldier': formerly_member_of the organisation named in the
        predicate, said of the person named before it."""
        for tok in sent:
            if tok.lower_ != "formerly":
                continue
            noun = next((c for c in tok.head.children if c.dep_ in ("attr", "dobj")), None)
            if noun is None or noun.lemma_.lower() not in self.words.member:
                continue
            org = self._actor(noun)
            if org is not None:
                org = next(
                    (self._as_written(org, t) for t in noun.subtree if self.actors.mention_at(t) is not None),
                    org,
                )
            persons = [
                m
                for m in self.actors.mentions
                if m.actor.type == "person" and sent.start_char <= m.start < tok.idx
            ]
            if org is not None and persons:
                self._add(persons[-1].actor, "formerly_member_of", org, tok)
