"""Text cleaning shared by HTML and scraped text: whitespace, paragraphs, the title, page furniture.

Everything here works on a list of paragraphs; `Document.text` is those paragraphs joined by one blank line,
so what this module keeps is exactly what evidence offsets later index. Word lists (furniture headings,
share-bar words) live in `data/ingest_furniture.tsv`.
"""

from __future__ import annotations

import re
from functools import cache

from eventwire.ingest.wordlists import rows

# Characters that are spaces in all but name (NBSP, narrow NBSP, figure/thin/hair spaces, tabs ...).
_SPACES = re.compile(r"[\t\v\f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters scraped pages carry (zero-width space, BOM, soft hyphen, word joiner).
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad]")
# Typographic quotes become ASCII so "Shi’ite" and "Shi'ite" are one word for the dictionaries downstream;
# each replacement is one character for one, so nothing else moves.
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
    }
)
_TERMINAL = tuple(".!?:;\"')]»…")
PARAGRAPH_SEP = "\n\n"


def normalise_line(line: str) -> str:
    """One line with odd spaces made plain, runs of spaces collapsed and the ends trimmed."""
    line = _INVISIBLE.sub("", _SPACES.sub(" ", line)).translate(_QUOTES)
    return re.sub(r" {2,}", " ", line).strip()


def _is_hard_wrapped(lines: list[str]) -> bool:
    """True for text wrapped at a fixed width (mail, wire feeds): no long lines and most lines near full."""
    filled = [len(line) for line in lines if line]
    if len(filled) < 5 or max(filled) > 100:
        return False
    return sum(n >= 50 for n in filled) >= 0.5 * len(filled)


def paragraphs(text: str) -> list[str]:
    """Split text into clean paragraphs.

    Blank lines always separate paragraphs. Inside a block, a line continues the previous one when the text
    is hard-wrapped, or when the previous line stops mid-sentence and the next starts in lower case;
    otherwise each line is its own paragraph, which is how scraped pages put headings and link lists.
    """
    lines = [normalise_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    wrapped = _is_hard_wrapped(lines)
    out: list[str] = []
    current: str | None = None
    previous = ""
    for line in lines:
        if not line:
            if current:
                out.append(current)
            current, previous = None, ""
            continue
        if current is None:
            current = line
        elif (wrapped and len(previous) >= 50) or (
            not previous.endswith(_TERMINAL) and (line[0].islower() or line[0].isdigit())
        ):
            current += " " + line
        else:
            out.append(current)
            current = line
        previous = line
    if current:
        out.append(current)
    return out


def join(paras: list[str]) -> str:
    return PARAGRAPH_SEP.join(paras)


def _title_key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", normalise_line(text).casefold()).strip()


def same_title(a: str, b: str) -> bool:
    """Two headlines are the same when they differ only in case, spacing, quotes and punctuation."""
    ka, kb = _title_key(a), _title_key(b)
    return bool(ka) and ka == kb


def looks_like_headline(line: str) -> bool:
    """A short line without a final full stop: how scraped text starts when it starts with the headline."""
    words = line.split()
    # A lead sentence may end in a closing quote or bracket after its full stop: 'said. "' is not a headline.
    ending = line.rstrip("\"')]")
    return 2 <= len(words) <= 30 and len(line) <= 200 and not ending.endswith((".", ":", ",", ";"))


def take_title(paras: list[str], known: str | None = None) -> tuple[str | None, list[str]]:
    """Take the headline out of the body: `known` (from HTML metadata) or else a headline-like first line.

    Copies of the title among the first paragraphs (pages and scrapers often print it twice) go too, so
    the body starts with the story.
    """
    title = normalise_line(known) if known else None
    if not title and len(paras) > 1 and looks_like_headline(paras[0]) and not furniture_kind(paras[0]):
        title, paras = paras[0], paras[1:]
    if title:
        head = [p for p in paras[:3] if not same_title(p, title)]
        paras = head + paras[3:]
    return title or None, paras


@cache
def _furniture() -> tuple[
    frozenset[str], tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...], frozenset[str]
]:
    sections: set[str] = set()
    tails: list[re.Pattern[str]] = []
    lines: list[re.Pattern[str]] = []
    social: set[str] = set()
    for kind, pattern, *_ in rows("ingest_furniture.tsv"):
        if kind == "section":
            sections.add(_title_key(pattern))
        elif kind == "tail":
            tails.append(re.compile(pattern, re.IGNORECASE))
        elif kind == "line":
            lines.append(re.compile(pattern, re.IGNORECASE))
        elif kind == "social":
            social.update(pattern.casefold().split())
    return frozenset(sections), tuple(tails), tuple(lines), frozenset(social)


_SHARE_FILLER = frozenset({"share", "this", "article", "story", "on", "via", "the", "and", "or", "us", "it"})


def _is_share_bar(para: str, social: frozenset[str]) -> bool:
    words = [w for w in re.split(r"[\s|,/•·:;!>»-]+", para.casefold()) if w]
    networks = [w for w in words if w not in _SHARE_FILLER]
    return bool(networks) and len(words) <= 15 and all(w in social for w in networks)


def furniture_kind(para: str) -> str | None:
    """What furniture `para` is: "section" (starts a non-story block), "tail" (starts the footer),
    "line" (a single furniture line) or None (story text)."""
    sections, tails, lines, social = _furniture()
    key = _title_key(para)
    words = key.split()
    if key in sections:
        return "section"
    # "More from Reuters", "Related articles about Mali": a heading that names what the block holds.
    if len(words) <= 6 and not para.endswith((".", "!", "?")):
        for n in (3, 2, 1):
            if len(words) > n and " ".join(words[:n]) in sections and ":" not in para:
                return "section"
    if any(p.fullmatch(para) for p in tails):
        return "tail"
    if any(p.fullmatch(para) for p in lines) or _is_share_bar(para, social):
        return "line"
    # "Most read: Ten killed in ..." is one promo line, not the start of a block.
    head, sep, rest = para.partition(":")
    if sep and rest.strip() and _title_key(head) in sections:
        return "line"
    return None


def _is_story(para: str) -> bool:
    return len(para.split()) >= 12 and para.rstrip().endswith(_TERMINAL)


def cut_furniture(paras: list[str]) -> list[str]:
    """Drop furniture lines anywhere, and everything from a section heading or footer line on once the story
    has begun (before it, such a heading belongs to the navigation and only the heading itself goes)."""
    out: list[str] = []
    story_seen = False
    for para in paras:
        kind = furniture_kind(para)
        if kind in ("section", "tail") and story_seen:
            break
        if kind:
            continue
        out.append(para)
        story_seen = story_seen or _is_story(para)
    return out


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a paragraph break (or a space) so no word is split."""
    if len(text) <= limit:
        return text
    cut = text.rfind(PARAGRAPH_SEP, 0, limit)
    if cut <= 0:
        cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit].rstrip()
