"""Evaluation of the pipeline against labelled data: `eventwire evaluate DATASET PATH`.

This module owns the dataset readers, the runners (which call the pipeline) and the scorers. Scorers are
plain functions over gold records and prediction dicts (`Event.to_dict()` output), kept apart from the
runners so they can be unit-tested without spaCy:

* `acled`: one ACLED CSV row per note; `score_acled(golds, predictions)`.
* `event-location`: sentences labelled with the event's location span; `score_event_location(...)`.
* `geoparsing`: LGL / GeoWebNews XML articles with toponym spans; `score_geoparsing(...)`.
* `ucdp`: UCDP GED CSV rows, the source headline as text; `score_ucdp(...)`.
* `relations`: YAML items of sentences with the relations they state; `score_relations(...)`.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import re
import statistics
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import InputError
from .extract.descriptions import resolve_description
from .resolve.dictionary import ActorDictionary
from .resolve.gazetteer import Gazetteer, haversine_km

ACLED_METRICS = (
    "event_recall",
    "event_type_accuracy",
    "sub_event_type_accuracy",
    "sub_event_type_macro_f1",
    "actor1_match",
    "actor2_match",
    "actor1_exact",
    "actor2_exact",
    "date_exact",
    "country_accuracy",
    "location_within_25km",
    "median_error_km",
    "fatalities_exact",
    "fatalities_mae",
    "n",
    "notes_per_second",
)  # `run` adds `pipeline_errors`: rows on which the pipeline raised (scored as no event)
LOCATION_KM = 25.0
# ACLED suffixes actor names with the years of a government or a force: "Military Forces of X (2019-)".
# ACLED's government-period label, "(2019-)" or "(2017-2022)": at the end of a name or before a branch
# ("Military Forces of Brazil (2019-) Military Police"). ACLED closes the range when the government ends,
# so one actor carries both forms depending on when the data was exported.
_YEAR_RANGE = re.compile(r"\s*\(\d{4}\s*-\s*(?:\d{4})?\)(?=\s|$)\s*")


# ---------------------------------------------------------------------------------------------- helpers


def _ratio(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def normalize_actor(name: str | None) -> str:
    """Casefolded name without ACLED's year range (trailing or before a branch), for lenient comparison."""
    return _YEAR_RANGE.sub(" ", (name or "").strip()).strip().casefold()


def actor_match(gold: str | None, ours: str | None, dictionary: ActorDictionary | None = None) -> bool:
    """Same actor: equal after `normalize_actor`, or both names resolve to the same dictionary entry."""
    if not gold or not ours:
        return False
    if normalize_actor(gold) == normalize_actor(ours):
        return True
    if dictionary is None:
        return False

    def entry(name: str) -> str | None:
        # Try the name as written first: the dictionary may carry ACLED's full name, year range included.
        found = dictionary.lookup(name) or dictionary.lookup(_YEAR_RANGE.sub(" ", name).strip())
        return found.name if found else None

    g, o = entry(gold), entry(ours)
    return g is not None and g == o


def distance_km(gold: dict[str, Any], event: dict[str, Any] | None) -> float | None:
    """Distance between the gold and predicted coordinates; None when either side has none."""
    if event is None:
        return None
    glat, glon = _float(gold.get("latitude")), _float(gold.get("longitude"))
    lat, lon = _float(event.get("latitude")), _float(event.get("longitude"))
    if None in (glat, glon, lat, lon):
        return None
    return haversine_km(glat, glon, lat, lon)  # type: ignore[arg-type]


def _actor_ok(gold: str | None, ours: str | None, dictionary: ActorDictionary | None) -> bool:
    # For choosing the best event and listing errors, "no actor 2" on both sides is agreement; the
    # actor metrics themselves skip rows whose gold actor is empty.
    if not (gold or "").strip():
        return not ours
    return actor_match(gold, ours, dictionary)


def acled_checks(
    gold: dict[str, Any], event: dict[str, Any] | None, dictionary: ActorDictionary | None = None
) -> dict[str, bool]:
    """Which fields of one predicted event agree with the gold row (all False when there is no event)."""
    if event is None:
        return dict.fromkeys(
            ("event_type", "sub_event_type", "actor1", "actor2", "date", "country", "location", "fatalities"),
            False,
        )
    km = distance_km(gold, event)
    return {
        "event_type": event.get("event_type") == gold.get("event_type"),
        "sub_event_type": event.get("sub_event_type") == gold.get("sub_event_type"),
        "actor1": _actor_ok(gold.get("actor1"), event.get("actor1"), dictionary),
        "actor2": _actor_ok(gold.get("actor2"), event.get("actor2"), dictionary),
        "date": bool(event.get("event_date")) and event.get("event_date") == gold.get("event_date"),
        "country": (event.get("country") or "").casefold() == (gold.get("country") or "").casefold()
        and bool(event.get("country")),
        "location": km is not None and km <= LOCATION_KM,
        "fatalities": _int(event.get("fatalities") or 0) == _int(gold.get("fatalities")),
    }


def best_event(
    gold: dict[str, Any], events: list[dict[str, Any]], dictionary: ActorDictionary | None = None
) -> dict[str, Any] | None:
    """The event that matches the gold row on the most fields; the first one on ties; None if no events."""
    if not events:
        return None
    return max(events, key=lambda ev: sum(acled_checks(gold, ev, dictionary).values()))


def macro_f1(gold_labels: list[str], predicted: list[str | None]) -> float | None:
    """Macro-averaged F1 over every label seen in gold or predictions; None (no prediction) is a miss."""
    labels = {g for g in gold_labels if g} | {p for p in predicted if p}
    if not labels:
        return None
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold_labels, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold_labels, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold_labels, predicted, strict=True) if g == label and p != label)
        scores.append(2 * tp / (2 * tp + fp + fn))
    return round(sum(scores) / len(scores), 4)


# ---------------------------------------------------------------------------------------------- ACLED


def score_acled(
    golds: list[dict[str, Any]],
    predictions: list[list[dict[str, Any]]],
    dictionary: ActorDictionary | None = None,
) -> dict[str, Any]:
    """Scores of predicted events (`Event.to_dict()` dicts, several per row allowed) against ACLED rows.

    Per row the best-matching event is scored. Accuracies are over all rows, a row without an event
    counting as wrong; `actor*_match`/`actor*_exact` only over rows whose gold actor is non-empty;
    `median_error_km` over rows where we gave coordinates; `fatalities_mae` over rows with an event
    (a row without one has no fatality figure to be off by)."""
    if len(golds) != len(predictions):
        raise ValueError(f"{len(golds)} gold rows but {len(predictions)} predictions")
    n = len(golds)
    best = [best_event(g, evs, dictionary) for g, evs in zip(golds, predictions, strict=True)]
    checks = [acled_checks(g, ev, dictionary) for g, ev in zip(golds, best, strict=True)]

    def accuracy(key: str) -> float | None:
        return _ratio(sum(c[key] for c in checks), n)

    out: dict[str, Any] = {"event_recall": _ratio(sum(ev is not None for ev in best), n)}
    out["event_type_accuracy"] = accuracy("event_type")
    out["sub_event_type_accuracy"] = accuracy("sub_event_type")
    out["sub_event_type_macro_f1"] = macro_f1(
        [g.get("sub_event_type") or "" for g in golds],
        [ev.get("sub_event_type") if ev else None for ev in best],
    )
    exact: dict[str, float | None] = {}
    for side in ("actor1", "actor2"):
        rows = [(g, ev) for g, ev in zip(golds, best, strict=True) if (g.get(side) or "").strip()]
        out[f"{side}_match"] = _ratio(
            sum(actor_match(g[side], ev.get(side) if ev else None, dictionary) for g, ev in rows), len(rows)
        )
        exact[f"{side}_exact"] = _ratio(
            sum(bool(ev) and ev.get(side) == g[side] for g, ev in rows), len(rows)
        )
    out.update(exact)  # after both lenient scores, in the documented key order
    out["date_exact"] = accuracy("date")
    out["country_accuracy"] = accuracy("country")
    out["location_within_25km"] = accuracy("location")
    errors = [km for g, ev in zip(golds, best, strict=True) if (km := distance_km(g, ev)) is not None]
    out["median_error_km"] = round(statistics.median(errors), 2) if errors else None
    out["fatalities_exact"] = accuracy("fatalities")
    diffs = [
        abs(int(ev.get("fatalities") or 0) - (_int(g.get("fatalities")) or 0))
        for g, ev in zip(golds, best, strict=True)
        if ev is not None
    ]
    out["fatalities_mae"] = round(sum(diffs) / len(diffs), 3) if diffs else None
    out["n"] = n
    return out


_GOLD_FIELDS = (
    "event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "country",
    "location", "latitude", "longitude", "fatalities",
)  # fmt: skip


def acled_errors(
    golds: list[dict[str, Any]],
    predictions: list[list[dict[str, Any]]],
    dictionary: ActorDictionary | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Every row with a field wrong, worst (fewest fields right) first, gold fields beside our best event
    with its evidence; `limit` keeps the first rows of that list."""
    rows = []
    for gold, events in zip(golds, predictions, strict=True):
        ev = best_event(gold, events, dictionary)
        checks = acled_checks(gold, ev, dictionary)
        rows.append(
            {
                "id": gold.get("event_id_cnty"),
                "right": sum(checks.values()),
                "wrong": [k for k, ok in checks.items() if not ok],
                "notes": gold.get("notes"),
                "gold": {k: gold.get(k) for k in _GOLD_FIELDS},
                "ours": ev,
                "n_events": len(events),
                "distance_km": None if (km := distance_km(gold, ev)) is None else round(km, 1),
            }
        )
    rows = [r for r in rows if r["wrong"]]
    rows.sort(key=lambda r: r["right"])  # stable: ties keep file order
    return rows[:limit] if limit is not None else rows


def read_acled(path: str | Path, limit: int | None = None) -> list[dict[str, str]]:
    """The first `limit` rows of an ACLED CSV export."""
    rows = read_acled_like(path, limit)
    if rows and "notes" not in rows[0]:
        raise InputError(str(path), "not an ACLED CSV: no 'notes' column")
    return rows


def read_acled_like(path: str | Path, limit: int | None = None) -> list[dict[str, str]]:
    """The first `limit` rows of a CSV file with a header row."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = []
            for row in csv.DictReader(fh):
                if limit is not None and len(rows) >= limit:
                    break
                rows.append(row)
    except OSError as err:
        raise InputError(str(path), f"cannot read: {err.strerror or err}") from None
    return rows


def extract_acled_row(pipeline: Any, row: dict[str, str]) -> list[dict[str, Any]]:
    """Events from one ACLED row's `notes`, with the row's `event_date` passed as the publication date
    (ACLED notes say "On 23 February 2022, ..." but relative dates need an anchor too). An input the
    reader rejects counts as no event."""
    from .ingest import read_bytes

    published = None
    with contextlib.suppress(ValueError):  # a row without a usable date is still scored
        published = dt.date.fromisoformat(row.get("event_date") or "")
    try:
        doc = read_bytes(
            (row.get("notes") or "").encode("utf-8"), f"row {row.get('event_id_cnty')}", published=published
        )
    except InputError:
        return []
    return [ev.to_dict() for ev in pipeline.extract(doc).events]


# ------------------------------------------------------------------------------------------ event location


def read_event_location(path: str | Path, limit: int | None = None) -> list[dict[str, Any]]:
    """The hand-relabelled records (`source == "RELABEL"`) of the event-location file (one JSON array)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(str(path), f"cannot read: {err.strerror or err}") from None
    except json.JSONDecodeError as err:
        raise InputError(str(path), f"not JSON: {err}") from None
    records = [r for r in data if isinstance(r, dict) and r.get("source") == "RELABEL"]
    return records[:limit] if limit is not None else records


def gold_location_spans(record: dict[str, Any]) -> list[tuple[int, int]]:
    """(start, end) of every LOCATION span. Some spans carry a `text` that their offsets do not cover:
    in those the annotation tool wrote token indices into `start`/`end`, so the span is read off the
    record's tokens (`token_start`..`token_end`, inclusive) when they spell the stated text. Failing
    that, the span is located by its text, the occurrence nearest the stated start."""
    text = record.get("text") or ""
    tokens = record.get("tokens") or []
    out = []
    for span in record.get("spans") or []:
        if span.get("label") != "LOCATION":
            continue
        start, end = int(span["start"]), int(span["end"])
        said = span.get("text")
        if said and text[start:end] != said:
            by_tokens = _token_span(text, tokens, span)
            if by_tokens is not None and text[by_tokens[0] : by_tokens[1]].strip() == said.strip():
                start, end = by_tokens
            else:
                hits = [m.start() for m in re.finditer(re.escape(said), text)]
                if not hits:
                    continue
                start = min(hits, key=lambda h: abs(h - start))
                end = start + len(said)
        if end > start:
            out.append((start, end))
    return out


def _token_span(text: str, tokens: list[dict[str, Any]], span: dict[str, Any]) -> tuple[int, int] | None:
    """Character offsets of a span's `token_start`..`token_end` (inclusive), or None when the record's
    tokens cannot give them (no token indices, or indices outside the token list or the text)."""
    first, last = span.get("token_start"), span.get("token_end")
    if not isinstance(first, int) or not isinstance(last, int) or not 0 <= first <= last < len(tokens):
        return None
    start, end = tokens[first].get("start"), tokens[last].get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
        return None
    return start, end


def score_event_location(
    golds: list[dict[str, Any]], predictions: list[tuple[int, int] | None]
) -> dict[str, Any]:
    """Accuracy of the chosen location span: right when it overlaps a gold LOCATION span, or when both
    gold and we say there is no location."""
    if len(golds) != len(predictions):
        raise ValueError(f"{len(golds)} gold records but {len(predictions)} predictions")
    right = 0
    for gold, pred in zip(golds, predictions, strict=True):
        spans = gold_location_spans(gold)
        if not spans:
            right += pred is None
        elif pred is not None:
            right += any(pred[0] < e and s < pred[1] for s, e in spans)
    return {"accuracy": _ratio(right, len(golds)), "n": len(golds)}


def extract_event_location(pipeline: Any, record: dict[str, Any]) -> tuple[int, int] | None:
    """Our location span for a sentence's event: the record marks the event's word (its VERB span), and
    the task is to choose where that event happened among the sentence's places, so the place reader runs
    on the sentence and `DocumentPlaces.for_event` chooses for that word. Ingest cleans the text (runs of
    spaces collapse), so the VERB offset is carried into the cleaned text and the chosen span back by an
    alignment of the two. A record without a VERB span falls back to the first extracted event's
    `evidence["location"]`. None means "no location"."""
    from .ingest import read_bytes
    from .pipeline import COMPONENTS, Analysis

    text = record.get("text") or ""
    try:
        doc = read_bytes(text.encode("utf-8"), f"record {record.get('_id')}")
    except InputError:
        return None
    verb = next((s for s in record.get("spans") or [] if s.get("label") == "VERB"), None)
    if verb is None:
        result = pipeline.extract(doc)
        if not result.events or "location" not in result.events[0].evidence:
            return None
        ev = result.events[0].evidence["location"]
        # Ingest cleans the text; map back to the record's offsets through the span's text when they shift.
        if text[ev.start : ev.end] == ev.text:
            return ev.start, ev.end
        found = text.find(ev.text)
        return (found, found + len(ev.text)) if found >= 0 else None
    analysis = Analysis(document=doc, settings=pipeline.settings)
    for step in ("nlp", "actors", "places"):
        COMPONENTS[step](analysis)
    assert analysis.doc is not None and analysis.places is not None
    to_doc, to_record = align_offsets(text, doc.text), align_offsets(doc.text, text)
    at = to_doc(int(verb["start"]))
    token = next((t for t in analysis.doc if t.idx <= at < t.idx + len(t.text)), None)
    if token is None:
        return None
    chosen = analysis.places.for_event(token.sent, token, resolved_only=False, attached_only=True)
    if chosen is None:
        return None
    start, end = to_record(chosen.start), to_record(chosen.end - 1) + 1
    return (start, end) if end > start else None


def align_offsets(source: str, target: str) -> Callable[[int], int]:
    """A map from character offsets of `source` to those of `target`, a lightly edited copy of it (runs of
    spaces collapsed, ends trimmed): a character both keep maps to its copy; one the edit dropped maps to
    the next kept character (or the end of `target`)."""
    if source == target:
        return lambda i: i
    import difflib

    table = [len(target)] * (len(source) + 1)
    for a, b, size in difflib.SequenceMatcher(None, source, target, autojunk=False).get_matching_blocks():
        for k in range(size):
            table[a + k] = b + k
    for i in range(len(source) - 1, -1, -1):  # dropped characters take the next kept one's place
        if table[i] == len(target) and table[i + 1] < len(target):
            table[i] = table[i + 1]
    return lambda i: table[min(max(i, 0), len(source))]


# ------------------------------------------------------------------------------------------ geoparsing

ACC_KM = 161.0  # 100 miles: the customary geoparsing "accuracy at 161 km"
Span = tuple[int, int]


#: GeoWebNews annotation types that are not toponyms (Gritta et al. 2019 count them apart): place-like
#: common nouns and phrases ("church", "residents") and names that only look like places.
NOT_TOPONYM_TYPES = {"Literal_Expression", "Non_Lit_Expression", "Non_Toponym"}


def read_geoparsing(path: str | Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Articles of an LGL- or GeoWebNews-style XML file: {"id", "text", "toponyms": [{start, end, lat,
    lon}]}. GeoWebNews toponyms marked non-locational, and its expression and non-toponym types, are
    left out: they name no place."""
    try:
        root = ET.parse(path).getroot()
    except OSError as err:
        raise InputError(str(path), f"cannot read: {err.strerror or err}") from None
    except ET.ParseError as err:
        raise InputError(str(path), f"not XML: {err}") from None
    out = []
    for art in root.iter("article"):
        if limit is not None and len(out) >= limit:
            break
        toponyms = []
        for top in art.iter("toponym"):
            if (top.findtext("nonLocational") or "No").strip() == "Yes":
                continue
            if (top.findtext("type") or "").strip() in NOT_TOPONYM_TYPES:
                continue  # GeoWebNews annotates common nouns ("lot", "residents") too: not toponyms
            lat = top.findtext("gaztag/lat") or top.findtext("latitude")
            lon = top.findtext("gaztag/lon") or top.findtext("longitude")
            toponyms.append(
                {
                    "start": int(top.findtext("start") or 0),
                    "end": int(top.findtext("end") or 0),
                    "lat": _float(lat),
                    "lon": _float(lon),
                }
            )
        out.append(
            {
                "id": art.get("docid") or art.get("file"),
                "text": art.findtext("text") or "",
                "toponyms": toponyms,
            }
        )
    return out


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_geoparsing(golds: list[dict[str, Any]], predictions: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """Toponym P/R/F1 by span overlap (each gold toponym matched at most once), and over matched
    toponyms with gold coordinates: share within 161 km (no coordinates from us counts as a miss) and
    the median error where both sides have coordinates. Predictions: [{start, end, lat, lon}] per article."""
    if len(golds) != len(predictions):
        raise ValueError(f"{len(golds)} gold articles but {len(predictions)} predictions")
    tp = n_pred = n_gold = 0
    geo_total = geo_hits = 0
    errors: list[float] = []
    for gold, preds in zip(golds, predictions, strict=True):
        tops = gold["toponyms"]
        n_gold += len(tops)
        n_pred += len(preds)
        used: set[int] = set()
        for pred in preds:
            match = next(
                (
                    i
                    for i, t in enumerate(tops)
                    if i not in used and _overlaps((pred["start"], pred["end"]), (t["start"], t["end"]))
                ),
                None,
            )
            if match is None:
                continue
            used.add(match)
            tp += 1
            top = tops[match]
            if top.get("lat") is None or top.get("lon") is None:
                continue
            geo_total += 1
            if pred.get("lat") is None or pred.get("lon") is None:
                continue
            km = haversine_km(top["lat"], top["lon"], pred["lat"], pred["lon"])
            errors.append(km)
            geo_hits += km <= ACC_KM
    precision = tp / n_pred if n_pred else None
    recall = tp / n_gold if n_gold else None
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall
        else (0.0 if precision is not None and recall is not None else None)
    )
    return {
        "toponym_precision": None if precision is None else round(precision, 4),
        "toponym_recall": None if recall is None else round(recall, 4),
        "toponym_f1": None if f1 is None else round(f1, 4),
        "acc_at_161km": _ratio(geo_hits, geo_total),
        "median_error_km": round(statistics.median(errors), 2) if errors else None,
        "n": len(golds),
    }


def _original_span(original: str, start: int, end: int, said: str) -> Span | None:
    """Ingest may clean the text and shift offsets: find `said` in the original text, nearest `start`."""
    if original[start:end] == said:
        return start, end
    hits = [m.start() for m in re.finditer(re.escape(said), original)] if said else []
    if not hits:
        return None
    best = min(hits, key=lambda h: abs(h - start))
    return best, best + len(said)


def extract_geoparsing(pipeline: Any, article: dict[str, Any]) -> list[dict[str, Any]]:
    """The pipeline's resolved `places` with spans in the article's own offsets."""
    from .ingest import read_bytes

    try:
        doc = read_bytes(article["text"].encode("utf-8"), f"article {article.get('id')}", is_html=False)
    except InputError:
        return []
    out = []
    for place in pipeline.extract(doc).places:
        if place.evidence is None:
            continue
        ev = place.evidence
        span = _original_span(article["text"], ev.start, ev.end, ev.text)
        if span is not None:
            out.append({"start": span[0], "end": span[1], "lat": place.latitude, "lon": place.longitude})
    return out


# ------------------------------------------------------------------------------------------ UCDP


#: The UCDP GED column that describes where an event happened, read beside the headline.
UCDP_PLACE_COLUMN = "where_description"


def read_ucdp(path: str | Path, limit: int | None = None) -> list[dict[str, str]]:
    """The first `limit` rows of a UCDP GED CSV."""
    rows = read_acled_like(path, limit)
    if rows and "side_a" not in rows[0]:
        raise InputError(str(path), "not a UCDP GED CSV: no 'side_a' column")
    return rows


def ucdp_side_match(side: str, actors: list[str | None], dictionary: ActorDictionary | None = None) -> bool:
    """A UCDP side named by one of our actors. "Government of X" is X's state forces in ACLED's terms
    ("Military Forces of X (..)", "Police Forces of X (..)"); otherwise the ACLED actor rules apply, with
    or without the country suffix of ours."""
    side = side.strip()
    gov = re.fullmatch(r"Government of (.+)", side)
    for actor in actors:
        if not actor:
            continue
        if gov and re.match(
            rf"(?:Military|Police|Air|Naval) Forces of {re.escape(gov.group(1))}\b", actor, re.I
        ):
            return True
        # UCDP names a generic side without ACLED's country suffix: "Civilians" is "Civilians (Syria)".
        if actor_match(side, actor, dictionary) or actor_match(side, re.sub(r"\s*\([^()]*\)$", "", actor)):
            return True
    return False


def score_ucdp(
    golds: list[dict[str, Any]],
    predictions: list[list[dict[str, Any]]],
    dictionary: ActorDictionary | None = None,
) -> dict[str, Any]:
    """Per row, the event naming the most sides (then nearest the gold point) is scored. `side_match`:
    share of non-empty gold sides (side_a, side_b) that this event's actor1/actor2 name;
    `location_within_25km` over all rows; `median_error_km` over rows where we gave coordinates."""
    if len(golds) != len(predictions):
        raise ValueError(f"{len(golds)} gold rows but {len(predictions)} predictions")
    sides_total = sides_hit = near = 0
    errors: list[float] = []

    def sides(gold: dict[str, Any], ev: dict[str, Any]) -> int:
        actors = [ev.get("actor1"), ev.get("actor2")]
        return sum(
            ucdp_side_match(gold[k], actors, dictionary) for k in ("side_a", "side_b") if (gold.get(k) or "")
        )

    for gold, events in zip(golds, predictions, strict=True):
        sides_total += sum(bool((gold.get(k) or "").strip()) for k in ("side_a", "side_b"))
        if not events:
            continue
        best = max(events, key=lambda ev: (sides(gold, ev), -(distance_km(gold, ev) or 1e9)))
        sides_hit += sides(gold, best)
        km = distance_km(gold, best)
        if km is not None:
            errors.append(km)
            near += km <= LOCATION_KM
    n = len(golds)
    return {
        "event_recall": _ratio(sum(bool(evs) for evs in predictions), n),
        "side_match": _ratio(sides_hit, sides_total),
        "location_within_25km": _ratio(near, n),
        "median_error_km": round(statistics.median(errors), 2) if errors else None,
        "n": n,
    }


def extract_ucdp_row(
    pipeline: Any, row: dict[str, str], place_column: str | None = UCDP_PLACE_COLUMN
) -> list[dict[str, Any]]:
    """Events from a UCDP row's `source_headline`, published on its `source_date` (else `date_start`).
    Where the row describes the event's place (`place_column`, GED's `where_description`), that
    description, resolved in the headline's country, is each event's location; an event keeps its own
    when the description names nothing the gazetteer knows."""
    from .ingest import read_bytes

    published = None
    for key in ("source_date", "date_start"):
        with contextlib.suppress(ValueError):
            published = dt.date.fromisoformat((row.get(key) or "")[:10])
            break
    try:
        doc = read_bytes(
            (row.get("source_headline") or "").encode("utf-8"), f"row {row.get('id')}", published=published
        )
    except InputError:
        return []
    events = pipeline.extract(doc).events
    description = (row.get(place_column) or "").strip() if place_column else ""
    if events and description:
        countries = Counter(ev.iso3 for ev in events if ev.iso3)
        iso3 = countries.most_common(1)[0][0] if countries else None
        place = resolve_description(description, Gazetteer.default(), iso3)
        if place is not None:
            for ev in events:
                ev.locate(place)
    return [ev.to_dict() for ev in events]


# ------------------------------------------------------------------------------------------ relations

#: The relation types a gold file may state (the `Relation.relation` vocabulary).
RELATION_TYPES = (
    "alias",
    "member_of",
    "formerly_member_of",
    "part_of",
    "commands",
    "leads",
    "reports_to",
    "backed_by",
    "trained_by",
    "loyal_to",
    "allied_with",
    "ties_to",
    "fights",
)
#: Relations that read the same both ways: "A allied with B" is "B allied with A".
SYMMETRIC_RELATIONS = frozenset({"alias", "allied_with", "ties_to", "fights"})


def read_relations(path: str | Path, limit: int | None = None) -> list[dict[str, Any]]:
    """The items of a relations gold file (YAML list of {id, text, context?, published?, relations}),
    each relation a mapping {subject, relation, object, qualifier?, date?}; a malformed item is an error,
    not a silently skipped row, so a typo in the gold never changes the figures unseen."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(str(path), f"cannot read: {err.strerror or err}") from None
    except yaml.YAMLError as err:
        raise InputError(str(path), f"not YAML: {err}") from None
    if not isinstance(data, list):
        raise InputError(str(path), "a relations file is a YAML list of items")
    items = []
    for index, raw in enumerate(data):
        where = f"item {index + 1}" + (
            f" ({raw.get('id')})" if isinstance(raw, dict) and raw.get("id") else ""
        )
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not raw["text"].strip():
            raise InputError(str(path), f"{where}: needs a non-empty 'text'")
        relations = raw.get("relations")
        if not isinstance(relations, list):
            raise InputError(str(path), f"{where}: needs a 'relations' list ([] for none)")
        for rel in relations:
            if not isinstance(rel, dict) or not all(
                isinstance(rel.get(k), str) for k in ("subject", "object")
            ):
                raise InputError(str(path), f"{where}: a relation needs 'subject' and 'object' strings")
            if rel.get("relation") not in RELATION_TYPES:
                raise InputError(str(path), f"{where}: unknown relation {rel.get('relation')!r}")
        published = raw.get("published")
        items.append(
            {
                "id": str(raw.get("id") or index + 1),
                "text": raw["text"].strip(),
                "context": (raw.get("context") or "").strip() or None,
                # YAML reads an unquoted 2021-02-03 as a date; keep every date as its ISO string
                "published": published.isoformat() if isinstance(published, dt.date) else published,
                "relations": [
                    {
                        "subject": rel["subject"],
                        "relation": rel["relation"],
                        "object": rel["object"],
                        "qualifier": rel.get("qualifier"),
                        "date": None if rel.get("date") is None else str(rel["date"]),
                    }
                    for rel in relations
                ],
            }
        )
    return items[:limit] if limit is not None else items


def _exact_name(gold: str, ours: str) -> bool:
    return normalize_actor(gold) == normalize_actor(ours)


def relation_match(
    gold: dict[str, Any], ours: dict[str, Any], dictionary: ActorDictionary | None = None
) -> bool:
    """Same relation type, and subject and object the same actors (`actor_match`: case-insensitive, or one
    dictionary entry). An alias relation's alias side must be written the same: through the dictionary
    every alias of an actor would match every other. Symmetric relations match in either order."""
    if gold.get("relation") != ours.get("relation"):
        return False
    g_subj, g_obj = gold.get("subject") or "", gold.get("object") or ""
    o_subj, o_obj = ours.get("subject") or "", ours.get("object") or ""
    if gold["relation"] == "alias":

        def pair_ok(subj: str, obj: str) -> bool:
            return actor_match(g_subj, subj, dictionary) and _exact_name(g_obj, obj)

    else:

        def pair_ok(subj: str, obj: str) -> bool:
            return actor_match(g_subj, subj, dictionary) and actor_match(g_obj, obj, dictionary)

    if pair_ok(o_subj, o_obj):
        return True
    return gold["relation"] in SYMMETRIC_RELATIONS and pair_ok(o_obj, o_subj)


def _match_pairs(
    golds: list[dict[str, Any]], ours: list[dict[str, Any]], dictionary: ActorDictionary | None
) -> list[tuple[int, int]]:
    """A maximum one-to-one matching of gold to predicted relations (augmenting paths): a greedy first-fit
    could pair a gold relation with the one prediction another gold relation needed, and miscount."""
    candidates = [[j for j, o in enumerate(ours) if relation_match(g, o, dictionary)] for g in golds]
    owner: dict[int, int] = {}  # prediction index -> gold index

    def place(i: int, seen: set[int]) -> bool:
        for j in candidates[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or place(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(golds)):
        place(i, set())
    return sorted((i, j) for j, i in owner.items())


def _qualifier_words(value: str | None) -> frozenset[str]:
    return frozenset((value or "").casefold().split())


def qualifier_ok(gold: dict[str, Any], ours: dict[str, Any]) -> bool:
    """The same qualifier words in any order; no qualifier on either side is agreement too."""
    return _qualifier_words(gold.get("qualifier")) == _qualifier_words(ours.get("qualifier"))


def date_ok(gold: dict[str, Any], ours: dict[str, Any]) -> bool:
    """Our date falls within the gold's stated time: "2019" holds "2019" and "2019-04-02"."""
    said, got = str(gold.get("date") or ""), str(ours.get("date") or "")
    return bool(said) and (got == said or got.startswith(said + "-"))


def score_relations(
    golds: list[dict[str, Any]],
    predictions: list[list[dict[str, Any]]],
    dictionary: ActorDictionary | None = None,
) -> dict[str, Any]:
    """Precision, recall and F1 of predicted relations (`Relation.to_dict()` dicts per item) against the
    gold items' relations, matched one-to-one within an item by `relation_match`. `qualifier_accuracy` is
    over matched relations; `date_accuracy` over matched relations whose gold states a time.
    `per_relation` counts gold, predicted and matched relations of each type."""
    if len(golds) != len(predictions):
        raise ValueError(f"{len(golds)} gold items but {len(predictions)} predictions")
    per: dict[str, dict[str, int]] = {t: {"gold": 0, "predicted": 0, "matched": 0} for t in RELATION_TYPES}
    n_gold = n_pred = matched = qual_hits = dated = date_hits = clean_empty = empty = 0
    for item, ours in zip(golds, predictions, strict=True):
        gold_rels = item["relations"]
        n_gold += len(gold_rels)
        n_pred += len(ours)
        for rel in gold_rels:
            per.setdefault(rel["relation"], {"gold": 0, "predicted": 0, "matched": 0})["gold"] += 1
        for rel in ours:
            per.setdefault(rel.get("relation") or "?", {"gold": 0, "predicted": 0, "matched": 0})[
                "predicted"
            ] += 1
        if not gold_rels:
            empty += 1
            clean_empty += not ours
        for i, j in _match_pairs(gold_rels, ours, dictionary):
            matched += 1
            per[gold_rels[i]["relation"]]["matched"] += 1
            qual_hits += qualifier_ok(gold_rels[i], ours[j])
            if gold_rels[i].get("date"):
                dated += 1
                date_hits += date_ok(gold_rels[i], ours[j])
    precision = matched / n_pred if n_pred else None
    recall = matched / n_gold if n_gold else None
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall
        else (0.0 if precision is not None and recall is not None else None)
    )
    return {
        "relation_precision": None if precision is None else round(precision, 4),
        "relation_recall": None if recall is None else round(recall, 4),
        "relation_f1": None if f1 is None else round(f1, 4),
        "qualifier_accuracy": _ratio(qual_hits, matched),
        "date_accuracy": _ratio(date_hits, dated),
        "no_relation_clean": _ratio(clean_empty, empty),  # items stating none where we found none
        "n": len(golds),
        "n_gold": n_gold,
        "n_predicted": n_pred,
        "n_matched": matched,
        "per_relation": {t: c for t, c in per.items() if c["gold"] or c["predicted"]},
    }


def _short(rel: dict[str, Any]) -> str:
    out = f"{rel.get('subject')} {rel.get('relation')} {rel.get('object')}"
    if rel.get("qualifier"):
        out += f" [{rel['qualifier']}]"
    if rel.get("date"):
        out += f" @{rel['date']}"
    return out


def relation_errors(
    golds: list[dict[str, Any]],
    predictions: list[list[dict[str, Any]]],
    dictionary: ActorDictionary | None = None,
) -> list[dict[str, Any]]:
    """Every item with a missed or spurious relation, or a matched one with the wrong qualifier or date."""
    rows = []
    for item, ours in zip(golds, predictions, strict=True):
        gold_rels = item["relations"]
        pairs = _match_pairs(gold_rels, ours, dictionary)
        hit_gold, hit_ours = {i for i, _ in pairs}, {j for _, j in pairs}
        wrong_detail = [
            {"gold": _short(gold_rels[i]), "ours": _short(ours[j])}
            for i, j in pairs
            if not qualifier_ok(gold_rels[i], ours[j])
            or (gold_rels[i].get("date") and not date_ok(gold_rels[i], ours[j]))
        ]
        missed = [_short(r) for i, r in enumerate(gold_rels) if i not in hit_gold]
        spurious = [_short(r) for j, r in enumerate(ours) if j not in hit_ours]
        if missed or spurious or wrong_detail:
            rows.append(
                {
                    "id": item.get("id"),
                    "text": item.get("text"),
                    "missed": missed,
                    "spurious": spurious,
                    "qualifier_or_date": wrong_detail,
                }
            )
    return rows


def extract_relations_item(pipeline: Any, item: dict[str, Any]) -> list[dict[str, Any]]:
    """The pipeline's relations for one item (its context read first), without those whose evidence lies
    wholly in the context: the gold lists only what `text` states."""
    from .ingest import read_bytes

    published = None
    with contextlib.suppress(TypeError, ValueError):  # an item without a usable date is still scored
        published = dt.date.fromisoformat(item.get("published") or "")
    body = f"{item['context']} {item['text']}" if item.get("context") else item["text"]
    try:
        doc = read_bytes(body.encode("utf-8"), f"item {item.get('id')}", published=published, is_html=False)
    except InputError:
        return []
    # ingest may tidy whitespace, so find where the scored text begins in the cleaned text
    offset = doc.text.find(item["text"][:40]) if item.get("context") else 0
    offset = max(offset, 0)
    return [r.to_dict() for r in pipeline.extract(doc).relations if r.evidence.end > offset]


# ---------------------------------------------------------------------------------------------- runner


DATASETS = ("acled", "event-location", "geoparsing", "ucdp", "relations")


def _guarded(func: Callable[..., Any], *args: Any) -> tuple[Any, str | None]:
    """(result, None), or (None, "ExcType: message") when the pipeline crashes on one input: a single bad
    row must not throw away an hour of scoring; crashes are counted in `pipeline_errors` and listed."""
    try:
        return func(*args), None
    except Exception as err:  # noqa: BLE001 - any pipeline bug on one row is reported, not fatal
        return None, f"{type(err).__name__}: {err}"


def run(
    dataset: str,
    path: str | Path,
    limit: int | None = None,
    pipeline: Any = None,
    progress: Callable[[Iterable[Any], int], Iterator[Any]] | None = None,
    place_column: str | None = UCDP_PLACE_COLUMN,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run the pipeline over a dataset: (metrics, worst rows for `--errors`). `place_column` is the UCDP
    column read as the event's place description (None: the headline alone)."""
    if pipeline is None:
        from .pipeline import Pipeline

        pipeline = Pipeline()

    def each(items: list[Any]) -> Iterable[Any]:
        return progress(items, len(items)) if progress else items

    if dataset == "acled":
        golds = read_acled(path, limit)
        started = time.perf_counter()
        preds, crashes = [], {}
        for row in each(golds):
            events, crash = _guarded(extract_acled_row, pipeline, row)
            preds.append(events or [])
            if crash:
                crashes[row.get("event_id_cnty")] = crash
        elapsed = time.perf_counter() - started
        dictionary = ActorDictionary.default()
        metrics = score_acled(golds, preds, dictionary)
        metrics["notes_per_second"] = round(len(golds) / elapsed, 2) if elapsed > 0 else None
        metrics["pipeline_errors"] = len(crashes)
        errors = acled_errors(golds, preds, dictionary)
        for row in errors:
            if row["id"] in crashes:
                row["crash"] = crashes[row["id"]]
        return metrics, errors
    if dataset == "event-location":
        records = read_event_location(path, limit)
        spans, crashed = [], 0
        for record in each(records):
            span, crash = _guarded(extract_event_location, pipeline, record)
            spans.append(span)
            crashed += crash is not None
        errors = []
        for record, pred in zip(records, spans, strict=True):
            gold = gold_location_spans(record)
            if score_event_location([record], [pred])["accuracy"] != 1:
                errors.append(
                    {
                        "id": record.get("_id"),
                        "text": record.get("text"),
                        "gold": [record["text"][s:e] for s, e in gold],
                        "ours": None if pred is None else record["text"][pred[0] : pred[1]],
                    }
                )
        return {**score_event_location(records, spans), "pipeline_errors": crashed}, errors
    if dataset == "geoparsing":
        articles = [a for p in _paths(path) for a in read_geoparsing(p)]
        articles = articles[:limit] if limit is not None else articles
        found, crashed = [], 0
        for article in each(articles):
            places, crash = _guarded(extract_geoparsing, pipeline, article)
            found.append(places or [])
            crashed += crash is not None
        metrics = {**score_geoparsing(articles, found), "pipeline_errors": crashed}
        worst = sorted(
            (
                {"id": a["id"], "gold": len(a["toponyms"]), "ours": len(p),
                 "missed": [a["text"][t["start"]:t["end"]] for t in a["toponyms"]
                            if not any(_overlaps((t["start"], t["end"]), (q["start"], q["end"])) for q in p)]}
                for a, p in zip(articles, found, strict=True)
            ),
            key=lambda r: -len(r["missed"]),
        )  # fmt: skip
        return metrics, worst[:500]
    if dataset == "ucdp":
        rows = read_ucdp(path, limit)
        preds, crashed = [], 0
        for row in each(rows):
            events, crash = _guarded(extract_ucdp_row, pipeline, row, place_column)
            preds.append(events or [])
            crashed += crash is not None
        dictionary = ActorDictionary.default()
        metrics = {**score_ucdp(rows, preds, dictionary), "pipeline_errors": crashed}
        worst = [
            {"id": r.get("id"), "text": r.get("source_headline"), "side_a": r.get("side_a"),
             "side_b": r.get("side_b"), "ours": evs}
            for r, evs in zip(rows, preds, strict=True)
            if not evs or score_ucdp([r], [evs], dictionary)["side_match"] != 1
        ]  # fmt: skip
        return metrics, worst[:500]
    if dataset == "relations":
        items = read_relations(path, limit)
        preds, crashed = [], 0
        for item in each(items):
            rels, crash = _guarded(extract_relations_item, pipeline, item)
            preds.append(rels or [])
            crashed += crash is not None
        dictionary = ActorDictionary.default()
        metrics = {**score_relations(items, preds, dictionary), "pipeline_errors": crashed}
        return metrics, relation_errors(items, preds, dictionary)
    raise InputError(dataset, f"unknown dataset; choose from {', '.join(DATASETS)}")


def _paths(path: str | Path) -> list[Path]:
    """A file, or every .xml file in a directory (the geoparsing corpora come as several files)."""
    p = Path(path)
    return sorted(p.glob("*.xml")) if p.is_dir() else [p]
