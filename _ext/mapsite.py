"""Sphinx extension: the maps of every page served from the book itself, each loaded when it is near.

folium renders a map as ``<iframe srcdoc="…">`` whose document loads Leaflet, jQuery, Bootstrap, Font
Awesome and (for colour legends) d3 from public CDNs, so a reader who is offline, or a book that must
not call third parties, gets a blank map. This extension

* copies the pinned, checksummed assets in ``explainer/vendor/`` (see :mod:`explainer.offline`) to
  ``<site>/vendor/``
  (not ``_static/``: Jupyter Book links every file there into every page);
* rewrites the CDN URLs inside every page's map ``srcdoc`` to page-relative paths (relative URLs inside a
  srcdoc iframe resolve against the parent page), pointing assets the book's maps do not use at empty
  stubs;
* moves every map's document out of the page into its own file, ``<site>/maps/<hash>.html``, which
  its iframe loads only when the reader comes within a screen of it (a few lines of script watch the
  iframes; without JavaScript the figure links the map instead): a page with two maps no longer makes
  a phone download both, and Leaflet, before it can show the first screen (browsers' own
  ``loading="lazy"`` still fetches an iframe two or three screens away);
* gives every map iframe a ``title`` (screen readers announce it) if it has none;
* removes folium's "Make this Notebook Trusted to load map" hint from the page text;
* emits a Sphinx warning (which fails a ``-W`` build) for any CDN script or stylesheet left in a page,
  e.g. after a folium upgrade adds a new asset.
"""
from __future__ import annotations

import hashlib
import html
import re
import shutil
from pathlib import Path

from explainer.i18n import tr
from explainer.offline import SITE_DIR, VENDOR_DIR, rewrite_html, verify_vendor

MAPS_DIR = "maps"  # where the maps' documents land in the built site
SRCDOC_IFRAME = re.compile(r'<iframe\b([^>]*?)\ssrcdoc="([^"]*)"([^>]*)>')
MAP_REF = re.compile(MAPS_DIR + r'/([0-9a-f]{16}\.html)"')
#: Gives each map iframe its document when the reader comes within a screen of it.
LAZY_MAPS = ("<script>(function(){var f=document.querySelectorAll('iframe[data-src]');"
             "function go(e){e.src=e.getAttribute('data-src');e.removeAttribute('data-src');}"
             "if(!('IntersectionObserver' in window)){f.forEach(go);return;}"
             "var o=new IntersectionObserver(function(es){es.forEach(function(x){"
             "if(x.isIntersecting){o.unobserve(x.target);go(x.target);}});},{rootMargin:'100% 0px'});"
             "f.forEach(function(e){o.observe(e);});})();</script>")


#: Printed, a map shows its countries and legend without its zoom buttons and layer switches.
PRINT_STYLE = "<style>@media print{.leaflet-control-zoom,.leaflet-control-layers{display:none!important}}</style>"


def split_maps(body: str, to_maps: str) -> tuple[str, dict[str, str]]:
    """Move every ``<iframe srcdoc="…">`` document out of ``body``.

    Each document is rewritten for offline use (its assets resolve from ``<site>/maps/``) and named by
    its content's hash; its iframe keeps its other attributes (title, size) and names the file in
    ``data-src`` (see ``LAZY_MAPS``, added once after the maps), with a link to the map for readers
    without JavaScript. Returns the new body and {file name: document}.
    """
    docs: dict[str, str] = {}

    def _sub(m):
        doc, _ = rewrite_html(html.unescape(m.group(2)), f"../{SITE_DIR}")
        doc = doc.replace("</head>", PRINT_STYLE + "</head>", 1)
        name = hashlib.sha256(doc.encode("utf-8")).hexdigest()[:16] + ".html"
        docs[name] = doc
        title = re.search(r'\btitle="([^"]*)"', m.group(1) + m.group(3))
        label = title.group(1) if title else html.escape(tr("The map"))
        link = f'<noscript><a href="{to_maps}/{name}">{label}</a></noscript>'
        return f'{link}<iframe{m.group(1)} data-src="{to_maps}/{name}"{m.group(3)}>'

    body = SRCDOC_IFRAME.sub(_sub, body)
    if docs:
        body += LAZY_MAPS
    return body, docs


def _page_context(app, pagename, templatename, context, doctree):
    body = context.get("body") or ""
    if "<iframe" not in body:
        return
    to_vendor = context["pathto"](SITE_DIR, 1)
    body, docs = split_maps(body, context["pathto"](MAPS_DIR, 1))
    body, leftovers = rewrite_html(body, to_vendor)
    maps_dir = Path(app.outdir) / MAPS_DIR
    maps_dir.mkdir(parents=True, exist_ok=True)
    for name, doc in docs.items():
        leftovers += rewrite_html(doc, f"../{SITE_DIR}")[1]
        (maps_dir / name).write_text(doc, encoding="utf-8")
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    for url in sorted(set(leftovers)):
        logger.warning("%s: map asset still loaded from the network: %s (add it to CDN_MAP in explainer/offline.py)",
                       pagename, url)
    context["body"] = body


def _copy_assets(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    problems = verify_vendor()
    if problems:
        from sphinx.errors import ExtensionError

        raise ExtensionError("vendored map assets are not intact: " + "; ".join(problems))
    dest = Path(app.outdir) / SITE_DIR
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(VENDOR_DIR, dest, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    # map documents of earlier builds that no page loads any more
    out = Path(app.outdir)
    used = {name for p in out.glob("**/*.html") if p.parent.name != MAPS_DIR
            for name in MAP_REF.findall(p.read_text(encoding="utf-8"))}
    for p in (out / MAPS_DIR).glob("*.html"):
        if p.name not in used:
            p.unlink()


def setup(app):
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _copy_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
