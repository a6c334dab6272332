"""The relations scorer (`score_relations`, `relation_match`, `read_relations`) on hand-made gold.

A scorer bug would mislead every change to the relation reader, so each matching rule has a test that
needs no spaCy: type must agree, names match case-insensitively or through the dictionary, the alias side
of an alias must be written the same, symmetric relations match either way round, matching is one-to-one,
and qualifier and date are scored only over matched relations.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.errors import InputError
from eventwire.evaluate import (
    read_relations,
    relation_errors,
    relation_match,
    run,
    score_relations,
)
from eventwire.resolve.dictionary import ActorDictionary

TINY = Path(__file__).parent / "fixtures" / "evaluate" / "relations_tiny.yaml"

ACTORS_YAML = """
- name: "Jama'at Nusrat al-Islam wal-Muslimin"
  aliases: [JNIM, Group for the Support of Islam and Muslims]
  type: rebel_group
  inter: 2
- name: "Malian Armed Forces"
  aliases: [Malian army, FAMa]
  type: state_forces
  inter: 1
- name: "Wagner Group"
  aliases: [Wagner]
  type: private_military
  inter: 8
"""
COUNTRIES_TSV = "iso3\tiso2\tname\tdemonyms\taliases\nMLI\tML\tMali\tMalian\t\n"


@pytest.fixture(scope="module")
def dictionary() -> ActorDictionary:
    return ActorDictionary.from_texts(ACTORS_YAML, COUNTRIES_TSV)


def rel(subject: str, relation: str, obj: str, qualifier: str | None = None, date: str | None = None) -> dict:
    return {"subject": subject, "relation": relation, "object": obj, "qualifier": qualifier, "date": date}


def test_reader_keeps_dates_as_strings_and_qualifiers() -> None:
    items = read_relations(TINY)
    assert [i["id"] for i in items] == ["t1", "t2", "t3"]
    assert items[0]["published"] == "2020-02-17"  # YAML's date object comes back as ISO text
    assert items[1]["published"] is None
    assert items[0]["relations"][1] == rel("Wagner Group", "allied_with", "Malian army", "loosely", "2021")
    assert items[2]["relations"] == []


def test_reader_rejects_an_unknown_relation_type(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- id: x\n  text: Some text.\n  relations:\n    - {subject: A, relation: friends, object: B}\n"
    )
    with pytest.raises(InputError, match="friends"):
        read_relations(bad)


def test_names_match_case_insensitively_or_through_the_dictionary(dictionary: ActorDictionary) -> None:
    gold = rel("Wagner Group", "allied_with", "Malian Armed Forces")
    assert relation_match(gold, rel("wagner group", "allied_with", "MALIAN ARMED FORCES"))
    assert not relation_match(gold, rel("Wagner", "allied_with", "FAMa"))  # without a dictionary
    assert relation_match(gold, rel("Wagner", "allied_with", "FAMa"), dictionary)
    assert not relation_match(gold, rel("Wagner Group", "ties_to", "Malian Armed Forces"), dictionary)


def test_direction_counts_except_for_symmetric_relations(dictionary: ActorDictionary) -> None:
    assert relation_match(rel("A", "fights", "B"), rel("B", "fights", "A"))
    assert relation_match(rel("A", "allied_with", "B"), rel("B", "allied_with", "A"))
    assert not relation_match(rel("A", "leads", "B"), rel("B", "leads", "A"))
    assert not relation_match(rel("A", "backed_by", "B"), rel("B", "backed_by", "A"))


def test_an_alias_must_be_the_alias_written_not_any_alias(dictionary: ActorDictionary) -> None:
    gold = rel("Jama'at Nusrat al-Islam wal-Muslimin", "alias", "JNIM")
    assert relation_match(gold, rel("JNIM", "alias", "Jama'at Nusrat al-Islam wal-Muslimin"), dictionary)
    # both names are aliases of one entry, but the text stated "JNIM", not the English name
    assert not relation_match(
        gold,
        rel("Jama'at Nusrat al-Islam wal-Muslimin", "alias", "Group for the Support of Islam and Muslims"),
        dictionary,
    )


def test_precision_recall_f1_and_per_type_counts(dictionary: ActorDictionary) -> None:
    items = read_relations(TINY)
    predictions = [
        # t1: one right, one wrong type, the allied_with missed
        [rel("Amadou Koufa", "leads", "Katiba Macina"), rel("Amadou Koufa", "commands", "Katiba Macina")],
        # t2: the alias stated the other way round
        [rel("Jama'at Nusrat al-Islam wal-Muslimin", "alias", "JNIM")],
        # t3: a relation where none is stated
        [rel("Bamako", "fights", "rain")],
    ]
    m = score_relations(items, predictions, dictionary)
    assert m["n"] == 3 and m["n_gold"] == 3 and m["n_predicted"] == 4 and m["n_matched"] == 2
    assert m["relation_precision"] == 0.5
    assert m["relation_recall"] == pytest.approx(0.6667)
    assert m["relation_f1"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3), abs=1e-4)
    assert m["per_relation"]["leads"] == {"gold": 1, "predicted": 1, "matched": 1}
    assert m["per_relation"]["commands"] == {"gold": 0, "predicted": 1, "matched": 0}
    assert m["per_relation"]["allied_with"] == {"gold": 1, "predicted": 0, "matched": 0}
    assert "member_of" not in m["per_relation"]  # types neither side used are left out
    assert m["no_relation_clean"] == 0.0


def test_one_prediction_matches_one_gold_relation_only() -> None:
    items = [{"id": "x", "text": "t", "relations": [rel("A", "leads", "B"), rel("A", "leads", "B")]}]
    m = score_relations(items, [[rel("A", "leads", "B")]])
    assert (m["n_matched"], m["relation_precision"], m["relation_recall"]) == (1, 1.0, 0.5)


def test_matching_is_maximal_not_first_fit(dictionary: ActorDictionary) -> None:
    jnim, arabic, english = (
        "JNIM",
        "Jama'at Nusrat al-Islam wal-Muslimin",
        "Group for the Support of Islam and Muslims",
    )
    # gold 1 accepts both predictions (the Arabic name is written in each), gold 2 only the first (the
    # English name is written only there): first-fit would give gold 1 the first and leave gold 2 unmatched
    golds = [rel(jnim, "alias", arabic), rel(jnim, "alias", english)]
    preds = [rel(arabic, "alias", english), rel(arabic, "alias", jnim)]
    assert relation_match(golds[0], preds[0], dictionary) and relation_match(golds[0], preds[1], dictionary)
    assert relation_match(golds[1], preds[0], dictionary) and not relation_match(
        golds[1], preds[1], dictionary
    )
    items = [{"id": "x", "text": "t", "relations": golds}]
    assert score_relations(items, [preds], dictionary)["n_matched"] == 2


def test_qualifier_and_date_are_scored_over_matched_relations_only() -> None:
    items = [
        {
            "id": "x",
            "text": "t",
            "relations": [
                rel("A", "backed_by", "B", "reportedly", "2019"),
                rel("C", "loyal_to", "D", None, "2014"),
                rel("E", "leads", "F", "officially"),
            ],
        }
    ]
    preds = [
        [
            rel("A", "backed_by", "B", "reportedly", "2019-05-02"),  # date within the stated year
            rel("C", "loyal_to", "D", "allegedly", "2015"),  # qualifier and date both wrong
        ]
    ]
    m = score_relations(items, preds)
    assert m["qualifier_accuracy"] == 0.5  # the unmatched "officially" relation is not counted
    assert m["date_accuracy"] == 0.5
    [row] = relation_errors(items, preds)
    assert row["missed"] == ["E leads F [officially]"]
    assert row["spurious"] == []
    assert len(row["qualifier_or_date"]) == 1


def test_no_predictions_gives_zero_recall_and_no_precision() -> None:
    items = [{"id": "x", "text": "t", "relations": [rel("A", "leads", "B")]}]
    m = score_relations(items, [[]])
    assert m["relation_recall"] == 0.0
    assert m["relation_precision"] is None
    with pytest.raises(ValueError):
        score_relations(items, [])


def test_run_scores_a_pipeline_and_counts_crashes() -> None:
    class Fixed:
        """A stand-in pipeline: the first item's relations, a crash on the alias sentence."""

        def extract(self, doc):  # noqa: ANN001, ANN201 - duck-typed like Pipeline.extract
            from eventwire.model import Evidence, Extraction, Relation

            if "also known" in doc.text:
                raise RuntimeError("boom")
            ev = Evidence(0, len(doc.text), doc.text)
            rels = [Relation("Amadou Koufa", "leads", "Katiba Macina", ev)] if "Koufa" in doc.text else []
            return Extraction(document=doc, relations=rels)

    metrics, errors = run("relations", TINY, pipeline=Fixed())
    assert metrics["pipeline_errors"] == 1
    assert metrics["n_matched"] == 1 and metrics["relation_recall"] == pytest.approx(0.3333)
    assert {e["id"] for e in errors} == {"t1", "t2"}
