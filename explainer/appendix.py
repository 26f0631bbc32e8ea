"""Generated appendix pages: they are built from the data package, so they cannot drift from it."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .data import CONFIDENCE, ROOT, DataPackage, package
from .text import bibliography
from .text import md_escape as _md_escape


def chapters_using(table: str, root: Path = ROOT) -> list[str]:
    """Chapter files that load ``table`` (``data.load("table")``)."""
    pat = re.compile(r"""load\(\s*["']%s["']\s*\)""" % re.escape(table))
    files = [root / "intro.md", *sorted((root / "chapters").glob("*.md"))]
    return [p.stem for p in files if p.exists() and pat.search(p.read_text(encoding="utf-8"))]


def confidence_counts(pkg: DataPackage | None = None) -> dict[str, Counter]:
    pkg = pkg or package()
    return {t: Counter(pkg.load(t)["confidence"].astype(str)) for t in pkg.tables
            if "confidence" in pkg.load(t)}


def data_sources_markdown(pkg: DataPackage | None = None, link_prefix: str = "../data/",
                          chapter_titles: dict[str, str] | None = None) -> str:
    """The "Data and sources" appendix as Markdown: one section per table."""
    pkg = pkg or package()
    bib = bibliography(pkg.bib_path)
    chapter_titles = chapter_titles or CHAPTER_TITLES
    lic = ", ".join(x.get("title", x["name"]) for x in pkg.descriptor.get("licenses", []))
    out = []
    for res in pkg.descriptor["resources"]:
        name = res["name"]
        out.append(f"## `{res['path']}` — {_md_escape(res.get('title', name))}\n")
        out.append(f"{_md_escape(res.get('description', ''))}\n")
        sha = res.get("hash", "").removeprefix("sha256:")
        rows = []
        if "schema" in res:
            df = pkg.load(name)
            rows.append(("Rows", f"{len(df):,}"))
            if "confidence" in df:
                counts = Counter(df["confidence"].astype(str))
                rows.append(("Confidence", ", ".join(f"{c}: {counts[c]}" for c in CONFIDENCE if counts[c])))
            rows.append(("Columns", ", ".join(f"`{f['name']}`" for f in res["schema"]["fields"])))
        used = chapters_using(name, pkg.root.parent)
        links = [f"[{_md_escape(chapter_titles.get(c, c))}]({'../intro' if c == 'intro' else c}.md)" for c in used]
        rows.append(("Used in", ", ".join(links) or "the maps" if name == "boundaries" else ", ".join(links) or "—"))
        res_lic = ", ".join(x.get("title", x["name"]) for x in res.get("licenses", [])) or lic
        rows.append(("Licence", _md_escape(res_lic)))
        rows.append(("SHA-256", f"`{sha}`"))
        rows.append(("Size", f"{res.get('bytes', 0):,} bytes"))
        # a plain link to the published file (a Markdown link to a local file would copy it to _downloads/)
        rows.append(("Download", f'<a href="{link_prefix}{res["path"]}" download>{res["path"]}</a>'))
        out.append("| Property | Value |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows) + "\n")
        if "schema" in res:
            keys = sorted({k for ks in pkg.load(name)["source_keys"] for k in ks})
            out.append(f"<details><summary>Sources of this table ({len(keys)})</summary>\n")
            for k in keys:
                b = bib[k]
                title = _md_escape(b["title"])
                link = f"[{title}]({b['url']})" if b["url"] else title
                pub = f", {_md_escape(b['publisher'])}" if b["publisher"] else ""
                date = f", {b['date']}" if b["date"] else ""
                out.append(f"- {link}{pub}{date} (`{k}`)")
            out.append("\n</details>\n")
    return "\n".join(out)


CHAPTER_TITLES = {
    "intro": "Introduction", "indictment": "The indictment and the reward", "origins": "Origins",
    "spread": "Regional spread", "geopolitics": "Geopolitics", "factcheck": "Fact-check",
    "methods": "Methods", "glossary": "Glossary", "data-sources": "Data and sources",
    "whats-new": "What's new", "corrections": "Corrections log",
}
KIND_LABELS = {"correction": "Correction", "clarification": "Clarification", "update": "Update"}


def _chapter_link(chapter: str) -> str:
    """A MyST ``{doc}`` link to a page, valid from any page (outputs rendered as MyST)."""
    docname = "/intro" if chapter == "intro" else f"/chapters/{chapter}"
    return f"{{doc}}`{CHAPTER_TITLES.get(chapter, chapter)} <{docname}>`"


def _sources(keys, bib) -> str:
    out = []
    for k in keys:
        b = bib[k]
        title = _md_escape(b["title"])
        pub = f", {_md_escape(b['publisher'])}" if b["publisher"] else ""
        out.append(f"[{title}]({b['url']}){pub}" if b["url"] else f"{title}{pub}")
    return "; ".join(out)


def corrections_markdown(pkg: DataPackage | None = None) -> str:
    """The corrections log, newest first, from ``data/corrections.csv``.

    Each entry carries a target named after its ``correction_id``, which the ``{correction}`` role in
    the chapters links to.
    """
    from .data import format_date

    pkg = pkg or package()
    bib = bibliography(pkg.bib_path)
    table = pkg.load("corrections").sort_values("published", ascending=False, kind="stable")
    if table.empty:
        return "No corrections have been published yet.\n"
    out = []
    for published, group in table.groupby("published", sort=False):
        out.append(f"### {format_date(published)}\n")
        for _, r in group.iterrows():
            out.append(f"({r['correction_id']})=")
            out.append(f"**{KIND_LABELS[str(r['kind'])]}, {_chapter_link(str(r['chapter']))}.** "
                       f"The book said: {_md_escape(r['was'])} It now says: {_md_escape(r['now'])} "
                       f"Source: {_sources(r['source_keys'], bib)}."
                       + (f" {_md_escape(r['note'])}" if isinstance(r["note"], str) and r["note"] else "")
                       + "\n")
    return "\n".join(out)


def whats_new_markdown(pkg: DataPackage | None = None, limit: int | None = None) -> str:
    """Dated updates, newest first, from ``data/updates.csv`` (``limit``: only the newest N)."""
    from .data import format_date

    pkg = pkg or package()
    bib = bibliography(pkg.bib_path)
    table = pkg.load("updates").sort_values("published", ascending=False, kind="stable")  # editors' order within a day
    if limit:
        table = table.head(limit)
    out = []
    for published, group in table.groupby("published", sort=False):
        out.append(f"**{format_date(published)}**\n")
        for _, r in group.iterrows():
            out.append(f"- {_chapter_link(str(r['chapter']))}: {_md_escape(r['summary'])} "
                       f"({_sources(r['source_keys'], bib)})")
        out.append("")
    return "\n".join(out)
