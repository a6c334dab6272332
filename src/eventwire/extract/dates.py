"""Dates: turn one DATE expression ("on Saturday night", "Sunday, October 31", "last week") into a calendar
date with ACLED's time_precision, anchored on the publication date.

This module owns the date conventions of eventwire. It works on plain strings with a base character offset
so it never depends on spaCy objects; the pipeline calls `resolve_date` on each DATE entity and
`find_dates` on a sentence when NER missed one.

Conventions (news practice and ACLED's time_precision 1 day / 2 week / 3 month or vaguer):

* A weekday alone ("on Saturday", "last Saturday", "late on Tuesday", "Saturday night") is the most recent
  such day on or before publication; the publication's own weekday is the publication day. Precision 1.
  "next Saturday" is the first one after publication. "Tuesday last week" is the Tuesday of the previous
  calendar week (Monday-based).
* Day and month without a year take the publication year, unless that lands more than 62 days after
  publication, then the previous year. A stated year is always used. Precision 1.
* A weekday that contradicts the explicit date ("Sunday, October 31" when that is a Monday) gives a warning
  naming both. The weekday occurrence nearest the explicit date (within 3 days) is trusted when it falls in
  the 6 days before publication or on it (it is then most likely a slip in the day number); otherwise the
  explicit date is kept. Either way precision drops to 2.
* "today", "this morning", "tonight", "earlier today" = publication day; "yesterday", "last night" and
  "overnight" = publication − 1 (an overnight event is dated to the night's first day, as reports
  published in the morning mean the night just past); "the day before yesterday" = − 2. Precision 1.
* "N days ago" = publication − N, precision 1; "a couple of days ago/before" = − 2, "a few/several days
  ago" = − 3, precision 2. "before"/"earlier" are read relative to publication (the only anchor we have)
  and say so in a warning. "N days later/after" cannot be anchored: date None.
* Week level, precision 2: "last week"/"the previous week" = publication − 7; "this week"/"earlier this
  week" = the Monday of the publication week; "the past N days"/"the past week" = the middle of that window
  (publication − N//2); the weekend ("over the weekend", "last weekend") = its Saturday, the most recent
  one on or before publication.
* Month level, precision 3, following ACLED's month-midpoint practice: "in March", "last month", "March
  2016" = the 15th; "early March" = the 1st; "late March"/"the end of March" = the last day. A month-level
  date never goes past publication ("earlier this month" published on the 10th = the 5th, the middle of
  the days already gone).
* A year alone ("2016", "last year") cannot be coded as an event date: date None, precision 3, a warning.
* Without a publication date, nothing relative or year-less is guessed (never a year from a weekday): date
  None, `year_known` False, month and day kept, and a warning.
* Not points in time: durations ("three years"), ages ("26"), measures ("several kilometres") → None.

Explicit forms beyond the common ones (numeric "31/10/2016", odd orders) go to dateparser, which is slow,
so it is only called when the text has digits our grammar did not use, and every answer is cached.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from eventwire.extract.casualties import parse_number

# --- vocabulary --------------------------------------------------------------------------------------------

_WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _name:
        _MONTHS[_name.lower()] = _i
        _MONTHS[_name[:3].lower()] = _i
_MONTHS["sept"] = 9

# Words a DATE entity may carry around the date proper without changing it.
_FILLERS = frozenset(
    {
        "on", "in", "at", "during", "by", "since", "from", "until", "till", "of", "the", "around", "about",
        "circa", "approximately", "sometime", "some", "time", "just", "only", "as", "and", "between",
        "night", "morning", "afternoon", "evening", "dawn", "dusk", "midnight", "noon", "midday", "hours",
        "hour", "early", "late", "mid", "middle", "beginning", "start", "end", "last", "this", "past",
        "previous", "next", "coming", "weekend", "week",
    }
)  # fmt: skip
_PART_EARLY = frozenset({"early", "beginning", "start"})
_PART_MID = frozenset({"mid", "middle"})
_PART_LATE = frozenset({"late", "end"})

#: A day-and-month date more than this far after publication is taken from the previous year.
_FUTURE_SLACK = datetime.timedelta(days=62)

_NUM_WORD = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,3})"
_VAGUE_N = r"(?:a\s+couple\s+of|a\s+few|several|a\s+number\s+of)"


@dataclass(slots=True)
class ResolvedDate:
    """A date expression resolved against the publication date, with the span it came from."""

    date: datetime.date | None  # None when it cannot be fixed (year unknown, a year alone, unanchored)
    precision: int  # ACLED time_precision: 1 exact day, 2 within a week/weekend, 3 month or vaguer
    text: str
    start: int
    end: int
    year_known: bool = True
    month: int | None = None  # kept even when the year is unknown
    day: int | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class _Reading:
    """What a text means, independent of where it sits: cached per (text, publication date)."""

    date: datetime.date | None
    precision: int
    year_known: bool = True
    month: int | None = None
    day: int | None = None
    warnings: tuple[str, ...] = ()


# --- small date helpers ------------------------------------------------------------------------------------


def _weekday_on_or_before(published: datetime.date, weekday: int) -> datetime.date:
    return published - datetime.timedelta(days=(published.weekday() - weekday) % 7)


def _weekday_after(published: datetime.date, weekday: int) -> datetime.date:
    return published + datetime.timedelta(days=(weekday - published.weekday()) % 7 or 7)


def _monday(d: datetime.date) -> datetime.date:
    return d - datetime.timedelta(days=d.weekday())


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int, published: datetime.date) -> datetime.date | None:
    """The publication year, unless that puts the date well after publication (then the year before)."""
    candidate = _safe_date(published.year, month, day)
    if candidate is None or candidate > published + _FUTURE_SLACK:
        candidate = _safe_date(published.year - 1, month, day)
    return candidate


def _month_point(year: int, month: int, part: str | None, published: datetime.date | None) -> datetime.date:
    """ACLED codes a month-level event on the month's middle, or its first/last day when the text says so."""
    last = calendar.monthrange(year, month)[1]
    day = {"early": 1, "late": last}.get(part or "", 15)
    point = datetime.date(year, month, day)
    if published is not None and point > published and (year, month) == (published.year, published.month):
        # Only the days already gone can hold the event: take their middle.
        point = datetime.date(year, month, 1 + (published.day - 1) // 2)
    return point


# --- the grammar -------------------------------------------------------------------------------------------

_TIME_RE = re.compile(
    r"\b(?:at\s+)?(?:about\s+|around\s+|approximately\s+)?\d{1,2}(?::\d{2})?\s*(?:am|pm)\b"
    r"|\b(?:at\s+)?\d{1,2}:\d{2}\b|\b(?:local\s+time|gmt|utc|o'clock)\b"
)
_ABBREV_DOT_RE = re.compile(r"\b([a-z]{3,5})\.")
_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC_RE = re.compile(r"\d[/.]\d|\d-\d{1,2}-\d")
_DAY_RE = re.compile(r"(\d{1,2})(st|nd|rd|th)?")
_YEAR_RE = re.compile(r"(?:1[89]|20)\d{2}")

# Whole-phrase relative expressions, tried in order on the normalised text.
_RELATIVE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), kind)
    for p, kind in [
        (r"(?:(?:earlier|later)\s+)?today|tonight|(?:(?:earlier|later)\s+)?this\s+(?:morning|afternoon|evening)"
         r"|(?:earlier|later)\s+in\s+the\s+day|(?:early|late)\s+today", "today"),
        (r"(?:the\s+)?day\s+before\s+yesterday", "day_before_yesterday"),
        (r"(?:(?:late|early)\s+)?yesterday(?:\s+(?:morning|afternoon|evening|night))?|(?:late\s+)?last\s+night"
         r"|overnight|overnight\s+(?:into\s+)?today|during\s+the\s+night", "yesterday"),
        (r"tomorrow(?:\s+(?:morning|afternoon|evening|night))?", "tomorrow"),
        (rf"(?P<n>{_NUM_WORD})\s+days?\s+(?P<dir>ago|earlier|before|previously|prior)", "days_ago"),
        (rf"(?P<vague>{_VAGUE_N})\s+days\s+(?P<dir>ago|earlier|before|previously|prior)", "vague_days_ago"),
        (rf"(?:(?:{_NUM_WORD}|{_VAGUE_N})\s+)?days?\s+(?:later|after|afterwards)", "unanchored"),
        (rf"(?P<n>{_NUM_WORD})\s+weeks?\s+(?:ago|earlier|before)", "weeks_ago"),
        (rf"(?P<vague>{_VAGUE_N})\s+weeks\s+(?:ago|earlier|before)", "vague_weeks_ago"),
        (rf"(?P<n>{_NUM_WORD})\s+months?\s+(?:ago|earlier|before)", "months_ago"),
        (r"(?:(?:the\s+)?(?:past|last|previous)\s+)(?P<n>\S+\s+)?days", "past_days"),
        (r"(?:(?:the\s+)?(?:past|last|previous)\s+)(?P<n>24|48|72|twenty-four|forty-eight)\s+hours",
         "past_hours"),
        (r"(?:the\s+)?past\s+week|(?:recent|the\s+past\s+few)\s+days", "past_week"),
        (r"last\s+week|the\s+previous\s+week|the\s+week\s+before|(?:a|one)\s+week\s+ago", "last_week"),
        (r"(?:(?:earlier|later)\s+)?this\s+week|earlier\s+in\s+the\s+week|(?:the\s+)?same\s+week",
         "this_week"),
        (r"next\s+week", "next_week"),
        (r"(?:(?:last|this|the\s+past|the\s+previous|the)\s+)?weekend", "weekend"),
        (r"last\s+month|the\s+previous\s+month|the\s+past\s+month|a\s+month\s+ago|recent\s+weeks",
         "last_month"),
        (r"(?:(?:earlier|later)\s+)?this\s+month|earlier\s+in\s+the\s+month", "this_month"),
        (r"(?:(?:earlier|later)\s+)?this\s+year|last\s+year|the\s+previous\s+year|the\s+past\s+year"
         r"|(?:\S+\s+)?years?\s+ago|recent\s+(?:months|years)", "year_level"),
    ]
]  # fmt: skip

_LEADING_FILLER_RE = re.compile(
    r"^(?:(?:on|in|at|during|over|by|since|from|until|till|as\s+of|of|around|about|circa|approximately"
    r"|sometime|some\s+time|just|only|as\s+early\s+as|as\s+late\s+as)\s+)+"
)


def _normalise(text: str) -> str:
    s = text.lower().replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", " ")
    s = _ABBREV_DOT_RE.sub(r"\1", s)  # "Oct. 31" -> "oct 31"; "a.m." is handled by _TIME_RE first
    s = s.replace("a.m.", "am").replace("p.m.", "pm")
    s = _TIME_RE.sub(" ", s)
    s = re.sub(r"[,;()\"]", " ", s)
    s = re.sub(r"\s+", " ", s).strip(" .:")
    return _LEADING_FILLER_RE.sub("", s)


def _relative(s: str, published: datetime.date | None, text: str) -> _Reading | None | bool:
    """A whole-phrase relative expression; False when `s` is not one (so the structural parse runs)."""
    for pattern, kind in _RELATIVE:
        m = pattern.fullmatch(s)
        if m is None:
            continue
        if kind == "past_days":
            n = parse_number(m.group("n")) if m.group("n") else 1
            if n is None or n > 31:
                return None  # "the past three years" style spans are durations, not points
            kind = "past_n_days"
        warnings: list[str] = []
        if kind == "unanchored":
            return _Reading(None, 3, warnings=(f"relative to another event, not anchored: '{text}'",))
        if kind == "year_level":
            return _Reading(None, 3, warnings=(f"only a year: '{text}'",))
        if published is None:
            return _Reading(None, 3, year_known=False, warnings=(_no_anchor(text),))
        groups = m.groupdict()
        if groups.get("dir") in {"earlier", "before", "previously", "prior"}:
            warnings.append(f"'{text}' read relative to the publication date")
        day = datetime.timedelta(days=1)
        if kind == "today":
            return _Reading(published, 1, warnings=tuple(warnings))
        if kind == "yesterday":
            return _Reading(published - day, 1)
        if kind == "day_before_yesterday":
            return _Reading(published - 2 * day, 1)
        if kind == "tomorrow":
            return _Reading(published + day, 1)
        if kind == "days_ago":
            n = parse_number(groups["n"]) or 1
            return _Reading(published - n * day, 1, warnings=tuple(warnings))
        if kind == "vague_days_ago":
            n = 2 if "couple" in groups["vague"] else 3
            return _Reading(published - n * day, 2, warnings=tuple(warnings))
        if kind == "weeks_ago":
            n = parse_number(groups["n"]) or 1
            return _Reading(published - 7 * n * day, 2)
        if kind == "vague_weeks_ago":
            n = 2 if "couple" in groups["vague"] else 3
            return _Reading(published - 7 * n * day, 3)
        if kind == "months_ago":
            n = parse_number(groups["n"]) or 1
            y, mo = divmod(published.year * 12 + published.month - 1 - n, 12)
            return _Reading(_month_point(y, mo + 1, None, published), 3)
        if kind == "past_n_days":
            n = parse_number(m.group("n")) if m.group("n") else 1
            return _Reading(published - (n or 1) // 2 * day, 2 if (n or 1) <= 7 else 3)
        if kind == "past_hours":
            hours = {"twenty-four": 24, "forty-eight": 48}.get(m.group("n").strip()) or int(m.group("n"))
            return _Reading(published - hours // 48 * day, 2)
        if kind == "past_week":
            return _Reading(published - 3 * day, 2)
        if kind == "last_week":
            return _Reading(published - 7 * day, 2)
        if kind == "this_week":
            return _Reading(_monday(published), 2)
        if kind == "next_week":
            return _Reading(published + 7 * day, 2)
        if kind == "weekend":
            return _Reading(
                _weekday_on_or_before(published, 5) if published.weekday() != 6 else published - day, 2
            )
        if kind == "last_month":
            y, mo = (published.year, published.month - 1) if published.month > 1 else (published.year - 1, 12)
            return _Reading(_month_point(y, mo, None, published), 3)
        if kind == "this_month":
            return _Reading(_month_point(published.year, published.month, None, published), 3)
    return False


def _structural(s: str, published: datetime.date | None, text: str) -> _Reading | None:
    """Weekday / day / month / year tokens in any order, with filler words around them."""
    weekday = month = day = year = None
    part: str | None = None
    nxt = last = week = False
    ordinal_day = False
    for token in s.replace("-", " ").replace("/", " / ").split():
        token = token.strip(".'")
        if not token:
            continue
        if token in _WEEKDAYS and weekday is None:
            weekday = _WEEKDAYS[token]
        elif token in _MONTHS and month is None:
            month = _MONTHS[token]
        elif (dm := _DAY_RE.fullmatch(token)) and day is None and 1 <= int(dm.group(1)) <= 31:
            day = int(dm.group(1))
            ordinal_day = dm.group(2) is not None
        elif _YEAR_RE.fullmatch(token) and year is None:
            year = int(token)
        elif token in _FILLERS:
            if token in _PART_EARLY:
                part = "early"
            elif token in _PART_MID:
                part = "mid"
            elif token in _PART_LATE:
                part = "late"
            nxt = nxt or token in {"next", "coming"}
            last = last or token in {"last", "past", "previous"}
            week = week or token == "week"
        else:
            return None  # a word we do not know: not a date expression we can vouch for
    if day is not None and month is None and not ordinal_day:
        return None  # a bare number ("26") is an age or a count, not a date
    if weekday is None and month is None and day is None and year is None:
        return None
    if month is not None and day is not None:
        return _explicit(weekday, month, day, year, published, text)
    if month is not None:
        return _month_level(month, year, part, published, text)
    if day is not None:  # "on the 5th": the most recent 5th
        if published is None:
            return _Reading(None, 1, year_known=False, day=day, warnings=(_no_year(text),))
        d = _safe_date(published.year, published.month, day)
        if d is None or d > published:
            y, mo = (published.year, published.month - 1) if published.month > 1 else (published.year - 1, 12)
            d = _safe_date(y, mo, day)
        return _Reading(d, 1, day=day) if d else None
    if weekday is not None:
        if published is None:
            return _Reading(None, 1, year_known=False, warnings=(_no_anchor(text),))
        if nxt:
            return _Reading(_weekday_after(published, weekday), 1)
        if week and last:  # "Tuesday last week"
            return _Reading(_monday(published) - datetime.timedelta(days=7 - weekday), 1)
        return _Reading(_weekday_on_or_before(published, weekday), 1)
    # a year alone
    return _Reading(None, 3, warnings=(f"only a year: '{text}'",))


def _no_anchor(text: str) -> str:
    return f"year unknown: no publication date to resolve relative date '{text}'"


def _no_year(text: str) -> str:
    return f"year unknown: no publication date and no year in '{text}'"


def _explicit(
    weekday: int | None, month: int, day: int, year: int | None, published: datetime.date | None, text: str
) -> _Reading | None:
    if year is not None:
        d = _safe_date(year, month, day)
    elif published is not None:
        d = _infer_year(month, day, published)
    else:
        # Never guess a year, not even from the weekday: keep what the text says.
        return _Reading(None, 1, year_known=False, month=month, day=day, warnings=(_no_year(text),))
    if d is None:
        return None  # "31 February"
    if weekday is None or d.weekday() == weekday:
        return _Reading(d, 1, month=month, day=day)
    # The text contradicts itself. The weekday is usually right when the report is about the last few days
    # (reporters write the weekday from memory, the day number from a calendar).
    offset = (weekday - d.weekday()) % 7
    if offset > 3:
        offset -= 7
    near = d + datetime.timedelta(days=offset)
    message = (
        f"weekday conflict in '{text}': {d.isoformat()} is a {_WEEKDAY_NAMES[d.weekday()]}, "
        f"not a {_WEEKDAY_NAMES[weekday]}"
    )
    if published is not None and published - datetime.timedelta(days=6) <= near <= published:
        return _Reading(
            near,
            2,
            month=near.month,
            day=near.day,
            warnings=(f"{message}; using the {_WEEKDAY_NAMES[weekday]}, {near.isoformat()}",),
        )
    return _Reading(d, 2, month=month, day=day, warnings=(f"{message}; keeping {d.isoformat()}",))


def _month_level(
    month: int, year: int | None, part: str | None, published: datetime.date | None, text: str
) -> _Reading:
    if year is None:
        if published is None:
            return _Reading(None, 3, year_known=False, month=month, warnings=(_no_year(text),))
        year = published.year
        if datetime.date(year, month, 1) > published + _FUTURE_SLACK:
            year -= 1
    return _Reading(_month_point(year, month, part, published), 3, month=month)


# --- dateparser fallback -----------------------------------------------------------------------------------

_dateparser: Any = None


def _parse_with_dateparser(s: str, published: datetime.date | None, text: str) -> _Reading | None:
    """Numeric and unusual explicit dates. dateparser is imported lazily: it costs ~0.5 s to load."""
    global _dateparser
    if _dateparser is None:
        import dateparser

        _dateparser = dateparser
    base = datetime.datetime.combine(published or datetime.date.today(), datetime.time(12))
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "STRICT_PARSING": True}
    parsed = _dateparser.parse(s, languages=["en"], settings=settings)
    if parsed is not None:
        d = parsed.date()
        return _Reading(d, 1, month=d.month, day=d.day)
    # Day and month without a year: let dateparser find them, then apply our own year rule.
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month"]}
    parsed = _dateparser.parse(s, languages=["en"], settings=settings)
    if parsed is None:
        return None
    if published is None:
        return _Reading(
            None, 1, year_known=False, month=parsed.month, day=parsed.day, warnings=(_no_year(text),)
        )
    d = _infer_year(parsed.month, parsed.day, published)
    return _Reading(d, 1, month=parsed.month, day=parsed.day) if d else None


# --- public API --------------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _interpret(text: str, published: datetime.date | None) -> _Reading | None:
    s = _normalise(text)
    if not s or len(s) > 60:
        return None
    if m := _ISO_RE.fullmatch(s):
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return _Reading(d, 1, month=d.month, day=d.day) if d else None
    rel = _relative(s, published, text)
    if rel is not False:
        return rel  # type: ignore[return-value]
    reading = _structural(s, published, text)
    if reading is None and _NUMERIC_RE.search(s):
        reading = _parse_with_dateparser(s, published, text)
    return reading


def resolve_date(text: str, published: datetime.date | None, start: int = 0) -> ResolvedDate | None:
    """Resolve one DATE expression; None when it is not a point in time (a duration, an age, a measure).

    `start` is the offset of `text` in the document; the returned span covers `text` without surrounding
    whitespace.
    """
    stripped = text.strip()
    if not stripped:
        return None
    lead = len(text) - len(text.lstrip())
    reading = _interpret(stripped, published)
    if reading is None:
        return None
    begin = start + lead
    return ResolvedDate(
        date=reading.date,
        precision=reading.precision,
        text=stripped,
        start=begin,
        end=begin + len(stripped),
        year_known=reading.year_known,
        month=reading.month,
        day=reading.day,
        warnings=list(reading.warnings),
    )


# --- the sentence scanner ----------------------------------------------------------------------------------
# Month and weekday names must be capitalised here ("may", "march", "sun" are ordinary words); the
# relative phrases are not.
_MONTH_C = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
)
_WD_C = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
_DAYN = r"\d{1,2}(?:st|nd|rd|th)?\b"
_YEAR = r"(?:1[89]|20)\d{2}\b"
_TOD = r"(?:\s+(?:night|morning|afternoon|evening))?"
_PART = r"(?:(?:early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of)[\s-]+)"

_SCAN_RE = re.compile(
    r"(?:(?P<prep>\b(?:on|in|since|during|by|until|from|of|at)\s+))?"
    r"(?P<d>"
    # Sunday, October 31, 2016 / 23 May 2022 / the 3rd of March
    rf"(?:{_WD_C}{_TOD},?\s+(?:the\s+)?)?(?:{_DAYN}(?:\s+of)?\s+{_MONTH_C}|{_MONTH_C}\s+{_DAYN})(?:,?\s+{_YEAR})?"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{4}\b"
    # Tuesday last week / late on Tuesday / last Saturday night
    rf"|(?:(?:late|early)\s+(?:on\s+)?)?(?:(?:last|this|next|past)\s+)?{_WD_C}{_TOD}(?:\s+last\s+week)?"
    rf"|\b(?:the\s+day\s+before\s+yesterday|(?:(?:late|early)\s+)?yesterday{_TOD}|today|tonight"
    r"|(?:late\s+)?last\s+night|overnight|this\s+(?:morning|afternoon|evening))\b"
    rf"|\b(?:{_NUM_WORD}|{_VAGUE_N})\s+(?:days?|weeks?|months?)\s+(?:ago|earlier|before)\b"
    r"|\b(?:earlier|later)\s+(?:this|in\s+the)\s+(?:week|month)\b"
    r"|\b(?:the\s+)?(?:past|last)\s+(?:(?:two|three|four|five|six|seven|\d{1,2})\s+days|week|24\s+hours)\b"
    r"|\b(?:last|this|next|the\s+previous)\s+(?:week|weekend|month)\b|\bover\s+the\s+weekend\b"
    # in March / early March 2016 / in 2016: only with a preposition, a part or a year (see below)
    rf"|{_PART}?{_MONTH_C}(?:\s+{_YEAR})?"
    rf"|\b{_YEAR}"
    r")",
    re.IGNORECASE,
)
_MONTH_ONLY_RE = re.compile(rf"{_MONTH_C}", re.IGNORECASE)


def find_dates(sentence: str, published: datetime.date | None, base: int = 0) -> list[ResolvedDate]:
    """Every date expression in one sentence (a fallback for NER misses), resolved; spans are base + local.

    A month or a year standing alone is only taken after a preposition ("in March", "since 2016") or with
    a year or part ("March 2016", "late March"), so "May" the surname and "192" the count stay out.
    """
    found: list[ResolvedDate] = []
    for m in _SCAN_RE.finditer(sentence):
        span = m.group("d")
        if re.search(r"\b(?:every|each)\s+$", sentence[: m.start()], re.IGNORECASE):
            continue  # "every Friday" is a habit, not an event date
        if _YEAR_RE.fullmatch(span) and not m.group("prep"):
            continue
        if _MONTH_ONLY_RE.fullmatch(span) and (
            not m.group("prep") or sentence[m.end("d") : m.end("d") + 1] == "'"
        ):
            continue
        resolved = resolve_date(span, published, base + m.start("d"))
        if resolved is not None:
            found.append(resolved)
    return found
