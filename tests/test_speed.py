"""Byte budgets for a reader on a phone and a slow network, computed from the built files each page
references (gzip-compressed, as a static host serves them); and nothing the book removed is still linked.

Times are not asserted (they vary); `make bench-reader` measures them in an emulated phone.
"""
import re

import pytest

from conftest import EDITION_DIRS, SPEED_BUDGET, edition_bytes, edition_pages, page_references, site_parts, toc_pages
from conftest import transfer_kb
import slim

pytestmark = pytest.mark.build

PAGES = edition_pages(("search",))


def all_pages(site):
    return [p for p in sorted(site.rglob("*.html")) if site_parts(site, p)[0] not in ("_static",)]


@pytest.mark.parametrize("path", PAGES)
def test_first_visit_is_within_budget(site, path):
    kb = transfer_kb(site, site / f"{path}.html")
    assert kb <= SPEED_BUDGET["first_visit_kb"], f"{path}: {kb:.0f} kB on a first visit"


@pytest.mark.parametrize("path", PAGES)
def test_second_page_is_within_budget(site, path):
    edition = "es/" if path.startswith("es/") else ""
    first = site / edition / ("chapters/indictment.html" if path.endswith("intro") else "intro.html")
    cached = {first.resolve(), *page_references(site, first)}
    kb = transfer_kb(site, site / f"{path}.html", cached)
    assert kb <= SPEED_BUDGET["second_page_kb"], f"{path} after {first.name}: {kb:.0f} kB"


@pytest.mark.parametrize("edition", EDITION_DIRS)
def test_site_is_within_budget(site, edition):
    size = edition_bytes(site, edition)
    assert size / 1e6 <= SPEED_BUDGET["site_mb"], f"{edition or 'English'}: {size / 1e6:.2f} MB"


def test_every_file_a_page_references_exists(site):
    checked = 0
    for page in all_pages(site):
        for ref in page_references(site, page):
            assert ref.is_file(), f"{page.relative_to(site)} references a missing {ref}"
            checked += 1
    assert checked > 100


def test_no_removed_asset_is_referenced(site):
    removed = [f"_static/{r}" for r in slim.REMOVED] + ["fontawesome", "sphinx-thebe", "copybutton",
                                                         "clipboard.min.js", "togglebutton", "design-tabs"]
    for page in all_pages(site):
        text = page.read_text(encoding="utf-8")
        refs = re.findall(r'(?<![\w-])(?:src|href)="([^"]+)"', text)
        bad = [r for r in refs if any(x in r for x in removed)]
        assert not bad, f"{page.relative_to(site)}: {bad}"
        for r in slim.REMOVED:
            assert not (site / "_static" / r).exists(), r
        # no icon left for Font Awesome's script to draw, no map or chart inlined in the page
        assert not re.search(r'<(?:i|span)\b[^>]*class="[^"]*\bfa-', text), page.relative_to(site)
        assert "srcdoc=" not in text and "data:image/png;base64," not in text, page.relative_to(site)


def test_search_scripts_only_on_the_search_page(site):
    for edition in EDITION_DIRS:
        assert "searchindex.js" in (site / edition / "search.html").read_text(encoding="utf-8")
    for path in edition_pages():
        assert "searchindex.js" not in (site / f"{path}.html").read_text(encoding="utf-8"), path


def test_charts_are_files_with_their_size(site):
    for edition in EDITION_DIRS:
        imgs = re.findall(r'<img src="\.\./charts/[0-9a-f]{16}\.png"[^>]*>',
                          "".join((site / edition / f"{p}.html").read_text(encoding="utf-8") for p in toc_pages()))
        assert len(imgs) >= 8, edition
        for tag in imgs:
            assert 'loading="lazy"' in tag and re.search(r'width="\d+" height="\d+"', tag), tag[:120]


# --------------------------------------------------------------------------- the measuring itself
def test_page_references_counts_what_a_browser_fetches(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "a.css").write_text('@import "b.css"; .x{background:url(i.png)}'
                                          '@font-face{src:url(f.woff2)}')
    (tmp_path / "s" / "b.css").write_text("p{}")
    for name in ("s/i.png", "s/f.woff2", "s/app.js", "late.png", "now.png", "m.html"):
        (tmp_path / name).write_bytes(b"x" * 10)
    page = tmp_path / "p.html"
    page.write_text('<link rel="stylesheet" href="s/a.css?v=1"><link rel="next" href="q.html">'
                    '<script src="s/app.js"></script><img src="now.png" alt="a"><img src="late.png" '
                    'loading="lazy" alt="b"><iframe title="m" data-src="m.html"></iframe>'
                    '<img src="data:image/png;base64,AAAA" alt="c">')
    refs = {p.relative_to(tmp_path).as_posix() for p in page_references(tmp_path, page)}
    assert refs == {"s/a.css", "s/b.css", "s/i.png", "s/app.js", "now.png"}
    kb = transfer_kb(tmp_path, page)
    assert kb > 0 and transfer_kb(tmp_path, page, set(page_references(tmp_path, page))) < kb

