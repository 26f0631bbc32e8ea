"""Sphinx extension: the book's two editions, English at the site's root and Spanish under ``es/``.

Both are built from the same table of contents, page for page (``make book`` builds the English project,
then the Spanish one that ``python -m bookbuild.editions stage`` assembles in ``_build/es-src``). This
extension

* sets the language the book's code writes in for the whole build (:func:`explainer.i18n.use`), so that
  the roles, footers and notes that the build's own extensions write are in the page's language;
* links each page to the same page in the other edition: a language switcher at the top of the page and
  ``<link rel="alternate" hreflang>`` tags (absolute when the book's address is known), with ``lang`` set
  on the switcher's words; the ``<html lang>`` of every page is the build's language;
* on a Spanish page whose translation is behind the English (``python -m bookbuild.editions`` lists
  such passages; the tests fail on them), says so at the top and links the English page;
* gives templates ``tr`` (``{{ tr("…") }}``), the same translation function as the code's;
* in an edition other than English, makes the interface that Sphinx, the theme and MyST-NB write speak the
  edition's language through their own machinery: the edition's settings (``es/edition.yml``) and its
  corrections of their catalogues (``locale/upstream/<lang>/LC_MESSAGES``: ``sphinx.po``, which Sphinx reads
  itself, and the theme's ``booktheme.po``, registered here before the theme's own); the strings of those
  catalogues that Sphinx's search page translates in the browser are applied to ``_static/translations.js``;
  and the table of chapter executions that MyST-NB writes in English gets its headings and values in the
  edition's language.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from explainer import i18n

#: Where an edition keeps its corrections of the Spanish (etc.) catalogues of Sphinx and the theme.
UPSTREAM = Path("locale") / "upstream"

#: What the switcher says, in the language it leads to.
SWITCH = {"en": ("English", "Read this page in English"), "es": ("Español", "Leer esta página en español")}


def _language(app, config):
    """First of all the extensions' set-up: the language everything after it writes in."""
    lang = config.language if config.language in i18n.LANGUAGES else "en"
    i18n.use(lang)
    config.explainer_edition = lang


def _upstream_catalogues(app, config):
    """Register the edition's corrections of the theme's catalogues ahead of the theme's own (the first
    catalogue registered for a domain is the one used; Sphinx reads ``sphinx.po`` itself, from
    ``locale_dirs``)."""
    lang = config.explainer_edition
    folder = Path(app.srcdir) / UPSTREAM
    if lang == "en" or not (folder / lang / "LC_MESSAGES").is_dir():
        return
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted((folder / lang / "LC_MESSAGES").glob("*.po")):
        if po.stem == "sphinx":
            continue
        with open(po, "rb") as f:
            catalog = read_po(f, abort_invalid=True)
        with open(po.with_suffix(".mo"), "wb") as f:
            write_mo(f, catalog)
        _put_first(po.stem, folder, lang)


def _put_first(domain: str, folder: Path, lang: str) -> None:
    """Make the catalogue of ``domain`` in ``folder`` the one used, with the one registered before it (the
    theme's, which set itself up earlier) as its fallback for strings it does not hold."""
    import gettext

    from sphinx import locale

    ours = gettext.translation(domain, localedir=str(folder), languages=[lang])
    before = locale.translators.get(("general", domain))
    if before is not None and before.__class__ is not gettext.NullTranslations:
        ours.add_fallback(before)
    locale.translators[("general", domain)] = ours


def upstream_messages(srcdir, lang: str, domain: str = "sphinx") -> dict[str, str]:
    """msgid → msgstr of the edition's corrections of an upstream catalogue (empty if it has none)."""
    po = Path(srcdir) / UPSTREAM / lang / "LC_MESSAGES" / f"{domain}.po"
    if lang == "en" or not po.is_file():
        return {}
    from babel.messages.pofile import read_po

    with open(po, "rb") as f:
        return {m.id: m.string for m in read_po(f, abort_invalid=True) if m.id and m.string}


def patch_translations_js(js: str, messages: dict[str, str]) -> str:
    """Sphinx's ``translations.js`` with the edition's corrections applied to the strings it holds."""
    m = re.search(r"Documentation\.addTranslations\((\{.*\})\);", js, re.S)
    if not m:
        return js
    data = json.loads(m.group(1))
    held = data.setdefault("messages", {})
    for msgid, msgstr in messages.items():
        if msgid in held and isinstance(held[msgid], str):
            held[msgid] = msgstr
    return js[: m.start(1)] + json.dumps(data, ensure_ascii=False, sort_keys=True) + js[m.end(1):]


def _patch_search_strings(app, exception):
    if exception or app.builder.format != "html":
        return
    js = Path(app.outdir) / "_static" / "translations.js"
    messages = upstream_messages(app.srcdir, app.config.explainer_edition)
    if messages and js.is_file():
        js.write_text(patch_translations_js(js.read_text(encoding="utf-8"), messages), encoding="utf-8")


#: What MyST-NB's execution table says, for the catalogues (its headings, and the ways a chapter executes).
EXECUTION_TABLE_WORDS = (i18n.N_("Document"), i18n.N_("Modified"), i18n.N_("Method"), i18n.N_("Run Time (s)"),
                         i18n.N_("Status"), i18n.N_("cache"), i18n.N_("force"), i18n.N_("auto"), i18n.N_("inline"))


class ExecutionTableInLanguage(SphinxPostTransform):
    """MyST-NB's table of chapter executions, whose headings and values it writes in English, in the
    edition's language: headings and the method translated, times with the edition's decimal sign."""

    default_priority = 9  # after MyST-NB writes the table (8), before references are resolved (10)

    def run(self, **kwargs) -> None:
        if i18n.lang() == "en":
            return
        from myst_nb.ext.execution_tables import _key2header

        from explainer.text import decimal

        headings = ["Document", *_key2header.values()]
        for table in self.document.findall(nodes.table):
            head = [e.astext() for e in table.findall(nodes.entry)][: len(headings)]
            if head != headings:
                continue
            for entry in list(table.findall(nodes.entry))[len(headings):]:
                text = entry.astext()
                if re.fullmatch(r"\d+\.\d+", text):
                    new = decimal(float(text), f".{len(text.split('.')[1])}f")
                elif text in EXECUTION_TABLE_WORDS[5:]:
                    new = i18n.tr(text)
                else:
                    continue
                entry.children[0].replace_self(nodes.paragraph(text=new))
            for entry in list(table.findall(nodes.entry))[: len(headings)]:
                entry.children[0].replace_self(nodes.paragraph(text=i18n.tr(entry.astext())))


def _config_inited(app, config):
    lang = config.explainer_edition
    if lang != "en" and config.html_baseurl:  # the edition's own address (publish.py set the book's)
        config.html_baseurl = config.html_baseurl.rstrip("/") + f"/{lang}/"


#: Keeps the reader's place across the language switch. The two editions' pages have the same sections in
#: the same order (bookbuild.editions keeps them so), but their anchors are in their own languages; so the
#: link carries the number of the section the reader is in (the last whose top is in the upper quarter of the
#: screen, or above it: ``?section=4``), and the page it leads to
#: scrolls to its own fourth section and puts that section's anchor in the address.
KEEP_PLACE_JS = (
    "<script>(function(){function s(){return Array.prototype.slice.call(document.querySelectorAll("
    "'article section[id]'))}document.addEventListener('DOMContentLoaded',function(){"
    "var m=/[?&]section=(\\d+)/.exec(location.search),t=m&&s()[+m[1]];if(t){history.replaceState(null,'',"
    "location.pathname+'#'+t.id);t.scrollIntoView()}"
    "document.querySelectorAll('a.explainer-edition').forEach(function(a){a.addEventListener('click',function(){"
    "var i=-1;s().forEach(function(e,k){if(e.getBoundingClientRect().top<=innerHeight/4)i=k});"
    "if(i>0)a.href=a.href.split(/[?#]/)[0]+'?section='+i})})})})();</script>")


def counterpart(pagename: str, here: str, there: str) -> str:
    """The relative address, from page ``pagename`` of edition ``here``, of the same page in ``there``."""
    up = "../" * pagename.count("/")
    if here == "en":
        return f"{up}{there}/{pagename}.html"
    return f"{up}../{pagename}.html" if there == "en" else f"{up}../{there}/{pagename}.html"


def _page_context(app, pagename, templatename, context, doctree):
    lang = app.config.explainer_edition
    context["tr"] = i18n.tr
    base = app.config.html_baseurl
    root = base[: -len(f"{lang}/")] if base and lang != "en" else base
    links = []
    for other in i18n.LANGUAGES:
        href = counterpart(pagename, lang, other) if other != lang else f"{pagename.rsplit('/', 1)[-1]}.html"
        if root:
            href = root + ("" if other == "en" else f"{other}/") + f"{pagename}.html"
        links.append(f'<link rel="alternate" hreflang="{other}" href="{html.escape(href)}" />')
        if other == "en":
            links.append(f'<link rel="alternate" hreflang="x-default" href="{html.escape(href)}" />')
    context["metatags"] = context.get("metatags", "") + "\n".join(links) + "\n"
    others = [o for o in i18n.LANGUAGES if o != lang]
    switch = "".join(
        f'<a class="explainer-edition" href="{html.escape(counterpart(pagename, lang, o))}" hreflang="{o}" '
        f'lang="{o}">{SWITCH[o][1]}</a>' for o in others)
    nav = (f'<nav class="explainer-editions" aria-label="{html.escape(i18n.tr("Other languages"))}">'
           f'{switch}</nav>{KEEP_PLACE_JS}')
    context["explainer_switch"] = nav  # for templates whose page has no body (search.html)
    context["explainer_header_switch"] = "".join(  # the article header's short form (edition-switch.html)
        f'<a class="btn btn-sm explainer-edition explainer-edition-short" '
        f'href="{html.escape(counterpart(pagename, lang, o))}" hreflang="{o}" lang="{o}" '
        f'title="{html.escape(SWITCH[o][1])}">{SWITCH[o][0]}</a>' for o in others)
    body = context.get("body")
    if not body:
        return
    notice = ""
    behind = app.env.explainer_behind.get(pagename) if hasattr(app.env, "explainer_behind") else None
    if behind:
        english = html.escape(counterpart(pagename, lang, "en"))
        notice = ('<div class="admonition warning explainer-behind" role="note"><p class="admonition-title">'
                  + html.escape(i18n.tr("This translation is behind"))
                  + "</p><p>" + i18n.tr("{n} passage(s) of this page changed in the English edition after they "
                                        "were translated. Until they are updated, the <a href=\"{href}\" "
                                        "hreflang=\"en\">English page</a> is the current one.").format(
                                            n=behind, href=english)
                  + "</p></div>")
    context["body"] = nav + notice + body


def _builder_inited(app):
    """How many passages of each Spanish page are behind the English (0 pages in a current edition)."""
    behind: dict[str, int] = {}
    if app.config.explainer_edition != "en":
        from bookbuild import editions

        for page, found in editions.problems().items():
            docname = page.removeprefix(f"{app.config.explainer_edition}/").removesuffix(".md")
            behind[docname] = len(found)
    before = getattr(app.env, "explainer_behind", {})
    # pages whose notice appears, changes or goes: rendered again even if their own text did not change
    app.env.explainer_renotice = {d for d in set(behind) | set(before) if behind.get(d) != before.get(d)}
    app.env.explainer_behind = behind


def _outdated(app, env, added, changed, removed):
    return sorted(d for d in getattr(env, "explainer_renotice", ()) if d in env.found_docs)


def setup(app):
    app.add_config_value("explainer_edition", "en", "html")
    app.add_config_value("explainer_description", "", "html")
    app.connect("config-inited", _language, priority=10)
    app.connect("config-inited", _config_inited, priority=600)
    app.connect("config-inited", _upstream_catalogues, priority=600)
    app.connect("build-finished", _patch_search_strings)
    app.add_post_transform(ExecutionTableInLanguage)
    app.connect("builder-inited", _builder_inited)
    app.connect("env-get-outdated", _outdated)
    app.connect("html-page-context", _page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
