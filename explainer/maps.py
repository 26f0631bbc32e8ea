"""folium maps in the house style: readable with no tiles, fixed height, legend, escaped popups.

A map is returned as a :class:`MapFigure`: it displays as a ``<figure>`` holding an ``<iframe>`` with a
``title`` (for screen readers), a fixed height and a caption. The iframe's document loads folium's
assets from CDNs; :mod:`explainer.offline` rewrites those to the book's own copies at build time.
Every text that comes from data is HTML-escaped before it reaches a popup, a tooltip or a legend.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
from functools import lru_cache

import folium

from .charts import PALETTE, fmt_count
from . import i18n
from .i18n import N_, tr
from .text import ROOT, country_name

GEO_PATH = ROOT / "data" / "geo" / "americas.geojson"

#: Sequential blues (ColorBrewer "Blues", colour-blind safe), lightest first.
BLUES = ["#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
NO_DATA = "#f0f0f0"

#: Marker colour of each level of evidence of the gang's presence, strongest first (the labels are the
#: evidence vocabulary of data/vocabularies.csv: a map is given them, never reads data).
EVIDENCE_COLORS = {
    "origin": PALETTE["black"],
    "convictions": PALETTE["vermillion"],
    "prosecutions": PALETTE["orange"],
    "official-claim": PALETTE["purple"],
    "contested": PALETTE["sky"],
    "unverified": PALETTE["grey"],
}

FOCUS_CSS = """<style>
.leaflet-container{background:#ffffff !important;font-family:"DejaVu Sans",Arial,sans-serif}
.leaflet-control a:focus-visible,.leaflet-control input:focus-visible,.leaflet-control label:focus-within,
.leaflet-interactive:focus-visible{outline:3px solid #000;outline-offset:2px}
.explainer-legend{background:#fff;padding:6px 8px;border:1px solid #999;font-size:12px;line-height:1.35;
 color:#111;max-width:230px}
.explainer-legend b{display:block;margin-bottom:2px}
.explainer-legend i{display:inline-block;width:14px;height:12px;margin-right:6px;vertical-align:middle;
 border:1px solid #777}
.explainer-legend i.dot{border-radius:50%}
.leaflet-popup-content{font-size:13px;line-height:1.4;color:#111}
.leaflet-tooltip{font-size:12px;color:#111}
</style>"""


#: How every map behaves for touch and keyboard readers (added by :func:`base_map`; ``{map}`` is the map):
#:
#: * on a touch screen one finger scrolls the page and two fingers move and zoom the map (Leaflet's
#:   one-finger drag is off, so the map no longer sets ``touch-action: none``), with a hint saying so;
#: * the view cannot wander far from the area the map was drawn for (max bounds, one zoom level out);
#: * the Tab key reaches the map, its controls and its markers, each marker named by its tooltip
#:   (role "button": Enter opens its popup, Escape closes it and gives the focus back to the marker),
#:   but not the country shapes, which the figure's list states in words;
#: * the zoom buttons, the layer switch and the map library's credit are named in the map's language.
BEHAVIOUR_JS = """window.addEventListener('load',function(){var map={map},c=map.getContainer();
function mark(l){var p=l._path;if(!p){return;}
if(l instanceof L.CircleMarker){var t=l.getTooltip&&l.getTooltip(),d=document.createElement('div');
d.innerHTML=t?t.getContent():'';p.setAttribute('tabindex','0');p.setAttribute('role','button');
if(d.textContent.trim()){p.setAttribute('aria-label',d.textContent.trim());}}
else{p.setAttribute('tabindex','-1');p.setAttribute('aria-hidden','true');}}
map.eachLayer(mark);map.on('layeradd',function(e){mark(e.layer);});
document.addEventListener('keydown',function(e){if(e.key!=='Escape'&&e.key!=='Esc'){return;}
var o=map._popup;if(!o||!map.hasLayer(o)){return;}var s=o._source;map.closePopup();
var el=s&&(s._path||s._icon);if(el&&el.focus){el.focus();}});
var touch=L.Browser.mobile||(window.matchMedia&&matchMedia('(pointer: coarse)').matches);
if(touch){map.dragging.disable();if(map.tap){map.tap.disable();}
var h=L.control({position:'topright'});h.onAdd=function(){var d=L.DomUtil.create('div','explainer-hint');
d.textContent={hint};return d;};h.addTo(map);}
map.setMaxBounds(map.getBounds().pad(0.3));map.options.maxBoundsViscosity=1;
map.setMinZoom(Math.max(map.getZoom()-1,0));
[['.leaflet-control-zoom-in',{zoom_in}],['.leaflet-control-zoom-out',{zoom_out}],
['.leaflet-control-layers-toggle',{layers}]].forEach(function(z){
var b=c.querySelector(z[0]);if(b){b.title=z[1];b.setAttribute('aria-label',z[1]);}});
if(map.attributionControl){
map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="'+{leaflet}+'">Leaflet</a>');}});"""

MAP_HINT_CSS = ("<style>.explainer-hint{background:rgba(255,255,255,.9);color:#111;font-size:12px;"
                "padding:2px 6px;border:1px solid #999;pointer-events:none}</style>")


def esc(value) -> str:
    """HTML-escape any value for a popup or tooltip ('' for missing)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True)


@lru_cache(maxsize=None)
def _boundaries_text() -> str:
    return GEO_PATH.read_text(encoding="utf-8")


def boundaries(iso3: set[str] | None = None) -> dict:
    """The Americas (+ Spain) country polygons, optionally only the given ISO3 codes."""
    gj = json.loads(_boundaries_text())
    if iso3 is not None:
        gj["features"] = [f for f in gj["features"] if f["id"] in iso3]
    return gj


def bin_color(value, bins: list[float], colors: list[str] = BLUES) -> str:
    """Colour for ``value`` given ascending bin edges (len(colors) == len(bins) - 1)."""
    if value is None or value != value:
        return NO_DATA
    for i in range(len(bins) - 1):
        if value < bins[i + 1]:
            return colors[max(i, 0)]
    return colors[-1]


#: South and Central America, Mexico and the Caribbean, as (south-west, north-east) corners.


def base_map(location=(4, -68), zoom: int = 3, tiles: bool = False, bounds=None) -> folium.Map:
    """A map with no tile layer (works offline); ``tiles=True`` adds OpenStreetMap for online readers.

    ``bounds`` ((south, west), (north, east)) fits the view to an area instead of ``location``/``zoom``.
    """
    m = folium.Map(location=list(location), zoom_start=zoom, tiles=None, control_scale=True,
                   prefer_canvas=False, zoom_control=True, attribution_control=True)
    if bounds:
        m.fit_bounds([list(bounds[0]), list(bounds[1])])
    m.get_root().header.add_child(folium.Element(FOCUS_CSS + MAP_HINT_CSS))
    script = BEHAVIOUR_JS.replace("{map}", m.get_name()).replace("{hint}", json.dumps(tr("Two fingers move the map")))
    script = script.replace("{zoom_in}", json.dumps(tr("Zoom in"))).replace("{zoom_out}", json.dumps(tr("Zoom out")))
    script = script.replace("{layers}", json.dumps(tr("Layers"))).replace(
        "{leaflet}", json.dumps(tr("A JavaScript library for interactive maps")))
    m.get_root().script.add_child(folium.Element(script))
    if tiles:
        folium.TileLayer("OpenStreetMap", name=tr("Street map (online only)"), show=False).add_to(m)
    return m


def choropleth(m: folium.Map, values: dict[str, float], *, name: str, tooltip: dict[str, str],
               bins: list[float], label_fmt=fmt_count, show: bool = True, iso3: set[str] | None = None,
               colors: list[str] = BLUES) -> folium.FeatureGroup:
    """Shade countries by ``values`` (ISO3 → number); ``tooltip`` is ISO3 → plain text (escaped here)."""
    gj = boundaries(iso3)
    for f in gj["features"]:
        code = f["id"]
        f["properties"] = {
            "fill": bin_color(values.get(code), bins, colors),
            "tip": esc(tooltip.get(code, tr("{name}: no figure").format(name=f['properties']['name']))),
        }
    group = folium.FeatureGroup(name=name, show=show)
    folium.GeoJson(
        gj, name=name,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#666666", "weight": 0.6,
                                  "fillOpacity": 0.9},
        highlight_function=lambda f: {"weight": 2, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(group)
    group.add_to(m)
    return group


def popup_html(title: str, lines: list[tuple[str, str]], source: str | None = None) -> str:
    """A popup: an escaped title, escaped 'label: value' lines and an escaped source line."""
    body = "".join(f"<div><b>{esc(k)}:</b> {esc(v)}</div>" for k, v in lines if v not in (None, ""))
    line = esc(tr("Source: {source}").format(source=source)) if source else ""
    src = f'<div style="margin-top:4px;color:#444"><i>{line}</i></div>' if source else ""
    return f"<div><b style=\"font-size:14px\">{esc(title)}</b>{body}{src}</div>"


def circle_marker(lat: float, lon: float, *, color: str, popup: str, tooltip: str, radius: int = 8):
    """A circle marker (no icon font needed) with an already-escaped popup and a plain-text tooltip."""
    return folium.CircleMarker(location=[lat, lon], radius=radius, color="#ffffff", weight=1.5,
                               fill=True, fill_color=color, fill_opacity=0.95,
                               popup=folium.Popup(popup, max_width=300), tooltip=esc(tooltip))


def legend(m: folium.Map, title: str, items: list[tuple[str, str]], *, dots: bool = False,
           position: str = "bottomright") -> None:
    """A legend box inside the map: ``items`` are (colour, label) pairs; text is escaped."""
    rows = "".join(f'<div><i class="{"dot" if dots else ""}" style="background:{esc(c)}"></i>{esc(lab)}</div>'
                   for c, lab in items)
    box = f'<div class="explainer-legend" role="group" aria-label="{esc(title)}"><b>{esc(title)}</b>{rows}</div>'
    # runs on "load", after folium's own script has created the map object
    js = (f"window.addEventListener('load',function(){{var c=L.control({{position:{json.dumps(position)}}});"
          f"c.onAdd=function(){{var d=L.DomUtil.create('div');d.innerHTML={json.dumps(box)};"
          f"L.DomEvent.disableClickPropagation(d);return d;}};c.addTo({m.get_name()});}});")
    m.get_root().script.add_child(folium.Element(js))


def bins_legend_items(bins: list[float], colors: list[str] = BLUES, label_fmt=fmt_count,
                      no_data: str | None = N_("No figure")) -> list[tuple[str, str]]:
    no_data = tr(no_data) if no_data else no_data
    items = [(c, f"{label_fmt(lo)} – {label_fmt(hi)}") for c, lo, hi in zip(colors, bins[:-1], bins[1:])]
    items[-1] = (colors[-1], tr("{n} or more").format(n=label_fmt(bins[-2])))
    if no_data:
        items.append((NO_DATA, no_data))
    return items


def map_index(m: folium.Map) -> list[str]:
    """What a map says about each place, in words: one line per country or point, from the tooltips of its
    shapes and markers (``'Colombia: 2.86 million Venezuelans; Court convictions'``), sorted by name.
    The words are the ones the map shows on hover, unescaped; "(click for details)"
    is left out."""
    import re

    lines: dict[str, list[str]] = {}

    def add(text):
        text = html.unescape(re.sub(r"<[^>]+>", "", str(text)))
        text = re.sub(r"\s*\(" + re.escape(tr("click for details")) + r"\)", "", text).strip()
        if not text:
            return
        name, sep, rest = text.partition(": ")
        parts = lines.setdefault(name, [])
        if sep and rest not in parts:
            parts.append(rest)

    def walk(node):
        if isinstance(node, folium.GeoJson) and isinstance(node.data, dict):
            for f in node.data.get("features", []):
                tip = (f.get("properties") or {}).get("tip")
                if tip:
                    add(tip)
        if isinstance(node, folium.Tooltip):
            add(node.text)
        for child in node._children.values():
            walk(child)

    walk(m)
    import unicodedata

    def key(name):
        return unicodedata.normalize("NFD", name.casefold())
    return [f"{name}: {'; '.join(lines[name])}" if lines[name] else name for name in sorted(lines, key=key)]


class MapFigure:
    """A folium map shown as a captioned ``<figure>`` with a titled, fixed-height iframe, a "Skip the map"
    link for keyboard readers and, below the caption, the map in words (:func:`map_index`)."""

    def __init__(self, m: folium.Map, *, title: str, caption: str | None = None, height: int = 480):
        if not title:
            raise ValueError("a map needs a title for its iframe (screen readers announce it)")
        self.map, self.title, self.caption, self.height = m, title, caption, height
        self.slug = "map-" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:8]

    def document(self) -> str:
        """The map's own HTML document (what goes into the iframe's srcdoc), in the book's language, with a
        title."""
        doc = self.map.get_root().render().replace("<html>", f'<html lang="{i18n.lang()}">', 1)
        return doc.replace("<head>", f"<head>\n<title>{esc(self.title)}</title>", 1)

    def _repr_html_(self) -> str:
        doc = self.document()
        if not os.environ.get("EXPLAINER_BOOK_BUILD"):  # in Jupyter: the map carries its own code
            from .offline import inline_assets

            doc = inline_assets(doc)
        srcdoc = html.escape(doc, quote=True)
        cap = f"<figcaption>{esc(self.caption)}</figcaption>" if self.caption else ""
        index = map_index(self.map)
        items = "".join(f"<li>{esc(line)}</li>" for line in index)
        places = esc(tr("{n} places").format(n=len(index)))
        listing = (f'<details class="explainer-map-list" id="{self.slug}-list"><summary>'
                   f'{esc(tr("The map in words"))} ({places})</summary><ul>{items}</ul></details>') if index else ""
        skip = (f'<a class="explainer-skip" href="#{self.slug}-list">{esc(tr("Skip the map"))}</a>' if index
                else f'<a class="explainer-skip" href="#{self.slug}-end">{esc(tr("Skip the map"))}</a>')
        end = "" if index else f'<span id="{self.slug}-end"></span>'
        return (f'<figure class="explainer-map" id="{self.slug}">{skip}<iframe title="{esc(self.title)}" '
                f'srcdoc="{srcdoc}" style="width:100%;height:{int(self.height)}px;border:1px solid #ccc" '
                f'></iframe>{cap}{listing}{end}</figure>')


# --------------------------------------------------------------------------- lighter map documents
def compact_geojson(doc: str) -> str:
    """Re-serialise the GeoJSON that folium embeds in a map document (``geo_json_…_add({...});``)
    without the spaces after ``,`` and ``:``: same data, same coordinate precision, about 10 % fewer
    bytes. ``<``, ``>``, ``&`` and ``'`` stay escaped as in folium's output, so text cannot end the script.
    """
    import re

    def _sub(m):
        data = json.loads(m.group(2))
        text = json.dumps(data, separators=(",", ":"), sort_keys=True)
        for ch, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
            text = text.replace(ch, code)
        return m.group(1) + text + m.group(3)

    return re.sub(r"^(\s*geo_json_\w+_add\()(\{.*\})(\);)[ \t]*$", _sub, doc, flags=re.M)


class CompactMapFigure(MapFigure):
    """A :class:`MapFigure` whose embedded GeoJSON is serialised compactly (for page-weight budgets)."""

    def document(self) -> str:
        return compact_geojson(super().document())


# --------------------------------------------------------------------------- points on a small area
def padded_bounds(points, pad: float = 0.25, min_pad: float = 0.2):
    """((south, west), (north, east)) around ``points`` ((lat, lon) pairs), widened on every side by
    ``pad`` × the points' extent, and by at least ``min_pad`` degrees (so one or two close points still
    get a readable area around them)."""
    pts = [(float(lat), float(lon)) for lat, lon in points]
    if not pts:
        raise ValueError("padded_bounds needs at least one point")
    lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    dlat = max(pad * (max(lats) - min(lats)), min_pad)
    dlon = max(pad * (max(lons) - min(lons)), min_pad)
    return ((max(min(lats) - dlat, -90.0), max(min(lons) - dlon, -180.0)),
            (min(max(lats) + dlat, 90.0), min(max(lons) + dlon, 180.0)))


def distance_km(a, b) -> float:
    """Great-circle ("straight-line") distance in km between two (lat, lon) points (haversine)."""
    import math

    (lat1, lon1), (lat2, lon2) = [(math.radians(float(p[0])), math.radians(float(p[1]))) for p in (a, b)]
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


#: Land colours for country outlines on a map without tiles.
LAND = "#E8E4DA"
LAND_FOCUS = "#D6CFBF"


def shape_name(feature: dict) -> str:
    """A country shape's name: the boundary file's in English, the ISO name in other languages."""
    if i18n.lang() == "en":
        return feature["properties"].get("name", feature["id"])
    try:
        return country_name(feature["id"])
    except KeyError:
        return feature["properties"].get("name", feature["id"])


def outlines(m: folium.Map, iso3: set[str] | None = None, *, focus: set[str] | None = None,
             name: str = "Countries") -> folium.FeatureGroup:
    """Country shapes as a plain background (for maps with no tiles): ``focus`` countries a shade
    darker; each shape has its (escaped) country name as tooltip. Not clickable."""
    gj = boundaries(iso3)
    focus = focus or set()
    for f in gj["features"]:
        f["properties"] = {"fill": LAND_FOCUS if f["id"] in focus else LAND,
                           "tip": esc(shape_name(f))}
    group = folium.FeatureGroup(name=name, control=False)
    folium.GeoJson(
        gj, name=name,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#8A8272", "weight": 1,
                                  "fillOpacity": 1},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(group)
    group.add_to(m)
    return group


def js_text(escaped_html: str) -> str:
    """Make already-escaped HTML safe inside folium's JavaScript template literals (`...`): a
    backtick or ``${`` in data would otherwise end the literal or run code. Entities render the same."""
    return str(escaped_html).replace("`", "&#96;").replace("$", "&#36;")


def area_name(text: str, lat: float, lon: float) -> folium.Marker:
    """A sea's or country's name in italics, for orientation: not a marker (no popup, no Tab stop)."""
    style = "font:italic 13px DejaVu Sans,Arial,sans-serif;color:#555;white-space:nowrap"
    return folium.Marker([lat, lon], interactive=False, keyboard=False, icon=folium.DivIcon(
        html=f'<div style="{style}">{esc(text)}</div>', icon_size=(120, 18), icon_anchor=(60, 9)))


def labelled_point(lat: float, lon: float, *, label: str, color: str, popup: str,
                   direction: str = "right", radius: int = 8) -> folium.CircleMarker:
    """A circle marker whose (escaped) ``label`` is always shown beside it, so the map is readable
    without hovering; ``popup`` must already be escaped HTML (see :func:`popup_html`)."""
    if direction not in ("right", "left", "top", "bottom", "center", "auto"):
        raise ValueError(f"unknown label direction {direction!r}")
    offset = {"right": (radius + 2, 0), "left": (-radius - 2, 0), "top": (0, -radius - 2),
              "bottom": (0, radius + 2)}.get(direction, (0, 0))
    return folium.CircleMarker(
        location=[lat, lon], radius=radius, color="#ffffff", weight=2, fill=True, fill_color=color,
        fill_opacity=1,
        popup=folium.Popup(js_text(popup), max_width=280, autoPanPaddingTopLeft=[10, 80]),  # below zoom
        tooltip=folium.Tooltip(js_text(esc(label)), permanent=True, direction=direction,
                               offset=offset, className="explainer-label"))
