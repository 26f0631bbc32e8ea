"""The PDF edition (``make pdf``): the whole book, in order, with each chapter's sources and page numbers;
and a single chapter printed from the browser carries its sources and leaves out the screen's controls."""
import html
import re
import sys
import unicodedata

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "_ext"))

pytestmark = [pytest.mark.build, pytest.mark.browser]


def squash(text: str) -> str:
    """Text compared as the PDF's text layer allows: ligatures unfolded, no spaces or line breaks, one case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", html.unescape(text))).lower()


@pytest.fixture(scope="module")
def pdf(site):
    """The PDF edition, built first if it is missing or older than the site."""
    import subprocess

    import bookpdf

    path = site / bookpdf.PDF_NAME
    if not path.exists() or path.stat().st_mtime < (site / "index.html").stat().st_mtime:
        # as `make pdf` does it: in its own process (the browser tests' Playwright runs in this one)
        subprocess.run([sys.executable, str(ROOT / "_ext" / "bookpdf.py"), "--site", str(site)], check=True)
    from pypdf import PdfReader

    return PdfReader(str(path))


@pytest.fixture(scope="module")
def texts(pdf) -> list[str]:
    """Each page's text, as extracted (once: it is the slow part)."""
    return [p.extract_text() for p in pdf.pages]


def _page_title(site, name):
    text = (site / f"{name}.html").read_text(encoding="utf-8")
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S).group(1)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", h1)).replace("#", "").split())


def test_pdf_has_cover_contents_and_every_page_in_order(site, pdf, texts):
    from explainer.toc import docnames

    texts = [squash(t) for t in texts]
    names = docnames(ROOT)
    assert len(pdf.pages) > 2 * len(names)
    assert squash("Data as of") in texts[0]
    contents = texts[1]
    body = "".join(texts[2:])
    at = -1
    for name in names:
        title = squash(_page_title(site, name))
        assert title in contents, name
        found = body.find(title, at + 1)
        assert found > at, f"{name} is missing or out of order"
        at = found
    outline = {squash(o.title) for o in pdf.outline if not isinstance(o, list)}
    assert {squash(_page_title(site, n)) for n in names} <= outline


def test_pdf_pages_are_numbered(texts):
    n = len(texts)
    for i in range(n):
        assert re.search(rf"\b{i + 1}\s*/\s*{n}\b", texts[i]), i + 1


def test_every_chapter_in_the_pdf_lists_the_sources_it_cites(site, pdf, texts):
    """On a chapter's own pages (from its bookmark to the next chapter's), the PDF names every source the
    chapter cites."""
    from explainer.text import bibliography
    from explainer.toc import docnames

    bib = bibliography()
    names = docnames(ROOT)
    marks = {squash(o.title): pdf.get_destination_page_number(o) for o in pdf.outline if not isinstance(o, list)}
    starts = [marks[squash(_page_title(site, n))] for n in names]
    assert starts == sorted(starts), "chapters out of order"
    checked = 0
    for i, name in enumerate(names):
        if name.endswith("bibliography"):
            continue
        page = (site / f"{name}.html").read_text(encoding="utf-8")
        keys = set(re.findall(r'class="reference internal" href="[^"#]*bibliography\.html#([^"]+)"', page))
        end = starts[i + 1] if i + 1 < len(names) else len(texts)
        section = "".join(squash(t) for t in texts[starts[i]:end])
        missing = [k for k in keys if squash(bib[k]["title"])[:40] not in section]
        assert not missing, (name, missing[:5])
        checked += len(keys)
    assert checked > 100


def test_pdf_shows_maps_as_pictures(site, pdf):
    """Every map of the book is in the PDF as an image (the interactive map cannot print)."""
    maps = sum(len(re.findall(r"<iframe\b[^>]*data-src=", (site / f).read_text(encoding="utf-8")))
               for f in ("chapters/spread.html", "chapters/origins.html", "chapters/geopolitics.html",
                         "chapters/indictment.html") if (site / f).exists())
    images = sum(len(p.images) for p in pdf.pages)
    assert maps >= 1 and images >= maps


def test_home_page_links_the_pdf(site, pdf):
    assert 'href="book.pdf"' in (site / "intro.html").read_text(encoding="utf-8")


def test_a_printed_chapter_has_its_sources_and_no_controls(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/chapters/spread.html")
    assert page.locator(".explainer-sources li").count() == 0  # on screen, the list is not even loaded
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")  # as the browser does to print
    assert page.locator(".explainer-sources").is_visible()
    assert page.locator(".explainer-sources li").count() >= 10
    for selector in ("details.hide", ".bd-sidebar-primary", ".chart-downloads", ".bd-header"):
        for el in page.locator(selector).all():
            assert not el.is_visible(), selector
    frame = page.locator("iframe[title]").first
    frame.scroll_into_view_if_needed()
    inner = frame.element_handle().content_frame()
    inner.wait_for_selector(".leaflet-container")
    assert not inner.locator(".leaflet-control-zoom").is_visible()
    page.emulate_media(media="screen")
    assert not page.locator(".explainer-sources").is_visible()
    page.close()


@pytest.mark.build
def test_the_spanish_edition_has_its_own_pdf(site):
    """es/book.pdf: the Spanish cover, contents and bookmarks, every Spanish page in order, linked from
    the Spanish home page."""
    import subprocess

    from pypdf import PdfReader

    from explainer.toc import docnames

    es = site / "es"
    path = es / "book.pdf"
    if not path.exists() or path.stat().st_mtime < (es / "index.html").stat().st_mtime:
        subprocess.run([sys.executable, str(ROOT / "_ext" / "bookpdf.py"), "--site", str(site), "--lang", "es"],
                       check=True)
    pdf = PdfReader(str(path))
    first, contents = squash(pdf.pages[0].extract_text()), squash(pdf.pages[1].extract_text())
    assert squash("Datos al") in first and squash("Contenido") in contents
    outline = {squash(o.title) for o in pdf.outline if not isinstance(o, list)}
    titles = [squash(_page_title(es, n)) for n in docnames(ROOT)]
    assert set(titles) <= outline and all(t in contents for t in titles)
    assert 'href="book.pdf"' in (es / "intro.html").read_text(encoding="utf-8")


def _outline(pdf) -> list:
    """Every bookmark of the PDF, in order, nested ones included."""
    out = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append(item)
    walk(pdf.outline)
    return out


def test_pdf_links_lead_to_the_book_never_to_the_printing_machine(pdf):
    """A link in the PDF goes to a page of the PDF or to the web; a chart image, a data file or a notebook
    points to the published book when its address is known, and is plain text otherwise."""
    uris = [a.get_object()["/A"]["/URI"] for page in pdf.pages for a in page.get("/Annots") or []
            if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]]
    assert uris
    assert not [u for u in uris if not re.match(r"https?://|mailto:", u)], [u for u in uris if u.startswith("file")][:3]


def test_pdf_contents_give_the_page_each_part_starts_on(site, pdf, texts):
    from explainer.toc import docnames

    starts = {squash(o.title): pdf.get_destination_page_number(o) + 1 for o in pdf.outline
              if not isinstance(o, list)}
    contents = squash(texts[1])
    for name in docnames(ROOT):
        title = squash(_page_title(site, name))
        assert f"{title}{starts[title]}" in contents, (name, starts[title])


def test_pdf_bookmarks_are_the_headings_once_each(site, pdf):
    """Each bookmark reads as its heading does on the page (no lines run together, no text twice)."""
    headings = set()
    for page in [*site.rglob("*.html"), *site.rglob("*.sources.txt")]:  # the printed source lists too
        if page.relative_to(site).parts[0] in ("es", "_static", "maps"):
            continue
        for m in re.finditer(r"<h([1-6])\b[^>]*>(.*?)</h\1>", page.read_text(encoding="utf-8"), re.S):
            inner = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", m.group(2), flags=re.S)
            headings.add(" ".join(html.unescape(re.sub(r"<[^>]+>", "", inner)).split()))
    marks = _outline(pdf)
    assert len(marks) > 100
    extra = {"Contents"}
    wrong = [o.title for o in marks if o.title not in headings | extra]
    assert not wrong, wrong[:5]
    assert not [o.title for o in marks if re.fullmatch(r"(.{6,}?)\s*\1.*", o.title)]


def test_pdf_prints_what_disclosures_hold(site, texts):
    """The maps in words and the long disclosures (Geopolitics' table of US actions) are printed open,
    with the content the site loads only when a reader opens them."""
    from publish import LAZY_PART, part_content

    body = squash("".join(texts))
    checked = 0
    for name in ("chapters/spread", "chapters/origins", "chapters/geopolitics"):
        page = site / f"{name}.html"
        text = page.read_text(encoding="utf-8")
        for lists in re.findall(r'<details class="explainer-map-list".*?</details>', text, re.S):
            for li in re.findall(r"<li>(.*?)</li>", lists, re.S):
                assert squash(re.sub(r"<[^>]+>", "", li))[:40] in body, (name, li[:60])
                checked += 1
        for m in LAZY_PART.finditer(text):
            part = part_content((page.parent / m.group(1)).read_text(encoding="utf-8"))
            for row in re.findall(r"<tr[^>]*>\s*<td>(.*?)</td>", part, re.S):
                assert squash(re.sub(r"<[^>]+>", "", row))[:40] in body, (name, row[:60])
                checked += 1
    assert checked > 50
