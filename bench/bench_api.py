"""Load on the web API: event queries against a 100,000-event SQLite database, from a separate client process.

    .venv/bin/python bench/bench_api.py [--mix browse|search|all] [--workers 2] [--events 100000]
        [--requests 4000] [--concurrency 8] [--db FILE] [--json]

Builds the database (synthetic events in bulk, as bench_dedup.py makes them: 143 countries, ten years,
the six event types) unless --db names one already built, starts `eventwire serve` on 127.0.0.1 on a free
port, and sends a fixed number of requests (bounded: nothing runs open-ended) from `--concurrency`
concurrent connections of this process. The mix is what the page asks for: the newest page, a country,
a type in a date range, a bounding box, a deeper page and single events ("browse"), or word searches
by actor and text through the full-text index ("search").
Prints requests per second and the latency percentiles, overall and per kind; `--json` prints them as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dedup import fill  # noqa: E402  (the same synthetic events as the clustering benchmark)

from eventwire.datafiles import rows as data_rows  # noqa: E402
from eventwire.store import Store  # noqa: E402

HOST = "127.0.0.1"  # the load never leaves this machine


def build(path: Path, count: int) -> None:
    store = Store(f"sqlite:///{path}")
    have = store.counts()["events"]
    if have < count:
        countries = [(r[0], float(r[1]), float(r[2])) for r in data_rows("country_points.tsv")]
        fill(store, count - have, random.Random(6), countries)
    store.close()


def start_server(db: Path, workers: int) -> tuple[subprocess.Popen[str], str]:
    src = Path(__file__).resolve().parent.parent / "src"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "eventwire.cli", "serve", "--db", str(db), "--host", HOST, "--port", "0",
         "--no-access-log", "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    found: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            # Printed once the socket listens (with several workers, once every one of them does).
            m = re.search(r"Uvicorn running on (http://\S+) ", line)
            if m:
                found.append(m.group(1))
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 60
    while True:  # the startup line can come a moment before the socket listens: wait until it does
        if ready.is_set():
            try:
                host, port = found[0].removeprefix("http://").rsplit(":", 1)
                socket.create_connection((host, int(port)), timeout=1).close()
                return proc, found[0]
            except OSError:
                pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise SystemExit("eventwire serve did not start")
        time.sleep(0.1)


def request_mix(
    rng: random.Random, ids: list[str], countries: list[str], mix: str
) -> list[tuple[str, dict[str, Any]]]:
    """A round of requests: (kind, params); the path is /api/events, or /api/events/{id} for "event".

    "browse" is what the page does on every filter and page change (indexed filters, single events);
    "search" is word search (actor, text) through the full-text index; "all" is both."""
    browse = [
        ("newest", {"limit": 100}),
        ("country", {"country": rng.choice(countries), "limit": 100}),
        (
            "type+dates",
            {
                "event_type": rng.choice(TYPES),
                "since": f"{rng.randrange(2015, 2024)}-0{rng.randrange(1, 10)}",
                "until": "2024-12-31",
                "limit": 100,
            },
        ),  # fmt: skip
        ("bbox", {"bbox": rng.choice(BOXES), "limit": 100}),
        ("page 10", {"limit": 100, "offset": 1000}),
        ("event", {"id": rng.choice(ids)}),
        ("event", {"id": rng.choice(ids)}),
    ]
    search = [
        ("actor", {"actor": f"armed group {rng.randrange(50)} (", "limit": 50}),
        ("text", {"q": f"town {rng.randrange(1000)}", "limit": 50}),
    ]
    return {"browse": browse, "search": search, "all": browse + search}[mix]


TYPES = ("Battles", "Protests", "Riots", "Violence against civilians", "Explosions/Remote violence")
BOXES = ("2,4,15,14", "30,-5,42,5", "60,25,75,38", "-20,10,0,20", "100,-10,120,5")


class Connection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams. httpx costs about as much CPU per request as
    the server does, and the client shares this machine's cores with the server: a lean client measures
    the server rather than the client. It asks for no gzip, like most API clients on 127.0.0.1."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, target: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode())
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {
            k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
        }
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        else:  # chunked
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunks.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(c[:-2] for c in chunks)
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def run_load(base: str, total: int, concurrency: int, seed: int, mix: str) -> dict[str, list[float]]:
    rng = random.Random(seed)
    host, port = base.removeprefix("http://").split(":")
    first = Connection(host, int(port))
    _, body = await first.get("/api/events?limit=1000&sort=-fatalities")
    ids = [e["id"] for e in json.loads(body)["events"]]
    _, body = await first.get("/api/facets")
    countries = [c["iso3"] for c in json.loads(body)["countries"][:40]]
    await first.close()
    jobs: list[tuple[str, dict[str, Any]]] = []
    while len(jobs) < total:
        jobs.extend(request_mix(rng, ids, countries, mix))
    jobs = jobs[:total]
    rng.shuffle(jobs)
    targets = [
        (kind, f"/api/events/{params['id']}" if kind == "event" else f"/api/events?{urlencode(params)}")
        for kind, params in jobs
    ]
    times: dict[str, list[float]] = defaultdict(list)
    failures: list[str] = []
    queue = iter(targets)

    async def worker() -> None:
        conn = Connection(host, int(port))
        try:
            for kind, target in queue:  # one shared iterator: each request is sent once
                started = time.perf_counter()
                status, _ = await conn.get(target)
                times[kind].append(time.perf_counter() - started)
                if status != 200:
                    failures.append(f"{status} {target}")
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    times["_wall"] = [time.perf_counter() - started]
    if failures:
        raise SystemExit(f"{len(failures)} request(s) failed, e.g. {failures[0]}")
    return times


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by the server process and its worker processes (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        p = pending.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            pending += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def percentile(ms: list[float], q: float) -> float:
    ms = sorted(ms)
    return ms[min(len(ms) - 1, int(round(q * (len(ms) - 1))))]


def summary(times: dict[str, list[float]]) -> dict[str, Any]:
    wall = times.pop("_wall")[0]
    every = [t * 1000 for ts in times.values() for t in ts]
    out: dict[str, Any] = {
        "requests": len(every),
        "seconds": round(wall, 2),
        "requests_per_second": round(len(every) / wall, 1),
        "p50_ms": round(statistics.median(every), 1),
        "p95_ms": round(percentile(every, 0.95), 1),
        "p99_ms": round(percentile(every, 0.99), 1),
        "kinds": {},
    }
    for kind, ts in sorted(times.items()):
        ms = [t * 1000 for t in ts]
        out["kinds"][kind] = {
            "requests": len(ms),
            "p50_ms": round(statistics.median(ms), 1),
            "p99_ms": round(percentile(ms, 0.99), 1),
        }
    return out


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=4000, help="requests to send (after a warm-up)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--db", help="SQLite file to use (built if it holds fewer events); default: a temporary one"
    )
    parser.add_argument("--mix", choices=("browse", "search", "all"), default="browse")
    parser.add_argument("--workers", type=int, default=2, help="server processes (eventwire serve --workers)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (1 <= args.requests <= 100_000 and 1 <= args.concurrency <= 64):
        raise SystemExit("--requests must be 1..100000 and --concurrency 1..64")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "bench_api.db"
        build(db, args.events)
        proc, base = start_server(db, args.workers)
        try:
            asyncio.run(run_load(base, min(400, args.requests), args.concurrency, 1, args.mix))  # warm-up
            cpu = server_cpu_seconds(proc.pid)
            result = summary(asyncio.run(run_load(base, args.requests, args.concurrency, 2, args.mix)))
            # CPU per request says what the server costs whatever else the machine is doing meanwhile.
            result["server_cpu_ms_per_request"] = round(
                (server_cpu_seconds(proc.pid) - cpu) * 1000 / args.requests, 2
            )
            result["load_average"] = os.getloadavg()[0]
        finally:
            proc.terminate()
            proc.wait(10)
    result["events"] = args.events
    result["concurrency"] = args.concurrency
    result["workers"] = args.workers
    result["mix"] = args.mix
    if args.json:
        print(json.dumps(result))
        return
    r = result
    print(
        f"{args.mix}: {r['requests']} requests in {r['seconds']} s, {args.concurrency} connections, "
        f"{args.workers} server process(es), {args.events:,} events: {r['requests_per_second']} req/s, "
        f"p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms; "
        f"server CPU {r['server_cpu_ms_per_request']} ms per request; "
        f"load average {r['load_average']:.1f} on {os.cpu_count()} cores"
    )
    for kind, k in result["kinds"].items():
        print(f"  {kind:<11} {k['requests']:>5} requests  p50 {k['p50_ms']:>6} ms  p99 {k['p99_ms']:>6} ms")


if __name__ == "__main__":
    main(sys.argv[1:])
