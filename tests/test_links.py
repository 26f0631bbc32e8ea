"""Every internal link of the built site works: each ``href`` of every page (and every link of the
downloadable notebooks that points into the site) names a file that exists and, with ``#anchor``, an
element of that page with that id."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import ROOT, site_parts

pytestmark = pytest.mark.build

#: Folders of the site that hold no pages of the book (the theme's and Sphinx's assets, page sources).
NOT_PAGES = ("_static", "_sources", "_images")
#: A Markdown link in a notebook cell: [text](target) (not an image).
MD_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name" if tag == "a" else "id"):
            if a.get(key):
                self.ids.add(a[key])
        if tag in ("a", "area") and a.get("href") is not None:
            self.hrefs.append(a["href"])


def parse(path: Path) -> _Page:
    """A page's ids and links, with those of the parts it loads later (the printed source list, the
    content of long disclosures: files beside the page), which are the page's too."""
    from publish import LAZY_PART, part_content

    text = path.read_text(encoding="utf-8")
    for m in LAZY_PART.finditer(text):
        text += part_content((path.parent / m.group(1)).read_text(encoding="utf-8"))
    for m in re.finditer(r'<section class="explainer-sources" data-src="([^"]+)"></section>', text):
        text += (path.parent / m.group(1)).read_text(encoding="utf-8")
    p = _Page()
    p.feed(text)
    return p


def is_internal(href: str) -> bool:
    parts = urlsplit(href)
    return not (parts.scheme or parts.netloc or href.startswith(("//", "data:", "javascript:")))


class Site:
    """The built site's pages and their ids, parsed once."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self._ids: dict[Path, set[str]] = {}

    def ids(self, page: Path) -> set[str]:
        if page not in self._ids:
            self._ids[page] = parse(page).ids
        return self._ids[page]

    def problem(self, source: Path, href: str) -> str | None:
        """Why ``href`` (found in ``source``) does not resolve, or None when it does."""
        parts = urlsplit(href)
        target = source if not parts.path else (source.parent / unquote(parts.path)).resolve()
        if not parts.path and source.suffix != ".html":
            return None  # a notebook's own anchors are Jupyter's business
        if target.is_dir():
            target = target / "index.html"
        try:
            target.relative_to(self.root)
        except ValueError:
            return "points outside the site"
        if not target.is_file():
            return "no such file"
        frag = unquote(parts.fragment)
        if frag and target.suffix == ".html" and frag not in self.ids(target):
            return f"no element with id {frag!r} in {target.relative_to(self.root)}"
        return None


def pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.html")) if site_parts(site, p)[0] not in NOT_PAGES]


def notebooks(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.ipynb") if site_parts(site, p)[0] not in NOT_PAGES)


def notebook_links(path: Path, book: str = "") -> list[str]:
    """The links of a notebook's Markdown cells that point into the site: relative ones, and those to the
    published book (``book``, the edition's address), as paths from the notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        text = re.sub(r"(?s)```.*?```", "", text)
        for h in MD_LINK.findall(text) + re.findall(r'href="([^"]*)"', text):
            if book and h.startswith(book):
                out.append("../" + h[len(book):])
            elif is_internal(h):
                out.append(h)
    return out


def test_every_internal_link_of_every_page_resolves(site):
    s = Site(site)
    broken, checked = [], 0
    for page in pages(site):
        for href in parse(page).hrefs:
            if not is_internal(href) or href in ("", "#"):
                continue
            checked += 1
            why = s.problem(page.resolve(), href)
            if why:
                broken.append(f"{page.relative_to(site)}: {href} ({why})")
    assert not broken, f"{len(broken)} broken link(s) of {checked}:\n" + "\n".join(broken[:40])
    assert checked > 1000, checked


def test_every_notebook_link_into_the_site_resolves(site):
    nbs = notebooks(site)
    assert nbs, "no downloadable notebook in the site"
    import yaml

    from publish import book_urls

    cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    _, book = book_urls(cfg.get("repository", {}).get("url", ""), cfg.get("html", {}).get("baseurl", ""))
    s = Site(site)
    broken, checked = [], 0
    for nb in nbs:
        edition = site_parts(site, nb) != nb.relative_to(site).parts  # under es/
        for href in notebook_links(nb, f"{book}es/" if book and edition else book):
            checked += 1
            why = s.problem(nb.resolve(), href)
            if why:
                broken.append(f"{nb.relative_to(site)}: {href} ({why})")
    assert not broken, f"{len(broken)} broken link(s) of {checked}:\n" + "\n".join(broken[:40])
    # a build that knows the book's address links the book; one that does not leaves links as text
    # (tests/test_reader_notebooks.py checks that no notebook keeps a link it cannot follow)
    assert checked > 0 or not book


# --------------------------------------------------------------------------- the checker itself
def test_the_checker_finds_a_missing_page_and_a_missing_anchor(tmp_path):
    (tmp_path / "a.html").write_text('<p id="here"><a href="b.html#there">x</a><a href="#here">y</a>'
                                     '<a href="c.html">z</a><a href="https://example.org/">w</a></p>')
    (tmp_path / "b.html").write_text('<h1 id="elsewhere">B</h1>')
    s = Site(tmp_path)
    a = (tmp_path / "a.html").resolve()
    found = {h: s.problem(a, h) for h in parse(a).hrefs if is_internal(h)}
    assert found["#here"] is None
    assert "no element with id 'there'" in found["b.html#there"]
    assert found["c.html"] == "no such file"
    assert "https://example.org/" not in found


def test_notebook_links_are_read_from_markdown_cells(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "source": ["See [the log](../chapters/x.html#a) and ",
                                                         "[a source](https://example.org/) ![img](i.png)"]},
                    {"cell_type": "code", "source": "x = '[no](link.md)'"}]}
    (tmp_path / "n.ipynb").write_text(json.dumps(nb))
    assert notebook_links(tmp_path / "n.ipynb") == ["../chapters/x.html#a"]
