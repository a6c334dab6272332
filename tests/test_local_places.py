"""Local-news geoparsing on invented sentences: the home province, state abbreviations, streets, datelines
in capitals, counties inside organisations' names, and the provinces' points.

Each test states one rule of `eventwire.extract.region`, `eventwire.extract.streets`, the place reading of
`eventwire.extract.places` and `eventwire.nlp`, or the gazetteer's abbreviation table and province points.
The sentences are written for these tests.
"""

from __future__ import annotations

import datetime as dt

from eventwire.extract.places import DocumentPlaces, PlaceMention
from eventwire.extract.region import HomeRegion, capital_first, home_region, prefer_home
from eventwire.extract.streets import find_streets
from eventwire.nlp import _titled_person, load_pipeline
from eventwire.resolve.gazetteer import Gazetteer, haversine_km, state_abbreviations
from test_places import places_of as shared_places_of


def places_of(text: str) -> DocumentPlaces:
    return shared_places_of(text, published=dt.date(2009, 3, 1))  # LGL's stories are from 2009 and before


def mentions(places: DocumentPlaces, text: str) -> list[PlaceMention]:
    found = [m for m in places.mentions if m.text == text and m.place is not None]
    assert found, f"{text!r} not among {[m.text for m in places.mentions]}"
    return found


# ------------------------------------------------------------------------------------------ gazetteer


def test_state_abbreviation_needs_its_dots() -> None:
    gaz = Gazetteer.default()
    tenn = gaz.abbreviation("Tenn.")
    assert tenn is not None and tenn.name == "Tennessee" and tenn.iso3 == "USA"
    assert gaz.abbreviation("Tenn") is None
    assert gaz.abbreviation("Pa") is None  # a bare "Pa" is no state
    wva = gaz.abbreviation("W.Va")  # two dots: the last one may be the full stop's
    assert wva is not None and wva.name == "West Virginia"


def test_abbreviation_table_lists_dotted_forms_only() -> None:
    table = state_abbreviations()
    assert table["Calif."] == ("California", "USA")
    assert "N.C" in table and "Calif" not in table


def test_province_stands_near_its_middle_not_its_biggest_cities() -> None:
    texas = Gazetteer.default().lookup("Texas", "USA", features=("admin1",), strict=True)[0]
    # Brady lies near the middle of Texas; Houston and Dallas, which pull a population-weighted mean east,
    # are 250-450 km from it
    assert haversine_km(texas.latitude, texas.longitude, 31.13, -99.33) < 250


# ------------------------------------------------------------------------------------------ home province


def test_home_region_is_the_province_the_town_names_share() -> None:
    gaz = Gazetteer.default()
    names = [("Pineville", "Pineville"), ("Alexandria", "Alexandria"), ("Bunkie", "Bunkie")]
    assert home_region(gaz, names) == HomeRegion("USA", "Louisiana")


def test_home_region_counts_counties_in_the_text() -> None:
    gaz = Gazetteer.default()
    text = "The Rapides Parish sheriff and the Avoyelles Parish school board met on Friday."
    assert home_region(gaz, [], text) == HomeRegion("USA", "Louisiana")


def test_no_home_region_from_one_name_shared_by_many_states() -> None:
    assert home_region(Gazetteer.default(), [("Springfield", "Springfield")]) is None


def test_counties_filed_without_their_level_word_vote() -> None:
    # GeoNames files "Coles County" as the district "Coles"
    text = "The Coles County board and the Douglas County sheriff met in the courthouse on Friday."
    assert home_region(Gazetteer.default(), [], text) == HomeRegion("USA", "Illinois")


def test_province_named_like_a_bigger_town_is_not_named_outright() -> None:
    # Jamaica's parish of Portland is smaller than the towns of that name: the Maine towns decide
    names = [("Portland", "Portland"), ("Gorham", "Gorham"), ("Saco", "Saco")]
    assert home_region(Gazetteer.default(), names) == HomeRegion("USA", "Maine")


def test_state_named_outright_despite_a_foreign_province_with_its_town() -> None:
    # Uruguay's Florida department holds a town called Florida: the US state is still named outright
    assert home_region(Gazetteer.default(), [("Florida", "Florida")]) == HomeRegion("USA", "Florida")


def test_home_region_is_the_one_province_holding_all_the_names() -> None:
    # each name is shared by many states, so no state gets enough votes; only Minnesota has all three
    names = [("Rochester", "Rochester"), ("Byron", "Byron"), ("Stewartville", "Stewartville")]
    assert home_region(Gazetteer.default(), names) == HomeRegion("USA", "Minnesota")


def test_country_name_joins_the_names_a_province_holds() -> None:
    text = "Deputies of the Anderson County sheriff searched the house."
    assert home_region(Gazetteer.default(), [("Palestine", "Palestine")], text) == HomeRegion("USA", "Texas")


def test_big_cities_alone_make_no_home_region() -> None:
    # a sports story: Ohio holds a Louisville and a Columbus, but big cities are named from anywhere
    names = [(n, n) for n in ("Louisville", "Columbus", "Ohio", "Connecticut")]
    assert home_region(Gazetteer.default(), names) is None


def test_home_county_named_with_its_level_word() -> None:
    places = places_of(
        "A Palestine man was arrested on Tuesday by Anderson County deputies. Palestine police said the man "
        "fled a traffic stop."
    )
    for m in mentions(places, "Palestine") + mentions(places, "Anderson County"):
        assert (m.place.iso3, m.place.admin1) == ("USA", "Texas")


def test_home_namesake_beats_a_bigger_town_elsewhere() -> None:
    gaz = Gazetteer.default()
    home = HomeRegion("USA", "Minnesota")
    ranked = prefer_home(gaz, "Alexandria", gaz.lookup("Alexandria"), home, set())
    assert (ranked[0].iso3, ranked[0].admin1, ranked[0].feature) == ("USA", "Minnesota", "city")


def test_town_next_door_when_the_home_province_has_none() -> None:
    # Vermont has no Hanover; New Hampshire's lies just across the state line, Maryland's far away
    places = places_of(
        "A Hanover man was hurt in a crash in Montpelier, Vt., on Friday. Police from Barre and Montpelier "
        "helped."
    )
    m = mentions(places, "Hanover")[0]
    assert (m.place.iso3, m.place.admin1) == ("USA", "New Hampshire")


def test_foreign_city_of_a_named_country_keeps_its_reading() -> None:
    gaz = Gazetteer.default()
    home = HomeRegion("USA", "Idaho")
    ranked = prefer_home(gaz, "Moscow", gaz.lookup("Moscow", "RUS"), home, {"RUS"})
    assert ranked[0].iso3 == "RUS"


def test_capital_before_the_province_of_its_name() -> None:
    gaz = Gazetteer.default()
    ranked = capital_first("Washington", gaz.lookup("Washington", "USA"))
    assert ranked[0].feature == "city" and ranked[0].admin1 != "Washington"


def test_local_story_places_an_ambiguous_town_in_its_state() -> None:
    places = places_of(
        "Two men were arrested in Alexandria on Tuesday. Deputies from Pineville and the Rapides Parish "
        "sheriff's office helped. The mayor of Alexandria thanked them."
    )
    for m in mentions(places, "Alexandria"):
        assert (m.place.iso3, m.place.admin1) == ("USA", "Louisiana")


def test_georgia_with_georgian_towns_is_the_state() -> None:
    places = places_of(
        "Storms hit Georgia on Monday. Roads in Gainesville, Dahlonega and Cumming were closed."
    )
    m = mentions(places, "Georgia")[0]
    assert (m.place.iso3, m.place.feature) == ("USA", "admin1")


def test_georgia_inside_an_organisation_of_a_us_story_is_the_state() -> None:
    places = places_of(
        "Agents of the Georgia Bureau of Investigation searched a house in Gainesville on Friday, the Hall "
        "County sheriff said."
    )
    m = mentions(places, "Georgia")[0]
    assert (m.place.iso3, m.place.feature) == ("USA", "admin1")


def test_country_name_of_a_home_town_is_the_town() -> None:
    places = places_of(
        "Lebanon police arrested a man on Tuesday. Schools in Zionsville and Whitestown stayed open, "
        "and Lebanon officials thanked the Boone County sheriff."
    )
    for m in mentions(places, "Lebanon"):
        assert (m.place.iso3, m.place.admin1) == ("USA", "Indiana")


def test_city_and_state_abbreviation() -> None:
    places = places_of("The fair opened in Paris, Tenn., on Saturday.")
    tenn = mentions(places, "Tenn.")[0] if any(m.text == "Tenn." for m in places.mentions) else None
    paris = mentions(places, "Paris")[0]
    assert (paris.place.iso3, paris.place.admin1) == ("USA", "Tennessee")
    assert tenn is None or tenn.place.name == "Tennessee"


# ------------------------------------------------------------------------------------------ recognition


def test_streets_are_found_by_their_form() -> None:
    text = "Crews shut Darby Street, W. Bridge St. and Highway 19 by St. Louis Cathedral and the Court."
    assert [text[a:b] for a, b in find_streets(text)] == ["Darby Street", "W. Bridge St.", "Highway 19"]


def test_street_is_a_reference_on_its_town() -> None:
    places = places_of("A fire broke out on Wichita Drive in Dublin, Ohio, on Monday.")
    street = mentions(places, "Wichita Drive")[0]
    assert street.anchor_only and street.place.feature == "street"
    assert street.place.admin1 == "Ohio"
    assert not any(m.text == "Wichita" for m in places.mentions)  # the street's word is not the city


def test_dateline_in_capitals_is_a_place() -> None:
    places = places_of(
        "Council approves budget. TORRINGTON -- The City Council met on Monday in Litchfield County."
    )
    m = mentions(places, "TORRINGTON")[0]
    assert m.place.iso3 == "USA"


def test_county_inside_an_organisation_in_a_local_story() -> None:
    places = places_of(
        "Pineville and Bunkie residents met on Friday. The Rapides Parish Sheriff's Office held a man."
    )
    m = mentions(places, "Rapides Parish")[0]
    assert m.anchor_only and m.place.feature == "admin2" and m.place.admin1 == "Louisiana"


def test_province_before_an_organisation_word_is_still_the_province() -> None:
    places = places_of("The Ohio Senate voted on Tuesday.")
    m = mentions(places, "Ohio")[0]
    assert m.place.feature == "admin1" and m.place.iso3 == "USA"


def test_lower_case_number_word_is_no_place() -> None:
    places = places_of("Three groups can meet at one time while one group is away in Harwinton.")
    assert not any(m.text.lower() in ("one", "three") for m in places.mentions)


def test_names_listed_before_counties_are_those_counties() -> None:
    places = places_of(
        "School boards in Barrow, Jackson and Madison counties tweaked their layoff rules, Georgia papers"
        " said."
    )
    for name in ("Barrow", "Jackson", "Madison"):
        [county] = mentions(places, name)
        assert county.place is not None and county.place.feature == "admin2"
        assert county.place.admin1 == "Georgia"


def test_a_parish_in_a_list_outranks_a_namesake_town() -> None:
    # "Caddo" alone is a town in Oklahoma; before "parishes" it is Louisiana's Caddo Parish
    places = places_of(
        "Flooding closed roads in Caddo and Bossier parishes on Monday, Louisiana officials said."
    )
    [caddo] = mentions(places, "Caddo")
    assert caddo.place is not None and caddo.place.feature == "admin2" and caddo.place.admin1 == "Louisiana"


def test_a_name_after_a_title_is_a_person_not_a_town() -> None:
    places = places_of('"We worked hard for that win," states coach Ripley. "Now we rest."')
    assert "Ripley" not in [m.text for m in places.mentions]
    # an adjective is no title: "a major Baghdad offensive" keeps its place
    assert "Baghdad" in [m.text for m in places_of("Troops began a major Baghdad offensive.").mentions]
    # a capitalised title may begin a place's own name: "Sheikh Isa village"
    doc = load_pipeline()("Rebels shelled Sheikh Isa village on Friday.")
    name = next(e for e in doc.ents if "Isa" in e.text)
    assert name.label_ == "GPE" and not _titled_person(doc, name.start, name.end)
