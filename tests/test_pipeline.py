"""End-to-end extraction on the project's own short articles: events, actors, places, relations.

Each test states a behaviour an analyst relies on, on sentences written for this project (not the seed).
The seed acceptance check runs last and skips when ../shared is absent.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from eventwire import extract_text
from eventwire.model import Event, Extraction
from eventwire.resolve.gazetteer import haversine_km

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def only_event(result: Extraction, event_type: str | None = None) -> Event:
    events = [e for e in result.events if event_type is None or e.event_type == event_type]
    assert events, f"no {event_type or ''} event in {[e.to_dict() for e in result.events]}"
    return events[0]


def check_evidence(result: Extraction, text_of: str) -> None:
    for ev in result.events:
        for name, span in ev.evidence.items():
            assert text_of[span.start : span.end] == span.text, name


def test_relative_place_offsets_from_anchor_and_names_the_village() -> None:
    text = (
        "Kurdish Peshmerga fighters recaptured the village of Tel Kharbat, about 20 kilometres east of "
        "Kirkuk, from Islamic State on Tuesday, a commander said."
    )
    result = extract_text(text, published="2017-03-09")
    ev = only_event(result, "Battles")
    assert ev.location == "Tel Kharbat"
    assert ev.geo_precision == 2
    kirkuk = (35.4681, 44.3922)
    # 20 km east of Kirkuk, within a few km
    assert abs(haversine_km(kirkuk[0], kirkuk[1], ev.latitude, ev.longitude) - 20) < 3
    assert ev.longitude > kirkuk[1]
    assert ev.event_date == "2017-03-07"  # the Tuesday before Thursday 9 March
    assert ev.country == "Iraq"
    check_evidence(result, result.document.text)


def test_airstrike_actor_from_nationality_and_fatalities() -> None:
    text = (
        "Russian airstrikes killed at least 12 civilians in the town of Maarat al-Numan in Idlib on Sunday."
    )
    result = extract_text(text, published="2019-07-23")
    ev = only_event(result)
    assert (ev.event_type, ev.sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    assert ev.actor1 and ev.actor1.startswith("Military Forces of Russia")
    assert ev.fatalities == 12
    assert ev.iso3 == "SYR"
    assert ev.evidence["fatalities"].text.startswith("killed at least 12")


def test_abduction_by_named_group_with_generic_victims() -> None:
    text = "Boko Haram fighters abducted 30 schoolgirls from a school in Borno state on Friday, police said."
    ev = only_event(extract_text(text, published="2024-03-11"))
    assert ev.sub_event_type == "Abduction/forced disappearance"
    assert ev.actor1 and "Boko Haram" in ev.actor1
    assert ev.actor2 == "Civilians (Nigeria)"
    assert ev.fatalities == 0  # abducted is not killed
    assert ev.event_date == "2024-03-08"


def test_protest_with_tear_gas_is_intervention() -> None:
    text = "Police fired tear gas to disperse hundreds of protesters in Nairobi on Tuesday."
    ev = only_event(extract_text(text, published="2024-06-26"), "Protests")
    assert ev.sub_event_type == "Protest with intervention"
    assert ev.actor1 == "Protesters (Kenya)"


def test_attack_on_soldiers_is_a_battle_and_on_villagers_violence_against_civilians() -> None:
    battle = only_event(
        extract_text(
            "Al-Shabaab militants attacked Somali soldiers in Afgoye on Monday.", published="2023-05-10"
        )
    )
    assert battle.event_type == "Battles"
    assert battle.actor2 and battle.actor2.startswith("Military Forces of Somalia")
    vac = only_event(
        extract_text(
            "Gunmen attacked villagers in Zamfara state on Monday, killing five.", published="2023-05-10"
        )
    )
    assert vac.event_type == "Violence against civilians"
    assert vac.actor1 == "Unidentified Armed Group (Nigeria)"
    assert vac.fatalities == 5


def test_age_is_not_a_count_and_injuries_are_not_fatalities() -> None:
    text = (
        "A roadside bomb wounded 14 people near Kandahar on Wednesday. "
        "Ahmad Wali, 26, a shopkeeper, was among the injured."
    )
    ev = only_event(extract_text(text, published="2021-04-08"))
    assert ev.sub_event_type == "Remote explosive/landmine/IED"
    assert ev.fatalities == 0


def test_unknown_year_is_reported_not_guessed() -> None:
    result = extract_text(
        "Militants attacked an army checkpoint in Arish on Saturday, killing three soldiers."
    )
    assert result.events
    assert all(e.event_date is None for e in result.events)
    assert any("year" in w for w in result.to_dict()["warnings"])


def test_acronym_definition_and_alias_statement_become_alias_relations() -> None:
    text = (
        "The Allied Democratic Forces (ADF) killed 11 villagers near Beni on Sunday. "
        "The ADF, also known as Madina at Tauheed Wau Mujahedeen, has pledged allegiance to Islamic State."
    )
    result = extract_text(text, published="2023-01-17")
    aliases = {(r.subject, r.object) for r in result.relations if r.relation == "alias"}
    assert ("Allied Democratic Forces", "ADF") in aliases
    assert any(obj.startswith("Madina at Tauheed") for _, obj in aliases)


def test_relations_from_apposition_and_verbs() -> None:
    text = (
        "Abu Bakr Shekau, the leader of Boko Haram, was seen in a video. "
        "Musa Dogo, 31, a Civilian Joint Task Force member affiliated with the Nigerian Army, said the "
        "group reports directly to the governor, Babagana Zulum."
    )
    result = extract_text(text, published="2020-05-02")
    rels = {(r.subject, r.relation, r.object) for r in result.relations}
    assert any(s == "Abu Bakr Shekau" and r == "leads" and "Boko Haram" in o for s, r, o in rels)


def test_no_relation_where_none_is_stated() -> None:
    text = "Heavy rain fell on Kampala on Monday and traffic was slow across the city."
    result = extract_text(text, published="2022-10-03")
    assert result.relations == []
    assert result.events == []


def test_same_event_told_twice_in_one_article_is_one_event() -> None:
    text = (
        "Iraqi forces retook the town of Rutba from Islamic State on Tuesday. "
        "The army said the battle to retake Rutba on Tuesday lasted six hours."
    )
    result = extract_text(text, published="2016-05-19")
    battles = [e for e in result.events if e.event_type == "Battles"]
    assert len(battles) == 1
    assert battles[0].sub_event_type == "Government regains territory"
    assert battles[0].actor2 == "Islamic State (Iraq)"  # ACLED names it by the country


def test_dateline_date_and_agency_are_not_event_fields() -> None:
    text = (
        "MOGADISHU, March 13 (Reuters) - A suicide bomber blew himself up at a restaurant in Mogadishu "
        "on Monday, killing six people, police said."
    )
    result = extract_text(text, published="2024-03-13")
    ev = only_event(result)
    assert ev.sub_event_type == "Suicide bomb"
    assert ev.event_date == "2024-03-11"
    assert "Reuters" not in {a.name for a in result.actors}


@pytest.mark.shared
@pytest.mark.parametrize("name, published", [("article.txt", "2016-10-31"), ("article.html", None)])
def test_seed_passes_every_must_fact(tmp_path: Path, name: str, published: str | None) -> None:
    seed = SHARED / "seed" / name
    checker = SHARED / "tools" / "seedcheck.py"
    if not seed.exists() or not checker.exists():
        pytest.skip("../shared is not present")
    from eventwire.pipeline import extract_file

    result = extract_file(seed, published=dt.date.fromisoformat(published) if published else None)
    out = tmp_path / "out.json"
    out.write_text(json.dumps(result.to_dict()), encoding="utf-8")
    run = subprocess.run([sys.executable, str(checker), str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
    assert "seed: 17/17 must facts" in run.stdout


def test_soldiers_of_no_known_country_do_not_crash_the_pipeline() -> None:
    # regression: state forces with no country used to raise ValueError from the dictionary
    ev = only_event(extract_text("Soldiers shot dead two farmers on Monday.", published="2022-05-03"))
    assert ev.actor1 == "Unidentified Military Forces"
    assert ev.event_type == "Violence against civilians"


def test_party_protest_codes_protesters_with_the_party_associated() -> None:
    text = "Supporters of the Awami League held a protest in Sylhet on Tuesday against rising fuel prices."
    ev = only_event(extract_text(text, published="2022-08-10"), "Protests")
    assert ev.actor1 == "Protesters (Bangladesh)"
    assert ev.assoc_actor_1 and "Awami League" in ev.assoc_actor_1
    assert ev.sub_event_type == "Peaceful protest"


def test_gathering_to_demand_is_a_protest() -> None:
    text = "On 3 March 2022, nurses gathered outside the regional hospital in Cusco to demand unpaid wages."
    ev = only_event(extract_text(text, published="2022-03-03"))
    assert (ev.event_type, ev.sub_event_type) == ("Protests", "Peaceful protest")
    assert ev.actor1 == "Protesters (Peru)"


def test_water_cannon_means_intervention_by_police() -> None:
    text = "Police used water cannon against hundreds of students protesting in Valparaiso on Thursday."
    ev = only_event(extract_text(text, published="2022-06-10"), "Protests")
    assert ev.sub_event_type == "Protest with intervention"
    assert ev.actor2 and ev.actor2.startswith("Police Forces of Chile")


def test_passive_killing_with_no_perpetrator_is_an_unidentified_armed_group() -> None:
    text = "On 4 June 2022, a shopkeeper was shot and killed in Kananga, Kasai-Central."
    ev = only_event(extract_text(text, published="2022-06-04"))
    assert (ev.event_type, ev.sub_event_type) == ("Violence against civilians", "Attack")
    assert ev.actor1 == "Unidentified Armed Group (Democratic Republic of Congo)"
    assert ev.actor2 == "Civilians (Democratic Republic of Congo)"
    assert ev.fatalities == 1


def test_armed_individuals_are_unidentified_armed_group() -> None:
    text = "On 9 May 2022, two armed individuals abducted a trader near Kaduna, Nigeria."
    ev = only_event(extract_text(text, published="2022-05-09"))
    assert ev.sub_event_type == "Abduction/forced disappearance"
    assert ev.actor1 == "Unidentified Armed Group (Nigeria)"


def test_riot_is_mob_violence_unless_a_demonstration_is_said() -> None:
    mob = only_event(
        extract_text("Rioters torched shops in Kumasi on Sunday after a dispute.", published="2022-05-16")
    )
    assert (mob.event_type, mob.sub_event_type) == ("Riots", "Mob violence")
    demo = only_event(
        extract_text(
            "A demonstration against a new tax turned into a riot in Kumasi on Sunday.",
            published="2022-05-16",
        )
    )
    assert (demo.event_type, demo.sub_event_type) == ("Riots", "Violent demonstration")


def test_category_label_at_the_start_gives_the_event_type() -> None:
    text = "Displacement: On 2 April 2022, about 300 families fled Ouahigouya after threats by militants."
    ev = only_event(extract_text(text, published="2022-04-02"))
    assert (ev.event_type, ev.sub_event_type) == ("Strategic developments", "Other")


def test_shelling_that_hurts_civilians_has_civilians_as_second_actor() -> None:
    text = "On 3 May 2022, Russian forces shelled residential areas of Mykolaiv, killing two children."
    ev = only_event(extract_text(text, published="2022-05-03"))
    assert ev.sub_event_type == "Shelling/artillery/missile attack"
    assert ev.actor1 and ev.actor1.startswith("Military Forces of Russia")
    assert ev.actor2 == "Civilians (Ukraine)"
    assert ev.fatalities == 2


def test_weapons_fired_at_positions_name_the_target() -> None:
    text = "On 9 June 2022, government forces fired mortars at Houthi positions in Hays, Al Hudaydah."
    ev = only_event(extract_text(text, published="2022-06-09"))
    assert ev.actor2 and "Yemen" in ev.actor2  # ACLED codes the Houthi forces as Yemen's military


def test_criminal_violence_is_an_unidentified_gang() -> None:
    text = "On 2 July 2022, suspected drug traffickers shot and killed a taxi driver in Rosario, Argentina."
    ev = only_event(extract_text(text, published="2022-07-02"))
    assert ev.actor1 == "Unidentified Gang (Argentina)"
    assert ev.event_type == "Violence against civilians"


def test_group_of_locals_beating_a_thief_is_mob_violence() -> None:
    text = "On 5 April 2022, a group of residents beat a suspected thief to death in Mbale, Uganda."
    ev = only_event(extract_text(text, published="2022-04-05"))
    assert (ev.event_type, ev.sub_event_type) == ("Riots", "Mob violence")
    assert ev.actor1 == "Rioters (Uganda)"


def test_taliban_in_power_are_coded_as_afghanistans_military() -> None:
    text = "On 11 May 2022, Taliban fighters clashed with NRF fighters in Panjshir province."
    ev = only_event(extract_text(text, published="2022-05-11"))
    assert ev.actor1 and ev.actor1.startswith("Military Forces of Afghanistan")


def test_bomb_planted_by_a_named_actor_and_an_unclaimed_one() -> None:
    named = only_event(
        extract_text(
            "On 2 June 2022, a landmine planted by the Myanmar military exploded near Hpasawng.",
            published="2022-06-02",
        )
    )
    assert named.actor1 and named.actor1.startswith("Military Forces of Myanmar")
    unclaimed = only_event(
        extract_text(
            "On 2 June 2022, a roadside bomb exploded near a market in Jalalabad.", published="2022-06-02"
        )
    )
    assert unclaimed.sub_event_type == "Remote explosive/landmine/IED"
    assert unclaimed.actor1 == "Unidentified Armed Group (Afghanistan)"


def test_an_arrest_the_protesters_denounce_is_no_intervention() -> None:
    grievance = "On 4 May 2022, teachers protested in Hamadan over the arrest of union activists."
    ev = only_event(extract_text(grievance, published="2022-05-04"))
    assert ev.sub_event_type == "Peaceful protest"
    stepped_in = "On 4 May 2022, teachers protested in Hamadan. Police detained four of them."
    ev = only_event(extract_text(stepped_in, published="2022-05-04"), "Protests")
    assert ev.sub_event_type == "Protest with intervention"


def test_a_weekday_that_contradicts_its_date_is_reported_even_outside_events() -> None:
    # 3 March 2024 was a Sunday, 4 March a Monday; the convoy sentence has no event of its own
    text = (
        "Convoys drove north on Sunday, March {day}. Later, gunmen attacked a checkpoint near Gao on Friday."
    )
    right = extract_text(text.format(day=3), published="2024-03-05")
    wrong = extract_text(text.format(day=4), published="2024-03-05")
    assert not any("weekday" in w for w in right.to_dict()["warnings"])
    assert any("weekday" in w for w in wrong.to_dict()["warnings"])


def test_a_fight_told_from_both_sides_with_a_later_toll_is_one_event() -> None:
    text = (
        "Malian soldiers fought off an attack by JNIM militants on an army camp near Douentza on Tuesday. "
        "The militants opened fire on the army camp from three sides. "
        "At least 12 militants and two soldiers were killed, the army said. "
        "The town saw deadly clashes a year ago in which six people were killed."
    )
    battles = [e for e in extract_text(text, published="2024-03-14").events if e.event_type == "Battles"]
    assert len(battles) == 1
    assert battles[0].fatalities == 14


def test_a_gathering_with_banners_is_a_protest_but_banners_on_trucks_are_not() -> None:
    protest = "On 9 May 2022, nurses held a press conference with banners in front of the city hall in Busan."
    ev = only_event(extract_text(protest, published="2022-05-09"))
    assert (ev.event_type, ev.actor1) == ("Protests", "Protesters (South Korea)")
    convoy = "Trucks drove north to Mosul on Sunday, flying the banners of the militias."
    assert extract_text(convoy, published="2016-10-31").events == []


def test_counter_protesters_are_the_second_actor_of_a_peaceful_protest() -> None:
    text = (
        "On 3 March 2024, about 200 people demonstrated in Dresden against new fuel taxes. "
        "Around 30 people gathered for a counter-demonstration."
    )
    ev = only_event(extract_text(text, published="2024-03-04"), "Protests")
    assert ev.actor1 == "Protesters (Germany)" and ev.actor2 == "Protesters (Germany)"
    text = "On 3 March 2024, about 200 people demonstrated in Dresden against new fuel taxes."
    assert only_event(extract_text(text, published="2024-03-04"), "Protests").actor2 is None


def test_people_arrested_are_civilians_unless_named() -> None:
    text = "On 5 April 2024, police arrested three shopkeepers in Kano over unpaid levies."
    ev = only_event(extract_text(text, published="2024-04-06"), "Strategic developments")
    assert ev.sub_event_type == "Arrests"
    assert ev.actor2 == "Civilians (Nigeria)"


def test_a_drive_by_shooting_by_unknown_men_is_a_gangs() -> None:
    text = "On 9 May 2024, in Culiacan, Sinaloa, a man was shot dead in a drive-by shooting by two armed men."
    ev = only_event(extract_text(text, published="2024-05-10"))
    assert ev.actor1 == "Unidentified Gang (Mexico)"


def test_a_battle_that_names_one_side_of_a_plain_war_gets_the_other() -> None:
    text = "On 18 April 2022, Russian forces engaged in a battle near Dmytrivka, Kharkiv. Casualties unknown."
    ev = only_event(extract_text(text, published="2022-04-19"), "Battles")
    assert ev.actor1.startswith("Military Forces of Russia")
    assert ev.actor2 is not None and ev.actor2.startswith("Military Forces of Ukraine")


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [
        ("On 3 May 2024, settlers hurled stones at passing cars near Huwara.", "Mob violence"),
        (
            "On 3 May 2024, about 300 teachers formed a human chain in Dhaka to demand higher pay.",
            "Peaceful protest",
        ),
        (
            "On 3 May 2024, transport workers staged a protest caravan in San Sebastian over fuel prices.",
            "Peaceful protest",
        ),
    ],
)
def test_protest_and_riot_wordings(text: str, sub_event_type: str) -> None:
    assert only_event(extract_text(text, published="2024-05-04")).sub_event_type == sub_event_type


# ---------------------------------------------------------------------------------------------- event recall


def test_a_subject_the_parse_left_behind_a_long_opening_still_acts() -> None:
    result = extract_text(
        "On 13 May 2022, in Monterrey, Nuevo Leon, an unknown number of armed individuals fired shots at a "
        "bar in the city centre. Two waiters were injured.",
        published="2022-05-14",
    )
    ev = only_event(result)
    assert ev.actor1 is not None and ev.actor1.startswith("Unidentified")
    assert ev.country == "Mexico"


def test_there_was_a_clash_between_two_sides() -> None:
    result = extract_text(
        "On 2 May 2022, in Ciudad Victoria, Tamaulipas, there was an armed clash and a pursuit between "
        "police officers and an unknown number of gunmen.",
        published="2022-05-03",
    )
    ev = only_event(result, "Battles")
    assert ev.actor1 is not None and ev.actor2 is not None


def test_unnamed_tribesmen_are_a_tribal_militia() -> None:
    result = extract_text(
        "On 8 May 2022, tribesmen clashed in Marib over a land dispute. Two men were killed.",
        published="2022-05-09",
    )
    ev = only_event(result, "Battles")
    assert ev.actor1 == "Unidentified Tribal Militia (Yemen)"
    assert ev.fatalities == 2


def test_a_militia_named_by_no_one_before_is_an_unidentified_armed_group() -> None:
    result = extract_text(
        "On 9 May 2022, an Islamist militia ambushed a truck carrying traders near Mocimboa da Praia.",
        published="2022-05-10",
    )
    ev = only_event(result)
    assert ev.actor1 == "Unidentified Armed Group (Mozambique)"


# ---------------------------------------------------------------------------------------------- actor order


def test_who_was_repelled_attacked_first() -> None:
    result = extract_text(
        "On 3 May 2022, Russian forces launched an assault near Izium, Kharkiv, but were repulsed by "
        "Ukrainian forces.",
        published="2022-05-04",
    )
    ev = only_event(result, "Battles")
    assert ev.actor1 is not None and ev.actor1.startswith("Military Forces of Russia")
    assert ev.actor2 is not None and ev.actor2.startswith("Military Forces of Ukraine")


def test_the_attack_of_a_group_that_was_repelled_makes_that_group_the_attacker() -> None:
    result = extract_text(
        "On 3 May 2022, Ukrainian forces repelled the attack of Russian forces near Sumy.",
        published="2022-05-04",
    )
    ev = only_event(result, "Battles")
    assert ev.actor1 is not None and ev.actor1.startswith("Military Forces of Russia")


def test_rioters_who_clashed_with_troops_face_those_troops() -> None:
    result = extract_text(
        "On 3 May 2022, Palestinian rioters clashed with Israeli military forces at the entrance of Beita "
        "village near Nablus.",
        published="2022-05-04",
    )
    ev = only_event(result, "Riots")
    assert ev.actor2 is not None and ev.actor2.startswith("Military Forces of Israel")


def test_a_violent_demonstration_with_police_named_has_the_police_as_second_actor() -> None:
    result = extract_text(
        "On 3 May 2022, students burned tyres and threw stones in Nakuru during a demonstration over fees. "
        "There were clashes with police.",
        published="2022-05-04",
    )
    ev = only_event(result, "Riots")
    assert ev.actor2 is not None and ev.actor2.startswith("Police Forces of Kenya")


def test_a_transnational_group_takes_acleds_name_for_the_events_country() -> None:
    result = extract_text(
        "On 3 May 2022, Islamic State militants attacked an army checkpoint near Tikrit, killing two "
        "soldiers.",
        published="2022-05-04",
    )
    ev = only_event(result)
    assert ev.actor1 == "Islamic State (Iraq)"


def test_students_occupying_their_school_protest_but_rebels_occupying_one_do_not() -> None:
    protest = only_event(
        extract_text("On 3 May 2022, students occupied their school in Turin to denounce the reform.",
                     published="2022-05-04"),
        "Protests",
    )  # fmt: skip
    assert protest.actor1 == "Protesters (Italy)"
    armed = extract_text(
        "On 3 May 2022, Taliban fighters occupied a school in Kunduz city.", published="2022-05-04"
    )
    assert all(e.event_type != "Protests" for e in armed.events)


def test_party_members_who_clash_are_rioters() -> None:
    ev = only_event(
        extract_text(
            "On 3 May 2022, members of two rival political parties clashed in Cuttack over a polling booth.",
            published="2022-05-04",
        )
    )
    assert (ev.event_type, ev.sub_event_type) == ("Riots", "Mob violence")
    assert ev.actor1 == "Rioters (India)"


def test_those_who_engaged_in_a_shootout_fought_it() -> None:
    result = extract_text(
        "On 4 May 2022, in Guaruja (Sao Paulo), three armed men tried to rob a bank. They engaged in a "
        "shoot-out with military police officers but escaped.",
        published="2022-05-05",
    )
    ev = only_event(result, "Battles")
    assert ev.actor1 is not None and ev.actor2 is not None and "Police" in ev.actor2


def test_an_ambushed_bus_stands_for_its_passengers_but_an_army_truck_for_the_army() -> None:
    bus = only_event(
        extract_text(
            "On 5 May 2022, al-Shabaab militants ambushed a bus near Mandera town.", published="2022-05-06"
        )
    )
    assert bus.actor2 == "Civilians (Kenya)"
    truck = only_event(
        extract_text(
            "On 5 May 2022, al-Shabaab militants ambushed an army truck near Mandera town.",
            published="2022-05-06",
        )
    )
    assert truck.actor2 is not None and truck.actor2.startswith("Military Forces of Kenya")


def test_a_branch_of_a_states_forces_is_named_as_acled_names_it() -> None:
    ev = only_event(
        extract_text(
            "On 26 May 2022, the Russian air force bombed Balakliia, Kharkiv.", published="2022-05-27"
        )
    )
    assert ev.actor1 == "Military Forces of Russia (2000-) Air Force"
    assert ev.sub_event_type == "Air/drone strike"


def test_two_crowds_fighting_each_other_are_rioters_on_both_sides() -> None:
    ev = only_event(
        extract_text(
            "On 9 May 2022, a verbal altercation between two families turned violent in Gardez, Paktia, "
            "over a land dispute. Four people were wounded.",
            published="2022-05-10",
        ),
        "Riots",
    )
    assert ev.actor1 == "Rioters (Afghanistan)" and ev.actor2 == "Rioters (Afghanistan)"


def test_a_word_of_hurting_is_the_event_only_when_nothing_else_is() -> None:
    sniper = extract_text(
        "On 3 May 2022, a Houthi sniper injured a farmer in Taiz city.", published="2022-05-04"
    )
    ev = only_event(sniper, "Violence against civilians")
    assert ev.actor1 is not None and "Yemen" in ev.actor1 and ev.actor2 == "Civilians (Yemen)"
    blast = extract_text(
        "On 3 May 2022, several people were injured in a bomb explosion near the market in Quetta.",
        published="2022-05-04",
    )
    assert [e.event_type for e in blast.events] == ["Explosions/Remote violence"]


def test_the_victim_of_a_shooting_parsed_as_a_verb_and_an_employee_are_civilians() -> None:
    for text in (
        "On 9 May 2022, in Manaus (Amazonas), a man was injured in a drive-by shooting in the "
        "Compensa neighborhood by an armed individual in a car.",
        "On 9 May 2022, in Manaus (Amazonas), a municipal civil servant was shot and injured by gunmen.",
    ):
        ev = only_event(extract_text(text, published="2022-05-10"))
        assert ev.actor2 == "Civilians (Brazil)", text


def test_who_died_in_a_clash_took_part_in_it() -> None:
    result = extract_text(
        "On 15 March 2022, a member of the Kachin Independence Army died in a clash with the Myanmar "
        "military near Hpakant.",
        published="2022-03-16",
    )
    ev = only_event(result, "Battles")
    assert {ev.actor1, ev.actor2} >= {"KIA: Kachin Independence Army"} and "Myanmar" in (ev.actor2 or "")


def test_what_is_done_to_demand_something_is_a_protest() -> None:
    for text, country in (
        ("On 2 June 2022, in Tepic, Nayarit, parents took over the primary school to demand new teachers.",
         "Mexico"),
        ("On 22 March 2022, dozens of farmers drove their tractors slowly through Lleida, demanding lower "
         "diesel prices.", "Spain"),
    ):  # fmt: skip
        ev = only_event(extract_text(text, published="2022-06-03"))
        assert (ev.event_type, ev.sub_event_type, ev.actor1) == (
            "Protests",
            "Peaceful protest",
            f"Protesters ({country})",
        ), text
    # armed men who demand are no demonstrators; a demand inside a noun phrase is nobody's act
    for text in (
        "On 2 June 2022, gunmen stormed a shop in Tepic, Nayarit, demanding money from its owner.",
        "On 2 June 2022, the mayor of Tepic received a letter demanding his resignation.",
    ):
        assert not [
            e for e in extract_text(text, published="2022-06-03").events if e.event_type == "Protests"
        ]


def test_an_old_date_in_a_clause_about_someone_else_is_no_background() -> None:
    today = extract_text(
        "On 2 January 2022, relatives of a student who went missing two years ago staged a sit-in outside "
        "the courthouse in Tunceli.",
        published="2022-01-03",
    )
    assert only_event(today).event_type == "Protests"
    background = extract_text(
        "On 2 January 2022, the army has besieged the villages around Tunceli since 2019.",
        published="2022-01-03",
    )
    assert background.events == []


def test_who_staged_a_protest_is_its_actor() -> None:
    ev = only_event(
        extract_text(
            "On 22 January 2022, members of the DMK staged a protest in Thanjavur, Tamil Nadu.",
            published="2022-01-23",
        )
    )
    assert ev.actor1 == "Protesters (India)" and "DMK" in (ev.assoc_actor_1 or "")


def test_migrants_are_civilians_of_their_own_nationality_or_international() -> None:
    def victims(text: str) -> str | None:
        return only_event(extract_text(text, published="2022-05-03")).actor2

    assert victims("On 2 May 2022, gunmen abducted 12 migrants near Reynosa, Tamaulipas.") == (
        "Civilians (International)"
    )
    assert victims("On 2 May 2022, gunmen abducted 12 Haitian migrants near Reynosa, Tamaulipas.") == (
        "Civilians (Haiti)"
    )
    assert victims(
        "On 2 May 2022, gunmen abducted 12 migrants from Cuba, Haiti and Honduras near Reynosa, Tamaulipas."
    ) == ("Civilians (International)")
    assert victims("On 2 May 2022, a mob beat a Venezuelan citizen in Cucuta, Norte de Santander.") == (
        "Civilians (Venezuela)"
    )


def test_fishing_boats_fired_on_stand_for_their_crews() -> None:
    ev = only_event(
        extract_text(
            "On 28 June 2022, Israeli gunboats opened fire on Palestinian fishing boats off Gaza City.",
            published="2022-06-29",
        )
    )
    assert (ev.event_type, ev.actor2) == ("Violence against civilians", "Civilians (Palestine)")


def test_a_placed_clash_without_named_sides_is_coded_with_unidentified_groups() -> None:
    result = extract_text(
        "Clashes continued in the countryside of Homs on Tuesday.", published=dt.date(2021, 5, 6)
    )
    ev = only_event(result, "Battles")
    assert ev.actor1 == "Unidentified Armed Group (Syria)" and ev.location == "Homs"
    # a clash in a subordinate clause, or one the text does not place, stays background
    later = "The army suffered losses as clashes continued in the countryside of Homs."
    assert all(e.actor1 != "Unidentified Armed Group (Syria)" for e in extract_text(later).events)
    assert not extract_text("Clashes continued on Tuesday.", published=dt.date(2021, 5, 6)).events


def test_sides_of_a_clash_hung_on_its_place_and_a_bare_target() -> None:
    clash = only_event(
        extract_text(
            "Clashes broke out in the village of Kafr Zita between government troops and Hurras al-Din.",
            published=dt.date(2021, 5, 6),
        ),
        "Battles",
    )
    assert clash.actor1 == "Military Forces of Syria (2000-2024)" and clash.actor2 is not None
    assert "Hurras" in clash.actor2
    # "target" is the event only where nothing else is: an attack by whoever targeted
    day = dt.date(2021, 5, 6)
    target = only_event(
        extract_text("Government troops targeted rebel positions near Idlib on Monday.", published=day)
    )
    assert target.actor1 == "Military Forces of Syria (2000-2024)" and target.location == "Idlib"
    assert target.event_type == "Battles"  # rebel positions are armed men's
    shelled = extract_text(
        "Government troops shelled and targeted rebel positions near Idlib.", published=day
    )
    assert [e.sub_event_type for e in shelled.events] == ["Shelling/artillery/missile attack"]


def test_a_struck_town_the_ner_calls_an_organisation_is_a_place_not_an_actor() -> None:
    day = dt.date(2021, 5, 6)
    shelled = only_event(
        extract_text("Government forces shelled Kafr Nabl on Tuesday, killing a woman.", published=day)
    )
    assert shelled.location == "Kafr Nabl" and shelled.country == "Syria"
    assert shelled.actor2 == "Civilians (Syria)"
    on = only_event(extract_text("Heavy shelling on Darayya killed two children on Tuesday.", published=day))
    assert on.location == "Darayya" and on.actor1 != "Darayya"
    # a capitalised common noun opening a headline names nobody
    jets = only_event(extract_text("Warplanes bomb Kafr Nabl in the countryside of Idlib.", published=day))
    assert jets.actor1 == "Military Forces of Syria (2000-2024)"


def test_aircraft_strikes_name_whose_aircraft_and_where() -> None:
    day = dt.date(2021, 5, 6)
    barrels = only_event(
        extract_text("Regime helicopters dropped ten barrel bombs on Darayya.", published=day)
    )
    assert barrels.sub_event_type == "Air/drone strike" and barrels.location == "Darayya"
    assert barrels.actor1 == "Military Forces of Syria (2000-2024)" and barrels.actor2 is None
    jets = only_event(extract_text("Government warplanes bombed Kafr Nabl on Tuesday.", published=day))
    assert jets.actor1 == "Military Forces of Syria (2000-2024)" and jets.location == "Kafr Nabl"
    russian = only_event(extract_text("Russian warplanes struck Kafr Nabl on Tuesday.", published=day))
    assert russian.actor1 == "Military Forces of Russia (2000-)" and russian.actor2 is None
    assert russian.location == "Kafr Nabl" and russian.country == "Syria"


def test_acled_country_conventions_and_shared_province_names() -> None:
    day = dt.date(2022, 5, 6)
    # ACLED codes Hong Kong as a region of China
    hk = only_event(
        extract_text(
            "On 6 May 2022, 40 workers protested outside an office in Hung Hom, Hong Kong.", published=day
        )
    )
    assert (hk.country, hk.iso3, hk.admin1, hk.actor1) == ("China", "CHN", "Hong Kong", "Protesters (China)")
    # "Western" names provinces in a dozen countries: a district so named abroad does not outvote them
    western = only_event(
        extract_text("On 6 May 2022, people staged a protest in Kotahena (Kotahena, Western).", published=day)
    )
    assert western.country == "Sri Lanka"
    # the OSCE's Special Monitoring Mission worked in Ukraine only
    osce = only_event(
        extract_text("On 6 February 2022, the OSCE SMM observed 8 explosions near Zzyzxivka.", published=day)
    )
    assert osce.country == "Ukraine"


def test_a_unit_word_only_one_country_uses_names_that_country() -> None:
    day = dt.date(2022, 5, 6)
    lga = only_event(
        extract_text(
            "On 4 May 2022, gunmen killed two farmers in Zzyzx village, Mariga LGA (Niger).", published=day
        )
    )
    assert lga.country == "Nigeria"
    assert lga.admin1 is not None and "Niger" in lga.admin1  # Nigeria's Niger State, not the country


def test_unknown_attackers_of_unknown_members_and_is_read_as_a_verb() -> None:
    day = dt.date(2022, 6, 20)
    attack = only_event(
        extract_text("On 14 June 2022, vandals attacked members of ZEPHYRA in Kalamata.", published=day)
    )
    assert (attack.actor1, attack.actor2) == ("Unidentified Armed Group (Greece)", "Civilians (Greece)")
    # the small model parses "IS militants attacked" as a passive "is ... attacked"
    battle = only_event(
        extract_text("On 21 April 2022, IS militants attacked Iraqi soldiers in Kirkuk.", published=day)
    )
    assert battle.actor1 == "Islamic State (Iraq)" and battle.actor2 is not None
    assert battle.actor2.startswith("Military Forces of Iraq")


def test_elements_of_a_force_are_its_members() -> None:
    day = dt.date(2022, 2, 10)
    text = "On 9 February 2022, in Juchitan, Oaxaca, elements of the National Guard detained 40 migrants."
    arrest = only_event(extract_text(text, published=day))
    assert arrest.sub_event_type == "Arrests" and arrest.actor1 is not None
    assert arrest.actor1.startswith("Police Forces of Mexico") and arrest.country == "Mexico"


# -- notes that made no event: gunfire counted by observers, migrants held, crowds in a clash -------------


def test_gunfire_counted_by_observers_is_a_placed_clash() -> None:
    day = dt.date(2021, 2, 8)
    for text in (
        "On 4 February 2021, monitors recorded a total of 23 shots near Avdiivka.",
        "On 6 February 2021, monitors recorded a total of 40 bursts of fire involving heavy machine guns "
        "near Marinka.",
    ):
        clash = only_event(extract_text(text, published=day))
        assert (clash.event_type, clash.sub_event_type) == ("Battles", "Armed clash"), text
        assert clash.country == "Ukraine"


def test_migrants_rescued_or_held_by_police_are_arrests() -> None:
    day = dt.date(2021, 3, 5)
    rescued = only_event(
        extract_text(
            "On 2 March 2021, in Tapachula, Chiapas, federal police officers rescued 41 migrants from "
            "Honduras hidden in a truck.",
            published=day,
        )
    )
    assert rescued.sub_event_type == "Arrests" and rescued.country == "Mexico"
    assert rescued.actor2 == "Civilians (Honduras)"  # the counted migrants are who was held
    held = only_event(
        extract_text(
            "On 3 March 2021, in Acayucan, Veracruz, police officers held 27 migrants travelling on a bus.",
            published=day,
        )
    )
    assert held.sub_event_type == "Arrests" and held.actor2 == "Civilians (International)"


def test_the_second_of_two_passive_verbs_shares_their_subject_and_a_stray_by_agent() -> None:
    text = (
        "On 5 March 2021, 36 migrants trying to reach Italy were intercepted and detained off the coast "
        "of Sfax, Sfax by the Tunisian coast guard."
    )
    arrest = only_event(extract_text(text, published=dt.date(2021, 3, 6)))
    assert arrest.sub_event_type == "Arrests" and arrest.country == "Tunisia"
    assert arrest.actor1 is not None and arrest.actor1.startswith("Military Forces of Tunisia")


def test_a_subject_the_parse_coordinated_with_the_opening_place_is_the_actor() -> None:
    text = (
        "On 9 March 2021, in Puebla, Puebla, the state police and agents of the migration institute "
        "detained 52 migrants."
    )
    arrest = only_event(extract_text(text, published=dt.date(2021, 3, 10)))
    assert arrest.actor1 is not None and arrest.actor1.startswith("Police Forces of Mexico")
    assert arrest.country == "Mexico"


def test_a_clash_between_two_groups_nobody_calls_armed_is_mob_violence() -> None:
    day = dt.date(2021, 4, 5)
    brawl = only_event(
        extract_text(
            "On 4 April 2021, at least 9 people were injured in a clash between two groups over a pond in "
            "Matlab upazila (Chandpur).",
            published=day,
        )
    )
    assert (brawl.sub_event_type, brawl.actor1, brawl.actor2) == (
        "Mob violence",
        "Rioters (Bangladesh)",
        "Rioters (Bangladesh)",
    )
    # groups described as criminal are armed: still a battle
    clash = only_event(
        extract_text(
            "On 4 April 2021, in Culiacan, Sinaloa, an armed clash between rival criminal groups was "
            "reported near the airport.",
            published=day,
        )
    )
    assert clash.event_type == "Battles"


def test_two_passive_verbs_of_one_attack_share_the_by_agent() -> None:
    day = dt.date(2021, 4, 6)
    shot = only_event(
        extract_text(
            "On 5 April 2021, in Kandahar city, a shopkeeper was shot and wounded by Taliban members.",
            published=day,
        )
    )
    assert shot.actor1 is not None and shot.actor1.startswith("Military Forces of Afghanistan")
    # an arrest and a killing are two kinds of event: the killer is not made the arrester
    killed = only_event(
        extract_text(
            "On 8 April 2021, near Hpakant, Kachin, two farmers were arrested and killed by soldiers.",
            published=day,
        )
    )
    assert killed.event_type == "Violence against civilians" and killed.sub_event_type == "Attack"


def test_a_trafficker_who_was_hit_is_of_the_plain_unidentified_gang() -> None:
    # in Brazil ACLED calls unknown perpetrators "Unidentified Gang and/or Police Militia" and the gang of a
    # trafficker they hit "Unidentified Gang (Brazil)": two sides, so a clash
    ev = only_event(
        extract_text(
            "On 5 April 2021, in Recife (Pernambuco), a drug trafficker was shot and killed by two armed "
            "men in the Ibura neighborhood.",
            published=dt.date(2021, 4, 6),
        )
    )
    assert (ev.event_type, ev.actor1, ev.actor2) == (
        "Battles",
        "Unidentified Gang and/or Police Militia",
        "Unidentified Gang (Brazil)",
    )
    # traffickers who attack keep the name of unknown perpetrators
    attack = only_event(
        extract_text(
            "On 14 January 2021, in Sao Goncalo (Rio de Janeiro), drug traffickers attacked military police "
            "officers who were removing barricades.",
            published=dt.date(2021, 1, 15),
        ),
        "Battles",
    )
    assert attack.actor1 == "Unidentified Gang and/or Police Militia"


def test_blowing_up_a_safe_is_an_explosion() -> None:
    ev = only_event(
        extract_text(
            "On 9 April 2021, in Campinas (Sao Paulo), armed men blew up the safe of a bank branch.",
            published=dt.date(2021, 4, 10),
        )
    )
    assert (ev.event_type, ev.sub_event_type) == (
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    )
    assert ev.country == "Brazil"


def test_fighting_read_as_a_verb_still_takes_its_sides_from_between() -> None:
    # the small model tags "fighting" here as a verb, the subject of "took place"
    text = (
        "On 12 March 2022, fighting took place between Russian forces and Ukrainian forces in Makariv, Kyiv. "
        "Casualties unknown."
    )
    ev = only_event(extract_text(text, published=dt.date(2022, 3, 13)))
    assert ev.actor1 is not None and ev.actor1.startswith("Military Forces of Russia")
    assert ev.actor2 is not None and ev.actor2.startswith("Military Forces of Ukraine")
    assert ev.country == "Ukraine"


def test_people_who_assembled_for_a_cause_protested() -> None:
    ev = only_event(
        extract_text(
            "On 6 March 2021, about 60 people assembled in Tilburg to support refugees.",
            published=dt.date(2021, 3, 7),
        )
    )
    assert (ev.event_type, ev.actor1, ev.country) == ("Protests", "Protesters (Netherlands)", "Netherlands")


def test_a_time_phrase_in_the_demand_does_not_make_the_protest_background() -> None:
    ev = only_event(
        extract_text(
            "On 3 March 2021, sanitation workers staged a protest in Patna, demanding payment of salaries "
            "unpaid for the past five months.",
            published=dt.date(2021, 3, 4),
        )
    )
    assert (ev.event_type, ev.country) == ("Protests", "India")
