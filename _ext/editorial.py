"""Sphinx extension: the book's editorial roles, bound to the data package.

* ``{asof}`2026-04-12``` — a stated "as of" date. It renders in the house date style ("12 April 2026");
  ``python -m bookbuild.checks`` compares each chapter's stated dates with the newest row of the
  tables the chapter draws on, so a chapter cannot silently fall behind its data.
* ``{correction}`c-2026-11-28-slug``` — a "Corrected on …" note at the point of change. The date comes
  from ``data/corrections.csv`` and the note links to the correction's entry in the corrections log,
  so a correction note cannot exist without a logged correction.
* ``{repo}`new correction <issues/new?template=correction.md>``` — a link into the book's repository
  (its address is set once: ``_ext/publish.py``, ``book_urls``). A build that knows no repository shows the
  text without a link.
"""
from __future__ import annotations

import datetime as dt

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

from explainer.i18n import tr

logger = logging.getLogger(__name__)


def _date_text(iso: str) -> str:
    from explainer.data import format_date

    return format_date(dt.date.fromisoformat(iso))


def asof_role(name, rawtext, text, lineno, inliner, options=None, content=()):
    try:
        label = _date_text(text.strip())
    except ValueError:
        msg = inliner.reporter.error(f"{{asof}} needs a date as YYYY-MM-DD, not {text!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    node = nodes.inline(rawtext, label, classes=["as-of"])
    return [node], []


def correction_role(name, rawtext, text, lineno, inliner, options=None, content=()):
    from explainer import data

    cid = text.strip()
    table = data.load("corrections").set_index("correction_id")
    if cid not in table.index:
        msg = inliner.reporter.error(f"{{correction}} {cid!r} is not in data/corrections.csv", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    row = table.loc[cid]
    label = tr("Corrected on {date}").format(date=data.format_date(row["published"]))
    ref = addnodes.pending_xref(rawtext, refdomain="std", reftype="ref", reftarget=cid,
                                refexplicit=True, refwarn=True)
    ref += nodes.inline(label, label, classes=["correction-note"])
    wrap = nodes.emphasis("", "", classes=["correction"])
    wrap += nodes.Text("(")
    wrap += ref
    wrap += nodes.Text(")")
    return [wrap], []


def repo_role(name, rawtext, text, lineno, inliner, options=None, content=()):
    import re

    m = re.fullmatch(r"\s*(.*?)\s*<([^<>]*)>\s*", text, re.S)
    label, path = (m.group(1), m.group(2)) if m else (text.strip(), "")
    repo = inliner.document.settings.env.config.html_context.get("repository_url", "")
    if not repo:
        return [nodes.Text(label)], []
    return [nodes.reference(rawtext, label, refuri=f"{repo}/{path.lstrip('/')}" if path else repo)], []


def setup(app):
    app.add_role("asof", asof_role)
    app.add_role("correction", correction_role)
    app.add_role("repo", repo_role)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
