"""The built HTML: every page exists, images have alt text, iframes a title, nothing from a CDN."""
import html
import re

import pytest

from conftest import edition_pages

pytestmark = pytest.mark.build

CDN = re.compile(r"(?:src|href)=(?:\"|'|&quot;)(https?://[^\"'&\s>]+\.(?:js|css))", re.I)


def pages(site):
    return sorted(site.rglob("*.html"))


def test_every_toc_page_was_built(site):
    for page in edition_pages():
        assert (site / f"{page}.html").exists(), page


def test_images_have_real_alt_text(site):
    checked = 0
    for p in pages(site):
        for tag in re.findall(r"<img\b[^>]*>", p.read_text(encoding="utf-8")):
            alt = re.search(r'\balt="([^"]*)"', tag)
            assert alt and len(alt.group(1).strip()) >= 3, f"{p.name}: {tag[:120]}"
            assert not re.match(r"^(_build|\.\./_images|figure|image)", alt.group(1), re.I), f"{p.name}: {alt.group(1)}"
            checked += 1
    assert checked >= 1


def test_iframes_have_a_title(site):
    n = 0
    for p in pages(site):
        for tag in re.findall(r"<iframe\b[^>]{0,300}", p.read_text(encoding="utf-8")):
            assert re.search(r'\btitle="[^"]{5,}"', tag), f"{p.name}: {tag[:100]}"
            n += 1
    assert n >= 1


def test_no_cdn_asset_in_any_page_or_srcdoc(site):
    for p in pages(site):
        text = p.read_text(encoding="utf-8")
        found = CDN.findall(text) + CDN.findall(html.unescape(text))
        assert not found, f"{p.relative_to(site)}: {sorted(set(found))[:5]}"


def test_no_trust_hint_left(site):
    for p in pages(site):
        assert "Make this Notebook Trusted" not in p.read_text(encoding="utf-8"), p.name


def test_vendored_assets_are_published(site):
    for f in ("leaflet/leaflet.js", "leaflet/leaflet.css", "d3/d3.min.js", "jquery/jquery.min.js",
              "leaflet/images/marker-icon.png"):
        assert (site / "vendor" / f).stat().st_size > 100, f
    assert not list((site / "_static").rglob("leaflet*")), "map assets must not be in _static"


def test_bibliography_page_lists_every_source_once(site):
    from explainer.data import bib_keys

    text = (site / "chapters" / "bibliography.html").read_text(encoding="utf-8")
    assert text.count('<div class="citation"') == len(bib_keys())


def test_no_launch_buttons_that_cannot_work(site):
    """No Binder/JupyterHub/Colab/Thebe launch buttons: the book offers .ipynb downloads instead."""
    for p in pages(site):
        text = p.read_text(encoding="utf-8")
        assert not any(s in text for s in ("launch-buttons", "fa-rocket", "thebe-launch-button")), p.name


@pytest.mark.build
def test_no_page_shows_an_unrendered_role(site):
    """Generated tables and lists (Markdown written by the chapters' code) are read as MyST, so their roles
    render as links: no page of either edition shows a role's raw text."""
    import re

    raw = re.compile(r"\{(?:cite:p|cite|doc|ref|term|glue:text|asof|correction)\}`")
    shown, read = [], 0
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.parts:
            continue
        read += 1
        article = re.search(r"<article\b.*?</article>", page.read_text(encoding="utf-8"), re.S)
        text = re.sub(r"<(script|pre|code)\b.*?</\1>", "", article.group(0) if article else "", flags=re.S)
        if raw.search(text):
            shown.append(page.relative_to(site).as_posix())
    assert read > 25 and shown == []
