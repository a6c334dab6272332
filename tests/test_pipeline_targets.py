"""Second actors (ACLED's actor2) the pipeline infers from what was hit, seized or fought.

Each test states one convention on a short sentence written for this project: the owner of a seized or
destroyed thing is the target, a brawl's other side are rioters, migrants keep their stated origin, a note
that says under which actor a phrase is coded names that actor, and forces ACLED codes as a branch of a
country's military carry that name.
"""

from __future__ import annotations

from eventwire import extract_text
from eventwire.model import Event


def event_of(text: str, published: str, sub_event_type: str) -> Event:
    result = extract_text(text, published=published)
    events = [e for e in result.events if e.sub_event_type == sub_event_type]
    assert events, f"no {sub_event_type} event in {[e.to_dict() for e in result.events]}"
    return events[0]


# -- the owner of a thing seized, defused, intercepted or destroyed -----------------------------------------


def test_intercepted_drone_belongs_to_the_army_of_its_nationality() -> None:
    ev = event_of(
        "Interception: On 28 April 2021, Ukrainian air defence forces shot down a Russian Orlan-10 drone "
        "over Kharkiv.",
        "2021-04-29",
        "Disrupted weapons use",
    )
    assert ev.actor2 is not None and ev.actor2.startswith("Military Forces of Russia")


def test_defused_devices_belong_to_the_group_that_planted_them() -> None:
    ev = event_of(
        "Defusal: On 9 February 2021, soldiers defused two IEDs planted by JNIM militants near Gao.",
        "2021-02-10",
        "Disrupted weapons use",
    )
    assert ev.actor2 == "JNIM: Group for Support of Islam and Muslims"


def test_seized_weapons_belong_to_the_group_named_as_owner() -> None:
    ev = event_of(
        "Weapons seizure: On 7 June 2021, Turkish gendarmerie forces seized weapons belonging to the PKK in "
        "Hakkari.",
        "2021-06-08",
        "Disrupted weapons use",
    )
    assert ev.actor2 == "PKK: Kurdistan Workers Party"


def test_destroyed_hideouts_are_the_group_s_even_when_its_acronym_is_read_as_a_verb() -> None:
    ev = event_of(
        "Property destruction: On 26 April 2021, the Popular Mobilization Forces discovered and destroyed "
        "3 IS hideouts near Tikrit.",
        "2021-04-27",
        "Looting/property destruction",
    )
    assert ev.actor2 == "Islamic State (Iraq)"


def test_property_belonging_to_a_people_stays_civilian() -> None:
    ev = event_of(
        "Property destruction: On 22 March 2021, settlers vandalized the tires of 20 vehicles belonging to "
        "Palestinians in Al Bireh.",
        "2021-03-23",
        "Looting/property destruction",
    )
    assert ev.actor2 is not None and ev.actor2.startswith("Civilians")


def test_a_military_building_set_on_fire_targets_the_military() -> None:
    ev = event_of(
        "Property destruction: On 3 June 2021, an unknown person set fire to the building of the military "
        "enlistment office in Omsk.",
        "2021-06-04",
        "Looting/property destruction",
    )
    assert ev.actor2 is not None and ev.actor2.startswith("Military Forces of Russia")


def test_drugs_seized_by_the_police_belong_to_an_unidentified_gang() -> None:
    ev = event_of(
        "Property destruction: On 4 May 2021, in Culiacan, Sinaloa, soldiers destroyed a plantation with "
        "4,000 poppy plants.",
        "2021-05-05",
        "Looting/property destruction",
    )
    assert ev.actor2 == "Unidentified Gang (Mexico)"


def test_drug_traffickers_in_brazil_are_a_plain_unidentified_gang() -> None:
    # not "Unidentified Gang and/or Police Militia", ACLED's name for unknown perpetrators there
    ev = event_of(
        "Property destruction: On 4 May 2021, in Campinas (Sao Paulo), civil police forces seized two tons "
        "of cocaine hidden inside a warehouse.",
        "2021-05-05",
        "Looting/property destruction",
    )
    assert ev.actor2 == "Unidentified Gang (Brazil)"


def test_shelled_positions_name_whose_positions_they_were() -> None:
    ev = event_of(
        "On 5 May 2021, Syrian government forces shelled IS positions in the desert near Palmyra, Homs.",
        "2021-05-06",
        "Shelling/artillery/missile attack",
    )
    assert ev.actor2 == "Islamic State (Syria)"


def test_a_strike_on_militants_named_by_an_acronym_read_as_a_verb() -> None:
    ev = event_of(
        "On 30 May 2021, artillery units of the Iraqi army shelled IS militants near Tuz Khurmatu, Kirkuk.",
        "2021-05-31",
        "Shelling/artillery/missile attack",
    )
    assert ev.actor2 == "Islamic State (Iraq)"


# -- brawls, migrants ----------------------------------------------------------------------------------------


def test_party_members_who_clashed_are_rioters_on_both_sides() -> None:
    ev = event_of(
        "On 5 May 2021, members of the Green Party clashed with members of the Blue Party in Lahore, "
        "injuring five people.",
        "2021-05-06",
        "Mob violence",
    )
    assert (ev.actor1, ev.actor2) == ("Rioters (Pakistan)", "Rioters (Pakistan)")


def test_a_total_of_migrants_are_international_civilians() -> None:
    ev = event_of(
        "On 5 May 2021, police forces detained a total of 28 migrants who entered Greece illegally in Evros.",
        "2021-05-06",
        "Arrests",
    )
    assert ev.actor2 == "Civilians (International)"


def test_migrants_from_a_country_are_its_civilians_when_the_origin_hangs_on_the_verb() -> None:
    ev = event_of(
        "On 5 May 2021, police officers arrested 68 illegal migrants from Ethiopia in Mwanza.",
        "2021-05-06",
        "Arrests",
    )
    assert ev.actor2 == "Civilians (Ethiopia)"


# -- names ---------------------------------------------------------------------------------------------------


def test_a_note_saying_what_a_target_is_coded_as_names_it() -> None:
    ev = event_of(
        "On 1 June 2021, Houthi forces shelled military targets (coded as National Resistance forces) in "
        "Hays, Al Hudaydah.",
        "2021-06-02",
        "Shelling/artillery/missile attack",
    )
    assert ev.actor2 == "National Resistance Forces"


def test_a_note_saying_what_an_attacker_is_coded_as_names_it() -> None:
    ev = event_of(
        "On 1 June 2021, anti-Houthi forces (coded as Saudi-led coalition) conducted 2 air raids in "
        "Qaatabah, Ad Dali, injuring 3 civilians.",
        "2021-06-02",
        "Air/drone strike",
    )
    assert ev.actor1 == "Operation Restoring Hope"


def test_peshmerga_are_a_branch_of_iraq_s_military() -> None:
    ev = event_of(
        "On 5 May 2021, Peshmerga forces clashed with IS militants near Makhmour.",
        "2021-05-06",
        "Armed clash",
    )
    assert ev.actor1 is not None
    assert ev.actor1.startswith("Military Forces of Iraq") and ev.actor1.endswith(" Peshmerga")


def test_a_blast_that_wounded_shepherds_hit_civilians() -> None:
    ev = event_of(
        "On 5 May 2021, a roadside bomb exploded near Spin Boldak, Kandahar. Two shepherds were injured.",
        "2021-05-06",
        "Remote explosive/landmine/IED",
    )
    assert ev.actor2 == "Civilians (Afghanistan)"


def test_shelling_that_wounded_people_hit_civilians() -> None:
    ev = event_of(
        "On 5 May 2021, Russian forces shelled a factory in Izium, Kharkiv. Six people were injured.",
        "2021-05-06",
        "Shelling/artillery/missile attack",
    )
    assert ev.actor2 == "Civilians (Ukraine)"


def test_a_branch_named_by_nested_modifiers_keeps_its_name() -> None:
    # "security" modifies "forces", which modifies "base": the branch is the whole run of modifiers
    ev = event_of(
        "On 8 April 2021, Al Shabaab militants attacked a Galmudug security forces base in Dhusamareb, "
        "Galgaduud.",
        "2021-04-09",
        "Armed clash",
    )
    assert ev.actor2 is not None and ev.actor2.endswith("Galmudug Security Force")


def test_a_regional_state_s_security_forces_are_a_branch_not_its_government() -> None:
    ev = event_of(
        "On 11 February 2021, Al Shabaab militants attacked a Jubaland security forces convoy near Kismayo, "
        "Lower Juba.",
        "2021-02-12",
        "Armed clash",
    )
    assert ev.actor2 is not None and ev.actor2.endswith("Jubaland Security Force")
