"""Tests for `eventwire.export` (ACLED CSV, JSON Lines, GeoJSON) and the taxonomy table behind it."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from eventwire import taxonomy
from eventwire.export import (
    ACLED_COLUMNS,
    EXPORTERS,
    interaction,
    write_acled_csv,
    write_geojson,
    write_jsonl,
)
from eventwire.model import Document, Event, Evidence, Extraction
from eventwire.store import Store

ACLED_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "acled"
needs_shared = pytest.mark.skipif(not ACLED_DIR.is_dir(), reason="../shared/data/acled not present")


def _event(**fields) -> dict:
    base = Event(
        document_id="d" * 32,
        event_type="Violence against civilians",
        sub_event_type="Attack",
        event_date="2024-03-01",
        time_precision=1,
        actor1="Unidentified Armed Group (Nigeria)",
        inter1=3,
        actor2="Civilians (Nigeria)",
        inter2=7,
        country="Nigeria",
        iso3="NGA",
        admin1="Zamfara",
        location="Gusau",
        latitude=12.1704,
        longitude=6.6641,
        geo_precision=1,
        fatalities=4,
        notes="Gunmen killed four villagers near Gusau.",
        evidence={"event_type": Evidence(0, 6, "killed")},
    ).to_dict()
    base.update(publisher="Daily Trust", created_at="2024-03-02T10:00:00+00:00")
    base.update(fields)
    return base


def _csv_rows(events: list[dict]) -> tuple[list[str], list[dict]]:
    buf = io.StringIO(newline="")
    assert write_acled_csv(events, buf) == len(events)
    buf.seek(0)
    reader = csv.DictReader(buf)
    return list(reader.fieldnames or []), list(reader)


@needs_shared
def test_csv_header_is_acled_order() -> None:
    with (ACLED_DIR / "acled_dev.csv").open(newline="", encoding="utf-8") as fh:
        acled_header = next(csv.reader(fh))
    header, _ = _csv_rows([])
    assert header == acled_header == list(ACLED_COLUMNS)


def test_csv_row_values() -> None:
    _, [row] = _csv_rows([_event()])
    assert row["event_id_cnty"] == _event()["id"]
    assert (row["event_date"], row["year"], row["time_precision"]) == ("2024-03-01", "2024", "1")
    assert row["disorder_type"] == "Political violence"
    assert (row["inter1"], row["inter2"], row["interaction"]) == ("3", "7", "37")
    assert row["civilian_targeting"] == "Civilian targeting"
    assert row["iso"] == "566"  # Nigeria, ISO 3166 numeric
    assert (row["latitude"], row["longitude"]) == ("12.1704", "6.6641")
    assert row["source"] == "Daily Trust"
    assert row["fatalities"] == "4"
    assert row["timestamp"] == "1709373600"
    assert row["region"] == row["admin3"] == row["tags"] == ""


def test_csv_single_actor_and_protests() -> None:
    protest = _event(
        event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (Kenya)", inter1=6,
        actor2=None, inter2=None, iso3=None, country="Kenya", fatalities=0, created_at=None,
    )  # fmt: skip
    _, [row] = _csv_rows([protest])
    assert (row["inter2"], row["interaction"]) == ("0", "60")  # ACLED writes 0 for a missing second actor
    assert row["disorder_type"] == "Demonstrations"
    assert row["civilian_targeting"] == ""
    assert row["iso"] == "404"  # from the country name when ISO3 is missing
    assert row["timestamp"] == ""


def test_interaction_codes() -> None:
    assert interaction(7, 2) == 27  # smaller code first
    assert interaction(1, 1) == 11
    assert interaction(None, 8) == 80
    assert interaction(None, None) is None


def test_jsonl_round_trip() -> None:
    events = [_event(), _event(id="other", notes="Ünïcode — kept as is")]
    buf = io.StringIO()
    assert write_jsonl(events, buf) == 2
    lines = buf.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == events
    assert "Ünïcode" in lines[1]


def test_geojson_lon_lat_and_skips() -> None:
    events = [_event(), _event(id="nowhere", latitude=None, longitude=None), _event(id="bad", latitude=95.0)]
    buf = io.StringIO()
    assert write_geojson(events, buf) == 1
    doc = json.loads(buf.getvalue())
    assert doc["type"] == "FeatureCollection"
    assert doc["skipped_without_coordinates"] == 2
    [feature] = doc["features"]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [6.6641, 12.1704]}  # lon, lat
    assert feature["properties"]["location"] == "Gusau"
    assert "latitude" not in feature["properties"]


def test_geojson_empty_is_valid() -> None:
    buf = io.StringIO()
    assert write_geojson([], buf) == 0
    assert json.loads(buf.getvalue())["features"] == []


def test_exporters_from_the_store(tmp_path: Path) -> None:
    doc = Document(
        text="Gunmen killed four villagers near Gusau.", publisher="Daily Trust", published=date(2024, 3, 2)
    )
    event = Event(
        document_id=doc.id,
        event_type="Battles",
        sub_event_type="Armed clash",
        event_date="2024-03-01",
        actor1="Military Forces of Nigeria (2023-)",
        inter1=1,
        country="Nigeria",
        iso3="NGA",
        latitude=12.17,
        longitude=6.66,
    )
    with Store(f"sqlite:///{tmp_path / 'ew.db'}") as store:
        store.save(Extraction(document=doc, events=[event]))
        stored = store.events()
    assert set(EXPORTERS) == {"acled-csv", "jsonl", "geojson"}
    for name, exporter in EXPORTERS.items():
        assert exporter(stored, io.StringIO(newline="")) == 1, name
    _, [row] = _csv_rows(stored)
    assert row["source"] == "Daily Trust" and row["interaction"] == "10" and row["timestamp"]


# -- taxonomy ------------------------------------------------------------------------------------------------


def test_taxonomy_size() -> None:
    assert len(taxonomy.EVENT_TYPES) == 6
    assert sum(len(subs) for subs in taxonomy.EVENT_TYPES.values()) == 25


def test_taxonomy_lookups() -> None:
    assert taxonomy.is_valid("Battles", "Armed clash")
    assert taxonomy.is_valid("battles", "armed clash")
    assert not taxonomy.is_valid("Battles", "Peaceful protest")
    assert taxonomy.disorder_type("Riots", "Mob violence") == "Political violence"
    assert taxonomy.disorder_type("Riots", "Violent demonstration") == "Demonstrations"
    assert taxonomy.disorder_type("Protests", "Excessive force against protesters") == (
        "Political violence; Demonstrations"
    )
    assert taxonomy.disorder_type("Battles") == "Political violence"  # every sub-type agrees
    assert taxonomy.disorder_type("Protests") is None  # they do not
    assert taxonomy.disorder_type("Parade", "Float") is None


@needs_shared
def test_taxonomy_matches_acled_categories() -> None:
    with (ACLED_DIR / "acled_event_categories.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 25
    for row in rows:
        assert taxonomy.is_valid(row["event_type"], row["sub_event_type"])
        kinds = [k for k, flag in (("Political violence", "political_violence"),
                                   ("Demonstrations", "demonstrations")) if row[flag] == "1"]  # fmt: skip
        expected = "; ".join(kinds) or "Strategic developments"
        assert taxonomy.disorder_type(row["event_type"], row["sub_event_type"]) == expected
