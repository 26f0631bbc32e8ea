"""axe-core (pinned, vendored in tests/vendor) finds no serious or critical violation on any page, in the
light and the dark colour mode, including inside every map iframe."""
import hashlib
from pathlib import Path

import pytest

from conftest import edition_pages, reach_maps

pytestmark = [pytest.mark.browser, pytest.mark.build]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
#: Nothing is allow-listed: the theme's own violations are fixed by the templates in _templates/ and by
#: _ext/publish.py (bibliography roles).
ALLOWED: set[str] = set()


def test_axe_is_the_pinned_copy():
    expected = (AXE.parent / "SHA256SUMS").read_text().split()[0]
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == expected


def _audit(frame):
    frame.add_script_tag(path=str(AXE))
    return frame.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => ({id: v.id, impact: v.impact,
                               nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))""")


#: One page of each kind the templates and extensions produce (the home page; a chapter with charts, maps
#: and citations; generated tables; the filtered timeline; the bibliography; search). `make test` audits
#: these in each edition; the other pages share their templates and are audited by `make test-all`.
SAMPLE = {"intro", "chapters/spread", "chapters/data-sources", "chapters/timeline", "chapters/bibliography",
          "search"}


def _pages():
    return [pytest.param(p, marks=() if p.removeprefix("es/") in SAMPLE else pytest.mark.slow)
            for p in edition_pages(("search",))]


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("path", _pages())
def test_no_serious_or_critical_violations(browser, server, path, mode):
    # the reader's system preference; the theme's default mode ("auto") follows it
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=mode)
    try:
        page.goto(f"{server}/{path}.html", wait_until="load")
        assert page.evaluate("() => document.documentElement.dataset.theme") == mode
        frames = [page.main_frame, *reach_maps(page)]  # map iframes: scrolled to, drawn by Leaflet
        assert len(frames) == len(page.frames), "a frame that is not a map"
        found = []
        for f in frames:
            found += [dict(v, frame=f.name or f.url[:40]) for v in _audit(f)]
        bad = [v for v in found if v["impact"] in ("serious", "critical") and v["id"] not in ALLOWED]
        assert not bad, bad
    finally:
        page.close()
