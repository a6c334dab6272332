"""The REST API against a real `eventwire serve` process: the examples and the same-event reports ingested
into a fresh SQLite database, then read, filtered, exported and posted to over HTTP."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from eventwire.export import ACLED_COLUMNS
from eventwire.store import Store
from webserver import Server, running_server

TOKEN = "test-token-4f1c"


@pytest.fixture(scope="module")
def server(web_db: Path) -> Iterator[Server]:
    with running_server(str(web_db), env={"EVENTWIRE_API_TOKEN": TOKEN}) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def stored(web_db: Path) -> list[dict[str, Any]]:
    with Store(f"sqlite:///{web_db}", create=False) as store:
        return store.events()


def all_events(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    r = client.get("/api/events", params={"limit": 1000, **params})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["events"])
    return body["events"]


def test_binds_to_localhost_by_default(server: Server) -> None:
    assert server.url.startswith("http://127.0.0.1:")


def test_events_list_newest_first_and_paged(client: httpx.Client, stored: list[dict[str, Any]]) -> None:
    events = all_events(client)
    assert len(events) == len(stored) >= 20
    assert {e["id"] for e in events} == {e["id"] for e in stored}
    dates = [e["event_date"] for e in events if e["event_date"]]
    assert dates == sorted(dates, reverse=True)
    pages = []
    for offset in range(0, len(events), 7):
        r = client.get("/api/events", params={"limit": 7, "offset": offset}).json()
        assert r["total"] == len(events) and r["limit"] == 7 and r["offset"] == offset
        pages += r["events"]
    assert [e["id"] for e in pages] == [e["id"] for e in events]
    oldest = all_events(client, sort="date")
    assert [e["id"] for e in oldest if e["event_date"]][0] == [e["id"] for e in events if e["event_date"]][-1]


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"country": "NGA"}, lambda e: e["iso3"] == "NGA"),
        ({"country": "nigeria"}, lambda e: (e["country"] or "").lower() == "nigeria"),
        ({"event_type": "battles"}, lambda e: e["event_type"] == "Battles"),
        ({"sub_event_type": "Armed clash"}, lambda e: e["sub_event_type"] == "Armed clash"),
        ({"admin1": "borno"}, lambda e: (e["admin1"] or "").lower() == "borno"),
        (
            {"since": "2024-03", "until": "2024-06"},
            lambda e: "2024-03" <= (e["event_date"] or "")[:7] <= "2024-06",
        ),
        ({"until": "2023"}, lambda e: e["event_date"] is not None and e["event_date"][:4] <= "2023"),
        ({"actor": "boko"}, lambda e: "boko" in " ".join(str(e[k]) for k in ("actor1", "actor2")).lower()),
        (
            {"bbox": "0,0,20,15"},
            lambda e: e["latitude"] is not None and 0 <= e["latitude"] <= 15 and 0 <= e["longitude"] <= 20,
        ),
    ],
)
def test_event_filters(
    client: httpx.Client, stored: list[dict[str, Any]], params: dict[str, str], keep: Any
) -> None:
    expected = {e["id"] for e in stored if keep(e)}
    assert expected, f"the fixture has no event for {params}"
    assert expected != {e["id"] for e in stored}, f"{params} should filter something out"
    got = all_events(client, **params)
    assert {e["id"] for e in got} == expected


def test_text_query_needs_every_word(client: httpx.Client) -> None:
    both = all_events(client, q="gwoza boko")
    assert both
    for e in both:
        text = " ".join(str(v) for v in e.values()).lower()
        assert "gwoza" in text and "boko" in text
    assert len(all_events(client, q="gwoza")) >= len(both)
    assert all_events(client, q="gwoza zzzunheardof") == []


@pytest.mark.parametrize(
    "text",
    ['"', "'", '"unclosed', "AND", "a OR b", "NOT x", "NEAR(a b)", "*", "boko*", "^gwoza", "-", "{actor1}: x",
     "actor1:boko", "(", "a & b | !c", "':*A", "%", "_", "\\", "'; DROP TABLE events; --", "Ñoño", "北京",
     "🙂", "Sévaré", "x\x00y", " "],
)  # fmt: skip
def test_any_search_text_is_answered(client: httpx.Client, text: str) -> None:
    """Search text is words, never query syntax: whatever it holds, the answer is a list (perhaps empty)."""
    for path in ("/api/events", "/api/events/points", "/api/stats"):
        for params in ({"q": text}, {"actor": text}, {"q": text, "actor": "boko"}):
            r = client.get(path, params=params)
            assert r.status_code == 200, (path, params, r.text)
    r = client.get("/api/events", params={"q": f"gwoza {text}", "format": "csv"})
    assert r.status_code == 200


def test_search_is_by_word_beginnings(client: httpx.Client) -> None:
    gwoza = {e["id"] for e in all_events(client, q="gwoza")}
    assert gwoza
    assert {e["id"] for e in all_events(client, q="GWOZ")} == gwoza  # case-insensitive word prefix
    assert {e["id"] for e in all_events(client, q='"gwoza"')} == gwoza  # quotes are not syntax
    boko = all_events(client, actor="boko haram")
    actors = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
    assert boko and all(any("Boko Haram" in (e[a] or "") for a in actors) for e in boko)
    assert all_events(client, actor="haram boko") == []  # an actor's words in their order
    assert all_events(client, q="*") == all_events(client, actor="(") == []  # no word, no match


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=1001",
        "limit=ten",
        "offset=-1",
        "since=2024-13",
        "since=2024-02-30",
        "until=yesterday",
        "bbox=1,2,3",
        "bbox=10,0,5,5",
        "bbox=0,-100,5,5",
        "sort=name",
        "format=xml",
        "colour=red",
        "country=" + "x" * 201,
    ],
)
def test_malformed_parameters_answer_422(client: httpx.Client, query: str) -> None:
    r = client.get(f"/api/events?{query}")
    assert r.status_code == 422, r.text
    name = query.split("=")[0]
    assert any(name in err["loc"] for err in r.json()["detail"])


def test_bad_and_unknown_ids(client: httpx.Client) -> None:
    assert client.get("/api/events/not-an-id").status_code == 422
    assert client.get("/api/events/" + "0" * 24).status_code == 404
    assert client.get("/api/documents/'%20OR%201=1").status_code == 422
    assert client.get("/api/documents/" + "0" * 32).status_code == 404
    assert client.get("/api/actors/abc").status_code == 422
    assert client.get("/api/actors/999999").status_code == 404


def test_event_detail_has_sources_evidence_and_passages(client: httpx.Client) -> None:
    many = max(all_events(client), key=lambda e: e["number_of_sources"])
    assert many["number_of_sources"] >= 2  # the Gwoza reports merge
    event = client.get(f"/api/events/{many['id']}").json()
    assert len(event["sources"]) == event["number_of_sources"]
    docs = {
        s["document_id"]: client.get(f"/api/documents/{s['document_id']}").json() for s in event["sources"]
    }
    for field, span in event["evidence"].items():
        text = docs[span["document_id"]]["text"]
        assert text[span["start"] : span["end"]] == span["text"], field
    used = set()
    for src in event["sources"]:
        text = docs[src["document_id"]]["text"]
        assert src["passages"], "every source shows at least one passage"
        for p in src["passages"]:
            assert text[p["start"] : p["end"]] == p["text"]
            for mark in p["marks"]:
                assert p["text"][mark["start"] : mark["end"]] == mark["text"]
                assert src["evidence"][mark["field"]]["text"] == mark["text"]
        used |= set(src["fields_used"])
    assert used == set(event["evidence"])


def test_csv_and_geojson(client: httpx.Client, stored: list[dict[str, Any]]) -> None:
    r = client.get("/api/events", params={"format": "csv", "country": "NGA", "limit": 1000})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert tuple(rows[0].keys()) == ACLED_COLUMNS
    assert {row["event_id_cnty"] for row in rows} == {e["id"] for e in stored if e["iso3"] == "NGA"}
    assert all(row["source"] for row in rows)
    r = client.get("/api/events", params={"format": "geojson", "limit": 5})
    assert r.headers["content-type"].startswith("application/geo+json")
    features = r.json()["features"]
    assert 0 < len(features) <= 5
    for f in features:
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_points_for_the_map(client: httpx.Client, stored: list[dict[str, Any]]) -> None:
    body = client.get("/api/events/points", params={"event_type": "Battles"}).json()
    assert body["fields"][:3] == ["id", "latitude", "longitude"]
    expected = {e["id"] for e in stored if e["event_type"] == "Battles" and e["latitude"] is not None}
    assert {p[0] for p in body["points"]} == expected and body["total"] == len(expected)


def test_stats_add_up(client: httpx.Client, stored: list[dict[str, Any]]) -> None:
    st = client.get("/api/stats").json()
    assert st["total"]["events"] == len(stored)
    assert st["total"]["fatalities"] == sum(e["fatalities"] for e in stored)
    assert sum(p["events"] for p in st["by_period"]) + st["undated"]["events"] == len(stored)
    assert sum(c["events"] for c in st["by_country"]) == len(stored)
    for p in st["by_period"]:
        if len(p["period"]) == 10:
            assert dt.date.fromisoformat(p["period"]).weekday() == 0  # weeks start on Monday
    day = client.get("/api/stats", params={"interval": "day", "country": "NGA"}).json()
    assert day["total"]["events"] == sum(1 for e in stored if e["iso3"] == "NGA")
    assert client.get("/api/stats", params={"interval": "month"}).status_code == 422


def test_actors_and_relations(client: httpx.Client) -> None:
    body = client.get("/api/actors", params={"q": "JNIM"}).json()  # an alias finds the actor
    assert body["total"] >= 1
    jnim = next(a for a in body["actors"] if "JNIM" in a["aliases"])
    card = client.get(f"/api/actors/{jnim['id']}").json()
    assert card["name"] == jnim["name"]
    assert any(r["relation"] == "loyal_to" and r["object"] == "Al Qaeda" for r in card["relations"])
    assert card["actor_ids"].get("Al Qaeda")
    busiest = client.get("/api/actors", params={"limit": 1}).json()["actors"][0]
    card = client.get(f"/api/actors/{busiest['id']}").json()
    assert card["events"] == busiest["events"] > 0
    assert len(card["latest_events"]) == min(card["events"], 50)
    assert card["first_seen"] <= card["last_seen"]


def test_document_evidence_points_into_its_text(client: httpx.Client, stored: list[dict[str, Any]]) -> None:
    doc = client.get(f"/api/documents/{stored[0]['document_id']}").json()
    assert doc["text"] and doc["evidence"]
    for span in doc["evidence"] + doc["relations"]:
        assert doc["text"][span["start"] : span["end"]] == span["text"]


def test_docs_and_openapi_need_no_cdn(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/api/events",
        "/api/events/{event_id}",
        "/api/actors/{actor_id}",
        "/api/stats",
        "/api/documents",
    } <= set(spec["paths"])
    page = client.get("/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page and "cdn." not in page
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    index = client.get("/")
    assert "script-src 'self'" in index.headers["content-security-policy"]


def test_no_cors_by_default(client: httpx.Client) -> None:
    r = client.get("/api/events?limit=1", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers


# -- ingesting -------------------------------------------------------------------------------------------

ARTICLE = (
    "MAIDUGURI, Nigeria, March 3 (Reuters) - Suspected Boko Haram fighters killed 12 farmers in an attack "
    "on the village of Kawuri in Borno state on Saturday, a local official said.\n\n"
    "The gunmen arrived on motorcycles and opened fire on the farmers, the official said."
)


@pytest.fixture
def post_server(web_db: Path, tmp_path: Path) -> Iterator[Server]:
    db = tmp_path / "post.db"
    shutil.copy(web_db, db)
    with running_server(str(db), env={"EVENTWIRE_API_TOKEN": TOKEN}) as srv:
        yield srv


def test_post_document_needs_the_token_and_returns_its_events(post_server: Server) -> None:
    body = {"text": ARTICLE, "published": "2025-03-03", "url": "https://news.example/kawuri"}
    with httpx.Client(base_url=post_server.url, timeout=120) as c:
        r = c.post("/api/documents", json=body)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        r = c.post("/api/documents", json=body, headers={"Authorization": "Bearer wrong"})
        assert r.status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        r = c.post("/api/documents", json=body, headers=auth)
        assert r.status_code == 201, r.text
        out = r.json()
        assert out["created"] is True and out["events"]
        assert {e["country"] for e in out["events"]} == {"Nigeria"}
        event = max(out["events"], key=lambda e: e["fatalities"])
        assert event["fatalities"] == 12
        assert event["sources"][0]["url"] == body["url"]
        assert c.get(f"/api/events/{event['id']}").status_code == 200
        again = c.post("/api/documents", json=body, headers=auth)
        assert again.status_code == 200 and again.json()["created"] is False
        # bad bodies
        assert (
            c.post("/api/documents", json={"text": ARTICLE, "html": "<p>x</p>"}, headers=auth).status_code
            == 422
        )
        assert (
            c.post("/api/documents", json={"text": ARTICLE, "published": "soon"}, headers=auth).status_code
            == 422
        )
        assert (
            c.post(
                "/api/documents", content=b"{not json", headers={**auth, "content-type": "application/json"}
            ).status_code
            == 422
        )
        french = (
            "Des hommes armés ont tué douze agriculteurs dans le village, a déclaré un responsable local. "
            * 5
        )
        r = c.post("/api/documents", json={"text": french}, headers=auth)
        assert r.status_code == 422 and "English" in r.json()["detail"]
        big = {"text": "a" * 10_000_001}
        r = c.post("/api/documents", json=big, headers=auth)
        assert r.status_code == 413


def test_post_without_configured_token_is_refused(web_db: Path) -> None:
    with running_server(str(web_db)) as srv:
        r = httpx.post(
            f"{srv.url}/api/documents", json={"text": ARTICLE}, headers={"Authorization": "Bearer x"}
        )
        assert r.status_code == 401 and "no API token configured" in r.json()["detail"]


def test_reads_behind_the_token_and_cors_when_asked(web_db: Path, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    with running_server(
        str(web_db),
        "--token-file",
        str(token_file),
        "--protect-reads",
        "--cors-origin",
        "https://app.example",
    ) as srv:
        assert httpx.get(f"{srv.url}/api/events").status_code == 401
        ok = httpx.get(
            f"{srv.url}/api/events?limit=1",
            headers={"Authorization": f"Bearer {TOKEN}", "Origin": "https://app.example"},
        )
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "https://app.example"


def test_database_failure_gives_no_details_to_clients(web_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "doomed.db"
    shutil.copy(web_db, db)
    with running_server(str(db)) as srv:
        assert httpx.get(f"{srv.url}/api/events?limit=1").status_code == 200
        db.unlink()
        r = httpx.get(f"{srv.url}/api/events?limit=1")
        assert r.status_code == 503
        assert r.json() == {"detail": "database unavailable"}
        assert str(tmp_path) not in r.text


def test_actor_card_by_the_name_events_use(client: httpx.Client, stored: list[dict[str, Any]]) -> None:
    listed = {a["name"] for a in client.get("/api/actors", params={"limit": 1000}).json()["actors"]}
    names = {e["actor1"] for e in stored if e["actor1"]}
    for name in sorted(names):
        r = client.get("/api/actor-card", params={"name": name})
        assert r.status_code == 200, name
        card = r.json()
        assert card["name"] == name
        assert card["events"] == sum(name in (e["actor1"], e["actor2"]) for e in stored)
        assert (card["id"] is not None) == (name in listed)
    assert client.get("/api/actor-card", params={"name": "Nobody at all"}).status_code == 404
    assert client.get("/api/actor-card").status_code == 422


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "--port=70000: expected a port number"),
        (["--protect-reads"], "--protect-reads: needs a token"),
        (["--workers", "0"], "--workers=0: expected 1 to 64"),
        (["--token-file", "/nonexistent/token"], "/nonexistent/token: No such file"),
    ],
)
def test_serve_refuses_bad_options_in_one_line(
    web_db: Path,
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from eventwire.cli import main

    monkeypatch.delenv("EVENTWIRE_API_TOKEN", raising=False)
    assert main(["serve", "--db", str(web_db), *args]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("eventwire: ") and message in err and "\n" not in err


def test_serve_refuses_a_missing_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from eventwire.cli import main

    assert main(["serve", "--db", str(tmp_path / "typo.db")]) == 1
    assert "no such database" in capsys.readouterr().err
    assert not (tmp_path / "typo.db").exists()


def _child_pids(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(n) for n in children.read_text().split()} if children.exists() else set()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads worker processes from Linux /proc")
def test_several_workers_each_listen_on_the_port(web_db: Path) -> None:
    # Each worker has its own socket on the one port (SO_REUSEPORT), so the kernel spreads connections
    # over them; a shared socket lets a few keep-alive clients pile onto one worker.
    with running_server(str(web_db), "--workers", "2") as srv:
        port = int(srv.url.rsplit(":", 1)[1])
        workers = {pid for pid in _child_pids(srv.process.pid) if _listens(pid, port)}
        assert len(workers) == 2 and not _listens(srv.process.pid, port)
        totals = {httpx.get(f"{srv.url}/api/events?limit=1").json()["total"] for _ in range(20)}
        assert len(totals) == 1 and totals.pop() > 0
    assert all(not Path(f"/proc/{pid}").exists() or _zombie(pid) for pid in workers)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads worker processes from Linux /proc")
def test_workers_of_a_killed_server_stop_serving(web_db: Path) -> None:
    # SIGKILL leaves the supervisor no chance to stop its workers; they must notice and go by themselves.
    with running_server(str(web_db), "--workers", "2") as srv:
        port = int(srv.url.rsplit(":", 1)[1])
        workers = [psutil.Process(pid) for pid in _child_pids(srv.process.pid) if _listens(pid, port)]
        assert len(workers) == 2
        srv.process.kill()
        _, alive = psutil.wait_procs(workers, timeout=30)
        for orphan in alive:
            orphan.kill()
        assert not alive, f"{len(alive)} server workers outlived the killed supervisor"


def _zombie(pid: int) -> bool:
    return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] == "Z"


def _listens(pid: int, port: int) -> bool:
    """Whether the process holds a TCP socket listening on the port (Linux /proc/net/tcp, state 0A)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = str(fd.readlink()) if fd.is_symlink() else ""
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A" and fields[9] in inodes:
            return True
    return False


def test_serve_with_workers_refuses_a_port_in_use(web_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    from eventwire.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--db", str(web_db), "--port", str(port), "--workers", "2"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"eventwire: 127.0.0.1:{port}: cannot listen there") and "\n" not in err
