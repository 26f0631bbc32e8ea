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
* gives templates ``tr`` (``{{ tr("…") }}``), the same translation function as the code's.
"""
from __future__ import annotations

import html

from explainer import i18n

#: What the switcher says, in the language it leads to.
SWITCH = {"en": ("English", "Read this page in English"), "es": ("Español", "Leer esta página en español")}


def _language(app, config):
    """First of all the extensions' set-up: the language everything after it writes in."""
    lang = config.language if config.language in i18n.LANGUAGES else "en"
    i18n.use(lang)
    config.explainer_edition = lang


def _config_inited(app, config):
    lang = config.explainer_edition
    if lang != "en" and config.html_baseurl:  # the edition's own address (publish.py set the book's)
        config.html_baseurl = config.html_baseurl.rstrip("/") + f"/{lang}/"


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
           f'{switch}</nav>')
    context["explainer_switch"] = nav  # for templates whose page has no body (search.html)
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
    app.connect("builder-inited", _builder_inited)
    app.connect("env-get-outdated", _outdated)
    app.connect("html-page-context", _page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
