"""Sphinx extension: pages light enough for a phone on a slow mobile network.

A stock Jupyter Book page makes a phone download about 1 MB before it can be read, most of it for
features this book does not use. This extension keeps the theme's look, dark mode and keyboard access,
and removes the rest:

* **icons**: the theme draws about twenty icons with Font Awesome's JavaScript (1.5 MB, 540 KB gzipped)
  and two icon fonts. Every ``<i class="fa-…">`` in a page becomes the same drawing as inline SVG
  (:mod:`icons` (``_ext/icons.py``)), and ``_static/icons.css`` draws the admonition icons with SVG masks, so
  neither the script nor the fonts are loaded, or published;
* **unused scripts and styles**: Thebe (no live code), the copy buttons (the only code is hidden
  behind "Show code cell source"), sphinx-togglebutton and sphinx-design's tabs are linked only into
  pages that use them (none today); sphinx-design's stylesheet only into pages with its cards;
  Sphinx's search scripts and index only into the search page (the search field on other pages just
  opens it: ``search_as_you_type`` is off);
* **render-blocking**: Sphinx's small helper scripts load with ``defer``; the theme's stylesheet no
  longer ``@import``s basic.css (the browser fetches it in parallel); the theme's scripts are no
  longer preloaded ahead of the stylesheets they competed with for bandwidth; and the theme's compiled
  stylesheet loses the style rules of the Font Awesome library bundled in it (about 1,400 rules, one
  per icon, which cost a slowed phone about a second of style work before the first paint; its
  ``@font-face`` and custom properties stay, so a stray use of the font shows as a failed request in
  the tests rather than silently). The first screen paints from the HTML and CSS alone;
* **charts**: each chart's PNG, which the chapters embed in the page as base64 (a third heavier than
  the file, and downloaded before the text below it), becomes a file, ``<site>/charts/<hash>.png``,
  shown with ``loading="lazy"`` and its width and height (so the text does not jump when it arrives);
* files that no page references (the above, the theme's translation catalogues and launch-button
  logos) are removed from the site.

A Font Awesome icon with no drawing in :mod:`icons` (``_ext/icons.py``) is a build warning (which fails a ``-W``
build): run ``scripts/extract_icons.py`` after adding it there.
"""
from __future__ import annotations

import base64
import hashlib
import html
import re
import shutil
import struct
from pathlib import Path

from icons import ALIASES, ICONS

from explainer.i18n import tr


def _has_class(*tokens: str):
    """A test: does a page body have an element whose classes include all ``tokens``?"""
    def test(body: str) -> bool:
        return any(set(tokens) <= set(c.split()) for c in re.findall(r'class="([^"]*)"', body))
    return test


_TOGGLES = (_has_class("toggle"), _has_class("admonition", "dropdown"))  # sphinx-togglebutton's selector

#: Scripts and stylesheets a page links only if its body passes the test (``None``: never).
CONDITIONAL = {
    "sphinx-thebe.js": None,
    "sphinx-thebe.css": None,
    "clipboard.min.js": None,
    "copybutton.js": None,
    "copybutton.css": None,
    "togglebutton.js": lambda body: any(t(body) for t in _TOGGLES),
    "togglebutton.css": lambda body: any(t(body) for t in _TOGGLES),
    "design-tabs.js": _has_class("sd-tab-set"),
    "sphinx-design.min.css": lambda body: re.search(r'class="(?:[^"]* )?sd-', body) is not None,
    "timeline.js": _has_class("tl-filters"),  # the full timeline's filters (chapters/timeline.md)
    "timeline.css": _has_class("tl-filters"),
    "pygments.css": _has_class("highlight"),  # every rule is scoped to .highlight: pages with code only
}
#: Inline configuration scripts of the assets above (dropped with them).
CONDITIONAL_INLINE = {"THEBE_JS_URL": "sphinx-thebe.js", "toggleHint": "togglebutton.js",
                      "toggleOpenOnPrint": "togglebutton.js", "togglebuttonSelector": "togglebutton.js"}
#: Scripts that only act once the page is parsed: loaded with ``defer`` so they never block the first paint.
DEFER = ("doctools.js", "sphinx_highlight.js", "scripts/sphinx-book-theme.js", "togglebutton.js",
         "design-tabs.js", "timeline.js",
         "translations.js")  # a translated edition's strings for doctools.js: after it, so deferred too

#: Files under the site's ``_static/`` that no page needs once this extension has run.
REMOVED = ("scripts/fontawesome.js", "scripts/fontawesome.js.LICENSE.txt", "vendor/fontawesome",
           "locales", "webpack-macros.html", "sbt-webpack-macros.html")
#: The theme's compiled stylesheet, which bundles Font Awesome's CSS (see strip_icon_css).
THEME_STYLESHEET = "styles/pydata-sphinx-theme.css"
#: A selector made only of Font Awesome classes (.fa, .fa-*, .fas, .fab…), combinators and pseudo-classes.
FA_ONLY_SELECTOR = re.compile(r"(?:\.(?:fa|fa-[\w-]+|fas|fab|far)\b|[\s>+~]|::?[\w-]+(?:\([^)]*\))?)+")
FA_CLASS = re.compile(r"\.(?:fa|fa-[\w-]+|fas|fab|far)\b")
#: Files under ``_static/`` removed when no page links them (see CONDITIONAL).
OPTIONAL = (*CONDITIONAL, "copybutton_funcs.js", "copy-button.svg", "check-solid.svg", "play-solid.svg",
            "images")

CHARTS_DIR = "charts"  # where the charts' PNG files land in the built site
INLINE_PNG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
INLINE_CSV = re.compile(r'href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)"')
#: A chart's phone rendering, a ``<picture>`` source (explainer.charts.Chart).
INLINE_SOURCE = re.compile(r'<source media="([^"]*)" srcset="data:image/png;base64,([A-Za-z0-9+/=]+)"')
CHART_REF = re.compile(CHARTS_DIR + r'/([0-9a-f]{16}\.(?:png|csv))"')

FONTAWESOME_JS = re.compile(r'[ \t]*<!-- So that users can add custom icons -->\n'
                            r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?')
SEARCH_SCRIPTS = re.compile(r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|'
                            r'searchindex\.js)"></script>\n?')
#: The theme preloads its deferred scripts: they then compete with the stylesheets for bandwidth.
SCRIPT_PRELOAD = re.compile(r'[ \t]*<!-- Pre-loaded scripts that we\'ll load fully later -->\n'
                            r'|[ \t]*<link rel="preload" as="script" href="[^"]*" />\n?')
#: The theme's theme.css is one line, ``@import "../basic.css"``: a chained, render-blocking request.
THEME_CSS = re.compile(r'<link href="([^"]*)_static/styles/theme\.css[^"]*" rel="stylesheet" />')
ICON = re.compile(r'<(i|span)\b([^>]*\bclass="([^"]*\bfa-[^"]*)"[^>]*)>\s*</\1>')
STYLE_PREFIXES = {"fa", "fas", "fab", "far", "fa-solid", "fa-brands", "fa-regular"}
MODIFIERS = {"fa-lg", "fa-xs", "fa-sm", "fa-xl", "fa-2xl", "fa-fw", "fa-2x", "fa-3x"}


def _asset_name(filename: str) -> str:
    return str(filename).split("?", 1)[0].removeprefix("_static/")


def keep_asset(filename: str, body: str) -> bool:
    """Whether a page whose body is ``body`` needs the script or stylesheet ``filename``."""
    name = _asset_name(filename)
    if name not in CONDITIONAL:
        return True
    test = CONDITIONAL[name]
    return test is not None and test(body)


def icon_svg(classes: str, attrs: str) -> tuple[str, str | None]:
    """The inline SVG for an icon element with these classes and attributes; the second value is
    the name of an icon that has no drawing (the element is then returned unchanged)."""
    tokens = classes.split()
    names = [t[3:] for t in tokens if t.startswith("fa-") and t not in STYLE_PREFIXES and t not in MODIFIERS]
    if not names:
        return "", None
    name = ALIASES.get(names[0], names[0])
    if name not in ICONS:
        return "", names[0]
    width, height, path = ICONS[name]
    keep = [t for t in tokens if t not in STYLE_PREFIXES and t != f"fa-{names[0]}"]
    cls = " ".join(["svg-inline--fa", f"fa-{name}", *keep])
    other = re.sub(r'\s*\bclass="[^"]*"', "", attrs)
    other = re.sub(r'\s*\baria-hidden="[^"]*"', "", other).strip()
    other = f" {other}" if other else ""
    return (f'<svg class="{cls}"{other} aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {width} {height}"><path fill="currentColor" d="{path}"></path></svg>'), None


def inline_icons(page: str) -> tuple[str, list[str]]:
    """Replace every empty ``<i|span class="fa-…">`` with inline SVG; return the page and unknown icons."""
    unknown: list[str] = []

    def _sub(m):
        svg, missing = icon_svg(html.unescape(m.group(3)), m.group(2))
        if missing:
            unknown.append(missing)
        return svg or m.group(0)

    return ICON.sub(_sub, page), unknown


def strip_icon_css(css: str) -> str:
    """``css`` without its top-level style rules whose every selector is a Font Awesome class (the
    icon library's rules: one per icon, sizes, animations). Comments, at-rules (``@font-face``,
    ``@media``, ``@keyframes``) and every rule that also styles anything else are kept as they are.
    Returns ``css`` unchanged if it cannot be read as a sequence of rules. Idempotent."""
    out, pos, n = [], 0, len(css)
    while pos < n:
        if css[pos].isspace():
            out.append(css[pos])
            pos += 1
            continue
        if css.startswith("/*", pos):
            end = css.find("*/", pos)
            if end < 0:
                return css
            out.append(css[pos:end + 2])
            pos = end + 2
            continue
        brace = css.find("{", pos)
        if brace < 0:
            out.append(css[pos:])
            break
        semicolon = css.find(";", pos, brace)
        if css[pos:brace].lstrip().startswith("@") and semicolon >= 0:  # @charset, @import: no block
            out.append(css[pos:semicolon + 1])
            pos = semicolon + 1
            continue
        prelude = css[pos:brace]
        if "}" in prelude or "/*" in prelude:
            return css
        depth, i = 0, brace
        while i < n:  # the matching brace (at-rules nest)
            if css[i] == "{":
                depth += 1
            elif css[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        if i >= n:
            return css
        rule = css[pos:i + 1]
        selectors = [sel.strip() for sel in prelude.split(",")]
        fa_only = (not prelude.lstrip().startswith("@")
                   and all(sel and FA_ONLY_SELECTOR.fullmatch(sel) and FA_CLASS.search(sel) for sel in selectors))
        if not fa_only:
            out.append(rule)
        pos = i + 1
    return "".join(out)


def slim_page(page: str, *, search_page: bool = False) -> tuple[str, list[str]]:
    """A rendered page without the theme's icon script, with inline icons and, unless it is the search
    page, without the search scripts. Idempotent. Returns the page and the icons with no drawing."""
    page = FONTAWESOME_JS.sub("", page)
    page = SCRIPT_PRELOAD.sub("", page)
    if not search_page:
        page = SEARCH_SCRIPTS.sub("", page)
    page = THEME_CSS.sub(r'<link href="\1_static/basic.css" rel="stylesheet" />', page)
    return inline_icons(page)


CHART_FIGURE = re.compile(r'<figure class="explainer-chart" id="chart-([^"]+)">.*?</figure>', re.S)


def split_images(body: str, to_charts: str) -> tuple[str, dict[str, bytes]]:
    """Turn every inline base64 PNG in ``body`` into a file ``{to_charts}/<hash>.png`` shown with
    ``loading="lazy"``, ``decoding="async"`` and its pixel width and height (CSS still scales it to the
    column); a chart's phone rendering (a ``<picture>`` source) becomes a file too, with its own width
    and height, which only screens matching its media query fetch. A chart's image links to its full
    size file (tap or click to enlarge), and its download line gets a link to that file, named after the
    chart. Returns the new body and {file name: PNG bytes}."""
    files: dict[str, bytes] = {}

    def _file(b64: str) -> tuple[str, int, int]:
        png = base64.b64decode(b64)
        name = hashlib.sha256(png).hexdigest()[:16] + ".png"
        files[name] = png
        width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
        return name, width, height

    def _sub(m):
        name, width, height = _file(m.group(1))
        return (f'<img src="{to_charts}/{name}" width="{width}" height="{height}" loading="lazy" '
                f'decoding="async"')

    def _source(m):
        name, width, height = _file(m.group(2))
        return f'<source media="{m.group(1)}" srcset="{to_charts}/{name}" width="{width}" height="{height}"'

    def _figure(m):
        fig = INLINE_SOURCE.sub(_source, m.group(0))
        img = INLINE_PNG.search(fig)
        fig = INLINE_PNG.sub(_sub, fig)
        if img is None:
            return fig
        full = _file(img.group(1))[0]
        # the image (or its <picture>) opens the full-size file: on a phone, a chart to zoom into
        pic = re.search(r"<picture>.*?</picture>|<img [^>]*>", fig, re.S)
        fig = (f'{fig[:pic.start()]}<a class="explainer-enlarge" href="{to_charts}/{full}" '
               f'title="{html.escape(tr("Open the chart full size"), quote=True)}">'
               f'{pic.group(0)}</a>{fig[pic.end():]}')
        if '<p class="chart-downloads">' in fig:
            label = html.escape(tr("Chart image (PNG)"))
            link = f' · <a href="{to_charts}/{full}" download="{m.group(1)}.png">{label}</a></p>'
            head, _, tail = fig.partition('<p class="chart-downloads">')
            first, _, rest = tail.partition("</p>")
            fig = f'{head}<p class="chart-downloads">{first}{link}{rest}'
        return fig

    def _csv(m):  # the chart's data: a file of its own (with a byte-order mark, so spreadsheets read accents)
        data = "\ufeff".encode() + base64.b64decode(m.group(1))
        name = hashlib.sha256(data).hexdigest()[:16] + ".csv"
        files[name] = data
        return f'href="{to_charts}/{name}"'

    body = CHART_FIGURE.sub(_figure, body)
    body = INLINE_CSV.sub(_csv, body)
    return INLINE_PNG.sub(_sub, body), files


#: sphinx-thebe appends its configuration (a Binder repository and a kernel name) to every page, for a
#: "live code" button the book does not offer (``launch_buttons.thebe: false``): dead weight, dropped.
THEBE_CONFIG = re.compile(r'\s*<script type="text/x-thebe-config">.*?</script>\s*'
                          r"(?:<script>kernelName = '[^']*'</script>\s*)?", re.S)


def drop_thebe_config(body: str) -> str:
    return THEBE_CONFIG.sub("\n", body)


# --------------------------------------------------------------------------- Sphinx hooks
def _page_context(app, pagename, templatename, context, doctree):
    body = drop_thebe_config(context.get("body") or "")
    if body != (context.get("body") or ""):
        context["body"] = body
    if "data:image/png;base64," in body or "data:text/csv;" in body:
        body, files = split_images(body, context["pathto"](CHARTS_DIR, 1))
        charts = Path(app.outdir) / CHARTS_DIR
        charts.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (charts / name).write_bytes(content)
        context["body"] = body
    css = context.get("css_files")
    if css is not None:
        context["css_files"] = [c for c in css if keep_asset(c.filename, body)]
    scripts = context.get("script_files")
    if scripts is not None:
        kept = []
        for js in scripts:
            if js.filename:
                if not keep_asset(js.filename, body):
                    continue
                if (_asset_name(js.filename) in DEFER and "async" not in js.attributes
                        and pagename != "search"):  # the search page's scripts need doctools.js at once
                    js = type(js)(js.filename, priority=js.priority, **{**js.attributes, "defer": "defer"})
            else:
                inline = js.attributes.get("body", "")
                owner = next((a for key, a in CONDITIONAL_INLINE.items() if key in inline), None)
                if owner and not keep_asset(owner, body):
                    continue
            kept.append(js)
        context["script_files"] = kept


def referenced_static(outdir: Path) -> set[str]:
    """Every ``_static/…`` path (without query) that some page of the site links."""
    refs = set()
    for p in outdir.rglob("*.html"):
        if "_static" in p.relative_to(outdir).parts:
            continue
        for ref in re.findall(r'(?:src|href)="([^"]*?_static/[^"?#]+)', p.read_text(encoding="utf-8")):
            refs.add(ref.split("_static/", 1)[1])
    return refs


def _build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    out = Path(app.outdir)
    for p in sorted(out.rglob("*.html")):
        rel = p.relative_to(out)
        if rel.parts[0] in ("_static", "_sources", "vendor", "maps", CHARTS_DIR):
            continue
        text = p.read_text(encoding="utf-8")
        new, unknown = slim_page(text, search_page=rel.as_posix() == "search.html")
        for name in sorted(set(unknown)):
            logger.warning("%s: icon fa-%s has no drawing in _ext/icons.py (run scripts/extract_icons.py)",
                           rel.as_posix(), name)
        if new != text:
            p.write_text(new, encoding="utf-8")
    used_charts = {n for p in out.rglob("*.html") for n in CHART_REF.findall(p.read_text(encoding="utf-8"))}
    for p in [*(out / CHARTS_DIR).glob("*.png"), *(out / CHARTS_DIR).glob("*.csv")]:  # charts (and their
        # tables) of earlier builds that no page shows any more
        if p.name not in used_charts:
            p.unlink()
    static = out / "_static"
    theme_css = static / THEME_STYLESHEET
    if theme_css.exists():
        text = theme_css.read_text(encoding="utf-8")
        slimmed = strip_icon_css(text)
        if slimmed != text:
            theme_css.write_text(slimmed, encoding="utf-8")
    used = referenced_static(out)
    for rel in (*REMOVED, *(o for o in OPTIONAL if not any(u == o or u.startswith(f"{o}/") for u in used))):
        target = static / rel
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    for d in sorted((p for p in static.rglob("*") if p.is_dir()), reverse=True):
        if not any(d.iterdir()):  # e.g. _static/vendor once the icon fonts are gone
            d.rmdir()


def setup(app):
    app.connect("html-page-context", _page_context, priority=900)  # after the extensions add their assets
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
