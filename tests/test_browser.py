"""Every page in headless Chromium with no network: no request leaves 127.0.0.1, no errors, maps draw."""
from urllib.parse import urlparse

import pytest

from conftest import edition_pages, reach_maps

pytestmark = [pytest.mark.browser, pytest.mark.build]

def visit(browser, url, width=1280, requests=None):
    page = browser.new_page(viewport={"width": width, "height": 900})
    outside, errors = [], []
    def on_request(req):
        if requests is not None:
            requests.append(req.url)
        host = urlparse(req.url).hostname
        if req.url.startswith(("data:", "about:", "blob:")) or host in ("127.0.0.1",):
            return
        outside.append(req.url)
    page.on("request", on_request)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    # failed loads are reported by URL below (the console message does not say which file)
    page.on("console", lambda m: m.type in ("error", "warning") and "Failed to load resource" not in m.text
            and errors.append(f"console {m.type}: {m.text}"))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"HTTP {r.status}: {r.url}"))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    return page, outside, errors


@pytest.mark.parametrize("path", edition_pages())
def test_page_loads_offline_without_errors(browser, server, path):
    requests = []
    page, outside, errors = visit(browser, f"{server}/{path}.html", requests=requests)
    try:
        assert outside == [], f"requests left 127.0.0.1: {outside[:5]}"
        assert errors == [], errors[:5]
        assert page.locator("article h1").count() == 1
        fonts = [r for r in requests if r.split("?")[0].endswith((".woff2", ".woff", ".ttf", "fontawesome.js"))]
        assert fonts == [], f"icon fonts or script fetched: {fonts}"
        # the header's icons are drawn (inline SVG), at the theme's size
        icons = page.locator(".bd-header-article svg.svg-inline--fa:visible")
        assert icons.count() >= 3
        box = icons.first.bounding_box()
        assert 10 <= box["width"] <= 40 and 10 <= box["height"] <= 40, box
    finally:
        page.close()


def test_maps_load_when_the_reader_reaches_them(browser, server):
    """On a phone, the first screen of a page with maps loads neither the maps nor Leaflet."""
    requests = []
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(f"{server}/chapters/spread.html", wait_until="load")
        page.wait_for_timeout(500)
        early = [r for r in requests if "/maps/" in r or "/vendor/" in r]
        assert early == [], early
        frames = reach_maps(page)
        assert len(frames) == 2
        assert any("/maps/" in r for r in requests) and any("leaflet.js" in r for r in requests)
        assert frames[1].locator(".explainer-legend").count() >= 1
    finally:
        page.close()


def map_frames(page):
    return [f for f in page.frames if f != page.main_frame]


def test_spread_map_draws_countries_and_markers(browser, server):
    page, outside, errors = visit(browser, f"{server}/chapters/spread.html")
    try:
        frame = reach_maps(page)[0]
        polygons = frame.locator(".leaflet-overlay-pane path.leaflet-interactive").count()
        assert polygons >= 25, polygons
        assert frame.locator(".explainer-legend").count() >= 1
        version = frame.evaluate("() => L.version")
        assert version == "1.9.3"
        assert outside == [] and errors == []
    finally:
        page.close()


@pytest.mark.parametrize("path", edition_pages())
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
        frame = reach_maps(page)[0]
        zoom_in = frame.locator(".leaflet-control-zoom-in")
        zoom_in.focus()
        outline = zoom_in.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
        assert outline.startswith("solid") and not outline.endswith(" 0px"), outline
    finally:
        page.close()


def test_glued_values_are_not_bold(browser, server):
    """Numbers and dates glued from the data read as the text around them; bold only where an editor
    wrote it (a glued value inside **…** stays bold)."""
    page, _, _ = visit(browser, f"{server}/intro.html")
    try:
        weights = page.evaluate("""() => [...document.querySelectorAll('article span.pasted-text')].map(e =>
            [getComputedStyle(e).fontWeight, getComputedStyle(e.parentElement).fontWeight])""")
        assert len(weights) >= 5
        assert all(own == around for own, around in weights), weights
        assert any(int(own) <= 400 for own, _ in weights)
    finally:
        page.close()


def search(browser, server, query, edition=""):
    """The search page's results for ``query`` in an edition ("" English, "es/" Spanish): [(link, snippet)],
    once the search has finished."""
    from urllib.parse import quote

    page, outside, errors = visit(browser, f"{server}/{edition}search.html?q={quote(query)}")
    try:
        page.wait_for_function(  # the summary is written when the search has finished, in any language
            "() => (document.querySelector('#search-results .search-summary')?.innerText || '').trim() !== ''",
            timeout=20000)
        page.wait_for_timeout(300)  # the last snippets
        found = page.evaluate("""() => [...document.querySelectorAll('#search-results ul.search > li')].map(li =>
            [li.querySelector('a').getAttribute('href'), li.querySelector('p.context')?.textContent || ''])""")
        assert outside == [] and errors == [], (outside, errors)
        return found
    finally:
        page.close()


NAMES = [("Tocorón", "Tocoron"), ("Niño Guerrero", "Nino Guerrero"), ("Héctor", "Hector"), ("Bogotá", "Bogota"),
         ("Perú", "Peru"), ("Cúcuta", "Cucuta")]


@pytest.mark.parametrize("edition", ["", "es/"])
@pytest.mark.parametrize("accented, plain", NAMES)
def test_search_forgives_accents(browser, server, edition, accented, plain):
    """A name typed without its accents or ñ finds the same pages as the name spelt in full, in each
    edition."""
    with_accents = search(browser, server, accented, edition)
    without = search(browser, server, plain, edition)
    assert with_accents, (edition, accented)
    assert sorted(h for h, _ in without) == sorted(h for h, _ in with_accents)


@pytest.mark.parametrize("edition", ["", "es/"])
def test_nino_without_its_tilde_finds_the_pages_about_him(browser, server, edition):
    """"Nino Guerrero", as a phone keyboard types it, finds the pages about him — not words that merely
    start like it ("ningún")."""
    found = {h.split("#")[0].split("/")[-1] for h, _ in search(browser, server, "Nino Guerrero", edition)}
    assert {"intro.html", "indictment.html", "whos-who.html"} <= found, found


def test_search_snippets_are_page_text(browser, server):
    """Each result's snippet shows the query word in the page's text, with none of its buttons, contents
    list or code."""
    import unicodedata

    def fold(s):
        return "".join(c for c in unicodedata.normalize("NFD", s.lower()) if not unicodedata.combining(c))

    results = search(browser, server, "Tocoron")
    ui = ("Show code cell", "Hide code cell", "Contents", "Repository", "Suggest edit", "Open issue", ".ipynb",
          "import ", "Chart data (CSV)")
    assert results
    for href, snippet in results:
        assert snippet, href
        assert "tocoron" in fold(snippet), (href, snippet)
        assert not [u for u in ui if u in snippet], (href, snippet)


def _leaflet_map(frame) -> str:
    """The name of the Leaflet map object in a map's frame (folium calls it map_<hash>)."""
    return frame.evaluate("() => Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)")


@pytest.mark.parametrize("path", ["chapters/spread", "chapters/origins"])
def test_a_one_finger_swipe_over_a_map_scrolls_the_page(browser, server, path):
    """On a phone, a one-finger swipe up over a map scrolls the page and leaves the map where it was; the
    map takes less than half the screen."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    try:
        page.goto(f"{server}/{path}.html", wait_until="load")
        frame = reach_maps(page)[0]
        iframe = page.locator("iframe[title]").first
        iframe.evaluate("e => e.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(500)
        name = _leaflet_map(frame)
        box = iframe.bounding_box()
        assert box["height"] <= 844 / 2, box
        scroll, center = page.evaluate("() => scrollY"), frame.evaluate(f"() => {name}.getCenter()")
        cdp = ctx.new_cdp_session(page)
        x, y0, y1 = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8, box["y"] + box["height"] * 0.2
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y0}]})
        for i in range(1, 11):
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                                  "touchPoints": [{"x": x, "y": y0 + (y1 - y0) * i / 10}]})
            page.wait_for_timeout(16)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        page.wait_for_timeout(600)
        assert page.evaluate("() => scrollY") - scroll > box["height"] * 0.3
        assert frame.evaluate(f"() => {name}.getCenter()") == center
    finally:
        ctx.close()


@pytest.mark.parametrize("path", ["chapters/spread", "chapters/origins"])
def test_tab_skips_country_shapes_and_names_every_marker(browser, server, path):
    """Tab reaches a "Skip the map" link, then the map's container, controls and every marker (each named),
    and no country shape; the skip link leads past the map."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/{path}.html", wait_until="load")
        frame = reach_maps(page)[0]
        markers = frame.evaluate(f"() => {{ let n = 0; {_leaflet_map(frame)}.eachLayer(l => {{"
                                 "if (l instanceof L.CircleMarker) n++; }); return n; }")
        skip = page.locator("figure.explainer-map a.explainer-skip").first
        skip.focus()
        target = skip.get_attribute("href")
        assert page.locator(target).count() == 1
        stops, paths = 0, []
        for _ in range(200):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.tagName") != "IFRAME":
                break
            stops += 1
            el = frame.evaluate("""() => { const a = document.activeElement;
                return [a.tagName, a.getAttribute('role'), a.getAttribute('aria-label')]; }""")
            if el[0].lower() == "path":
                paths.append(el)
        assert paths and all(role == "button" and label for _, role, label in paths), paths
        assert len(paths) == markers
        assert stops <= markers + 15, stops  # the container, the zoom and layer controls, the attribution
        skip.focus()
        page.keyboard.press("Enter")
        assert page.evaluate("() => location.hash") == target
    finally:
        page.close()


CHART_PAGES = ["chapters/indictment", "chapters/origins", "chapters/spread", "chapters/geopolitics",
               "chapters/factcheck"]


def test_charts_on_a_phone_have_readable_type_and_enlarge(browser, server, site):
    """At 390 px, a chart with a phone rendering shows it, its smallest text at 11 CSS px or more; every
    chart opens its full-size image when tapped."""
    from PIL import Image

    from explainer.charts import MIN_TEXT_PX, TEXT_CHUNK

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                              device_scale_factor=3)
    phone, total = 0, 0
    try:
        for path in CHART_PAGES:
            page = ctx.new_page()
            page.goto(f"{server}/{path}.html", wait_until="load")
            for fig in page.locator("figure.explainer-chart").all():
                total += 1
                img = fig.locator("img")
                img.scroll_into_view_if_needed()
                page.wait_for_function("e => e.complete && e.naturalWidth > 0", arg=img.element_handle())
                link = fig.locator("a.explainer-enlarge")
                assert link.count() == 1
                assert (site / path).parent.joinpath(link.get_attribute("href")).resolve().is_file()
                if fig.locator("picture source").count() == 0:
                    continue
                phone += 1
                src = img.evaluate("e => e.currentSrc")
                assert src.endswith(fig.locator("picture source").get_attribute("srcset").split("/")[-1]), src
                file = site / "charts" / src.rsplit("/", 1)[-1]
                smallest = float(Image.open(file).text[TEXT_CHUNK])
                shown, natural = img.evaluate("e => [e.getBoundingClientRect().width, e.naturalWidth]")
                assert smallest * shown / natural >= MIN_TEXT_PX, (path, file.name, smallest * shown / natural)
            page.close()
    finally:
        ctx.close()
    assert total >= 10 and phone >= 8, (phone, total)


def test_desktop_readers_never_fetch_phone_charts(browser, server):
    for path in CHART_PAGES:
        requests = []
        page, _, errors = visit(browser, f"{server}/{path}.html", requests=requests)
        try:
            phone = set(page.eval_on_selector_all("figure.explainer-chart picture source",
                                                  "els => els.map(e => e.getAttribute('srcset').split('/').pop())"))
            for img in page.locator("figure.explainer-chart img").all():
                img.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            assert not [r for r in requests if r.rsplit("/", 1)[-1] in phone]
            assert errors == []
        finally:
            page.close()


@pytest.mark.parametrize("path", ["chapters/geopolitics", "es/chapters/data-sources"])
def test_a_long_disclosure_shows_its_content_when_opened(browser, server, site, path):
    """The content of a long disclosure is not in the page; opening it loads it (from a file:// copy too)."""
    for base in (server, (site / path).with_suffix(".html").resolve().parent.as_uri()):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            url = f"{server}/{path}.html" if base == server else f"{base}/{path.rsplit('/', 1)[1]}.html"
            page.goto(url, wait_until="load")
            lazy = page.locator("details:has(.explainer-lazy)").first.element_handle()
            assert not lazy.query_selector_all("a, td")  # not in the page until opened
            lazy.query_selector("summary").click()
            page.wait_for_function("() => !document.querySelector('details[open] .explainer-lazy')")
            assert len(lazy.query_selector_all("a, td")) > 20
        finally:
            page.close()


@pytest.mark.parametrize("start, other", [("chapters/spread.html", "es/chapters/spread.html"),
                                          ("es/chapters/geopolitics.html", "chapters/geopolitics.html")])
def test_the_language_switch_keeps_the_section_the_reader_is_in(browser, server, start, other):
    page, outside, errors = visit(browser, f"{server}/{start}")
    try:
        n = page.evaluate("""() => { const s = [...document.querySelectorAll('article section[id]')];
            const k = Math.floor(s.length / 2); s[k].scrollIntoView(); return k; }""")
        page.wait_for_timeout(200)
        box = page.locator("a.explainer-edition").first.bounding_box()  # in the header, in view: no scrolling
        assert box and 0 <= box["y"] < 100, box
        with page.expect_navigation():
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(500)
        landed = page.evaluate("""() => { const s = [...document.querySelectorAll('article section[id]')];
            return [location.pathname, location.hash.slice(1), s.map(e => e.id), window.scrollY]; }""")
        path, anchor, ids, y = landed
        assert path.endswith("/" + other), path
        assert n > 0 and anchor == ids[n], (n, anchor, ids[n])
        assert y > 300, y
        assert errors == [], errors
    finally:
        page.close()
