"""Tests for Parquet partitions (`eventwire.partitions`, `ingest --parquet` and `load`): a direct ingest and
an ingest into partitions then loaded give the same database, in process and on a Dask LocalCluster; runs
resume from the partitions there; loading is idempotent and all-or-nothing per partition; bad input is one
line naming the file. Everything runs for real on the project's example articles: spaCy, SQLite files,
a Dask cluster (and PostgreSQL where `db_url` provides one)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import eventwire
from eventwire import partitions, run
from eventwire.cli import main
from eventwire.config import Settings
from eventwire.errors import StoreError
from eventwire.ingest.bulk import iter_items, to_document
from eventwire.model import ACLED_FIELDS, Document, Event, Failure
from eventwire.pipeline import COMPONENTS, DEFAULT_STEPS, Analysis, Pipeline
from eventwire.store import Store
from eventwire.store import database as store_db
from snapshots import db_snapshot

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = str(ROOT / "examples")
SAME_EVENT = str(ROOT / "tests/data/same_event")  # four reports of one attack: clustering across documents


def broken_jsonl(directory: Path) -> str:
    """One good article (an example's text, updated) and one line that is no JSON: a read failure."""
    text = (ROOT / "examples/battle_mali.txt").read_text(encoding="utf-8")
    path = directory / "extra.jsonl"
    record = {"url": "https://example.org/mali", "published": "2024-03-15", "text": text + " More later."}
    path.write_text(json.dumps(record) + "\n{broken\n", encoding="utf-8")
    return str(path)


def part_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("part-*.parquet"))


@pytest.fixture
def sources_in_children(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spawned workers import eventwire afresh: point them at the sources under test, wherever run from."""
    src = str(Path(eventwire.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p))


def _explode(analysis: Analysis) -> None:
    if "second attack" in analysis.document.text.lower():
        raise RuntimeError("boom on the second attack")


@pytest.fixture
def exploding_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipeline whose extra step raises on one article, as a bug in a component would (in process)."""
    monkeypatch.setitem(COMPONENTS, "test_explode", _explode)
    monkeypatch.setitem(
        run._pipelines, Settings().spacy_model, Pipeline(steps=(*DEFAULT_STEPS, "test_explode"))
    )


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The examples, the same-event reports and a JSONL file with one broken line: 17 items, 16 documents.
    One path for every test of the module, as failures and documents are named by where they came from."""
    return [EXAMPLES, SAME_EVENT, broken_jsonl(tmp_path_factory.mktemp("inputs"))]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, inputs: list[str]) -> dict[str, Any]:
    """A single-process direct ingest of `inputs` into SQLite."""
    url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'direct.db'}"
    with Store(url) as store:
        report = run.ingest(inputs, store, workers=1, batch_size=3)
    assert (report.stored, report.failed) == (16, 1)
    return db_snapshot(url)


# -- the format ------------------------------------------------------------------------------------------


def test_partition_round_trip_gives_back_every_field(tmp_path: Path) -> None:
    pipeline = Pipeline()
    items = list(iter_items([EXAMPLES]))
    extractions = [pipeline.extract(to_document(item)) for item in items]
    assert sum(len(e.events) for e in extractions) > 10 and any(e.relations for e in extractions)
    assert any(e.places for e in extractions) and any(a.mentions for e in extractions for a in e.actors)
    # a document without events (one row of kind "document"), and a failure
    bare = dataclasses.replace(extractions[0], events=[], relations=[], warnings=["a warning"])
    bare.document = dataclasses.replace(
        extractions[0].document, text="No events here.", id="", published=None
    )
    failure = Failure("extract", "RuntimeError: boom", "abc", datetime(2024, 3, 15, 12, 30, 1, 123456, UTC))
    records: list[partitions.Record] = [
        (i, item.source, e) for i, (item, e) in enumerate(zip(items, extractions, strict=True))
    ]
    records += [(len(records), "x.jsonl:1", failure), (len(records) + 1, "bare.txt", bare)]
    target = partitions.Target(str(tmp_path), run=3, key="k", stamp="20240101T000000000000Z", model="m")
    path = partitions.write_partition(target, 100, records)
    assert Path(path).name == "part-00003-000000100-20240101T000000000000Z.parquet"
    assert [p.name for p in tmp_path.iterdir()] == [Path(path).name]  # no temporary file left behind

    [found] = partitions.find([str(tmp_path)])
    assert (found.run, found.first, found.records, found.failures) == (3, 100, len(records), 1)
    assert found.documents == len(records) - 1 and found.mentions == sum(len(e.events) for e in extractions)
    back = partitions.read(found)
    assert back == [(source, record) for _, source, record in records]


def test_every_model_field_is_carried() -> None:
    """A field added to Event or Document must get a column (or be carried in `detail`), not be lost."""
    columns = set(partitions.schema().names)
    # an event's id is the mention_id column; a document's id the document_id one, its warnings in detail
    for f in dataclasses.fields(Event):
        assert f.name in columns or f.name in ("id", "document_id"), f.name
    for f in dataclasses.fields(Document):
        assert f.name in columns or f.name in ("id", "warnings"), f.name
    assert set(ACLED_FIELDS) <= columns


def test_partitions_are_plain_parquet_for_analysts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["ingest", EXAMPLES, "--parquet", str(out), "--workers", "1", "--batch-size", "4"]) == 0
    (out / ".part-00001-000000099-x.parquet.123.tmp").write_bytes(b"PAR1 half a file")  # a killed write
    table = ds.dataset(str(out), format="parquet").to_table()  # hidden files are skipped, as pandas does
    assert table.schema.field("published").type == pa.date32()
    assert table.schema.field("latitude").type == pa.float64()
    rows = table.to_pylist()
    events = [r for r in rows if r["kind"] == "event"]
    assert events and all(r["event_type"] and r["document_id"] for r in events)
    assert {r["country"] for r in events} >= {"Nigeria", "Kenya", "Ukraine"}
    assert len({r["document_id"] for r in rows}) == 11
    # the text once per document, on its first row
    assert sum(r["text"] is not None for r in rows) == 11


# -- ingest --parquet then load equals a direct ingest ---------------------------------------------------


def test_parquet_then_load_equals_direct_ingest(
    tmp_path: Path, inputs: list[str], reference: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    out, db = tmp_path / "out", f"sqlite:///{tmp_path / 'loaded.db'}"
    code = main(["ingest", *inputs, "--parquet", str(out), "--workers", "1", "--batch-size", "3"])
    err = capsys.readouterr().err
    assert code == 0 and "wrote 16 document(s)" in err and "1 failure(s) to 6 partition(s)" in err
    assert not (tmp_path / "loaded.db").exists()  # no database is touched
    assert len(part_files(out)) == 6
    assert main(["load", str(out), "--db", db]) == 0
    err = capsys.readouterr().err
    assert "loaded 6 partition(s): 16 document(s) stored" in err and "1 failure(s) recorded" in err
    loaded = db_snapshot(db)
    assert loaded["counts"]["events"] < loaded["counts"]["mentions"]  # some reports were merged
    assert loaded == reference


def test_failures_go_through_partitions_like_a_direct_ingest(
    tmp_path: Path, exploding_pipeline: None
) -> None:
    inputs = [SAME_EVENT, broken_jsonl(tmp_path)]
    direct, loaded = f"sqlite:///{tmp_path / 'direct.db'}", f"sqlite:///{tmp_path / 'loaded.db'}"
    with Store(direct) as store:
        run.ingest(inputs, store, workers=1, batch_size=2)
    report = run.ingest(inputs, None, workers=1, batch_size=2, parquet=tmp_path / "out")
    assert (report.stored, report.failed, report.partitions) == (4, 2, 3)
    with Store(loaded) as store:
        result = partitions.load(partitions.find([str(tmp_path / "out")]), store)
        assert (result.stored, result.failures) == (4, 2)
        failures = {f["source"]: f for f in store.failures()}
    assert (
        failures[f"{SAME_EVENT}/gwoza_second_attack.txt"]["error"]
        == "RuntimeError: boom on the second attack"
    )
    assert db_snapshot(direct) == db_snapshot(loaded)


def test_dask_local_cluster_to_parquet_then_load_equals_single_process(
    tmp_path: Path, inputs: list[str], reference: dict[str, Any], sources_in_children: None
) -> None:
    pytest.importorskip("distributed")
    out, db = tmp_path / "out", f"sqlite:///{tmp_path / 'dask.db'}"
    report = run.ingest(inputs, None, workers=2, dask="local", batch_size=2, parquet=out)
    assert report.mode == "dask local" and (report.stored, report.failed) == (16, 1)
    assert report.partitions == len(part_files(out)) == 9
    # the workers wrote the partitions themselves: the results did not come back to this process
    writers = {json.loads(pq.read_schema(p).metadata[b"eventwire"])["writer"] for p in part_files(out)}
    assert all(w.split(":")[1] != str(os.getpid()) for w in writers)
    assert main(["load", str(out), "--db", db]) == 0
    assert db_snapshot(db) == reference


# -- resuming --------------------------------------------------------------------------------------------


def test_rerun_skips_what_is_there_and_fills_the_gap_in_input_order(
    tmp_path: Path, inputs: list[str], reference: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    real_write = pq.write_table
    calls = {"n": 0}

    def killed_on_the_third(table: Any, where: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # killed half-way through writing the third partition
            where.write(b"PAR1 half")
            raise KeyboardInterrupt
        real_write(table, where, **kwargs)

    monkeypatch.setattr(pq, "write_table", killed_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        run.ingest(inputs, None, workers=1, batch_size=3, parquet=out)
    assert len(part_files(out)) == 2 and not list(out.glob(".*"))  # no half file, no temporary file
    monkeypatch.setattr(pq, "write_table", real_write)

    # run again: the 6 documents of the two partitions are skipped, the rest is written
    report = run.ingest(inputs, None, workers=1, batch_size=3, parquet=out)
    assert (report.skipped, report.stored, report.failed, report.partitions) == (6, 10, 1, 4)
    # and once more: nothing to do but the failure, retried
    again = run.ingest(inputs, None, workers=1, batch_size=3, parquet=out)
    assert (again.skipped, again.stored, again.failed, again.partitions) == (16, 0, 1, 1)

    # a gap: a partition lost from the middle is written again, in its place in input order
    files = part_files(out)
    assert [partitions.inspect(f).run for f in files] == [1] * 7  # same inputs, same run
    lost = files[3]
    ids = partitions.document_ids(partitions.inspect(lost))
    lost.unlink()
    report = run.ingest(inputs, None, workers=1, batch_size=3, parquet=out)
    assert report.stored == len(ids) == 3
    found = partitions.find([str(out)])
    assert [p.first for p in found] == [0, 3, 6, 9, 12, 15, 15, 15]  # the failure: once per run

    db = f"sqlite:///{tmp_path / 'resumed.db'}"
    assert main(["load", str(out), "--db", db]) == 0
    resumed = db_snapshot(db)
    [failure] = resumed["failures"]
    assert failure["attempts"] == 3  # one per run that reached it, as direct ingests would count
    for snapshot in (resumed, reference):
        snapshot["failures"] = [{k: v for k, v in f.items() if k != "attempts"} for f in snapshot["failures"]]
    assert resumed == reference


def test_other_inputs_into_the_same_directory_are_a_new_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run.ingest([SAME_EVENT], None, workers=1, batch_size=8, parquet=out)
    report = run.ingest([EXAMPLES, SAME_EVENT], None, workers=1, batch_size=8, parquet=out)
    assert (report.stored, report.skipped) == (11, 4)
    assert [(p.run, p.first) for p in partitions.find([str(out)])] == [(1, 0), (2, 0), (2, 8)]


# -- load ------------------------------------------------------------------------------------------------


def test_load_twice_changes_nothing(
    tmp_path: Path, db_url: str, exploding_pipeline: None, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    run.ingest([SAME_EVENT, broken_jsonl(tmp_path)], None, workers=1, batch_size=2, parquet=out)
    assert main(["load", str(out), "--db", db_url]) == 0
    capsys.readouterr()
    with Store(db_url) as store:
        first = db_snapshot(db_url), store.failures()
    assert main(["load", str(out), "--db", db_url]) == 0
    err = capsys.readouterr().err
    assert "0 document(s) stored" in err and "4 already stored" in err and "2 recorded before" in err
    with Store(db_url) as store:
        assert (db_snapshot(db_url), store.failures()) == first  # failure times and attempts included


def test_a_partition_goes_in_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    run.ingest([EXAMPLES], None, workers=1, batch_size=4, parquet=out)
    found = partitions.find([str(out)])
    second = partitions.document_ids(found[1])
    real = store_db.Store._save_in
    calls = {"n": 0}

    def fail_on_the_sixth(self: Store, conn: Any, extraction: Any, now: Any) -> bool:
        calls["n"] += 1
        if calls["n"] == 6:  # the second document of the second partition
            raise StoreError("db: disk full")
        return real(self, conn, extraction, now)

    monkeypatch.setattr(store_db.Store, "_save_in", fail_on_the_sixth)
    url = f"sqlite:///{tmp_path / 'e.db'}"
    with Store(url) as store:
        with pytest.raises(StoreError, match="nothing of it was written"):
            partitions.load(found, store)
        stored = store.document_ids()
        assert len(stored) == 4 and not stored & second  # the first partition, none of the second
    monkeypatch.setattr(store_db.Store, "_save_in", real)
    with Store(url) as store:
        assert partitions.load(found, store).stored == 7  # loading again carries on


def _zero_the_pages(path: Path) -> None:
    """Keep the header and the footer, zero everything between: the pages no longer decode."""
    data = bytearray(path.read_bytes())
    footer = int.from_bytes(data[-8:-4], "little")
    data[4 : len(data) - 8 - footer] = bytes(len(data) - 12 - footer)
    path.write_bytes(bytes(data))


def test_corrupt_partition_is_one_line_naming_it_and_nothing_of_it_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    run.ingest([EXAMPLES], None, workers=1, batch_size=4, parquet=out)
    files = part_files(out)
    _zero_the_pages(files[1])
    db = tmp_path / "e.db"
    assert main(["load", str(out), "--db", str(db)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith(f"eventwire: {files[1]}: corrupt partition (")
    assert "nothing of it was loaded; the 1 partition(s) before it are loaded" in err
    with Store(f"sqlite:///{db}") as store:
        assert store.counts()["documents"] == 4

    files[2].write_bytes(files[2].read_bytes()[:-100])  # cut short: found before anything is loaded
    assert main(["load", str(out), "--db", str(tmp_path / "other.db")]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"eventwire: {files[2]}: corrupt partition (truncated: no Parquet footer)"
    assert not (tmp_path / "other.db").exists()


def test_bad_load_inputs_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "e.db"

    def fails(path: Path | str, expected: str) -> None:
        assert main(["load", str(path), "--db", str(db)]) == 1
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and err.startswith(f"eventwire: {expected}"), err
        assert not db.exists()  # nothing was opened, let alone written

    fails(tmp_path / "missing", f"{tmp_path / 'missing'}: no such directory")
    out = tmp_path / "out"
    out.mkdir()
    fails(out, f"{out}: no partitions in this directory")
    (out / "notes.txt").write_text("my notes")
    fails(out, f"{out / 'notes.txt'}: not a Parquet file")
    (out / "notes.txt").unlink()
    (out / "part-1.parquet").write_text("id,name\n1,x\n")
    fails(out, f"{out / 'part-1.parquet'}: not a Parquet file")
    pq.write_table(pa.table({"id": [1, 2]}), out / "part-1.parquet")
    fails(out / "part-1.parquet", f"{out / 'part-1.parquet'}: a Parquet file, but not an eventwire partition")


def test_parquet_and_db_together_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["ingest", EXAMPLES, "--parquet", "out", "--db", "e.db"])
    assert exc.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


def test_parquet_onto_a_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["ingest", EXAMPLES, "--parquet", str(target)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "not a directory" in err


def test_copied_partitions_load_wherever_they_are(tmp_path: Path) -> None:
    """Partitions are self-contained: copied elsewhere (or one file alone), they load the same."""
    out = tmp_path / "out"
    run.ingest([SAME_EVENT], None, workers=1, batch_size=2, parquet=out)
    moved = tmp_path / "moved"
    shutil.copytree(out, moved)
    url = f"sqlite:///{tmp_path / 'e.db'}"
    with Store(url) as store:
        first = part_files(moved)[0]
        assert partitions.load(partitions.find([str(first)]), store).stored == 2
        assert partitions.load(partitions.find([str(moved)]), store).stored == 2
