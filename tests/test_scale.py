"""Tests for ingest at scale (`eventwire.run` and the `ingest`/`failures` commands): failures recorded and
never fatal, resumed runs, N worker processes and a Dask LocalCluster giving exactly the database a
single-process run gives. Everything runs for real: spaCy, spawned processes, a Dask cluster, SQLite files
(and PostgreSQL where `db_url` provides one)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import eventwire
from eventwire import run
from eventwire.cli import main
from eventwire.config import Settings
from eventwire.pipeline import COMPONENTS, DEFAULT_STEPS, Analysis, Pipeline
from eventwire.store import Store
from snapshots import db_snapshot

ARTICLES = [
    ("Gunmen attacked a village in Zamfara state on Monday, killing five people, police said. "
     "The attackers fled into a nearby forest on motorcycles, residents said."),
    ("Police fired tear gas at hundreds of protesters in Nairobi on Tuesday, witnesses said. "
     "Dozens of demonstrators were arrested near parliament."),
    ("Russian forces shelled the city of Kharkiv on Wednesday, killing three civilians, the regional "
     "governor said. Two more people were wounded."),
    ("Gunmen killed four people in an attack on a village near Maiduguri in Borno state on Monday, "
     "residents said. Boko Haram fighters were blamed for the attack."),
    ("A roadside bomb killed two soldiers in Mali's Gao region on Thursday, the army said. "
     "No group claimed responsibility for the blast."),
    ("Protesters blocked roads in Nairobi on Wednesday against new taxes; police arrested twelve people, "
     "a police spokesman said."),
]  # fmt: skip


def write_jsonl(path: Path, texts: list[str], extra: list[str] | None = None) -> Path:
    lines = [
        json.dumps({"url": f"https://example.org/{i}", "published": "2024-03-15", "text": text})
        for i, text in enumerate(texts)
    ]
    path.write_text("\n".join(lines + (extra or [])) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def sources_in_children(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spawned workers import eventwire afresh: point them at the sources under test, wherever run from."""
    src = str(Path(eventwire.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p))


# -- failures and resuming -------------------------------------------------------------------------------


def _explode(analysis: Analysis) -> None:
    if "Kharkiv" in analysis.document.text:
        raise RuntimeError("boom on Kharkiv")


def test_failures_recorded_batch_goes_on_and_rerun_resumes(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_jsonl(tmp_path / "news.jsonl", ARTICLES[:4], extra=["{broken"])
    model = Settings().spacy_model
    # a pipeline whose extra step raises on one article, as a bug in a component would
    monkeypatch.setitem(COMPONENTS, "test_explode", _explode)
    monkeypatch.setitem(run._pipelines, model, Pipeline(steps=(*DEFAULT_STEPS, "test_explode")))
    with Store(db_url) as store:
        report = run.ingest([str(data)], store, workers=1, batch_size=3)
        assert (report.stored, report.failed, report.skipped) == (3, 2, 0)
        failures = {f["source"]: f for f in store.failures()}
        assert set(failures) == {f"{data}:3", f"{data}:5"}
        assert failures[f"{data}:3"]["stage"] == "extract"
        assert failures[f"{data}:3"]["error"] == "RuntimeError: boom on Kharkiv"
        assert failures[f"{data}:3"]["document_id"] and failures[f"{data}:5"]["stage"] == "read"
        assert store.counts()["documents"] == 3

        # run again, still broken: stored ones skipped without extraction, failures retried and counted
        report = run.ingest([str(data)], store, workers=1, batch_size=3)
        assert (report.stored, report.failed, report.skipped) == (0, 2, 3)
        assert {f["source"]: f["attempts"] for f in store.failures()} == {f"{data}:3": 2, f"{data}:5": 2}

    # the bug fixed: the failed article goes in and leaves the failures table; the broken line stays
    monkeypatch.setitem(run._pipelines, model, Pipeline())
    code = main(["ingest", str(data), "--db", db_url, "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 0
    assert "ingested 1 document(s)" in err and "3 already stored" in err and "1 failed" in err
    assert main(["failures", "--db", db_url, "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(f["source"], f["stage"], f["attempts"]) for f in listed] == [(f"{data}:5", "read", 3)]
    assert db_snapshot(db_url)["counts"]["documents"] == 4


def test_failures_table_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_jsonl(tmp_path / "news.jsonl", [], extra=["[1]", '{"title": "no text"}'])
    db = f"sqlite:///{tmp_path / 'e.db'}"
    assert main(["ingest", str(data), "--db", db]) == 1  # nothing could be done
    err = capsys.readouterr().err
    assert f"eventwire: {data}:1: not a JSON object but a list" in err and "2 failed" in err
    assert main(["failures", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "2 failure(s)" in out and f"{data.name}:2" in out and "read" in out


def test_failures_on_a_missing_database_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["failures", "--db", str(tmp_path / "none.db")]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "no such database" in err


def test_bad_workers_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["ingest", "x.jsonl", "--workers", "0"])
    assert exc.value.code == 2 and "not a positive whole number" in capsys.readouterr().err


# -- parallel and distributed ----------------------------------------------------------------------------


def test_two_worker_processes_equal_one_process(
    tmp_path: Path, sources_in_children: None, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_jsonl(tmp_path / "news.jsonl", ARTICLES, extra=["not json"])
    single, multi = f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'two.db'}"
    assert main(["ingest", str(data), "--db", single, "--workers", "1", "--batch-size", "2"]) == 0
    assert "in-process" in capsys.readouterr().err
    assert main(["ingest", str(data), "--db", multi, "--workers", "2", "--batch-size", "2"]) == 0
    err = capsys.readouterr().err
    assert "2 worker processes" in err and "ingested 6 document(s)" in err and "1 failed" in err
    one, two = db_snapshot(single), db_snapshot(multi)
    assert one["counts"]["mentions"] > 0 and one == two
    with Store(multi) as store:
        assert [f["source"] for f in store.failures()] == [f"{data}:7"]


def test_dask_local_cluster_equals_one_process(tmp_path: Path, sources_in_children: None) -> None:
    pytest.importorskip("distributed")
    data = write_jsonl(tmp_path / "news.jsonl", ARTICLES)
    single, dask = f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'dask.db'}"
    with Store(single) as store:
        run.ingest([str(data)], store, workers=1)
    with Store(dask) as store:
        report = run.ingest([str(data)], store, workers=2, dask="local", batch_size=2)
        assert report.mode == "dask local" and report.stored == len(ARTICLES)
        assert report.samples and all(s.peak_rss > 0 for s in report.samples)
        # resumed on the cluster too: nothing is extracted again
        again = run.ingest([str(data)], store, workers=2, dask="local", batch_size=2)
        assert (again.stored, again.skipped) == (0, len(ARTICLES))
    one = db_snapshot(single)
    assert one["counts"]["events"] > 0 and one == db_snapshot(dask)


def test_unreachable_dask_scheduler_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr(run, "DASK_CONNECT_TIMEOUT", 2)
    data = write_jsonl(tmp_path / "news.jsonl", ARTICLES[:1])
    code = main(["ingest", str(data), "--db", str(tmp_path / "e.db"), "--dask", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and "\n" not in err and "tcp://127.0.0.1:9: cannot reach the Dask scheduler" in err
