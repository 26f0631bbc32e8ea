"""The maps' JavaScript and CSS, vendored: folium's CDN addresses mapped to the book's own pinned copies.

folium renders a map as a document that loads Leaflet, jQuery and (for colour legends) d3 from public
CDNs, so a reader who is offline, or a book that must not call third parties, gets a blank map. The
pinned, checksummed assets live in ``explainer/vendor/`` (``MANIFEST.json`` records each file's
SHA-256); :func:`rewrite_html` points a map document at them and :func:`verify_vendor` proves they are
intact. Assets the book's maps do not use (Bootstrap, Font Awesome, awesome-markers) map to empty stubs.
The Sphinx extension ``_ext/mapsite.py`` applies this to every page of the built site.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

VENDOR_DIR = Path(__file__).parent / "vendor"
SITE_DIR = "vendor"  # where the assets land in the built site

#: Exact CDN URLs used by folium 0.20.0 / branca 0.8.2 → file under VENDOR_DIR.
CDN_MAP = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js": "d3/d3.min.js",
    # Used only by folium.Icon (awesome markers) and Bootstrap-styled popups, which the book's maps
    # do not use: point them at empty files rather than ship ~2 MB of fonts and styles.
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": "stub/empty.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": "stub/empty.css",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": "stub/empty.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": "stub/empty.css",
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": "stub/empty.css",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": "stub/empty.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": "stub/empty.css",
}

TRUST_HINT = re.compile(r'<span style="color:#565656">Make this Notebook Trusted[^<]*</span>')
#: A script or stylesheet still loaded from the network (inside a srcdoc the quotes are escaped).
LEFTOVER = re.compile(r"(?:src|href)=(?:&quot;|\"|')(https?://[^\"'&\s]+?\.(?:js|css)(?:\?[^\"'&\s]*)?)")
UNTITLED_IFRAME = re.compile(r"<iframe(?![^>]*\btitle=)")


def inline_assets(doc: str) -> str:
    """A folium map document with the scripts and stylesheets it would fetch from CDNs written into it,
    from the vendored copies: it draws with no network and no server (in JupyterLab, in a downloaded
    notebook). The book's pages load the same files from the site instead (``_ext/mapsite.py``)."""
    for url, local in CDN_MAP.items():
        text = (VENDOR_DIR / local).read_text(encoding="utf-8")
        doc = re.sub(r'<script\b[^>]*\bsrc="%s"[^>]*></script>' % re.escape(url),
                     lambda m: f"<script>{text}</script>", doc)
        doc = re.sub(r'<link\b[^>]*\bhref="%s"[^>]*>' % re.escape(url), lambda m: f"<style>{text}</style>", doc)
    return TRUST_HINT.sub("", doc)


def verify_vendor(vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """Compare the vendored files with MANIFEST.json; return a list of problems (empty = intact)."""
    manifest = json.loads((vendor_dir / "MANIFEST.json").read_text())
    problems = []
    for rel, meta in manifest["files"].items():
        p = vendor_dir / rel
        if not p.exists():
            problems.append(f"{rel}: missing")
        elif hashlib.sha256(p.read_bytes()).hexdigest() != meta["sha256"]:
            problems.append(f"{rel}: SHA-256 differs from MANIFEST.json")
    for target in set(CDN_MAP.values()):
        if target not in manifest["files"]:
            problems.append(f"{target}: mapped from a CDN URL but not in MANIFEST.json")
    return problems


def rewrite_html(body: str, to_vendor: str) -> tuple[str, list[str]]:
    """Rewrite folium's CDN URLs in ``body`` to ``{to_vendor}/…``.

    Returns the new body and the list of CDN script/stylesheet URLs that remain (should be empty).
    """
    for url, local in CDN_MAP.items():
        body = body.replace(url, f"{to_vendor}/{local}")
    body = TRUST_HINT.sub("", body)
    body = UNTITLED_IFRAME.sub('<iframe title="Interactive map"', body)
    return body, sorted(set(LEFTOVER.findall(body)))
