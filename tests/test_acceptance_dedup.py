"""Issue 6's acceptance test, through the real `eventwire` command on both backends: three articles about
one attack (two outlets on the day, as .txt and .html, and a next-day toll update) and one about another
attack in the same town on another day give two events; ingesting again changes nothing; another outlet's
copy of a story adds a source, never an event. The articles (tests/data/same_event/) are our own writing."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from eventwire.cli import main
from eventwire.ingest import read_path
from eventwire.store import Store

ARTICLES = Path(__file__).parent / "data" / "same_event"
SAME_EVENT = ("gwoza_herald.txt", "gwoza_monitor.html", "gwoza_toll_update.txt")


def events_json(capsys: pytest.CaptureFixture[str], db: str, *extra: str) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert main(["events", "--db", db, "--format", "json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def ingest(capsys: pytest.CaptureFixture[str], db: str, *paths: Path) -> str:
    capsys.readouterr()
    assert main(["ingest", *map(str, paths), "--db", db]) == 0
    return " ".join(capsys.readouterr().err.split())


def state(db: str) -> tuple[dict[str, int], list[dict[str, Any]], list[dict[str, Any]]]:
    with Store(db, create=False) as store:
        return store.counts(), store.events(), store.mentions()


def test_three_reports_one_event_and_another_attack(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ingest(capsys, db_url, ARTICLES)
    events = events_json(capsys, db_url)
    assert len(events) == 2, [(e["event_date"], e["location"]) for e in events]
    first, second = events
    assert first["number_of_sources"] == 3
    assert sorted(Path(s["source_path"]).name for s in first["sources"]) == sorted(SAME_EVENT)
    figures = [s["fatalities"] for s in first["sources"]]
    assert sorted(figures[:2]) == [6, 7] and figures[2] == 9  # in report order: the next day's update last
    assert first["fatalities"] == 9  # "the death toll rose to nine" replaces the day's lower figures
    assert (first["event_date"], first["location"]) == ("2024-05-13", "Gwoza")
    assert (second["event_date"], second["location"], second["number_of_sources"]) == (
        "2024-05-19",
        "Gwoza",
        1,
    )

    # every merged field's evidence is words of the document it names
    texts = {s["document_id"]: read_path(s["source_path"]).text for e in events for s in e["sources"]}
    for event in events:
        assert {"event_type", "event_date", "location", "fatalities"} <= set(event["evidence"])
        for name, span in event["evidence"].items():
            assert texts[span["document_id"]][span["start"] : span["end"]] == span["text"], name
        for source in event["sources"]:
            for span in source["evidence"].values():
                assert texts[source["document_id"]][span["start"] : span["end"]] == span["text"]
    toll = first["evidence"]["fatalities"]
    assert Path(
        next(s for s in first["sources"] if s["document_id"] == toll["document_id"])["source_path"]
    ).name == ("gwoza_toll_update.txt")

    # the ACLED export lists every source of the event
    csv_path = tmp_path / "events.csv"
    assert main(["export", "--db", db_url, "--format", "acled-csv", "-o", str(csv_path)]) == 0
    with csv_path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2
    assert set(rows[0]["source"].split("; ")) >= {"Sahel Herald", "Lake Chad Monitor", "Northeast Dispatch"}

    mentions = events_json(capsys, db_url, "--mentions")
    assert len(mentions) == 4 and {m["event_id"] for m in mentions} == {first["id"], second["id"]}

    # ingesting one of them again changes nothing at all
    before = state(db_url)
    assert "1 already stored" in ingest(capsys, db_url, ARTICLES / "gwoza_monitor.html")
    assert state(db_url) == before

    # another outlet's copy of the wire story: one more source, no new event
    copy = tmp_path / "copy.txt"
    original = (ARTICLES / "gwoza_herald.txt").read_text(encoding="utf-8")
    copy.write_text(original.replace("Sahel Herald - ", "Borno Star - "), encoding="utf-8")
    ingest(capsys, db_url, copy)
    counts, after, _ = state(db_url)
    assert (counts["documents"], counts["mentions"], counts["events"]) == (5, 5, 2)
    assert [e["number_of_sources"] for e in after] == [4, 1]
    assert "Borno Star" in {s["publisher"] for s in after[0]["sources"]}


def test_events_table_shows_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'ew.db'}"
    articles = tmp_path / "in"
    articles.mkdir()
    for name in SAME_EVENT[:2]:
        shutil.copy(ARTICLES / name, articles / name)
    ingest(capsys, db, articles)
    capsys.readouterr()
    assert main(["events", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "1 event(s)" in out and "sources" in out
    assert main(["events", "--db", db, "--mentions"]) == 0
    assert "2 event mention(s)" in capsys.readouterr().out
