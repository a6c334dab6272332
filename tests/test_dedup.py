"""Tests for deduplication across documents: the rules of `eventwire.resolve.dedup` on their own, then the
store clustering hand-built mentions into events on every backend (see conftest.db_url)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from eventwire.model import Document, Event, Evidence, Extraction
from eventwire.resolve import dedup
from eventwire.store import Store

GWOZA = {"latitude": 11.08313, "longitude": 13.69595}
BAMA = {"latitude": 11.52134, "longitude": 13.68952}  # 49 km north of Gwoza


def mention(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "m1",
        "document_id": "d1",
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "event_date": "2024-05-13",
        "time_precision": 1,
        "actor1": "Unidentified Armed Group (Nigeria)",
        "inter1": 3,
        "actor2": "Civilians (Nigeria)",
        "inter2": 7,
        "country": "Nigeria",
        "iso3": "NGA",
        "admin1": "Borno",
        "location": "Gwoza",
        **GWOZA,
        "geo_precision": 1,
        "fatalities": 0,
        "notes": "",
        "confidence": 0.5,
        "toll_update": False,
        "evidence": {},
    }
    base.update(fields)
    return base


# -- the rules ----------------------------------------------------------------------------------------------


def test_date_windows_follow_precision() -> None:
    day = date(2024, 5, 13).toordinal()
    assert dedup.date_window("2024-05-13", 1) == (day, day)
    assert dedup.date_window("2024-05-13", 2) == (day - 7, day + 7)
    assert dedup.date_window("2024-05-13", 3) == (day - 31, day + 31)
    assert dedup.date_window(None, 1) is None
    assert dedup.compatible(mention(), mention(event_date="2024-05-13"))
    assert not dedup.compatible(mention(), mention(event_date="2024-05-14"))  # another day: another event
    assert dedup.compatible(mention(), mention(event_date="2024-05-18", time_precision=2))  # "last week"
    assert not dedup.compatible(mention(), mention(event_date="2024-05-21", time_precision=2))
    assert not dedup.compatible(mention(), mention(event_date=None))  # undated meets undated only
    assert dedup.compatible(mention(event_date=None), mention(event_date=None))


def test_place_tolerance_depends_on_precision() -> None:
    assert dedup.distance_km(GWOZA["latitude"], GWOZA["longitude"], BAMA["latitude"], BAMA["longitude"]) == (
        pytest.approx(48.8, abs=0.5)
    )
    bama = {"location": "Bama", **BAMA}
    assert not dedup.places_compatible(mention(), mention(**bama))  # two towns: two scenes
    assert dedup.places_compatible(mention(geo_precision=2), mention(**bama))  # "near Gwoza" reaches Bama
    assert not dedup.places_compatible(mention(geo_precision=2), mention(latitude=12.0, longitude=14.5))
    # a province-level place only needs the same province; another province contradicts
    assert dedup.places_compatible(mention(geo_precision=3, latitude=11.5, longitude=13.0), mention())
    assert not dedup.places_compatible(mention(geo_precision=3, admin1="Yobe"), mention())
    # no coordinates: the place names decide, and an unknown place contradicts nothing
    no_point = {"latitude": None, "longitude": None}
    assert not dedup.places_compatible(mention(**no_point), mention(**no_point, location="Bama"))
    assert dedup.places_compatible(mention(**no_point, location=None), mention(**no_point))


def test_actors_must_not_contradict() -> None:
    boko = "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad"
    iswap = "Islamic State West Africa Province (ISWAP)"
    assert dedup.actors_compatible(mention(), mention(actor1=boko))  # one report does not know who
    assert dedup.actors_compatible(mention(actor1=None), mention(actor1=boko))
    assert not dedup.actors_compatible(mention(actor1=boko), mention(actor1=iswap))
    army = "Military Forces of Nigeria (2023-)"
    battle = {"event_type": "Battles", "sub_event_type": "Armed clash"}
    told = mention(**battle, actor1=army, actor2=iswap)
    assert dedup.actors_compatible(
        told, mention(**battle, actor1=iswap, actor2=army)
    )  # the other side's telling
    assert dedup.actors_compatible(told, mention(**battle, actor1=iswap, actor2=None))
    assert not dedup.actors_compatible(told, mention(**battle, actor1=boko, actor2=army))


def test_toll_updates_are_recognised() -> None:
    for text in ("death toll rose to nine", "the toll has climbed to 30", "bringing the death toll to 12"):
        assert dedup.is_toll_update(text), text
    for text in ("killing seven villagers", "a death toll of 30", "tolled the bell", None):
        assert not dedup.is_toll_update(text), text


def test_merge_takes_the_most_precise_and_the_most_conservative() -> None:
    vague = mention(
        id="a", document_id="d1", event_date="2024-05-15", time_precision=2, geo_precision=2,
        location="Gwoza", fatalities=7, evidence={"event_date": {}, "location": {}, "fatalities": {}},
    )  # fmt: skip
    precise = mention(
        id="b", document_id="d2", actor1="Boko Haram", inter1=2, fatalities=6, admin2="Gwoza",
        evidence={"event_date": {}, "location": {}, "fatalities": {}, "actor1": {}},
    )  # fmt: skip
    merged = dedup.merge([vague, precise])
    assert (merged.fields["event_date"], merged.fields["time_precision"]) == ("2024-05-13", 1)
    assert (merged.fields["geo_precision"], merged.fields["admin2"]) == (1, "Gwoza")
    assert (merged.fields["actor1"], merged.fields["inter1"]) == ("Boko Haram", 2)  # named beats unidentified
    assert merged.fields["fatalities"] == 6  # the lower figure
    assert merged.evidence == {
        "event_date": ("b", "event_date"),
        "location": ("b", "location"),
        "fatalities": ("b", "fatalities"),
        "actor1": ("b", "actor1"),
    }
    assert merged.number_of_sources == 2

    update = mention(id="c", document_id="d3", fatalities=9, toll_update=True, evidence={"fatalities": {}})
    later_update = mention(id="d", document_id="d4", fatalities=8, toll_update=True)
    assert dedup.merge([vague, precise, update]).fields["fatalities"] == 9  # the update replaces the lowest
    assert dedup.merge([vague, update, later_update]).fields["fatalities"] == 8  # the latest update wins
    assert dedup.merge([mention(fatalities=0), mention(id="x", fatalities=0)]).fields["fatalities"] == 0


def test_merge_never_codes_an_actor_against_itself() -> None:
    army, iswap = "Military Forces of Nigeria (2023-)", "Islamic State West Africa Province (ISWAP)"
    battle = {"event_type": "Battles", "sub_event_type": "Armed clash"}
    merged = dedup.merge(
        [
            mention(id="a", **battle, actor1=army, actor2=None),
            mention(id="b", **battle, actor1=iswap, actor2=army),
        ]
    )
    assert (merged.fields["actor1"], merged.fields["actor2"]) == (army, None)


# -- the store ----------------------------------------------------------------------------------------------


def report(
    text: str, publisher: str, published: date, fatalities: int, toll_phrase: str, **fields: Any
) -> Extraction:
    """One document telling one event; evidence spans point at real words of `text`."""
    doc = Document(text=text, publisher=publisher, published=published, source_path=f"{publisher}.txt")

    def span(words: str) -> Evidence:
        start = text.index(words)
        return Evidence(start, start + len(words), words)

    values: dict[str, Any] = {
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "event_date": "2024-05-13",
        "time_precision": 1,
        "actor1": "Unidentified Armed Group (Nigeria)",
        "actor2": "Civilians (Nigeria)",
        "country": "Nigeria",
        "iso3": "NGA",
        "admin1": "Borno",
        "location": "Gwoza",
        **GWOZA,
        "geo_precision": 1,
        "fatalities": fatalities,
    }
    values.update(fields)
    evidence = {"event_type": span("attack"), "location": span("Gwoza"), "event_date": span("Monday")}
    if toll_phrase:
        evidence["fatalities"] = span(toll_phrase)
    return Extraction(document=doc, events=[Event(document_id=doc.id, evidence=evidence, **values)])


HERALD = report(
    "Gunmen attacked the market in Gwoza on Monday, killing seven villagers.",
    "Sahel Herald", date(2024, 5, 14), 7, "killing seven villagers",
)  # fmt: skip
MONITOR = report(
    "Insurgents attacked Gwoza market on Monday and killed six people, residents said.",
    "Lake Chad Monitor", date(2024, 5, 14), 6, "killed six people",
)  # fmt: skip
UPDATE = report(
    "The death toll from Monday's attack on Gwoza market rose to nine, officials said.",
    "Northeast Dispatch", date(2024, 5, 15), 9,
    "death toll from Monday's attack on Gwoza market rose to nine",
    actor1="Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
)  # fmt: skip
OTHER_DAY = report(
    "Gunmen attacked a mosque in Gwoza on Monday, the 20th, killing two worshippers.",
    "Sahel Herald", date(2024, 5, 21), 2, "killing two worshippers", event_date="2024-05-20",
)  # fmt: skip


def event_of(store: Store, extraction: Extraction) -> dict[str, Any]:
    [found] = [
        e for e in store.events() if extraction.document.id in {s["document_id"] for s in e["sources"]}
    ]
    return found


def test_reports_of_one_event_become_one_event_with_all_sources(store_url: str) -> None:
    with Store(store_url) as store:
        assert store.save(HERALD) and store.save(MONITOR)
        first = event_of(store, HERALD)
        assert first["number_of_sources"] == 2
        assert first["fatalities"] == 6  # two outlets disagree: the more conservative figure
        assert first["evidence"]["fatalities"]["document_id"] == MONITOR.document.id

        assert store.save(UPDATE) and store.save(OTHER_DAY)
        events = store.events()
        assert len(events) == 2 and store.counts()["mentions"] == 4
        first, other = events
        assert first["number_of_sources"] == 3
        publishers = [s["publisher"] for s in first["sources"]]
        assert sorted(publishers[:2]) == ["Lake Chad Monitor", "Sahel Herald"]  # same day: document id order
        assert publishers[2] == "Northeast Dispatch"  # the next day's report comes last
        assert [s["published"] for s in first["sources"]] == ["2024-05-14", "2024-05-14", "2024-05-15"]
        assert first["fatalities"] == 9  # the next day's update replaces the toll
        assert first["actor1"].startswith("Boko Haram")  # the report that names the attackers
        texts = {x.document.id: x.document.text for x in (HERALD, MONITOR, UPDATE)}
        for name, span in first["evidence"].items():
            assert texts[span["document_id"]][span["start"] : span["end"]] == span["text"], name
        assert first["evidence"]["fatalities"]["text"].endswith("rose to nine")
        assert (other["event_date"], other["number_of_sources"], other["fatalities"]) == ("2024-05-20", 1, 2)

        before = store.events()
        assert store.save(MONITOR) is False  # the same report again changes nothing
        assert store.events() == before


def test_report_order_does_not_change_the_result(store_url: str) -> None:
    with Store(store_url) as store:
        for extraction in (UPDATE, OTHER_DAY, MONITOR, HERALD):  # the update arrives first
            store.save(extraction)
        first = event_of(store, HERALD)
        assert (first["number_of_sources"], first["fatalities"]) == (3, 9)
        last = first["sources"][-1]["publisher"]
        assert last == "Northeast Dispatch"  # report order, not ingest order


def test_neighbouring_town_same_day_is_another_event(store_url: str) -> None:
    bama = report(
        "Gunmen attacked Bama, not Gwoza, on Monday, killing three.", "Borno Post", date(2024, 5, 14), 3,
        "killing three", location="Bama", **BAMA,
    )  # fmt: skip
    with Store(store_url) as store:
        store.save(HERALD)
        store.save(bama)
        assert [e["number_of_sources"] for e in store.events()] == [1, 1]


def test_two_events_of_one_document_stay_two(store_url: str) -> None:
    doc = HERALD.document
    twin = Event(
        document_id=doc.id, event_type="Violence against civilians", sub_event_type="Attack",
        event_date="2024-05-13", time_precision=1, country="Nigeria", iso3="NGA", admin1="Borno",
        location="Gwoza", geo_precision=1, **GWOZA, evidence={"event_type": Evidence(0, 6, doc.text[0:6])},
    )  # fmt: skip
    both = Extraction(document=doc, events=[HERALD.events[0], twin])
    with Store(store_url) as store:
        store.save(both)
        assert store.counts()["events"] == 2  # the document's own reading split them
        store.save(MONITOR)  # joins one of them, never both
        assert sorted(e["number_of_sources"] for e in store.events()) == [1, 2]


@pytest.fixture
def store_url(db_url: str) -> str:
    return db_url
