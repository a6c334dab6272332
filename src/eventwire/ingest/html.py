"""HTML → (article body text, page metadata).

The body comes from trafilatura (which drops navigation, sidebars and footers), rendered as one paragraph
per block separated by blank lines so `clean.paragraphs` sees the page's own paragraphs. Metadata comes
from the page's tags: title (og:title, JSON-LD headline, <h1>, <title> minus its " - Site" suffix),
publisher (og:site_name, publisher meta, JSON-LD), published date (article:published_time and kin,
JSON-LD datePublished, <time datetime>) and the canonical URL. Broken HTML yields what can be read, never
an exception: the caller decides whether what is left is an article.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from eventwire.ingest.metadata import looks_like_outlet, parse_iso

log = logging.getLogger(__name__)

_TITLE_META = ("og:title", "twitter:title", "dc.title")
_PUBLISHER_META = ("og:site_name", "publisher", "dc.publisher", "application-name")
_DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "publish_date", "date", "dc.date", "dc.date.issued", "dcterms.created", "dcterms.issued",
    "article.published", "sailthru.date", "parsely-pub-date", "cxenseparse:recs:publishtime",
)  # fmt: skip
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|–—·•:-]|::)\s+")


@dataclass(slots=True)
class HtmlMeta:
    title: str | None = None
    publisher: str | None = None
    published: date | None = None
    url: str | None = None


def _text(el: Any) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def _parse(html: str) -> Any | None:
    try:
        return lxml.html.document_fromstring(
            html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8")
        )
    except (etree.ParserError, ValueError, TypeError):
        return None


def _meta_values(tree: Any) -> dict[str, str]:
    """meta property/name/itemprop → content (first occurrence wins), keys lower-cased."""
    values: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().casefold()
        content = (el.get("content") or "").strip()
        if key and content and key not in values:
            values[key] = content
    return values


def _json_ld(tree: Any) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page (lists and @graph flattened); bad JSON is skipped."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            found.append(node)
            walk(node.get("@graph"))

    for script in tree.iter("script"):
        if (script.get("type") or "").strip().casefold() == "application/ld+json" and script.text:
            try:
                walk(json.loads(script.text))
            except ValueError:
                continue
    return found


def _ld_first(objects: list[dict[str, Any]], key: str) -> Any:
    return next((obj[key] for obj in objects if obj.get(key)), None)


def _strip_site_suffix(title: str, publisher: str | None) -> str:
    """ "Headline - Site" → "Headline" when the last part is the publisher or looks like an outlet."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        last = parts[-1].strip()
        if (publisher and last.casefold() == publisher.casefold()) or looks_like_outlet(last):
            return title[: title.rfind(last)].rstrip(" |–—·•:-")
    return title


def page_metadata(tree: Any) -> HtmlMeta:
    meta = _meta_values(tree)
    ld = _json_ld(tree)
    out = HtmlMeta()

    publisher = next((meta[k] for k in _PUBLISHER_META if k in meta and "://" not in meta[k]), None)
    if not publisher:
        ld_pub = _ld_first(ld, "publisher")
        if isinstance(ld_pub, list):
            ld_pub = ld_pub[0] if ld_pub else None
        publisher = (
            ld_pub.get("name") if isinstance(ld_pub, dict) else ld_pub if isinstance(ld_pub, str) else None
        )
    out.publisher = publisher.strip() if publisher else None

    title = next((meta[k] for k in _TITLE_META if k in meta), None) or _ld_first(ld, "headline")
    if not title:
        h1 = next(tree.iter("h1"), None)
        title = _text(h1) if h1 is not None else None
    if not title:
        el = next(tree.iter("title"), None)
        title = _strip_site_suffix(_text(el), out.publisher) if el is not None else None
    out.title = title.strip() if isinstance(title, str) and title.strip() else None

    candidates = [meta[k] for k in _DATE_META if k in meta]
    ld_date = _ld_first(ld, "datePublished")
    if isinstance(ld_date, str):
        candidates.append(ld_date)
    for el in tree.iter("time"):
        if el.get("datetime"):
            candidates.append(el.get("datetime"))
    out.published = next((d for d in (parse_iso(c) for c in candidates) if d), None)

    canonical = next(
        (
            el.get("href")
            for el in tree.iter("link")
            if (el.get("rel") or "").casefold() == "canonical" and el.get("href")
        ),
        None,
    )
    out.url = canonical or meta.get("og:url")
    return out


def _render(body: Any) -> str:
    """trafilatura's XML body → text, one block per paragraph, blank lines between them."""
    blocks: list[str] = []
    for lb in body.iter("lb"):
        lb.tail = "\n" + (lb.tail or "")
    for child in body:
        if child.tag == "table":
            continue
        if child.tag == "list":
            blocks.extend(t for t in (_text(item) for item in child.iter("item")) if t)
            continue
        text = "".join(child.itertext()).strip()
        if text:
            blocks.append(text)
    return "\n\n".join(blocks)


def _fallback_text(tree: Any) -> str:
    """The page's <p> texts, for pages too small or odd for trafilatura."""
    return "\n\n".join(t for t in (_text(p) for p in tree.iter("p")) if t)


def extract(html: str) -> tuple[str, HtmlMeta]:
    """Body text (paragraphs separated by blank lines) and metadata of an HTML page."""
    tree = _parse(html)
    meta = page_metadata(tree) if tree is not None else HtmlMeta()
    body = ""
    try:
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=False,
            include_comments=False,
            include_tables=False,
            include_images=False,
        )
        if doc is not None and getattr(doc, "body", None) is not None:
            body = _render(doc.body)
    except Exception as err:  # trafilatura on hostile markup: fall back rather than fail the document
        log.debug("trafilatura failed: %s", err)
    if not body and tree is not None:
        body = _fallback_text(tree)
    return body, meta
