"""A cheap "is this English?" check: the script the letters are written in, then function-word counts.

No model: eventwire only codes English text, and all ingest needs is to turn away a French or Arabic
article with a clear message instead of coding nonsense from it. Word lists: `data/ingest_stopwords.tsv`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

from eventwire.ingest.wordlists import rows

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# The first part of a hyphenated word is no function word: "al-Qaeda", "el-Sisi" are Arabic names in English
# copy, not the Spanish "al" and "el".
_HYPHEN_PREFIX = re.compile(r"\b[^\W\d_]+-(?=[^\W\d_])")
MIN_WORDS = 8  # below this a text is too short to judge: let it through
TERSE_WORDS = 40  # below this, a lack of English function words alone is no proof of another language
ENGLISH_FLOOR = 0.10  # share of English function words under which text is not English (news prose: ~0.3)


@cache
def _stopwords() -> dict[str, tuple[str, frozenset[str]]]:
    return {code: (name, frozenset(words.split())) for code, name, words in rows("ingest_stopwords.tsv")}


def _script(char: str) -> str:
    try:
        return unicodedata.name(char).split()[0]
    except ValueError:
        return "UNKNOWN"


def _running_words(text: str) -> list[str]:
    """The words of the running text, lower case: function words are lower case in prose, while names and
    their particles ("Al Hazm", "Kitaf wa Al Boqee", "Angra dos Reis", "Day Baw Khaw") would make an English
    note about Yemen or Brazil look foreign."""
    found = _WORD.findall(text)
    out = []
    for i, word in enumerate(found):
        if word[:1].isupper():
            continue
        inside_name = 0 < i < len(found) - 1 and found[i - 1][:1].isupper() and found[i + 1][:1].isupper()
        if not inside_name:
            out.append(word.casefold())
    return out


def non_english_reason(text: str) -> str | None:
    """None when `text` reads as English (or is too short to tell), else why not, as a short phrase."""
    sample = text[:20000]
    scripts = Counter(_script(c) for c in sample if c.isalpha())
    letters = sum(scripts.values())
    if letters and scripts["LATIN"] < 0.5 * letters:
        script = max((s for s in scripts if s != "LATIN"), key=scripts.__getitem__)
        return f"not English: written in {script.title()} script"
    words = _running_words(_HYPHEN_PREFIX.sub("", sample))[:3000]
    if len(words) < MIN_WORDS:
        return None
    counts = Counter(words)
    shares = {
        code: sum(counts[w] for w in wordset) / len(words) for code, (_, wordset) in _stopwords().items()
    }
    english = shares.pop("en", 0.0)
    if english >= ENGLISH_FLOOR:
        return None
    best = max(shares, key=shares.__getitem__)
    if shares[best] > english:
        name = _stopwords()[best][0]
        return (
            f"not English: looks like {name} ({shares[best]:.0%} {name} function words, "
            f"{english:.0%} English)"
        )
    if len(words) < TERSE_WORDS:
        return None  # terse news copy ("Militants attacked a checkpoint in Arish") has few function words
    return f"not English: only {english:.0%} of the words are common English words"
