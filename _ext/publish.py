"""Sphinx extension: publish the book's data and notebooks next to the pages.

* copies ``data/`` (the CSV tables, ``datapackage.json`` and the boundaries) to ``<site>/data/`` so the
  "Data and sources" appendix can link each table for download;
* writes every chapter with code as a reader's notebook to ``<site>/notebooks/<name>.ipynb``, beside the
  helper package's wheel, and links it at the foot of the chapter (:mod:`readers`: the executed chapter
  with readable prose, and a first cell that installs the package from the book's site when it is
  missing, e.g. on Colab); the chapter's links to other pages (Markdown links, ``{doc}`` and ``{ref}``)
  point to the built pages;
* removes the theme's JavaScript/CSS source maps from the site (developer-only, ≈3.4 MB);
* adds Open Graph tags (the page's title and first sentences, the social card, absolute addresses when the
  book's address is known) and a social card with the book's title, for link previews;
* puts the data's "as of" date and a "How to cite this book" line (from ``CITATION.cff``) in every page's
  footer, and publishes ``CITATION.cff`` with the book's addresses filled in;
* gives every chapter that cites sources a list of them, shown when the chapter is printed;
* resolves the book's two addresses, the repository and the published site, from one place
  (:func:`book_urls`): ``_config.yml``, overridden by the environment of the publishing workflow;
* fixes two ARIA attributes written by docutils and MyST-NB (see :func:`fix_aria`);
* gives the book a version, the date of its newest update (``data/updates.csv``), shown on the home page,
  in every citation line and in the published ``CITATION.cff``, and a "Cite this chapter" line on every
  chapter;
* writes an Atom feed of the dated updates and corrections (``feed.xml``, in each edition's language),
  linked from every page's head and from the "What's new" page.
"""
from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import textwrap
from pathlib import Path

from explainer import text
from explainer.i18n import N_, tr
from explainer.toc import code_pages

DATA_SUFFIXES = {".csv", ".json", ".geojson", ".md"}
DESCRIPTION = ("A sourced, reproducible explainer on the US charges against Tren de Aragua's alleged "
               "leader, the gang's origins and spread, and the politics around it.")



def book_urls(repository: str = "", base: str = "", env=None) -> tuple[str, str]:
    """The book's repository URL and its published address (each '' when unknown).

    ``repository`` and ``base`` are ``_config.yml``'s ``repository.url`` and ``html.baseurl``. The
    environment overrides them: ``EXPLAINER_REPOSITORY_URL`` and ``EXPLAINER_BOOK_URL``, or, in a GitHub
    Actions run, the repository the workflow runs in (``GITHUB_SERVER_URL``/``GITHUB_REPOSITORY``) and its
    GitHub Pages address. The published address ends with a slash.
    """
    env = os.environ if env is None else env
    gh = env.get("GITHUB_REPOSITORY", "").strip()
    repo = env.get("EXPLAINER_REPOSITORY_URL", "").strip()
    if not repo and gh:
        repo = f"{env.get('GITHUB_SERVER_URL', 'https://github.com').rstrip('/')}/{gh}"
    book = env.get("EXPLAINER_BOOK_URL", "").strip()
    if not book and gh:
        owner, _, name = gh.partition("/")
        pages = f"https://{owner.lower()}.github.io/"
        book = pages if name.lower() == f"{owner.lower()}.github.io" else f"{pages}{name}/"
    repo, book = (repo or repository or "").strip().rstrip("/"), (book or base or "").strip()
    for what, url in (("repository", repo), ("book", book)):
        if url and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
            raise ValueError(f"the {what} address must be an http(s) URL, not {url!r}")
    return repo, (book.rstrip("/") + "/" if book else "")


def book_version() -> str:
    """The book's version: the date (ISO) of its newest update in ``data/updates.csv``. Each published
    update is a version; ``CITATION.cff`` states the same (a test holds them together)."""
    from explainer import data

    return data.load("updates")["published"].max().date().isoformat()


#: Where the reader's own date goes in a citation ("Accessed …"): the page fills it in with the day it is
#: read, in the edition's language; without scripts it stays as written.
ACCESSED = '<span class="explainer-accessed">{placeholder}</span>'
FILL_ACCESSED = (
    '<script>addEventListener("DOMContentLoaded",function(){var d=new Date().toLocaleDateString('
    'document.documentElement.lang==="es"?"es-ES":"en-GB",{day:"numeric",month:"long",year:"numeric"});'
    'document.querySelectorAll(".explainer-accessed")'
    '.forEach(function(e){e.textContent=d;});});</script>')


def _authors(cff: dict) -> str:
    return text.and_list([a.get("name") or " ".join(filter(None, (a.get("given-names"), a.get("family-names"))))
                          for a in cff.get("authors", [])])


def _accessed() -> str:
    return html.escape(tr("Accessed {date}.")).replace(
        "{date}", ACCESSED.format(placeholder=html.escape(tr("[date]"))))


def _link(url: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>.'


def citation_line(cff: dict, url: str = "") -> str:
    """The book's citation in one line, from ``CITATION.cff``: authors (year). *Title*. Version. URL.
    Accessed (the reader's date) when there is a URL."""
    year = str(cff.get("date-released", ""))[:4]
    authors = _authors(cff)
    parts = [f"{authors} ({year})." if year else f"{authors}.", f"<em>{html.escape(cff['title'])}</em>."]
    if cff.get("version"):
        parts.append(html.escape(tr("Version {version}.").format(version=cff["version"])))
    url = url or cff.get("url", "")
    if url:
        parts += [_link(url), _accessed()]
    return " ".join(parts)


def chapter_citation_line(cff: dict, page_title: str, url: str = "") -> str:
    """A chapter's citation: authors (year). “Chapter title”. In *Book*. Version. URL. Accessed …."""
    year = str(cff.get("date-released", ""))[:4]
    authors = _authors(cff)
    parts = [f"{authors} ({year})." if year else f"{authors}.",
             html.escape(tr("“{title}”.").format(title=page_title)),
             html.escape(tr("In")) + f" <em>{html.escape(cff['title'])}</em>."]
    if cff.get("version"):
        parts.append(html.escape(tr("Version {version}.").format(version=cff["version"])))
    if url:
        parts += [_link(url), _accessed()]
    return " ".join(parts)


def read_cff(srcdir: Path) -> dict:
    import yaml

    return yaml.safe_load((Path(srcdir) / "CITATION.cff").read_text(encoding="utf-8"))


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


#: Pages with code that are not offered as notebooks: the build's own record (it reads the build's tools).
NO_NOTEBOOK = {"status"}


def reader_pages(srcdir: Path) -> list[Path]:
    """The pages readers can download as notebooks."""
    return [p for p in code_pages(srcdir) if p.stem not in NO_NOTEBOOK]


def executed_notebook(cache, md: Path):
    """The chapter with the outputs of the execution the book shows (from the execution cache)."""
    from myst_nb.core.read import read_myst_markdown_notebook

    nb = read_myst_markdown_notebook(md.read_text(encoding="utf-8"), path=str(md))
    _, merged = cache.merge_match_into_notebook(nb)
    return merged


def write_reader_notebooks(src: Path, out: Path, book_url: str, labels: dict | None = None,
                           cache_dir: Path | None = None) -> None:
    """Every reader notebook and the helper package's wheel, into ``<site>/notebooks/``. ``labels``:
    Sphinx's label → (docname, anchor, title), for the chapters' links to sections (see :func:`site_links`)."""
    import nbformat
    from readers import Context, build_wheel, reader_notebook

    from explainer import data
    from explainer.toc import docnames

    nb_dir = out / "notebooks"
    wheel = build_wheel(text.ROOT, nb_dir).name  # the book's files as in its repository: both editions
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir or out.parent / ".jupyter_cache"))  # the executions the pages show
    executed = out.parent / "jupyter_execute"  # and the values they glued
    titles = {}
    for name in docnames(src):
        h1 = re.search(r"^#\s+(.+?)\s*$", (src / f"{name}.md").read_text(encoding="utf-8"), re.M)
        titles[name] = h1.group(1) if h1 else name
    corrections = {r.correction_id: data.format_date(r.published)
                   for r in data.load("corrections").reset_index().itertuples()}
    base = book_url or "../"
    for md in reader_pages(src):
        docname = md.relative_to(src).with_suffix("").as_posix()
        nb = executed_notebook(cache, md)
        for cell in nb.cells:  # links into the book first (labels need Sphinx), then the rest of MyST
            if cell.cell_type == "markdown":
                cell.source = site_links(cell.source, md, src, labels or {}, titles, base)
        glue_file = executed / f"{docname}.glue.json"
        glue = json.loads(glue_file.read_text(encoding="utf-8")) if glue_file.exists() else {}
        page = (out / f"{docname}.html").read_text(encoding="utf-8")
        citations = {key: label for key, _, label in CITATION_LINK.findall(page)}
        ctx = Context(base, glue, citations, titles, corrections, docname)
        nbformat.write(reader_notebook(nb, ctx, wheel, book_url), nb_dir / f"{md.stem}.ipynb")


#: CITATION.cff's message, which a translation's citation file gives in its language.
CFF_MESSAGE = N_("If you use this book, its data or its code, please cite it as below.")
#: CITATION.cff's keywords that are words (the others are names, the same in every language).
CFF_KEYWORDS = (N_("organized crime"), N_("data journalism"))
#: An edition's language as link previews name it (the Spanish edition is written for Latin America).
OG_LOCALE = {"en": "en_US", "es": "es_LA"}


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
    line = tr("{subtitle} · data as of {date}").format(subtitle=sub.strip().capitalize() or tr("An explainer"),
                                                     date=pretty_date(as_of))
    ax.text(0.06, 0.14, line,
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


CITATION_LINK = re.compile(r'<a class="reference internal" href="[^"#]*bibliography\.html#([^"]+)" '
                           r'title="([^"]*)"(?: aria-label="[^"]*")?>([^<]+)</a>')


def unescape_citation_titles(body: str) -> str:
    """A citation's hover text is its entry as plain text, where sphinxcontrib-bibtex leaves BibTeX's
    escapes in (``US offers \\$12 mln``): take them out."""
    def _sub(m):
        return m.group(0).replace(m.group(2), re.sub(r"\\([&%_#$])", r"\1", m.group(2)))

    return CITATION_LINK.sub(_sub, body)


def short_citation_titles(body: str, bib: dict) -> str:
    """A citation's hover text shortened to its publisher and date ('Trinidad and Tobago Newsday, 24 October
    2025'): the full entry is in the bibliography the link leads to, and in the chapter's printed source
    list. A page that cites often weighs much less. Its accessible name says what it cites ('Source 12:
    Trinidad and Tobago Newsday, 24 October 2025'), not only its number."""
    from bibstyle import pretty_date  # the bibliography's own rendering of a source's date

    def _short(key: str, title: str) -> str:
        entry = bib.get(key)
        if not entry:
            return title
        shown = text.shown_source(entry)
        name = shown["publisher"] or shown["title"].strip("[]")
        when = pretty_date(entry["date"]) if entry["date"] else ""
        return html.escape(", ".join(x for x in (name, when) if x), quote=True)

    def _sub(m):
        short = _short(m.group(1), m.group(2))
        name = html.escape(tr("Source {n}: {source}").format(n=m.group(3), source=html.unescape(short)), quote=True)
        return m.group(0).replace(f'title="{m.group(2)}"', f'title="{short}" aria-label="{name}"')

    return CITATION_LINK.sub(_sub, body)


#: A page's printed source list is a file of its own beside the page (``<page>.sources.txt``, an HTML
#: fragment): the page loads it when it is printed and the PDF edition inserts it, so a reader on screen
#: never downloads it.
SOURCES_SUFFIX = ".sources.txt"
LOAD_SOURCES_FOR_PRINT = (
    '<script>addEventListener("beforeprint",function(){'
    'var s=document.querySelector("section.explainer-sources[data-src]");if(!s)return;'
    'var r=new XMLHttpRequest();try{r.open("GET",s.getAttribute("data-src"),false);r.send();'
    'if(r.responseText)s.outerHTML=r.responseText;}catch(e){}});</script>')


#: A disclosure whose content is longer than this (bytes of HTML) loads its content when the reader opens
#: it: the content is a script file of its own beside the page (``<page>.part-<n>.js``; a script loads
#: from a file:// page too, so the book still works offline). The PDF edition inserts the content.
LAZY_MIN_BYTES = 6000
LAZY_DETAILS = re.compile(r'(<details\b[^>]*>\s*<summary\b.*?</summary>)((?:(?!<details\b|</details>).)*)'
                          r'(</details>)', re.S)
LAZY_PART = re.compile(r'<div class="explainer-lazy"[^>]*\bdata-part="([^"]+)"[^>]*>.*?</div>', re.S)
LOAD_PARTS = (
    '<script>window.explainerPart=function(id,h){var e=document.getElementById(id);if(e)e.outerHTML=h;};'
    'document.addEventListener("toggle",function(ev){var d=ev.target;if(!d.open)return;'
    'var e=d.querySelector(".explainer-lazy[data-part]");if(!e||e.dataset.loading)return;e.dataset.loading=1;'
    'var s=document.createElement("script");s.src=e.getAttribute("data-part");document.body.appendChild(s);},true);'
    '</script>')


def lazy_parts(body: str, stem: str) -> tuple[str, dict[str, str]]:
    """Move the content of every long disclosure (not nested in another) out of the page: returns the page
    with a placeholder in each, and the parts (file name → the script that puts the content back)."""
    parts: dict[str, str] = {}

    def _sub(m):
        content = m.group(2)
        if len(content.encode("utf-8")) < LAZY_MIN_BYTES:
            return m.group(0)
        n = len(parts) + 1
        name, ident = f"{stem}.part-{n}.js", f"explainer-part-{n}"
        parts[name] = f"explainerPart({json.dumps(ident)},{json.dumps(content)});\n"
        note = html.escape(tr("Loading…"))
        return (f'{m.group(1)}<div class="explainer-lazy" id="{ident}" data-part="{html.escape(name)}">'
                f'<p>{note}</p></div>{m.group(3)}')

    return LAZY_DETAILS.sub(_sub, body), parts


def part_content(script: str) -> str:
    """The HTML a part's script puts back (for the PDF edition)."""
    m = re.match(r'explainerPart\("[^"]+",(.*)\);\s*$', script, re.S)
    return json.loads(m.group(1)) if m else ""


def sources_placeholder(name: str) -> str:
    """Where a page's printed source list goes (``name``: its file, relative to the page)."""
    return f'<section class="explainer-sources" data-src="{html.escape(name)}"></section>'


def cited_sources(body: str) -> list[tuple[str, str, str]]:
    """The sources a page cites, in the order of their numbers: (number, key, the entry as text)."""
    found = {key: (label, html.unescape(entry)) for key, entry, label in CITATION_LINK.findall(body)}
    return sorted(((label, key, entry) for key, (label, entry) in found.items()),
                  key=lambda t: (not t[0].isdigit(), int(t[0]) if t[0].isdigit() else 0, t[0]))


def sources_list(body: str, to_bibliography: str) -> str:
    """A chapter's own reference list (shown when the chapter is printed; '' if it cites nothing)."""
    items = cited_sources(body)
    if not items:
        return ""
    lis = "".join(f'<li value="{label}" id="source-{key}"><a href="{to_bibliography}#{key}">[{label}]</a> '
                  f'{html.escape(entry)}</li>' if label.isdigit() else
                  f'<li id="source-{key}"><a href="{to_bibliography}#{key}">[{html.escape(label)}]</a> '
                  f'{html.escape(entry)}</li>' for label, key, entry in items)
    return (f'<section class="explainer-sources" aria-labelledby="explainer-sources-title">'
            f'<h2 id="explainer-sources-title">{html.escape(tr("Sources cited in this chapter"))}</h2>'
            f'<ol>{lis}</ol></section>')


def page_description(body: str, default: str = DESCRIPTION, limit: int = 200) -> str:
    """A page's first paragraph as plain text (citations left out), cut at a word within ``limit``."""
    for para in re.findall(r"<p>(.*?)</p>", body, re.S):
        para = re.sub(r'\s*<span id="[^"]*">\[.*?\]</span>', "", para, flags=re.S)
        plain = " ".join(_strip_tags(para).split())
        if len(plain) >= 40:
            if len(plain) > limit:
                plain = plain[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
            return plain
    return default


# --------------------------------------------------------------------------- Sphinx hooks
def _config_inited(app, config):
    """The book's addresses, its "as of" date and how to cite it, for every page."""
    from bibstyle import pretty_date

    opts = dict(config.html_theme_options or {})
    repo, book = book_urls(opts.get("repository_url", ""), config.html_baseurl or "")
    opts["repository_url"] = repo
    for key in ("use_repository_button", "use_issues_button", "use_edit_page_button"):
        opts[key] = bool(repo)  # buttons only when there is a repository to lead to
    config.html_baseurl = book
    as_of = json.loads((Path(app.srcdir) / "data" / "datapackage.json").read_text(encoding="utf-8"))["asOf"]
    cff = read_cff(app.srcdir)
    if getattr(config, "explainer_edition", "en") != "en":  # a translation is cited by its own title
        cff = dict(cff, title=config.html_title or config.project, authors=[{"name": config.author}],
                   message=tr(CFF_MESSAGE) if cff.get("message") == CFF_MESSAGE else cff.get("message", ""),
                   keywords=[tr(k) if k in CFF_KEYWORDS else k for k in cff.get("keywords", [])])
        book = f"{book}{config.explainer_edition}/" if book else book
    cite = citation_line(cff, book or repo)
    as_of_text = tr("Data as of {date}, the date of the newest source.").format(date=pretty_date(as_of))
    note = (f'<p class="explainer-as-of">{html.escape(as_of_text)}</p>'
            f'<p class="explainer-cite">{html.escape(tr("How to cite this book:"))} {cite}</p>')
    opts["extra_footer"] = note
    config.html_theme_options = opts
    config.html_context = dict(config.html_context or {}, book_as_of=as_of, book_url=book, repository_url=repo,
                               book_cff=cff, book_version=book_version())


def _bib(app) -> dict:
    if not hasattr(app, "_explainer_bib"):
        from explainer.text import bibliography

        app._explainer_bib = bibliography(Path(app.srcdir) / "references.bib")
    return app._explainer_bib


def _page_context(app, pagename, templatename, context, doctree):
    body = context.get("body")
    stem = pagename.rsplit("/", 1)[-1]
    if body:
        body = unescape_citation_titles(fix_aria(body))
        if stem != "bibliography":  # the list names each source in full; the hover text need not
            sources = sources_list(body, context["pathto"]("chapters/bibliography"))
            body = short_citation_titles(body, _bib(app))
            body, parts = lazy_parts(body, stem)
            for name, script in parts.items():
                out = Path(app.outdir) / Path(pagename).parent / name
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(script, encoding="utf-8")
            if parts:
                body += LOAD_PARTS
            if sources:
                out = Path(app.outdir) / f"{pagename}{SOURCES_SUFFIX}"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(sources, encoding="utf-8")
                body += sources_placeholder(f"{stem}{SOURCES_SUFFIX}") + LOAD_SOURCES_FOR_PRINT
        ctx = app.config.html_context
        if pagename == app.config.root_doc:
            body = after_title(body, version_note(ctx["book_version"], context["pathto"](f"chapters/{WHATS_NEW}")))
        if pagename.endswith(WHATS_NEW):
            body = after_first_paragraph(body, feed_note(context["pathto"](FEED_NAME, 1)))
        if pagename == app.config.root_doc:
            href = context["pathto"]("book.pdf", 1)
            body += ('<p class="explainer-notebook">' + tr(
                '<a href="{href}">The whole book as a PDF</a>, to print or read offline: every chapter with its '
                'figures and its sources.').format(href=href) + '</p>')
        if any(p.stem == stem for p in reader_pages(Path(app.srcdir))):
            href = context["pathto"](f"notebooks/{stem}.ipynb", 1)
            body += ('<p class="explainer-notebook">' + tr(
                '<a href="{href}" download>Download this chapter as a Jupyter notebook</a> to run it yourself '
                '(JupyterLab, or Colab).').format(href=href) + '</p>')
        if pagename != app.config.root_doc and context.get("title"):
            url = ctx.get("book_url", "")
            url = url + app.builder.get_target_uri(pagename) if url else ""
            body += (f'<p class="explainer-cite explainer-cite-page">{html.escape(tr("Cite this chapter:"))} '
                     f'{chapter_citation_line(ctx["book_cff"], _strip_tags(context["title"]), url)}</p>')
        footer = (app.config.html_theme_options or {}).get("extra_footer", "")
        if "explainer-accessed" in body + footer:
            body += FILL_ACCESSED
        context["body"] = body
    book_title = app.config.html_title or app.config.project
    page_title = _strip_tags(context.get("title") or "")
    title = book_title if pagename == app.config.root_doc or not page_title else f"{page_title} · {book_title}"
    lang = getattr(app.config, "explainer_edition", "en")
    description = page_description(body or "", default=getattr(app.config, "explainer_description", "") or DESCRIPTION)
    image = context["pathto"]("social-card.png", 1)
    base = app.config.html_baseurl
    tags = [("property", "og:type", "article"), ("property", "og:title", title),
            ("property", "og:description", description), ("property", "og:locale", OG_LOCALE.get(lang, lang))]
    if base:
        image = base + "social-card.png"
        tags.append(("property", "og:url", base + app.builder.get_target_uri(pagename)))
    tags += [("property", "og:image", image), ("property", "og:image:width", "1200"),
             ("property", "og:image:height", "630"), ("name", "description", description),
             ("name", "twitter:card", "summary_large_image")]
    context["metatags"] = context.get("metatags", "") + "".join(
        f'<meta {attr}="{name}" content="{html.escape(value, quote=True)}" />\n' for attr, name, value in tags)
    feed = (base + FEED_NAME) if base else context["pathto"](FEED_NAME, 1)
    context["metatags"] += (f'<link rel="alternate" type="application/atom+xml" '
                            f'title="{html.escape(feed_title(book_title), quote=True)}" '
                            f'href="{html.escape(feed, quote=True)}" />\n')


def after_title(body: str, fragment: str) -> str:
    """``body`` with ``fragment`` right after its first heading (level one)."""
    m = re.search(r"</h1>", body)
    return body[:m.end()] + fragment + body[m.end():] if m else fragment + body


def after_first_paragraph(body: str, fragment: str) -> str:
    """``body`` with ``fragment`` after its first paragraph (after its title when it has none)."""
    m = re.search(r"</p>", body)
    return body[:m.end()] + fragment + body[m.end():] if m else after_title(body, fragment)


def version_note(version: str, whats_new: str) -> str:
    """The home page's statement of the version the reader is reading (``whats_new``: that page's address)."""
    from explainer.text import format_date

    return ('<p class="explainer-version">' + tr(
        'Version {version}: the book as updated on {date} (see <a href="{href}">What’s new</a>).').format(
        version=html.escape(version), date=html.escape(format_date(version)),
        href=html.escape(whats_new, quote=True)) + "</p>")


# --------------------------------------------------------------------------- the feed
FEED_NAME = "feed.xml"
WHATS_NEW = "whats-new"
ATOM_NS = "http://www.w3.org/2005/Atom"


def feed_title(book_title: str) -> str:
    return tr("{book} — updates and corrections").format(book=book_title)


def feed_note(href: str) -> str:
    """The "What's new" page's link to the feed."""
    return ('<p class="explainer-feed">' + tr(
        'Follow these updates and the corrections in a feed reader: <a href="{href}" type="application/atom+xml">'
        "the book's Atom feed</a>.").format(href=html.escape(href, quote=True)) + "</p>")


def _first_sentence(s: str, limit: int = 110) -> str:
    s = " ".join(str(s).split())
    m = re.match(r"(.+?[.:;])(\s|$)", s)
    s = m.group(1).rstrip(".:;") if m else s
    return s if len(s) <= limit else s[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _page_of(chapter: str) -> str:
    """A table's ``chapter`` (a file stem, or a docname) as a docname, as the appendix links it."""
    return chapter if "/" in chapter or chapter == "intro" else f"chapters/{chapter}"


def feed_entries() -> list[dict]:
    """One entry per row of ``data/updates.csv`` and ``data/corrections.csv``, in the language the build
    writes in (the data's text through its catalogues), newest first: id (the row's key), title,
    published (ISO date), page (docname), anchor, text."""
    from explainer import data, i18n, toc
    from explainer.data import word

    root = toc.edition_root(text.ROOT, i18n.lang())

    def chapter_title(docname: str) -> str:
        return toc.short_title(root / f"{docname}.md")

    entries = []
    for key, r in i18n.shown(data.load("updates"), "updates").iterrows():
        page = _page_of(str(r["chapter"]))
        entries.append(dict(id=key, published=r["published"].date().isoformat(), page=page, anchor="",
                            title=f"{chapter_title(page)}: {_first_sentence(r['summary'])}",
                            text=str(r["summary"])))
    for key, r in i18n.shown(data.load("corrections"), "corrections").iterrows():
        page = _page_of(str(r["chapter"]))
        said = tr("The book said: {was} It now says: {now}").format(was=r["was"], now=r["now"])
        note = r["note"] if isinstance(r["note"], str) and r["note"] else ""
        entries.append(dict(id=key, published=r["published"].date().isoformat(), page="chapters/corrections",
                            anchor=key, text=f"{said} {note}".strip(),
                            title=f"{word('correction-kind', r['kind'], 'label')}, {chapter_title(page)}: "
                                  f"{_first_sentence(r['now'])}"))
    return sorted(entries, key=lambda e: e["published"], reverse=True)  # stable: the tables' order in a day


def atom_feed(entries: list[dict], title: str, author: str, site: str, lang: str) -> bytes:
    """The Atom document (RFC 4287) of ``entries``. ``site``: the edition's address ('' when unknown:
    the links are then relative to the feed, which sits at the edition's root)."""
    import uuid
    import xml.etree.ElementTree as ET

    def stamp(day: str) -> str:
        return f"{day}T00:00:00Z"

    def urn(name: str) -> str:  # a permanent id that does not depend on where the book is published
        return uuid.uuid5(uuid.NAMESPACE_URL, f"tren-de-aragua-explainer:{lang}:{name}").urn

    ET.register_namespace("", ATOM_NS)
    q = lambda tag: f"{{{ATOM_NS}}}{tag}"  # noqa: E731
    feed = ET.Element(q("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    ET.SubElement(feed, q("id")).text = urn("feed")
    ET.SubElement(feed, q("title")).text = title
    ET.SubElement(feed, q("updated")).text = stamp(max((e["published"] for e in entries), default="2026-01-01"))
    ET.SubElement(ET.SubElement(feed, q("author")), q("name")).text = author
    ET.SubElement(feed, q("link"), rel="alternate", type="text/html", href=f"{site}chapters/{WHATS_NEW}.html")
    if site:
        ET.SubElement(feed, q("link"), rel="self", type="application/atom+xml", href=f"{site}{FEED_NAME}")
    for e in entries:
        entry = ET.SubElement(feed, q("entry"))
        ET.SubElement(entry, q("id")).text = urn(e["id"])
        ET.SubElement(entry, q("title")).text = e["title"]
        ET.SubElement(entry, q("published")).text = stamp(e["published"])
        ET.SubElement(entry, q("updated")).text = stamp(e["published"])
        href = f"{site}{e['page']}.html" + (f"#{e['anchor']}" if e["anchor"] else "")
        ET.SubElement(entry, q("link"), rel="alternate", type="text/html", href=href)
        ET.SubElement(entry, q("summary"), type="text").text = e["text"]
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def published_cff(cff: dict, repo: str, book: str) -> str:
    """``CITATION.cff`` as published with the site: the book's addresses filled in when known."""
    import yaml

    cff = dict(cff)
    if book:
        cff["url"] = book
    if repo:
        cff["repository-code"] = repo
    return yaml.safe_dump(cff, sort_keys=False, allow_unicode=True)


def _build_finished(app, exception):
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
    lang = getattr(app.config, "explainer_edition", "en")
    if lang != "en":  # each table in the edition's language too, beside the table as stored
        from explainer import appendix, data

        pkg = data.DataPackage(src / "data")
        for name in pkg.tables:
            res = pkg.resources[name]
            if "schema" in res:
                (dest / appendix.readers_csv_path(res["path"], lang)).write_text(data.readers_csv(name, pkg),
                                                                                 encoding="utf-8")
    ctx = app.config.html_context
    shutil.rmtree(out / "notebooks", ignore_errors=True)  # notebooks of chapters that no longer have code go too
    write_reader_notebooks(src, out, ctx.get("book_url", ""), app.env.domaindata["std"]["labels"],
                           Path(app.env.mystnb_config.execution_cache_path or out.parent / ".jupyter_cache"))
    # The theme ships source maps (≈3.4 MB) that only browser developer tools ever request.
    for p in (out / "_static").rglob("*.map"):
        p.unlink()
    (out / "social-card.png").write_bytes(social_card(app.config.html_title or app.config.project,
                                                      ctx.get("book_as_of", "")))
    (out / FEED_NAME).write_bytes(atom_feed(feed_entries(), feed_title(app.config.html_title or app.config.project),
                                            app.config.author, ctx.get("book_url", ""),
                                            getattr(app.config, "explainer_edition", "en")))
    (out / "CITATION.cff").write_text(published_cff(ctx.get("book_cff") or read_cff(src), ctx.get("repository_url", ""),
                                                    ctx.get("book_url", "")), encoding="utf-8")


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
