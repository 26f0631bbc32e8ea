"""Shared fixtures: paths, the built site, a scratch copy of the data package, the browser."""
from __future__ import annotations

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
    """Every page in _toc.yml, as paths without suffix (e.g. 'chapters/spread')."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(items):
        for it in items or []:
            if "file" in it:
                pages.append(it["file"])
            walk(it.get("sections"))
            walk(it.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


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


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(site):
    """The built site served on 127.0.0.1 (a free port)."""
    handler = functools.partial(_Quiet, directory=str(site))
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as httpd:
        httpd.daemon_threads = True
        t = threading.Thread(target=httpd.serve_forever, daemon=True)
        t.start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
        httpd.shutdown()


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
