"""Sphinx extension: each page's footer says when its content last changed, not when the book was built.

A page's date is the newest of:

* the "as of" dates the page states (``{asof}`YYYY-MM-DD``` in its source): the date of the newest
  facts it reports;
* the publication dates of the corrections (``data/corrections.csv``) and updates
  (``data/updates.csv``) whose ``chapter`` is the page;
* for the pages that list them, every correction (the corrections log) or every update (What's new).

A page with none of these shows no date. The footer line reads "Content last changed on …"
(``_templates/last-updated.html``); Sphinx's build date (``html_last_updated_fmt``) is not used.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

#: Pages that list every row of an editorial table, so that each new row changes them.
LISTS = {"chapters/corrections": "corrections", "chapters/whats-new": "updates"}
EDITORIAL = ("corrections", "updates")


def content_dates(docname: str, srcdir: Path, pkg=None) -> dict[str, dt.date]:
    """Each input of the page's date (a description → its date); empty when the page has none."""
    from bookbuild.checks import ASOF_ROLE
    from explainer.data import DataPackage

    src = Path(srcdir) / f"{docname}.md"
    if not src.exists():
        return {}
    pkg = pkg or DataPackage(Path(srcdir) / "data", Path(srcdir) / "references.bib")
    out: dict[str, dt.date] = {}
    for m in ASOF_ROLE.finditer(src.read_text(encoding="utf-8")):
        try:
            d = dt.date.fromisoformat(m["date"].strip())
        except ValueError:
            continue  # bookbuild.checks and the {asof} role report it
        out[f"as of {d.isoformat()}"] = max(d, out.get(f"as of {d.isoformat()}", d))
    stem = docname.rsplit("/", 1)[-1]
    for table in EDITORIAL:
        df = pkg.load(table)
        rows = df if LISTS.get(docname) == table else df[df["chapter"].astype(str) == stem]
        key = df.columns[0]
        for _, r in rows.iterrows():
            out[f"{table} {r[key]}"] = r["published"].date()
    return out


def content_changed(docname: str, srcdir: Path, pkg=None) -> dt.date | None:
    """The page's "content last changed" date: the newest of :func:`content_dates`, or None."""
    dates = content_dates(docname, srcdir, pkg)
    return max(dates.values()) if dates else None


def _page_context(app, pagename, templatename, context, doctree):
    from explainer.data import DataPackage
    from explainer.text import format_date

    src = Path(app.srcdir)
    if not hasattr(app, "_lastchanged_pkg"):
        app._lastchanged_pkg = DataPackage(src / "data", src / "references.bib")
    day = content_changed(pagename, src, app._lastchanged_pkg)
    context["last_updated"] = format_date(day) if day else None


def setup(app):
    app.connect("html-page-context", _page_context, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
