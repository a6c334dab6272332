"""The web page in a real headless Chromium (Debian's `chromium` and `chromium-driver`, driven by Selenium)
against a real `eventwire serve`: it loads, filters, opens an event whose evidence words are highlighted,
answers the keyboard, and shows an actor's relations graph. Skips when Chromium or Selenium is missing.

With EVENTWIRE_UPDATE_SCREENSHOT=1 the run also refreshes docs/web.png, the screenshot the README shows.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from webserver import Server, running_server

webdriver = pytest.importorskip("selenium.webdriver", reason="browser tests need selenium")
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
DOCS = Path(__file__).resolve().parent.parent / "docs"

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="browser tests need chromium and chromedriver (apt-get install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def server(web_db: Path) -> Iterator[Server]:
    with running_server(str(web_db)) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1440,900", "--lang=en-GB"):  # fmt: skip
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    except WebDriverException as exc:
        pytest.skip(f"chromium would not start: {exc.msg}")
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(check: Callable[[], Any], timeout: float = 30, what: str = "the page") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
        except WebDriverException:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def loaded_after(browser: Any, before: str | None) -> None:
    """Wait until the page has finished a (new) load of events for its filters."""
    wait_for(
        lambda: browser.find_element(By.TAG_NAME, "body").get_attribute("data-loaded") not in (None, before),
        what="the events to load",
    )


def generation(browser: Any) -> str | None:
    return browser.find_element(By.TAG_NAME, "body").get_attribute("data-loaded")


def table_ids(browser: Any) -> list[str]:
    return [tr.get_attribute("data-id") for tr in browser.find_elements(By.CSS_SELECTOR, "#events tbody tr")]


def api(server: Server, path: str, **params: Any) -> Any:
    r = httpx.get(server.url + path, params=params, timeout=30)
    r.raise_for_status()
    return r.json()


def test_page_filter_event_evidence_and_actor(server: Server, browser: Any, tmp_path: Path) -> None:
    browser.get(server.url + "/")
    loaded_after(browser, None)

    # Everything is listed, newest first, the map shows clusters and the timeline bars.
    everything = api(server, "/api/events", limit=1000)
    assert table_ids(browser) == [e["id"] for e in everything["events"]][:100]
    assert browser.find_elements(By.CSS_SELECTOR, ".cluster, .leaflet-interactive")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#timeline rect.bar")) > 0
    outlines = wait_for(
        lambda: browser.find_element(By.ID, "map").get_attribute("data-outlines"), what="outlines"
    )
    assert int(outlines) > 150  # the offline country outlines, drawn on the map's canvas
    assert f"{everything['total']} events" in browser.find_element(By.ID, "summary").text

    # Filter by country: the table shows exactly the API's Nigerian events, and the URL keeps the filter.
    before = generation(browser)
    Select(browser.find_element(By.ID, "f-country")).select_by_value("NGA")
    loaded_after(browser, before)
    nigeria = api(server, "/api/events", country="NGA", limit=1000)["events"]
    assert nigeria and table_ids(browser) == [e["id"] for e in nigeria]
    assert "country=NGA" in browser.current_url

    # A text search narrows further (Enter applies it).
    before = generation(browser)
    box = browser.find_element(By.ID, "f-q")
    box.send_keys("gwoza", Keys.ENTER)
    loaded_after(browser, before)
    gwoza = api(server, "/api/events", country="NGA", q="gwoza", limit=1000)["events"]
    assert gwoza and len(gwoza) < len(nigeria) and table_ids(browser) == [e["id"] for e in gwoza]

    # Open the best-sourced event: its panel highlights the very words each field came from.
    target = max(gwoza, key=lambda e: (e["number_of_sources"], e["fatalities"]))
    browser.find_element(By.CSS_SELECTOR, f'#events tr[data-id="{target["id"]}"]').click()
    panel = wait_for(
        lambda: browser.find_element(By.ID, "panel").is_displayed() and browser.find_element(By.ID, "panel")
    )
    wait_for(lambda: panel.find_elements(By.CSS_SELECTOR, "blockquote.passage"), what="the evidence passages")
    detail = api(server, f"/api/events/{target['id']}")
    expected = sorted(
        (m["field"], m["text"]) for s in detail["sources"] for p in s["passages"] for m in p["marks"]
    )
    assert expected, "the event has highlighted evidence"
    # One span may be cut into pieces where another field's span overlaps it: join them again.
    pieces: dict[str, tuple[str, str]] = {}
    for mark in panel.find_elements(By.CSS_SELECTOR, "mark.ev"):
        key = mark.get_attribute("data-span")
        field, text = pieces.get(key, (mark.get_attribute("data-field"), ""))
        pieces[key] = (field, text + mark.get_attribute("textContent"))
    shown = sorted(pieces.values())
    # field tags (<sup>) sit inside outer marks: compare the evidence words without them
    tags = {t.get_attribute("textContent") for t in panel.find_elements(By.CSS_SELECTOR, "sup.field-tag")}
    for field, text in expected:
        assert any(
            f == field and (t == text or any(t.replace(tag, "") == text for tag in tags)) for f, t in shown
        ), (
            field,
            text,
            shown,
        )
    # the sentence around the evidence is shown, not only the evidence words
    first_passage = panel.find_element(By.CSS_SELECTOR, "blockquote.passage").text
    assert len(first_passage) > max(len(t) for _, t in expected)
    assert panel.find_element(By.CSS_SELECTOR, "h2").text.strip() == detail["sub_event_type"]
    # fields with evidence are marked in the field table with their colour key
    assert panel.find_elements(By.CSS_SELECTOR, "tr.has-ev.f-event_type")

    # Keyboard: Esc closes the panel; j selects the first row, Enter opens it.
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ESCAPE)
    wait_for(lambda: not browser.find_element(By.ID, "panel").is_displayed(), what="the panel to close")
    # j moves the selection down from the event just opened (k back up); Enter opens the selected one.
    opened = table_ids(browser).index(target["id"])
    body.send_keys("j")
    below = table_ids(browser)[min(opened + 1, len(gwoza) - 1)]
    wait_for(
        lambda: browser.find_elements(By.CSS_SELECTOR, f'#events tr.selected[data-id="{below}"]'), what="j"
    )
    body.send_keys(Keys.ENTER)
    wait_for(lambda: f"/event/{below}" in browser.current_url, what="Enter to open the event")
    shown_event = next(e for e in gwoza if e["id"] == below)
    wait_for(
        lambda: (
            browser.find_element(By.CSS_SELECTOR, "#panel h2").text.strip() == shown_event["sub_event_type"]
            and browser.find_elements(By.CSS_SELECTOR, "#panel blockquote.passage")
        ),
        what="the panel of the event Enter opened",
    )

    # The actor page: card, relations graph with a node per related actor.
    actor1 = shown_event["actor1"]
    browser.find_element(By.CSS_SELECTOR, "#panel").find_element(By.LINK_TEXT, actor1).click()
    page = wait_for(
        lambda: (
            browser.find_element(By.ID, "actor-page").is_displayed()
            and browser.find_element(By.ID, "actor-page")
        ),
        what="the actor page",
    )
    wait_for(lambda: page.find_elements(By.CSS_SELECTOR, "svg.graph"), what="the graph")
    assert page.find_element(By.TAG_NAME, "h2").text == actor1
    card = api(server, "/api/actor-card", name=actor1)
    others = {c["name"] for c in card["counterparts"]} | {
        r["object"] if r["subject"] == actor1 else r["subject"] for r in card["relations"]
    }
    assert len(page.find_elements(By.CSS_SELECTOR, "svg.graph g.node")) == len(others - {actor1}) + 1

    # The README's picture: every event, and the best-sourced one open with its evidence.
    browser.get(f"{server.url}/#/event/{target['id']}")
    loaded_after(browser, None)
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#panel blockquote.passage"), what="the panel")
    time.sleep(0.5)  # let the map finish its fit-to-events animation
    browser.save_screenshot(str(tmp_path / "page.png"))
    if os.environ.get("EVENTWIRE_UPDATE_SCREENSHOT"):
        shutil.copy(tmp_path / "page.png", DOCS / "web.png")

    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def test_page_works_offline_without_tiles(server: Server) -> None:
    """Everything the page loads comes from the server itself: no CDN, no tiles unless configured."""
    html = httpx.get(server.url + "/").text
    assert "http://" not in html and "https://" not in html
    assert httpx.get(server.url + "/api/config").json()["tile_url"] is None
    for asset in ("/static/app.js", "/static/app.css", "/static/vendor/leaflet/leaflet.js",
                  "/static/vendor/markercluster/leaflet.markercluster.js",
                  "/static/vendor/world-atlas/countries-110m.geojson"):  # fmt: skip
        assert httpx.get(server.url + asset).status_code == 200, asset
