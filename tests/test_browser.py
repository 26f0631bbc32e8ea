"""Every page in headless Chromium with no network: no request leaves 127.0.0.1, no errors, maps draw."""
from urllib.parse import urlparse

import pytest

from conftest import toc_pages

pytestmark = [pytest.mark.browser, pytest.mark.build]

#: Harmless messages every Jupyter Book 1 page logs (sphinx-thebe declares its config twice;
#: pydata-sphinx-theme resets an empty theme mode on first load).
KNOWN_NOISE = ("THEBE_JS_URL", "Got invalid theme mode")


def visit(browser, url, width=1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    outside, errors = [], []
    def on_request(req):
        host = urlparse(req.url).hostname
        if req.url.startswith(("data:", "about:", "blob:")) or host in ("127.0.0.1",):
            return
        outside.append(req.url)
    page.on("request", on_request)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    # failed loads are reported by URL below (the console message does not say which file)
    page.on("console", lambda m: m.type == "error" and "Failed to load resource" not in m.text
            and errors.append(f"console: {m.text}"))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
            and errors.append(f"HTTP {r.status}: {r.url}"))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    errors = [e for e in errors if not any(n in e for n in KNOWN_NOISE)]
    return page, outside, errors


@pytest.mark.parametrize("path", toc_pages())
def test_page_loads_offline_without_errors(browser, server, path):
    page, outside, errors = visit(browser, f"{server}/{path}.html")
    try:
        assert outside == [], f"requests left 127.0.0.1: {outside[:5]}"
        assert errors == [], errors[:5]
        assert page.locator("article h1").count() == 1
    finally:
        page.close()


def map_frames(page):
    return [f for f in page.frames if f != page.main_frame]


def test_spread_map_draws_countries_and_markers(browser, server):
    page, outside, errors = visit(browser, f"{server}/chapters/spread.html")
    try:
        iframe = page.locator("iframe[title]").first
        iframe.scroll_into_view_if_needed()
        frame = page.frame_locator("iframe[title]").first
        frame.locator(".leaflet-container").wait_for(timeout=10000)
        polygons = frame.locator(".leaflet-overlay-pane path.leaflet-interactive").count()
        assert polygons >= 25, polygons
        assert frame.locator(".explainer-legend").count() >= 1
        version = page.frames[1].evaluate("() => L.version")
        assert version == "1.9.3"
        assert outside == [] and errors == []
    finally:
        page.close()


@pytest.mark.parametrize("path", toc_pages())
def test_page_fits_a_phone_screen(browser, server, path):
    """At 390 px wide nothing makes the page scroll sideways."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(f"{server}/{path}.html", wait_until="load")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{path}: content is {width} px wide"
    finally:
        page.close()


def test_search_works_offline(browser, server):
    page, outside, errors = visit(browser, f"{server}/search.html?q=Tocor%C3%B3n")
    try:
        page.wait_for_selector("#search-results li", timeout=15000)
        assert page.locator("#search-results li").count() >= 1
        assert outside == []
    finally:
        page.close()


def test_map_controls_show_keyboard_focus(browser, server):
    page, _, _ = visit(browser, f"{server}/chapters/spread.html")
    try:
        frame = page.frame_locator("iframe[title]").first
        zoom_in = frame.locator(".leaflet-control-zoom-in")
        zoom_in.focus()
        outline = zoom_in.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
        assert outline.startswith("solid") and not outline.endswith(" 0px"), outline
    finally:
        page.close()
