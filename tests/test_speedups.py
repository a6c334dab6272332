"""The speed-ups of issue 8 change no output: the actor ruler finds exactly what spaCy's EntityRuler with
the former token patterns found, the cached `doc_text` is `Doc.text`, and batched parsing
(`Pipeline.parse_many`) gives the extractions one-at-a-time parsing gives."""

from __future__ import annotations

import json
from pathlib import Path

from spacy.pipeline import EntityRuler

from eventwire.ingest import iter_paths, read_path
from eventwire.nlp import _actor_names, doc_text, load_pipeline
from eventwire.pipeline import Pipeline
from eventwire.resolve.dictionary import ActorDictionary

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TRICKY = (
    "Fighters of al-Shabaab and the Islamic State attacked; IS claimed it, but is it true? "
    "The RSF, the Rapid Support Forces and the Sudanese Armed Forces clashed. Boko Haram and ISWAP "
    "fighters, the People's Defence Forces and the Ta'ang National Liberation Army were named too."
)


def test_actor_ruler_matches_the_entity_ruler_it_replaced() -> None:
    nlp = load_pipeline()
    reference = EntityRuler(nlp, name="reference", phrase_matcher_attr=None)
    exact, any_case = _actor_names(ActorDictionary.default())

    def words(name: str) -> list[str]:
        return [t.text for t in nlp.tokenizer(name)]

    reference.add_patterns(
        [{"label": "ORG", "pattern": [{"ORTH": w} for w in words(n)], "id": "actor"} for n in exact]
        + [
            {"label": "ORG", "pattern": [{"LOWER": w.lower()} for w in words(n)], "id": "actor"}
            for n in any_case
        ]  # fmt: skip
    )
    ruler = nlp.get_pipe("eventwire_actor_ruler")
    texts = [TRICKY] + [read_path(p).text for p in iter_paths([str(EXAMPLES)]) if not p.endswith(".md")]
    total = 0
    for text in texts:
        ours = [(e.start, e.end, e.label_, e.ent_id_) for e in ruler(nlp.make_doc(text)).ents]
        theirs = [(e.start, e.end, e.label_, e.ent_id_) for e in reference(nlp.make_doc(text)).ents]
        assert ours == theirs, text[:60]
        total += len(ours)
    assert total > 20


def test_doc_text_is_the_doc_text() -> None:
    doc = load_pipeline()(TRICKY)
    assert doc_text(doc) == doc.text == TRICKY
    assert doc_text(doc) is doc_text(doc)  # built once


def test_batched_parsing_gives_the_same_extractions() -> None:
    docs = [read_path(p) for p in iter_paths([str(EXAMPLES)]) if not p.endswith(".md")]
    pipeline = Pipeline()
    one_by_one = [json.dumps(pipeline.extract(d).to_dict(), sort_keys=True) for d in docs]
    parsed = pipeline.parse_many(docs)
    assert all(p is not None for p in parsed)
    batched = [
        json.dumps(pipeline.extract(d, p).to_dict(), sort_keys=True)
        for d, p in zip(docs, parsed, strict=True)
    ]
    assert batched == one_by_one
