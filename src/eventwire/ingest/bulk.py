"""Bulk inputs → `Item`s: JSONL, WARC/WARC.gz, RSS/Atom feeds, gzip files and directory trees.

An `Item` is one article as read from its container, still raw (bytes plus whatever metadata the container
gave: URL, title, publication date). Turning it into a `Document` (`to_document`) is the expensive part
(HTML extraction, cleaning, the English check), so it is left to whoever processes the item: a worker
process or a Dask task, not the single reader that walks the inputs.

Reading never stops at a bad record. A record that cannot be read (a JSONL line that is not JSON, a WARC
file that breaks off) becomes an `Item` carrying its error, so it is counted, reported and recorded like
any other failure; records that are not articles at all (a WARC request record, an image response, a file
of unknown type found in a directory) are counted in `ReadStats.skipped` by kind.

Every item is named by a `source` that says where it came from and stays the same from run to run:
`news.jsonl:12` (line 12), `crawl.warc.gz:#7` (7th record), `feed.xml:item 3`, or the file path itself.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree as ET

from eventwire.errors import InputError
from eventwire.ingest.readers import MAX_BYTES, STDIN, read_bytes, read_path
from eventwire.model import Document

#: Suffixes looked for when walking a directory (multi-part ones first: ".warc.gz" before ".gz").
BULK_SUFFIXES = (".jsonl.gz", ".ndjson.gz", ".warc.gz", ".jsonl", ".ndjson", ".warc", ".rss", ".atom", ".xml")
SINGLE_SUFFIXES = (".txt", ".html", ".htm", ".txt.gz", ".html.gz", ".htm.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_HTML_TAG = re.compile(r"</?(?:p|br|div|a|span|img|b|i|em|strong|ul|li|h[1-6])\b[^>]*>", re.IGNORECASE)


@dataclass(slots=True)
class Item:
    """One article as its container holds it; `error` set means the record could not be read."""

    source: str
    data: bytes | None = None
    is_html: bool | None = None
    url: str | None = None
    title: str | None = None
    published: date | None = None
    path: str | None = None  # the file, for single-file items: read there (size checks, suffix)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class ReadStats:
    """What the readers saw: items handed on, and records passed over because they are no articles."""

    items: int = 0
    broken: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        """'3 WARC records that are not HTML responses, 1 file of unknown type skipped', or ''."""
        if not self.skipped:
            return ""
        return ", ".join(f"{n} {kind}" for kind, n in sorted(self.skipped.items())) + " skipped"


def to_document(item: Item, published: date | None = None) -> Document:
    """The item read into a Document; raises InputError naming the item. `published` (the user's) wins over
    the record's own date, which wins over what the page says."""
    if item.error is not None:
        raise InputError(item.source, item.error)
    if item.path is not None:
        return read_path(item.path, published=published)
    if item.data is None:
        raise InputError(item.source, "no content")
    doc = read_bytes(
        item.data,
        item.source,
        published=published,
        url=item.url,
        is_html=item.is_html,
        title=item.title,
        meta_published=item.published,
    )
    doc.source_path = item.source
    doc.warnings[:0] = item.warnings
    return doc


# -- walking the inputs ----------------------------------------------------------------------------------


def _suffix(path: Path) -> str:
    name = path.name.casefold()
    for suffix in (*BULK_SUFFIXES, *SINGLE_SUFFIXES):
        if name.endswith(suffix):
            return suffix
    return ".gz" if name.endswith(".gz") else path.suffix.casefold()


def _walk(directory: Path, stats: ReadStats) -> Iterator[Path]:
    """Files under `directory` in sorted order, hidden ones skipped; unknown kinds counted."""
    for p in sorted(directory.rglob("*")):
        if not p.is_file() or any(part.startswith(".") for part in p.relative_to(directory).parts):
            continue
        suffix = _suffix(p)
        if suffix in BULK_SUFFIXES or suffix in SINGLE_SUFFIXES or suffix == ".gz":
            yield p
        else:
            stats.skipped["file(s) of unknown type"] += 1


def iter_items(args: Iterable[str], stats: ReadStats | None = None) -> Iterator[Item]:
    """Every article in the inputs, in order: files (any supported format, sniffed when the suffix does not
    say), directories walked recursively, `-` for one article on stdin."""
    stats = stats if stats is not None else ReadStats()
    for arg in args:
        if arg == STDIN:
            stats.items += 1
            yield Item(source="<stdin>", data=sys.stdin.buffer.read(MAX_BYTES + 1))
            continue
        path = Path(arg)
        if path.is_dir():
            found = False
            for p in _walk(path, stats):
                found = True
                yield from _counted(_read_file(p, stats), stats)
            if not found:
                stats.broken += 1
                yield Item(source=arg, error="is a directory with no files eventwire can read")
            continue
        yield from _counted(_read_file(path, stats), stats)


def _counted(items: Iterator[Item], stats: ReadStats) -> Iterator[Item]:
    for item in items:
        if item.error is not None:
            stats.broken += 1
        else:
            stats.items += 1
        yield item


def _read_file(path: Path, stats: ReadStats) -> Iterator[Item]:
    """The items of one file, by its suffix, or by its first bytes when the suffix is not a bulk format."""
    source = str(path)
    suffix = _suffix(path)
    if suffix in (".txt", ".html", ".htm"):
        yield Item(source=source, path=source)  # read_path does its own checks and names the problem
        return
    try:
        with path.open("rb") as raw:
            head = raw.read(4096)
    except FileNotFoundError:
        yield Item(source=source, error="no such file")
        return
    except OSError as err:
        yield Item(source=source, error=f"cannot read: {err.strerror or err}")
        return
    gzipped = head[:2] == b"\x1f\x8b"
    if suffix in (".warc", ".warc.gz") or _inner_head(path, head, gzipped).startswith(b"WARC/"):
        yield from _read_warc(path, stats)
        return
    if suffix in (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"):
        yield from _read_jsonl(path, gzipped)
        return
    inner = _inner_head(path, head, gzipped)
    kind = _sniff(inner)
    if kind == "feed" or (suffix in (".rss", ".atom") and kind != "jsonl"):
        yield from _read_feed(path, gzipped)
    elif kind == "jsonl":
        yield from _read_jsonl(path, gzipped)
    elif gzipped:
        yield _read_gzip_article(path, suffix)
    else:
        yield Item(source=source, path=source)


def _inner_head(path: Path, head: bytes, gzipped: bool) -> bytes:
    """The first decompressed bytes of a gzip file (b'' when it is broken), else `head` itself."""
    if not gzipped:
        return head
    try:
        with gzip.open(path, "rb") as fh:
            return fh.read(4096)
    except (OSError, EOFError, zlib.error):
        return b""


def _sniff(head: bytes) -> str:
    """'feed', 'jsonl' or 'article' from a file's first bytes."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return "jsonl"
    low = text[:2048].lower()
    if (low.startswith(b"<?xml") or low.startswith(b"<rss") or low.startswith(b"<feed")) and (
        b"<rss" in low or b"<feed" in low or b"<rdf:rdf" in low
    ):
        return "feed"
    return "article"


def _open(path: Path, gzipped: bool) -> IO[bytes]:
    return gzip.open(path, "rb") if gzipped else path.open("rb")


# -- gzip ------------------------------------------------------------------------------------------------


def _read_gzip_article(path: Path, suffix: str) -> Item:
    """A gzip file holding one article (page.html.gz, story.txt.gz)."""
    source = str(path)
    try:
        with gzip.open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # never inflate a gzip bomb past the limit
    except (OSError, EOFError, zlib.error) as err:
        return Item(source=source, error=f"broken gzip file ({_cause(err)})")
    is_html = True if suffix in (".html.gz", ".htm.gz") else False if suffix == ".txt.gz" else None
    return Item(source=source, data=data, is_html=is_html)


# -- JSONL -----------------------------------------------------------------------------------------------


def _read_jsonl(path: Path, gzipped: bool) -> Iterator[Item]:
    """One article per line: {"url", "title", "published", and "text" or "html"}. Blank lines are passed
    over; every other line that is no such object is a broken record named by its line number."""
    name = str(path)
    try:
        with _open(path, gzipped) as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                yield _jsonl_item(line, f"{name}:{number}")
    except (OSError, EOFError, zlib.error) as err:
        yield Item(source=name, error=f"cannot read further: {_cause(err)}")


def _jsonl_item(line: bytes, source: str) -> Item:
    if len(line) > MAX_BYTES:
        return Item(source=source, error=f"record too large: {len(line) / 1e6:.1f} MB")
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        return Item(source=source, error=f"not valid JSON ({_cause(err)})")
    if not isinstance(record, dict):
        return Item(source=source, error=f"not a JSON object but a {type(record).__name__}")
    html, text = record.get("html"), record.get("text")
    body = html if isinstance(html, str) and html.strip() else text
    if not isinstance(body, str) or not body.strip():
        return Item(source=source, error='no article: needs a non-empty "text" or "html" string')
    item = Item(
        source=source,
        data=body.encode("utf-8"),
        is_html=body is html,
        url=record.get("url") if isinstance(record.get("url"), str) else None,
        title=record.get("title") if isinstance(record.get("title"), str) else None,
    )
    published = record.get("published", record.get("date"))
    if published not in (None, ""):
        item.published = _iso_date(published)
        if item.published is None:
            item.warnings.append(f"published: not a date ({str(published)[:40]!r}); ignored")
    return item


def _iso_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


# -- WARC ------------------------------------------------------------------------------------------------


def _read_warc(path: Path, stats: ReadStats) -> Iterator[Item]:
    """HTML responses of a WARC or WARC.gz file; other records are counted as skipped. A file that breaks
    off mid-way yields what came before and one broken item for the rest (WARC cannot resynchronise)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    name = str(path)
    number = 0
    try:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                number += 1
                source = f"{name}:#{number}"
                if record.rec_type != "response":
                    stats.skipped["WARC record(s) that are not responses"] += 1
                    continue
                http = record.http_headers
                ctype = (http.get_header("Content-Type") or "") if http else ""
                status = http.get_statuscode() if http else ""
                if ctype.split(";")[0].strip().lower() not in _HTML_TYPES or status != "200":
                    stats.skipped["WARC response(s) that are not HTML pages (200)"] += 1
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                try:
                    data = record.content_stream().read(MAX_BYTES + 1)
                except (OSError, EOFError, zlib.error, ValueError) as err:
                    yield Item(source=source, url=url, error=f"broken response body ({_cause(err)})")
                    continue
                yield Item(source=source, data=data, is_html=True, url=url)
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError, AttributeError, TypeError) as err:
        # warcio meets garbage with assorted exceptions (AttributeError on a record with no URI)
        where = f"after record {number}" if number else "at its start"
        cause = "not a WARC record" if isinstance(err, AttributeError | TypeError) else _cause(err)
        yield Item(source=f"{name}:#{number + 1}", error=f"broken WARC {where} ({cause})")


# -- RSS / Atom ------------------------------------------------------------------------------------------


def _read_feed(path: Path, gzipped: bool) -> Iterator[Item]:
    """Items of an RSS 2.0 / RSS 1.0 feed or entries of an Atom feed, with their full content when the feed
    carries it (content:encoded, Atom content) and their summary otherwise."""
    name = str(path)
    try:
        with _open(path, gzipped) as fh:
            data = fh.read(50 * MAX_BYTES + 1)
        root = ET.fromstring(data)
    except ET.ParseError as err:
        yield Item(source=name, error=f"not a well-formed feed ({_cause(err)})")
        return
    except (OSError, EOFError, zlib.error) as err:
        yield Item(source=name, error=f"cannot read: {_cause(err)}")
        return
    entries = root.findall(f"{_ATOM}entry") if root.tag == f"{_ATOM}feed" else root.iter("item")
    count = 0
    for count, entry in enumerate(entries, start=1):  # noqa: B007 - count is used after the loop
        source = f"{name}:item {count}"
        item = _atom_item(entry, source) if entry.tag == f"{_ATOM}entry" else _rss_item(entry, source)
        yield item
    if count == 0:
        yield Item(source=name, error="a feed with no items (or not RSS/Atom)")


def _child_text(el: ET.Element, *tags: str) -> str | None:
    for tag in tags:
        child = el.find(tag)
        if child is not None and child.text and child.text.strip():
            return child.text.strip()
    return None


def _rss_item(el: ET.Element, source: str) -> Item:
    content = _child_text(el, _CONTENT)
    body = content or _child_text(el, "description", "{http://purl.org/rss/1.0/}description")
    if body is None:
        return Item(source=source, error="feed item without content or description")
    item = Item(
        source=source,
        data=body.encode("utf-8"),
        # content:encoded is HTML by definition; a description is HTML or plain text, and only its tags tell
        is_html=content is not None or bool(_HTML_TAG.search(body)),
        url=_child_text(el, "link", "{http://purl.org/rss/1.0/}link"),
        title=_child_text(el, "title", "{http://purl.org/rss/1.0/}title"),
    )
    when = _child_text(el, "pubDate", "{http://purl.org/dc/elements/1.1/}date")
    if when:
        item.published = _feed_date(when)
    return item


def _atom_item(el: ET.Element, source: str) -> Item:
    content = el.find(f"{_ATOM}content")
    if content is None or not "".join(content.itertext()).strip():
        content = el.find(f"{_ATOM}summary")
    if content is None or not "".join(content.itertext()).strip():
        return Item(source=source, error="feed entry without content or summary")
    kind = content.get("type", "text")
    if kind == "xhtml":
        body = "".join(ET.tostring(child, encoding="unicode") for child in content)
    else:
        body = content.text or ""
    link = next(
        (ln.get("href") for ln in el.findall(f"{_ATOM}link") if ln.get("rel", "alternate") == "alternate"),
        None,
    )
    item = Item(
        source=source,
        data=body.encode("utf-8"),
        is_html=kind in ("html", "xhtml"),
        url=link,
        title=_child_text(el, f"{_ATOM}title"),
    )
    when = _child_text(el, f"{_ATOM}published", f"{_ATOM}updated")
    if when:
        item.published = _feed_date(when)
    return item


def _feed_date(value: str) -> date | None:
    """RSS dates are RFC 822 ('Tue, 12 Mar 2024 09:00:00 GMT'), Atom and Dublin Core ones ISO 8601."""
    iso = _iso_date(value)
    if iso is not None:
        return iso
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


def _cause(err: BaseException) -> str:
    """The first line of an error, printable and short: parsers quote the raw bytes they choked on."""
    text = (str(err).strip() or type(err).__name__).splitlines()[0]
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= 100 else text[:99] + "…"


__all__ = ["Item", "ReadStats", "iter_items", "to_document"]
