"""The full timeline page: every row of data/timeline.csv, oldest first, each with its sources; filters
that work with the keyboard and announce the count, and a plain list without JavaScript."""
from __future__ import annotations

import re
import unicodedata

import pytest

from explainer import events
from explainer.data import DataPackage

PAGE = "chapters/timeline.html"
EVENT = re.compile(r'<div class="tl-event tl-cat-(?P<cat>[a-z]+) tl-iso-(?P<iso>[a-z]{3})[^"]*">(?P<body>.*?)</div>',
                   re.S)


@pytest.fixture(scope="module")
def timeline():
    return DataPackage().load("timeline").sort_values(["date", "event_id"], kind="stable")


def fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c)).lower()


def test_dates_keep_their_precision(timeline):
    rows = timeline.set_index("event_id")
    assert events.dates(rows.loc["e-1982-01-01-tocoron-prison-built"]) == "1982"
    assert events.dates(rows.loc["e-2005-01-01-tda-founding-range"]) == "2005–2015"
    assert events.dates(rows.loc["e-2024-07-01-gerso-guerrero-extradited"]) == "July 2024"
    assert events.dates(rows.loc["e-2025-12-18-sdny-guerrero-unsealed"]) == "18 December 2025"


def test_every_category_has_a_label():
    pkg = DataPackage()
    field = next(f for f in pkg.resources["timeline"]["schema"]["fields"] if f["name"] == "category")
    assert set(events.CATEGORY_NAMES) == set(field["constraints"]["enum"])


@pytest.mark.build
def test_the_page_lists_every_event_in_order_with_sources(site, timeline):
    html = (site / PAGE).read_text(encoding="utf-8")
    found = list(EVENT.finditer(html))
    assert len(found) == len(timeline)
    for m, (_, r) in zip(found, timeline.iterrows()):
        assert (m["cat"], m["iso"]) == (str(r["category"]), str(r["country_iso3"]).lower()), r["event_id"]
        assert events.dates(r) in m["body"], r["event_id"]
        cited = re.findall(r'href="bibliography\.html#([^"]+)"', m["body"])
        assert len(cited) >= 1, f"{r['event_id']}: no citation linked to the bibliography"
        assert f"({r['confidence']})" in m["body"], r["event_id"]


@pytest.mark.build
def test_the_filters_start_hidden_so_the_page_works_without_javascript(site):
    html = (site / PAGE).read_text(encoding="utf-8")
    form = re.search(r'<form[^>]*id="tl-filters"[^>]*>', html).group(0)
    assert "hidden" in form and 'id="tl-filters"' in form
    for control in ("tl-cat", "tl-iso", "tl-q"):
        assert f'<label for="{control}">' in html and f'id="{control}"' in html
    assert re.search(r'<p[^>]*id="tl-count"[^>]*aria-live="polite"', html)


#: The chart functions that draw events on a time axis.
TIMELINE_CHARTS = re.compile(r"\b(?:lane_timeline|vertical_timeline|actions_chart|charts\.timeline)\(")


@pytest.mark.build
def test_chapters_with_a_timeline_chart_link_the_full_timeline_with_its_count(site, timeline):
    from explainer import toc

    drawing = [p for p in toc.pages() if TIMELINE_CHARTS.search(p.read_text(encoding="utf-8"))]
    assert len(drawing) >= 2
    for path in drawing:
        html = (site / path.relative_to(toc.ROOT).with_suffix(".html")).read_text(encoding="utf-8")
        body = html.split('<article', 1)[1]  # not the sidebar's table of contents
        links = re.findall(r'href="(?:\.\./chapters/)?timeline\.html"(.{0,300})', body, re.S)
        assert links, f"{path.name} draws a timeline chart but does not link the full timeline"
        assert any(re.search(rf">{len(timeline)}<", after) for after in links), \
            f"{path.name}: no link to the full timeline gives its number of events"


# --------------------------------------------------------------------------- in the browser
def _visible(page) -> int:
    return page.locator(".tl-event:visible").count()


@pytest.mark.browser
@pytest.mark.build
def test_filters_narrow_the_list_and_announce_the_count(browser, server, timeline):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{server}/{PAGE}", wait_until="load")
        n = len(timeline)
        assert page.locator("#tl-filters").is_visible()
        assert _visible(page) == n
        page.select_option("#tl-cat", "reward")
        rewards = int((timeline["category"].astype(str) == "reward").sum())
        assert _visible(page) == rewards
        assert page.locator("#tl-count").inner_text() == f"{rewards} of {n} events shown."
        page.select_option("#tl-iso", "USA")
        both = int(((timeline["category"].astype(str) == "reward") & (timeline["country_iso3"] == "USA")).sum())
        assert _visible(page) == both
        page.click("button[type=reset]")
        page.wait_for_timeout(50)
        assert _visible(page) == n and page.locator("#tl-count").inner_text() == f"All {n} events shown."
        # words, with or without accents: "Tocoron" finds what "Tocorón" finds
        page.fill("#tl-q", "Tocoron")
        page.wait_for_timeout(400)
        texts = [f"{r['event']} {r['note'] if isinstance(r['note'], str) else ''}" for _, r in timeline.iterrows()]
        want = sum("tocoron" in fold(t) for t in texts)
        assert want >= 3 and _visible(page) >= want
        page.fill("#tl-q", "Tocorón")
        page.wait_for_timeout(400)
        assert _visible(page) >= want
        # a year with no event left disappears with its heading
        page.fill("#tl-q", "")
        page.select_option("#tl-cat", "military")
        military = timeline[timeline["category"].astype(str) == "military"]["date"].dt.year.nunique()
        years = page.locator("article h2:visible")
        assert years.count() == military, years.all_inner_texts()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390
        assert errors == []
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.build
def test_the_filters_are_reachable_with_the_tab_key_in_order(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/{PAGE}", wait_until="load")
        page.locator("#tl-filters").scroll_into_view_if_needed()
        page.evaluate("() => document.querySelector('article h1').setAttribute('tabindex', '-1')")
        page.focus("article h1")
        order = []
        for _ in range(40):
            page.keyboard.press("Tab")
            el = page.evaluate("() => document.activeElement.id || document.activeElement.tagName")
            order.append(el)
            if el == "BUTTON" and "tl-q" in order:
                break
        controls = [e for e in order if e in ("tl-cat", "tl-iso", "tl-q")]
        assert controls == ["tl-cat", "tl-iso", "tl-q"], order
        page.focus("#tl-cat")
        page.keyboard.press("ArrowDown")  # the next category, chosen from the keyboard alone
        page.wait_for_timeout(50)
        assert page.locator("#tl-count").inner_text().endswith("events shown.")
        assert page.locator("#tl-count").inner_text().startswith(tuple("0123456789"))
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.build
def test_without_javascript_every_event_is_listed(browser, server, timeline):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{server}/{PAGE}", wait_until="load")
        assert not page.locator("#tl-filters").is_visible()
        assert _visible(page) == len(timeline)
    finally:
        context.close()
