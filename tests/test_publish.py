"""What the published site offers besides pages: budgets, downloads, link previews, reproducibility."""
import base64
import html
import json
import re
import subprocess
from pathlib import Path

import jupytext
import pytest

from explainer.text import MESES
from nbclient import NotebookClient

from conftest import ROOT
from explainer.data import sha256
from bookbuild.editions import STAGE

PAGE_BUDGET = 600_000      # bytes per HTML page, and per map document
SITE_BUDGET = 8_000_000    # bytes for the whole site, theme included
GIT_FILE_LIMIT = 2_000_000  # no file in git above 2 MB


def html_pages(site):
    return [p for p in site.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts]


@pytest.mark.build
def test_every_page_within_budget(site):
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in html_pages(site)}
    over = {k: v for k, v in sizes.items() if v > PAGE_BUDGET}
    assert not over, over


@pytest.mark.build
def test_site_within_budget(site):

    from conftest import edition_bytes

    for edition in ("", "es/"):
        total = edition_bytes(site, edition)
        assert total <= SITE_BUDGET, f"{edition or 'English'}: {total:,} bytes"


def test_no_large_file_in_git():
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True).stdout
    big = {f: (ROOT / f).stat().st_size for f in files.split("\0") if f and (ROOT / f).is_file()
           and (ROOT / f).stat().st_size > GIT_FILE_LIMIT}
    assert not big, big


@pytest.mark.build
def test_data_tables_are_downloadable(site):
    pkg = json.loads((ROOT / "data" / "datapackage.json").read_text())
    for res in pkg["resources"]:
        published = site / "data" / res["path"]
        assert sha256(published) == res["hash"].removeprefix("sha256:")
    text = (site / "chapters" / "data-sources.html").read_text(encoding="utf-8")
    for res in pkg["resources"]:
        assert f'href="../data/{res["path"]}"' in text, res["path"]
        assert res["hash"].removeprefix("sha256:") in text


@pytest.mark.build
def test_chapters_are_downloadable_as_notebooks(site):
    import nbformat

    from publish import NO_NOTEBOOK

    sources = [p for p in [ROOT / "intro.md", *(ROOT / "chapters").glob("*.md")]
               if "{code-cell}" in p.read_text(encoding="utf-8") and p.stem not in NO_NOTEBOOK]
    assert len(sources) >= 8
    for md in sources:
        nb = nbformat.read(site / "notebooks" / f"{md.stem}.ipynb", as_version=4)
        nbformat.validate(nb)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        assert 'find_spec("explainer") is None' in nb.cells[0].source  # set-up cell for Colab
        page = site / ("intro.html" if md.stem == "intro" else f"chapters/{md.stem}.html")
        assert f'notebooks/{md.stem}.ipynb" download>' in page.read_text(encoding="utf-8")


@pytest.mark.build
@pytest.mark.chapters
def test_downloaded_notebook_runs(site):
    """The .ipynb a reader downloads runs as is (its set-up cell is a no-op inside the repository)."""
    import nbformat

    nb = nbformat.read(site / "notebooks" / "intro.ipynb", as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert not errors


@pytest.mark.build
def test_open_graph_and_as_of_on_every_page(site):  # the "content last changed" line: test_lastchanged.py
    as_of = json.loads((ROOT / "data" / "datapackage.json").read_text())["asOf"]
    y, m, d = map(int, as_of.split("-"))
    import datetime as dt

    pretty = f"{d} {dt.date(y, m, d):%B} {y}"
    spanish = f"Datos al {d} de {MESES[m - 1]} de {y}"  # the Spanish edition's footer
    for p in html_pages(site):
        text = p.read_text(encoding="utf-8")
        if (p.name in ("genindex.html", "search.html") or 'http-equiv="Refresh"' in text
                or p.parent.name == "maps"):
            continue  # index pages, the root redirect and the maps' documents (shown inside pages)
        assert 'property="og:title"' in text and 'property="og:image"' in text, p.name
        es = p.relative_to(site).parts[0] == "es"
        assert (spanish if es else f"Data as of {pretty}") in text, p.relative_to(site)
    assert (site / "social-card.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.build
def test_search_index_is_local(site):
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    assert "tocoron" in text.lower() or "tocorón" in text.lower()


CHART = re.compile(r'<figure class="explainer-chart" id="chart-([^"]+)">(?:<a [^>]*>)?(?:<picture><source [^>]*>)?'
                   r'<img src="([^"]+)"')


def _chart_bytes(page: Path, src: str) -> bytes:
    """A chart as the page shows it: an image file beside the page, or inline data."""
    if src.startswith("data:image/png;base64,"):
        return base64.b64decode(src.split(",", 1)[1])
    return (page.parent / src).resolve().read_bytes()


def _execute(md: Path) -> dict[str, bytes]:
    """Execute a chapter on its own; its charts, by name, as its outputs show them."""
    nb = jupytext.read(md)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(md.parent)}}).execute()
    shown = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code"
                    for o in c.get("outputs", []))
    return {name: _chart_bytes(md, src) for name, src in CHART.findall(shown)}


def _rendered_again(site, only=None) -> tuple[dict, dict]:
    """The charts of the built book, and the same charts from a second, independent execution of the
    chapters that show them (``only``: those chapters' docnames), two at a time."""
    from concurrent.futures import ThreadPoolExecutor

    built: dict[str, bytes] = {}
    sources = []
    for page in html_pages(site):
        found = CHART.findall(page.read_text(encoding="utf-8"))
        rel = page.relative_to(site).with_suffix(".md")
        if found and (only is None or rel.as_posix().removeprefix("es/").removesuffix(".md") in only):
            es = rel.parts[0] == "es"  # a Spanish page runs as the build staged it
            sources.append((ROOT / STAGE / rel.relative_to("es") if es else ROOT / rel, ".es" if es else ""))
            built.update({name + sources[-1][1]: _chart_bytes(page, src) for name, src in found})
    assert built, "the built book shows no chart"
    again: dict[str, bytes] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for (_, edition), charts in zip(sources, pool.map(_execute, [md for md, _ in sources])):
            again.update({name + edition: png for name, png in charts.items()})
    return built, again


@pytest.mark.build
@pytest.mark.chapters
def test_a_chapters_charts_are_byte_identical_when_rendered_again(site):
    """The charts of one chapter, in each edition, come out byte for byte the same from a second, independent
    execution (no timestamps, no salt, no hash-order dependence) as from the build's shared kernels."""
    built, again = _rendered_again(site, only={"chapters/factcheck"})
    assert {n.removesuffix(".es") for n in built} and set(again) == set(built)
    assert any(n.endswith(".es") for n in built)
    assert sorted(n for n in built if built[n] != again[n]) == []


@pytest.mark.build
@pytest.mark.chapters
@pytest.mark.slow  # every chart chapter of both editions executed again: make test-all
def test_every_chart_is_byte_identical_when_rendered_again(site):
    """Every chart in the built book comes out byte for byte the same from a second, independent execution
    of the chapters that show charts."""
    built, again = _rendered_again(site)
    assert set(again) == set(built)
    assert sorted(n for n in built if built[n] != again[n]) == []


@pytest.mark.build
def test_every_chart_offers_its_data_and_image(site):
    """Under every chart: its data as CSV (carried in the page) and its image as a PNG file that exists."""
    seen = 0
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r'<figure class="explainer-chart" id="chart-([^"]+)">(.*?)</figure>', text, re.S):
            name, fig = m.group(1), m.group(2)
            seen += 1
            csv = re.search(r'href="([^"]+\.csv)" download="%s\.csv"' % re.escape(name), fig)
            assert csv, (page.name, name, "no CSV link")
            data = (page.parent / csv.group(1)).resolve().read_bytes()  # a file, not carried in the page
            assert data.startswith("\ufeff".encode()), (page.name, name, "no byte-order mark")
            rows = data.decode("utf-8-sig").splitlines()
            assert len(rows) >= 2 and "," in rows[0], (page.name, name)
            png = re.search(r'<a href="([^"]+\.png)" download="%s\.png">' % re.escape(name), fig)
            img = re.search(r'<img src="([^"]+)"', fig)
            assert png and img and png.group(1) == img.group(1), (page.name, name, "no PNG link")
            assert (page.parent / png.group(1)).resolve().is_file()
    assert seen >= 10


# --------------------------------------------------------------------------- citations, addresses, previews
def test_book_urls_come_from_config_then_environment():
    from publish import book_urls

    assert book_urls("", "", env={}) == ("", "")
    assert book_urls("https://example.org/r/", "https://b.example.org/x", env={}) == \
        ("https://example.org/r", "https://b.example.org/x/")
    gh = {"GITHUB_REPOSITORY": "Some-Org/the-book", "GITHUB_SERVER_URL": "https://github.com"}
    assert book_urls("", "", env=gh) == ("https://github.com/Some-Org/the-book", "https://some-org.github.io/the-book/")
    assert book_urls("", "", env={"GITHUB_REPOSITORY": "org/org.github.io"})[1] == "https://org.github.io/"
    assert book_urls("", "", env={**gh, "EXPLAINER_BOOK_URL": "https://book.example.net"})[1] == \
        "https://book.example.net/"
    with pytest.raises(ValueError, match="http"):
        book_urls("", "", env={"EXPLAINER_BOOK_URL": "book.example.net"})


def test_citation_line_from_cff():
    from publish import citation_line, read_cff

    cff = read_cff(ROOT)
    line = citation_line(cff, "https://book.example.org/")
    assert cff["title"].split(":")[0] in line and str(cff["date-released"])[:4] in line
    assert '<a href="https://book.example.org/">https://book.example.org/</a>.' in line
    assert f"Version {cff['version']}." in line
    assert line.endswith('Accessed <span class="explainer-accessed">[date]</span>.')  # the page fills in the day
    assert "href" not in citation_line(cff, "") and "Accessed" not in citation_line(cff, "")


def test_a_chapter_is_cited_with_its_title_the_book_its_version_and_address():
    from publish import chapter_citation_line, read_cff

    cff = read_cff(ROOT)
    line = chapter_citation_line(cff, "Regional spread", "https://book.example.org/chapters/spread.html")
    assert "“Regional spread”." in line and f"In <em>{html.escape(cff['title'])}</em>." in line
    assert f"Version {cff['version']}." in line and "https://book.example.org/chapters/spread.html</a>." in line
    assert "href" not in chapter_citation_line(cff, "Regional spread")


def test_citation_file_names_the_version_of_the_newest_update():
    """Each published update is a version: CITATION.cff's version and release date are the date of the
    newest row of data/updates.csv (add the row, then update CITATION.cff)."""
    from publish import book_version, read_cff

    from explainer import data

    cff = read_cff(ROOT)
    newest = data.load("updates")["published"].max().date().isoformat()
    assert book_version() == newest
    assert str(cff["version"]) == newest and str(cff["date-released"]) == newest


def test_feed_has_one_entry_per_update_and_correction_and_the_atom_essentials():
    import xml.etree.ElementTree as ET

    from publish import ATOM_NS, atom_feed, feed_entries

    from explainer import data

    rows = len(data.load("updates")) + len(data.load("corrections"))
    entries = feed_entries()
    assert len(entries) == rows == len({e["id"] for e in entries})
    for site in ("", "https://book.example.org/"):
        root = ET.fromstring(atom_feed(entries, "T", "The editors", site, "en"))
        a = f"{{{ATOM_NS}}}"
        assert root.tag == f"{a}feed"
        for tag in ("id", "title", "updated"):
            assert (root.findtext(a + tag) or "").strip(), tag
        assert root.find(f"{a}author/{a}name").text == "The editors"
        found = root.findall(a + "entry")
        assert len(found) == rows
        assert root.findtext(a + "updated") == max(e.findtext(a + "updated") for e in found)
        for e in found:
            for tag in ("id", "title", "updated"):
                assert (e.findtext(a + tag) or "").strip(), tag
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", e.findtext(a + "updated"))
            href = e.find(a + "link").get("href")
            assert href.startswith(site) and ".html" in href
        ids = [e.findtext(a + "id") for e in found]
        assert len(set(ids)) == rows and all(i.startswith("urn:uuid:") for i in ids)


def test_page_description_is_the_first_paragraph_without_citations():
    from publish import page_description

    body = ('<p>Short.</p><p>The gang grew out of a prison in Aragua state, according to court records '
            '<span id="id3">[<a href="bibliography.html#x">4</a>]</span>, and spread.</p>')
    assert page_description(body) == ("The gang grew out of a prison in Aragua state, according to court "
                                      "records, and spread.")
    assert len(page_description("<p>" + "word " * 100 + "</p>")) <= 201
    assert page_description("<p>x</p>", default="D") == "D"


@pytest.mark.build
def test_citations_link_to_stable_bibliography_anchors(site):
    """Every citation points at its source's key in the bibliography, and every key has its anchor."""
    from explainer.data import bib_keys

    keys = set(bib_keys())
    bib = (site / "chapters" / "bibliography.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<div class="citation" id="([^"]+)"', bib))
    assert anchors == keys
    cited = set()
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        targets = re.findall(r'href="[^"#]*bibliography\.html#([^"]+)"', text)
        assert set(targets) <= keys, (page.name, sorted(set(targets) - keys)[:5])
        cited |= set(targets)
    assert len(cited) > 100


@pytest.mark.build
def test_every_chapter_carries_its_sources_for_print(site):
    """A chapter that cites sources lists them (number, entry), for print and the PDF, in a file beside the
    page that the page names and loads when printed (cited in a disclosure loaded when opened, too)."""
    from publish import LAZY_PART, part_content

    checked = 0
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        text += "".join(part_content((page.parent / m.group(1)).read_text(encoding="utf-8"))
                        for m in LAZY_PART.finditer(text))
        cited = set(re.findall(r'class="reference internal" href="[^"#]*bibliography\.html#([^"]+)"', text))
        if not cited or page.stem == "bibliography":
            continue
        src = re.search(r'<section class="explainer-sources" data-src="([^"]+)"></section>', text)
        assert src, page.name
        listed = set(re.findall(r'<li (?:value="\d+" )?id="source-([^"]+)"',
                                (page.parent / src.group(1)).read_text(encoding="utf-8")))
        assert listed == cited, page.name
        checked += 1
    assert checked >= 5


@pytest.mark.build
def test_every_page_says_how_to_cite_the_book(site):
    from publish import read_cff

    import yaml

    title = read_cff(ROOT)["title"]
    title_es = yaml.safe_load((ROOT / "es" / "edition.yml").read_text(encoding="utf-8"))["title"]
    for p in html_pages(site):
        text = p.read_text(encoding="utf-8")
        if p.parent.name == "maps" or 'http-equiv="Refresh"' in text:
            continue
        if p.relative_to(site).parts[0] == "es":  # the Spanish edition is cited by its own title
            assert "Cómo citar este libro" in text and html.escape(title_es.split(":")[0]) in text, p.name
        else:
            assert "How to cite this book" in text and title.split(":")[0] in text, p.name
    published = (site / "CITATION.cff").read_text(encoding="utf-8")
    assert title in published
    assert title_es in (site / "es" / "CITATION.cff").read_text(encoding="utf-8")  # each edition its own title


def _configured_urls():
    import yaml

    from publish import book_urls

    cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return book_urls(cfg.get("repository", {}).get("url", ""), cfg.get("html", {}).get("baseurl", ""))


@pytest.mark.build
def test_no_page_links_to_a_placeholder(site):
    """Links to a code host go to the book's configured repository or to a source in references.bib;
    nothing the site publishes names a repository or book address other than the configured ones."""
    from explainer.text import bibliography

    repo, book = _configured_urls()
    source_urls = {e["url"].rstrip("/") for e in bibliography().values() if e["url"]}
    files = [*html_pages(site), *(site / "notebooks").glob("*.ipynb"), site / "CITATION.cff"]
    for p in files:
        text = p.read_text(encoding="utf-8")
        for url in re.findall(r'https?://(?:www\.)?(?:github\.com|gitlab\.com|[\w-]+\.github\.io)[^\s"\'<>\\)]*', text):
            ok = (repo and url.startswith(repo)) or (book and url.startswith(book)) or \
                url.rstrip("/") in source_urls
            assert ok, (p.name, url)
        assert "Project name not set" not in text, p.name


@pytest.mark.build
def test_link_previews_name_the_page(site):
    """og:title names the page, og:description is the page's own opening, og:image is absolute when the
    book's address is known."""
    _, book = _configured_urls()
    descriptions = set()
    for p in html_pages(site):
        text = p.read_text(encoding="utf-8")
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
        if not h1 or p.parent.name == "maps" or p.name in ("genindex.html", "search.html"):
            continue
        title = re.search(r'<meta property="og:title" content="([^"]*)"', text).group(1)
        heading = " ".join(re.sub(r"<[^>]+>", "", h1.group(1)).replace("#", "").split())
        assert heading.split(":")[0][:30] in html.unescape(title), (p.name, title)
        descriptions.add(re.search(r'<meta property="og:description" content="([^"]*)"', text).group(1))
        image = re.search(r'<meta property="og:image" content="([^"]*)"', text).group(1)
        assert image.startswith(book) if book else image.endswith("social-card.png")
    assert len(descriptions) >= 8


def test_a_chapter_lists_its_sources_by_number_with_bibtex_escapes_removed():
    from publish import sources_list, unescape_citation_titles

    link = '<a class="reference internal" href="bibliography.html#{k}" title="{t}">{n}</a>'
    b = link.format(k="b-2024", t="US offers \\$12 mln. Outlet.", n=12)
    body = unescape_citation_titles(b + link.format(k="a-2023", t="Other &amp; title.", n=3) + b)
    assert "\\$" not in body
    out = sources_list(body, "chapters/bibliography.html")
    assert out.index('id="source-a-2023"') < out.index('id="source-b-2024"')
    assert out.count("<li") == 2 and 'href="chapters/bibliography.html#b-2024"' in out
    assert "US offers $12 mln" in out and "Other &amp; title." in out
    assert sources_list("<p>No citations.</p>", "x") == ""


def test_a_long_disclosure_loads_its_content_when_opened_and_the_pdf_puts_it_back():
    from publish import LAZY_MIN_BYTES, LAZY_PART, lazy_parts, part_content

    long = "<table>" + "<tr><td>“row” & </td></tr>" * (LAZY_MIN_BYTES // 20) + "</table>"
    short = "<p>a few words</p>"
    body = (f"<details class='a'><summary>All</summary>{long}</details>"
            f"<details><summary>Few</summary>{short}</details>")
    out, parts = lazy_parts(body, "geopolitics")
    assert list(parts) == ["geopolitics.part-1.js"] and long not in out and short in out
    assert '<details class=\'a\'><summary>All</summary><div class="explainer-lazy"' in out
    back = LAZY_PART.sub(lambda m: part_content(parts[m.group(1)]), out)
    assert back == body


def test_citation_hover_text_is_the_publisher_and_date():
    from publish import CITATION_LINK, short_citation_titles, sources_list

    url = "https://example.org/a?b=1"
    link = ('<a class="reference internal" href="bibliography.html#k" '
            f'title="Title. Outlet. 1 May 2026. URL: {url}">7</a>')
    from explainer.text import source_entry

    bib = {"k": source_entry("k", {"title": "{Title}", "organization": "Outlet", "date": "2026-05-01", "url": url})}
    short = short_citation_titles(link, bib)
    assert 'title="Outlet, 1 May 2026"' in short and url not in short and ">7</a>" in short
    assert 'aria-label="Source 7: Outlet, 1 May 2026"' in short  # a screen reader says what it cites
    assert CITATION_LINK.findall(short) == [("k", "Outlet, 1 May 2026", "7")]  # the notebooks read it back
    assert url in sources_list(link, "bibliography.html")  # the printed list is made from the full entry


def test_notebook_links_point_to_the_built_pages():
    from publish import site_links

    labels = {"origins-founding": ("chapters/origins", "origins-founding", "How it began"),
              "p-maduro": ("chapters/whos-who", "p-maduro", "Nicolás Maduro")}
    titles = {"chapters/indictment": "The indictment", "chapters/methods": "Methods", "intro": "Home"}
    md = ROOT / "chapters" / "origins.md"
    text = ("See [below](origins-founding), [the case](indictment.md#charges), {ref}`Maduro <p-maduro>`, "
            "{ref}`p-maduro`, {doc}`methods`, {doc}`Home </intro>`, [data](../data/x.csv), "
            "[a source](https://example.org/a.md) and {cite:p}`key`.")
    assert site_links(text, md, ROOT, labels, titles) == (
        "See [below](../chapters/origins.html#origins-founding), [the case](../chapters/indictment.html#charges), "
        "[Maduro](../chapters/whos-who.html#p-maduro), [Nicolás Maduro](../chapters/whos-who.html#p-maduro), "
        "[Methods](../chapters/methods.html), [Home](../intro.html), [data](../data/x.csv), "
        "[a source](https://example.org/a.md) and {cite:p}`key`.")
    assert site_links("[s](chapters/spread.md)", ROOT / "intro.md", ROOT, {}, {}, "https://book.example/") == \
        "[s](https://book.example/chapters/spread.html)"


@pytest.mark.build
def test_each_edition_publishes_its_feed_linked_from_every_page_and_whats_new(site):
    """feed.xml at each edition's root: one entry per update and correction, in the edition's language,
    each linking a page that exists; every page's head links it; the What's new page links it."""
    import xml.etree.ElementTree as ET

    from publish import ATOM_NS, FEED_NAME

    from explainer import data

    a = f"{{{ATOM_NS}}}"
    rows = len(data.load("updates")) + len(data.load("corrections"))
    _, book = _configured_urls()
    for edition, lang in (("", "en"), ("es/", "es")):
        feed = site / edition / FEED_NAME
        root = ET.parse(feed).getroot()
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        entries = root.findall(a + "entry")
        assert len(entries) == rows
        for e in entries:
            href = e.find(a + "link").get("href")
            if not href.startswith("http"):
                assert (site / edition / href.split("#")[0]).is_file(), href
        titles = " ".join(e.findtext(a + "title") for e in entries)
        assert ("Corrección" in titles) == (lang == "es") and ("Correction," in titles) == (lang == "en")
        for page in html_pages(site / edition if edition else site):
            if page.parent.name == "maps" or (not edition and page.relative_to(site).parts[0] == "es"):
                continue
            text = page.read_text(encoding="utf-8")
            if 'http-equiv="Refresh"' in text:
                continue
            link = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)"', text)
            assert link, page
            if book:  # the published feed's own address
                assert link.group(1) == f"{book}{edition}{FEED_NAME}", (page, link.group(1))
            else:
                assert (page.parent / link.group(1)).resolve() == feed.resolve(), (page, link.group(1))
        whats_new = (site / edition / "chapters" / "whats-new.html").read_text(encoding="utf-8")
        assert re.search(r'<a href="\.\./feed\.xml" type="application/atom\+xml">', whats_new)


@pytest.mark.build
def test_the_home_page_and_every_chapter_say_which_version_and_how_to_cite_it(site):
    from publish import book_version

    from explainer.text import format_date

    version = book_version()
    assert f"Version {version}: the book as updated on {format_date(version)}" in \
        (site / "intro.html").read_text(encoding="utf-8")
    assert f"Versión {version}" in (site / "es" / "intro.html").read_text(encoding="utf-8")
    from explainer.toc import docnames

    for edition, label in (("", "Cite this chapter:"), ("es/", "Cómo citar este capítulo:")):
        for name in docnames(ROOT)[1:]:
            text = (site / edition / f"{name}.html").read_text(encoding="utf-8")
            h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S).group(1)
            title = " ".join(html.unescape(re.sub(r"<[^>]+>", "", h1)).replace("#", "").split())
            cite = re.search(r'<p class="explainer-cite explainer-cite-page">(.*?)</p>', text, re.S)
            assert cite and label in cite.group(1), (edition, name)
            assert html.escape(title, quote=False) in cite.group(1) or title in html.unescape(cite.group(1)), name
            assert version in cite.group(1), name


@pytest.mark.build
def test_no_page_carries_the_unused_live_code_configuration(site):
    for page in html_pages(site):
        assert "x-thebe-config" not in page.read_text(encoding="utf-8"), page


@pytest.mark.build
def test_every_chart_of_both_editions_has_a_phone_rendering(site):
    """A chart whose narrow layout clashes ships without a phone rendering, and on a phone its text would be
    a few pixels high: every chart of both editions must have one (fix the chart kind's narrow layout)."""
    from explainer.charts import PHONE_MEDIA

    found, missing = 0, []
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        for chart, fig in re.findall(r'<figure class="explainer-chart" id="([^"]+)"[^>]*>(.*?)</figure>', text, re.S):
            found += 1
            if f'<source media="{PHONE_MEDIA}"' not in fig:
                missing.append(f"{page.relative_to(site)}: {chart}")
    assert found >= 20 and not missing, missing
