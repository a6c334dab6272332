"""Exporters: stored events (the dicts `Store.events()` returns) as ACLED-style CSV, JSON Lines or GeoJSON,
and the actor graph (`Store.actor_graph()`) as node-link JSON or GraphML.

Each event exporter streams to an open text file handle and returns how many events it wrote. The ACLED CSV
has ACLED's own columns in ACLED's order; the columns we cannot know from one article (region, admin3,
source scale, tags) stay blank rather than guessed. The graph exporters return (nodes, edges) written.
"""

from __future__ import annotations

import csv
import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from typing import Any, TextIO

import pycountry

from eventwire import taxonomy

#: ACLED's CSV columns, in the order of ACLED's own exports.
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location",
    "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags",
    "timestamp",
)  # fmt: skip

CIVILIANS = 7  # ACLED inter code for civilians


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction code: the two inter codes as a two-digit number, smaller first; one actor alone
    gives that code times ten (60 = sole protester action)."""
    codes = sorted(c for c in (inter1, inter2) if c)
    if not codes:
        return None
    if len(codes) == 1:
        return codes[0] * 10
    return codes[0] * 10 + codes[1]


def civilian_targeting(event: dict[str, Any]) -> str:
    """ACLED marks political violence whose target is civilians; with only actor codes to go on, that is
    political violence with a civilian actor."""
    disorder = taxonomy.disorder_type(event.get("event_type"), event.get("sub_event_type")) or ""
    if "Political violence" in disorder and CIVILIANS in (event.get("inter1"), event.get("inter2")):
        return "Civilian targeting"
    return ""


@cache
def iso_numeric(iso3: str | None, country: str | None = None) -> int | None:
    """ISO 3166 numeric code (ACLED's `iso`) from the ISO3 code, else from the country name."""
    found = None
    if iso3:
        found = pycountry.countries.get(alpha_3=iso3.upper())
    if found is None and country:
        try:
            found = pycountry.countries.lookup(country)
        except LookupError:
            found = None
    return int(found.numeric) if found is not None else None


def _timestamp(created_at: str | None) -> int | None:
    if not created_at:
        return None
    try:
        return int(datetime.fromisoformat(created_at).timestamp())
    except ValueError:
        return None


def _source(event: dict[str, Any]) -> str:
    # ACLED lists every source of an event, separated by "; ": each report's publisher and the wire it
    # carried (a merged event lists all its reports in `sources`; a mention is its own one source).
    reports = event.get("sources") or [event]
    names = [name for r in reports for name in (r.get("publisher"), r.get("wire_source"))]
    return "; ".join(dict.fromkeys(n.strip() for n in names if n and n.strip()))


def _coordinate(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def acled_row(event: dict[str, Any]) -> dict[str, Any]:
    """One event dict as an ACLED CSV row (column -> value; None for blank)."""
    date = event.get("event_date") or ""
    inter1, inter2 = event.get("inter1"), event.get("inter2")
    if inter2 is None and not event.get("actor2") and inter1 is not None:
        inter2 = 0  # ACLED writes 0, not blank, when an event has a single actor
    lat, lon = _coordinate(event.get("latitude")), _coordinate(event.get("longitude"))
    return {
        "event_id_cnty": event.get("id"),
        "event_date": date,
        "year": date[:4] or None,
        "time_precision": event.get("time_precision"),
        "disorder_type": taxonomy.disorder_type(event.get("event_type"), event.get("sub_event_type")),
        "event_type": event.get("event_type"),
        "sub_event_type": event.get("sub_event_type"),
        "actor1": event.get("actor1"),
        "assoc_actor_1": event.get("assoc_actor_1"),
        "inter1": inter1,
        "actor2": event.get("actor2"),
        "assoc_actor_2": event.get("assoc_actor_2"),
        "inter2": inter2,
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": civilian_targeting(event),
        "iso": iso_numeric(event.get("iso3"), event.get("country")),
        "region": None,  # ACLED's own regional grouping: not derivable from ISO data alone
        "country": event.get("country"),
        "admin1": event.get("admin1"),
        "admin2": event.get("admin2"),
        "admin3": None,
        "location": event.get("location"),
        "latitude": round(lat, 4) if lat is not None else None,  # ACLED's precision
        "longitude": round(lon, 4) if lon is not None else None,
        "geo_precision": event.get("geo_precision"),
        "source": _source(event),
        "source_scale": None,
        "notes": event.get("notes"),
        "fatalities": event.get("fatalities") or 0,
        "tags": None,
        "timestamp": _timestamp(event.get("created_at")),
    }


def write_acled_csv(events: Iterable[dict[str, Any]], fh: TextIO) -> int:
    """Write events as ACLED CSV (header included); returns the number of rows written."""
    writer = csv.DictWriter(fh, fieldnames=ACLED_COLUMNS)  # CRLF line ends, like ACLED's files
    writer.writeheader()
    count = 0
    for event in events:
        writer.writerow(acled_row(event))
        count += 1
    return count


def write_jsonl(events: Iterable[dict[str, Any]], fh: TextIO) -> int:
    """One JSON object per line, exactly the event dicts; returns the number written."""
    count = 0
    for event in events:
        fh.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
        count += 1
    return count


def write_geojson(events: Iterable[dict[str, Any]], fh: TextIO) -> int:
    """A GeoJSON FeatureCollection of Point features ([longitude, latitude], as RFC 7946 orders them).

    Events without usable coordinates are skipped; their number is written into the collection as the
    foreign member `skipped_without_coordinates`. Returns the number of features written.
    """
    fh.write('{"type": "FeatureCollection", "features": [')
    written = skipped = 0
    for event in events:
        lat, lon = _coordinate(event.get("latitude")), _coordinate(event.get("longitude"))
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            skipped += 1
            continue
        feature = {
            "type": "Feature",
            "id": event.get("id"),
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {k: v for k, v in event.items() if k not in ("latitude", "longitude")},
        }
        fh.write(("\n" if written == 0 else ",\n") + json.dumps(feature, ensure_ascii=False, default=str))
        written += 1
    fh.write(f'\n], "skipped_without_coordinates": {skipped}}}\n')
    return written


#: Format name (as the CLI's --format takes it) -> exporter.
EXPORTERS: dict[str, Callable[[Iterable[dict[str, Any]], TextIO], int]] = {
    "acled-csv": write_acled_csv,
    "jsonl": write_jsonl,
    "geojson": write_geojson,
}


# -- the actor graph -------------------------------------------------------------------------------------

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
#: GraphML attribute keys: (owner, name, GraphML type). Lists are written "; "-joined: GraphML has no list
#: type, and every GraphML reader (networkx, Gephi, yEd) takes strings.
GRAPHML_KEYS = (
    ("node", "name", "string"),
    ("node", "type", "string"),
    ("node", "inter", "int"),
    ("node", "country", "string"),
    ("node", "role", "string"),
    ("node", "parent", "string"),
    ("node", "known", "boolean"),
    ("node", "aliases", "string"),
    ("node", "documents", "int"),
    ("node", "first_seen", "string"),
    ("node", "last_seen", "string"),
    ("node", "events_as_actor1", "int"),
    ("node", "events_as_actor2", "int"),
    ("edge", "relation", "string"),
    ("edge", "stated", "boolean"),
    ("edge", "symmetric", "boolean"),
    ("edge", "sources", "int"),
    ("edge", "qualifiers", "string"),
    ("edge", "first_date", "string"),
    ("edge", "last_date", "string"),
    ("edge", "events", "int"),
    ("edge", "event_types", "string"),
    ("edge", "evidence", "string"),
)


def write_graph_json(graph: dict[str, Any], fh: TextIO) -> tuple[int, int]:
    """The graph as node-link JSON (`networkx.node_link_graph(data, edges="edges")` reads it back)."""
    data = {
        "directed": True,
        "multigraph": True,  # two actors can be linked by several relation types
        "graph": {"generator": "eventwire"},
        "nodes": graph["nodes"],
        "edges": graph["edges"],
    }
    fh.write(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")
    return len(graph["nodes"]), len(graph["edges"])


def _graphml_value(value: Any, kind: str) -> str | None:
    if value is None or value == []:
        return None
    if kind == "boolean":
        return "true" if value else "false"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return " | ".join(v["text"] for v in value)  # evidence: sentences, which may hold "; " themselves
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def write_graphml(graph: dict[str, Any], fh: TextIO) -> tuple[int, int]:
    """The graph as GraphML: directed, one <edge> per relation (parallel edges when two actors have several
    relation types); symmetric relations carry `symmetric` true. Attributes that are unknown are left out."""
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    for owner, name, kind in GRAPHML_KEYS:
        ET.SubElement(
            root, f"{{{GRAPHML_NS}}}key", {"id": f"{owner[0]}_{name}", "for": owner, "attr.name": name,
                                          "attr.type": kind},
        )  # fmt: skip
    body = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", {"id": "actors", "edgedefault": "directed"})

    def add_data(element: ET.Element, owner: str, item: dict[str, Any]) -> None:
        for key_owner, name, kind in GRAPHML_KEYS:
            value = _graphml_value(item.get(name), kind) if key_owner == owner else None
            if value is not None:
                ET.SubElement(element, f"{{{GRAPHML_NS}}}data", {"key": f"{owner[0]}_{name}"}).text = value

    for node in graph["nodes"]:
        add_data(ET.SubElement(body, f"{{{GRAPHML_NS}}}node", {"id": node["id"]}), "node", node)
    for i, edge in enumerate(graph["edges"]):
        attrs = {"id": f"e{i}", "source": edge["source"], "target": edge["target"]}
        add_data(ET.SubElement(body, f"{{{GRAPHML_NS}}}edge", attrs), "edge", edge)
    ET.indent(root)
    fh.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    fh.write(ET.tostring(root, encoding="unicode") + "\n")
    return len(graph["nodes"]), len(graph["edges"])


#: Graph format name (as the CLI's --format takes it) -> exporter of `Store.actor_graph()`.
GRAPH_EXPORTERS: dict[str, Callable[[dict[str, Any], TextIO], tuple[int, int]]] = {
    "graph-json": write_graph_json,
    "graphml": write_graphml,
}
