"""Casualties: find fatality statements in a sentence and settle an event's ACLED `fatalities` figure.

This module owns eventwire's fatality conventions. It works on plain strings with a base character offset
(the pipeline calls it per sentence), so it never depends on spaCy objects.

ACLED conventions applied here:

* Only deaths count: killed, dead, died, slain, executed, "lost their lives", death toll, bodies found,
  "killing X", "left X dead". Wounded, injured, hurt, arrested, abducted, missing are not fatalities, and
  neither is "killed or wounded" (a casualty count that mixes both) nor the word "casualties".
* A number attached to something other than people is not a count: ages ("Adel Khiali, 26,",
  "a 26-year-old"), distances ("30 kilometres"), money ("1.1 billion manats"), years, times.
* Parts of one clause are added: "two soldiers and three civilians were killed" → 5. Separate statements
  in one sentence are added too (a sentence rarely repeats its own figure).
* Across the event's sentences, conflicting figures give the most conservative (lowest); a death toll
  statement ("the death toll rose to nine", "bringing the toll to 12") is the running total and the last
  one replaces every other figure. A positive figure beats "no casualties", which often concerns one side
  only; "no one was killed" alone gives 0 with its evidence (kind "none").
* Number phrases (`parse_number`): "at least 12", "more than 20", "over 20", "some 30", "about 30",
  "nearly 40", "up to 40" all give the stated figure (ACLED records the reported figure and never
  extrapolates past it); a range "between 10 and 15" / "10-15" / "two or three" gives its low end;
  "tens" = 10, "dozens" = 12, "hundreds" = 100 (ACLED's stated practice), "scores" = 20, "thousands" =
  1000; "a few", "several", "a handful", "many" = 3 and "a couple" = 2 (our conservative choices).
  The word lists live in `data/numbers.tsv` and `data/casualty_words.tsv`.
* A single victim with no number ("a soldier was killed", "Khiali, 26, was shot dead") counts 1, unless
  the sentence also gives a numeric figure (then the single victim is most likely among them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..datafiles import rows

# --- word lists --------------------------------------------------------------------------------------------


@cache
def _numbers() -> dict[str, tuple[int, str]]:
    return {row[0]: (int(row[1]), row[2]) for row in rows("numbers.tsv")}


@cache
def _words() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for category, phrase in rows("casualty_words.tsv"):
        out.setdefault(category, []).append(phrase)
    return out


def _alternation(phrases: list[str]) -> str:
    """A regex alternation, longest phrase first so "shot dead" wins over "shot"."""
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))


@dataclass(slots=True)
class Fatalities:
    """A fatality figure and the phrase supporting it (`text == document[start:end]`)."""

    count: int
    text: str
    start: int
    end: int
    kind: str = "killed"  # killed | death_toll | found_dead | none ("no one was killed": 0 with evidence)


# --- numbers -----------------------------------------------------------------------------------------------

_QUALIFIERS = (
    "at least", "at most", "more than", "no fewer than", "no less than", "fewer than", "less than", "over",
    "upwards of", "up to", "as many as", "some", "about", "around", "approximately", "roughly", "nearly",
    "almost", "close to", "just under", "just over", "an estimated", "a total of", "a further", "another",
    "an additional", "estimated", "reportedly", "only", "just", "all",
)  # fmt: skip


@cache
def _number_patterns() -> dict[str, re.Pattern[str]]:
    nums = _numbers()
    word = "|".join(
        sorted((w for w, (_, k) in nums.items() if k in {"unit", "tens", "scale"}), key=len)[::-1]
    )
    vague = "|".join(
        r"\s+".join(w.split())
        for w in sorted((w for w, (_, k) in nums.items() if k == "vague"), key=len)[::-1]
    )
    digits = r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\s+(?:hundred|thousand|million))?(?![\w]|[.,]\d)"
    words = (
        rf"(?:\ba\s+(?:hundred|thousand)\b|\b(?:{word})\b)"
        rf"(?:(?:[\s-]+|(?:(?<=hundred)|(?<=thousand)|(?<=million))\s+and\s+)(?:{word})\b)*"
    )
    single = rf"(?:{digits}|{words}|\b(?:{vague})\b(?:\s+of\s+(?:thousands|hundreds))?)"
    qualifier = "|".join(r"\s+".join(q.split()) for q in _QUALIFIERS)
    ranged = rf"(?:between\s+{single}\s+and\s+{single}|{single}(?:\s*(?:-|to|or)\s*{single})?)"
    number = rf"(?:\b(?:{qualifier})\s+)*{ranged}"
    return {
        "single": re.compile(single, re.IGNORECASE),
        "number": re.compile(number, re.IGNORECASE),
        "number_src": re.compile(number),  # only its .pattern is used, to build the statement patterns
    }


def _words_to_int(tokens: list[str]) -> int | None:
    nums = _numbers()
    total = current = 0
    seen = False
    for token in tokens:
        if token in {"and", "a"}:
            if token == "a":
                current = current or 1
            continue
        if token not in nums:
            return None
        value, kind = nums[token]
        seen = True
        if kind == "scale":
            current = (current or 1) * value
            if value >= 1000:
                total += current
                current = 0
        else:
            current += value
    return total + current if seen else None


def parse_number(text: str) -> int | None:
    """The ACLED figure for a number phrase: "12", "twelve", "a dozen", "at least five", "1,200",
    "two hundred and fifty", "between 10 and 15" (→ 10), "dozens" (→ 12). None when it is not a number."""
    s = re.sub(r"\s+", " ", text.lower().replace("\u2013", "-")).strip(" .,;:")
    if not s:
        return None
    changed = True
    while changed:  # qualifiers never change the figure (see the module docstring), so drop them
        changed = False
        for q in _QUALIFIERS:
            if s.startswith(q + " "):
                s, changed = s[len(q) + 1 :], True
    if s.startswith("between ") and " and " in s:
        s = s[len("between ") :].split(" and ")[0]
    else:
        s = re.split(r"\s*(?:\bto\b|\bor\b|(?<=\w)-(?=\d)|(?<=\d)\s*-\s*)\s*", s)[0]
    nums = _numbers()
    if m := re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(hundred|thousand|million|billion))?", s):
        value = float(m.group(1).replace(",", ""))
        if m.group(2):
            value *= nums[m.group(2)][0]
        return int(value) if value == int(value) else None
    if s in nums and nums[s][1] == "vague":
        return nums[s][0]
    if m := re.fullmatch(r"(.+?) of (thousands|hundreds)", s):
        head, tail = parse_number(m.group(1)), nums[m.group(2)][0]
        return head * tail if head is not None else None
    for vague in ("a couple of", "a handful of", "a number of", "a score of", "a pair of"):
        if s == vague:
            return nums[vague[: -len(" of")]][0]
    return _words_to_int(re.split(r"[\s-]+", s))


# --- statement patterns ------------------------------------------------------------------------------------

_AUX = (
    r"(?:\s+(?:were|was|are|is|have\s+been|has\s+been|had\s+been|have|has|had|being|been|got|all|both|also"
    r"|reportedly|allegedly|later|subsequently|eventually|apparently|immediately|instantly|confirmed|now"
    r"|reported|believed\s+to\s+have|said\s+to\s+have|thought\s+to\s+have|feared\s+to\s+have)){0,4}"
)
_AUX_REQUIRED = _AUX.replace("{0,4}", "{1,4}")
# Words that may sit between a number and its verb ("192 Azerbaijani troops", "two of the policemen").
_STOP = (
    r"was|were|are|is|have|has|had|been|and|or|but|who|whom|which|that|in|at|on|from|near|after|before|during"
    r"|when|while|said|says|according|by|with|to|for|as|into|across|outside|inside|since|than|killed|dead"
    r"|died|wounded|injured|hurt|bodies|deaths|fatalities|this|last|yesterday|today|overnight|earlier|later"
)
_NP = rf"(?:\s+(?:\d{{1,3}}-year-old|(?!(?:{_STOP})\b)[A-Za-z][\w'’-]*)){{0,5}}?"
_NP_GREEDY = _NP[:-1]  # the same, greedy: after an active verb the nouns are the evidence's tail
_SINGLE_SUBJECT = r"\b(?:a|an|one|another)\b"
_NEG_CONTEXT = re.compile(
    r"(?:\bno\b|\bnot\b|n't|\bwhether\b|\bif\b|\bnobody\b|\bno\s+one\b|\bnone\b|\banyone\b|\banybody\b"
    r"|\bdenied\b|\bfeared\b|\bthreatened\b)[^.;]{0,40}$",
    re.IGNORECASE,
)


@cache
def _statement_patterns() -> list[tuple[re.Pattern[str], str, bool]]:
    """(pattern, kind, singular) in priority order; each pattern has a group `n` for the number parts
    (or none for singular statements)."""
    words = _words()
    num = _number_patterns()["number_src"].pattern
    part = rf"(?:{num}){_NP}"
    # after the first part a single victim may join with an article: "two policemen, a teacher and ..."
    more = rf"(?:{num}|\b(?:a|an)\b){_NP}"
    parts = rf"(?P<n>{part}(?:\s*,\s*(?!including\b){more})*(?:,?\s+and\s+{more})?)"
    part_g = rf"(?:{num}){_NP_GREEDY}"
    more_g = rf"(?:{num}|\b(?:a|an)\b){_NP_GREEDY}"
    parts_g = rf"(?P<n>{part_g}(?:\s*,\s*(?!including\b){more_g})*(?:,?\s+and\s+{more_g})?)"
    injury = _alternation(words["injury"])
    passive = _alternation(words["passive"])
    active = _alternation(words["active"])
    found = _alternation(words["found"])
    not_mixed = rf"(?!\s*(?:,\s*)?(?:or|and|and/or|/)\s+(?:{injury})\b)"
    aside = (
        r"(?:\s*,\s*(?:including|among\s+them|most\s+of\s+them|many\s+of\s+them|all\s+of\s+them"
        r"|(?:both\s+|all\s+)?aged)[^,.;]{0,80},)?"
    )
    toll_update = (
        r"rose|risen|rises|rising|climbed|climbs|climbing|increased|increases|reached|reaches|jumped|hit|hits"
        r"|soared|mounted|grew|now\s+stands\s+at|has\s+reached|went\s+up"
    )
    flags = re.IGNORECASE
    specs: list[tuple[str, str, bool]] = [
        # zero: "no one was killed", "there were no casualties", "without casualties"
        (
            r"\b(?:no\s*-?\s*one|nobody|none)\s+(?:was|were|has\s+been|had\s+been|is|are)\s+"
            r"(?:(?:reported(?:ly)?|immediately|seriously)\s+)?(?:killed|hurt|injured|harmed|wounded|dead)\b"
            r"|\b(?:no\s*-?\s*one|nobody|none)\s+(?:\w+\s+)?died\b"
            r"|\bno\s+(?:(?:immediate|reported|further|human|civilian)\s+)*"
            r"(?:casualties|fatalities|deaths|injuries|loss\s+of\s+life|lives\s+were\s+lost|one\s+died)\b"
            r"|\bwithout\s+(?:any\s+)?(?:casualties|fatalities|loss\s+of\s+life)\b",
            "none",
            False,
        ),
        # death toll: "the death toll rose to nine", "bringing the toll to 12", "a death toll of 30"
        (
            rf"\b(?:(?:death|fatality)\s+)?toll(?:\s+(?:has|had|have|now|later|since|reportedly|then|officially)){{0,3}}"
            rf"\s+(?:(?:{toll_update})(?:\s+to)?|stands\s+at|stood\s+at|is|was|of|at){_AUX}\s+(?P<n>{num})",
            "death_toll",
            False,
        ),
        (
            rf"\b(?:bringing|raising|pushing|taking|putting|brought|raised|pushed|took|put)\s+the\s+"
            rf"(?:(?:death|fatality)\s+)?toll\s+to\s+(?P<n>{num})",
            "death_toll",
            False,
        ),
        (
            rf"\bthe\s+number\s+of\s+(?:dead|deaths|people\s+killed|fatalities|those\s+killed)\s+"
            rf"(?:(?:has|had)\s+)?(?:{toll_update})(?:\s+to)?\s+(?P<n>{num})",
            "death_toll",
            False,
        ),
        # found dead: "the bodies of five men were found", "12 bodies were recovered", "found 3 bodies"
        (rf"\bbod(?:y|ies)\s+of\s+(?P<n>{num}){_NP_GREEDY}(?:{_AUX}\s+(?:found|discovered|recovered|retrieved"
         r"|dumped|exhumed|unearthed))?", "found_dead", False),
        (rf"(?P<n>{num})(?:\s+[A-Za-z][\w'’-]*){{0,2}}?\s+(?:bodies|corpses)\b", "found_dead", False),
        (rf"{parts}{aside}{_AUX}\s+(?:{found})\b", "found_dead", False),
        # "five soldiers were killed", "two soldiers and three civilians died", "12 dead"
        (rf"{parts}{aside}{_AUX_REQUIRED}\s+(?:{passive})\b{not_mixed}", "killed", False),
        # without an auxiliary "killed" may be active ("two bombs killed 5 people"): no object may follow
        (rf"{parts}{aside}\s+(?:{passive})\b{not_mixed}(?!\s+(?:{num}|a|an|the|his|her|their|its|one)\b)",
         "killed", False),
        # "killing five soldiers", "the blast killed 12", "claimed the lives of 30 people"
        (rf"\b(?:{active}){not_mixed}\s+{parts_g}\b", "killed", False),
        # a suicide attacker counts too: "killed himself and 12 others" → 13
        (rf"\b(?:killed|killing|kills)\s+(?:himself|herself|themselves)\s+and\s+{parts_g}", "killed", False),
        # "left three people dead", "leaving at least five dead"
        (rf"\b(?:left|leaving|leave|leaves)\s+{parts}\s+dead\b", "killed", False),
        # "12 civilian deaths", "30 fatalities"
        (rf"(?P<n>{num})(?:\s+[A-Za-z][\w'’-]*){{0,2}}?\s+(?:deaths?|fatalit(?:y|ies))\b", "killed", False),
        # "leading to the death of 4 soldiers and 2 gendarmes", "caused the deaths of five people"
        (rf"\bthe\s+deaths?\s+of\s+{parts_g}\b", "killed", False),
        # singular victims without a number: "a soldier was killed", "Khiali, 26, was shot dead"
        (rf"{_SINGLE_SUBJECT}{_NP}\s+(?:was|has\s+been|had\s+been|is){_AUX}\s+(?:{passive})\b{not_mixed}",
         "killed", True),
        (rf"{_SINGLE_SUBJECT}{_NP}{_AUX}\s+(?:died|perished|lost\s+(?:his|her)\s+life)\b", "killed", True),
        (rf"\b(?:{active}){not_mixed}\s+(?:a|an|one)\s+[A-Za-z][\w'’-]*\b", "killed", True),
        (rf"\b(?:was|has\s+been|had\s+been){_AUX}\s+(?:{passive}|found\s+dead)\b{not_mixed}", "killed", True),
    ]  # fmt: skip
    return [(re.compile(p, flags), kind, singular) for p, kind, singular in specs]


@cache
def _units() -> frozenset[str]:
    return frozenset(w.lower() for w in _words()["unit"])


def _parts_count(sentence: str, begin: int, end: int) -> int | None:
    """Add up every number in `sentence[begin:end]` ("two soldiers and three civilians" → 5); None if one
    is a measure, an age or a year (judged on the words after it, even past the match)."""
    single = _number_patterns()["number"]
    parts = sentence[begin:end]
    total = 0
    found = False
    for m in single.finditer(parts):
        following = sentence[begin + m.end() :].lstrip()
        head = re.match(r"[\w'’.%-]+", following)
        head_word = head.group(0).lower().rstrip(".") if head else ""
        if head_word in _units() or following.startswith("%") or head_word.startswith(("year-old", "-year")):
            return None
        if re.match(r"\s*-?\s*years?[\s-]+old", following, re.IGNORECASE):
            return None
        value = parse_number(m.group(0))
        if value is None:
            continue
        digits = re.sub(r"\D", "", m.group(0))
        if len(digits) == 4 and 1900 <= int(digits) <= 2100 and "," not in m.group(0) and not head_word:
            return None  # "in 2016 were killed" is not a sentence; a bare year is never a count
        total += value
        found = True
    # single victims joined to the list by an article ("..., a teacher and four farmers")
    total += len(_JOINED_ARTICLE_RE.findall(parts))
    return total if found else None


_JOINED_ARTICLE_RE = re.compile(
    r"(?:,\s*|\band\s+)(?:a|an)\s+(?!(?:dozen|few|couple|handful|number|score|hundred|thousand|pair)\b)",
    re.IGNORECASE,
)


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)  # capitalised: "12 may have died" is no date
# Dates hold numbers that are no counts: "BAGHDAD, March 12, 2020 - Two soldiers were killed" is two dead.
_DATE_NUMBERS = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}"
    rf"(?:,?\s+\d{{4}})?\b|\b(?:19|20)\d{{2}}\b(?=\s*[-–—:])",
)


def _mask_dates(sentence: str) -> str:
    """The sentence with the digits of its dates blanked out, offsets kept."""
    return _DATE_NUMBERS.sub(lambda m: re.sub(r"\d", " ", m.group(0)), sentence)


def find_fatalities(sentence: str, base: int = 0) -> list[Fatalities]:
    """Every fatality statement in one sentence, in text order; offsets are base + local."""
    original = sentence
    sentence = _mask_dates(sentence)
    candidates: list[tuple[int, int, int, str, bool, int]] = []  # start, end, count, kind, singular, priority
    for priority, (pattern, kind, singular) in enumerate(_statement_patterns()):
        for m in pattern.finditer(sentence):
            if kind == "none":
                count = 0
            elif singular:
                if _NEG_CONTEXT.search(sentence[: m.start()]) or _NEG_CONTEXT.search(m.group(0)):
                    continue
                count = 1
            else:
                value = _parts_count(sentence, m.start("n"), m.end("n"))
                if value is None:
                    continue
                count = value + (1 if re.search(r"\b(?:himself|herself)\b", m.group(0)) else 0)
            start, end = m.start(), m.end()
            if singular and pattern.pattern.startswith(r"\b(?:was"):
                start = _subject_start(sentence, start)
            candidates.append((start, end, count, kind, singular, priority))
    # Keep the best non-overlapping statements: patterns earlier in the list win, then longer spans.
    candidates.sort(key=lambda c: (c[5], -(c[1] - c[0]), c[0]))
    chosen: list[tuple[int, int, int, str, bool, int]] = []
    for cand in candidates:
        if all(cand[1] <= c[0] or cand[0] >= c[1] for c in chosen):
            chosen.append(cand)
    if any(not c[4] and c[3] != "none" for c in chosen):
        chosen = [c for c in chosen if not c[4]]  # the lone victim is most likely among the counted ones
    chosen.sort(key=lambda c: c[0])
    return [Fatalities(c[2], original[c[0] : c[1]], base + c[0], base + c[1], c[3]) for c in chosen]


def _subject_start(sentence: str, verb_start: int) -> int:
    """Stretch a bare "was killed" back over its subject (a name, or a name with an age in commas)."""
    before = sentence[:verb_start]
    m = re.search(
        r"((?:(?:[Hh]is|[Hh]er|[Tt]heir|[Tt]he)\s+[a-z][\w'’-]*|(?:[A-Z][\w'’-]*\s+){0,3}[A-Z][\w'’-]*))"
        r"(?:\s*,\s*\d{1,3}\s*,)?\s*$",
        before,
    )
    return m.start(1) if m else verb_start


def fatalities_for_event(sentences: list[tuple[str, int]]) -> Fatalities | None:
    """The ACLED figure for an event from its sentences ((text, base offset) in text order): the last death
    toll if any; else the lowest per-sentence total; else a zero statement; else None."""
    tolls: list[Fatalities] = []
    totals: list[Fatalities] = []
    zeros: list[Fatalities] = []
    for text, base in sentences:
        found = find_fatalities(text, base)
        tolls.extend(f for f in found if f.kind == "death_toll")
        zeros.extend(f for f in found if f.kind == "none")
        counted = [f for f in found if f.kind in {"killed", "found_dead"}]
        if len(counted) == 1:
            totals.append(counted[0])
        elif counted:
            start, end = counted[0].start, counted[-1].end
            kinds = {f.kind for f in counted}
            totals.append(
                Fatalities(
                    sum(f.count for f in counted),
                    text[start - base : end - base],
                    start,
                    end,
                    "killed" if "killed" in kinds else "found_dead",
                )
            )
    if tolls:
        return tolls[-1]
    positive = [f for f in totals if f.count > 0]
    if positive:
        return min(positive, key=lambda f: f.count)  # min keeps the first of equal figures
    if zeros:
        return zeros[0]
    return None
