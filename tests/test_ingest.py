"""Ingest: reading, decoding, HTML extraction, cleaning, metadata, and the one-line rejections."""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import pytest

from eventwire.errors import InputError
from eventwire.ingest import clean, iter_paths, metadata, read_bytes, read_path
from eventwire.ingest.html import extract

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed"

STORY = (
    "Gunmen attacked a police station in the north of the country on Sunday, killing two officers and "
    "wounding three others, officials said. The attackers fled before reinforcements arrived."
)


def test_furniture_cut_title_once_and_date_line_taken_out() -> None:
    doc = read_path(FIXTURES / "furniture.txt")
    assert doc.title == "Troops retake Gao checkpoint after overnight clash"
    assert doc.title not in doc.text  # the doubled title is one title, outside the body
    assert doc.text.startswith("Sahel Daily News - Malian soldiers retook")
    assert "Published" not in doc.text
    for furniture in ("Related:", "Advertisement", "Share this", "Most read", "Burkina Faso", "©", "---"):
        assert furniture not in doc.text
    assert doc.text.endswith('"The situation is under control," an army spokesman said.')
    assert "\n\n\n" not in doc.text and doc.text == doc.text.strip()


def test_metadata_from_text() -> None:
    doc = read_path(FIXTURES / "furniture.txt")
    assert doc.publisher == "Sahel Daily News"
    assert doc.wire_source == "Reuters"
    assert (doc.published, doc.published_source) == (date(2024, 3, 12), "page")
    assert doc.language == "en" and doc.source_path.endswith("furniture.txt")


def test_published_option_wins_over_page() -> None:
    doc = read_path(FIXTURES / "furniture.txt", published=date(2024, 3, 13))
    assert (doc.published, doc.published_source) == (date(2024, 3, 13), "option")


def test_offsets_point_into_text_with_prefix_and_dateline_kept() -> None:
    data = f"Headline about an attack\n\nKABUL, 12 March 2024 (AFP) – {STORY}\n".encode()
    doc = read_bytes(data, "t.txt")
    dateline = metadata.find_dateline(doc.text)
    assert dateline is not None and doc.text[dateline.start : dateline.end] == "KABUL, 12 March 2024 (AFP) –"
    assert (dateline.place, dateline.agency) == ("KABUL", "AFP")
    assert (doc.published, doc.published_source, doc.wire_source) == (date(2024, 3, 12), "dateline", "AFP")
    start = doc.text.index("killing two officers")
    ev = doc.evidence(start, start + len("killing two officers"))
    assert ev.text == "killing two officers"
    assert doc.id == read_bytes(data, "other-name.txt").id  # identity is the cleaned text


def test_dateline_without_year_gives_no_date() -> None:
    doc = read_bytes(f"BAGHDAD, Oct 30 (Reuters) - {STORY}".encode(), "t.txt")
    assert doc.published is None and doc.published_source is None
    assert doc.wire_source == "Reuters"
    assert any("no publication date" in w for w in doc.warnings)


@pytest.mark.parametrize(
    ("text", "wire"),
    [
        (f"{STORY} The Associated Press reported.", "AP"),
        (f"{STORY}\n\n— AFP", "AFP"),
        (f"MOGADISHU, Somalia (AP) — {STORY}", "AP"),
        (f"{STORY} Xinhua news agency reported.", "Xinhua"),
        (f"{STORY}\n\nA local commander told Reuters later that week that more attacks were likely.", None),
    ],
)
def test_wire_source(text: str, wire: str | None) -> None:
    assert read_bytes(text.encode(), "t.txt").wire_source == wire


def test_furniture_heading_before_the_story_is_not_a_title() -> None:
    doc = read_bytes(f"Most read\n\n{STORY}".encode(), "t.txt")
    assert doc.title is None and doc.text == STORY


def test_html_page() -> None:
    doc = read_path(FIXTURES / "page.html")
    assert doc.title == "Clashes erupt near Beledweyne as army pushes north"
    assert doc.publisher == "Horn Example Times"  # from JSON-LD: no og:site_name on this page
    assert (doc.published, doc.published_source) == (date(2024, 3, 5), "meta")
    assert doc.url == "https://horn.example/news/beledweyne-clashes"
    assert doc.text.startswith("Somali troops and allied clan militias")
    assert doc.text.count("\n\n") == 2  # three paragraphs, one blank line between each
    for furniture in ("Home", "Most read", "Mogadishu restaurant", "All rights reserved", doc.title):
        assert furniture not in doc.text


def test_html_meta_variants() -> None:
    page = (
        "<html><head><title>Army retakes town - Example News</title>"
        '<meta name="pubdate" content="2023-11-02"></head><body><p>{0}</p><p>{0}</p></body></html>'
    )
    body, meta = extract(page.format(STORY))
    assert meta.title == "Army retakes town" and meta.published == date(2023, 11, 2)
    assert body.count("\n\n") >= 1
    _, meta = extract(
        f'<html><body><time datetime="2022-05-06T10:00Z">May 6</time><p>{STORY}</p></body></html>'
    )
    assert meta.published == date(2022, 5, 6)
    # The title is a headline, so a " - officials" tail that is not an outlet stays.
    _, meta = extract("<html><head><title>Ten killed in raid - officials</title></head><body></body></html>")
    assert meta.title == "Ten killed in raid - officials"


def test_broken_html_does_not_crash() -> None:
    broken = f"<html><body><div><p>{STORY}<p>{STORY}</div></span><table><tr><td>x</body>".encode()
    doc = read_bytes(broken, "broken.html", is_html=True)
    assert "Gunmen attacked a police station" in doc.text
    with pytest.raises(InputError, match="no article text"):
        read_bytes(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "nav.html")


def test_html_sniffed_from_content() -> None:
    doc = read_bytes(f"<!DOCTYPE html><html><body><p>{STORY}</p></body></html>".encode(), "<stdin>")
    assert "<p>" not in doc.text and doc.text.startswith("Gunmen")


def test_latin1_is_decoded_with_a_warning() -> None:
    doc = read_path(FIXTURES / "latin1.txt")
    assert "Médecins Sans Frontières" in doc.text and doc.title == "Aid convoy attacked near Tillabéri"
    assert any("not UTF-8" in w for w in doc.warnings)
    bom = read_bytes(b"\xef\xbb\xbf" + STORY.encode(), "bom.txt")
    assert bom.text.startswith("Gunmen") and not bom.warnings[:-1]


def test_whitespace_and_paragraphs_normalised() -> None:
    raw = f"Gunmen\u00a0attacked   a police station.\r\n\r\n\r\n\tThe  attackers fled.\n\n\n{STORY}"
    assert clean.paragraphs(raw) == ["Gunmen attacked a police station.", "The attackers fled.", STORY]
    wrapped = "\n".join(["The army said on Monday that its soldiers had pushed the fighters back"] * 6)
    assert len(clean.paragraphs(wrapped)) == 1
    assert clean.truncate("aaa bbb\n\nccc ddd", 12) == "aaa bbb"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.txt", "no such file"),
        (lambda tmp: FIXTURES / "empty.txt", "empty input"),
        (lambda tmp: _write(tmp / "blank.txt", b" \n\t\n  "), "only whitespace"),
        (lambda tmp: FIXTURES / "binary.bin", "binary data"),
        (lambda tmp: _write(tmp / "doc.txt", b"%PDF-1.7\n..."), "binary data (PDF)"),
        (lambda tmp: _sparse(tmp / "big.txt", 20_000_000), "too large: 20.0 MB, limit 10 MB"),
        (lambda tmp: FIXTURES / "french.txt", "not English: looks like French"),
        (
            lambda tmp: _write(
                tmp / "ar.txt", ("قتل مسلحون خمسة جنود في هجوم على نقطة تفتيش. " * 5).encode()
            ),
            "Arabic",
        ),
        (
            lambda tmp: _write(tmp / "ru.txt", ("Боевики атаковали колонну на юге страны. " * 5).encode()),
            "Cyrillic",
        ),
        (
            lambda tmp: _write(tmp / "nav.txt", b"Most read\nAdvertisement\n\xc2\xa9 2024 Example News"),
            "no article",
        ),
        (lambda tmp: tmp, "is a directory"),
    ],
)
def test_bad_inputs_are_one_line_errors(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path)
    with pytest.raises(InputError) as caught:
        read_path(path)
    err = caught.value
    assert message in str(err) and str(err).startswith(f"{path}: ") and err.source == str(path)
    assert "\n" not in str(err)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:
        fh.truncate(size)  # a sparse file: the size check must not need to read it
    return path


def test_too_large_bytes() -> None:
    with pytest.raises(InputError, match=r"^x: too large: 10\.5 MB, limit 10 MB$"):
        read_bytes(b"a" * 10_500_000, "x")


def test_iter_paths(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ("a.txt", "b/c.html", "b/d.HTM", "b/skip.json", ".hidden.txt"):
        (tmp_path / name).write_text("x")
    (tmp_path / "empty").mkdir()
    got = list(
        iter_paths([str(tmp_path / "b"), "-", str(tmp_path / "a.txt"), "nope.txt", str(tmp_path / "empty")])
    )
    assert got == [
        str(tmp_path / "b" / "c.html"),
        str(tmp_path / "b" / "d.HTM"),
        "-",
        str(tmp_path / "a.txt"),
        "nope.txt",
        str(tmp_path / "empty"),
    ]
    assert sorted(iter_paths([str(tmp_path)])) == sorted(
        str(tmp_path / n) for n in ("a.txt", "b/c.html", "b/d.HTM")
    )


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(STORY.encode())))
    doc = read_path("-")
    assert doc.text == STORY and doc.source_path is None


def test_examples_all_ingest() -> None:
    files = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".html"))
    assert len(files) == 11
    for path in files:
        doc = read_path(path)
        assert doc.title and doc.published, path
        assert 150 <= len(doc.text.split()) <= 400, path
        assert "Most read" not in doc.text and "rights reserved" not in doc.text, path


@pytest.mark.shared
@pytest.mark.skipif(not SEED.is_dir(), reason="needs ../shared/seed")
def test_seed_article_txt_and_html_agree() -> None:
    txt = read_path(SEED / "article.txt", published=date(2016, 10, 31))
    page = read_path(SEED / "article.html")
    for doc in (txt, page):
        assert doc.title == "Iran-trained Shi'ite militias join U.S.-backed campaign on Mosul"
        assert (doc.publisher, doc.wire_source, doc.published) == (
            "PanARMENIAN.Net",
            "Reuters",
            date(2016, 10, 31),
        )
        assert "Top stories" not in doc.text and "Azerbaijan" not in doc.text
    assert (txt.published_source, page.published_source) == ("option", "meta")
    assert txt.text == page.text


@pytest.mark.parametrize(
    "text",
    [
        "On 9 January 2022, rebels shelled positions in Khan al-Sabeel near Bab al Hawa in Idleb. None died.",
        "On 21 June 2022, in Angra dos Reis (Rio de Janeiro), a shoot-out took place in Caixa D'Agua.",
        "On 6 January 2022, 2 air raids targeted Al Atfayn (Kitaf wa Al Boqee, Sadah). Casualties unknown.",
    ],
)
def test_english_notes_full_of_foreign_place_names_are_english(text: str) -> None:
    # the particles inside names ("al", "dos", "wa") are not the text's function words
    assert read_bytes(text.encode(), "note").text.startswith("On ")


def test_spanish_prose_is_still_turned_away() -> None:
    text = (
        "El 3 de marzo, los vecinos de la colonia bloquearon la carretera para exigir que las autoridades "
        "reparen el sistema de agua, que no funciona desde hace un mes, y que se haga justicia."
    )
    with pytest.raises(InputError, match="Spanish"):
        read_bytes(text.encode(), "nota")


def test_arabic_names_with_al_are_not_spanish() -> None:
    """ "al-Qaeda" and "al-Shabaab" in a short English sentence once read as the Spanish "al"."""
    text = (
        "Al-Shabaab, al-Qaeda's branch in East Africa, attacked a military base in Lower Shabelle on Friday."
    )
    doc = read_bytes(text.encode(), "short", is_html=False)
    assert doc.text.startswith("Al-Shabaab")
    with pytest.raises(InputError, match="Spanish"):
        read_bytes(b"Los militares dijeron que el ataque fue en la ciudad por la noche con su grupo.", "es")
