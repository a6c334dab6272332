"""Tests for what the database knows about actors across documents (`store/knowledge.py`, the `Store`
actor queries, `eventwire actors` and the graph exports).

The shared database is built by running the real `eventwire ingest` on the four short articles in
`tests/data/actors/`: two of them state that Kataib Hezbollah is backed by Iran, two report the same
Camp Taji battle (one event, two mentions), one the Karbala clash with Kataib Hezbollah as actor 2, one a
Badr Organization alliance with a "reportedly". Hand-made extractions check the aggregation rules that
the articles cannot pin down on their own (symmetric relations, former names, ACLED names).
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from eventwire.cli import main
from eventwire.export import GRAPHML_NS, write_graph_json, write_graphml
from eventwire.model import Actor, Document, Event, Evidence, Extraction, Relation
from eventwire.store import Store

ARTICLES = Path(__file__).parent / "data" / "actors"
KH = "Kataib Hezbollah"
PMF = "Popular Mobilization Forces"


@pytest.fixture(scope="module")
def actors_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database made by `eventwire ingest` of the articles (built once for the module)."""
    path = tmp_path_factory.mktemp("actors") / "actors.db"
    assert main(["ingest", str(ARTICLES), "--db", str(path)]) == 0
    return path


@pytest.fixture
def db(actors_db: Path, tmp_path: Path) -> Path:
    """A copy per test, so no test can change what another reads."""
    copy = tmp_path / "actors.db"
    shutil.copy(actors_db, copy)
    return copy


def _relation(card: dict, relation: str, actor: str) -> dict:
    found = [r for r in card["relations"] if r["relation"] == relation and r["actor"] == actor]
    assert len(found) == 1, card["relations"]
    return found[0]


# -- the card ----------------------------------------------------------------------------------------------


def test_card_counts_sources_per_relation(db: Path) -> None:
    with Store(f"sqlite:///{db}", create=False) as store:
        card = store.actor_card(KH)
    assert card is not None and card["name"] == KH
    assert card["type"] == "political_militia" and card["country"] == "IRQ" and card["inter"] == 3
    assert card["parent"] == PMF and "KH" in card["aliases"]
    backed = _relation(card, "backed_by", "Iran")
    # two articles say it, in two documents: one edge, two sources, dated by each document
    assert backed["sources"] == 2 and len(backed["documents"]) == 2
    assert (backed["direction"], backed["first_date"], backed["last_date"]) == (
        "out",
        "2020-03-12",
        "2020-03-14",
    )
    assert {e["document_id"] for e in backed["evidence"]} == set(backed["documents"])
    assert _relation(card, "part_of", PMF)["sources"] == 1
    # stated by the Badr Organization as subject: symmetric, so it is on Kataib Hezbollah's card too
    allied = _relation(card, "allied_with", "Badr Organization")
    assert allied["direction"] == "both" and allied["sources"] == 1
    assert card["relations"][0]["relation"] == "backed_by"  # most sources first


def test_card_counts_events_not_mentions(db: Path) -> None:
    with Store(f"sqlite:///{db}", create=False) as store:
        card = store.actor_card(KH)
        mentions = store.mentions(actor=KH)
    assert card is not None
    assert len([m for m in mentions if m["actor1"] == KH]) == 2  # two reports of the Camp Taji battle ...
    assert card["events_as_actor1"] == 1  # ... are one event
    assert card["events_as_actor2"] == 1  # the Karbala clash
    assert (card["first_event"], card["last_event"]) == ("2020-03-11", "2020-03-13")
    assert card["documents"] == 4
    assert (card["first_seen"], card["last_seen"]) == ("2019-12-31", "2020-03-14")


def test_card_by_alias_any_case_and_incoming_relations(db: Path) -> None:
    with Store(f"sqlite:///{db}", create=False) as store:
        assert store.find_actor("KH") == KH
        assert store.find_actor("kh") == KH  # a user's lookup ignores case
        assert store.find_actor("kataib hezbollah") == KH
        pmf = store.actor_card("PMF")
        badr = store.actor_card("Badr Organization")
        assert store.actor_card("Hezbollah Brigade") is None
    assert pmf is not None and badr is not None
    assert pmf["name"] == PMF
    part = _relation(pmf, "part_of", KH)
    assert part["direction"] == "in"
    # "Popular Mobilization Forces (PMF)" is an alias statement between its own names: no relation
    assert all(r["relation"] != "alias" for r in pmf["relations"])
    assert {KH, "Badr Organization"} <= set(pmf["children"])
    assert _relation(badr, "backed_by", "Iran")["qualifiers"] == ["reportedly"]


def test_summaries_and_suggestions(db: Path) -> None:
    with Store(f"sqlite:///{db}", create=False) as store:
        listing = store.actor_summaries()
        assert store.actor_suggestions("Katib Hezbolah") == [KH]
        assert store.actor_suggestions("qqqqqq") == []
    by_name = {a["name"]: a for a in listing}
    assert listing[0]["name"] == KH  # most documents
    assert by_name[KH]["relations"] == 3 and by_name[KH]["documents"] == 4
    assert by_name["Iran"]["relations"] == 2
    docs = [a["documents"] for a in listing]
    assert docs == sorted(docs, reverse=True)


# -- aggregation rules on hand-made extractions ---------------------------------------------------------


def _document(text: str, published: date, relations: list[tuple[str, str, str, str | None, str | None]],
              actors: list[Actor], events: list[dict] | None = None) -> Extraction:  # fmt: skip
    doc = Document(text=text, published=published)
    rels = [
        Relation(
            subj, rel, obj, doc.evidence(0, len(text)), qualifier=qual, date=when or published.isoformat()
        )
        for subj, rel, obj, qual, when in relations
    ]
    evs = [
        Event(document_id=doc.id, event_type="Battles", sub_event_type="Armed clash", country="Syria",
              iso3="SYR", evidence={"event_type": Evidence(0, 4, text[:4])}, **spec)
        for spec in events or []
    ]  # fmt: skip
    return Extraction(document=doc, actors=actors, relations=rels, events=evs)


def test_symmetric_relations_merge_former_names_and_acled_names(db_url: str) -> None:
    hts = Actor("Hayat Tahrir al-Sham", "rebel_group", ["HTS", "Nusra Front"], inter=2, country="SYR")
    sdf = Actor("Syrian Democratic Forces", "rebel_group", ["SDF"], inter=2, country="SYR")
    turkey = Actor("Turkey", "country", country="TUR")
    first = _document(
        "HTS, formerly known as the Nusra Front, has fought the SDF since 2017.",
        date(2023, 5, 1),
        [("Hayat Tahrir al-Sham", "alias", "Nusra Front", "formerly", None),
         ("Hayat Tahrir al-Sham", "fights", "Syrian Democratic Forces", None, "2017")],
        [hts, sdf],
        # events name the SDF in ACLED's form (actors.yaml's acled_name), not by its canonical name
        [{"event_date": "2023-04-30", "actor1": "Hayat Tahrir al-Sham",
          "actor2": "QSD: Syrian Democratic Forces"}],
    )  # fmt: skip
    second = _document(
        "The SDF is at war with HTS, and Turkey reportedly backs HTS.",
        date(2024, 1, 9),
        [("SDF", "fights", "HTS", None, None), ("HTS", "backed_by", "Turkey", "reportedly", None)],
        [hts, sdf, turkey],
    )
    with Store(db_url) as store:
        store.save(first)
        store.save(second)
        hts_card = store.actor_card("HTS")
        sdf_card = store.actor_card("QSD: Syrian Democratic Forces")  # ACLED's name finds it too
        graph = store.actor_graph(with_events=True)
    assert hts_card is not None and sdf_card is not None
    assert hts_card["former_names"] == ["Nusra Front"]
    fights = _relation(hts_card, "fights", "Syrian Democratic Forces")
    # stated both ways round, by alias in one text: one symmetric edge with both sources
    assert (fights["sources"], fights["direction"]) == (2, "both")
    assert (fights["first_date"], fights["last_date"]) == ("2017", "2024-01-09")
    assert _relation(hts_card, "backed_by", "Turkey")["qualifiers"] == ["reportedly"]
    assert sdf_card["name"] == "Syrian Democratic Forces"
    assert sdf_card["acled_name"] == "QSD: Syrian Democratic Forces"
    assert (sdf_card["events_as_actor2"], hts_card["events_as_actor1"]) == (1, 1)
    stated = [e for e in graph["edges"] if e["stated"]]
    assert len([e for e in stated if e["relation"] == "fights"]) == 1
    [event_edge] = [e for e in graph["edges"] if not e["stated"]]
    assert {event_edge["source"], event_edge["target"]} == {
        "Hayat Tahrir al-Sham",
        "Syrian Democratic Forces",
    }
    assert event_edge["relation"] == "events" and event_edge["events"] == 1


# -- the command ------------------------------------------------------------------------------------------


def test_cli_card_table_and_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["actors", "Kataib Hezbollah", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Kataib Hezbollah" in out and "backed_by" in out and "Iran" in out
    assert "1 as actor 1, 1 as actor 2" in out
    assert main(["actors", "KH", "--db", str(db), "--format", "json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["name"] == KH and _relation(card, "backed_by", "Iran")["sources"] == 2


def test_cli_list_partial_and_unknown(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["actors", "--db", str(db), "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing[0]["name"] == KH and {"documents", "events_as_actor1", "relations"} <= set(listing[0])
    assert main(["actors", "--db", str(db)]) == 0
    table = capsys.readouterr().out
    assert "actor(s) in sqlite" in table and "Badr Organization" in table
    # a part of one actor's name shows that actor's card
    assert main(["actors", "Badr", "--db", str(db), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Badr Organization"
    assert main(["actors", "Katib Hezbolah", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "Katib Hezbolah: no such actor" in err and "did you mean 'Kataib Hezbollah'?" in err


# -- graph exports ------------------------------------------------------------------------------------


def test_export_graph_json(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "graph.json"
    assert main(["export", "--db", str(db), "--format", "graph-json", "-o", str(out)]) == 0
    assert "edge(s) as graph-json" in capsys.readouterr().err
    graph = json.loads(out.read_text(encoding="utf-8"))
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert nodes[KH]["type"] == "political_militia" and nodes[KH]["country"] == "IRQ"
    assert all(e["source"] in nodes and e["target"] in nodes for e in graph["edges"])
    [backed] = [
        e for e in graph["edges"] if (e["source"], e["relation"], e["target"]) == (KH, "backed_by", "Iran")
    ]
    assert backed["sources"] == 2 and backed["stated"] is True
    assert not [e for e in graph["edges"] if not e["stated"]]  # event pairs only when asked for
    assert main(["export", "--db", str(db), "--format", "graph-json", "-o", str(out), "--event-edges"]) == 0
    graph = json.loads(out.read_text(encoding="utf-8"))
    [pair] = [e for e in graph["edges"] if not e["stated"]]
    assert {pair["source"], pair["target"]} == {KH, "Military Forces of the United States"}
    assert pair["events"] == 2 and pair["event_types"] == ["Battles"]


def test_export_graphml_is_valid_graphml(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.graphml"
    assert main(["export", "--db", str(db), "--format", "graphml", "-o", str(out)]) == 0
    root = ET.parse(out).getroot()
    ns = {"g": GRAPHML_NS}
    assert root.tag == f"{{{GRAPHML_NS}}}graphml"
    keys = {
        k.get("id"): (k.get("for"), k.get("attr.name"), k.get("attr.type")) for k in root.findall("g:key", ns)
    }
    [graph] = root.findall("g:graph", ns)
    nodes = {n.get("id"): n for n in graph.findall("g:node", ns)}
    edges = graph.findall("g:edge", ns)
    assert KH in nodes and edges
    for element in [*nodes.values(), *edges]:
        for data in element.findall("g:data", ns):
            owner, _name, kind = keys[data.get("key")]
            assert owner == element.tag.split("}")[1]
            if kind == "int":
                int(data.text or "")
    for edge in edges:
        assert edge.get("source") in nodes and edge.get("target") in nodes

    def data(element: ET.Element) -> dict[str, str]:
        return {keys[d.get("key")][1]: d.text or "" for d in element.findall("g:data", ns)}

    assert data(nodes[KH])["country"] == "IRQ"
    [backed] = [e for e in edges if e.get("source") == KH and data(e)["relation"] == "backed_by"]
    assert data(backed)["sources"] == "2" and data(backed)["stated"] == "true"


def test_graphml_reads_in_networkx_when_installed(db: Path, tmp_path: Path) -> None:
    nx = pytest.importorskip("networkx")
    with Store(f"sqlite:///{db}", create=False) as store:
        graph = store.actor_graph(with_events=True)
    path = tmp_path / "g.graphml"
    with path.open("w", encoding="utf-8") as fh:
        write_graphml(graph, fh)
    g = nx.read_graphml(path)
    assert g.nodes[KH]["country"] == "IRQ" and g.number_of_edges() == len(graph["edges"])
    with (tmp_path / "g.json").open("w", encoding="utf-8") as fh:
        write_graph_json(graph, fh)
    data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert nx.node_link_graph(data, edges="edges").number_of_edges() == len(graph["edges"])
