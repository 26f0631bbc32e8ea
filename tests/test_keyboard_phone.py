"""Readers without a mouse, and readers on a phone: the keyboard's focus always shows, maps can be worked
and left by keyboard in a stated order, citations say what they cite, and on a 390-px screen every map dot
can be tapped, no year label hides another and no opened disclosure widens the page."""
import re

import pytest

from conftest import edition_pages, reach_maps

pytestmark = [pytest.mark.browser, pytest.mark.build]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


def _focus_ring(page) -> tuple:
    """The focused element's name and whether it shows a ring (an outline of 2 px or more, or a shadow)."""
    return page.evaluate("""() => { const a = document.activeElement, s = getComputedStyle(a);
        const name = a.getAttribute('aria-label') || a.getAttribute('title') || a.textContent.trim();
        const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
        return [name, ring, !!a.closest('.bd-header, .bd-header-article')]; }""")


@pytest.mark.parametrize("width", [1280, 390])
def test_every_header_control_shows_the_keyboard_focus(browser, server, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(f"{server}/chapters/spread.html", wait_until="load")
        seen = {}
        for _ in range(60):
            page.keyboard.press("Tab")
            name, ring, in_header = _focus_ring(page)
            if in_header:
                seen[name] = ring
        assert "Download this page" in seen and "Toggle primary sidebar" in seen, seen
        assert all(seen.values()), [n for n, ring in seen.items() if not ring]
    finally:
        page.close()


def _map(frame) -> str:
    return frame.evaluate("() => Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)")


def test_escape_closes_a_map_popup_and_gives_the_focus_back_to_its_dot(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/chapters/spread.html", wait_until="load")
        frame = reach_maps(page)[0]
        dot = frame.locator("path[role=button]").first
        dot.focus()
        label = dot.get_attribute("aria-label")
        page.keyboard.press("Enter")
        frame.wait_for_selector(".leaflet-popup")
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        assert frame.locator(".leaflet-popup").count() == 0
        assert frame.evaluate("() => document.activeElement.getAttribute('aria-label')") == label
    finally:
        page.close()


@pytest.mark.parametrize("path", ["chapters/origins", "chapters/spread", "es/chapters/origins"])
def test_a_map_has_no_tab_stop_that_does_nothing(browser, server, path):
    """The keyboard reaches the map, its controls and its dots, never a label (a sea's or a country's name)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/{path}.html", wait_until="load")
        for frame in reach_maps(page):
            inert = frame.evaluate("""() => [...document.querySelectorAll('[tabindex]')]
                .filter(e => e.tabIndex >= 0 && !e.matches('.leaflet-container, [role=button], a[href], button, '
                                                          + 'input, select, textarea'))
                .map(e => e.outerHTML.slice(0, 80))""")
            assert not inert, inert
            assert frame.locator(".leaflet-marker-icon").count() == frame.locator(
                ".leaflet-marker-icon[tabindex='-1'], .leaflet-marker-icon:not([tabindex])").count()
    finally:
        page.close()


def test_spread_map_dots_come_strongest_evidence_first_then_by_name(browser, server):
    """The order the caption states: from the strongest evidence to the weakest, by name within a level."""
    import unicodedata

    from explainer import data
    from explainer.spread import EVIDENCE_ORDER, evidence_label, evidence_short

    presence = data.load("presence")
    rank = {name(lvl).casefold(): i for i, lvl in enumerate(EVIDENCE_ORDER)
            for name in (evidence_label, evidence_short)}  # the origin's tooltip uses its short name
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/chapters/spread.html", wait_until="load")
        frame = reach_maps(page)[0]
        labels = frame.evaluate("() => [...document.querySelectorAll('path[role=button]')]"
                                ".map(p => p.getAttribute('aria-label'))")
        assert len(labels) == len(presence)
        keys = []
        for label in labels:
            country, _, evidence = re.sub(r"\s*\([^()]*\)$", "", label).partition(": ")  # "(click …)" off
            keys.append((rank[evidence.casefold()], unicodedata.normalize("NFD", country).casefold()))
        assert keys == sorted(keys), labels
    finally:
        page.close()


@pytest.mark.parametrize("path", ["chapters/origins", "es/chapters/spread"])
def test_citations_are_named_by_what_they_cite(browser, server, path):
    """A citation link's accessible name is its number and source ('Source 12: Publisher, date'), not the
    number alone."""
    word = "Fuente" if path.startswith("es/") else "Source"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/{path}.html", wait_until="load")
        links = page.evaluate("""() => [...document.querySelectorAll(
            'main a.reference.internal[href*="bibliography.html#"]')]
            .map(a => [a.textContent.trim(), a.getAttribute('aria-label')])""")
        assert len(links) > 20
        for number, name in links:
            assert name and re.fullmatch(rf"{word} {re.escape(number)}: \S.*", name), (number, name)
        number, name = links[0]
        assert page.get_by_role("link", name=name, exact=True).count() >= 1
    finally:
        page.close()


def test_whats_new_dates_are_headings(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/chapters/whats-new.html", wait_until="load")
        dates = page.evaluate("() => [...document.querySelectorAll('article.bd-article h2')]"
                              ".map(h => h.textContent.replace('#', '').trim())")
        assert len(dates) >= 2 and all(re.fullmatch(r"\d{1,2} \w+ \d{4}", d) for d in dates), dates
    finally:
        page.close()


# --------------------------------------------------------------------------- on a phone
@pytest.mark.parametrize("path", ["chapters/spread", "chapters/origins", "es/chapters/spread"])
def test_every_map_dot_can_be_tapped_on_a_phone(browser, server, path):
    """At 390×844 nothing (a legend, a hint, a control) covers a dot: the element at each dot's centre is
    the dot. Opened, the legend can be folded away again."""
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    try:
        page.goto(f"{server}/{path}.html", wait_until="load")
        for i, frame in enumerate(reach_maps(page)):
            page.locator("iframe[title]").nth(i).evaluate("e => e.scrollIntoView({block: 'center'})")
            page.wait_for_timeout(300)
            covered = frame.evaluate("""() => [...document.querySelectorAll('path[role=button]')].filter(p => {
                const r = p.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
                return document.elementFromPoint(x, y) !== p; }).map(p => p.getAttribute('aria-label'))""")
            assert not covered, (i, covered)
            fold = frame.locator("button.explainer-fold")
            if fold.count():
                assert not frame.locator(".explainer-legend").first.is_visible()
                fold.click()
                assert frame.locator(".explainer-legend").first.is_visible()
                assert fold.get_attribute("aria-expanded") == "true"
                fold.click()
                assert not frame.locator(".explainer-legend").first.is_visible()
    finally:
        ctx.close()


@pytest.mark.parametrize("path", ["chapters/spread", "es/chapters/spread"])
def test_year_labels_never_overlap_on_a_phone(browser, server, path):
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    try:
        page.goto(f"{server}/{path}.html", wait_until="load")
        checked = 0
        for frame in reach_maps(page):
            boxes = frame.evaluate("""() => [...document.querySelectorAll('.year-label')]
                .filter(l => getComputedStyle(l).visibility !== 'hidden')
                .map(l => { const r = l.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })""")
            for i, a in enumerate(boxes):
                for b in boxes[i + 1:]:
                    assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
            checked += len(boxes)
        assert checked >= 5
    finally:
        ctx.close()


@pytest.mark.parametrize("path", edition_pages())
def test_no_page_is_wider_than_a_phone_with_every_disclosure_open(browser, server, path):
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    try:
        page.goto(f"{server}/{path}.html", wait_until="load")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.wait_for_function("() => !document.querySelector('.explainer-lazy')", timeout=10000)
        page.wait_for_timeout(200)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{path}: {width} px wide with every disclosure open"
    finally:
        ctx.close()
