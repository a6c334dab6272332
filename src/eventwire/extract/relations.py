"""Relations between actors that the text states, each with its evidence span and qualifier words.

Three readings of the parse, each general:
- relation words with a subject and an object: "reports (officially) to X", "trained by X",
  "backed/funded/armed by X", "loyal to X", "allied with X", "(close) ties with X", "affiliated with X";
  the subject is found through the clause (a pronoun or "the coalition" points back to the actor named
  before; "made up of groups trained by X" gives the subject of "made up");
- apposition to a person or group: "X, the commander of Y" (commands), "X, the leader of Y" (leads),
  "X, the armed wing / arm / branch of Y" (part_of), "X, 26, a Y fighter" (member_of), "who was formerly
  a Y soldier" (formerly_member_of);
- "Iranian-backed groups" in apposition to named groups (backed_by the country);
plus the alias statements the actor reader found ("also known as", "X (ACR)", "is an acronym for").
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from ..model import Actor, Evidence, Relation
from .actors import DocumentActors

#: relation word (lemma) + the preposition that introduces the other side -> relation name
VERB_RELATIONS: dict[tuple[str, str], str] = {
    ("report", "to"): "reports_to",
    ("answer", "to"): "reports_to",
    ("train", "by"): "trained_by",
    ("back", "by"): "backed_by",
    ("fund", "by"): "backed_by",
    ("arm", "by"): "backed_by",
    ("support", "by"): "backed_by",
    ("sponsor", "by"): "backed_by",
    ("finance", "by"): "backed_by",
    ("loyal", "to"): "loyal_to",
    ("ally", "with"): "allied_with",
    ("allied", "with"): "allied_with",
    ("allied", "to"): "allied_with",
    ("tie", "with"): "ties_to",
    ("tie", "to"): "ties_to",
    ("link", "to"): "ties_to",
    ("link", "with"): "ties_to",
    ("affiliate", "with"): "member_of",
    ("affiliated", "with"): "member_of",
    ("belong", "to"): "member_of",
    ("command", "by"): "commanded_by",
    ("lead", "by"): "led_by",
    ("fight", "against"): "fights",
}
ROLE_OF = {
    "commander": "commands",
    "chief": "leads",
    "head": "leads",
    "leader": "leads",
    "founder": "leads",
    "chairman": "leads",
    "emir": "leads",
    "arm": "part_of",
    "wing": "part_of",
    "branch": "part_of",
    "unit": "part_of",
    "division": "part_of",
    "faction": "part_of",
    "affiliate": "part_of",
    "offshoot": "part_of",
    "member": "member_of",
    "brigade": "part_of",
    "battalion": "part_of",
}
MEMBER_NOUNS = {
    "fighter",
    "member",
    "militant",
    "soldier",
    "militiaman",
    "officer",
    "commander",
    "official",
    "spokesman",
    "spokesperson",
    "operative",
    "recruit",
    "volunteer",
    "combatant",
    "rebel",
}
QUALIFIERS = {
    "officially",
    "formally",
    "nominally",
    "mostly",
    "largely",
    "partly",
    "reportedly",
    "allegedly",
    "formerly",
    "once",
    "previously",
    "secretly",
    "openly",
    "loosely",
    "closely",
    "directly",
    "indirectly",
    "mainly",
    "partially",
}
SUBJECT_CONSTRUCTIONS = {"make", "compose", "consist", "comprise", "form"}


class RelationReader:
    def __init__(self, doc: Doc, actors: DocumentActors, date: str | None) -> None:
        self.doc = doc
        self.actors = actors
        self.date = date
        self.relations: list[Relation] = []
        self._seen: set[tuple[str, str, str]] = set()

    def read(self) -> list[Relation]:
        for canonical, alias, ev, qualifier in self.actors.alias_evidence:
            self._add(canonical, "alias", alias, ev, qualifier)
        for sent in self.doc.sents:
            for tok in sent:
                self._verb_relation(tok)
                self._apposition(tok)
                self._country_backed(tok)
            self._formerly(sent)
        return self.relations

    # -- helpers --------------------------------------------------------------------------------------
    def _add(self, subject: str, relation: str, obj: str, ev: Evidence, qualifier: str | None = None) -> None:
        if relation == "commanded_by":
            subject, relation, obj = obj, "commands", subject
        elif relation == "led_by":
            subject, relation, obj = obj, "leads", subject
        if not subject or not obj or subject == obj:
            return
        key = (subject, relation, obj)
        if key in self._seen:
            return
        self._seen.add(key)
        self.relations.append(Relation(subject, relation, obj, ev, qualifier, self.date))

    def _sentence_evidence(self, tok: Token) -> Evidence:
        sent = tok.sent
        text = self.doc.text[sent.start_char : sent.end_char].rstrip()
        return Evidence(sent.start_char, sent.start_char + len(text), text)

    def _actor(self, tok: Token) -> Actor | None:
        """The actor a token's phrase names; an appositive name wins over a title ('its Leader, X')."""
        for child in tok.children:
            if child.dep_ == "appos":
                m = self.actors.mention_at(child)
                if m is not None:
                    return m.actor
        m = self.actors.mention_at(tok)
        if m is not None and m.actor.type == "country":
            return m.actor  # "trained by Iran": the state itself, not its army
        resolved = self.actors.resolve(tok, self.actors.focus_iso3)
        if resolved:
            return resolved[0].actor
        m = self.actors.mention_at(tok)
        if m is not None:
            return m.actor
        return None

    def _subject(self, word: Token) -> tuple[Actor | None, list[str]]:
        """The actor a relation word is said of, and the qualifier words met on the way."""
        qualifiers: list[str] = []
        current = word
        for _ in range(6):
            qualifiers += [c.lower_ for c in current.children if c.lower_ in QUALIFIERS]
            subj = next((c for c in current.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None:
                return self._actor(subj), qualifiers
            if current.dep_ == "conj" or (
                current.dep_ in ("dobj", "attr") and current.head.pos_ in ("VERB", "AUX")
            ):
                current = current.head  # "they have close ties with X": the subject of "have"
                continue
            if current.dep_ in ("acl", "amod", "relcl"):
                noun = current.head
                m = self.actors.mention_at(noun)
                if m is not None:
                    return m.actor, qualifiers
                # "made up of groups trained by X": the subject of "made up"
                if noun.dep_ == "pobj" and noun.head.head.lemma_ in SUBJECT_CONSTRUCTIONS:
                    current = noun.head.head
                    continue
                if noun.dep_ == "appos":
                    return self._actor(noun.head), qualifiers
                return self._actor(noun), qualifiers
            if current.dep_ in ("acomp", "xcomp", "ccomp", "advcl") and current.head.i != current.i:
                current = current.head
                continue
            break
        return None, qualifiers

    # -- the three readings ---------------------------------------------------------------------------
    def _verb_relation(self, tok: Token) -> None:
        lemma = tok.lemma_.lower()
        for prep in tok.children:
            if prep.dep_ not in ("prep", "agent"):
                continue
            relation = VERB_RELATIONS.get((lemma, prep.lower_)) or VERB_RELATIONS.get(
                (tok.lower_, prep.lower_)
            )
            if relation is None:
                continue
            objects = [c for c in prep.children if c.dep_ == "pobj"]
            if not objects:
                continue
            subject, qualifiers = self._subject(tok)
            if subject is None:
                continue
            for obj_tok in [objects[0], *objects[0].conjuncts]:
                obj = self._actor(obj_tok)
                if obj is not None:
                    self._add(
                        subject.name,
                        relation,
                        obj.name,
                        self._sentence_evidence(tok),
                        " ".join(dict.fromkeys(qualifiers)) or None,
                    )

    def _apposition(self, tok: Token) -> None:
        if tok.dep_ != "appos":
            return
        holder = self.actors.mention_at(tok.head)
        if holder is None:
            return
        lemma = tok.lemma_.lower()
        ev = self._sentence_evidence(tok)
        of_objects = [
            c
            for p in tok.children
            if p.dep_ == "prep" and p.lower_ == "of"
            for c in p.children
            if c.dep_ == "pobj"
        ]
        if (
            lemma in ROLE_OF
            and of_objects
            and not (ROLE_OF[lemma] == "part_of" and holder.actor.type == "person")
        ):
            target = self._actor(of_objects[0])
            if target is not None:
                self._add(holder.actor.name, ROLE_OF[lemma], target.name, ev)
                return
        if lemma in MEMBER_NOUNS:
            for mod in tok.children:
                if mod.dep_ in ("compound", "amod", "nmod"):
                    m = self.actors.mention_at(mod)
                    if m is not None and m.actor.type != "country":
                        self._add(holder.actor.name, "member_of", m.actor.name, ev)
            # "a PMF fighter affiliated with X": the affiliation belongs to the person
            for acl in tok.children:
                if acl.dep_ == "acl":
                    for prep in acl.children:
                        relation = VERB_RELATIONS.get(
                            (acl.lemma_.lower(), prep.lower_)
                        ) or VERB_RELATIONS.get((acl.lower_, prep.lower_))
                        if relation is None:
                            continue
                        for obj_tok in prep.children:
                            if obj_tok.dep_ == "pobj" and (obj := self._actor(obj_tok)) is not None:
                                self._add(holder.actor.name, relation, obj.name, ev)
        # "X, the extra-territorial arm of Y" where the parse hangs the apposition on the wrong noun
        if lemma in ROLE_OF and ROLE_OF[lemma] == "part_of" and of_objects and holder.actor.type == "person":
            prev = self.actors.previous_mention(tok.idx, tok.sent.start, sentences_back=0, persons=False)
            target = self._actor(of_objects[0])
            if prev is not None and target is not None:
                self._add(prev.actor.name, "part_of", target.name, ev)

    def _country_backed(self, tok: Token) -> None:
        """'Iranian-backed groups' / 'Iran-backed X': backed_by that country."""
        if tok.lower_ not in ("backed", "funded", "sponsored", "trained", "armed", "supported"):
            return
        prev = tok.doc[tok.i - 1] if tok.i > 0 else None
        if prev is None or prev.text != "-" or tok.i < 2:
            return
        country_tok = tok.doc[tok.i - 2]
        country = self.actors.dictionary.country(country_tok.text)
        if country is None:
            return
        relation = {"trained": "trained_by"}.get(tok.lower_, "backed_by")
        noun = tok.head
        subjects: list[Actor] = []
        m = self.actors.mention_at(noun)
        if m is not None:
            subjects.append(m.actor)
        else:
            # "X and Y, two of the main Iranian-backed groups": climb to what the apposition describes
            node = noun
            for _ in range(3):
                if node.dep_ == "appos":
                    head = node.head
                    for t in [head, *head.conjuncts]:
                        hm = self.actors.mention_at(t)
                        if hm is not None:
                            subjects.append(hm.actor)
                    break
                node = node.head
        country_actor = self.actors.actors.get(country.name) or Actor(
            country.name, "country", country=country.iso3
        )
        self.actors.actors.setdefault(country.name, country_actor)
        for subject in subjects:
            self._add(subject.name, relation, country_actor.name, self._sentence_evidence(tok))

    def _formerly(self, sent) -> None:
        """'..., who was formerly an Iraqi army soldier' / 'a former X fighter': formerly_member_of."""
        for tok in sent:
            if tok.lower_ not in ("formerly", "former", "ex"):
                continue
            noun = (
                tok.head
                if tok.lower_ == "former"
                else next((c for c in tok.head.children if c.dep_ in ("attr", "dobj")), None)
            )
            if noun is None or noun.lemma_.lower() not in MEMBER_NOUNS:
                continue
            org = self._actor(noun)
            persons = [
                m
                for m in self.actors.mentions
                if m.actor.type == "person" and sent.start_char <= m.start < tok.idx
            ]
            if org is not None and persons:
                self._add(
                    persons[-1].actor.name,
                    "formerly_member_of",
                    org.name,
                    self._sentence_evidence(tok),
                    "formerly",
                )
