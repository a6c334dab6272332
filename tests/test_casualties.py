"""Tests for `eventwire.extract.casualties`: number phrases, fatality statements in one sentence (ages,
distances, money and injuries are not counts), and the ACLED figure for an event across sentences."""

from __future__ import annotations

import pytest

from eventwire.extract.casualties import Fatalities, fatalities_for_event, find_fatalities, parse_number

# --- parse_number ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("twelve", 12),
        ("a dozen", 12),
        ("half a dozen", 6),
        ("dozens", 12),  # ACLED: "dozens" = 12
        ("tens", 10),  # ACLED: "tens" = 10
        ("hundreds", 100),  # ACLED: "hundreds" = 100
        ("scores", 20),
        ("thousands", 1000),
        ("tens of thousands", 10000),
        ("several", 3),
        ("a few", 3),
        ("a couple of", 2),
        ("at least five", 5),
        ("more than 20", 20),
        ("over 20", 20),
        ("some 30", 30),
        ("nearly 40", 40),
        ("up to 40", 40),
        ("1,200", 1200),
        ("two hundred", 200),
        ("two hundred and fifty", 250),
        ("twenty-five", 25),
        ("a hundred", 100),
        ("three thousand five hundred", 3500),
        ("1.1 billion", 1_100_000_000),
        ("between 10 and 15", 10),
        ("10-15", 10),
        ("10 to 15", 10),
        ("two or three", 2),
        ("At Least 7", 7),
    ],
)
def test_parse_number(text: str, expected: int) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "people", "1.5", "killed", "the"])
def test_parse_number_rejects_non_numbers(text: str) -> None:
    assert parse_number(text) is None


# --- find_fatalities: what counts --------------------------------------------------------------------------


def counts(sentence: str) -> list[tuple[int, str]]:
    return [(f.count, f.kind) for f in find_fatalities(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Five soldiers were killed in an ambush near Kidal.", 5),
        ("The raid ended with the death of 3 rebels and 2 policemen near Beni.", 5),
        ("Shops were burned in the market. 1 fatality.", 1),
        ("At least 192 Azerbaijani troops were killed, the ministry said.", 192),
        ("Two soldiers and three civilians were killed in the attack near Kunduz.", 5),
        ("Two policemen, a teacher and four farmers were killed in Zamfara.", 7),
        ("Two bombs killed 5 people in Baghdad.", 5),  # "killed" with an object is active, not "two killed"
        ("Three civilians, four soldiers and two militants died in the fighting in Idlib.", 9),
        ("Between 10 and 15 fighters died in the clashes in Marib.", 10),
        ("Dozens of people were killed in air strikes on Idlib.", 12),
        ("Hundreds of people have died since 2015.", 100),
        ("Several civilians lost their lives in Beni.", 3),
        ("Seven people were reported dead after the raid.", 7),
        ("Thirty people were killed 30 km north of Kabul.", 30),
        ("Over 100 were killed.", 100),
        ("Twelve dead in Mogadishu car bomb.", 12),
        ("Two people, aged 19 and 23, were killed in Tripoli.", 2),
        ("Five people, including two children, were killed in the blast in Quetta.", 5),
        ("In 2016 12 people were killed in Jonglei.", 12),
        ("Three policemen were killed at 5 pm on Tuesday in Peshawar.", 3),
        ("Four Rohingya villagers were hacked to death.", 4),
        ("The fighting has killed more than 2,000 people this year.", 2000),
        ("The shelling killed 12 people and wounded 30 others in Donetsk.", 12),
        ("Gunmen killed at least five civilians, including two children, in Borno.", 5),
        ("Unidentified gunmen shot dead two traders in Beni.", 2),
        ("The attack claimed the lives of 30 people in Diffa.", 30),
        ("The explosion left three people dead and 12 injured.", 3),
        ("The clashes left 5 dead.", 5),
        ("Security forces said the raid resulted in 14 militant deaths.", 14),
        ("A suicide bomber killed himself and 12 others at a mosque in Quetta.", 13),
    ],
)
def test_counts_in_one_sentence(sentence: str, expected: int) -> None:
    found = find_fatalities(sentence)
    assert sum(f.count for f in found if f.kind != "death_toll") == expected, found


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("A policeman was shot dead in Peshawar.", 1),
        ("A 26-year-old man was killed in Homs.", 1),  # the age is not a count; the man is one
        ("Adel Khiali, 26, was killed on Saturday in Raqqa.", 1),
        ("Militants killed a soldier at a checkpoint in Sinai.", 1),
        ("Three soldiers were injured and one was killed.", 1),
    ],
)
def test_single_victims(sentence: str, expected: int) -> None:
    assert sum(f.count for f in find_fatalities(sentence)) == expected


def test_age_is_never_the_count() -> None:
    found = find_fatalities("Adel Khiali, 26, was killed on Saturday in Raqqa.")
    assert [f.count for f in found] == [1]
    assert found[0].text == "Adel Khiali, 26, was killed"
    assert find_fatalities("The victim, 45, was a father of three.") == []


def test_lone_victim_is_not_added_to_a_numeric_figure() -> None:
    s = "Five people were killed, and a police officer who was killed was buried on Sunday."
    assert sum(f.count for f in find_fatalities(s)) == 5


# --- find_fatalities: what does not count ------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Twelve protesters were arrested and four were injured in Khartoum.",
        "Twenty people were killed or wounded in the shelling.",  # a mixed casualty count
        "Rebels killed or wounded 20 soldiers.",
        "Five protesters were killed and wounded.",
        "There were 40 casualties.",  # casualties include the wounded
        "Seven aid workers were abducted near Goma.",
        "Fifteen people are missing after the attack.",
        "The damage was estimated at 1.1 billion manats.",
        "They were killed 30 kilometres away.",
        "The village is 30 kilometres from Mosul.",
        "The 40 injured were taken to hospital.",
        "It was not clear whether anyone was killed.",
        "Officials denied that anyone was killed.",
        "He was 26 years old.",
        "Turnout was 60 percent in Kabul.",
    ],
)
def test_no_fatality_count(sentence: str) -> None:
    assert [f for f in find_fatalities(sentence) if f.count > 0] == []


@pytest.mark.parametrize(
    "sentence",
    ["No one was killed in the attack.", "There were no casualties.", "Nobody was hurt.",
     "The convoy passed without casualties.", "No deaths were reported."],
)  # fmt: skip
def test_zero_with_evidence(sentence: str) -> None:
    found = find_fatalities(sentence)
    assert [(f.count, f.kind) for f in found] == [(0, "none")]
    assert found[0].text and found[0].text in sentence


# --- kinds and spans ---------------------------------------------------------------------------------------


def test_kinds() -> None:
    assert counts("The death toll rose to nine on Sunday.") == [(9, "death_toll")]
    assert counts("The toll climbed to 14 overnight.") == [(14, "death_toll")]
    assert counts("The number of dead has risen to 21.") == [(21, "death_toll")]
    assert counts("The bodies of seven men were found near Mogadishu.") == [(7, "found_dead")]
    assert counts("Police recovered 14 bodies from the river.") == [(14, "found_dead")]
    assert counts("Three herders were found dead in Plateau State.") == [(3, "found_dead")]
    assert counts("An airstrike killed 14 militants, bringing the toll to 40.") == [
        (14, "killed"),
        (40, "death_toll"),
    ]


def test_span_offsets_are_base_plus_local() -> None:
    s = "On Sunday, two soldiers and three civilians were killed near Kunduz."
    (f,) = find_fatalities(s, base=500)
    assert f.text == "two soldiers and three civilians were killed"
    assert s[f.start - 500 : f.end - 500] == f.text
    assert f.count == 5


# --- fatalities_for_event ----------------------------------------------------------------------------------


def sentences(*texts: str) -> list[tuple[str, int]]:
    out, base = [], 0
    for text in texts:
        out.append((text, base))
        base += len(text) + 1
    return out


def test_conflicting_figures_give_the_lowest() -> None:
    sents = sentences(
        "Police said 12 people were killed in the attack on the market in Maiduguri.",
        "Residents said at least 20 people died.",
    )
    f = fatalities_for_event(sents)
    assert f is not None and f.count == 12
    assert f.text == "12 people were killed"
    text = " ".join(t for t, _ in sents)
    assert text[f.start : f.end] == f.text


def test_later_toll_update_replaces_earlier_figures() -> None:
    sents = sentences(
        "Four people were killed when a bomb exploded in a bus station in Kano.",
        "The death toll later rose to nine, a hospital official said.",
        "Eleven others were wounded.",
    )
    f = fatalities_for_event(sents)
    assert f is not None and (f.count, f.kind) == (9, "death_toll")


def test_last_toll_wins() -> None:
    sents = sentences("The toll rose to 9 on Monday.", "By Tuesday the death toll had climbed to 14.")
    f = fatalities_for_event(sents)
    assert f is not None and f.count == 14


def test_statements_in_one_sentence_are_added() -> None:
    sents = sentences("Two soldiers were killed in Gao and three civilians died in Menaka.")
    f = fatalities_for_event(sents)
    assert f is not None and f.count == 5
    assert f.text == "Two soldiers were killed in Gao and three civilians died"


def test_positive_figure_beats_no_casualties() -> None:
    sents = sentences("There were no casualties among the troops.", "Three militants were killed.")
    f = fatalities_for_event(sents)
    assert f is not None and f.count == 3


def test_zero_only() -> None:
    f = fatalities_for_event(sentences("Protesters marched peacefully in Nairobi.", "No one was hurt."))
    assert f == Fatalities(0, "No one was hurt", 42, 57, "none")


def test_nothing_stated() -> None:
    assert fatalities_for_event(sentences("Protesters gathered in Harare.", "Police fired tear gas.")) is None
    assert fatalities_for_event([]) is None


def test_the_numbers_of_a_date_are_no_count() -> None:
    found = find_fatalities("BAGHDAD, March 12, 2020 - Two American soldiers were killed in a rocket attack.")
    assert [f.count for f in found] == [2]
    assert found[0].text == "Two American soldiers were killed"


def test_may_the_verb_is_no_month() -> None:
    assert [f.count for f in find_fatalities("Officials said 12 may have been killed in the raid.")] == [12]
