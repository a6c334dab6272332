"""Inputs → `Document`: paths, directories and stdin; bytes decoded; bad inputs turned away as `InputError`.

Order of work, cheapest first: size, emptiness and binary checks on the raw bytes; decoding; HTML
extraction (`html.py`); cleaning (`clean.py`); the English check (`language.py`); metadata from the text
(`metadata.py`). Every rejection is one line naming the input.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from eventwire.config import Settings
from eventwire.errors import InputError
from eventwire.ingest import clean, html, metadata
from eventwire.ingest.language import non_english_reason
from eventwire.model import Document

MAX_BYTES = 10_000_000  # 10 MB: no news article is near this; bigger inputs are dumps or mistakes
SUFFIXES = (".txt", ".html", ".htm")
STDIN = "-"

# File signatures worth naming when someone passes a non-text file.
_SIGNATURES = (
    (b"%PDF-", "PDF"), (b"PK\x03\x04", "ZIP or Office document"), (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"), (b"\x1f\x8b", "gzip archive"),
    (b"{\\rtf", "RTF document"), (b"\xd0\xcf\x11\xe0", "Office document"), (b"\x7fELF", "executable"),
)  # fmt: skip
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def iter_paths(args: list[str]) -> Iterator[str]:
    """Files as given, directories searched recursively for .txt/.html/.htm (sorted, hidden ones skipped),
    `-` for stdin. Missing paths are yielded too, so `read_path` reports them like any other bad input;
    a directory with nothing to read is yielded itself for the same reason."""
    for arg in args:
        path = Path(arg)
        if arg == STDIN or not path.is_dir():
            yield arg
            continue
        found = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.casefold() in SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not found:
            yield arg
        yield from (str(p) for p in found)


def read_path(path: str | Path, published: date | None = None) -> Document:
    """Read one file (or stdin for `-`) into a Document; `published` overrides any date found."""
    source = str(path)
    if source == STDIN:
        data = sys.stdin.buffer.read()
        return read_bytes(data, "<stdin>", published=published)
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(source, "is a directory with no .txt, .html or .htm files")
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise InputError(source, _too_large(size))
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except PermissionError:
        raise InputError(source, "cannot read: permission denied") from None
    except OSError as err:
        raise InputError(source, f"cannot read: {err.strerror or err}") from None
    is_html = (
        True if p.suffix.casefold() in (".html", ".htm") else False if p.suffix.casefold() == ".txt" else None
    )
    doc = read_bytes(data, source, published=published, is_html=is_html)
    doc.source_path = source
    return doc


def _too_large(size: int) -> str:
    return f"too large: {size / 1e6:.1f} MB, limit {MAX_BYTES / 1e6:.0f} MB"


def _check_bytes(data: bytes, source: str) -> None:
    if len(data) > MAX_BYTES:
        raise InputError(source, _too_large(len(data)))
    if not data:
        raise InputError(source, "empty input")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return  # UTF-16 with a byte-order mark: NUL bytes are expected
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            raise InputError(source, f"binary data ({kind}), not text")
    head = data[:65536]
    if b"\x00" in head:
        raise InputError(source, "binary data (contains NUL bytes), not text")
    if sum(head.count(bytes([b])) for b in _CONTROL) > 0.05 * len(head):
        raise InputError(source, "binary data (mostly control characters), not text")


def decode(data: bytes, source: str) -> tuple[str, str | None]:
    """Text and, when the encoding had to be guessed, a warning saying which one was used."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            raise InputError(source, "not valid UTF-16 despite its byte-order mark") from None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    guess = None
    try:
        import charset_normalizer  # comes with trafilatura; optional all the same

        best = charset_normalizer.from_bytes(data[:200_000]).best()
        guess = best.encoding if best else None
    except ImportError:
        pass
    if guess and not guess.startswith(("utf_16", "utf_32")):
        try:
            text = data.decode(guess)
        except (UnicodeDecodeError, LookupError):
            text = None
        # On short text in Latin letters detectors pick among near-identical code pages (cp1250, mac_roman)
        # more or less at random; English news in a legacy encoding is cp1252, so the detector only decides
        # when it finds another script (Cyrillic, Arabic ...).
        if text is not None and not _mostly_latin(text):
            return text, f"not UTF-8: decoded as {guess}"
    for encoding in ("cp1252", "latin-1"):
        try:
            return data.decode(encoding), f"not UTF-8: decoded as {encoding}"
        except UnicodeDecodeError:
            continue
    raise InputError(source, "cannot decode text")  # latin-1 decodes anything: not reached in practice


def _mostly_latin(text: str) -> bool:
    letters = [c for c in text[:20000] if c.isalpha()]
    return sum(c < "\u0250" for c in letters) >= 0.8 * len(letters)


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().casefold()
    if head.startswith(("<!doctype html", "<html", "<?xml")):
        return True
    return sum(head.count(tag) for tag in ("<p>", "<p ", "<div", "<body", "<br", "<a href")) >= 3


def read_bytes(
    data: bytes,
    source: str,
    published: date | None = None,
    url: str | None = None,
    is_html: bool | None = None,
    title: str | None = None,
    meta_published: date | None = None,
) -> Document:
    """Turn raw bytes into a Document. `is_html` None sniffs the content; `published` and `url` given here
    win over what the page says. `title` and `meta_published` come from a container's metadata (a JSONL
    record, a feed item): they count as the page's own, winning over what the page itself says."""
    _check_bytes(data, source)
    text, warning = decode(data, source)
    warnings = [warning] if warning else []
    if not text.strip():
        raise InputError(source, "only whitespace, no text")
    if sum(not c.isprintable() and c not in "\n\r\t\f" for c in text[:65536]) > 0.05 * min(len(text), 65536):
        raise InputError(source, "binary data (mostly non-printable characters), not text")

    if is_html is None:
        is_html = _looks_like_html(text)
    page = html.HtmlMeta()
    if is_html:
        text, page = html.extract(text)
    page.title = title or page.title
    page.published = meta_published or page.published

    paras = clean.paragraphs(text)
    page_date, paras = metadata.take_date_line(paras)
    title, paras = clean.take_title(paras, page.title)
    paras = clean.cut_furniture(paras)
    body = clean.join(paras)
    if not body:
        raise InputError(source, "no article text left after removing page furniture")
    limit = Settings().max_input_bytes
    if len(body) > limit:
        body = clean.truncate(body, limit)
        warnings.append(f"article text cut to its first {len(body):,} characters")
    reason = non_english_reason(body)
    if reason:
        raise InputError(source, reason)

    found = metadata.scan(body, page.publisher)
    dateline_date = found.dateline.published if found.dateline else None
    when, when_source = metadata.resolve_published(published, page.published, page_date, dateline_date)
    if when is None:
        warnings.append("no publication date found: relative dates ('on Saturday') stay unresolved")
    return Document(
        text=body,
        title=title,
        publisher=page.publisher or found.publisher,
        wire_source=found.wire_source,
        published=when,
        published_source=when_source,
        url=url or page.url,
        source_path=None,
        language="en",
        warnings=warnings,
    )
