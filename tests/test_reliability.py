"""Reliability of the store under real processes: two `eventwire ingest` processes writing into one
PostgreSQL database at once; an ingest killed (SIGKILL) or interrupted (SIGINT) mid-batch and run again;
a SQLite file deleted while in use. Every run is the real command in a subprocess on a real database."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
import sqlalchemy as sa

from eventwire.errors import StoreError
from eventwire.model import Document, Event, Evidence, Extraction
from eventwire.store import Store, schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("battle_mali.txt", "airstrike_yemen.html", "ied_nigeria.txt", "protest_kenya.html")
VOLATILE = {"ingested_at", "created_at", "updated_at"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight articles: the four about the Gwoza attacks (three reports of one) and four examples."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in sorted((ROOT / "tests" / "data" / "same_event").iterdir()):
        shutil.copy(path, folder / path.name)
    for name in EXAMPLES:
        shutil.copy(ROOT / "examples" / name, folder / name)
    return folder


def ingest_process(corpus: Path, url: str, *options: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "eventwire.cli", "ingest", str(corpus), "--db", url, *options],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell without job control starts background jobs with SIGINT ignored, and Python keeps an
        # inherited SIG_IGN; give the ingest the default a terminal user's Ctrl-C meets.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def ingest(corpus: Path, url: str) -> str:
    proc = ingest_process(corpus, url)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return err


def engine_for(url: str) -> sa.Engine:
    parsed = sa.make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return sa.create_engine(parsed)


def canonical(url: str) -> dict[str, Any]:
    """Everything stored, minus what legitimately differs between two runs: timestamps, surrogate integer
    ids (PostgreSQL spends sequence numbers on rolled-back transactions), and event ids (the mention that
    happened to start an event names it). Events are keyed by their mentions instead."""
    engine = engine_for(url)
    out: dict[str, Any] = {}
    try:
        with engine.connect() as conn:

            def rows(table: sa.Table) -> list[dict[str, Any]]:
                # typed selects, so dates and booleans compare alike on both backends
                return [dict(r) for r in conn.execute(sa.select(table)).mappings()]

            members: dict[str, tuple[str, ...]] = {}
            for m in sorted(rows(schema.mentions), key=lambda m: m["id"]):
                members[m["event_id"]] = (*members.get(m["event_id"], ()), m["id"])

            def clean(row: dict[str, Any], drop: frozenset[str] = frozenset()) -> tuple:
                if "event_id" in row:
                    row["event_id"] = members.get(row["event_id"])
                return tuple(sorted((k, repr(v)) for k, v in row.items() if k not in VOLATILE | drop))

            surrogate = frozenset({"id"})
            out["documents"] = sorted(clean(r) for r in rows(schema.documents))
            out["document_warnings"] = sorted(clean(r, surrogate) for r in rows(schema.document_warnings))
            out["actors"] = sorted(clean(r, surrogate) for r in rows(schema.actors))
            names = {a["id"]: a["name"] for a in rows(schema.actors)}
            out["actor_aliases"] = sorted(
                (names[r["actor_id"]], r["alias"]) for r in rows(schema.actor_aliases)
            )
            out["relations"] = sorted(clean(r, surrogate) for r in rows(schema.relations))
            out["mentions"] = sorted(clean(r) for r in rows(schema.mentions))
            out["mention_evidence"] = sorted(clean(r, surrogate) for r in rows(schema.mention_evidence))
            out["events"] = sorted(clean({**r, "event_id": r["id"]}, surrogate) for r in rows(schema.events))
            out["event_evidence"] = sorted(clean(r, surrogate) for r in rows(schema.event_evidence))
    finally:
        engine.dispose()
    return out


@pytest.fixture(scope="module")
def clean_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The database one uninterrupted ingest of the corpus gives (SQLite)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('clean') / 'clean.db'}"
    ingest(corpus, url)
    result = canonical(url)
    assert len(result["documents"]) == 8 and len(result["events"]) < len(result["mentions"])
    return result


def documents_stored(url: str) -> int:
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("documents"):
                return 0
            return conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one()
    except sa.exc.OperationalError:  # the file or the schema is still being made
        return 0
    finally:
        engine.dispose()


def interrupt_mid_batch(
    corpus: Path, url: str, sig: signal.Signals, *options: str
) -> tuple[subprocess.Popen[str], str, list[psutil.Process]]:
    """Start an ingest and send it `sig` once it has stored two of the eight documents; also return the
    processes it had started (its workers)."""
    proc = ingest_process(corpus, url, *options)
    deadline = time.monotonic() + 240
    while documents_stored(url) < 2:
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the ingest never stored two documents"
        time.sleep(0.02)
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    if documents_stored(url) >= 8:
        # the writer can store the rest between the poll and the signal
        pytest.skip("the ingest stored every document before the signal came: no partial state to repair")
    return proc, err, children


def test_killed_ingest_run_again_equals_a_clean_run(
    corpus: Path, db_url: str, clean_run: dict[str, Any]
) -> None:
    # Batches of two over two workers: four batches, so the kill lands with work still to do.
    proc, _, workers = interrupt_mid_batch(
        corpus, db_url, signal.SIGKILL, "--workers", "2", "--batch-size", "2"
    )
    assert proc.returncode == -signal.SIGKILL
    assert workers, "the ingest started no worker processes"
    _, alive = psutil.wait_procs(workers, timeout=30)  # workers go with the driver, not live on
    for orphan in alive:
        orphan.kill()
    assert not alive, f"{len(alive)} worker processes outlived the killed ingest"
    assert 2 <= documents_stored(db_url) < 8  # it really stopped mid-batch
    err = ingest(corpus, db_url)
    assert "already stored" in err
    assert canonical(db_url) == clean_run


def test_interrupted_ingest_run_again_equals_a_clean_run(
    corpus: Path, tmp_path: Path, clean_run: dict[str, Any]
) -> None:
    url = f"sqlite:///{tmp_path / 'ew.db'}"
    proc, err, _ = interrupt_mid_batch(corpus, url, signal.SIGINT)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert 2 <= documents_stored(url) < 8
    ingest(corpus, url)
    assert canonical(url) == clean_run


def test_two_processes_ingesting_into_postgresql_at_once(
    corpus: Path, pg_url: str, clean_run: dict[str, Any]
) -> None:
    # Both processes get every article, so each document and each event is raced for.
    procs = [ingest_process(corpus, pg_url) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
    assert canonical(pg_url) == clean_run  # nothing lost, no duplicate document, mention or event


def test_vanished_sqlite_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ew.db"
    doc = Document(text="Gunmen attacked Gwoza on Monday.")
    event = Event(
        document_id=doc.id,
        event_type="Violence against civilians",
        sub_event_type="Attack",
        evidence={"event_type": Evidence(7, 15, "attacked")},
    )
    with Store(f"sqlite:///{path}") as store:
        assert store.save(Extraction(document=doc))
        for leftover in tmp_path.glob("ew.db*"):
            leftover.unlink()
        with pytest.raises(StoreError) as err:
            store.save(Extraction(document=Document(text="Another report."), events=[event]))
        message = str(err.value)
        assert "\n" not in message and str(path) in message and "vanished" in message
        with pytest.raises(StoreError):
            store.events()
    assert not path.exists()  # and nothing was written into a file no one can see
