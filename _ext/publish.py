"""Sphinx extension: publish the book's data and notebooks next to the pages.

* copies ``data/`` (the CSV tables, ``datapackage.json`` and the boundaries) to ``<site>/data/`` so the
  "Data and sources" appendix can link each table for download;
* writes every chapter as a Jupyter notebook to ``<site>/notebooks/<name>.ipynb`` (converted from the
  MyST Markdown source with jupytext, with a first cell that installs the book's helper package when
  the notebook runs outside the repository, e.g. on Colab), and links it at the foot of the chapter;
  the chapter's links to other pages (Markdown links, ``{doc}`` and ``{ref}``) point to the built pages;
* removes the theme's JavaScript/CSS source maps from the site (developer-only, ≈3.4 MB);
* adds Open Graph tags (title, description, image) and a social card to every page, for link previews;
* puts the data's "as of" date in every page's footer;
* fixes two ARIA attributes written by docutils and MyST-NB (see :func:`fix_aria`).
"""
from __future__ import annotations

import html
import io
import json
import re
import shutil
import textwrap
from pathlib import Path

from explainer.toc import code_pages

DATA_SUFFIXES = {".csv", ".json", ".geojson", ".md"}
DESCRIPTION = ("A sourced, reproducible explainer on the US charges against Tren de Aragua's alleged "
               "leader, the gang's origins and spread, and the politics around it.")

SETUP_CELL = '''\
# Set-up for running this chapter outside the book's repository (for example on Colab):
# it fetches the book and installs its helper package. Inside the repository it does nothing.
import importlib.util, os, subprocess, sys
if importlib.util.find_spec("explainer") is None:
    subprocess.run(["git", "clone", "--depth", "1", {repo!r}, "tda-book"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r", "tda-book/requirements.txt"],
                   cwd="tda-book", check=True)
    os.chdir("tda-book/chapters")
    sys.path.insert(0, os.path.abspath(".."))
'''


#: A Markdown link (not an image) and the MyST roles that link pages: ``{doc}`` and ``{ref}``.
_MD_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")
_XREF = re.compile(r"\{(?P<role>doc|ref)\}`(?:(?P<text>[^`<]*?)\s*<(?P<target>[^`>]+)>|(?P<bare>[^`]+))`")


def site_links(text: str, md: Path, srcdir: Path, labels: dict, titles: dict, base: str = "../") -> str:
    """A chapter's Markdown with its links into the book turned into links to the built site, as seen
    from ``<site>/notebooks/``: ``[x](page.md#a)`` and ``[x](label)`` become ``[x](../chapters/page.html#a)``;
    ``{doc}`` and ``{ref}`` roles (plain text in Jupyter) become Markdown links. ``labels`` is Sphinx's
    label → (docname, anchor, section title); ``titles`` docname → title. ``base`` is the site as seen
    from the notebook (``"../"``, or the site's address)."""
    here = md.resolve().parent.relative_to(Path(srcdir).resolve())

    def docname(target: str) -> str | None:
        path = target[1:] if target.startswith("/") else (here / target).as_posix()
        parts = []
        for part in path.split("/"):
            if part == "..":
                if not parts:
                    return None
                parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        return "/".join(parts).removesuffix(".md")

    def page(target: str) -> str | None:
        """The site address of a link target, or None to leave the link alone."""
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("//"):
            return None
        path, _, frag = target.partition("#")
        if not path and frag in labels:
            doc, anchor, _ = labels[frag]
            return f"{base}{doc}.html#{anchor}"
        if not path:
            return None
        if path in labels:
            doc, anchor, _ = labels[path]
            return f"{base}{doc}.html#{anchor}"
        doc = docname(path)
        if doc is None:
            return None
        if path.endswith(".md") or doc in titles:
            return f"{base}{doc}.html" + (f"#{frag}" if frag else "")
        return f"{base}{doc}" + (f"#{frag}" if frag else "")  # a file of the site (data, downloads)

    def link(m):
        href = page(m["target"])
        return m.group(0) if href is None else f"[{m['text']}]({href})"

    def xref(m):
        target = (m["target"] or m["bare"]).strip()
        if m["role"] == "ref":
            if target not in labels:
                return m.group(0)
            doc, anchor, title = labels[target]
            return f"[{m['text'] or title}]({base}{doc}.html#{anchor})"
        doc = docname(target)
        if doc not in titles:
            return m.group(0)
        return f"[{m['text'] or titles[doc]}]({base}{doc}.html)"

    return _MD_LINK.sub(link, _XREF.sub(xref, text))


def to_notebook(md: Path, repo_url: str, links=None):
    """The chapter as a plain notebook, with the set-up cell first. ``links``, if given, rewrites each
    Markdown cell's text (see :func:`site_links`)."""
    import jupytext
    import nbformat

    nb = jupytext.read(md)
    nb.metadata.pop("jupytext", None)
    if links is not None:
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = links(cell.source)
    setup = nbformat.v4.new_code_cell(SETUP_CELL.format(repo=repo_url))
    setup.metadata["tags"] = ["remove-cell"]
    nb.cells.insert(0, setup)
    return nb


def social_card(title: str, as_of: str) -> bytes:
    """A 1200×630 PNG for link previews: the book's title and its data date (byte-reproducible)."""
    import matplotlib.pyplot as plt

    from explainer import charts
    from bibstyle import pretty_date

    main, _, sub = title.partition(":")
    with plt.rc_context(charts.RC):
        fig = plt.figure(figsize=(12, 6.3), dpi=100, facecolor="#0b2545")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.text(0.06, 0.60, textwrap.fill(main, 30), color="white", fontsize=46, fontweight="bold",
            va="center", transform=ax.transAxes)
    ax.text(0.06, 0.14, f"{sub.strip().capitalize() or 'An explainer'} · data as of {pretty_date(as_of)}",
            color="#cfe0f5", fontsize=22, transform=ax.transAxes)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None}, facecolor=fig.get_facecolor())
    plt.close(fig)
    return buf.getvalue()


def fix_aria(body: str) -> str:
    """Two accessibility fixes to HTML that docutils and MyST-NB write:

    * bibliography entries carry role="doc-biblioentry" inside role="list": that role is deprecated
      (ARIA 1.3) and a list must hold list items (axe: aria-required-children, critical);
    * the "Show code cell source" toggles carry aria-label="Toggle hidden content", which hides their
      visible text from speech-input users (axe: label-content-name-mismatch, serious).
    """
    body = body.replace('role="doc-biblioentry"', 'role="listitem"')
    return body.replace('<summary aria-label="Toggle hidden content">', "<summary>")


def _strip_tags(s: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", s))


# --------------------------------------------------------------------------- Sphinx hooks
def _config_inited(app, config):
    """Every page's footer says how current the data are (the data package's "as of" date)."""
    from bibstyle import pretty_date

    as_of = json.loads((Path(app.srcdir) / "data" / "datapackage.json").read_text(encoding="utf-8"))["asOf"]
    note = f'<p class="explainer-as-of">Data as of {pretty_date(as_of)}, the date of the newest source.</p>'
    config.html_theme_options = dict(config.html_theme_options or {}, extra_footer=note)
    config.html_context = dict(config.html_context or {}, book_as_of=as_of)


def _page_context(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body:
        body = fix_aria(body)
        stem = pagename.rsplit("/", 1)[-1]
        if any(p.stem == stem for p in code_pages(Path(app.srcdir))):
            href = context["pathto"](f"notebooks/{stem}.ipynb", 1)
            body += (f'<p class="explainer-notebook"><a href="{href}" download>Download this chapter as a '
                     f'Jupyter notebook</a> to run it yourself (JupyterLab, or Colab).</p>')
        context["body"] = body
    title = _strip_tags(context.get("title") or app.config.project)
    image = context["pathto"]("social-card.png", 1)
    if app.config.html_baseurl:
        image = app.config.html_baseurl.rstrip("/") + "/social-card.png"
    context["metatags"] = context.get("metatags", "") + (
        f'<meta property="og:type" content="article" />\n'
        f'<meta property="og:title" content="{html.escape(title, quote=True)}" />\n'
        f'<meta property="og:description" content="{html.escape(DESCRIPTION, quote=True)}" />\n'
        f'<meta property="og:image" content="{html.escape(image, quote=True)}" />\n'
        f'<meta name="description" content="{html.escape(DESCRIPTION, quote=True)}" />\n'
        f'<meta name="twitter:card" content="summary_large_image" />\n')


def _build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    import nbformat

    src, out = Path(app.srcdir), Path(app.outdir)
    dest = out / "data"
    shutil.rmtree(dest, ignore_errors=True)
    for p in sorted((src / "data").rglob("*")):
        if p.is_file() and p.suffix in DATA_SUFFIXES:
            target = dest / p.relative_to(src / "data")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, target)
    nb_dir = out / "notebooks"
    nb_dir.mkdir(exist_ok=True)
    repo = (app.config.html_theme_options or {}).get("repository_url", "")
    labels = app.env.domaindata["std"]["labels"]
    titles = {doc: t.astext() for doc, t in app.env.titles.items()}
    base = app.config.html_baseurl.rstrip("/") + "/" if app.config.html_baseurl else "../"
    for p in code_pages(src):
        nb = to_notebook(p, repo, links=lambda text, p=p: site_links(text, p, src, labels, titles, base))
        nbformat.write(nb, nb_dir / f"{p.stem}.ipynb")
    # The theme ships source maps (≈3.4 MB) that only browser developer tools ever request.
    for p in (out / "_static").rglob("*.map"):
        p.unlink()
    (out / "social-card.png").write_bytes(social_card(app.config.project,
                                                      app.config.html_context.get("book_as_of", "")))


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
