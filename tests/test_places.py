"""Place recognition, resolution and choice on invented ACLED-style notes and news sentences.

Each test states one rule of `eventwire.extract.places` (and the place fixer of `eventwire.nlp`): the admin
context in brackets picks the country, a homonym in another country loses, a prefix of a longer name is not
that name, the alias table knows common spellings, and an origin or a modifier is not the event's place.
The sentences are written for these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

from eventwire.config import Settings
from eventwire.extract.places import DocumentPlaces, PlaceMention
from eventwire.ingest import read_bytes
from eventwire.pipeline import COMPONENTS, Analysis
from eventwire.resolve.gazetteer import Gazetteer, haversine_km, parse_aliases, parse_country_points


def places_of(text: str, published: dt.date = dt.date(2022, 3, 1)) -> DocumentPlaces:
    """The document's places after the nlp, actors and places steps (no event rules involved)."""
    doc = read_bytes(text.encode("utf-8"), "test", published=published)
    analysis = Analysis(document=doc, settings=Settings())
    for step in ("nlp", "actors", "places"):
        COMPONENTS[step](analysis)
    assert analysis.places is not None
    return analysis.places


def mention(places: DocumentPlaces, text: str) -> PlaceMention:
    found = [m for m in places.mentions if m.text == text]
    assert found, f"{text!r} not among {[m.text for m in places.mentions]}"
    return found[0]


def scene(places: DocumentPlaces, trigger: str) -> PlaceMention | None:
    """The place `for_event` picks for the sentence holding the word `trigger`."""
    token = next(t for t in places.doc if t.text == trigger)
    return places.for_event(token.sent, token)


# ---------------------------------------------------------------------------------------------- admin context


def test_unknown_village_in_bracketed_district_takes_the_district_point_and_keeps_its_name() -> None:
    places = places_of("On 3 March 2022, militiamen burned houses in Kaweri-Lolo village (Oyam, Northern).")
    m = mention(places, "Kaweri-Lolo")
    assert m.place is not None
    assert m.place.iso3 == "UGA"  # "Northern" is a region of a dozen countries; Oyam is a Ugandan district
    assert m.place.name == "Kaweri-Lolo"
    assert m.place.geo_precision == 2
    assert places.focus_iso3 == "UGA"


def test_bracketed_province_beats_a_bigger_homonym_abroad() -> None:
    # Valencia is a Spanish city of 800,000, but Carabobo is a Venezuelan state
    places = places_of("On 5 March 2022, residents blocked a highway in Valencia (Carabobo) over water cuts.")
    m = mention(places, "Valencia")
    assert m.place is not None and m.place.iso3 == "VEN"
    assert m.place.geo_precision == 1


def test_names_inside_the_brackets_are_context_not_scenes() -> None:
    places = places_of("On 5 March 2022, teachers protested in Valencia (Carabobo) over unpaid wages.")
    chosen = scene(places, "protested")
    assert chosen is not None and chosen.text == "Valencia"


def test_comma_form_of_admin_context_sets_the_country() -> None:
    places = places_of("On 4 May 2022, artillery struck Novyi Khutir, Kharkiv, damaging two houses.")
    m = mention(places, "Novyi Khutir")
    assert m.place is not None and m.place.iso3 == "UKR"
    assert m.place.geo_precision in (1, 2, 3)


# ---------------------------------------------------------------------------------------------- prefixes


def test_prefix_of_a_longer_name_is_not_resolved_as_that_word() -> None:
    places = places_of("On 9 March 2022, residents marched through Puerto Nuevo Esperanza (Chaco) at night.")
    assert all(m.text != "Puerto" for m in places.mentions)
    named = [m for m in places.mentions if m.text.startswith("Puerto")]
    assert named and named[0].place is not None
    assert named[0].place.iso3 == "ARG" and named[0].place.name == "Puerto Nuevo Esperanza"


# ---------------------------------------------------------------------------------------------- aliases


def test_alias_table_parses_variants_and_skips_comments() -> None:
    table = parse_aliases("# note\nIdleb\tIdlib\tSYR\nbroken line\n\nLugansk\tLuhansk\tukr\n")
    assert table == {"idleb": ("Idlib", "SYR"), "lugansk": ("Luhansk", "UKR")}


@pytest.mark.parametrize(
    ("variant", "iso3"),
    [("Idleb", "SYR"), ("Ninewa", "IRQ"), ("Rural Damascus", "SYR"), ("Lugansk", "UKR"), ("Kiev", "UKR")],
)
def test_gazetteer_knows_common_transliterations(variant: str, iso3: str) -> None:
    best = Gazetteer.default().best(variant)
    assert best is not None and best.iso3 == iso3


def test_alias_spelling_resolves_in_text() -> None:
    places = places_of("On 2 April 2022, aircraft struck the outskirts of Saraqib in Idleb governorate.")
    assert places.focus_iso3 == "SYR"


def test_strict_lookup_gives_nothing_outside_the_country() -> None:
    gaz = Gazetteer.default()
    assert gaz.lookup("Valencia", "VEN", strict=True)[0].iso3 == "VEN"
    assert gaz.lookup("Valencia", "NER", strict=True) == []
    assert gaz.lookup("Valencia", "NER")  # without strict, the hint only ranks


# ---------------------------------------------------------------------------------------------- choosing


def test_place_of_origin_is_not_where_it_happened() -> None:
    places = places_of("A taxi driver from Abidjan was shot dead by police in Bouake on Monday.")
    chosen = scene(places, "shot")
    assert chosen is not None and chosen.text == "Bouake"


def test_place_of_origin_alone_gives_no_place() -> None:
    places = places_of("A taxi driver from Abidjan was shot dead by police on Monday.")
    assert scene(places, "shot") is None


def test_place_as_a_modifier_is_not_the_scene() -> None:
    places = places_of("Thousands of Seville fans clashed with police in Madrid on Sunday.")
    chosen = scene(places, "clashed")
    assert chosen is not None and chosen.text == "Madrid"


def test_reference_point_of_a_direction_is_not_the_scene() -> None:
    places = places_of("Gunmen killed two farmers in Taji, just north of Baghdad, on Friday.")
    chosen = scene(places, "killed")
    assert chosen is not None and chosen.text == "Taji"


def test_lone_compass_word_in_brackets_is_not_a_province() -> None:
    text = "On 8 May 2022, troops raided Kyauk Taw (East) village, Ayadaw township (Sagaing region)."
    places = places_of(text)
    assert all(c.iso3 == "MMR" for c in places.contexts.values())


def test_country_after_a_comma_is_the_country() -> None:
    places = places_of("On 2 April 2022, women protested in Republic Square in Gyumri, Armenia.")
    m = mention(places, "Gyumri")
    assert m.place is not None and m.place.iso3 == "ARM"


def test_nationality_gives_the_country_when_no_place_resolves() -> None:
    places = places_of("On 6 June 2022, Ukrainian forces shot down a drone overnight.")
    assert places.focus_iso3 == "UKR"


# ---------------------------------------------------------------------------------------------- new rules


def test_city_word_after_a_name_means_the_town_not_the_region() -> None:
    # "Amara" is also an Ethiopian region, far bigger by the ranking prior; "city" says it is a town
    places = places_of("On 3 April 2022, gunmen shot a shopkeeper in the market district of Amara city.")
    m = mention(places, "Amara")
    assert m.place is not None and m.place.feature == "city" and m.place.iso3 == "IRQ"


def test_same_named_town_elsewhere_in_the_country_is_not_the_province() -> None:
    # California, Maryland is a town; inside a bracket the name is the state
    places = places_of("On 6 January 2022, neighbours held a vigil in Bodega Bay (California).")
    m = mention(places, "California")
    assert m.place is not None and m.place.feature == "admin1"


def test_last_bracket_part_may_be_a_district_of_the_country() -> None:
    # Burkina Faso's provinces are GeoNames districts: "(department, province)"
    places = places_of(
        "On 9 May 2022, gunmen burned a truck near the village of Tindaogo (Gorom-Gorom, Oudalan)."
    )
    m = mention(places, "Tindaogo")
    assert m.place is not None and m.place.iso3 == "BFA" and m.place.geo_precision == 2


def test_dash_part_before_the_bracket_still_gives_the_context() -> None:
    places = places_of(
        "On 5 May 2022, in Niteroi - Icarai (Rio de Janeiro), a shop owner was shot and injured."
    )
    m = mention(places, "Niteroi")
    assert m.place is not None and m.place.iso3 == "BRA"
    assert places.contexts


def test_known_town_after_in_is_a_place_even_when_the_ner_misses_it() -> None:
    places = places_of(
        "On 2 May 2022, about 300 people staged a protest march through Aalten against the rules."
    )
    m = mention(places, "Aalten")
    assert m.place is not None and m.place.iso3 == "NLD"


def test_nationality_in_the_text_does_not_filter_a_foreign_city_away() -> None:
    text = "On 6 March 2022, members of the Ukrainian and Russian communities demonstrated in Toulouse."
    places = places_of(text)
    chosen = scene(places, "demonstrated")
    assert chosen is not None and chosen.text == "Toulouse" and chosen.place is not None
    assert chosen.place.iso3 == "FRA"


def test_nationalities_and_names_inside_organisations_are_places_but_never_scenes() -> None:
    places = places_of("Russian diplomats met EU envoys in Geneva on Monday.")
    russian = mention(places, "Russian")
    assert russian.anchor_only and russian.place is not None and russian.place.iso3 == "RUS"
    assert mention(places, "EU").place.name == "Europe"  # type: ignore[union-attr]
    chosen = scene(places, "met")
    assert chosen is not None and chosen.text == "Geneva"
    # inside an organisation's name, only a big city or a province counts ("Toronto Police")
    toronto = places._embedded_candidate("Toronto")
    assert toronto is not None and toronto.iso3 == "CAN"
    assert places._embedded_candidate("Smallville") is None


def test_a_persons_name_is_no_country() -> None:
    places = places_of("Jordan Peterson spoke to students in Toronto on Monday.")
    assert all(m.text != "Jordan" for m in places.mentions)


def test_country_points_are_the_middle_of_the_territory() -> None:
    # the population-weighted mean of the United States lies in Missouri, of Russia west of the Urals
    gaz = Gazetteer.default()
    usa, rus = gaz.country("United States"), gaz.country("Russia")
    assert usa is not None and abs(usa.latitude - 39.76) < 0.5 and abs(usa.longitude + 98.5) < 0.5
    assert rus is not None and rus.longitude > 90


def test_country_points_table_parses_and_skips_bad_lines() -> None:
    table = parse_country_points("# note\nUSA\t39.76\t-98.5\nXX\t1\t2\nFRA\tnorth\t2\nRUS\t60\t100\n")
    assert table == {"USA": (39.76, -98.5), "RUS": (60.0, 100.0)}


# -- names in place slots, containment, topics ------------------------------------------------------


def test_a_name_the_ner_missed_is_a_place_in_a_place_slot() -> None:
    # the small model tags neither town; "in X" and "X countryside" are where places stand
    places = places_of(
        "On 3 March 2022, about 80 people demonstrated in Poitiers over pensions. "
        "On 4 March 2022, Turkish forces shelled a village in Aleppo countryside."
    )
    assert mention(places, "Poitiers").place.country == "France"
    assert mention(places, "Aleppo").place.country == "Syria"


def test_a_common_word_in_a_place_slot_is_no_place() -> None:
    places = places_of("On 3 March 2022, a man died in Police custody in Lagos after his arrest.")
    assert "Police" not in [m.text for m in places.mentions]


def test_a_country_named_as_a_topic_does_not_decide_the_focus() -> None:
    places = places_of(
        "On 5 March 2022, around 300 people demonstrated in Avranches to condemn the invasion of Ukraine "
        "and to express their solidarity with Ukraine."
    )
    assert places.focus_iso3 == "FRA"
    assert mention(places, "Avranches").place.country == "France"


def test_the_province_after_a_town_contains_it() -> None:
    places = places_of("On 2 April 2022, gunmen shot a shopkeeper in Nawa city in Daraa.")
    nawa = mention(places, "Nawa")
    assert nawa.place.country == "Syria" and nawa.place.admin1 == "Daraa"


def test_a_bracketed_state_that_shares_a_country_name_is_the_state_when_the_town_is_there() -> None:
    places = places_of(
        "On 2 April 2022, about 40 people marched in Atlanta (Georgia) against police violence."
    )
    assert mention(places, "Atlanta").place.country == "United States"
    places = places_of("On 2 April 2022, about 40 people marched in Tbilisi (Georgia) against price rises.")
    assert mention(places, "Tbilisi").place.country == "Georgia"


def test_a_big_city_beats_a_small_foreign_province_of_its_name() -> None:
    places = places_of("On 2 April 2022, about 500 people demonstrated in Hannover against the war.")
    assert mention(places, "Hannover").place.country == "Germany"


def test_a_city_of_millions_of_a_named_country_beats_a_sizeable_namesake_nearby() -> None:
    # the Idaho town of 25,000 and the small towns near Chicago are no reading of "Moscow" when the story
    # names Russia, however near Chicago they lie
    places = places_of(
        "Officials in Boston and Chicago said the talks with Russia would resume in Moscow next month."
    )
    assert mention(places, "Moscow").place.iso3 == "RUS"


def test_a_big_city_of_the_named_country_beats_a_namesake_of_an_unnamed_one() -> None:
    # the story names Canada and not Britain: its London is the Ontario city
    places = places_of(
        "The council in London voted on Monday to expand the airport. London officials said planes from "
        "Europe could land in London once Canada signs the deal."
    )
    assert all(m.place.iso3 == "CAN" for m in places.mentions if m.text == "London")


def test_acronyms_in_a_list_are_no_place_and_province() -> None:
    # "SUD" is also a province's name in Rwanda and Haiti
    places = places_of(
        "On 2 April 2022, at the call of CGT, SUD and UNSA unions, nurses demonstrated in Tulle."
    )
    assert places.focus_iso3 == "FRA"
    assert all(m.place is None or m.place.country == "France" for m in places.mentions)


def test_a_district_said_as_such_fixes_the_country() -> None:
    places = places_of(
        "On 6 June 2022, locals clashed with police in Madhuban municipality (Bardiya district)."
    )
    assert mention(places, "Madhuban").place.country == "Nepal"


def test_a_bracketed_town_after_an_office_is_the_scene() -> None:
    places = places_of(
        "On 7 February 2022, farmers staged a protest in front of the Gangwon Provincial Office (Chuncheon)."
    )
    picked = scene(places, "protest")
    assert picked is not None and picked.place.name == "Chuncheon"


def test_a_place_in_brackets_after_an_institution_is_read_even_when_the_ner_swallowed_it() -> None:
    places = places_of(
        "On 27 June 2022, farmers picketed in front of the National Assembly (Seoul City - Yeongdeungpo)."
    )
    assert places.focus_iso3 == "KOR"
    places = places_of(
        "On 24 May 2022, residents staged a protest in front of the Hansol Papertech (Daechi-ri, Damyang)."
    )
    assert mention(places, "Damyang").place.country == "South Korea"


def test_a_union_decides_between_two_towns_of_a_size() -> None:
    # Bayonne, France and Bayonne, New Jersey are towns of about 50,000: the French unions decide
    places = places_of("On 17 March 2022, 550 people demonstrated in Bayonne at the call of the CGT and FSU.")
    assert mention(places, "Bayonne").place.country == "France"


def test_a_town_and_its_province_read_as_one_organisation_are_split() -> None:
    places = places_of(
        "On 21 June 2022, Russian forces fired artillery at Maryine, Kherson. Casualties unknown."
    )
    assert places.focus_iso3 == "UKR"


def test_a_place_in_an_aside_is_not_where_the_event_happened() -> None:
    places = places_of(
        "Kupczyk, an officer based in the port of Gdansk, was shot in an ambush near Karbala on Thursday."
    )
    token = next(t for t in places.doc if t.text == "shot")
    picked = places.for_event(token.sent, token, resolved_only=False, attached_only=True)
    assert picked is not None and picked.text.endswith("Karbala")


def test_the_object_of_a_capture_is_a_place_whatever_the_ner_said() -> None:
    places = places_of("Eritrean troops captured Badme in May 1998 after heavy fighting.")
    assert "Badme" in [m.text for m in places.mentions]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("On 26 February 2022, Ukrainian forces clashed with Russian forces north-east of Kyiv.", "Kyiv"),
        ("On 24 March 2022, Russian forces fired naval artillery in the Black Sea on Odesa region.", "Odesa"),
        ("On 19 March 2022, gunmen detained a commander passing by Qanawat town in As Sweida.", "Qanawat"),
    ],
)
def test_names_the_ner_misses_beside_a_direction_or_a_place_noun(text: str, name: str) -> None:
    assert name in [m.text for m in places_of(text).mentions]


# ---------------------------------------------------------------------------------------------- split names


@pytest.mark.parametrize(
    ("sentence", "name", "iso3"),
    [
        # the NER reads "Port" and "Spain" as two places
        ("On 2 May 2022, nurses marched in Port of Spain to demand overdue pay.", "Port of Spain", "TTO"),
        # a hyphenated name the NER cuts at the first hyphen
        ("On 9 May 2022, gunmen robbed a bus in Croix-des-Bouquets, Ouest.", "Croix-des-Bouquets", "HTI"),
        # German connectors inside a name
        ("On 4 May 2022, hundreds of farmers and their families rallied in the town of "
         "Bad Neustadt an der Saale over the price of diesel and the cost of fertiliser.",
         "Bad Neustadt an der Saale", "DEU"),
    ],
)  # fmt: skip
def test_a_name_split_by_the_ner_is_joined_when_the_gazetteer_knows_it(
    sentence: str, name: str, iso3: str
) -> None:
    places = places_of(sentence)
    m = mention(places, name)
    assert m.place is not None and m.place.iso3 == iso3


def test_a_small_town_in_a_place_slot_is_a_place_but_not_before_a_possessive() -> None:
    places = places_of("On 8 May 2022, pensioners demonstrated in Dolni Dvoriste against energy prices.")
    m = mention(places, "Dolni Dvoriste")
    assert m.place is not None and m.place.iso3 == "CZE"
    possessive = places_of("On 8 May 2022, pensioners demonstrated in Dolni Dvoriste's square.")
    assert all(mm.text != "Dolni Dvoriste" for mm in possessive.mentions)


def test_a_place_after_an_adjective_or_a_part_noun_keeps_its_slot() -> None:
    places = places_of("On 19 May 2022, cyclists rode through central Cardiff to demand safer lanes.")
    assert mention(places, "Cardiff").place is not None


def test_the_name_of_a_longer_hyphenated_name_is_not_cut_at_a_known_prefix() -> None:
    places = places_of(
        "On 4 June 2022, a mine exploded in the Deir-ez-Zor countryside, injuring two herders."
    )
    assert all(m.text != "Deir" for m in places.mentions)


# ---------------------------------------------------------------------------------------------- context rules


def test_a_bracket_that_says_district_prefers_the_district_to_a_namesake_province() -> None:
    # Ilam is a province of Iran and a district of Nepal; "district" says which
    places = places_of(
        "On 3 May 2022, shopkeepers protested in Ilam municipality (Ilam district) over taxes."
    )
    m = mention(places, "Ilam")
    assert m.place is not None and m.place.iso3 == "NPL"


def test_a_big_city_is_not_moved_abroad_by_an_abbreviated_bracket() -> None:
    # FCT is Nigeria's Federal Capital Territory, but Islamabad is Pakistan's capital territory too
    places = places_of(
        "On 4 May 2022, hundreds of lawyers held a protest at Islamabad city (FCT) over arrests."
    )
    m = mention(places, "Islamabad")
    assert m.place is not None and m.place.iso3 == "PAK"


def test_an_actor_of_the_country_breaks_a_tie_between_namesake_provinces() -> None:
    # Sucre is a department of Colombia and a state of Venezuela; the Gulf Clan is Colombian
    places = places_of(
        "On 3 June 2022, in Pileta (Sucre), a trader was shot and injured by Gulf Clan members."
    )
    m = mention(places, "Pileta")
    assert m.place is not None and m.place.iso3 == "COL"


def test_a_town_close_to_the_named_unit_is_taken_when_geonames_files_it_elsewhere() -> None:
    # GeoNames files Nablus under the Nablus governorate, the text under the West Bank
    places = places_of("On 3 June 2022, students protested in Nablus city (Nablus, West Bank) for prisoners.")
    m = mention(places, "Nablus")
    assert m.place is not None and m.place.geo_precision == 1 and m.place.feature == "city"


def test_an_opening_place_frames_the_sentence_over_a_place_inside_the_subject() -> None:
    places = places_of(
        "On 25 May 2022, in Chilpancingo de los Bravo, Guerrero, students of the rural school in "
        "Ayotzinapa marched to the state congress."
    )
    chosen = scene(places, "marched")
    assert chosen is not None and chosen.text == "Chilpancingo de los Bravo"


def test_the_war_in_a_country_is_a_topic_not_the_scene() -> None:
    places = places_of("On 9 May 2022, around 400 people demonstrated in Ulm against the war in Ukraine.")
    assert places.focus_iso3 == "DEU"
    chosen = scene(places, "demonstrated")
    assert chosen is not None and chosen.text == "Ulm"


def test_a_neighbourhood_of_a_city_is_placed_in_that_city_not_at_a_namesake_far_away() -> None:
    places = places_of(
        "On 5 May 2022, tenants gathered in the Mount Hope neighborhood of San Diego (California) to protest."
    )
    part, city = mention(places, "Mount Hope"), mention(places, "San Diego")
    assert part.place is not None and city.place is not None
    assert part.place.latitude == city.place.latitude and part.place.longitude == city.place.longitude


def test_an_elided_article_stays_inside_a_name() -> None:
    places = places_of("On 18 May 2022, in Olho d'Agua das Flores (Alagoas), a trader was shot and wounded.")
    m = mention(places, "Olho d'Agua das Flores")
    assert m.place is not None and m.place.iso3 == "BRA"


def test_a_town_and_its_province_of_the_same_name_are_not_one_name() -> None:
    # the NER reads "Zacatecas," with its comma; joined with the next "Zacatecas" it would be no place
    places = places_of("On 12 May 2022, in Zacatecas, Zacatecas, teachers marched to demand unpaid wages.")
    m = mention(places, "Zacatecas")
    assert m.place is not None and m.place.iso3 == "MEX"


def test_an_acronym_defined_in_brackets_is_no_place() -> None:
    places = places_of(
        "On 8 May 2022, in Puebla, students of the Center for Economic Research and Teaching (CIDE) "
        "protested in front of the town hall."
    )
    assert all(m.text != "CIDE" for m in places.mentions)


def test_the_beach_of_a_town_names_the_town() -> None:
    places = places_of("On 6 May 2022, around 15 activists staged a protest on the beach of Knokke-Heist.")
    m = mention(places, "Knokke-Heist")
    assert m.place is not None and m.place.iso3 == "BEL"


def test_a_village_named_with_the_town_it_lies_by_takes_the_towns_country() -> None:
    # GeoNames knows a Khaneh in Iran only; the town whose countryside holds the village says Syria, and
    # the village's namesake abroad must not pull the story's country there
    for text, town in (
        ("On 3 May 2022, a drone struck a car near Khaneh village in the western countryside of Manbij.",
         "Manbij"),
        ("On 2 May 2022, residents protested in the Tamin neighborhood of As Samawah city.", "Samawah"),
    ):  # fmt: skip
        places = places_of(text)
        assert places.focus_iso3 in ("SYR", "IRQ"), text
        whole = mention(places, town).place
        part = next(m for m in places.mentions if m.text in ("Khaneh", "Tamin")).place
        assert whole is not None and part is not None and part.iso3 == whole.iso3, text
        assert haversine_km(part.latitude, part.longitude, whole.latitude, whole.longitude) < 1


def test_a_lower_case_word_or_a_bare_compass_word_is_no_place() -> None:
    places = places_of(
        "On 5 March 2022, gunmen killed a farmer near Yenagoa. His body was found in the bush by a search "
        "party."
    )
    assert [m.text for m in places.mentions] == ["Yenagoa"]
    places = places_of("On 5 March 2022, gunmen shot a trader in Dagon Myothit (North), Yangon Region.")
    assert "North" not in [m.text for m in places.mentions]


# ---------------------------------------------------------------------------------------------- event's place
# The rules below choose, among a sentence's places, where its event happened (`for_event` with
# `attached_only`, as the event-location evaluation asks).


def attached_scene(places: DocumentPlaces, trigger: str) -> PlaceMention | None:
    """The place `for_event` picks for `trigger` among the places the parse attaches to it."""
    token = next(t for t in places.doc if t.text == trigger)
    return places.for_event(token.sent, token, resolved_only=False, attached_only=True)


def test_a_place_modifying_a_site_is_the_scene_but_one_modifying_a_group_is_not() -> None:
    picked = attached_scene(places_of("Gunmen shot a trader outside his Kisumu home on Friday."), "shot")
    assert picked is not None and picked.text == "Kisumu"
    assert attached_scene(places_of("Seville fans were attacked by rioters."), "attacked") is None


def test_a_country_owning_the_phrase_after_in_is_the_scene() -> None:
    picked = attached_scene(places_of("Hundreds of people were killed in Sudan's war last year."), "killed")
    assert picked is not None and picked.text == "Sudan"


def test_a_place_under_a_source_or_a_cause_is_not_the_scene() -> None:
    places = places_of("A man was shot dead, according to police sources in Kampala.")
    assert attached_scene(places, "shot") is None
    assert attached_scene(places_of("Students protested against the raid in Mosul."), "protested") is None


def test_the_name_of_the_capital_in_apposition_is_the_scene() -> None:
    picked = attached_scene(places_of("Protesters marched in the capital, Nairobi, on Monday."), "marched")
    assert picked is not None and picked.text == "Nairobi"


@pytest.mark.parametrize(
    ("text", "trigger", "inner"),
    [
        ("Dozens were killed in Syria's Idlib province on Friday.", "killed", "Idlib"),
        ("A car bomb exploded in Sadr City in eastern Baghdad on Friday.", "exploded", "Sadr City"),
        ("Rebels shelled Jumla village in Afrin countryside on Tuesday.", "shelled", "Jumla"),
    ],
)
def test_the_inner_of_two_nested_places_is_the_scene(text: str, trigger: str, inner: str) -> None:
    places = places_of(text)
    picked = attached_scene(places, trigger)
    assert picked is not None and picked.text == inner
    assert scene(places, trigger) is picked  # the pipeline's own choice agrees


def test_an_acled_city_dash_district_is_one_name_not_a_container() -> None:
    places = places_of(
        "On 2 March 2022, in Recife - Boa Viagem (Pernambuco), residents protested against the closure."
    )
    assert not places._contains(mention(places, "Recife"), mention(places, "Boa Viagem"))
    picked = scene(places, "protested")
    assert picked is not None and picked.text == "Recife"


def test_a_dateline_is_where_the_report_was_filed_not_the_scene() -> None:
    places = places_of("NAIROBI -- Police shot dead two protesters outside parliament on Tuesday.")
    assert places._dateline(mention(places, "NAIROBI"))
    assert attached_scene(places, "shot") is None
    places = places_of("Police shot dead two protesters in Nairobi: the capital was calm later.")
    assert not places._dateline(mention(places, "Nairobi"))
    picked = attached_scene(places, "shot")
    assert picked is not None and picked.text == "Nairobi"


def test_a_country_after_a_persons_name_is_where_the_person_is_from() -> None:
    places = places_of("Maria Sanchez, of Peru, was shot dead in Quito on Sunday.")
    assert places._not_a_scene(mention(places, "Peru"))
    picked = attached_scene(places, "shot")
    assert picked is not None and picked.text == "Quito"
    assert attached_scene(places_of("Maria Sanchez of Peru was shot dead on Sunday."), "shot") is None


def test_a_number_is_never_a_place() -> None:
    places = places_of("One in four houses was destroyed in the storm, and three in Goma.")
    assert [m.text for m in places.mentions] == ["Goma"]


def test_every_conjoined_subject_is_the_actor_not_the_scene() -> None:
    places = places_of("Twenty people were killed as the United States and Britain weighed new sanctions.")
    assert places._not_a_scene(mention(places, "Britain"))
    assert attached_scene(places, "killed") is None


def test_a_name_ending_in_a_site_word_is_a_place_and_names_inside_it_are_read() -> None:
    places = places_of("Gunmen killed three guards at the Kivu Museum in Goma on Sunday.")
    picked = attached_scene(places, "killed")
    assert picked is not None and picked.text.endswith("Kivu Museum")
    places = places_of("Protesters gathered outside the French Embassy on Sunday.")
    picked = attached_scene(places, "gathered")
    assert picked is not None and picked.text.endswith("French Embassy")
    embedded = [m for m in places.mentions if m.anchor_only]
    assert [m.place.iso3 for m in embedded if m.place] == ["FRA"]  # the country inside the site's name


def test_a_name_in_apposition_to_the_capital_is_a_place_whatever_the_ner_said() -> None:
    from eventwire.nlp import _names_a_place_noun, load_pipeline

    text = "A soldier was shot dead outside the regional capital, Nalchik, and two others were wounded."
    nlp = load_pipeline(Settings())
    with nlp.select_pipes(disable=["eventwire_place_fixer"]):
        raw = nlp(text)
    name = next(t for t in raw if t.text == "Nalchik")
    assert _names_a_place_noun(raw, name.i, name.i + 1, Gazetteer.default())
    assert not _names_a_place_noun(raw, 1, 2, Gazetteer.default())  # "soldier": no apposition
    picked = attached_scene(places_of(text), "shot")
    assert picked is not None and picked.text == "Nalchik"


def test_a_place_in_a_while_clause_of_its_own_is_not_the_scene() -> None:
    places = places_of("Hundreds of students marched on Monday, while a small rally took place in Kampala.")
    assert attached_scene(places, "marched") is None
    places = places_of("A trader was shot as he left a cafe in Quito.")  # "as": the same happening
    picked = attached_scene(places, "shot")
    assert picked is not None and picked.text == "Quito"


def test_a_square_in_a_city_stands_on_the_city_not_on_a_namesake_town() -> None:
    places = places_of("On 17 February 2022, farmers gathered in Monforte square in Milano to protest.")
    milan = mention(places, "Milano").place
    square = mention(places, "Monforte").place
    assert milan is not None and square is not None and milan.iso3 == "ITA"
    assert haversine_km(square.latitude, square.longitude, milan.latitude, milan.longitude) < 1
    # a town in a province keeps its own point, even far from the province's
    places = places_of(
        "On 20 April 2022, soldiers detained four men in Markada town in Al Hasakeh countryside."
    )
    town = mention(places, "Markada").place
    assert town is not None and town.name == "Markada" and town.geo_precision == 1


def test_a_continent_beats_a_foreign_town_that_shares_its_name() -> None:
    places = places_of("Economic growth in Africa slowed last year, the bank said.")
    africa = mention(places, "Africa")
    assert africa.place is not None and africa.place.name == "Africa" and africa.place.iso3 is None


# ------------------------------------------------------------------------------------ lists and nationalities


def test_a_list_of_provinces_is_not_a_place_and_its_province() -> None:
    # "Texas, Arizona" has the comma form of "Paris, Texas", but Texas is a state, not a town in Arizona
    places = places_of("The governors of Texas, Arizona, and New Mexico backed the plan on Monday.")
    texas, arizona = mention(places, "Texas"), mention(places, "Arizona")
    assert texas.place is not None and texas.place.admin1 == "Texas"
    assert arizona.place is not None and arizona.place.admin1 == "Arizona"
    assert places.focus_iso3 == "USA"  # the list still says which country


def test_a_list_of_big_towns_keeps_each_town_where_it_is() -> None:
    places = places_of("The firm has offices in Los Angeles, Miami, West Palm Beach, New York, and Detroit.")
    miami = mention(places, "Miami")
    assert miami.place is not None and miami.place.admin1 == "Florida"  # no Miami lies in New York state


def test_a_town_and_its_province_still_read_as_one_place() -> None:
    places = places_of("On 2 March 2022, shelling hit Kramatorsk, Donetsk, and wounded two civilians.")
    m = mention(places, "Kramatorsk")
    assert m.place is not None and m.place.iso3 == "UKR" and m.place.feature == "city"


def test_a_country_owning_a_site_in_a_foreign_city_stays_on_its_own_point() -> None:
    places = places_of("Russia will close the US consulate in St. Petersburg and expel diplomats.")
    us = mention(places, "US")
    assert us.place is not None and us.place.iso3 == "USA"


def test_a_constituent_country_is_placed_as_its_province() -> None:
    places = places_of("Rallies were held in Liverpool, northern England, and in Wales on Saturday.")
    england, wales = mention(places, "England"), mention(places, "Wales")
    assert england.place is not None and england.place.feature == "admin1" and england.place.iso3 == "GBR"
    assert wales.place is not None and wales.place.admin1 == "Wales"


def test_a_nationality_before_the_kind_of_place_picks_the_country() -> None:
    # Tripoli alone is Libya's capital; Salisbury alone is also an old name of Harare
    places = places_of("Clashes broke out in the northern Lebanese city of Tripoli on Monday.")
    tripoli = mention(places, "Tripoli")
    assert tripoli.place is not None and tripoli.place.iso3 == "LBN"
    places = places_of("A man was found on a bench in the southern English city of Salisbury on 4 March.")
    salisbury = mention(places, "Salisbury")
    assert salisbury.place is not None and salisbury.place.iso3 == "GBR"
    english = mention(places, "English")  # the nationality word itself locates England
    assert english.place is not None and english.place.admin1 == "England"


def test_a_province_name_many_countries_use_does_not_pick_the_focus() -> None:
    # "the Centre" is India's central government here; Burkina Faso, Cameroon and Haiti have a Centre region
    text = (
        "Tamil Nadu asked the Centre to act. The Centre has not replied. The Centre delayed the board. "
        "Farmers in Karnataka protested in Bengaluru on Monday."
    )
    places = places_of(text)
    assert places.focus_iso3 == "IND"


def test_a_place_before_a_possessive_person_is_where_the_person_is_from() -> None:
    places = places_of(
        "Sam Hornish captured pole position here Saturday, joined on the front row by Brazil's Helio "
        "Castroneves and England's Dan Wheldon."
    )
    assert scene(places, "captured") is None or scene(places, "captured").text not in ("England", "Brazil")


def test_a_place_naming_an_operation_is_where_it_was_fought() -> None:
    # "the Raqqa offensive": the place modifies a fight, not a group, so it is the scene
    places = places_of("Dozens of fighters were killed in the Raqqa offensive last week.")
    picked = attached_scene(places, "killed")
    assert picked is not None and picked.text == "Raqqa"
    assert attached_scene(places_of("Raqqa fighters were killed on Monday."), "killed") is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("They captured Mazar-e-Sharif in May but lost the city a week later.", "Mazar-e-Sharif"),
        ("A car bomb exploded in the Radhwaniyah area on Friday.", "Radhwaniyah"),
        ("Soldiers shot two men near the Ghat area of Doda district.", "Ghat"),
        ("The army tightened the siege on Manbij this week.", "Manbij"),
    ],
)
def test_names_the_ner_misses_in_a_place_slot_are_places(text: str, name: str) -> None:
    places = places_of(text)
    assert name in [m.text for m in places.mentions]


def test_a_breakaway_region_is_placed_in_its_country() -> None:
    places = places_of("Fighting flared in South Ossetia on Friday, officials in Tbilisi said.")
    [ossetia] = [m for m in places.mentions if m.text == "South Ossetia"]
    assert ossetia.place is not None and ossetia.place.iso3 == "GEO" and ossetia.place.geo_precision == 3
    # a region's name in a story about a third country is that country's namesake, not the region
    places = places_of(
        "In Argelia municipality (Cauca), a man was found shot dead. He had claimed a bomb attack in Sinai."
    )
    assert all(m.place is None or m.place.iso3 != "EGY" for m in places.mentions)


def test_names_listed_after_a_plural_place_noun_are_places() -> None:
    from eventwire.nlp import load_pipeline

    doc = load_pipeline()("Fighting reached the towns of Tel Hamis and Tel Birak on Monday.")
    assert {e.text for e in doc.ents if e.label_ == "GPE"} >= {"Tel Hamis", "Tel Birak"}
    # one name after a plural noun is no list; an actor's name stays an actor's
    doc = load_pipeline()("Leaders of the villages of the region met the Taliban and Hezbollah.")
    assert not {"Taliban", "Hezbollah"} & {e.text for e in doc.ents if e.label_ == "GPE"}


def test_a_place_named_as_the_cause_of_a_protest_is_not_its_scene() -> None:
    places = places_of(
        "On 3 May 2022, residents of Kostanay gathered in front of the city hall in support of the "
        "strikers in Zhanaozen."
    )
    picked = scene(places, "gathered")
    assert picked is not None and picked.text == "Kostanay"
