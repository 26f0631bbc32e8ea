"""Shared fixtures: paths, the built site, a scratch copy of the data package, the browser."""
from __future__ import annotations

import contextlib
import csv
import functools
import http.server
import io
import os
import shutil
import socketserver
import threading
from pathlib import Path

import pytest

from browser import DEBIAN_CHROMIUM, INSTRUCTION, find_chromium

ROOT = Path(__file__).resolve().parent.parent
#: The built site (BOOK_HTML overrides it, e.g. to test a build made with --path-output).
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
#: The Chromium found by tests/browser.py (CHROMIUM=/path or CHROMIUM=playwright chooses one; `make test`
#: installs one first when there is none).
CHROMIUM = find_chromium() or os.environ.get("CHROMIUM") or DEBIAN_CHROMIUM
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def toc_pages() -> list[str]:
    """Every page in _toc.yml, as docnames (e.g. 'chapters/spread')."""
    from explainer.toc import docnames

    return docnames(ROOT)


#: The editions' folders in the site: English at the root, Spanish in es/.
EDITION_DIRS = ("", "es/")


def edition_pages(extra: tuple[str, ...] = ()) -> list[str]:
    """Every page of both editions, as paths in the site without '.html' ('chapters/spread',
    'es/chapters/spread'), plus ``extra`` pages of each ('search')."""
    return [e + p for e in EDITION_DIRS for p in [*toc_pages(), *extra]]


def site_parts(site: Path, path: Path) -> tuple[str, ...]:
    """A file's path in its edition: 'es/_static/x.css' → ('_static', 'x.css')."""
    parts = path.relative_to(site).parts
    return parts[1:] if parts[:1] == ("es",) else parts


@pytest.fixture(scope="session")
def site() -> Path:
    if not (HTML / "index.html").exists():
        pytest.fail("the book is not built: run `make book` (make test does it for you)")
    return HTML


class DataCopy:
    """A scratch copy of data/ and references.bib to break on purpose."""

    def __init__(self, tmp: Path):
        self.root = tmp / "book"
        shutil.copytree(ROOT / "data", self.root / "data")
        shutil.copy(ROOT / "references.bib", self.root / "references.bib")

    @property
    def data(self) -> Path:
        return self.root / "data"

    def rows(self, table: str) -> list[list[str]]:
        return list(csv.reader((self.data / f"{table}.csv").read_text(encoding="utf-8").splitlines()))

    def write_rows(self, table: str, rows: list[list[str]], record_hashes: bool = True,
                   encoding: str = "utf-8") -> None:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        self.write_text(table, buf.getvalue(), record_hashes, encoding)

    def write_text(self, table: str, text: str, record_hashes: bool = True, encoding: str = "utf-8") -> None:
        """Write a table; ``record_hashes=False`` leaves its checksum stale, as after a hand edit."""
        (self.data / f"{table}.csv").write_bytes(text.encode(encoding))
        if record_hashes:  # exercise the validator, not the checksum guard
            self.package().write_hashes(validate=False)

    def set_cell(self, table: str, row: int, column: str, value: str) -> int:
        """Set a cell of data row ``row`` (1 = first data row); return its line number."""
        rows = self.rows(table)
        rows[row][rows[0].index(column)] = value
        self.write_rows(table, rows)
        return row + 1

    def package(self):
        from explainer.data import DataPackage

        return DataPackage(self.data)


@pytest.fixture
def data_copy(tmp_path) -> DataCopy:
    return DataCopy(tmp_path)


#: File types a static host (GitHub Pages, Netlify…) sends gzip-compressed; images and fonts go as they are.
GZIP_TYPES = {".html", ".css", ".js", ".json", ".geojson", ".svg", ".txt", ".xml", ".ipynb", ".md", ".csv",
              ".inv"}


def gzip_size(path: Path) -> int:
    """Bytes a static host sends for ``path``: gzip-compressed for text types, as they are otherwise."""
    import gzip

    data = path.read_bytes()
    return len(gzip.compress(data, 6, mtime=0)) if path.suffix in GZIP_TYPES else len(data)


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """Serves a folder as a static host does: text files gzip-compressed (when the browser accepts it)
    and every file cacheable for 10 minutes (``Cache-Control: max-age=600``, as GitHub Pages sends)."""

    _gzipped: dict = {}

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):
        import gzip
        from email.utils import formatdate

        path = Path(self.translate_path(self.path))
        if (path.is_dir() or path.suffix not in GZIP_TYPES or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in self._gzipped:
            self._gzipped[key] = gzip.compress(path.read_bytes(), 6, mtime=0)
        body = self._gzipped[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", formatdate(stat.st_mtime, usegmt=True))
        self.end_headers()
        return io.BytesIO(body)


#: What a reader on a phone may download (gzip-compressed, as served), in kB of 1,000 bytes: the first
#: page of a visit with an empty cache, and any second page with what the first one brought cached.
#: The site folder's budget leaves out the downloads (notebooks, data, page sources, the PDF edition).
#: The heaviest first visit is the Spanish bibliography (every source's own title and, where its language
#: differs, its translation; about 155 kB).
SPEED_BUDGET = {"first_visit_kb": 160, "second_page_kb": 60, "site_mb": 6.0}
DOWNLOAD_DIRS = ("notebooks", "data", "_sources", "_downloads", "book.pdf")


def edition_bytes(site: Path, edition: str) -> int:
    """Bytes of one edition of the site ('' English, 'es/' Spanish), without its downloads."""
    base = site / edition
    return sum(p.stat().st_size for p in base.rglob("*")
               if p.is_file() and site_parts(site, p)[0] not in DOWNLOAD_DIRS
               and (edition or p.relative_to(site).parts[0] != "es"))
#: Links a browser fetches while loading a page (not next/prev/search/index, which are only links).
FETCHED_LINKS = {"stylesheet", "preload", "modulepreload", "icon"}


def page_references(site: Path, page: Path) -> list[Path]:
    """The site's files a browser fetches to show ``page`` before the reader scrolls: stylesheets (and
    what they @import or use as images), scripts, preloads, images and iframes that are not lazy.
    Fonts are left out (the book uses none; a browser test checks that none is fetched), and so are
    map iframes, which load only when the reader reaches them."""
    import re
    from urllib.parse import unquote, urlsplit

    def local(ref: str, base: Path) -> Path | None:
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or not parts.path or ref.startswith(("data:", "#")):
            return None
        return (base.parent / unquote(parts.path)).resolve()

    text = page.read_text(encoding="utf-8")
    found: list[Path] = []
    for tag in re.findall(r"<(?:link|script|img|iframe)\b[^>]*>", text):
        name = tag[1:].split(None, 1)[0].lower()
        if name == "link":
            rel = re.search(r'(?<![\w-])rel="([^"]*)"', tag)
            if not rel or not FETCHED_LINKS & set(rel.group(1).split()):
                continue
            ref = re.search(r'(?<![\w-])href="([^"]*)"', tag)
        else:
            if re.search(r'(?<![\w-])loading="lazy"', tag):
                continue
            ref = re.search(r'(?<![\w-])src="([^"]*)"', tag)
        path = local(ref.group(1), page) if ref else None
        if path and path not in found:
            found.append(path)
    for css in [p for p in found if p.suffix == ".css"]:  # stylesheets' own imports and images
        found += [p for p in css_references(css) if p not in found]
    return found


def css_references(css: Path) -> list[Path]:
    """Files a stylesheet @imports (recursively) or uses as images; fonts (@font-face) left out."""
    import re

    if not css.exists():
        return []
    text = re.sub(r"@font-face\s*{[^}]*}", "", css.read_text(encoding="utf-8"))
    out = []
    for ref in re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']""", text):
        ref = ref[0] or ref[1]
        if ref.startswith(("data:", "http:", "https:", "#")):
            continue
        p = (css.parent / ref.split("?")[0].split("#")[0]).resolve()
        if p not in out:
            out.append(p)
            if p.suffix == ".css":
                out += [q for q in css_references(p) if q not in out]
    return out


def transfer_kb(site: Path, page: Path, cached: set[Path] = frozenset()) -> float:
    """kB a static host sends to show ``page``: the page and every file it references that is not in
    ``cached``, gzip-compressed as served (missing files count nothing: other tests catch them)."""
    files = [page, *(p for p in page_references(site, page) if p not in cached)]
    return sum(gzip_size(p) for p in files if p.is_file()) / 1000


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1 (a free port) like a static host; yields the base URL."""
    handler = functools.partial(StaticHost, directory=str(directory))
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as httpd:
        httpd.daemon_threads = True
        t = threading.Thread(target=httpd.serve_forever, daemon=True)
        t.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}"
        finally:
            httpd.shutdown()


@pytest.fixture(scope="session")
def server(site):
    """The built site served on 127.0.0.1 (a free port), gzip-compressed as a static host serves it."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    exe = None if CHROMIUM == "playwright" else CHROMIUM
    if exe and not Path(exe).exists():
        pytest.fail(INSTRUCTION)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


def reach_maps(page, timeout: int = 10000) -> list:
    """Scroll to every map of ``page`` as a reader would (the maps load lazily, when reached) and wait
    until Leaflet has drawn each; returns the maps' frames."""
    frames = []
    for iframe in page.locator("iframe[title]").all():
        iframe.scroll_into_view_if_needed()
        frame = iframe.element_handle().content_frame()
        frame.wait_for_selector(".leaflet-container", timeout=timeout)
        frames.append(frame)
    return frames


#: The front matter of a one-page MyST notebook, for tests that build or execute a page of their own.
PAGE_HEADER = """---
jupytext:
  text_representation: {extension: .md, format_name: myst, format_version: 0.13}
kernelspec: {display_name: Python 3, language: python, name: python3}
---
# A page
"""


def figure_events(figure: str, rows: list[dict]):
    """A small data/figure_events table for one figure: rows of event_id and any of role (default
    'label'), lane, label, country_iso3, note."""
    import pandas as pd

    cols = ["figure", "event_id", "role", "lane", "label", "country_iso3", "note"]
    return pd.DataFrame([{"figure": figure, "role": "label", **r} for r in rows], columns=cols)
