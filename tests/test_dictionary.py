"""Tests for the actor dictionary: the packaged data files are valid and lookups resolve as documented."""

from __future__ import annotations

from importlib import resources

import pycountry
import pytest

from eventwire.model import Actor
from eventwire.resolve.dictionary import ACTOR_TYPES, ActorDictionary, ActorEntry, CountryEntry

# Surface forms deliberately shared by two entries, each with the reason. Empty: the data keeps every alias
# unique, and an ambiguous acronym stays only on the actor conflict reporting most often means.
DOCUMENTED_SHARED_ALIASES: dict[str, str] = {}


@pytest.fixture(scope="module")
def d() -> ActorDictionary:
    return ActorDictionary.default()


def _data(name: str) -> str:
    return resources.files("eventwire").joinpath("data", name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- data validity


def test_default_is_cached(d: ActorDictionary) -> None:
    assert ActorDictionary.default() is d


def test_at_least_400_named_entries(d: ActorDictionary) -> None:
    assert len(d.entries()) >= 400


def test_every_entry_is_valid(d: ActorDictionary) -> None:
    names = {e.name for e in d.entries()}
    assert len(names) == len(d.entries()), "canonical names must be unique"
    for e in d.entries():
        assert isinstance(e, ActorEntry)
        assert e.name.strip() == e.name and e.name, e
        assert e.type in ACTOR_TYPES, e
        assert e.inter is not None and 1 <= e.inter <= 8, e
        if e.country is not None:
            assert len(e.country) == 3 and d.country_by_iso(e.country) is not None, e
        assert all(isinstance(a, str) and a.strip() for a in e.aliases), e
        if e.since is not None and e.until is not None:
            assert e.since <= e.until, e
        if e.parent is not None:
            assert e.parent in names and e.parent != e.name, e
        if e.successor is not None:
            assert e.successor in names and e.successor != e.name, e
        if e.acled_name is not None:
            assert e.acled_name.strip(), e


def test_no_alias_is_shared_between_entries(d: ActorDictionary) -> None:
    # Each surface form must resolve back to its own entry; a form shared with another entry would not.
    clashes = []
    for form, entry in d.alias_items():
        found = d.lookup(form)
        if found is not entry and form not in DOCUMENTED_SHARED_ALIASES:
            clashes.append((form, entry.name, found.name if found else None))
    assert not clashes


def test_alias_items_cover_names_aliases_and_acled_names(d: ActorDictionary) -> None:
    forms = {form for form, _ in d.alias_items()}
    assert "Popular Mobilization Forces" in forms
    assert "Hashid Shaabi" in forms
    assert "PTI: Pakistan Tehreek-i-Insaf" in forms


def test_to_actor(d: ActorDictionary) -> None:
    actor = d.lookup("Quds Brigade").to_actor()
    assert isinstance(actor, Actor)
    assert actor.name == "Quds Force"
    assert actor.parent == "Islamic Revolutionary Guard Corps"
    assert actor.country == "IRN" and actor.inter == 1
    assert "Qods Force" in actor.aliases


# ---------------------------------------------------------------- actor lookups


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Daesh", "Islamic State"),
        ("ISIL", "Islamic State"),
        ("IS", "Islamic State"),
        ("Islamic State of Iraq and the Levant", "Islamic State"),
        ("Hashid Shaabi", "Popular Mobilization Forces"),
        ("hashd al-shaabi", "Popular Mobilization Forces"),
        ("Badr Corps", "Badr Organization"),
        ("Hizballah", "Hezbollah"),
        ("the Taliban", "Taliban"),
        ("Lord’s Resistance Army", "Lord's Resistance Army"),  # typographic apostrophe
        ("al Shabaab", "Al Shabaab"),  # hyphen vs space
        ("Hay’at Tahrir al‑Sham", "Hayat Tahrir al-Sham"),
        ("Ansar Allah", "Houthi Movement"),
        ("Revolutionary Guards", "Islamic Revolutionary Guard Corps"),
        ("PKK", "Kurdistan Workers' Party"),
        ("M23", "March 23 Movement"),
        ("Wagner", "Wagner Group"),
        ("PTI: Pakistan Tehreek-i-Insaf", "Pakistan Tehreek-e-Insaf"),
        ("Clan del Golfo", "Clan del Golfo"),
        ("Hezbollah's", "Hezbollah"),
    ],
)
def test_lookup_aliases(d: ActorDictionary, text: str, name: str) -> None:
    found = d.lookup(text)
    assert found is not None, text
    assert found.name == name


def test_quds_brigade_has_irgc_parent(d: ActorDictionary) -> None:
    quds = d.lookup("Quds Brigade")
    assert quds is not None and quds.name == "Quds Force"
    assert quds.parent == "Islamic Revolutionary Guard Corps"
    assert d.lookup("IRGC") is d.get("Islamic Revolutionary Guard Corps")


@pytest.mark.parametrize("text", ["is", "Is", "isis", "pkk", "hts", "Unknown Armed Men of Nowhere", ""])
def test_acronyms_are_case_sensitive_and_unknowns_miss(d: ActorDictionary, text: str) -> None:
    assert d.lookup(text) is None


def test_long_names_are_case_insensitive(d: ActorDictionary) -> None:
    assert d.lookup("ISLAMIC STATE") is d.lookup("Islamic State")
    assert d.lookup("codeco") is d.lookup("CODECO")  # six letters: not treated as a case-sensitive acronym


@pytest.mark.parametrize(
    ("text", "year", "name"),
    [
        ("Nusra Front", 2014, "Jabhat al-Nusra"),
        ("Nusra Front", 2017, "Jabhat Fateh al-Sham"),
        ("Nusra Front", 2019, "Hayat Tahrir al-Sham"),
        ("HTS", 2013, "Jabhat al-Nusra"),
        ("HTS", 2020, "Hayat Tahrir al-Sham"),
        ("Jabhat Fateh al-Sham", 2014, "Jabhat al-Nusra"),
        ("Jabhat Fateh al-Sham", 2018, "Hayat Tahrir al-Sham"),
        ("AMISOM", 2023, "African Union Transition Mission in Somalia"),
        ("ISGS", 2023, "Islamic State Sahel Province"),
    ],
)
def test_renamed_groups_resolve_by_year(d: ActorDictionary, text: str, year: int, name: str) -> None:
    found = d.lookup(text, year=year)
    assert found is not None and found.name == name


def test_without_year_the_alias_owner_is_returned(d: ActorDictionary) -> None:
    assert d.lookup("Nusra Front").name == "Jabhat al-Nusra"
    assert d.lookup("HTS").name == "Hayat Tahrir al-Sham"


def test_merged_groups_do_not_guess_a_predecessor(d: ActorDictionary) -> None:
    # JNIM was formed from several groups; before 2017 there is no single "earlier name".
    assert d.lookup("JNIM", year=2014).name == "Jama'at Nusrat al-Islam wal-Muslimin"
    assert d.lookup("Ansar Dine", year=2019).name == "Jama'at Nusrat al-Islam wal-Muslimin"


# ---------------------------------------------------------------- countries


def test_every_pycountry_country_and_kosovo_present(d: ActorDictionary) -> None:
    for c in pycountry.countries:
        assert d.country_by_iso(c.alpha_3) is not None, c.alpha_3
    assert d.country_by_iso("XKX").name == "Kosovo"
    assert all(isinstance(c, CountryEntry) for c in d.countries())


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("Iraq", "IRQ"),
        ("Iraqi", "IRQ"),
        ("Iraqis", "IRQ"),
        ("Iraq's", "IRQ"),
        ("DRC", "COD"),
        ("DR Congo", "COD"),
        ("Congolese", "COD"),
        ("Congo-Brazzaville", "COG"),
        ("U.S.", "USA"),
        ("US", "USA"),
        ("American", "USA"),
        ("UK", "GBR"),
        ("British", "GBR"),
        ("Burma", "MMR"),
        ("Côte d'Ivoire", "CIV"),
        ("Burkinabè", "BFA"),
        ("Burkinabe", "BFA"),
        ("Nigerien", "NER"),
        ("Nigerian", "NGA"),
        ("Holland", "NLD"),
        ("Syrians", "SYR"),
        ("Afghans", "AFG"),
        ("Türkiye", "TUR"),
        ("Swaziland", "SWZ"),
    ],
)
def test_country_lookup(d: ActorDictionary, text: str, iso3: str) -> None:
    found = d.country(text)
    assert found is not None, text
    assert found.iso3 == iso3


def test_country_misses(d: ActorDictionary) -> None:
    assert d.country("us") is None  # the pronoun, not the country
    assert d.country("Atlantis") is None


@pytest.mark.parametrize(
    ("iso3", "name"),
    [
        ("COD", "Democratic Republic of Congo"),
        ("COG", "Republic of Congo"),
        ("CIV", "Ivory Coast"),
        ("RUS", "Russia"),
        ("IRN", "Iran"),
        ("SYR", "Syria"),
        ("KOR", "South Korea"),
        ("PRK", "North Korea"),
        ("LAO", "Laos"),
        ("VNM", "Vietnam"),
        ("BOL", "Bolivia"),
        ("VEN", "Venezuela"),
        ("TZA", "Tanzania"),
        ("MDA", "Moldova"),
        ("PSE", "Palestine"),
        ("TUR", "Turkey"),
        ("CZE", "Czech Republic"),
        ("USA", "United States"),
        ("GBR", "United Kingdom"),
        ("SWZ", "eSwatini"),
        ("CPV", "Cape Verde"),
        ("MMR", "Myanmar"),
    ],
)
def test_country_names_follow_acled(d: ActorDictionary, iso3: str, name: str) -> None:
    assert d.country_by_iso(iso3).name == name


def test_country_by_iso2_and_case(d: ActorDictionary) -> None:
    assert d.country_by_iso("IQ").iso3 == "IRQ"
    assert d.country_by_iso("irq").iso3 == "IRQ"
    assert d.country_by_iso("ZZZ") is None


# ISO3 codes of the countries of Africa, the Middle East, Asia, Latin America and Europe the pipeline covers.
CONFLICT_REGION_ISO3 = (
    "DZA AGO BEN BWA BFA BDI CMR CAF TCD COD COG CIV DJI EGY ERI ETH GAB GMB GHA GIN GNB KEN LSO LBR LBY "
    "MDG MWI MLI MRT MAR MOZ NAM NER NGA RWA SEN SLE SOM ZAF SSD SDN TZA TGO TUN UGA ZMB ZWE "
    "BHR IRN IRQ ISR JOR KWT LBN OMN PSE QAT SAU SYR TUR ARE YEM "
    "AFG BGD BTN CHN IND IDN JPN KAZ KGZ KHM LAO LKA MMR MNG MYS NPL PAK PHL PRK KOR THA TJK TKM UZB VNM "
    "ARG BOL BRA CHL COL CRI CUB DOM ECU SLV GTM HTI HND MEX NIC PAN PRY PER URY VEN "
    "ALB ARM AZE BLR BIH BGR HRV CYP CZE DNK EST FIN FRA GEO DEU GRC HUN IRL ITA XKX LVA LTU MDA MNE "
    "NLD MKD NOR POL PRT ROU RUS SRB SVK SVN ESP SWE CHE UKR GBR USA"
)


def test_demonyms_for_conflict_regions(d: ActorDictionary) -> None:
    # Every country in the regions the pipeline covers has at least one demonym.
    for iso3 in CONFLICT_REGION_ISO3.split():
        assert d.country_by_iso(iso3).demonyms, iso3


# ---------------------------------------------------------------- ACLED generic names


@pytest.mark.parametrize(
    ("iso3", "kind", "year", "name"),
    [
        ("IRQ", "military", 2015, "Military Forces of Iraq (2014-2018)"),
        ("IND", "police", 2020, "Police Forces of India (2014-)"),
        ("IRQ", "government", 2016, "Government of Iraq (2014-2018)"),
        ("IRQ", "military", None, "Military Forces of Iraq"),
        ("IRQ", "military", 1990, "Military Forces of Iraq"),  # no period on file: no range
        ("COD", "military", 2024, "Military Forces of the Democratic Republic of Congo (2019-)"),
        ("SYR", "military", 2018, "Military Forces of Syria (2000-2024)"),
        ("SYR", "military", 2024, "Military Forces of Syria (2024-)"),  # boundary year: the incoming period
        ("ISL", "military", 2020, "Military Forces of Iceland"),
    ],
)
def test_state_force_names(d: ActorDictionary, iso3: str, kind: str, year: int | None, name: str) -> None:
    entry = d.state_force(iso3, kind, year)
    assert entry.name == name
    assert entry.inter == 1
    assert entry.country == iso3


def test_state_force_rejects_unknowns(d: ActorDictionary) -> None:
    with pytest.raises(ValueError):
        d.state_force("IRQ", "navy")
    with pytest.raises(ValueError):
        d.state_force("ZZZ", "military")


@pytest.mark.parametrize(
    ("kind", "iso3", "name", "inter"),
    [
        ("civilians", "IRQ", "Civilians (Iraq)", 7),
        ("protesters", "IND", "Protesters (India)", 6),
        ("rioters", "HTI", "Rioters (Haiti)", 5),
        ("unidentified_armed_group", "IRQ", "Unidentified Armed Group (Iraq)", 3),
        ("civilians", "COD", "Civilians (Democratic Republic of Congo)", 7),
        ("civilians", None, "Civilians (International)", 7),
        ("unidentified_armed_group", None, "Unidentified Armed Group", 3),
    ],
)
def test_generic_names(d: ActorDictionary, kind: str, iso3: str | None, name: str, inter: int) -> None:
    entry = d.generic(kind, iso3)
    assert entry.name == name
    assert entry.inter == inter


def test_generic_rejects_unknown_kind(d: ActorDictionary) -> None:
    with pytest.raises(ValueError):
        d.generic("tourists", "IRQ")


def test_a_generic_actor_takes_the_name_acled_gives_it_in_one_country() -> None:
    from eventwire.resolve.dictionary import ActorDictionary

    d = ActorDictionary.default()
    assert d.generic("unidentified_gang", "BRA").name == "Unidentified Gang and/or Police Militia"
    assert d.generic("unidentified_gang", "MEX").name == "Unidentified Gang (Mexico)"
