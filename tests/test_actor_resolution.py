"""Tests for actor resolution in one document (`extract/actors.py`): acronyms and alias statements, "the
coalition" / "the militia" / "the force" / "the group" pointing back to the right earlier actor, unknown
organisations typed by what the text calls them, and persons linked to their organisation and role. Each
runs the real pipeline on sentences written here."""

from __future__ import annotations

import pytest

from eventwire import extract_text
from eventwire.extract.actors import describe
from eventwire.model import Actor, Extraction


def _actor(result: Extraction, name: str) -> Actor:
    found = [a for a in result.actors if a.name == name]
    assert found, [a.name for a in result.actors]
    return found[0]


def _relations(result: Extraction) -> set[tuple[str, str, str]]:
    return {(r.subject, r.relation, r.object) for r in result.relations}


def test_acronym_of_an_unknown_group_resolves_to_its_long_form() -> None:
    result = extract_text(
        "The Movement for Justice and Reform (MJR) said on Monday it had seized the town. "
        "MJR fighters attacked an army post in Kidal on Tuesday, killing four soldiers.",
        published="2021-06-02",
    )
    group = _actor(result, "Movement for Justice and Reform")
    assert "MJR" in group.aliases and group.known is False
    assert any(e.actor1 == "Movement for Justice and Reform" for e in result.events)
    assert ("Movement for Justice and Reform", "alias", "MJR") in _relations(result)


def test_formerly_known_as_is_an_alias_with_its_qualifier() -> None:
    result = extract_text(
        "Hayat Tahrir al-Sham, formerly known as the Nusra Front, controls Idlib.", published="2022-02-01"
    )
    [alias] = [r for r in result.relations if r.relation == "alias"]
    assert (alias.subject, alias.object, alias.qualifier) == (
        "Hayat Tahrir al-Sham",
        "Nusra Front",
        "formerly",
    )


def test_the_coalition_is_the_coalition_named_before_not_the_closest_armed_group() -> None:
    result = extract_text(
        "The Saudi-led coalition has fought the Houthis since 2015. "
        "On Monday the coalition bombed a market in Saada, killing 12 civilians.",
        published="2019-08-06",
    )
    [strike] = [e for e in result.events if e.actor2 and e.actor2.startswith("Civilians")]
    # ACLED's name for the Saudi-led coalition; the Houthis (named last) would be Yemen's military
    assert strike.actor1 == "Operation Restoring Hope"


def test_the_militia_is_the_group_the_text_called_a_militia() -> None:
    result = extract_text(
        "Kataib Hezbollah, an Iraqi militia, and the Islamic State are active near Tikrit. "
        "On Monday the militia attacked an army post in Tikrit, killing two soldiers.",
        published="2020-02-11",
    )
    [battle] = [e for e in result.events if e.event_type == "Battles"]
    assert battle.actor1 == "Kataib Hezbollah"


def test_the_force_is_the_force_named_before() -> None:
    result = extract_text(
        "The Rapid Support Forces accused the Sudan Liberation Movement of attacks in Darfur. "
        "On Monday the force shelled Omdurman, killing five civilians.",
        published="2023-06-13",
    )
    [shelling] = result.events
    assert shelling.actor1 == "RSF: Rapid Support Forces"  # not the movement named last


def test_unknown_organisation_takes_its_type_from_the_text() -> None:
    result = extract_text(
        "Fighters of the Zintan Brigade, a militia loyal to the GNA, attacked a checkpoint in Tripoli on "
        "Sunday. Members of the Black Axe Brotherhood, a criminal gang, attacked traders in Benin City.",
        published="2019-04-08",
    )
    brigade = _actor(result, "Zintan Brigade")  # its name alone would make it a rebel group
    assert (brigade.type, brigade.inter, brigade.known) == ("political_militia", 3, False)
    gang = _actor(result, "Black Axe Brotherhood")
    assert (gang.type, gang.inter) == ("criminal_group", 3)


def test_a_name_after_an_organisation_noun_is_no_person() -> None:
    result = extract_text(
        "Gunmen from the militia Liwa Abu al-Fadl al-Abbas attacked a checkpoint in Aleppo on Monday.",
        published="2014-05-12",
    )
    militia = _actor(result, "Liwa Abu al-Fadl al-Abbas")
    assert militia.type == "political_militia"


def test_dictionary_actors_keep_their_type_whatever_the_text_calls_them() -> None:
    result = extract_text("Hezbollah, a political party, won seats in Beirut.", published="2022-05-16")
    assert _actor(result, "Hezbollah").type != "political_party"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("Sunni armed group active in Anbar", "armed group"),
        ("ethnic militia", "ethnic militia"),
        ("faction of the militia", None),  # the description is "a faction", the militia is someone else
        ("Iraqi militia backed by Iran", "militia"),
        ("coalition of militias", None),
    ],
)
def test_describe_takes_the_descriptor_that_ends_first(words: str, expected: str | None) -> None:
    assert describe(words.split()) == expected


def test_person_linked_to_organisation_and_role() -> None:
    result = extract_text(
        "General Qassem Soleimani, the commander of Iran's Quds Brigade, was killed in Baghdad on Friday. "
        "Adel Khiali, 26, a PMF fighter affiliated with the Badr Organization, was shot dead in Basra.",
        published="2020-01-04",
    )
    assert _actor(result, "Qassem Soleimani").role == "General"  # the title the NER left outside the name
    assert ("Qassem Soleimani", "commands", "Quds Force") in _relations(result)
    khiali = _actor(result, "Adel Khiali")
    assert khiali.role == "fighter"
    assert {("Adel Khiali", "member_of", "Popular Mobilization Forces"),
            ("Adel Khiali", "member_of", "Badr Organization")} <= _relations(result)  # fmt: skip
    result = extract_text(
        "Hadi al-Amiri, the leader of the Badr Organization, condemned the killings in Basra.",
        published="2020-01-04",
    )
    assert _actor(result, "Hadi al-Amiri").role == "leader"
    assert ("Hadi al-Amiri", "leads", "Badr Organization") in _relations(result)


def test_former_role_is_kept_as_former() -> None:
    result = extract_text(
        "Ousmane Diallo, 31, a former JNIM militant, was arrested in Mopti.", published="2022-03-01"
    )
    assert _actor(result, "Ousmane Diallo").role == "former militant"


def test_the_force_is_what_the_text_called_a_force_not_a_dictionary_name_it_never_wrote() -> None:
    # the dictionary calls the Quds Brigade "Quds Force", but the text only ever called the PMF a force
    result = extract_text(
        "Popular Mobilization Forces fighters reached the outskirts of Tal Afar on Friday. "
        "Their advisers include officers of Iran's Quds Brigade. "
        "Journalists saw the convoy pass. "
        "Aid groups said the road was open again. "
        "On Saturday the force shelled Islamic State positions west of the town.",
        published="2016-11-01",
    )
    shelling = [e for e in result.events if e.event_type == "Explosions/Remote violence"]
    # (ACLED names the PMF as a branch of Iraq's military: "Military Forces of Iraq (2014-2018) Popular ...")
    assert shelling and shelling[0].actor1.endswith("Popular Mobilization Forces")


# ----------------------------------------------------------------------- the other side of a fight (actor 2)


def _first_event(text: str, published: str = "2022-03-01") -> tuple[str | None, str | None]:
    events = extract_text(text, published=published).events
    assert events, text
    return events[0].actor1, events[0].actor2


def test_a_fight_verb_conjoined_to_the_event_names_the_other_side() -> None:
    _, actor2 = _first_event(
        "On 2 March 2022, Russian forces fired artillery and clashed with the Ukrainian Army near Izium."
    )
    assert actor2 is not None and actor2.startswith("Military Forces of Ukraine")


def test_armed_men_killed_in_the_next_sentence_were_the_strike_target() -> None:
    _, actor2 = _first_event(
        "On 4 March 2022, Turkish forces carried out a drone strike near Sinjat in Duhok. "
        "Two PKK militants were killed in the strike."
    )
    assert actor2 == "PKK: Kurdistan Workers Party"


def test_an_unnamed_toll_in_the_next_sentence_names_no_target() -> None:
    _, actor2 = _first_event(
        "On 4 March 2022, Turkish forces carried out a drone strike near Sinjat in Duhok. Two people died."
    )
    assert actor2 is None or not actor2.startswith(("PKK", "Military"))


def test_rival_groups_are_one_actor_on_both_sides() -> None:
    actor1, actor2 = _first_event(
        "On 5 March 2022, rival armed groups clashed in the Adjame district of Abidjan. Casualties unknown."
    )
    assert actor1 is not None and actor2 == actor1


def test_strikes_carry_the_roles_of_their_compound_word() -> None:
    actor1, actor2 = _first_event(
        "On 6 March 2022, the Malian army carried out artillery strikes against a JNIM base near Boni."
    )
    assert actor1 is not None and actor1.startswith("Military Forces of Mali")
    assert actor2 == "JNIM: Group for Support of Islam and Muslims"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # "police" is the more specific word than "forces" or "convoy"
        (
            "On 7 March 2022, al-Shabaab fighters ambushed a police convoy near Afgoye.",
            "Police Forces of Somalia",
        ),
        # whose positions they were
        (
            "On 7 March 2022, Russian forces shelled positions of the Ukrainian border guards in Sumy.",
            "Police Forces of Ukraine",
        ),
        # a soldier by the formation he serves in
        (
            "On 7 March 2022, gunmen shot dead a captain of the 4th battalion in Maiduguri.",
            "Military Forces of Nigeria",
        ),
    ],
)
def test_the_target_force_is_read_from_the_words_around_the_noun(sentence: str, expected: str) -> None:
    _, actor2 = _first_event(sentence)
    assert actor2 is not None and actor2.startswith(expected), actor2


def test_a_nationality_counted_as_people_is_civilians_not_the_army() -> None:
    _, actor2 = _first_event("On 8 March 2022, settlers assaulted a Palestinian near Hebron.")
    assert actor2 == "Civilians (Palestine)"


@pytest.mark.parametrize(
    ("sentence", "expected_actor1", "expected_actor2"),
    [
        # "with" after "exchanged fire" is the other side
        (
            "On 9 March 2022, armed men exchanged fire with military police officers in Niteroi "
            "(Rio de Janeiro).",
            "Unidentified",
            "Military Forces of Brazil",
        ),
        # a list of weapons: the first item holds the weapons' place in the clause
        (
            "On 9 March 2022, Russian forces used aviation and artillery to strike Ukrainian forces "
            "near Popasna.",
            "Military Forces of Russia",
            "Military Forces of Ukraine",
        ),
        # the weapon after "with": the verb's subject used it on its object
        (
            "On 9 March 2022, Turkish forces targeted QSD forces near Ein Issa with artillery shells.",
            "Military Forces of Turkey",
            "QSD: Syrian Democratic Forces",
        ),
        # a relative clause's "who" is the noun it hangs on
        (
            "On 9 March 2022, Ukrainian troops hit Russian forces who fired mortars near Izium.",
            "Military Forces of Russia",
            None,
        ),
        # a nationality and a force word written as a name are that country's forces
        (
            "On 9 March 2022, the Ukrainian Forces fired mortars at the positions of the Donbass People's "
            "Militia near Kominternove.",
            "Military Forces of Ukraine",
            "NAF: United Armed Forces of Novorossiya",
        ),
    ],
)
def test_who_fired_and_at_whom_around_the_weapon_word(
    sentence: str, expected_actor1: str, expected_actor2: str | None
) -> None:
    events = extract_text(sentence, published="2022-03-10").events
    assert events, sentence
    weapon = next(
        (e for e in events if e.event_type == "Explosions/Remote violence" or e.event_type == "Battles"), None
    )
    assert weapon is not None and weapon.actor1 is not None
    assert weapon.actor1.startswith(expected_actor1), weapon.actor1
    if expected_actor2 is not None:
        assert weapon.actor2 is not None and weapon.actor2.startswith(expected_actor2), weapon.actor2


@pytest.mark.parametrize(
    ("sentence", "expected_actor1", "expected_actor2"),
    [
        # the heavier "took control" names no opponent; the conjoined "clashed against" does
        (
            "On 3 May 2022, M23 rebels clashed against the FARDC in Kanombe (Rutshuru, Nord-Kivu) and took "
            "control of the area.",
            "M23: March 23 Movement",
            "Military Forces of the Democratic Republic of Congo",
        ),
        # two nationalities on one noun are two forces
        (
            "On 3 May 2022, there was an armed clash between Indian and Pakistani troops near Poonch.",
            "Military Forces of India",
            "Military Forces of Pakistan",
        ),
        # joint subjects of a fight are its two sides
        (
            "On 3 May 2022, suspected NPA militants and the military engaged in a firefight in Barangay "
            "Asinga (Baggao, Cagayan, Cagayan Valley).",
            "NPA: New People's Army",
            "Military Forces of the Philippines",
        ),
        # "members of a gang" even when the parse hangs "of a gang" on the other noun
        (
            "On 3 May 2022, there was an armed clash between police officers and members of an unidentified "
            "gang in Nejapa, San Salvador.",
            "Police Forces of El Salvador",
            "Unidentified Gang (El Salvador)",
        ),
    ],
)
def test_both_sides_of_a_fight(sentence: str, expected_actor1: str, expected_actor2: str) -> None:
    actor1, actor2 = _first_event(sentence, published="2022-05-04")
    assert actor1 is not None and actor1.startswith(expected_actor1), actor1
    assert actor2 is not None and actor2.startswith(expected_actor2), actor2


def test_an_actor_is_never_its_own_opponent_unless_the_text_says_so() -> None:
    actor1, actor2 = _first_event(
        "On 3 May 2022, M23 rebels took control of Gasiza village (Rutshuru, Nord-Kivu). M23 said so."
    )
    assert actor1 == "M23: March 23 Movement" and actor2 != actor1


def test_a_misparsed_passive_subject_is_still_who_was_hit() -> None:
    # the small model hangs "a suspected MS-13 member" on the place before it as an apposition
    _, actor2 = _first_event(
        "On 2 May 2022, near San Miguel, Usulutan, a suspected MS-13 member was shot and killed in El "
        "Amate canton."
    )
    assert actor2 == "MS-13: Mara Salvatrucha"


def test_destroyed_hideouts_are_property_destruction_of_their_owners() -> None:
    result = extract_text(
        "On 4 May 2022, Turkish Gendarmerie forces discovered and destroyed three PKK shelters in Sirnak.",
        published="2022-05-05",
    )
    assert result.events and result.events[0].sub_event_type == "Looting/property destruction"
    assert result.events[0].actor2 == "PKK: Kurdistan Workers Party"


def test_a_killed_separatist_is_an_armed_opponent_not_a_civilian() -> None:
    _, actor2 = _first_event(
        "On 4 May 2022, soldiers killed a separatist during an operation in Batibo (Momo, Nord-Ouest)."
    )
    assert actor2 is not None and not actor2.startswith("Civilians")


@pytest.mark.parametrize(
    "sentence",
    [
        "On 5 May 2022, an off-duty police officer was shot and killed by two gunmen in Choloma (Cortes).",
        "On 5 May 2022, gunmen killed a retired soldier at his home in Mopti.",
    ],
)
def test_a_force_member_off_duty_or_retired_counts_as_a_civilian(sentence: str) -> None:
    _, actor2 = _first_event(sentence)
    assert actor2 is not None and actor2.startswith("Civilians"), actor2


def test_fire_at_farmland_is_an_attack_on_its_civilian_owners() -> None:
    result = extract_text(
        "On 6 May 2022, Israeli forces opened fire towards Palestinian agricultural lands east of "
        "Khan Yunis.",
        published="2022-05-07",
    )
    assert result.events and result.events[0].actor2 == "Civilians (Palestine)"
    assert result.events[0].event_type == "Violence against civilians"


def test_party_members_attacked_are_civilians_with_the_party_associated() -> None:
    events = extract_text(
        "On 7 May 2022, JMM members assaulted and injured four BJP members in Ranchi city "
        "(Ranchi, Jharkhand).",
        published="2022-05-08",
    ).events
    assert events and events[0].actor2 == "Civilians (India)"
    assert events[0].assoc_actor_2 is not None and "BJP" in events[0].assoc_actor_2


@pytest.mark.parametrize(
    ("sentence", "expected_actor2"),
    [
        # "artillery" modifying "shells": the shells carry the roles of "fired ... at"
        (
            "On 8 May 2022, Houthi forces fired artillery and tank shells at army positions in Sirwah "
            "(Marib).",
            "Military Forces of Yemen",
        ),
        # "targeting" hung on the device names the target
        (
            "On 8 May 2022, unknown militants detonated a roadside IED targeting a military vehicle "
            "near Hama.",
            "Military Forces of Syria",
        ),
    ],
)
def test_the_target_of_a_weapon_phrase(sentence: str, expected_actor2: str) -> None:
    events = extract_text(sentence, published="2022-05-09").events
    weapon = next(e for e in events if e.event_type == "Explosions/Remote violence")
    assert weapon.actor2 is not None and weapon.actor2.startswith(expected_actor2), weapon.actor2


def test_named_dead_in_the_next_sentence_beat_a_guessed_opponent() -> None:
    # the text names Ukraine's army elsewhere, but the men killed in this clash were Wagner's
    _, actor2 = _first_event(
        "On 9 May 2022, the Ukrainian army said it was holding Bakhmut. On 10 May 2022, Ukrainian forces "
        "clashed near Soledar, Donetsk. Twelve Wagner Group fighters were killed."
    )
    assert actor2 is not None and "Wagner" in actor2, actor2


def test_an_exchange_of_shelling_has_its_joint_subjects_on_both_sides() -> None:
    events = extract_text(
        "On 30 March 2022, Armenian forces and Azerbaijani forces exchanged artillery shelling near Sotk, "
        "Gegharkunik. Casualties unknown.",
        published="2022-03-31",
    ).events
    shelling = next(e for e in events if e.event_type == "Explosions/Remote violence")
    sides = {(shelling.actor1 or "").split(" (")[0], (shelling.actor2 or "").split(" (")[0]}
    assert sides == {"Military Forces of Armenia", "Military Forces of Azerbaijan"}, sides


def test_workers_of_a_company_are_not_soldiers() -> None:
    _, actor2 = _first_event("On 9 May 2022, gunmen abducted three workers of a mining company near Kidal.")
    assert actor2 is not None and actor2.startswith("Civilians"), actor2
