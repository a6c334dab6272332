"""Evaluation of the pipeline against labelled data: `eventwire evaluate DATASET PATH`.

This module owns the dataset readers, the runners (which call the pipeline) and the scorers. Scorers are
plain functions over gold records and prediction dicts (`Event.to_dict()` output), kept apart from the
runners so they can be unit-tested without spaCy:

* `acled`: one ACLED CSV row per note; `score_acled(golds, predictions)`.
* `event-location`: sentences labelled with the event's location span; `score_event_location(...)`.
* `geoparsing`: LGL / GeoWebNews XML articles with toponym spans; `score_geoparsing(...)`.
* `ucdp`: UCDP GED CSV rows, the source headline as text; `score_ucdp(...)`.
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
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import InputError
from .resolve.dictionary import ActorDictionary
from .resolve.gazetteer import haversine_km

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
_YEAR_RANGE = re.compile(r"\s*\(\d{4}\s*-\s*(?:\d{4})?\)\s*$")


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
    """Casefolded name without ACLED's trailing year range, for lenient comparison."""
    return _YEAR_RANGE.sub("", (name or "").strip()).strip().casefold()


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
        found = dictionary.lookup(name) or dictionary.lookup(_YEAR_RANGE.sub("", name).strip())
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
    """(start, end) of every LOCATION span. Some spans carry a `text` that their offsets do not cover
    (start == end): those are located by their text, the occurrence nearest the stated start."""
    text = record.get("text") or ""
    out = []
    for span in record.get("spans") or []:
        if span.get("label") != "LOCATION":
            continue
        start, end = int(span["start"]), int(span["end"])
        said = span.get("text")
        if said and text[start:end] != said:
            hits = [m.start() for m in re.finditer(re.escape(said), text)]
            if not hits:
                continue
            start = min(hits, key=lambda h: abs(h - start))
            end = start + len(said)
        if end > start:
            out.append((start, end))
    return out


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
    """Our location span for a sentence: the first event's `evidence["location"]`, or None."""
    from .ingest import read_bytes

    text = record.get("text") or ""
    try:
        doc = read_bytes(text.encode("utf-8"), f"record {record.get('_id')}")
    except InputError:
        return None
    result = pipeline.extract(doc)
    if not result.events or "location" not in result.events[0].evidence:
        return None
    ev = result.events[0].evidence["location"]
    # Ingest cleans the text; map back to the record's offsets through the span's text when they shifted.
    if text[ev.start : ev.end] == ev.text:
        return ev.start, ev.end
    found = text.find(ev.text)
    return (found, found + len(ev.text)) if found >= 0 else None


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


def extract_ucdp_row(pipeline: Any, row: dict[str, str]) -> list[dict[str, Any]]:
    """Events from a UCDP row's `source_headline` (the only text GED carries), published on its
    `source_date` (else `date_start`)."""
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
    return [ev.to_dict() for ev in pipeline.extract(doc).events]


# ---------------------------------------------------------------------------------------------- runner


DATASETS = ("acled", "event-location", "geoparsing", "ucdp")


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
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run the pipeline over a dataset: (metrics, worst rows for `--errors`)."""
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
            events, crash = _guarded(extract_ucdp_row, pipeline, row)
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
    raise InputError(dataset, f"unknown dataset; choose from {', '.join(DATASETS)}")


def _paths(path: str | Path) -> list[Path]:
    """A file, or every .xml file in a directory (the geoparsing corpora come as several files)."""
    p = Path(path)
    return sorted(p.glob("*.xml")) if p.is_dir() else [p]
