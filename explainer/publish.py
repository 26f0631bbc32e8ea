"""Sphinx extension: publish the book's data and notebooks next to the pages.

* copies ``data/`` (the CSV tables, ``datapackage.json`` and the boundaries) to ``<site>/data/`` so the
  "Data and sources" appendix can link each table for download;
* writes every chapter as a Jupyter notebook to ``<site>/notebooks/<name>.ipynb`` (converted from the
  MyST Markdown source with jupytext), for readers who want to run it in JupyterLab or Colab;
* removes the theme's JavaScript/CSS source maps from the site (developer-only, ≈3.4 MB);
* adds Open Graph tags (title, description, image) to every page, for link previews;
* fixes two ARIA attributes written by docutils and MyST-NB (see :func:`fix_aria`).
"""
from __future__ import annotations

import html
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_SUFFIXES = {".csv", ".json", ".geojson", ".md"}


def social_card(title: str, as_of: str) -> bytes:
    """A 1200×630 PNG for link previews: the book's title and its data date (byte-reproducible)."""
    import textwrap

    from . import charts
    from .bibstyle import pretty_date

    import matplotlib.pyplot as plt

    main, _, sub = title.partition(":")
    with plt.rc_context(charts.RC):
        fig = plt.figure(figsize=(12, 6.3), dpi=100, facecolor="#0b2545")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.text(0.06, 0.60, textwrap.fill(main, 30), color="white", fontsize=46, fontweight="bold",
            va="center", transform=ax.transAxes)
    ax.text(0.06, 0.14, f"{sub.strip().capitalize() or 'An explainer'} · data as of {pretty_date(as_of)}",
            color="#cfe0f5", fontsize=22, transform=ax.transAxes)
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None}, facecolor=fig.get_facecolor())
    plt.close(fig)
    return buf.getvalue()


def notebook_targets(srcdir: Path) -> list[Path]:
    """Chapters with code cells (the ones worth running as notebooks)."""
    return sorted(p for p in [srcdir / "intro.md", *(srcdir / "chapters").glob("*.md")]
                  if p.exists() and "{code-cell}" in p.read_text(encoding="utf-8"))


def _copy(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    src, out = Path(app.srcdir), Path(app.outdir)
    dest = out / "data"
    shutil.rmtree(dest, ignore_errors=True)
    for p in sorted((src / "data").rglob("*")):
        if p.is_file() and p.suffix in DATA_SUFFIXES:
            target = dest / p.relative_to(src / "data")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, target)
    import jupytext

    nb_dir = out / "notebooks"
    nb_dir.mkdir(exist_ok=True)
    for p in notebook_targets(src):
        nb = jupytext.read(p)
        nb.metadata.pop("jupytext", None)  # a plain notebook for JupyterLab and Colab
        jupytext.write(nb, nb_dir / f"{p.stem}.ipynb", fmt="ipynb")
    # The theme ships source maps (≈3.4 MB) that only browser developer tools ever request.
    for p in (out / "_static").rglob("*.map"):
        p.unlink()
    as_of = app.config.html_context.get("book_as_of", "")
    (out / "social-card.png").write_bytes(social_card(app.config.project, as_of))


def fix_aria(body: str) -> str:
    """Two accessibility fixes to HTML that docutils and MyST-NB write:

    * bibliography entries carry role="doc-biblioentry" inside role="list": that role is deprecated
      (ARIA 1.3) and a list must hold list items (axe: aria-required-children, critical);
    * the "Show code cell source" toggles carry aria-label="Toggle hidden content", which hides their
      visible text from speech-input users (axe: label-content-name-mismatch, serious).
    """
    body = body.replace('role="doc-biblioentry"', 'role="listitem"')
    return body.replace('<summary aria-label="Toggle hidden content">', "<summary>")


def _page(app, pagename, templatename, context, doctree):
    if context.get("body"):
        context["body"] = fix_aria(context["body"])
    _open_graph(app, pagename, templatename, context, doctree)


def _open_graph(app, pagename, templatename, context, doctree):
    title = context.get("title") or app.config.project
    desc = ("A sourced, reproducible explainer on the US charges against Tren de Aragua's alleged "
            "leader, the gang's origins and spread, and the politics around it.")
    image = context["pathto"]("social-card.png", 1)
    tags = (f'<meta property="og:type" content="article" />\n'
            f'<meta property="og:title" content="{html.escape(_strip_tags(title), quote=True)}" />\n'
            f'<meta property="og:description" content="{html.escape(desc, quote=True)}" />\n'
            f'<meta property="og:image" content="{html.escape(image, quote=True)}" />\n'
            f'<meta name="description" content="{html.escape(desc, quote=True)}" />\n'
            f'<meta name="twitter:card" content="summary_large_image" />\n')
    context["metatags"] = context.get("metatags", "") + tags


def _strip_tags(s: str) -> str:
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", s))


def _footer(app, config):
    """Every page's footer says how current the data are (the data package's "as of" date)."""
    import json

    from .bibstyle import pretty_date

    as_of = json.loads((Path(app.srcdir) / "data" / "datapackage.json").read_text(encoding="utf-8"))["asOf"]
    note = f'<p class="explainer-as-of">Data as of {pretty_date(as_of)}. Text and data CC BY 4.0, code MIT.</p>'
    config.html_theme_options = dict(config.html_theme_options or {})
    config.html_theme_options["extra_footer"] = note
    config.html_context = dict(config.html_context or {}, book_as_of=as_of)


def setup(app):
    app.connect("config-inited", _footer)
    app.connect("build-finished", _copy)
    app.connect("html-page-context", _page)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
