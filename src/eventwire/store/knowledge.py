"""What the database knows about actors across documents: actor cards, the actor list and the relation graph.

Extraction stores names as it wrote them: relations name their ends by canonical name, by alias ("PMF") or,
for persons and unknown groups, as written; events name actors in ACLED's form ("PKK: Kurdistan Workers
Party"). This module owns folding all of those back onto the rows of the `actors` table (`NameIndex`) and
aggregating what many documents say: a relation stated by three reports is one edge with three sources,
its qualifiers and the first and last date it was stated. Everything is read with SQLAlchemy Core on an
open connection, so `Store` wraps it in its own transactions and error handling, on every backend.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from eventwire.store import schema as s

#: Relations that read the same both ways: "A allied_with B" and "B allied_with A" are one statement.
SYMMETRIC_RELATIONS = frozenset({"alias", "allied_with", "ties_to", "fights"})
#: Evidence sentences kept per edge: enough to judge it, few enough to read.
MAX_EVIDENCE = 3
#: The graph's pseudo-relation for two actors on opposite sides of stored events (never a stated relation).
EVENT_RELATION = "events"


def _acled_names() -> dict[str, str]:
    """Canonical dictionary name -> the name ACLED (and so our events) writes it under, where they differ."""
    from eventwire.resolve.dictionary import ActorDictionary  # loaded only when a card or graph is asked

    return {
        entry.name: entry.acled_name
        for entry in ActorDictionary.default().entries()
        if entry.acled_name and entry.acled_name != entry.name
    }


@dataclass(slots=True)
class NameIndex:
    """Every name an actor goes by (canonical, ACLED's, aliases) -> the actor's id in the `actors` table."""

    actors: dict[int, dict[str, Any]]
    exact: dict[str, int] = field(default_factory=dict)
    folded: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: Connection) -> NameIndex:
        a, al = s.actors, s.actor_aliases
        rows = {r["id"]: {**r, "aliases": []} for r in conn.execute(sa.select(a)).mappings()}
        for actor_id, alias in conn.execute(sa.select(al.c.actor_id, al.c.alias).order_by(al.c.alias)):
            if actor_id in rows:
                rows[actor_id]["aliases"].append(alias)
        acled = _acled_names()
        for row in rows.values():
            row["known"] = bool(row["known"])
            row["acled_name"] = acled.get(row["name"]) if row["known"] else None
        index = cls(rows)
        # Canonical names win over ACLED names, which win over aliases. An alias two actors share (a
        # surname, an acronym) goes to a dictionary actor before a text-only one, then to the older row.
        ordered = sorted(rows.values(), key=lambda r: (not r["known"], r["id"]))
        for names in (
            [(r["id"], r["name"]) for r in ordered],
            [(r["id"], r["acled_name"]) for r in ordered if r["acled_name"]],
            [(r["id"], alias) for r in ordered for alias in r["aliases"]],
        ):
            for actor_id, name in names:
                index.exact.setdefault(name, actor_id)
                index.folded.setdefault(name.casefold(), actor_id)
        return index

    def resolve(self, name: str | None) -> int | None:
        if not name:
            return None
        name = name.strip()
        found = self.exact.get(name)
        return found if found is not None else self.folded.get(name.casefold())

    def name_of(self, written: str) -> str:
        """The canonical name for a name as written; the written form when no stored actor has it."""
        actor_id = self.resolve(written)
        return self.actors[actor_id]["name"] if actor_id is not None else written.strip()

    def names_for(self, actor_id: int) -> list[str]:
        row = self.actors[actor_id]
        names = [row["name"], *([row["acled_name"]] if row["acled_name"] else []), *row["aliases"]]
        return [n for n in dict.fromkeys(names) if self.resolve(n) == actor_id]

    def suggestions(self, text: str, limit: int = 3) -> list[str]:
        """Canonical names of the actors whose name or alias is closest to `text` (for "did you mean")."""
        close = difflib.get_close_matches(text.casefold(), list(self.folded), n=limit * 3, cutoff=0.6)
        names = [self.actors[self.folded[c]]["name"] for c in close]
        return list(dict.fromkeys(names))[:limit]


@dataclass(slots=True)
class _Edge:
    subject: str
    relation: str
    object: str
    documents: set[str] = field(default_factory=set)
    qualifiers: set[str] = field(default_factory=set)
    dates: list[str] = field(default_factory=list)
    evidence: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.subject,
            "relation": self.relation,
            "target": self.object,
            "symmetric": self.relation in SYMMETRIC_RELATIONS,
            "sources": len(self.documents),
            "qualifiers": sorted(self.qualifiers),
            "first_date": min(self.dates) if self.dates else None,
            "last_date": max(self.dates) if self.dates else None,
            "documents": sorted(self.documents),
            "evidence": self.evidence,
        }


def _chunks(values: list[str], size: int = 400) -> Iterable[list[str]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _relation_rows(conn: Connection, names: list[str] | None) -> list[Any]:
    """Stored relations (all, or those with a name in `names` at either end), oldest document first."""
    r, d = s.relations, s.documents
    query = (
        sa.select(r, d.c.published)
        .join(d, r.c.document_id == d.c.id)
        .order_by(d.c.published.asc().nulls_last(), r.c.id)
    )
    if names is None:
        return list(conn.execute(query).mappings())
    rows: dict[int, Any] = {}
    lowered = sorted({n.casefold() for n in names})
    for part in _chunks(lowered):
        where = sa.or_(sa.func.lower(r.c.subject).in_(part), sa.func.lower(r.c.object).in_(part))
        rows.update((row["id"], row) for row in conn.execute(query.where(where)).mappings())
    return sorted(
        rows.values(), key=lambda row: (row["published"] is None, row["published"] or date.min, row["id"])
    )


def relation_edges(index: NameIndex, rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Stated relations merged across documents: one edge per (subject, relation, object) of canonical
    names, with the number of distinct documents stating it, the qualifiers seen, the first and last date
    and up to `MAX_EVIDENCE` evidence sentences (each with its document).

    An alias statement between two names of one actor is no edge (the actor's aliases say it); between two
    stored actors it is, since it says two rows are one group. Symmetric relations are keyed in name order.
    """
    edges: dict[tuple[str, str, str], _Edge] = {}
    for row in rows:
        subject, obj, relation = index.name_of(row["subject"]), index.name_of(row["object"]), row["relation"]
        if subject == obj:
            continue
        if relation == "alias" and (
            index.resolve(row["subject"]) is None or index.resolve(row["object"]) is None
        ):
            continue  # a name of one stored actor, kept among its aliases
        if relation in SYMMETRIC_RELATIONS and obj < subject:
            subject, obj = obj, subject
        edge = edges.setdefault((subject, relation, obj), _Edge(subject, relation, obj))
        edge.documents.add(row["document_id"])
        if row["qualifier"]:
            edge.qualifiers.add(row["qualifier"])
        stated = row["date"] or (row["published"].isoformat() if row["published"] else None)
        if stated:
            edge.dates.append(stated)
        if len(edge.evidence) < MAX_EVIDENCE and row["document_id"] not in {
            e["document_id"] for e in edge.evidence
        }:
            edge.evidence.append({"document_id": row["document_id"], "text": row["evidence_text"]})
    return [
        e.to_dict()
        for e in sorted(edges.values(), key=lambda e: (-len(e.documents), e.subject, e.relation, e.object))
    ]


def _split_assoc(value: str | None) -> list[str]:
    # the pipeline joins several associated actors with "; "
    return [part.strip() for part in (value or "").split(";") if part.strip()]


@dataclass(slots=True)
class _Presence:
    """Where one actor shows up: documents (with their dates), events by role, event dates."""

    documents: set[str] = field(default_factory=set)
    published: list[date] = field(default_factory=list)
    events: dict[str, set[str]] = field(
        default_factory=lambda: {"actor1": set(), "actor2": set(), "associated": set()}
    )
    event_dates: list[str] = field(default_factory=list)

    def add_document(self, doc_id: str, published: date | None) -> None:
        if doc_id not in self.documents:
            self.documents.add(doc_id)
            if published is not None:
                self.published.append(published)


def _name_filter(
    columns: Iterable[sa.ColumnElement], assoc: Iterable[sa.ColumnElement], names: list[str]
) -> sa.ColumnElement:
    lowered = sorted({n.casefold() for n in names})
    clauses = [sa.func.lower(c).in_(lowered) for c in columns]
    # associated actors are "; "-joined lists: a substring test finds them, `_split_assoc` then checks
    clauses += [c.icontains(n, autoescape=True) for c in assoc for n in names]
    return sa.or_(*clauses)


def presence(conn: Connection, index: NameIndex, only: int | None = None) -> dict[int, _Presence]:
    """actor id -> where it shows up. Documents come from event mentions naming it (any actor field) and
    relations naming it; event counts come from merged events (one event however many reports tell it)."""
    out: dict[int, _Presence] = {}
    names = index.names_for(only) if only is not None else None
    m, e, d, r = s.mentions, s.events, s.documents, s.relations

    def ids(*values: str | None) -> set[int]:
        found = {index.resolve(v) for v in values}
        return {i for i in found if i is not None and (only is None or i == only)}

    query = sa.select(
        m.c.document_id, m.c.actor1, m.c.actor2, m.c.assoc_actor_1, m.c.assoc_actor_2, d.c.published
    ).join(d, m.c.document_id == d.c.id)
    if names is not None:
        query = query.where(
            _name_filter((m.c.actor1, m.c.actor2), (m.c.assoc_actor_1, m.c.assoc_actor_2), names)
        )
    for row in conn.execute(query).mappings():
        assoc = _split_assoc(row["assoc_actor_1"]) + _split_assoc(row["assoc_actor_2"])
        for actor_id in ids(row["actor1"], row["actor2"], *assoc):
            out.setdefault(actor_id, _Presence()).add_document(row["document_id"], row["published"])

    query = sa.select(r.c.document_id, r.c.subject, r.c.object, d.c.published).join(
        d, r.c.document_id == d.c.id
    )
    if names is not None:
        query = query.where(_name_filter((r.c.subject, r.c.object), (), names))
    for row in conn.execute(query).mappings():
        for actor_id in ids(row["subject"], row["object"]):
            out.setdefault(actor_id, _Presence()).add_document(row["document_id"], row["published"])

    query = sa.select(e.c.id, e.c.event_date, e.c.actor1, e.c.actor2, e.c.assoc_actor_1, e.c.assoc_actor_2)
    if names is not None:
        query = query.where(
            _name_filter((e.c.actor1, e.c.actor2), (e.c.assoc_actor_1, e.c.assoc_actor_2), names)
        )
    for row in conn.execute(query).mappings():
        roles = {
            "actor1": ids(row["actor1"]),
            "actor2": ids(row["actor2"]),
            "associated": ids(*_split_assoc(row["assoc_actor_1"]), *_split_assoc(row["assoc_actor_2"])),
        }
        for role, found in roles.items():
            for actor_id in found:
                p = out.setdefault(actor_id, _Presence())
                if row["id"] not in p.events[role] and row["event_date"]:
                    p.event_dates.append(row["event_date"])
                p.events[role].add(row["id"])
    return out


def _seen(p: _Presence | None) -> dict[str, Any]:
    if p is None:
        p = _Presence()
    return {
        "documents": len(p.documents),
        "first_seen": min(p.published).isoformat() if p.published else None,
        "last_seen": max(p.published).isoformat() if p.published else None,
        "events_as_actor1": len(p.events["actor1"]),
        "events_as_actor2": len(p.events["actor2"]),
        "events_as_associated": len(p.events["associated"]),
        "first_event": min(p.event_dates) if p.event_dates else None,
        "last_event": max(p.event_dates) if p.event_dates else None,
    }


def _actor_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": row["name"],
        "type": row["type"],
        "inter": row["inter"],
        "country": row["country"],
        "role": row["role"],
        "parent": row["parent"],
        "known": row["known"],
    }


def actor_card(conn: Connection, index: NameIndex, actor_id: int) -> dict[str, Any]:
    """Everything stored about one actor; see `Store.actor_card` for the fields."""
    row = index.actors[actor_id]
    name = row["name"]
    rows = _relation_rows(conn, index.names_for(actor_id))
    relations = []
    for edge in relation_edges(index, rows):
        if name not in (edge["source"], edge["target"]):
            continue
        outgoing = edge["source"] == name
        relations.append(
            {
                "direction": "both" if edge["symmetric"] else ("out" if outgoing else "in"),
                "relation": edge["relation"],
                "actor": edge["target"] if outgoing else edge["source"],
                **{
                    k: edge[k]
                    for k in ("sources", "qualifiers", "first_date", "last_date", "documents", "evidence")
                },
            }
        )
    # aliases some document states as former names ("formerly known as") are marked as such
    former: set[str] = set()
    for rel in rows:
        if rel["relation"] == "alias" and rel["qualifier"] == "formerly":
            ends = {index.resolve(rel["subject"]), index.resolve(rel["object"])}
            if ends == {actor_id}:
                former.update(n for n in (rel["subject"], rel["object"]) if n != name)
    children = sorted(r["name"] for r in index.actors.values() if r["parent"] == name)
    card = _actor_fields(row)
    card.update(
        aliases=list(row["aliases"]),
        former_names=sorted(former),
        acled_name=row["acled_name"],
        children=children,
        **_seen(presence(conn, index, actor_id).get(actor_id)),
        relations=relations,
    )
    return card


def actor_summaries(conn: Connection, index: NameIndex) -> list[dict[str, Any]]:
    """Every stored actor with its counts, most documented first (then by name)."""
    where = presence(conn, index)
    degree: dict[str, int] = {}
    for edge in relation_edges(index, _relation_rows(conn, None)):
        for end in (edge["source"], edge["target"]):
            degree[end] = degree.get(end, 0) + 1
    out = []
    for actor_id, row in index.actors.items():
        item = _actor_fields(row)
        item["aliases"] = len(row["aliases"])
        item.update(_seen(where.get(actor_id)))
        item["relations"] = degree.get(row["name"], 0)
        out.append(item)
    out.sort(
        key=lambda a: (
            -a["documents"],
            -(a["events_as_actor1"] + a["events_as_actor2"]),
            a["name"].casefold(),
        )
    )
    return out


def event_edges(conn: Connection, index: NameIndex) -> list[dict[str, Any]]:
    """Actor1-actor2 pairs of merged events: who was on the other side, how often, in which event types.
    Kept apart from stated relations (relation `events`, `stated` false): an event is no lasting tie."""
    e = s.events
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    query = sa.select(e.c.id, e.c.event_type, e.c.event_date, e.c.actor1, e.c.actor2).where(
        e.c.actor1.is_not(None), e.c.actor2.is_not(None)
    )
    for row in conn.execute(query).mappings():
        a, b = index.name_of(row["actor1"]), index.name_of(row["actor2"])
        if a == b:
            continue
        a, b = sorted((a, b))
        pair = pairs.setdefault((a, b), {"events": set(), "types": set(), "dates": []})
        pair["events"].add(row["id"])
        pair["types"].add(row["event_type"])
        if row["event_date"]:
            pair["dates"].append(row["event_date"])
    return [
        {
            "source": a,
            "relation": EVENT_RELATION,
            "target": b,
            "symmetric": True,
            "stated": False,
            "events": len(p["events"]),
            "event_types": sorted(p["types"]),
            "first_date": min(p["dates"]) if p["dates"] else None,
            "last_date": max(p["dates"]) if p["dates"] else None,
        }
        for (a, b), p in sorted(pairs.items(), key=lambda kv: (-len(kv[1]["events"]), kv[0]))
    ]


_BLANK_NODE = ("type", "inter", "country", "role", "parent", "first_seen", "last_seen")


def actor_graph(conn: Connection, index: NameIndex, with_events: bool = False) -> dict[str, Any]:
    """The actor graph: every stored actor as a node (plus any relation end no actor row has), stated
    relations as edges, and with `with_events` the event pairs as edges of their own kind."""
    edges = [{**edge, "stated": True} for edge in relation_edges(index, _relation_rows(conn, None))]
    if with_events:
        edges += event_edges(conn, index)
    where = presence(conn, index)
    nodes: dict[str, dict[str, Any]] = {}
    for actor_id, row in sorted(index.actors.items(), key=lambda kv: kv[1]["name"].casefold()):
        seen = _seen(where.get(actor_id))
        nodes[row["name"]] = {
            "id": row["name"],
            **_actor_fields(row),
            "aliases": list(row["aliases"]),
            **{
                k: seen[k]
                for k in ("documents", "first_seen", "last_seen", "events_as_actor1", "events_as_actor2")
            },
        }
    for edge in edges:
        for end in (edge["source"], edge["target"]):
            if end not in nodes:  # a relation end extraction named but did not keep as an actor
                nodes[end] = {
                    **dict.fromkeys(_BLANK_NODE),
                    "id": end,
                    "name": end,
                    "known": False,
                    "aliases": [],
                    "documents": 0,
                    "events_as_actor1": 0,
                    "events_as_actor2": 0,
                }
    return {"directed": True, "nodes": list(nodes.values()), "edges": edges}
