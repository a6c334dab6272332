"""Tests that run the real `eventwire` command: `extract`, `ingest`, `events` and `export`.

Most run in-process through `eventwire.cli.main([...])` with stdout/stderr captured by capsys, so the spaCy
model loads once for the whole module; a few run `python -m eventwire.cli` as a subprocess to check real exit
codes and what a user sees on a non-terminal stderr. Every article is a short text written here; every
database and output file lives under tmp_path.
"""

from __future__ import annotations

import csv
import json
import os
import random
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from eventwire import cli
from eventwire.cli import main
from eventwire.ingest import read_path
from eventwire.store import Store

PUBLISHED = "2024-03-12"

NIGERIA = (
    "Gunmen attacked a village in Zamfara state on Monday, killing five people, police said. "
    "The attackers fled into a nearby forest on motorcycles, residents said.\n"
)
KENYA = (
    "Police fired tear gas at hundreds of protesters in Nairobi on Tuesday, witnesses said. "
    "Dozens of demonstrators were arrested near parliament.\n"
)
UKRAINE = (
    "Russian forces shelled Kherson on Sunday, killing two civilians and wounding five, "
    "Ukrainian officials said. Several houses were destroyed.\n"
)
# No date of any kind: neither a publication date nor a weekday.
UNDATED = "Gunmen attacked a village in Zamfara state, killing five people, police said.\n"
# Latin-1 bytes that are not valid UTF-8 (é, ç, è).
LATIN1 = (
    "Gunmen attacked a village in Zamfara state on Monday, killing five people, police said. "
    "The village head, Abdoulaye Garçon, said the café and the chief's house were burned. Père Rémi fled.\n"
)
FRENCH = (
    "Des hommes armés ont tué cinq villageois dans l'État de Zamfara lundi, a indiqué la police. "
    "Les assaillants ont pris la fuite dans la forêt voisine, selon les habitants du village.\n"
)

ACLED_EVENT_KEYS = (
    "event_type", "sub_event_type", "event_date", "time_precision", "actor1", "inter1", "country", "iso3",
    "latitude", "longitude", "geo_precision", "fatalities", "notes", "confidence", "evidence",
)  # fmt: skip


# -- helpers ---------------------------------------------------------------------------------------------


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`eventwire ARGV` in-process: (exit code, stdout, stderr)."""
    capsys.readouterr()  # drop anything captured before
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_subprocess(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m eventwire.cli ARGV` with no terminal attached and no COLUMNS/LINES override."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return subprocess.run(
        [sys.executable, "-m", "eventwire.cli", *argv],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def error_lines(stderr: str) -> list[str]:
    """The `eventwire: ...` lines of stderr that are not warnings."""
    return [
        line for line in stderr.splitlines()
        if line.startswith("eventwire: ") and not line.startswith("eventwire: warning:")
    ]  # fmt: skip


def flat(text: str) -> str:
    """Whitespace collapsed, so a message is found even if the console wrapped it."""
    return " ".join(text.split())


def json_lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def snapshot(db: Path) -> tuple[dict[str, int], list[str], bytes]:
    """Everything that must not change when a bad input is turned away: counts, full SQL dump, file bytes."""
    data = db.read_bytes()
    with Store(sqlite_url(db), create=False) as store:
        counts = store.counts()
    conn = sqlite3.connect(db)
    try:
        dump = list(conn.iterdump())
    finally:
        conn.close()
    return counts, dump, data


def assert_spans_match(text: str, spans: list[dict[str, Any]]) -> None:
    for span in spans:
        assert span["text"] == text[span["start"] : span["end"]], span


def all_spans(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Every evidence span in one `extract` JSON object: events, actor mentions, relations, places."""
    spans = [span for event in result["events"] for span in event["evidence"].values()]
    spans += [m for actor in result["actors"] for m in actor["mentions"]]
    spans += [rel["evidence"] for rel in result["relations"]]
    spans += [p["evidence"] for p in result.get("places", []) if p.get("evidence")]
    return spans


@pytest.fixture(autouse=True)
def unwrapped_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs: stderr messages are never wrapped, whatever the terminal's width.

    The CLI's own console wraps long messages at the console width (see
    `test_subprocess_long_message_stays_on_one_line`); here the content of each message is under test.
    """
    monkeypatch.setattr(cli, "err_console", Console(stderr=True, soft_wrap=True))


@pytest.fixture
def articles(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "articles"
    folder.mkdir()
    return {
        "nigeria": write(folder / "zamfara.txt", NIGERIA),
        "kenya": write(folder / "nairobi.txt", KENYA),
        "ukraine": write(folder / "kherson.txt", UKRAINE),
    }


@pytest.fixture
def stored_db(tmp_path: Path, articles: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> Path:
    """A database holding the Nigeria and Kenya articles."""
    db = tmp_path / "stored.db"
    code, _, err = run(
        capsys, "ingest", str(articles["nigeria"]), str(articles["kenya"]), "--published", PUBLISHED,
        "--db", sqlite_url(db),
    )  # fmt: skip
    assert code == 0, err
    with Store(sqlite_url(db), create=False) as store:
        counts = store.counts()
    assert counts["documents"] == 2 and counts["events"] >= 2, counts
    return db


# -- extract ---------------------------------------------------------------------------------------------


def test_extract_json_has_acled_fields_and_exact_evidence(
    articles: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = articles["nigeria"]
    code, out, err = run(capsys, "extract", str(path), "--published", PUBLISHED, "--format", "json")
    assert code == 0, err
    assert error_lines(err) == []
    results = json_lines(out)
    assert len(results) == 1
    result = results[0]
    assert {"document", "events", "actors", "relations", "warnings"} <= set(result)

    doc = read_path(path, published=date.fromisoformat(PUBLISHED))
    assert result["document"]["id"] == doc.id  # the same text the spans point into
    assert result["document"]["published"] == PUBLISHED
    assert result["document"]["source_path"] == str(path)

    assert result["events"], "an attack that killed five people should give at least one event"
    for event in result["events"]:
        missing = [key for key in ACLED_EVENT_KEYS if key not in event]
        assert not missing, missing
        assert event["country"] == "Nigeria" and event["iso3"] == "NGA"
        assert event["evidence"], event
    assert_spans_match(doc.text, all_spans(result))


def test_extract_two_files_gives_two_json_lines_in_order(
    articles: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    order = [articles["kenya"], articles["nigeria"]]  # not alphabetical: the order given must win
    code, out, err = run(capsys, "extract", *map(str, order), "--published", PUBLISHED)
    assert code == 0, err
    results = json_lines(out)
    assert [r["document"]["source_path"] for r in results] == [str(p) for p in order]
    for path, result in zip(order, results, strict=True):
        doc = read_path(path, published=date.fromisoformat(PUBLISHED))
        assert result["document"]["id"] == doc.id
        assert_spans_match(doc.text, all_spans(result))


def test_extract_table(articles: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "extract", str(articles["nigeria"]), "--published", PUBLISHED, "--format", "table"
    )
    assert code == 0, err
    assert "country" in out and "date" in out
    assert "Nigeria" in out
    assert articles["nigeria"].name in out  # the title falls back to the file name
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


@pytest.mark.parametrize("text", [UNDATED, NIGERIA], ids=["no-date-at-all", "weekday-only"])
def test_extract_without_published_invents_no_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    path = write(tmp_path / "undated.txt", text)
    code, out, err = run(capsys, "extract", str(path))
    assert code == 0, err
    (result,) = json_lines(out)
    assert result["document"]["published"] is None
    assert any("year unknown" in w for w in result["warnings"]), result["warnings"]
    assert "year unknown" in flat(err)  # also reported to the user
    assert result["events"], "the attack should still be coded, just without a date"
    assert all(event["event_date"] is None for event in result["events"]), result["events"]


# -- ingest, events, export ------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["url", "plain-path"])
def test_ingest_then_events(
    tmp_path: Path,
    articles: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    form: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    db_arg = sqlite_url(tmp_path / "x.db") if form == "url" else "x.db"  # plain: relative to the cwd
    url = sqlite_url(tmp_path / "x.db")
    files = [str(articles["nigeria"]), str(articles["kenya"])]

    code, out, err = run(capsys, "ingest", *files, "--published", PUBLISHED, "--db", db_arg)
    assert code == 0, err
    assert error_lines(err) == []
    assert "ingested 2 document(s)" in flat(err)
    assert (tmp_path / "x.db").is_file()
    with Store(url, create=False) as store:
        counts = store.counts()
    assert counts["documents"] == 2

    code, out, err = run(capsys, "events", "--db", db_arg, "--format", "json")
    assert code == 0, err
    events = json.loads(out)
    assert len(events) == counts["events"] >= 2
    assert {e["source_path"] for e in events} == set(files)
    assert {e["country"] for e in events} >= {"Nigeria", "Kenya"}
    for event in events:
        assert event["published"] == PUBLISHED
        doc = read_path(event["source_path"], published=date.fromisoformat(PUBLISHED))
        assert event["document_id"] == doc.id
        assert_spans_match(doc.text, list(event["evidence"].values()))


def test_ingest_again_stores_nothing_new(
    tmp_path: Path, stored_db: Path, articles: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(stored_db)
    copy = write(tmp_path / "same-text-other-name.txt", NIGERIA)  # identity is the text, not the file name
    code, _, err = run(
        capsys, "ingest", str(articles["nigeria"]), str(copy), "--published", PUBLISHED,
        "--db", sqlite_url(stored_db),
    )  # fmt: skip
    assert code == 0, err
    assert "ingested 0 document(s)" in flat(err) and "2 already stored" in flat(err)
    after = snapshot(stored_db)
    assert after[0] == before[0]
    assert after[1] == before[1]


def test_events_filters(stored_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = sqlite_url(stored_db)
    _, out, _ = run(capsys, "events", "--db", db, "--format", "json")
    everything = json.loads(out)
    countries = {e["country"] for e in everything}
    types = {e["event_type"] for e in everything}
    assert {"Nigeria", "Kenya"} <= countries

    for value in ("Kenya", "kenya", "KEN"):  # name in any case, or ISO3
        code, out, err = run(capsys, "events", "--db", db, "--country", value, "--format", "json")
        assert code == 0, err
        rows = json.loads(out)
        assert rows and all(e["country"] == "Kenya" for e in rows)
        assert len(rows) == sum(e["country"] == "Kenya" for e in everything)

    for event_type in types:
        code, out, err = run(capsys, "events", "--db", db, "--type", event_type.lower(), "--format", "json")
        assert code == 0, err
        rows = json.loads(out)
        assert len(rows) == sum(e["event_type"] == event_type for e in everything)
        assert all(e["event_type"] == event_type for e in rows)

    _, out, _ = run(capsys, "events", "--db", db, "--type", "No such type", "--format", "json")
    assert json.loads(out) == []

    code, out, err = run(capsys, "events", "--db", db)  # default: a table
    assert code == 0, err
    assert "country" in out and "Kenya" in out


def test_events_bad_since_is_one_line(stored_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "events", "--db", sqlite_url(stored_db), "--since", "last week")
    assert code == 1
    assert out == ""
    lines = error_lines(err)
    assert len(lines) == 1 and "since=last week" in lines[0]


def test_events_on_missing_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "nothing.db"
    code, _, err = run(capsys, "events", "--db", str(db))
    assert code == 1
    lines = error_lines(err)
    assert len(lines) == 1 and str(db) in lines[0] and "no such database" in lines[0]
    assert not db.exists()  # looking must not create it


def test_export_formats(tmp_path: Path, stored_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = sqlite_url(stored_db)
    _, out, _ = run(capsys, "events", "--db", db, "--format", "json")
    events = json.loads(out)
    by_id = {e["id"]: e for e in events}

    csv_path = tmp_path / "out" / "events.csv"
    csv_path.parent.mkdir()
    code, _, err = run(capsys, "export", "--db", db, "--format", "acled-csv", "-o", str(csv_path))
    assert code == 0, err
    assert f"exported {len(events)} event(s)" in flat(err)
    text = csv_path.read_text(encoding="utf-8")
    assert text.startswith("event_id_cnty,event_date,")
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == len(events)
    assert sorted(r["event_date"] for r in rows) == sorted(e["event_date"] or "" for e in events)
    assert {r["country"] for r in rows} == {e["country"] for e in events}

    jsonl_path = tmp_path / "out" / "events.jsonl"
    code, _, err = run(capsys, "export", "--db", db, "--format", "jsonl", "-o", str(jsonl_path))
    assert code == 0, err
    lines = json_lines(jsonl_path.read_text(encoding="utf-8"))
    assert [line["id"] for line in lines] == [e["id"] for e in events]

    geo_path = tmp_path / "out" / "events.geojson"
    code, _, err = run(capsys, "export", "--db", db, "--format", "geojson", "-o", str(geo_path))
    assert code == 0, err
    collection = json.loads(geo_path.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert features
    assert len(features) + collection["skipped_without_coordinates"] == len(events)
    for feature in features:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        event = by_id[feature["id"]]
        assert feature["geometry"]["coordinates"] == [event["longitude"], event["latitude"]]

    left = sorted(p.name for p in csv_path.parent.iterdir())
    assert left == ["events.csv", "events.geojson", "events.jsonl"]  # no .tmp files left behind

    code, out, err = run(capsys, "export", "--db", db, "--format", "jsonl", "-o", "-")
    assert code == 0, err
    assert [line["id"] for line in json_lines(out)] == [e["id"] for e in events]


def test_export_into_missing_directory(
    tmp_path: Path, stored_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no" / "such" / "dir" / "events.csv"
    code, _, err = run(
        capsys, "export", "--db", sqlite_url(stored_db), "--format", "acled-csv", "-o", str(target)
    )
    assert code == 1
    lines = error_lines(err)
    assert len(lines) == 1 and str(target) in lines[0]
    assert not (tmp_path / "no").exists()


def test_export_onto_a_directory_leaves_nothing_behind(
    tmp_path: Path, stored_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "exports"
    target.mkdir()
    code, _, err = run(
        capsys, "export", "--db", sqlite_url(stored_db), "--format", "jsonl", "-o", str(target)
    )
    assert code == 1
    lines = error_lines(err)
    assert len(lines) == 1 and str(target) in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles", "exports", "stored.db"]


# -- bad input -------------------------------------------------------------------------------------------


def _big_page(path: Path) -> Path:
    paragraph = f"<p>{NIGERIA.strip()}</p>\n"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("<html><body>\n")
        fh.write(paragraph * (20_000_000 // len(paragraph) + 1))
        fh.write("</body></html>\n")
    assert path.stat().st_size > 20_000_000
    return path


def _binary(path: Path) -> Path:
    data = bytearray(random.Random(20240312).randbytes(4096))
    data[100:110] = bytes(10)  # NULs, whatever the seed gave
    path.write_bytes(b"\x00" + bytes(data))  # a leading NUL: no file signature can match
    return path


BAD_INPUTS = {
    # name: (make the file under tmp_path, words the one error line must contain)
    "empty": (lambda d: write(d / "empty.txt", ""), "empty"),
    "binary": (lambda d: _binary(d / "random.bin"), "binary"),
    "french": (lambda d: write(d / "francais.txt", FRENCH), "French"),
    "too-large": (lambda d: _big_page(d / "huge.html"), "too large"),
    "missing": (lambda d: d / "does-not-exist.txt", "no such file"),
}


@pytest.mark.parametrize("command", ["extract", "ingest"])
@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_bad_input_one_line_and_database_unchanged(
    tmp_path: Path, stored_db: Path, capsys: pytest.CaptureFixture[str], kind: str, command: str
) -> None:
    make, cause = BAD_INPUTS[kind]
    path = make(tmp_path)
    before = snapshot(stored_db)

    argv = [command, str(path), "--published", PUBLISHED]
    if command == "ingest":
        argv += ["--db", sqlite_url(stored_db)]
    code, out, err = run(capsys, *argv)

    assert code == 1, err
    lines = error_lines(err)
    assert len(lines) == 1, err
    assert lines[0].startswith(f"eventwire: {path}: "), lines
    assert cause in flat(err), err
    if command == "extract":
        assert out == ""
        assert snapshot(stored_db) == before
    else:
        assert "0 document(s)" in flat(err) and "1 failed" in flat(err)
        # ingest records the failure (`eventwire failures`), and changes nothing else
        counts, dump, _ = snapshot(stored_db)
        assert (counts, [line for line in dump if '"failures"' not in line]) == before[:2]
        with Store(sqlite_url(stored_db), create=False) as store:
            [failure] = store.failures()
        assert failure["source"] == str(path) and failure["stage"] == "read" and cause in failure["error"]


def test_latin1_article_is_read_with_a_warning(
    tmp_path: Path, stored_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "latin1.txt", LATIN1, encoding="latin-1")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")

    code, out, err = run(capsys, "extract", str(path), "--published", PUBLISHED)
    assert code == 0, err
    assert error_lines(err) == []
    (result,) = json_lines(out)
    assert any("not UTF-8" in w for w in result["warnings"]), result["warnings"]
    assert f"eventwire: warning: {path}: not UTF-8" in err
    doc = read_path(path, published=date.fromisoformat(PUBLISHED))
    assert "Garçon" in doc.text and "café" in doc.text and "Père Rémi" in doc.text
    assert_spans_match(doc.text, all_spans(result))

    before = snapshot(stored_db)[0]
    code, _, err = run(capsys, "ingest", str(path), "--published", PUBLISHED, "--db", sqlite_url(stored_db))
    assert code == 0, err
    assert error_lines(err) == []
    after = snapshot(stored_db)[0]
    assert after["documents"] == before["documents"] + 1
    conn = sqlite3.connect(stored_db)
    try:
        query = "SELECT warning FROM document_warnings WHERE document_id = ?"
        warnings = [w for (w,) in conn.execute(query, (doc.id,))]
    finally:
        conn.close()
    assert any("not UTF-8" in w for w in warnings), warnings


def test_unknown_option(
    stored_db: Path, articles: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(stored_db)
    with pytest.raises(SystemExit) as exc:
        main(["ingest", str(articles["ukraine"]), "--db", sqlite_url(stored_db), "--bogus"])
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = error_lines(err)
    assert len(lines) == 1 and "--bogus" in lines[0], err
    assert snapshot(stored_db) == before


@pytest.mark.parametrize("where", ["proc", "parent-is-a-file"])
def test_unwritable_database(
    tmp_path: Path, articles: dict[str, Path], capsys: pytest.CaptureFixture[str], where: str
) -> None:
    blocker = write(tmp_path / "plain-file", "not a directory\n")
    db = Path("/proc/forbidden/x.db") if where == "proc" else blocker / "x.db"
    code, out, err = run(
        capsys, "ingest", str(articles["nigeria"]), "--published", PUBLISHED, "--db", str(db)
    )
    assert code == 1
    assert out == ""
    lines = error_lines(err)
    assert len(lines) == 1 and lines[0].startswith(f"eventwire: {db}: "), err
    assert blocker.read_text() == "not a directory\n"
    assert not db.exists()


def test_one_good_one_bad(
    tmp_path: Path, stored_db: Path, articles: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path / "empty.txt", "")
    good = articles["ukraine"]
    before = snapshot(stored_db)[0]

    code, out, err = run(
        capsys, "ingest", str(good), str(bad), "--published", PUBLISHED, "--db", sqlite_url(stored_db)
    )
    assert code == 0, err
    lines = error_lines(err)
    assert len(lines) == 1 and lines[0].startswith(f"eventwire: {bad}: "), err
    assert "ingested 1 document(s)" in flat(err) and "1 failed" in flat(err)
    after = snapshot(stored_db)[0]
    assert after["documents"] == before["documents"] + 1
    with Store(sqlite_url(stored_db), create=False) as store:
        assert {e["source_path"] for e in store.events()} >= {str(good)}

    code, out, err = run(capsys, "extract", str(bad), str(good), "--published", PUBLISHED)
    assert code == 0, err
    assert [r["document"]["source_path"] for r in json_lines(out)] == [str(good)]
    assert len(error_lines(err)) == 1


# -- as a real process -----------------------------------------------------------------------------------


def test_subprocess_exit_codes(tmp_path: Path) -> None:
    good = write(tmp_path / "zamfara.txt", NIGERIA)

    proc = run_subprocess("extract", good.name, "--published", PUBLISHED, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (result,) = json_lines(proc.stdout)
    assert result["events"]

    proc = run_subprocess("extract", "missing.txt", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == ["eventwire: missing.txt: no such file"]

    proc = run_subprocess("extract", good.name, "--bogus", cwd=tmp_path)
    assert proc.returncode == 2
    assert error_lines(proc.stderr) == ["eventwire: error: unrecognized arguments: --bogus"]


def test_subprocess_long_message_stays_on_one_line(tmp_path: Path) -> None:
    name = "a-rather-long-file-name-for-a-french-article-saved-from-the-web.txt"
    write(tmp_path / name, FRENCH)
    proc = run_subprocess("extract", name, cwd=tmp_path)
    assert proc.returncode == 1
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
