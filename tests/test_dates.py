"""Tests for `eventwire.extract.dates`: resolving DATE expressions against a publication date (ACLED
time_precision), the weekday/date conflict, unknown years, non-dates, and the sentence scanner."""

from __future__ import annotations

from datetime import date

import pytest

from eventwire.extract.dates import ResolvedDate, find_dates, resolve_date

MON = date(2016, 10, 31)  # a Monday
WED = date(2022, 6, 1)  # a Wednesday
JAN = date(2017, 1, 4)  # a Wednesday early in the year


def resolved(text: str, published: date | None = MON, start: int = 0) -> ResolvedDate:
    r = resolve_date(text, published, start)
    assert r is not None, text
    return r


# --- weekdays ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Saturday", MON, date(2016, 10, 29)),
        ("on Saturday night", MON, date(2016, 10, 29)),
        ("late on Tuesday", MON, date(2016, 10, 25)),
        ("early Sunday", MON, date(2016, 10, 30)),
        ("in the early hours of Sunday", MON, date(2016, 10, 30)),
        ("Monday", MON, MON),  # the publication's own weekday is the publication day
        ("last Monday", MON, MON),  # "last" never moves a weekday after publication, nor a week back
        ("on Thursday", WED, date(2022, 5, 26)),
        ("Wednesday morning", WED, WED),
        ("Tuesday last week", MON, date(2016, 10, 25)),
        ("Tuesday last week", WED, date(2022, 5, 24)),
    ],
)
def test_weekday_is_most_recent_on_or_before_publication(text: str, published: date, expected: date) -> None:
    r = resolved(text, published)
    assert (r.date, r.precision, r.warnings) == (expected, 1, [])
    assert r.date <= published


def test_next_weekday_is_after_publication() -> None:
    assert resolved("next Friday").date == date(2016, 11, 4)
    assert resolved("next Monday").date == date(2016, 11, 7)


# --- explicit dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("23 May 2022", MON, date(2022, 5, 23)),
        ("On 23 May 2022", None, date(2022, 5, 23)),
        ("May 23, 2022", MON, date(2022, 5, 23)),
        ("Sept. 11, 2001", MON, date(2001, 9, 11)),
        ("Oct 31st, 2016", MON, date(2016, 10, 31)),
        ("March 3", MON, date(2016, 3, 3)),
        ("the 3rd of March", MON, date(2016, 3, 3)),
        ("Oct. 29", MON, date(2016, 10, 29)),
        ("Sunday, 30 October", MON, date(2016, 10, 30)),  # weekday agrees: exact
        ("the night of October 29", MON, date(2016, 10, 29)),
        ("December 20", MON, date(2016, 12, 20)),  # 50 days ahead: still this year (an announced date)
        ("December 28", JAN, date(2016, 12, 28)),  # would be ~12 months ahead: the previous year
        ("January 2", JAN, date(2017, 1, 2)),
        ("2016-10-29", MON, date(2016, 10, 29)),
        ("31/10/2016", MON, date(2016, 10, 31)),  # numeric forms go through dateparser
        ("the 29th", MON, date(2016, 10, 29)),
    ],
)
def test_explicit_dates_and_year_rule(text: str, published: date | None, expected: date) -> None:
    r = resolved(text, published)
    assert (r.date, r.precision, r.year_known) == (expected, 1, True)


def test_february_29_without_a_leap_publication_year_falls_back() -> None:
    assert resolved("February 29", date(2017, 3, 10)).date == date(2016, 2, 29)
    assert resolve_date("31 February", MON) is None


# --- weekday contradicting the date ------------------------------------------------------------------------


def test_weekday_conflict_near_publication_trusts_the_weekday() -> None:
    r = resolved("Sunday, October 31")  # 2016-10-31 is a Monday
    assert r.date == date(2016, 10, 30)
    assert r.precision == 2
    assert len(r.warnings) == 1
    assert "Monday" in r.warnings[0] and "Sunday" in r.warnings[0] and "October 31" in r.warnings[0]


def test_weekday_conflict_far_from_publication_keeps_the_date() -> None:
    r = resolved("Sunday, March 8")  # 2016-03-08 is a Tuesday, months before publication
    assert (r.date, r.precision) == (date(2016, 3, 8), 2)
    assert "Tuesday" in r.warnings[0] and "Sunday" in r.warnings[0]


def test_weekday_conflict_with_stated_year_and_a_later_publication() -> None:
    # 25 May 2022 was a Wednesday; the nearest Friday (27 May) is more than 6 days before publication
    r = resolved("Friday, 25 May 2022", date(2022, 6, 10))
    assert (r.date, r.precision) == (date(2022, 5, 25), 2)
    assert r.warnings
    # published a few days later the Friday is the likelier reading
    assert resolved("Friday, 25 May 2022", WED).date == date(2022, 5, 27)


# --- unknown year ------------------------------------------------------------------------------------------


def test_no_publication_and_no_year_keeps_month_and_day() -> None:
    r = resolved("Sunday, October 31", None)
    assert r.date is None
    assert r.year_known is False
    assert (r.month, r.day) == (10, 31)
    assert r.warnings == ["year unknown: no publication date and no year in 'Sunday, October 31'"]


@pytest.mark.parametrize(
    "text", ["on Saturday", "yesterday", "last week", "a couple of days ago", "overnight"]
)
def test_no_publication_and_relative_expression_gives_no_date(text: str) -> None:
    r = resolved(text, None)
    assert r.date is None
    assert r.year_known is False
    assert r.warnings and "year unknown" in r.warnings[0]


def test_no_publication_month_only() -> None:
    r = resolved("in March", None)
    assert (r.date, r.year_known, r.month, r.day) == (None, False, 3, None)


# --- relative expressions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("yesterday", date(2016, 10, 30), 1),
        ("late yesterday", date(2016, 10, 30), 1),
        ("last night", date(2016, 10, 30), 1),
        ("overnight", date(2016, 10, 30), 1),  # the night just past, dated to its first day
        ("the day before yesterday", date(2016, 10, 29), 1),
        ("today", MON, 1),
        ("this morning", MON, 1),
        ("tonight", MON, 1),
        ("earlier today", MON, 1),
        ("two days ago", date(2016, 10, 29), 1),
        ("10 days ago", date(2016, 10, 21), 1),
        ("a couple of days ago", date(2016, 10, 29), 2),
        ("a few days ago", date(2016, 10, 28), 2),
        ("last week", date(2016, 10, 24), 2),
        ("the previous week", date(2016, 10, 24), 2),
        ("two weeks ago", date(2016, 10, 17), 2),
        ("the past two days", date(2016, 10, 30), 2),
        ("the past week", date(2016, 10, 28), 2),
        ("over the weekend", date(2016, 10, 29), 2),
        ("last weekend", date(2016, 10, 29), 2),
    ],
)
def test_relative_to_publication(text: str, expected: date, precision: int) -> None:
    r = resolved(text)
    assert (r.date, r.precision) == (expected, precision)


def test_before_is_read_relative_to_publication_with_a_warning() -> None:
    r = resolved("a couple of days before")
    assert (r.date, r.precision) == (date(2016, 10, 29), 2)
    assert "publication" in r.warnings[0]


def test_this_week_is_its_monday() -> None:
    assert resolved("earlier this week", WED).date == date(2022, 5, 30)
    assert resolved("this week", WED).precision == 2


def test_days_later_cannot_be_anchored() -> None:
    r = resolved("three days later")
    assert r.date is None and r.warnings


# --- month and year level ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("in March", MON, date(2016, 3, 15)),  # ACLED's month midpoint
        ("March 2016", WED, date(2016, 3, 15)),
        ("last month", MON, date(2016, 9, 15)),
        ("last month", JAN, date(2016, 12, 15)),
        ("earlier this month", MON, date(2016, 10, 15)),
        ("earlier this month", date(2016, 10, 10), date(2016, 10, 5)),  # never past publication
        ("early October", MON, date(2016, 10, 1)),
        ("mid-October", MON, date(2016, 10, 15)),
        ("late March", MON, date(2016, 3, 31)),
        ("the end of September", MON, date(2016, 9, 30)),
        ("in December", JAN, date(2016, 12, 15)),  # December 2017 would be far ahead: the previous year
    ],
)
def test_month_level_is_precision_3(text: str, published: date, expected: date) -> None:
    r = resolved(text, published)
    assert (r.date, r.precision) == (expected, 3)


@pytest.mark.parametrize("text", ["2016", "in 2016", "last year", "earlier this year"])
def test_a_year_alone_is_not_an_event_date(text: str) -> None:
    r = resolved(text)
    assert (r.date, r.precision) == (None, 3)
    assert r.warnings


# --- not points in time ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["three years", "26", "for several kilometres", "26-year-old", "the past three years", "two decades",
     "several days", "", "   ", "weekly"],
)  # fmt: skip
def test_non_dates_give_none(text: str) -> None:
    assert resolve_date(text, MON) is None


# --- spans -------------------------------------------------------------------------------------------------


def test_span_is_base_plus_local_without_outer_whitespace() -> None:
    r = resolved("  on Saturday ", MON, start=40)
    assert (r.text, r.start, r.end) == ("on Saturday", 42, 53)


def test_results_are_fresh_objects_despite_the_cache() -> None:
    a = resolved("Sunday, October 31")
    a.warnings.append("mutated")
    assert resolved("Sunday, October 31").warnings != a.warnings


# --- find_dates --------------------------------------------------------------------------------------------


def test_find_dates_in_a_sentence() -> None:
    s = "Gunmen killed five people in Maiduguri on Saturday night, police said on Sunday."
    found = find_dates(s, MON, base=100)
    assert [(s[r.start - 100 : r.end - 100], r.date) for r in found] == [
        ("Saturday night", date(2016, 10, 29)),
        ("Sunday", date(2016, 10, 30)),
    ]


def test_find_dates_explicit_month_and_relative() -> None:
    s = "The clashes in Karabakh began on 23 May 2022 and lasted until late March, officials said yesterday."
    found = find_dates(s, MON)
    assert [r.text for r in found] == ["23 May 2022", "late March", "yesterday"]
    assert [r.precision for r in found] == [1, 3, 1]


def test_find_dates_skips_names_verbs_counts_and_habits() -> None:
    s = "Theresa May said protesters march every Friday and 192 soldiers died, 30 km from Aleppo."
    assert find_dates(s, MON) == []


def test_find_dates_month_and_year_need_a_preposition() -> None:
    s = "In May, 2,000 people fled; since 2014 the toll has grown. May said nothing."
    texts = [r.text for r in find_dates(s, MON)]
    assert texts == ["May", "2014"]


def test_find_dates_conflict_and_relative_phrases() -> None:
    s = "A couple of days ago a mortar hit the market in Aden; on Sunday, October 31, another hit a school."
    found = find_dates(s, MON)
    assert [r.text for r in found] == ["A couple of days ago", "Sunday, October 31"]
    assert found[1].date == date(2016, 10, 30) and found[1].warnings
