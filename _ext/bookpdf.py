"""The whole book as one PDF (``make pdf``): ``<site>/book.pdf``, printed by headless Chromium from the
built pages with the book's print stylesheet (no TeX).

The PDF holds a cover (title, authors, the data's "as of" date, the book's address when known), a list of
contents, then every page of the table of contents in order, each with its figures and the list of the
sources it cites (the pages carry it for print: ``publish.sources_list``). Maps are interactive documents
in the site; the PDF shows a picture of each, taken by the same browser. Disclosures are printed open,
with the content the site loads only when one is opened (a map in words, a table of sources). Links
between chapters and to the bibliography point inside the PDF; links to the site's other files (chart
images, data, notebooks) point to the published book when its address is known, and are plain text
otherwise. Every page has its number at the foot, and the contents give each page's number: the book is
printed twice, the second time with the numbers the first one found. The PDF's bookmarks are the
headings' own text (Chromium's outline runs the lines of a wrapped heading together).

    python _ext/bookpdf.py [--site _build/html]
"""
from __future__ import annotations

import argparse
import base64
import html
import json
import re
import sys
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explainer.toc import docnames  # noqa: E402

PDF_NAME = "book.pdf"
TIMEOUT_MS = 600_000
PRINT_NAME = "_book-print.html"  # the one page Chromium prints (removed afterwards)
ARTICLE = re.compile(r'<article class="bd-article"[^>]*>(.*?)</article>', re.S)
IFRAME = re.compile(r'<noscript>.*?</noscript>\s*<iframe\b([^>]*)\bdata-src="([^"]+)"([^>]*)>\s*</iframe>', re.S)
HREF = re.compile(r'\b(href|src)="([^"#:]*?)(#[^"]*)?"')
STYLESHEET = re.compile(r'<link\b[^>]*(?:rel="stylesheet"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*rel="stylesheet")'
                        r'[^>]*>')

BOOK_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
html { font-size: 10.5pt; }
body { background: #fff; }
.pdf-cover { height: 240mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }
.pdf-cover h1 { font-size: 2.3rem; line-height: 1.2; margin: 0 0 1.5rem; }
.pdf-cover p { font-size: 1.1rem; margin: 0.3rem 0; }
.pdf-contents { break-after: page; }
.pdf-contents ol { list-style: none; padding: 0; font-size: 1.1rem; }
.pdf-contents li { margin: 0.35rem 0; display: flex; align-items: baseline; gap: 0.5rem; }
.pdf-contents a { text-decoration: none; color: inherit; }
.pdf-contents .pdf-leader { flex: 1; border-bottom: 1px dotted #888; }
.pdf-contents .pdf-page { font-variant-numeric: tabular-nums; min-width: 2.5em; text-align: right; }
.pdf-chapter .pst-scrollable-table-container { overflow: visible !important; }
.pdf-chapter td, .pdf-chapter th { overflow-wrap: break-word; }
.pdf-chapter td code, .pdf-chapter td code span.pre {
  white-space: normal; overflow-wrap: anywhere; word-break: break-all; }
.pdf-chapter { break-before: page; }
.pdf-chapter .explainer-sources { display: block; }
.pdf-map-picture { width: 100%; border: 1px solid #ccc; }
article { max-width: none; }
"""
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


PLACEHOLDER = re.compile(r'<section class="explainer-sources" data-src="([^"]+)"></section>')


def _sources_file(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def page_file(site: Path, docname: str) -> Path:
    return site / f"{docname}.html"


def chapter_id(docname: str) -> str:
    return "page-" + docname.replace("/", "-")


#: Glyphs a PDF reader's fonts may lack (emoji), and the text the PDF prints instead.
PRINT_GLYPHS = {"✅": "✓", "❌": "✗"}
CLOSED_DETAILS = re.compile(r"<details\b(?![^>]*\sopen\b)")


def for_print(body: str) -> str:
    """A page's body as printed: every disclosure open (the code toggles stay hidden by the print
    stylesheet), and emoji the PDF cannot show replaced by plain glyphs."""
    body = CLOSED_DETAILS.sub("<details open", body)
    for glyph, plain in PRINT_GLYPHS.items():
        body = body.replace(glyph, plain)
    return body


def rebase(body: str, docname: str, pages: set[str], book: str = "") -> str:
    """Links and images of a page's body, rewritten for a document at the site's root: links to a page of
    the book (or a place in one) point inside the PDF; images resolve from the site's root; links to the
    site's other files point to the published book (``book``, its address) or, when it is unknown, are
    left as their text (a link to the printing machine's files would lead nowhere)."""
    folder = PurePosixPath(docname).parent

    def _sub(m):
        attr, path, frag = m.group(1), m.group(2), m.group(3) or ""
        if not path:
            return m.group(0)
        target = PurePosixPath(*(folder / path).parts)
        parts: list[str] = []
        for part in target.parts:
            if part == "..":
                if parts:
                    parts.pop()
            elif part != ".":
                parts.append(part)
        rel = "/".join(parts)
        if attr == "href" and rel.endswith(".html") and rel[:-5] in pages:
            return f'href="{frag or "#" + chapter_id(rel[:-5])}"'
        if attr == "href":
            return f'href="{html.escape(book + rel, quote=True)}{frag}"' if book else 'data-href-removed=""'
        return f'{attr}="{rel}{frag}"'

    return HREF.sub(_sub, body)


def page_numbers(pdf_path: Path, names: list[str]) -> dict[str, int]:
    """The page (from 1) on which each page of the book starts in a printed PDF."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf_path))
    dests = reader.named_destinations
    return {n: reader.get_destination_page_number(dests[f"/{chapter_id(n)}"]) + 1
            for n in names if f"/{chapter_id(n)}" in dests}


HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.S)


def heading_texts(document: str) -> list[str]:
    """Every heading of the printed document, in order, as plain text (without its link mark)."""
    out = []
    for m in HEADING.finditer(document):
        inner = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", m.group(2), flags=re.S)
        out.append(" ".join(html.unescape(re.sub(r"<[^>]+>", "", inner)).split()))
    return out


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s).casefold()


def clean_outline(pdf_path: Path, headings: list[str]) -> int:
    """Give each bookmark of the PDF the text of its heading (in document order); returns how many changed.
    Chromium writes a wrapped heading's lines run together, sometimes the first line twice."""
    import logging

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # Chromium's trailer counts its objects loosely

    writer = PdfWriter(clone_from=PdfReader(str(pdf_path)))
    items = []

    def walk(node):
        while node is not None:
            node = node.get_object()
            items.append(node)
            if "/First" in node:
                walk(node["/First"])
            node = node.get("/Next")

    root = writer._root_object
    if "/Outlines" in root and "/First" in root["/Outlines"].get_object():
        walk(root["/Outlines"].get_object()["/First"])
    changed, at = 0, 0
    for item in items:
        title = _squash(str(item.get("/Title", "")))
        for j in range(at, len(headings)):
            if headings[j] and title.startswith(_squash(headings[j])[:12]):
                if headings[j] != str(item.get("/Title", "")):
                    item[NameObject("/Title")] = TextStringObject(headings[j])
                    changed += 1
                at = j + 1
                break
    with open(pdf_path, "wb") as f:
        writer.write(f)
    return changed


def map_pictures(site: Path, bodies: dict[str, str], browser) -> dict[str, str]:
    """A PNG (as a data: URL) of every map document the pages show, drawn by ``browser`` (a Playwright
    browser or context) at print width."""
    pictures: dict[str, str] = {}
    for docname, body in bodies.items():
        for m in IFRAME.finditer(body):
            src = (site / PurePosixPath(docname).parent / m.group(2)).resolve()
            if src.name in pictures:
                continue
            height = re.search(r"height:\s*(\d+)px", m.group(1) + m.group(3))
            page = browser.new_page()
            page.set_viewport_size({"width": 900, "height": int(height.group(1)) if height else 500})
            page.emulate_media(media="print")  # the map as printed: no zoom buttons or layer switches
            page.goto(src.as_uri(), wait_until="load")
            page.wait_for_timeout(300)
            png = page.screenshot()
            page.close()
            pictures[src.name] = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return pictures


def print_document(site: Path, browser=None, lang: str = "en", numbers: dict[str, int] | None = None) -> str:
    """The whole book as one HTML document, ready to print, in edition ``lang`` (``site`` is that edition's
    folder of the built site). ``numbers``: the page on which each page of the book starts (the contents
    show them; without them, placeholders of the same width keep the layout the same)."""
    sys.path.insert(0, str(ROOT / "_ext"))
    from publish import LAZY_PART, book_urls, part_content, read_cff

    import yaml

    from explainer import i18n
    from explainer.text import format_date

    i18n.use(lang)
    tr = i18n.tr
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo, book = book_urls(config.get("repository", {}).get("url", ""), config.get("html", {}).get("baseurl", ""))
    if book and lang != "en":
        book = f"{book}{lang}/"
    as_of = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))["asOf"]
    cff = read_cff(ROOT)
    if lang != "en":  # the edition's own title and authors
        edition = yaml.safe_load((ROOT / lang / "edition.yml").read_text(encoding="utf-8"))
        cff = dict(cff, title=edition["title"], authors=[{"name": edition["author"]}])
    names = docnames(ROOT)
    pages = set(names)
    bodies, titles = {}, {}
    for name in names:
        text = page_file(site, name).read_text(encoding="utf-8")
        body = ARTICLE.search(text).group(1)
        here = page_file(site, name).parent
        body = PLACEHOLDER.sub(lambda m: _sources_file(here / html.unescape(m.group(1))),
                               body)  # the chapter's source list, which the site loads only for print
        body = LAZY_PART.sub(lambda m: part_content(_sources_file(here / html.unescape(m.group(1)))),
                             body)  # the content of long disclosures, which the site loads when opened
        bodies[name] = body
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
        titles[name] = " ".join(html.unescape(re.sub(r"<[^>]+>", "", h1.group(1))).replace("#", "").split())
    pictures = map_pictures(site, bodies, browser) if browser is not None else {}

    def _map(docname):
        def _sub(m):
            name = PurePosixPath(m.group(2)).name
            title = re.search(r'\btitle="([^"]*)"', m.group(1) + m.group(3))
            alt = title.group(1) if title else html.escape(tr("The map"))
            if name in pictures:
                return f'<img class="pdf-map-picture" src="{pictures[name]}" alt="{alt}" />'
            return f"<p><em>{alt}</em> ({html.escape(tr('an interactive map: see the book online'))})</p>"
        return _sub

    intro_head = page_file(site, names[0]).read_text(encoding="utf-8").split("</head>", 1)[0]
    links = "\n".join(m.group(0) for m in STYLESHEET.finditer(intro_head))
    authors = ", ".join(a.get("name", "") for a in cff.get("authors", []))
    address = f"<p>{html.escape(book or repo)}</p>" if (book or repo) else ""
    title = cff["title"]
    main, _, sub = title.partition(":")
    edition_line = tr("Data as of {date}; version {version}").format(date=format_date(as_of),
                                                                     version=cff.get("version", ""))
    cover = (f'<section class="pdf-cover"><h1>{html.escape(main)}</h1>'
             f'<p>{html.escape(sub.strip().capitalize())}</p><p>{html.escape(authors)}</p>'
             f'<p>{html.escape(edition_line)}</p>'
             f"{address}</section>")
    contents = "".join(f'<li><a href="#{chapter_id(n)}">{html.escape(titles[n])}</a><span class="pdf-leader">'
                       f'</span><span class="pdf-page">{(numbers or {}).get(n, "000")}</span></li>' for n in names)
    chapters = []
    for name in names:
        body = IFRAME.sub(_map(name), for_print(bodies[name]))
        body = body.replace(' loading="lazy"', "")
        chapters.append(f'<section class="pdf-chapter" id="{chapter_id(name)}">{rebase(body, name, pages, book)}'
                        "</section>")
    return (f'<!DOCTYPE html>\n<html lang="{lang}" data-theme="light"><head><meta charset="utf-8" />'
            f"<title>{html.escape(title)}</title>\n{links}\n<style>{BOOK_CSS}</style></head>"
            f'<body><main class="bd-main"><div class="bd-content"><div class="bd-article-container">'
            f'{cover}<nav class="pdf-contents"><h2>{html.escape(tr("Contents"))}</h2><ol>{contents}</ol></nav>'
            f'{"".join(chapters)}</div></div></main></body></html>')


def build(site: Path, chromium: str | None = None, lang: str = "en") -> Path:
    """Write ``<site>/book.pdf`` (``site``: an edition's folder of the built site); return its path."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from browser import find_chromium

    chromium = chromium or find_chromium()
    if chromium is None:
        raise SystemExit("make pdf needs Chromium: install it (make browser) or set CHROMIUM=/path/to/chromium")
    out = site / PDF_NAME
    doc = site / PRINT_NAME
    with sync_playwright() as p:
        kwargs = {} if chromium == "playwright" else {"executable_path": chromium}
        browser = p.chromium.launch(args=["--no-sandbox", "--disable-gpu"], **kwargs)
        browser_context = browser.new_context()
        browser_context.set_default_timeout(TIMEOUT_MS)  # a busy machine takes minutes over 150 pages
        try:
            numbers = None
            for _ in range(2):  # the second time, the contents give the pages the first printing found
                document = print_document(site, browser_context, lang, numbers)
                doc.write_text(document, encoding="utf-8")
                page = browser_context.new_page()
                page.goto(doc.as_uri(), wait_until="load")
                page.emulate_media(media="print")
                page.pdf(path=str(out), format="A4", print_background=True, display_header_footer=True,
                         header_template="<span></span>", footer_template=FOOTER, prefer_css_page_size=True,
                         outline=True, tagged=True)
                page.close()
                numbers = page_numbers(out, docnames(ROOT))
        finally:
            browser.close()
            doc.unlink(missing_ok=True)
    clean_outline(out, heading_texts(document))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    ap.add_argument("--lang", default="en", help="the edition: en (the site's root) or es (its es/ folder)")
    args = ap.parse_args(argv)
    site = args.site if args.lang == "en" else args.site / args.lang
    if not (site / "index.html").exists():
        raise SystemExit(f"{site}: the book is not built (make book)")
    out = build(site, lang=args.lang)
    print(f"The PDF edition ({args.lang}) is at {out} ({out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
