"""The evaluation scorers on hand-made gold and prediction lists, and `eventwire evaluate` end to end.

Scorer bugs mislead every later decision, so each rule of `score_acled` and `score_event_location` has a
test here that needs no spaCy; one test runs the command on a three-row invented ACLED-format CSV.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from eventwire.evaluate import (
    ACLED_METRICS,
    acled_errors,
    actor_match,
    align_offsets,
    best_event,
    extract_event_location,
    gold_location_spans,
    macro_f1,
    normalize_actor,
    read_event_location,
    score_acled,
    score_event_location,
)
from eventwire.resolve.dictionary import ActorDictionary

FIXTURES = Path(__file__).parent / "fixtures" / "evaluate"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"

ACTORS_YAML = """
- name: "JNIM: Group for Support of Islam and Muslims"
  aliases: [JNIM, Jama'at Nusrat al-Islam wal-Muslimin]
  type: rebel_group
  inter: 2
- name: "Wagner Group"
  aliases: [Wagner]
  type: private_military
  inter: 8
"""
COUNTRIES_TSV = "iso3\tiso2\tname\tdemonyms\taliases\nMLI\tML\tMali\tMalian\t\n"


@pytest.fixture(scope="module")
def tiny_dictionary() -> ActorDictionary:
    return ActorDictionary.from_texts(ACTORS_YAML, COUNTRIES_TSV)


def gold(**fields: str) -> dict[str, str]:
    row = {
        "event_id_cnty": "X1",
        "event_date": "2023-04-02",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "JNIM: Group for Support of Islam and Muslims",
        "actor2": "Military Forces of Mali (2021-)",
        "country": "Mali",
        "latitude": "14.0",
        "longitude": "-4.0",
        "fatalities": "3",
        "notes": "invented",
    }
    row.update(fields)
    return row


def event(**fields: object) -> dict[str, object]:
    ev: dict[str, object] = {
        "event_date": "2023-04-02",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "JNIM: Group for Support of Islam and Muslims",
        "actor2": "Military Forces of Mali (2021-)",
        "country": "Mali",
        "latitude": 14.0,
        "longitude": -4.0,
        "fatalities": 3,
        "evidence": {},
    }
    ev.update(fields)
    return ev


# ------------------------------------------------------------------------------------------ actor matching


def test_year_range_is_stripped_and_case_ignored() -> None:
    assert normalize_actor("Military Forces of Mali (2021-)") == "military forces of mali"
    assert normalize_actor("Police Forces of Chad (2014-2018)") == "police forces of chad"
    # The period label before a branch name, open or closed, is the same label.
    assert normalize_actor("Military Forces of Peru (2016-) Navy") == "military forces of peru navy"
    assert normalize_actor("Military Forces of Peru (2016-2018) Navy") == "military forces of peru navy"
    assert normalize_actor("Police Forces of Peru (2016-)") == normalize_actor("police forces of peru")
    # A year that is part of the name is not a period label.
    assert normalize_actor("Rioters (2016) Group") == "rioters (2016) group"
    assert actor_match("Military Forces of Mali (2021-)", "military forces of mali")
    assert actor_match("Police Forces of Chad (2014-2018)", "Police Forces of Chad (2021-)")
    assert not actor_match("Military Forces of Mali (2021-)", "Military Forces of Niger (2021-)")
    assert not actor_match("Military Forces of Mali (2021-)", None)


def test_alias_resolving_to_the_same_entry_matches(tiny_dictionary: ActorDictionary) -> None:
    assert actor_match("JNIM: Group for Support of Islam and Muslims", "JNIM", tiny_dictionary)
    assert actor_match("Wagner", "Wagner Group", tiny_dictionary)
    assert not actor_match("JNIM", "Wagner", tiny_dictionary)
    assert not actor_match("JNIM", "Nobody Known", tiny_dictionary)
    assert not actor_match("JNIM: Group for Support of Islam and Muslims", "JNIM")  # no dictionary, no alias


def test_actor_scores_skip_rows_with_empty_gold(tiny_dictionary: ActorDictionary) -> None:
    golds = [gold(actor2=""), gold(actor2="Wagner Group"), gold(actor2="Wagner Group")]
    preds = [[event(actor2=None)], [event(actor2="Wagner")], [event(actor2="Someone Else")]]
    scores = score_acled(golds, preds, tiny_dictionary)
    assert scores["actor2_match"] == 0.5  # 1 of the 2 rows with a gold actor2
    assert scores["actor2_exact"] == 0.0  # "Wagner" is an alias, not the exact string
    assert scores["actor1_match"] == 1.0 and scores["actor1_exact"] == 1.0


# ------------------------------------------------------------------------------------------ ACLED scores


def test_best_of_several_events_is_scored() -> None:
    g = gold()
    wrong = event(event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (Mali)")
    right = event()
    assert best_event(g, [wrong, right]) is right
    scores = score_acled([g], [[wrong, right]])
    assert scores["event_type_accuracy"] == 1.0 and scores["actor1_exact"] == 1.0
    assert scores["event_recall"] == 1.0


def test_rows_without_event_count_as_wrong_and_median_uses_rows_with_coordinates() -> None:
    golds = [gold(), gold(), gold(), gold()]
    # ~11 km, ~33 km and ~0 km away; the fourth row gets no event.
    preds = [[event(latitude=14.1)], [event(latitude=14.3)], [event()], []]
    scores = score_acled(golds, preds)
    assert scores["n"] == 4
    assert scores["event_recall"] == 0.75
    assert scores["event_type_accuracy"] == 0.75
    assert scores["location_within_25km"] == 0.5
    assert scores["median_error_km"] == pytest.approx(11.12, abs=0.05)
    assert scores["fatalities_exact"] == 0.75
    assert scores["fatalities_mae"] == 0.0  # over rows with an event


def test_dates_countries_and_fatalities() -> None:
    golds = [gold(), gold(), gold(fatalities="0")]
    preds = [[event(event_date="2023-04-01", fatalities=5)], [event(country="Niger")], [event(fatalities=0)]]
    scores = score_acled(golds, preds)
    assert scores["date_exact"] == pytest.approx(2 / 3, abs=1e-4)
    assert scores["country_accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert scores["fatalities_exact"] == pytest.approx(2 / 3, abs=1e-4)
    assert scores["fatalities_mae"] == pytest.approx(2 / 3, abs=1e-3)


def test_macro_f1_on_a_known_confusion() -> None:
    # A: tp 1, fn 1 -> F1 2/3; B: tp 1, fp 1 -> F1 2/3; C: fn 1 (no prediction) -> 0.  Mean 4/9.
    gold_labels = ["A", "A", "B", "C"]
    predicted = ["A", "B", "B", None]
    assert macro_f1(gold_labels, predicted) == pytest.approx(4 / 9, abs=1e-4)
    assert macro_f1(["A", "B"], ["A", "B"]) == 1.0


def test_errors_put_the_worst_rows_first() -> None:
    golds = [gold(event_id_cnty="good"), gold(event_id_cnty="none")]
    golds.append(gold(event_id_cnty="date"))
    rows = acled_errors(golds, [[event()], [], [event(event_date="2023-01-01")]])
    assert [r["id"] for r in rows] == ["none", "date"]  # a row with nothing wrong is no error
    assert rows[0]["ours"] is None and "event_type" in rows[0]["wrong"]
    assert rows[1]["wrong"] == ["date"]


def test_length_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError):
        score_acled([gold()], [])


# ------------------------------------------------------------------------------------------ event location


def test_event_location_span_overlap_and_no_location() -> None:
    text = "Rebels attacked the town of Kidal on Sunday."
    with_place = {"text": text, "spans": [{"start": 7, "end": 15, "label": "VERB"},
                                          {"start": 28, "end": 33, "label": "LOCATION"}]}  # fmt: skip
    without = {"text": "Rebels attacked a convoy.", "spans": [{"start": 7, "end": 15, "label": "VERB"}]}
    broken = {"text": text, "spans": [{"start": 28, "end": 28, "label": "LOCATION", "text": "Kidal"}]}
    assert gold_location_spans(broken) == [(28, 33)]
    scores = score_event_location([with_place, without, broken, with_place], [(28, 33), None, (28, 31), None])
    assert scores == {"accuracy": 0.75, "n": 4}
    assert score_event_location([without], [(0, 6)])["accuracy"] == 0.0


def _tokens(text: str) -> list[dict[str, Any]]:
    """Whitespace tokens with character offsets, as the annotation tool writes them."""
    return [{"text": m.group(), "start": m.start(), "end": m.end(), "id": i}
            for i, m in enumerate(re.finditer(r"\S+", text))]  # fmt: skip


def test_event_location_gold_span_written_as_token_indices() -> None:
    # The tool sometimes writes token indices into start/end; the place named twice shows that the
    # token indices, not the text occurrence nearest the (token-index) start, pick which one is gold.
    text = "Militants from Kidal stormed a checkpoint near Kidal on Sunday ."
    record = {
        "text": text,
        "tokens": _tokens(text),
        "spans": [
            {"start": 3, "end": 3, "token_start": 3, "token_end": 3, "label": "VERB", "text": "stormed"},
            {"start": 7, "end": 7, "token_start": 7, "token_end": 7, "label": "LOCATION", "text": "Kidal"},
        ],
    }
    second = text.rindex("Kidal")
    assert gold_location_spans(record) == [(second, second + 5)]
    first = text.index("Kidal")
    assert score_event_location([record], [(first, first + 5)])["accuracy"] == 0.0
    assert score_event_location([record], [(second, second + 5)])["accuracy"] == 1.0
    # Multi-token names span from the first token's start to the last token's end.
    text2 = "Shells hit San Carlos overnight ."
    two = {"text": text2, "tokens": _tokens(text2),
           "spans": [{"start": 2, "end": 3, "token_start": 2, "token_end": 3, "label": "LOCATION",
                      "text": "San Carlos"}]}  # fmt: skip
    assert gold_location_spans(two) == [(11, 21)]
    # Token indices that do not spell the stated text fall back to the text search.
    wrong = {"text": text2, "tokens": _tokens(text2),
             "spans": [{"start": 0, "end": 0, "token_start": 0, "token_end": 0, "label": "LOCATION",
                        "text": "San Carlos"}]}  # fmt: skip
    assert gold_location_spans(wrong) == [(11, 21)]


def test_align_offsets_carries_offsets_across_collapsed_spaces() -> None:
    source = "  Rebels  stormed   the town of  Kidal ."
    target = "Rebels stormed the town of Kidal ."
    to_target = align_offsets(source, target)
    for word in ("Rebels", "stormed", "Kidal", "."):
        assert to_target(source.index(word)) == target.index(word)
    assert to_target(0) == to_target(1) == 0  # the dropped leading spaces: the next kept character
    assert to_target(len(source)) == len(target)
    back = align_offsets(target, source)
    assert back(target.index("Kidal")) == source.index("Kidal")
    assert align_offsets(target, target)(5) == 5


def test_extract_event_location_reads_the_verb_of_a_text_ingest_cleans() -> None:
    # Runs of spaces are collapsed by ingest: the VERB offset must still find its word, and the answer
    # must come back in the record's own offsets (no fall back to the first event of the sentence).
    pytest.importorskip("spacy")
    from eventwire.pipeline import Pipeline

    text = "Police  arrested two men in Gulu  on Friday, and  gunmen shot a trader in Lira."
    verb = text.index("shot")
    record = {"text": text, "spans": [{"start": verb, "end": verb + 4, "label": "VERB"}]}
    span = extract_event_location(Pipeline(), record)
    assert span is not None and text[span[0] : span[1]] == "Lira"
    arrested = text.index("arrested")
    record["spans"] = [{"start": arrested, "end": arrested + 8, "label": "VERB"}]
    span = extract_event_location(Pipeline(), record)
    assert span is not None and text[span[0] : span[1]] == "Gulu"


def test_event_location_tiny_gold_file() -> None:
    # A hand-made file in the annotation tool's format: one span given as token indices, one as
    # characters, one sentence with no location, and one record from another source (not read).
    records = read_event_location(FIXTURES / "event_location_tiny.json")
    assert [r["_id"] for r in records] == ["tok-index-span", "char-span", "no-location"]
    spans = [[r["text"][s:e] for s, e in gold_location_spans(r)] for r in records]
    assert spans == [["Dovel"], ["Port Arlen"], []]
    origin = records[0]["text"].index("Tarsa")
    place = records[0]["text"].index("Dovel")
    port = records[1]["text"].index("Port")
    assert score_event_location(records, [(origin, origin + 5), (port, port + 4), None])["accuracy"] == 0.6667
    assert score_event_location(records, [(place, place + 5), None, None])["accuracy"] == 0.6667


# ------------------------------------------------------------------------------------------ command


def test_cmd_evaluate_prints_every_metric_on_the_last_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from eventwire.cli import main

    errors = tmp_path / "errors.jsonl"
    code = main(["evaluate", "acled", str(FIXTURES / "acled_tiny.csv"), "--json", "--errors", str(errors)])
    assert code == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    metrics = json.loads(last)
    assert set(ACLED_METRICS) <= set(metrics)
    assert metrics["n"] == 3
    assert 1 <= len(errors.read_text().splitlines()) <= 3


@pytest.mark.skipif(not (SHARED / "data" / "acled" / "acled_dev.csv").exists(), reason="../shared absent")
def test_cmd_evaluate_on_shared_acled_rows(capsys: pytest.CaptureFixture[str]) -> None:
    from eventwire.cli import main

    assert (
        main(
            ["evaluate", "acled", str(SHARED / "data" / "acled" / "acled_dev.csv"), "--limit", "5", "--json"]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["n"] == 5


def test_a_pipeline_crash_on_one_row_is_counted_not_fatal() -> None:
    from eventwire.evaluate import run

    class Exploding:
        def extract(self, document: object) -> object:
            raise RuntimeError("boom")

    metrics, errors = run("acled", FIXTURES / "acled_tiny.csv", pipeline=Exploding())
    assert metrics["pipeline_errors"] == 2  # the third row has empty notes: an input error, no crash
    assert metrics["event_recall"] == 0.0
    assert sum("crash" in row for row in errors) == 2


# ------------------------------------------------------------------------------------------ geoparsing, UCDP


def test_geoparsing_precision_recall_and_distance() -> None:
    from eventwire.evaluate import score_geoparsing

    article = {
        "id": "a",
        "text": "x" * 100,
        "toponyms": [
            {"start": 0, "end": 5, "lat": 10.0, "lon": 10.0},
            {"start": 10, "end": 15, "lat": 10.0, "lon": 10.0},
            {"start": 20, "end": 25, "lat": None, "lon": None},
        ],
    }
    preds = [
        {"start": 1, "end": 4, "lat": 10.0, "lon": 11.0},  # ~110 km off: within 161 km
        {"start": 2, "end": 3, "lat": 10.0, "lon": 10.0},  # same gold again: not a second hit
        {"start": 10, "end": 15, "lat": 10.0, "lon": 13.0},  # ~329 km off
        {"start": 50, "end": 55, "lat": 0.0, "lon": 0.0},  # no such toponym
    ]
    scores = score_geoparsing([article], [preds])
    assert scores["toponym_precision"] == 0.5 and scores["toponym_recall"] == pytest.approx(0.6667, abs=1e-4)
    assert scores["toponym_f1"] == pytest.approx(0.5714, abs=1e-4)
    assert scores["acc_at_161km"] == 0.5
    assert scores["median_error_km"] == pytest.approx((109.5 + 328.6) / 2, abs=1.0)


def test_ucdp_sides_government_and_location() -> None:
    from eventwire.evaluate import score_ucdp

    row = {"side_a": "Government of Syria", "side_b": "IS", "latitude": "35.0", "longitude": "38.0"}
    ev = event(actor1="Military Forces of Syria (2000-)", actor2="Someone", latitude=35.1, longitude=38.0)
    scores = score_ucdp([row, row], [[ev], []])
    assert scores["side_match"] == 0.25  # 1 of 4 sides
    assert scores["event_recall"] == 0.5 and scores["location_within_25km"] == 0.5
    assert scores["median_error_km"] == pytest.approx(11.12, abs=0.05)
    civilians = {"side_a": "Government of Syria", "side_b": "Civilians", "latitude": "", "longitude": ""}
    assert score_ucdp([civilians], [[event(actor2="Civilians (Syria)")]])["side_match"] == 0.5


def test_geowebnews_reader_keeps_toponyms_and_drops_expressions(tmp_path: Path) -> None:
    from eventwire.evaluate import read_geoparsing

    def toponym(kind: str, start: int, end: int, coords: str = "") -> str:
        return (
            f"<toponym><type>{kind}</type><nonLocational>No</nonLocational><start>{start}</start>"
            f"<end>{end}</end>{coords}</toponym>"
        )

    text = "Residents of Lyon met at the church."
    xml = (
        '<articles><article file="1"><text>'
        + text
        + "</text><toponyms>"
        + toponym("Non_Lit_Expression", 0, 9)
        + toponym("Literal", 13, 17, "<latitude>45.75</latitude><longitude>4.85</longitude>")
        + toponym("Literal_Expression", 29, 35)
        + "</toponyms></article></articles>"
    )
    path = tmp_path / "gwn.xml"
    path.write_text(xml, encoding="utf-8")
    [article] = read_geoparsing(path)
    assert [(t["start"], t["end"]) for t in article["toponyms"]] == [(13, 17)]
    assert article["toponyms"][0]["lat"] == 45.75


def test_ucdp_place_description_locates_the_headline_events() -> None:
    pytest.importorskip("spacy")
    from eventwire.evaluate import extract_ucdp_row
    from eventwire.pipeline import Pipeline
    from eventwire.resolve.gazetteer import haversine_km

    pipeline = Pipeline()
    row = {
        "id": "1",
        "source_headline": "Shelling kills two civilians in Homs",
        "source_date": "2017-03-02",
        "where_description": "Tadmur town",
    }
    own = extract_ucdp_row(pipeline, row, None)
    described = extract_ucdp_row(pipeline, row)
    assert own and own[0]["location"] == "Homs"
    assert described and described[0]["location"] == "Tadmur town"
    assert haversine_km(described[0]["latitude"], described[0]["longitude"], 34.56, 38.28) < 10
    assert "location" not in described[0]["evidence"]  # no span of the headline supports Tadmur
    unknown = extract_ucdp_row(pipeline, {**row, "where_description": "Foix village"})
    assert unknown[0]["location"] == "Homs"  # a description the gazetteer does not know changes nothing
