"""Geocoding rules for ACLED-style notes: which country an admin bracket names, where a site inside a town
with its own bracket lies, where an event placed only in a province is coded, and towns the NER missed.

Each test states one rule of `eventwire.extract.places`; the sentences are written for these tests.
"""

from __future__ import annotations

import datetime as dt

from eventwire.extract.places import PlaceMention
from eventwire.model import Document
from eventwire.pipeline import Pipeline
from eventwire.resolve.gazetteer import haversine_km
from test_places import mention, places_of, scene


def km_from(place: object, lat: float, lon: float) -> float:
    assert place is not None
    return haversine_km(place.latitude, place.longitude, lat, lon)  # type: ignore[attr-defined]


# ------------------------------------------------------------------------ a site inside a bracketed town


def test_a_site_in_a_town_with_its_own_bracket_takes_that_towns_country_and_point() -> None:
    # San Jose is also a Costa Rican province: the town's own bracket says California, and the hall is in it
    places = places_of(
        "On 2 March 2022, about 50 nurses rallied at Memorial Hall in San Jose (California) over pay."
    )
    picked = scene(places, "rallied")
    assert picked is not None and picked.place is not None
    assert picked.place.iso3 == "USA"
    assert km_from(picked.place, 37.34, -121.89) < 25
    assert not mention(places, "San Jose").anchor_only  # the town is a scene, not an admin name


# --------------------------------------------------------------------------------- the bracket's country


def test_an_inner_bracket_part_that_is_a_town_in_the_named_unit_confirms_the_country() -> None:
    # "Comoe" is a district of Ivory Coast and a province of Burkina Faso; Mangodara is a town of the latter
    places = places_of("On 7 March 2022, gunmen burned the granaries of Tiebanidougou (Mangodara, Comoe).")
    assert places.focus_iso3 == "BFA"
    m = mention(places, "Tiebanidougou")
    assert m.place is not None and m.place.iso3 == "BFA"


def test_a_namesake_hamlet_outside_the_named_unit_does_not_carry_the_bracket_abroad() -> None:
    # the gazetteer knows a Koflande only in another region of Ivory Coast; the bracket names Burkina's Comoe
    places = places_of("On 8 March 2022, soldiers searched the fields of Koflande (Mangodara, Comoe).")
    m = mention(places, "Koflande")
    assert m.place is not None and m.place.iso3 == "BFA"


# ------------------------------------------------------------------------------ the event's coded point


def test_an_event_placed_only_in_a_province_is_coded_to_its_namesake_town() -> None:
    doc = Document(
        id="t",
        text="On 3 May 2022, soldiers shot down a drone over Kharkiv region. Nobody was hurt.",
        published=dt.date(2022, 5, 4),
    )
    events = Pipeline().extract(doc).events
    assert events
    ev = events[0]
    assert ev.geo_precision == 3  # still a province-level event
    assert haversine_km(ev.latitude, ev.longitude, 49.98, 36.25) < 10  # the city of Kharkiv


def test_a_province_without_a_namesake_town_is_coded_to_its_biggest_town() -> None:
    places = places_of("On 3 May 2022, a roadside bomb wounded two soldiers in Muthanna province.")
    m = mention(places, "Muthanna province")
    assert m.place is not None and m.place.feature == "admin1"
    coded = places.event_place(m)
    assert coded is not None and km_from(coded, 31.33, 45.29) < 10  # As Samawah, the capital
    assert coded.geo_precision == 3 and coded.name == m.place.name


# ---------------------------------------------------------------------------- towns the NER did not see


def test_a_town_in_a_place_slot_is_read_when_the_entities_place_nothing() -> None:
    places = places_of(
        "On 6 March 2022, dozens of teachers protested outside the City Hall in Malmo over wages."
    )
    picked = scene(places, "protested")
    assert picked is not None and picked.place is not None
    assert picked.place.iso3 == "SWE"


def test_a_name_that_goes_on_with_of_is_no_unlabelled_town() -> None:
    places = places_of(
        "On 6 March 2022, members of the Union and Confederation of Retired Farmers staged a sit-in."
    )
    assert all(m.text != "Confederation" for m in places.mentions)


# ------------------------------------------------------------------------------- topics are no scenes


def test_a_country_the_protest_is_about_is_neither_the_scene_nor_the_focus() -> None:
    places = places_of(
        "On 3 March 2022, about 40 people protested in Torun against the war of Russia in Ukraine."
    )
    assert places.focus_iso3 == "POL"
    picked = scene(places, "protested")
    assert picked is not None and picked.text == "Torun"


def test_a_country_named_only_as_a_topic_leaves_the_event_to_the_texts_town() -> None:
    places = places_of(
        "On 3 March 2022, activists chained themselves to a tanker in Gdynia. They were protesting against "
        "the invasion of Ukraine by Russia."
    )
    token = next(t for t in places.doc if t.text == "protesting")
    assert places.for_event(token.sent, token) is None  # the event then takes the story's town


def test_a_city_written_with_its_district_after_a_dash_is_a_scene() -> None:
    places = places_of(
        "On 5 May 2022, students marched outside the ministry in Chisinau - Botanica over grants."
    )
    picked = scene(places, "marched")
    assert picked is not None and picked.place is not None
    assert picked.place.iso3 == "MDA"


# -------------------------------------------------------------------------------------------- aliases


def test_common_english_spellings_of_libyan_districts_and_bahraini_governorates() -> None:
    libya = places_of("On 2 June 2022, gunmen stormed a bank in Sabha (Sebha, South).")
    m = mention(libya, "Sabha")
    assert m.place is not None and m.place.iso3 == "LBY"
    bahrain = places_of("On 1 March 2022, youths demonstrated in Sitrah (Capital) over prisoners.")
    m = mention(bahrain, "Sitrah")
    assert m.place is not None and m.place.iso3 == "BHR"


# ------------------------------------------------------------------------------------- parts of a town


def test_a_name_in_a_town_that_the_gazetteer_puts_far_away_stands_on_the_towns_point() -> None:
    # GeoNames knows a Holyrood only in Canada; "in Edinburgh" says which one is meant
    places = places_of(
        "On 4 March 2022, around 300 people rallied outside Holyrood in Edinburgh over pensions."
    )
    assert places.focus_iso3 == "GBR"
    picked = scene(places, "rallied")
    assert picked is not None and picked.place is not None
    assert picked.place.iso3 == "GBR"
    assert km_from(picked.place, 55.95, -3.19) < 25


def test_a_town_and_its_province_after_a_comma_are_read_when_the_ner_missed_them() -> None:
    places = places_of(
        "On 3 June 2022, Russian troops shelled with rockets Pisochyn, Kharkiv. Two houses burned."
    )
    picked = scene(places, "shelled")
    assert picked is not None and picked.place is not None
    assert picked.place.iso3 == "UKR"
    assert picked.place.admin1 == "Kharkiv"


def test_a_town_close_to_which_something_happened_is_read_with_its_state_after_the_comma() -> None:
    # "close to" places what follows as "near" does; the NER reads these small towns as nothing at all
    places = places_of(
        "On 9 May 2022, close to Zinapecuaro de Figueroa, Michoacan de Ocampo, a farmer was found shot dead."
    )
    picked = scene(places, "found")
    assert picked is not None and picked.place is not None
    assert picked.text == "Zinapecuaro de Figueroa"
    assert km_from(picked.place, 19.86, -100.83) < 10


def test_a_place_in_a_relative_clause_tells_of_another_happening_not_the_scene() -> None:
    # the strike happened in Silopi; the rally against it was held in Artuklu, which the rule must pick
    places = places_of(
        "On 4 May 2022, teachers staged a rally in Artuklu town, Mardin to condemn an attack on a school"
        " that took place in Silopi."
    )
    picked = scene(places, "rally")
    assert picked is not None and picked.place is not None
    assert picked.text == "Artuklu"


def test_a_holder_said_to_be_a_city_is_a_town_not_a_namesake_province() -> None:
    # "Amara" is also a name of Ethiopia's Amhara region; "Amara city" is the Iraqi town (Al Amarah)
    places = places_of(
        "On 3 April 2022, gunmen wounded a shopkeeper in the Hussein neighborhood of Amara city."
    )
    assert places.focus_iso3 == "IRQ"
    picked = scene(places, "wounded")
    assert picked is not None and picked.place is not None
    assert picked.place.iso3 == "IRQ"


def test_of_two_towns_of_the_name_in_the_province_the_one_in_the_named_district_wins() -> None:
    # Punjab has two towns called Sahiwal; the district named in the bracket holds the big one
    places = places_of("On 2 May 2022, traders shut their shops in Sahiwal (Sahiwal, Punjab) over new taxes.")
    m = mention(places, "Sahiwal")
    assert m.place is not None and m.place.iso3 == "PAK"
    assert km_from(m.place, 30.67, 73.10) < 25


def test_a_big_town_filed_under_a_neighbouring_province_is_still_the_town() -> None:
    # GeoNames files Sorong under Southwest Papua, carved out of West Papua in 2022
    places = places_of(
        "On 6 March 2022, students marched in Sorong city (West Papua province) against a new law."
    )
    m = mention(places, "Sorong")
    assert m.place is not None and m.place.feature == "city"
    assert km_from(m.place, -0.88, 131.26) < 25


def test_a_village_the_gazetteer_lacks_stands_on_the_brackets_seat_town() -> None:
    # Rutshuru is the territory's seat: closer to its villages than the territory's middle
    places = places_of(
        "On 3 March 2022, soldiers clashed with rebels near Kibumba-Nord (Bwisha, Rutshuru, Nord-Kivu)."
    )
    m = mention(places, "Kibumba-Nord")
    assert m.place is not None and m.place.iso3 == "COD"
    assert km_from(m.place, -1.187, 29.447) < 5


def test_a_name_its_level_word_calls_a_town_is_read_though_the_ner_missed_it() -> None:
    places = places_of("On 9 February 2022, regime artillery shelled Ziyara town in the countryside of Hama.")
    picked = scene(places, "shelled")
    assert picked is not None and picked.text == "Ziyara"
    assert picked.place is not None and picked.place.iso3 == "SYR" and picked.place.feature == "city"


def test_a_town_naming_its_steppe_is_the_scene() -> None:
    # "Al Mayadin badia": the desert steppe of Al Mayadin, a place like "Al Mayadin countryside"
    places = places_of(
        "On 4 March 2022, a shepherd was shot by a sniper in Al Mayadin badia in Deir ez Zor countryside."
    )
    picked = scene(places, "shot")
    assert picked is not None and picked.text == "Al Mayadin"


def test_a_hamlet_matched_only_by_another_spelling_does_not_carry_the_focus_abroad() -> None:
    # GeoNames knows "Sacca", a hamlet in Italy; the district and province named after it are Iraqi
    places = places_of(
        "On 2 May 2022, drones struck PKK hideouts in Saca area in Al Amadiya district of Duhok."
    )
    assert places.focus_iso3 == "IRQ"


def test_acleds_city_district_form_marks_the_events_place() -> None:
    places = places_of(
        "On 4 May 2022, residents against a dump in Zaoqiao, Miaoli, protested outside the Control Yuan "
        "(Taipei City - Zhongzheng)."
    )
    picked = scene(places, "protested")
    assert picked is not None and picked.text == "Taipei City"


# ---------------------------------------------------------------------- what the bracket's unit is called


def test_a_bracket_that_says_district_prefers_a_country_whose_units_are_districts() -> None:
    # Bara is a district of Nepal and a locality of Sudan; a "district" is Nepal's
    places = places_of(
        "On 3 May 2021, locals protested in Simraungadh municipality (Bara district) over a road."
    )
    assert places.focus_iso3 == "NPL"
    m = mention(places, "Simraungadh")
    assert m.place is not None and m.place.iso3 == "NPL"


def test_a_bare_compass_half_of_a_country_does_not_outweigh_the_province_inside_it() -> None:
    # ACLED writes Libya's halves as "East" and "West"; Cameroon has provinces of those names
    for text, town in (
        (
            "On 7 May 2021, oil workers protested in Zawiyat Masus (Al Wahat, East) over wages.",
            "Zawiyat Masus",
        ),
        ("On 7 May 2021, teachers protested in Qasr al Akhyar (Al Murqub, West) over pay.", "Qasr al Akhyar"),
    ):
        places = places_of(text)
        m = mention(places, town)
        assert m.place is not None and m.place.iso3 == "LBY", text


# ------------------------------------------------------------------------- "coded to X" and cut sentences


def _event_near(text: str, lat: float, lon: float, published: dt.date = dt.date(2022, 5, 10)) -> bool:
    """Whether the pipeline's first event from `text` lies within 25 km of (lat, lon)."""
    events = Pipeline().extract(Document(id="t", text=text, published=published)).events
    assert events, "no event"
    ev = events[0]
    return ev.latitude is not None and haversine_km(ev.latitude, ev.longitude, lat, lon) <= 25


def test_a_place_cut_off_the_events_sentence_at_a_bracket_still_places_it() -> None:
    # the small model ends the sentence after "(coded as Kanbalu)": the event's word is in the next piece,
    # which names only the district's seat
    text = (
        "On 6 May 2022, at the edge of Sein Pan village of Kanbalu township (coded as Kanbalu) "
        "(Shwebo district, Sagaing region), fighting broke out between soldiers and a local PDF group."
    )
    assert _event_near(text, 23.20, 95.52)  # Kanbalu, not Shwebo 70 km south


def test_a_coded_place_stated_in_a_sentence_of_its_own_is_the_events_place() -> None:
    text = (
        "Security measures: On 3 May 2022, police deployed hundreds of officers along the highway between "
        "Basra and Nasiriyah ahead of a religious festival. Coded to the provincial capital Nasiriyah."
    )
    assert _event_near(text, 31.06, 46.26)


def test_fatalities_coded_to_another_event_do_not_move_this_one() -> None:
    text = (
        "On 5 March 2022, rebel forces shelled army positions near Popasna, Luhansk. Two soldiers were "
        "killed at other places (fatalities coded to Sievierodonetsk event)."
    )
    assert _event_near(text, 48.63, 38.38)  # Popasna


def test_a_coded_namesake_far_from_the_named_city_stands_on_that_city() -> None:
    # GeoNames knows several towns called Gulou, none of them in Nanjing (where Gulou is a district)
    places = places_of(
        "On 2 April 2022, workers protested in Nanjing city, Jiangsu (coded to Gulou) to demand unpaid wages."
    )
    m = mention(places, "Gulou")
    assert m.place is not None and m.place.name == "Gulou"
    assert km_from(m.place, 32.06, 118.78) < 25 and m.place.geo_precision == 2


def test_a_coded_name_with_its_own_bracket_is_not_moved_to_the_place_before() -> None:
    places = places_of(
        "On 8 April 2022, militants trained at a camp somewhere in the west of the country near Arlington, "
        "coded as Olympia (Washington)."
    )
    m = mention(places, "Olympia")
    assert m.place is not None and km_from(m.place, 47.04, -122.90) < 25


def test_the_bracket_after_a_coded_name_places_it() -> None:
    # "(coded as X) (district, region)": the admin bracket after the coded name is X's (GeoNames knows a Zee
    # Kone only in Yangon)
    places = places_of(
        "On 6 May 2022, at a monastery outside a village (coded as Zee Kone) (Kanbalu township, "
        "Shwebo district, Sagaing region), soldiers burned houses."
    )
    m = next(m for m in places.mentions if m.text == "Zee Kone" and m.coded)
    assert m.place is not None and m.place.iso3 == "MMR" and m.place.admin1 == "Sagaing"


# ----------------------------------------------------------------------- reference points and unit words


def test_a_place_the_gazetteer_lacks_near_a_town_stands_on_the_town() -> None:
    places = places_of(
        "On 2 June 2022, Russian troops tried to cross the Oskil River near Kupiansk, Kharkiv region. "
        "Ukrainian forces repelled them."
    )
    picked = scene(places, "cross")
    assert picked is not None and picked.place is not None
    assert km_from(picked.place, 49.71, 37.62) < 10 and picked.place.geo_precision == 2


def test_a_town_and_province_after_a_comma_are_read_before_a_to_clause() -> None:
    # "Kartal" is also a town in Hungary and one in Gaziantep
    places = places_of("On 17 March 2022, nurses rallied in Kartal town, Istanbul to demand higher pay.")
    m = mention(places, "Kartal")
    assert m.place is not None and m.place.admin1 == "Istanbul"


def test_a_town_named_with_its_tehsil_is_the_scene() -> None:
    places = places_of(
        "On 24 June 2022, soldiers clashed with militants during a raid at Paharpur tehsil (Dera Ismail Khan "
        "district, KP)."
    )
    picked = scene(places, "clashed")
    assert picked is not None and picked.text == "Paharpur"


def test_an_unknown_coded_place_stands_on_the_town_named_just_before_it() -> None:
    # "Coast of Midi" is no gazetteer name: rather than its province's middle, the town the text names
    places = places_of(
        "On 9 January 2022, coast guards seized a fishing boat off the shore of Ras Isa in Midi district "
        "(coded to Coast of Midi) (Hajjah)."
    )
    m = next(m for m in places.mentions if m.coded)
    assert m.place is not None and km_from(m.place, 16.32, 42.81) < 10  # the town of Midi


def test_a_name_the_parse_hangs_on_its_own_bracket_is_still_a_scene() -> None:
    # the small model reads "Tin-Akoff (Markoye, Oudalan)" as a name modifying "Markoye"
    places = places_of(
        "On 14 June 2022, presumed JNIM militants attacked the village of Ti-n-Akoff (Markoye, Oudalan)."
    )
    picked = scene(places, "attacked")
    assert picked is not None and picked.text == "Ti-n-Akoff"


def test_a_compass_word_in_brackets_does_not_hide_the_province_after_it() -> None:
    places = places_of(
        "On 16 February 2022, rebels fired mortars at army positions near Zelenyi Klyn (north), Luhansk."
    )
    m = mention(places, "Zelenyi Klyn")  # a name the gazetteer lacks: the province places it
    assert m.start in places.contexts
    assert m.place is not None and m.place.admin1 == "Luhansk"


def test_a_hamlet_of_another_province_in_a_bracketed_sentence_stands_on_the_bracketed_town() -> None:
    # GeoNames' Campo Novo is a town of 5,000 in Rio Grande do Sul, 3,000 km from Petrolina
    places = places_of(
        "On 5 April 2022, in the countryside of Petrolina municipality (Pernambuco), gunmen killed a farmer "
        "at Campo Novo ranch."
    )
    m = mention(places, "Campo Novo")
    assert m.place is not None and m.place.geo_precision == 2
    assert km_from(m.place, -9.39, -40.50) < 25


def test_a_site_and_its_town_read_as_one_name_stand_on_the_town() -> None:
    # the NER reads "Town Hall of Lugones" as one place, which the gazetteer lacks: Lugones places it
    places = places_of("On 3 April 2022, workers protested at the Town Hall of Lugones (Asturias) over pay.")
    m = mention(places, "Town Hall of Lugones")
    assert m.place is not None and m.place.geo_precision == 1
    assert km_from(m.place, 43.40, -5.81) < 10


def test_a_town_named_as_a_district_of_its_province_is_not_taken_for_a_namesake() -> None:
    # Kupiansk lies some 100 km from the middle of Kharkiv region, but in it: no reason to doubt the town
    places = places_of("On 12 May 2022, Russian forces shelled the Kupiansk district of Kharkiv region.")
    m = mention(places, "Kupiansk")
    assert m.place is not None and not m.specific
    assert km_from(m.place, 49.71, 37.62) < 10


def test_a_town_named_by_its_surroundings_is_read_though_the_ner_missed_it() -> None:
    places = places_of("On 8 June 2022, airstrikes killed two IS militants in the Al Qaim desert of Anbar.")
    picked = scene(places, "killed")
    assert picked is not None and picked.text == "Al Qaim"
    assert picked.place is not None and picked.place.geo_precision == 2


def test_an_event_placed_only_in_a_district_is_coded_to_its_namesake_town() -> None:
    # the district's own point (the middle of its towns) lies some 25 km north of the town of Rutshuru
    places = places_of("On 5 May 2022, rebels clashed with soldiers in Rutshuru territory (Nord-Kivu).")
    district = places.gazetteer.admin2("Rutshuru Territory", "COD")
    assert district is not None
    m = PlaceMention("Rutshuru", 0, 8, 0, 1, district.to_place(geo_precision=2), [district])
    coded = places.event_place(m)
    assert coded is not None and coded.geo_precision == 2 and coded.feature == "admin2"
    assert km_from(coded, -1.187, 29.447) < 5


def test_a_place_followed_by_coded_to_district_level_is_the_events_place() -> None:
    # Juban lies 170 km from Harib: of the two places struck, the note says which one the event is coded to
    text = (
        "On 3 May 2022, the Saudi-led coalition conducted 3 air raids on Juban and Harib (coded to district "
        "level) (Marib). Casualties unknown."
    )
    assert _event_near(text, 14.93, 45.50)


def test_a_coded_name_known_only_abroad_does_not_move_the_event_there() -> None:
    # the gazetteer knows Anyang only as the Chinese city: ACLED's village of the name is unknown to it
    text = (
        "On 2 March 2022, a soldier shot dead a trader in Marial-Bai market (Wau county, Western Bahr el "
        "Ghazal state) [coded to Anyang]. No further details."
    )
    events = Pipeline().extract(Document(id="t", text=text, published=dt.date(2022, 3, 3))).events
    assert events and events[0].country == "South Sudan"


# ------------------------------------------------------------------------------ admin units in brackets


def test_acleds_half_of_a_city_names_geonames_compass_district() -> None:
    # ACLED writes "Yangon-West" where GeoNames has the district "West Yangon"
    places = places_of(
        "On 4 May 2022, soldiers searched houses in Zaykone village (Yangon-West district, Yangon region)."
    )
    m = mention(places, "Zaykone")
    ctx = places.contexts[m.start]
    assert ctx.admin2 is not None and ctx.admin2.name == "West Yangon"


def test_a_big_namesake_town_outside_the_named_district_is_not_the_place() -> None:
    # the gazetteer knows only a Bogale of 70,000 in another province, 95 km from the named district
    places = places_of(
        "On 4 May 2022, soldiers arrested two teachers in Bogale (Yangon-South district, Yangon region)."
    )
    m = mention(places, "Bogale")
    assert m.place is not None and m.place.admin1 == "Yangon"
    assert km_from(m.place, 16.68, 96.20) < 5


def test_a_unit_known_only_by_its_bare_name_is_its_seat_town() -> None:
    # the gazetteer knows the town Gwoza, not "Gwoza LGA": the LGA's seat, not the middle of Borno
    places = places_of("On 4 May 2022, gunmen attacked a market in Gwoza LGA (Borno) and killed two traders.")
    picked = scene(places, "attacked")
    assert picked is not None and picked.place is not None and picked.place.feature == "city"
    assert km_from(picked.place, 11.08, 13.70) < 5


def test_a_place_of_the_named_province_known_by_a_variant_is_no_list() -> None:
    # GeoNames calls the Donetsk village Niu-York; "New York, Donetsk" is that village, not two places
    places = places_of("On 4 May 2022, artillery hit a school in New York, Donetsk. No casualties.")
    m = mention(places, "New York")
    assert m.place is not None and m.place.iso3 == "UKR"
