"""The book's pages, read from ``_toc.yml``: the one list of chapters every tool and test uses."""
from __future__ import annotations

import re
from pathlib import Path

from .paths import ROOT

_H1 = re.compile(r"^#\s+(.+?)\s*$", re.M)
#: A table a page's code loads: ``data.load("timeline")``.
LOAD = re.compile(r"""\bload\(\s*["'](?P<table>[\w-]+)["']\s*\)""")
#: A page's ``% fact: table:key …`` line, binding the passage above it to data rows.
FACT_MARKER = re.compile(r"^%\s*fact:\s*(?P<refs>.+?)\s*$")


def docnames(root: Path = ROOT) -> list[str]:
    """Every page in table-of-contents order, as Sphinx docnames (``intro``, ``chapters/spread``, …)."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(node):
        for key in ("parts", "chapters", "sections"):
            for item in node.get(key, []) or []:
                if "file" in item:
                    names.append(str(Path(item["file"]).with_suffix("")))
                walk(item)

    walk(toc)
    return names


#: The book's editions: English at the root, each translation in a folder named by its language, page for
#: page (``es/chapters/spread.md`` is the Spanish of ``chapters/spread.md``).
EDITIONS = ("en", "es")


def built_editions() -> tuple[str, ...]:
    """The editions a build makes: all of them, unless ``EXPLAINER_EDITIONS`` names some ("en" measures the
    English edition alone, as the benchmark does)."""
    import os

    wanted = os.environ.get("EXPLAINER_EDITIONS", "").split()
    return tuple(e for e in EDITIONS if e in wanted) if wanted else EDITIONS


def edition_root(root: Path, lang: str) -> Path:
    return root if lang == "en" else root / lang


def pages(root: Path = ROOT, lang: str = "en") -> list[Path]:
    """The source file of every page of the ``lang`` edition, in table-of-contents order (one table of
    contents, ``_toc.yml``, for both)."""
    return [edition_root(root, lang) / f"{name}.md" for name in docnames(root)]


def all_pages(root: Path = ROOT) -> list[Path]:
    """The pages of every edition."""
    return [p for lang in EDITIONS for p in pages(root, lang)]


def code_pages(root: Path = ROOT, lang: str = "en") -> list[Path]:
    """Pages with code cells: the ones that execute, and that readers can download as notebooks."""
    return [p for p in pages(root, lang) if p.is_file() and "{code-cell}" in p.read_text(encoding="utf-8")]


def language(path: Path, root: Path = ROOT) -> str:
    """The edition a page belongs to."""
    rel = path.resolve().relative_to(root.resolve()).parts
    return rel[0] if rel and rel[0] in EDITIONS[1:] else "en"


def title(path: Path) -> str:
    """A page's title: its first level-one heading, as written in the source."""
    m = _H1.search(path.read_text(encoding="utf-8"))
    if not m:
        raise ValueError(f"{path}: the page has no level-one heading (# Title)")
    return m.group(1)


def short_title(path: Path) -> str:
    """The title up to its colon ("Origins: from a railway union…" → "Origins"), for lists of pages."""
    return title(path).split(":")[0].strip()


def tables_used(path: Path, root: Path = ROOT) -> set[str]:
    """The tables a page draws on: those its code loads and those its ``% fact:`` lines name (a translation's
    code is its English page's)."""
    text = path.read_text(encoding="utf-8")
    lang = language(path, root)
    if lang != "en":
        english = root / path.resolve().relative_to((root / lang).resolve())
        text += english.read_text(encoding="utf-8") if english.is_file() else ""
    named = {ref.partition(":")[0] for line in text.splitlines() if (m := FACT_MARKER.match(line.strip()))
             for ref in m["refs"].split()}
    return {m["table"] for m in LOAD.finditer(text)} | named
