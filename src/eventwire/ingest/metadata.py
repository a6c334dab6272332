"""Metadata found in the article text itself: publisher prefix, wire source, dateline, publication date.

All of it is read, never cut: the publisher prefix ("PanARMENIAN.Net - ...") and the dateline
("BAGHDAD, Oct 30 (Reuters) -") stay in `Document.text` so evidence offsets keep pointing into the text as
printed. The one exception is a standalone date line near the top ("Published: 12 March 2024"), which is
page furniture and leaves the body once read. Dates are never given a guessed year.

Word lists: `data/ingest_wire_agencies.tsv`, `data/ingest_outlet_words.tsv`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from eventwire.ingest.wordlists import rows

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"
_ORD = r"(?:st|nd|rd|th)?"
# A calendar date in the ways English news prints one; the year is optional here and checked by callers.
DATE = (
    rf"(?:(?P<d1>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<m1>{_MONTH})(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}){_ORD}(?:,?\s+(?P<y2>\d{{4}}))?"
    r"|(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2}))"
)
_DATE_RE = re.compile(rf"\b{DATE}(?!\d)", re.IGNORECASE)
# A line that is only a date (label, weekday, time, zone): "Published: Monday 31 October 2016 10:31 GMT".
_DATE_LINE = re.compile(
    rf"(?:(?:published|updated|last updated|posted|first published|date)(?:\s+on)?\s*[:\-]?\s*)?"
    rf"(?:{_WEEKDAY},?\s+)?{DATE}\b(?P<rest>.*)",
    re.IGNORECASE,
)
_TIME_TAIL = re.compile(
    r"[\s,|\-–—]*(?:at\s+)?(?:\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?)?\s*"
    r"(?:\(?(?:[A-Z]{2,5}|[+-]\d{2}:?\d{2})\)?)?\s*(?:\|.*)?",
    re.IGNORECASE,
)


def _match_date(m: re.Match[str]) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) from a DATE match, or None when it is not a real calendar day."""
    g = m.groupdict()
    if g.get("y3"):
        year, month, day = int(g["y3"]), int(g["m3"]), int(g["d3"])
    else:
        month_name = g.get("m1") or g.get("m2") or ""
        month = _MONTHS[month_name[:3].casefold()]
        day = int(g.get("d1") or g.get("d2") or 0)
        year_text = g.get("y1") or g.get("y2")
        year = int(year_text) if year_text else None
    try:
        date(year or 2000, month, day)  # 2000 is a leap year, so 29 February passes when the year is unknown
    except ValueError:
        return None
    return year, month, day


def parse_date_text(text: str) -> date | None:
    """The first full calendar date (with its year) written in `text`, else None."""
    for m in _DATE_RE.finditer(text):
        parts = _match_date(m)
        if parts and parts[0]:
            return date(parts[0], parts[1], parts[2])
    return None


def parse_iso(value: str) -> date | None:
    """The calendar date of a machine-readable timestamp (ISO 8601, as in meta tags); the local date the
    publisher wrote, not converted to UTC. Falls back to a date written out in words."""
    value = value.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})|(\d{4})(\d{2})(\d{2})\b", value)
    if m:
        y, mo, d = (int(x) for x in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
        try:
            return date(y, mo, d)
        except ValueError:
            return None
    return parse_date_text(value)


def date_line(para: str) -> date | None:
    """The date of a paragraph that is nothing but a publication date line, else None."""
    if len(para) > 90 or len(para.split()) > 14:
        return None
    m = _DATE_LINE.fullmatch(para.strip())
    if not m or not _TIME_TAIL.fullmatch(m.group("rest")):
        return None
    parts = _match_date(m)
    if not parts or not parts[0]:
        return None
    return date(parts[0], parts[1], parts[2])


def take_date_line(paras: list[str], look: int = 4) -> tuple[date | None, list[str]]:
    """Find a standalone date line among the first `look` paragraphs; return its date and the paragraphs
    without it."""
    for i, para in enumerate(paras[:look]):
        found = date_line(para)
        if found:
            return found, paras[:i] + paras[i + 1 :]
    return None, paras


@cache
def _agencies() -> tuple[dict[str, str], re.Pattern[str]]:
    """Spelling → recorded name, and one regex alternation of all spellings (longest first)."""
    names: dict[str, str] = {}
    for row in rows("ingest_wire_agencies.tsv"):
        canonical = row[0]
        names[canonical] = canonical
        for alias in row[1].split("|") if len(row) > 1 and row[1] else []:
            names[alias.strip()] = canonical
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return names, re.compile(alternation)


def agency_name(text: str) -> str | None:
    """The recorded name of a wire agency spelled `text` ("Agence France-Presse" → "AFP"), else None."""
    names, _ = _agencies()
    text = text.strip()
    return names.get(text) or names.get(re.sub(r"^the\s+", "", text, flags=re.IGNORECASE))


@cache
def _outlet_words() -> frozenset[str]:
    return frozenset(row[0].casefold() for row in rows("ingest_outlet_words.tsv"))


def looks_like_outlet(name: str) -> bool:
    """A short name with a web-domain ending ("PanARMENIAN.Net") or a news word ("Daily Nation")."""
    name = name.strip()
    words = name.split()
    if (
        not name
        or not (1 <= len(words) <= 6)
        or len(name) > 50
        or not (name[0].isupper() or name[0].isdigit())
    ):
        return False
    if re.search(r"[a-z0-9]\.[a-z]{2,6}$", name, re.IGNORECASE):
        return True
    return any(w.casefold().strip(".,'") in _outlet_words() for w in words)


@dataclass(slots=True)
class Dateline:
    """A story's opening dateline, e.g. "KABUL, 12 March 2024 (AFP) –"; start/end index `Document.text`."""

    start: int
    end: int
    text: str
    place: str | None
    agency: str | None
    published: date | None  # only when the dateline carries a year


_PLACE = r"[A-Z][A-Z'.\-]+(?:[ /][A-Z][A-Z'.\-]+){0,3}(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2})?"
_DATELINE = re.compile(
    rf"(?P<place>{_PLACE})?(?:,?\s*(?:{DATE}))?\s*(?:\((?P<agency>[A-Za-z][\w .&'-]{{0,40}})\))?"
    r"(?:\s*(?:-{1,2}|–|—)\s+|(?<=[A-Z]):\s+)",  # "KABUL -", "KABUL (AFP) —", "PESHAWAR: "
)


def find_dateline(text: str, offset: int = 0) -> Dateline | None:
    """The dateline at `text[offset:]`'s start (after a publisher prefix, say), if there is one."""
    m = _DATELINE.match(text, offset)
    if not m or not (m.group("place") or m.group("agency")):
        return None
    place = m.group("place")
    if place and len(re.sub(r"[^A-Z]", "", place.split(",")[0])) < 3:
        place = None  # "A -" or "U.S -" is not a place in capitals
    agency = agency_name(m.group("agency")) if m.group("agency") else None
    if not place and not agency:
        return None
    parts = _match_date(m) if (m.group("m1") or m.group("m2") or m.group("y3")) else None
    published = date(parts[0], parts[1], parts[2]) if parts and parts[0] else None
    span = text[m.start() : m.end()].rstrip()  # the dateline ends at its dash or colon, not the space after
    return Dateline(m.start(), m.start() + len(span), span, place, agency, published)


_PREFIX = re.compile(r"(?P<name>[^\s:–—-][^:–—\n]{0,48}?)\s*(?:\s[-–—]\s|:\s)")


def find_publisher_prefix(text: str, known: str | None = None) -> tuple[str, int] | None:
    """("Name", end offset) for a "Name - " or "Name: " outlet credit opening the text, else None."""
    m = _PREFIX.match(text)
    if not m:
        return None
    name = m.group("name").strip()
    if name.isupper() and not re.search(r"\.[A-Za-z]{2,6}$", name):
        return None  # "KABUL -": a dateline, not an outlet
    if (known and name.casefold() == known.casefold()) or looks_like_outlet(name) or agency_name(name):
        return name, m.end()
    return None


@dataclass(slots=True)
class TextMeta:
    publisher: str | None = None
    wire_source: str | None = None
    dateline: Dateline | None = None


def _first_paragraphs(text: str, n: int) -> str:
    return "\n\n".join(text.split("\n\n")[:n])


def find_wire(text: str, dateline: Dateline | None = None) -> str | None:
    """The agency the story is credited to: in the dateline, as "(AFP)" near the top, as "Reuters reports"
    or "according to AP" in the opening paragraphs, or as a credit line ("— AFP") closing the text."""
    if dateline and dateline.agency:
        return dateline.agency
    names, alternation = _agencies()
    lead = _first_paragraphs(text, 1)
    opening = _first_paragraphs(text, 2)
    agency = rf"(?:the\s+)?(?:news\s+agency\s+)?(?P<a>{alternation.pattern})(?:\s+news\s+agency)?"
    patterns = (
        (lead[:400], rf"\(\s*(?P<a>{alternation.pattern})\s*\)"),
        (opening, rf"\b{agency}\s+(?:reports|reported|writes|wrote)\b"),
        (opening, rf"\b(?:reports|reported|writes|wrote)\s+{agency}\b"),
        (lead, rf"\baccording\s+to\s+{agency}(?!\s+(?:correspondents?|reporters?|journalists?|sources?))\b"),
    )
    for where, pattern in patterns:
        m = re.search(pattern, where)
        if m:
            return names[m.group("a")]
    last = text.rsplit("\n\n", 1)[-1].strip()
    m = re.fullmatch(rf"(?:[-–—]+\s*|[Ss]ource:\s*|[Ww]ith\s+)?\(?(?P<a>{alternation.pattern})\)?\.?", last)
    if m:
        return names[m.group("a")]
    return None


def scan(text: str, known_publisher: str | None = None) -> TextMeta:
    """Publisher prefix, dateline and wire source at the start of the cleaned body `text`."""
    meta = TextMeta()
    offset = 0
    prefix = find_publisher_prefix(text, known_publisher)
    if prefix:
        name, offset = prefix
        if agency_name(name):
            meta.wire_source = agency_name(name)
        else:
            meta.publisher = name
    meta.dateline = find_dateline(text, offset)
    meta.wire_source = meta.wire_source or find_wire(text, meta.dateline)
    return meta


def resolve_published(
    option: date | None, meta: date | None, page: date | None, dateline: date | None
) -> tuple[date | None, str | None]:
    """The publication date and where it came from, most trusted first: what the user said, the page's
    metadata, a date line on the page, the dateline."""
    for value, source in ((option, "option"), (meta, "meta"), (page, "page"), (dateline, "dateline")):
        if value:
            return value, source
    return None, None
