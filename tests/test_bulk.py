"""Tests for the bulk readers (`eventwire.ingest.bulk`): JSONL, WARC/WARC.gz, RSS/Atom, gzip and directory
trees. Every fixture is written here under tmp_path (the WARC files with warcio's own writer); broken
records must come out as items carrying their error, counted, with the rest of the file still read."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventwire.errors import InputError
from eventwire.ingest.bulk import Item, ReadStats, iter_items, to_document

ZAMFARA = (
    "Gunmen attacked a village in Zamfara state on Monday, killing five people, police said. "
    "The attackers fled into a nearby forest on motorcycles, residents said."
)
NAIROBI = (
    "Police fired tear gas at hundreds of protesters in Nairobi on Tuesday, witnesses said. "
    "Dozens of demonstrators were arrested near parliament."
)
PAGE = "<html><head><title>Protest in Nairobi</title></head><body><article><p>{}</p></article></body></html>"


def read(*paths: Path | str) -> tuple[list[Item], ReadStats]:
    stats = ReadStats()
    return list(iter_items([str(p) for p in paths], stats)), stats


def jsonl_lines() -> list[str]:
    return [
        json.dumps(
            {
                "url": "https://example.org/1",
                "title": "Gunmen kill five",
                "published": "2024-03-12T09:00Z",
                "text": ZAMFARA,
            }
        ),  # fmt: skip
        "{not json",
        "",
        json.dumps({"url": "https://example.org/2"}),
        json.dumps([1, 2]),
        json.dumps({"html": PAGE.format(NAIROBI), "published": "last week"}),
    ]


def test_jsonl_records_broken_lines_named_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(jsonl_lines()) + "\n", encoding="utf-8")
    items, stats = read(path)
    # the blank line 3 is no record
    assert [i.source for i in items] == [f"{path}:{n}" for n in (1, 2, 4, 5, 6)]
    assert [i.error is None for i in items] == [True, False, False, False, True]
    assert items[1].error.startswith("not valid JSON")  # type: ignore[union-attr]
    assert "text" in items[2].error and "html" in items[2].error  # type: ignore[operator]
    assert items[3].error == "not a JSON object but a list"
    assert (stats.items, stats.broken) == (2, 3)

    doc = to_document(items[0])
    assert (doc.title, doc.url, doc.published, doc.source_path) == (
        "Gunmen kill five", "https://example.org/1", date(2024, 3, 12), f"{path}:1"
    )  # fmt: skip
    assert doc.text.startswith("Gunmen attacked")
    page = to_document(items[4])
    assert page.title == "Protest in Nairobi" and page.text.startswith("Police fired")
    assert page.published is None and any("not a date" in w for w in page.warnings)
    # the user's --published wins over the record's own date
    assert to_document(items[0], published=date(2024, 1, 1)).published == date(2024, 1, 1)
    with pytest.raises(InputError, match=r"news\.jsonl:2: not valid JSON"):
        to_document(items[1])


def test_gzipped_jsonl_and_sniffed_jsonl_without_suffix(tmp_path: Path) -> None:
    gz = tmp_path / "news.jsonl.gz"
    gz.write_bytes(gzip.compress(("\n".join(jsonl_lines()) + "\n").encode()))
    plain = tmp_path / "dump"  # no suffix: the content says JSONL
    plain.write_text("\n".join(jsonl_lines()), encoding="utf-8")
    for path in (gz, plain):
        items, stats = read(path)
        assert (stats.items, stats.broken) == (2, 3)
        assert to_document(items[0]).title == "Gunmen kill five"


def test_gzip_article_and_broken_gzip(tmp_path: Path) -> None:
    good = tmp_path / "story.txt.gz"
    good.write_bytes(gzip.compress(ZAMFARA.encode()))
    html = tmp_path / "page.gz"  # no inner suffix: sniffed as an article, HTML found by content
    html.write_bytes(gzip.compress(PAGE.format(NAIROBI).encode()))
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(gzip.compress(PAGE.format(NAIROBI).encode())[:30])
    items, stats = read(good, html, broken)
    assert to_document(items[0]).text.startswith("Gunmen")
    assert to_document(items[1]).title == "Protest in Nairobi"
    assert items[2].error is not None and items[2].error.startswith("broken gzip file")
    assert (stats.items, stats.broken) == (2, 1)


def write_warc(path: Path, gz: bool = True) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "eventwire tests"}))

        def response(url: str, body: bytes, ctype: str, status: str = "200 OK") -> None:
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
            writer.write_record(record)

        req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
        writer.write_record(writer.create_warc_record("https://example.org/a", "request", http_headers=req))
        response("https://example.org/a", PAGE.format(ZAMFARA).encode(), "text/html; charset=utf-8")
        response("https://example.org/logo.png", b"\x89PNG....", "image/png")
        response("https://example.org/gone", b"<html>not found</html>", "text/html", "404 Not Found")
        response("https://example.org/b", PAGE.format(NAIROBI).encode(), "text/html")


@pytest.mark.parametrize("gz", [True, False])
def test_warc_html_responses_only(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(path, gz)
    items, stats = read(path)
    assert [i.url for i in items] == ["https://example.org/a", "https://example.org/b"]
    assert all(i.error is None and i.is_html for i in items)
    assert [i.source for i in items] == [f"{path}:#3", f"{path}:#6"]
    assert to_document(items[0]).text.startswith("Gunmen attacked")
    assert to_document(items[1]).url == "https://example.org/b"
    assert sum(stats.skipped.values()) == 4 and "skipped" in stats.summary()


def test_truncated_warc_keeps_what_came_before(tmp_path: Path) -> None:
    whole = tmp_path / "whole.warc"
    write_warc(whole, gz=False)
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc"
    at = data.index(b"WARC/1", data.index(b"example.org/logo.png") - 200)  # the image record's start
    cut.write_bytes(data[:at] + b"garbage, not a WARC header\r\n\r\n" + data[at:])
    items, stats = read(cut)
    assert [i.url for i in items if i.error is None] == ["https://example.org/a"]
    assert [i.error for i in items if i.error] == [
        "broken WARC after record 3 (Invalid WARC record, first line: garbage, not a WARC header)"
    ]
    assert items[-1].source == f"{cut}:#4" and stats.broken == 1

    start = tmp_path / "start.warc.gz"
    start.write_bytes(b"hello world\r\n" + data)
    items, _ = read(start)
    assert len(items) == 1 and items[0].error is not None
    assert items[0].error.startswith("broken WARC at its start")


RSS = """<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Wire</title>
<item><title>Gunmen kill five</title><link>https://example.org/1</link>
<pubDate>Tue, 12 Mar 2024 09:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>{zamfara}</p>]]></content:encoded><description>short</description></item>
<item><title>Nothing here</title><link>https://example.org/2</link></item>
<item><title>Protest</title><description>{nairobi}</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
<entry><title>Protest in Nairobi</title><link rel="alternate" href="https://example.org/n"/>
<published>2024-03-13T08:00:00Z</published><content type="html">&lt;p&gt;{nairobi}&lt;/p&gt;</content></entry>
<entry><title>Summary only</title><updated>2024-03-14T08:00:00Z</updated><summary>{zamfara}</summary></entry>
</feed>"""


def test_rss_and_atom(tmp_path: Path) -> None:
    rss = tmp_path / "wire.xml"  # .xml: the root element says it is a feed
    rss.write_text(RSS.format(zamfara=ZAMFARA, nairobi=NAIROBI), encoding="utf-8")
    atom = tmp_path / "wire.atom"
    atom.write_text(ATOM.format(zamfara=ZAMFARA, nairobi=NAIROBI), encoding="utf-8")
    items, stats = read(rss, atom)
    assert [i.source for i in items] == [f"{rss}:item 1", f"{rss}:item 2", f"{rss}:item 3",
                                         f"{atom}:item 1", f"{atom}:item 2"]  # fmt: skip
    assert items[1].error == "feed item without content or description"
    first = to_document(items[0])
    assert (first.title, first.url, first.published) == ("Gunmen kill five", "https://example.org/1",
                                                         date(2024, 3, 12))  # fmt: skip
    assert first.text.startswith("Gunmen attacked")  # the full content, not the short description
    assert to_document(items[2]).text.startswith("Police fired")
    entry = to_document(items[3])
    assert (entry.title, entry.url, entry.published) == ("Protest in Nairobi", "https://example.org/n",
                                                         date(2024, 3, 13))  # fmt: skip
    assert to_document(items[4]).published == date(2024, 3, 14)
    assert (stats.items, stats.broken) == (4, 1)


def test_malformed_feed_is_one_broken_item(tmp_path: Path) -> None:
    path = tmp_path / "bad.rss"
    path.write_text("<rss><channel><item><title>unclosed", encoding="utf-8")
    items, stats = read(path)
    assert len(items) == 1 and items[0].error is not None and "not a well-formed feed" in items[0].error
    assert stats.broken == 1


def test_directory_walked_recursively(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "story.txt").write_text(ZAMFARA, encoding="utf-8")
    (tmp_path / "a" / "b" / "news.jsonl").write_text("\n".join(jsonl_lines()), encoding="utf-8")
    write_warc(tmp_path / "a" / "b" / "crawl.warc.gz")
    (tmp_path / "a" / "notes.md").write_text("# notes", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "secret.txt").write_text(NAIROBI, encoding="utf-8")
    items, stats = read(tmp_path)
    good = [i for i in items if i.error is None]
    assert len(good) == 1 + 2 + 2 and stats.broken == 3
    assert stats.skipped["file(s) of unknown type"] == 1
    assert not any(".hidden" in i.source for i in items)
    # directory order is sorted, whatever the file system's: b/ (crawl, news) before story.txt
    assert items[0].source.endswith("crawl.warc.gz:#3") and items[-1].source.endswith("story.txt")


def test_missing_file_and_empty_directory_are_broken_items(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    items, stats = read(tmp_path / "nope.jsonl", tmp_path / "empty")
    assert [i.error for i in items] == ["no such file", "is a directory with no files eventwire can read"]
    assert stats.broken == 2
