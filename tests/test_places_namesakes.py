"""Towns that share their name with a bigger place abroad, and brackets that name a district only one
country has. The sentences are invented for these tests."""

from __future__ import annotations

from eventwire.resolve.dictionary import ActorDictionary
from eventwire.resolve.gazetteer import Gazetteer, _strip_type, normalize_name
from test_places import mention, places_of


def test_a_union_of_the_text_picks_its_own_countrys_namesake_town() -> None:
    # Merida is a Mexican city of a million and a Venezuelan state, but the UGT is a Spanish union
    places = places_of("On 4 March 2022, members of the UGT union marched in Merida against hospital cuts.")
    m = mention(places, "Merida")
    assert m.place is not None and m.place.iso3 == "ESP"
    assert places.focus_iso3 == "ESP"
    # forces fight abroad: only unions and parties are read as acting at home
    places = places_of("On 4 March 2022, Spanish soldiers patrolled in Merida.")
    m = mention(places, "Merida")
    assert m.place is not None and m.place.iso3 != "ESP"


def test_a_bracket_naming_a_district_only_one_country_has_places_an_unknown_village() -> None:
    places = places_of(
        "On 5 May 2022, residents blocked the main road in Kfar Zebdine (Chouf) over power cuts."
    )
    m = mention(places, "Kfar Zebdine")
    assert m.place is not None
    assert m.place.iso3 == "LBN"
    assert m.place.geo_precision == 2
    assert m.place.name == "Kfar Zebdine"


def test_a_coded_place_stays_in_its_own_district_not_at_a_town_outside_it() -> None:
    places = places_of(
        "On 2 June 2022, tribesmen deployed in Mukayras (coded to Wadi Bana) (Qaatabah) (Ad Dali)."
    )
    coded = mention(places, "Wadi Bana")
    town = mention(places, "Mukayras")
    assert coded.place is not None and town.place is not None
    assert coded.place.admin2 is not None and "atabah" in coded.place.admin2
    assert (coded.place.latitude, coded.place.longitude) != (town.place.latitude, town.place.longitude)


def test_lebanese_district_names_drop_the_french_word_for_district() -> None:
    assert _strip_type("Caza du Chouf") == ("Chouf", True)
    assert _strip_type("Caza de la Beqaa-Ouest") == ("Beqaa-Ouest", True)
    assert normalize_name("Caza de Tyr") == normalize_name("Tyr")
    assert "LBN" in {c.iso3 for c in Gazetteer.default().admins("Chouf", 2)}


def test_the_italian_party_brothers_of_italy_is_known_by_its_acronym() -> None:
    found = ActorDictionary.default().lookup("FdI")
    assert found is not None and found.country == "ITA"


def test_a_bracket_without_the_countrys_half_is_not_a_province_of_a_country_written_with_halves() -> None:
    # Libya's brackets end with its half ("(Tripoli, West)"); a bare "(Tripoli)" is the Lebanese district
    places = places_of("On 3 May 2022, students protested outside a school in Qalamoun (Tripoli) over fees.")
    m = mention(places, "Qalamoun")
    assert m.place is not None and m.place.iso3 == "LBN"
    places = places_of(
        "On 3 May 2022, students protested outside a school in Janzour (Tripoli, West) over fees."
    )
    m = mention(places, "Janzour")
    assert m.place is not None and m.place.iso3 == "LBY"
