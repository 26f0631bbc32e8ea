"""The offline rewriter and the vendored assets."""
import html
import json
import re

import folium
import pytest

import mapsite

from explainer import offline
from explainer.maps import MapFigure, base_map, choropleth


def _folium_page(for_the_book: bool = True) -> str:
    """A map as a chapter shows it: in the book's build (its code loaded from CDNs, which the build
    rewrites to the site's copies), or elsewhere (in Jupyter: its code written into it)."""
    m = base_map()
    choropleth(m, {"COL": 5.0}, name="demo", tooltip={"COL": "Colombia"}, bins=[0, 1, 10])
    with pytest.MonkeyPatch.context() as mp:
        if for_the_book:
            mp.setenv("EXPLAINER_BOOK_BUILD", "1")
        else:
            mp.delenv("EXPLAINER_BOOK_BUILD", raising=False)
        return MapFigure(m, title="Demo map")._repr_html_()


def test_a_map_in_jupyter_carries_its_own_code():
    """Outside the book's build (JupyterLab, a reader's notebook) a map needs no network: no script or
    stylesheet is fetched from the web, and Leaflet's code is in the document."""
    doc = html.unescape(_folium_page(for_the_book=False))
    assert not re.search(r'(?:src|href)="https?://[^"]+\.(?:js|css)"', doc)
    leaflet = (offline.VENDOR_DIR / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    assert leaflet[:200] in doc and "Make this Notebook Trusted" not in doc


def test_vendored_assets_match_the_manifest():
    assert offline.verify_vendor() == []


def test_manifest_records_licences_and_versions():
    manifest = json.loads((offline.VENDOR_DIR / "MANIFEST.json").read_text())
    js = manifest["files"]["leaflet/leaflet.js"]
    assert js["version"] == "1.9.3" and js["license"] == "BSD-2-Clause" and len(js["sha256"]) == 64
    assert (offline.VENDOR_DIR / "leaflet" / "LICENSE").exists()


def test_tampered_asset_is_detected(tmp_path):
    import shutil

    copy = tmp_path / "vendor"
    shutil.copytree(offline.VENDOR_DIR, copy)
    (copy / "d3" / "d3.min.js").write_text("/* changed */")
    assert offline.verify_vendor(copy) == ["d3/d3.min.js: SHA-256 differs from MANIFEST.json"]


def test_every_cdn_url_of_a_real_folium_map_is_rewritten():
    page = _folium_page()
    assert "cdn.jsdelivr.net" in page  # folium really does link CDNs
    out, leftovers = offline.rewrite_html(page, "../vendor")
    assert leftovers == []
    assert "cdn" not in out and "cloudflare" not in out and "code.jquery.com" not in out
    assert "../vendor/leaflet/leaflet.js" in html.unescape(out)


def test_unknown_cdn_asset_is_reported():
    page = '<iframe title="x" srcdoc="&lt;script src=&quot;https://unpkg.com/new-plugin@1/x.js&quot;&gt;">'
    _, leftovers = offline.rewrite_html(page, "vendor")
    assert leftovers == ["https://unpkg.com/new-plugin@1/x.js"]


def test_untitled_iframe_gets_a_title_and_trust_hint_is_removed():
    m = folium.Map(tiles=None)
    raw = m._repr_html_()
    assert "Make this Notebook Trusted" in raw
    out, _ = offline.rewrite_html(raw, "vendor")
    assert "Make this Notebook Trusted" not in out
    assert '<iframe title="Interactive map"' in out


def test_titled_iframe_keeps_its_title():
    out, _ = offline.rewrite_html(_folium_page(), "vendor")
    assert '<iframe title="Demo map"' in out and 'title="Interactive map"' not in out


def test_maps_move_to_their_own_files_and_load_when_reached():
    body = "<p>text</p>" + _folium_page() + _folium_page().replace("Demo map", "Second map")
    out, docs = mapsite.split_maps(body, "../maps")
    assert len(docs) == 2 and "srcdoc" not in out
    for name, doc in docs.items():
        assert re.fullmatch(r"[0-9a-f]{16}\.html", name)
        assert doc.startswith("<!DOCTYPE html>") and '<html lang="en">' in doc
        assert "../vendor/leaflet/leaflet.js" in doc and "cdn.jsdelivr" not in doc
        assert f'data-src="../maps/{name}"' in out and f'<noscript><a href="../maps/{name}">' in out
    assert '<iframe title="Demo map" data-src="../maps/' in out and "Second map" in out
    assert "height:480px" in out
    assert out.count(mapsite.LAZY_MAPS) == 1 and out.endswith(mapsite.LAZY_MAPS)
    assert mapsite.split_maps("<p>no map</p>", "maps") == ("<p>no map</p>", {})
