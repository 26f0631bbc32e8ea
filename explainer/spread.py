"""Helpers for the chapter "Regional spread" (chapters/spread.md).

* :data:`MARKER_POINTS` — where each country's presence symbol is drawn: the centre of the bounding box
  of the country's largest polygon in ``data/geo/americas.geojson`` (a symbol position, not a place
  claim), checked against the boundaries by the tests;
* the chapter's two maps: :func:`diaspora_map` (host countries shaded by one R4V snapshot, Venezuela
  shaded as the origin, one escaped, sourced presence marker per row of ``presence.csv``, a layer
  control and two legends) and :func:`first_documented_map` (a categorical choropleth by year with
  year labels); both leave out polygons far outside the view (:func:`boundaries_in_view`) to keep the
  page light, and use a phone layout (:func:`map_extras`);
* the tables behind the charts (diaspora growth by host country, activities × countries) and the
  presence table shown in the chapter (a MyST list-table with a citation per row).

Everything that comes from data is escaped (:func:`explainer.maps.esc`) before it reaches HTML.
"""
from __future__ import annotations

import json
from functools import lru_cache

import folium
import pandas as pd

from . import maps
from .charts import spread_positions
from .data import confidence_word, country_name, word, words
from .i18n import tr
from .text import expand_months as prose_dates
from .text import count, format_date, when
from .text import md_escape, source_names

# --------------------------------------------------------------------------- symbol positions
#: ISO3 → (lat, lon) of the presence symbol: centre of the bounding box of the country's largest
#: polygon (by area), rounded to 2 decimals. Regenerate with ``{c: representative_point(c) ...}``;
#: ``tests/test_spread.py`` checks every point equals that computation and lies inside the country.
MARKER_POINTS: dict[str, tuple[float, float]] = {
    "VEN": (6.43, -66.6),
    "COL": (4.1, -72.95),
    "PER": (-9.19, -75.01),
    "CHL": (-35.69, -71.36),
    "ECU": (-1.76, -78.11),
    "BOL": (-16.3, -63.57),
    "BRA": (-14.24, -54.4),
    "ARG": (-37.08, -63.62),
    "PAN": (8.41, -80.11),
    "CRI": (9.63, -84.24),
    "MEX": (23.63, -101.95),
    "USA": (37.25, -95.85),
    "ESP": (39.9, -2.96),
    "TTO": (10.45, -61.41),
}

#: The Americas from Tierra del Fuego to the southern United States, plus Spain, as
#: ((south, west), (north, east)).
AMERICAS_AND_SPAIN = ((-56.0, -120.0), (44.0, 4.0))

#: Fill for Venezuela, the country of origin (neither a host country nor "no figure").
ORIGIN_FILL = "#b8a27a"
#: Fill for a country listed in the data with no dated evidence.
UNDATED_FILL = "#d4d4d4"
#: Fill for countries shown only for context.
CONTEXT_FILL = maps.NO_DATA

#: Evidence levels, strongest first (the order of maps.EVIDENCE_COLORS and of the evidence vocabulary).
EVIDENCE_ORDER = list(maps.EVIDENCE_COLORS)


def _outer_rings(feature: dict) -> list[list[list[float]]]:
    geom = feature["geometry"]
    polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    return [poly[0] for poly in polygons]


def ring_area(ring: list[list[float]]) -> float:
    """Planar area of a closed or open ring of (lon, lat) pairs, in square degrees (shoelace formula)."""
    pts = [tuple(p[:2]) for p in ring]
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1]))) / 2


def point_in_ring(lat: float, lon: float, ring: list[list[float]]) -> bool:
    """Whether (lat, lon) lies inside a ring of (lon, lat) pairs (even-odd ray casting)."""
    inside = False
    pts = [tuple(p[:2]) for p in ring]
    for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1]):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


@lru_cache(maxsize=None)
def _features() -> dict[str, dict]:
    return {f["id"]: f for f in maps.boundaries()["features"]}


def representative_point(code: str) -> tuple[float, float]:
    """(lat, lon): the centre of the bounding box of the country's largest polygon, 2 decimals."""
    ring = max(_outer_rings(_features()[code]), key=ring_area)
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return round((min(lats) + max(lats)) / 2, 2), round((min(lons) + max(lons)) / 2, 2)


def in_country(code: str, lat: float, lon: float) -> bool:
    """Whether the point lies inside one of the country's polygons (holes ignored)."""
    return any(point_in_ring(lat, lon, r) for r in _outer_rings(_features()[code]))


# --------------------------------------------------------------------------- sources and dates
# --------------------------------------------------------------------------- map 1: presence markers
def evidence_after_colon(level: str) -> str:
    """An evidence level as a tooltip or a pop-up gives it after a colon: in lower case, as the other
    values there are ('Chile: convictions in cases…'), and the origin by its short name ('Venezuela: origin',
    not '…: origin (Venezuela)')."""
    label = evidence_short(level) if level == "origin" else evidence_label(level)
    return label[:1].lower() + label[1:]


def evidence_label(level: str) -> str:
    """An evidence level's label, as legends show it ('Prosecutions or arrests')."""
    return word("evidence", level, "label")


def evidence_short(level: str) -> str:
    """An evidence level's short name, for table cells and chart labels ('Charges or arrests')."""
    return word("evidence", level, "short")


def presence_popup(row) -> str:
    """Escaped popup for one presence row: evidence, first documented, notable event, date, sources."""
    lines = [
        (tr("Evidence"), evidence_after_colon(str(row["evidence_level"]))),
        (tr("First documented"), when(row, "first_documented")
         or tr("no dated evidence")),
        (tr("Notable event"), prose_dates(str(row["notable_event"])) if not pd.isna(row["notable_event"]) else ""),
        (tr("Date of event"), when(row, "event_date")),
        (tr("Confidence"), confidence_word(row["confidence"])),
    ]
    return maps.popup_html(row["country"], lines, source="; ".join(source_names(row["source_keys"])))


def presence_layer(m: folium.Map, presence: pd.DataFrame, *, name: str,
                   points: dict[str, tuple[float, float]] = MARKER_POINTS,
                   show: bool = True) -> folium.FeatureGroup:
    """One circle marker per presence row, coloured by evidence level, in its own FeatureGroup.

    Stronger evidence is drawn slightly larger. The markers come in the order the keyboard reaches them
    (and the caption states): from the strongest evidence to the weakest, by country name within a level;
    a weaker, smaller dot is drawn over a stronger neighbour, so both stay visible.
    """
    import unicodedata

    group = folium.FeatureGroup(name=name, show=show)
    rank = {lvl: i for i, lvl in enumerate(EVIDENCE_ORDER)}
    rows = presence.assign(_r=presence["evidence_level"].astype(str).map(rank),
                           _n=[unicodedata.normalize("NFD", str(c)).casefold() for c in presence["country"]])
    for _, row in rows.sort_values(["_r", "_n"], kind="stable").iterrows():
        code, level = row["country_iso3"], str(row["evidence_level"])
        if code not in points:
            raise KeyError(f"no marker position for {code!r}: add it to explainer.spread.MARKER_POINTS")
        lat, lon = points[code]
        color = maps.EVIDENCE_COLORS[level]
        radius = 9 if level in ("origin", "convictions", "prosecutions") else 7
        maps.circle_marker(lat, lon, color=color, popup=presence_popup(row), radius=radius,
                           tooltip=tr("{country}: {evidence} (click for details)").format(
                               country=row["country"], evidence=evidence_after_colon(level))
                           ).add_to(group)
    group.add_to(m)
    return group


def evidence_legend_items(levels) -> list[tuple[str, str]]:
    """(colour, label) for the evidence levels present, strongest first."""
    present = {str(v) for v in levels}
    return [(maps.EVIDENCE_COLORS[lvl], evidence_label(lvl)) for lvl in EVIDENCE_ORDER if lvl in present]


# --------------------------------------------------------------------------- shared map pieces
def _bbox(ring) -> tuple[float, float, float, float]:
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return min(lats), min(lons), max(lats), max(lons)


def boundaries_in_view(iso3: set[str], bounds=None, margin: float = 2.0) -> dict:
    """The boundaries of ``iso3``, keeping only the polygons whose bounding box meets ``bounds``
    ((south, west), (north, east)) padded by ``margin`` degrees.

    Coordinates are untouched: whole polygons far outside the map (Alaska and Hawaii on a map of Latin
    America) are simply left out, which keeps the page light. Countries with nothing in view are dropped.
    """
    gj = maps.boundaries(set(iso3))
    if bounds is None:
        return gj
    (south, west), (north, east) = bounds
    kept = []
    for f in gj["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        inside = []
        for poly in polys:
            s_, w_, n_, e_ = _bbox(poly[0])
            if n_ >= south - margin and s_ <= north + margin and e_ >= west - margin and w_ <= east + margin:
                inside.append(poly)
        if inside:
            f["geometry"] = ({"type": "Polygon", "coordinates": inside[0]} if len(inside) == 1
                             else {"type": "MultiPolygon", "coordinates": inside})
            kept.append(f)
    gj["features"] = kept
    return gj


def shade_countries(group, fills: dict[str, str], tooltips: dict[str, str], *, name: str,
                    dash: set[str] = frozenset(), bounds=None) -> folium.GeoJson:
    """Shade countries with given fills (ISO3 → colour) inside ``group``; tooltips are escaped here.

    ``dash``: countries drawn with a dashed outline (e.g. weak evidence). ``bounds``: leave out polygons
    far outside the map (see :func:`boundaries_in_view`).
    """
    gj = boundaries_in_view(set(fills), bounds)
    for f in gj["features"]:
        code = f["id"]
        f["properties"] = {"fill": fills[code], "tip": maps.esc(tooltips.get(code, f["properties"]["name"])),
                           "dash": "4 3" if code in dash else ""}
    layer = folium.GeoJson(
        gj, name=name,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#555555",
                                  "weight": 1.2 if f["properties"]["dash"] else 0.6,
                                  "dashArray": f["properties"]["dash"] or None, "fillOpacity": 0.9},
        highlight_function=lambda f: {"weight": 2, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    )
    layer.add_to(group)
    return layer


#: Below this frame width (px) the maps use the phone layout: smaller legends, moved to the top.
SMALL_SCREEN = 520


def map_extras(m: folium.Map, attribution: str, *, zoom_snap: float = 0.25) -> None:
    """Fractional zoom (so fit-to-bounds fills the frame), an attribution line, legends that step aside
    while a popup is open, year labels that never overlap (one that would is left out: its country's
    colour, tooltip and the map in words still give the year), and a phone layout: the legends and the
    layer switch folded behind a button (open, they sit in the top of the frame), the touch hint at the
    foot, so that nothing covers a dot."""
    m.options["zoom_snap"] = zoom_snap
    m.options["zoom_delta"] = 0.5
    css = ("<style>.leaflet-control-layers-expanded{padding:4px 8px;color:#111;font-size:12px}"
           ".leaflet-control-layers label{margin:2px 0}"
           ".leaflet-popup-content,.leaflet-popup-content div{font-size:13px;line-height:1.4}"
           # while a popup is open, the legends step aside so they cannot cover its sources
           ".popup-open .explainer-legend,.popup-open .leaflet-control-layers{visibility:hidden}"
           f"@media (max-width:{SMALL_SCREEN - 1}px){{.explainer-legend{{font-size:10px;line-height:1.25;"
           "padding:3px 5px;max-width:150px}.explainer-legend i{width:10px;height:9px;margin-right:4px}"
           ".leaflet-control-layers-expanded{font-size:10px}.leaflet-control-scale{display:none}"
           ".leaflet-control-attribution{font-size:9px}}"
           ".year-label{font:bold 11px 'DejaVu Sans',Arial,sans-serif;color:#111;white-space:nowrap;"
           "text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;pointer-events:none}"
           ".explainer-folded .explainer-legend,.explainer-folded .leaflet-control-layers{display:none}"
           ".explainer-fold{background:#fff;color:#111;border:1px solid #777;border-radius:3px;"
           "font:12px 'DejaVu Sans',Arial,sans-serif;padding:4px 8px;min-height:28px;cursor:pointer}"
           ".explainer-fold:focus-visible{outline:3px solid #000;outline-offset:2px}</style>")
    m.get_root().header.add_child(folium.Element(css))
    name = m.get_name()
    js = (f"window.addEventListener('load',function(){{{name}.attributionControl"
          f".addAttribution({json.dumps(maps.esc(attribution))});"
          f"var c={name}.getContainer();"
          f"{name}.on('popupopen',function(){{L.DomUtil.addClass(c,'popup-open');}});"
          f"{name}.on('popupclose',function(){{L.DomUtil.removeClass(c,'popup-open');}});"
          # Year labels: in order, each one that would overlap a label already shown is left out.
          "function declutter(){var shown=[];c.querySelectorAll('.year-label').forEach(function(l){"
          "l.style.visibility='';var r=l.getBoundingClientRect();if(!r.width){return;}"
          "if(shown.some(function(s){return r.left<s.right&&s.left<r.right&&r.top<s.bottom&&s.top<r.bottom;}))"
          "{l.style.visibility='hidden';}else{shown.push(r);}});}"
          f"{name}.on('zoomend',declutter);"
          # On a narrow screen the map fills only a band across the frame: the legends (moved into the
          # empty space at the top) and the layer switch fold behind a button, and the touch hint goes
          # to the foot (after the legends' and the hint's own load handlers have run).
          f"setTimeout(function(){{declutter();if(c.clientWidth>={SMALL_SCREEN}){{return;}}"
          f"var top={{left:c.querySelector('.leaflet-top.leaflet-left'),"
          f"right:c.querySelector('.leaflet-top.leaflet-right')}};"
          f"['left','right'].forEach(function(side){{"
          f"c.querySelectorAll('.leaflet-bottom.leaflet-'+side+' .explainer-legend').forEach(function(l){{"
          f"top[side].appendChild(l.parentNode);}});}});"
          f"var z=c.querySelector('.leaflet-control-zoom');if(z){{z.style.display='none';}}"
          f"var h=c.querySelector('.explainer-hint');if(h){{c.querySelector('.leaflet-bottom.leaflet-left')"
          f".appendChild(h);}}"
          f"var show={json.dumps(tr('Show the legend'))},hide={json.dumps(tr('Hide the legend'))};"
          "var b=L.DomUtil.create('button','leaflet-control explainer-fold');b.type='button';"
          "b.textContent=show;b.setAttribute('aria-expanded','false');top.left.insertBefore(b,top.left.firstChild);"
          "L.DomUtil.addClass(c,'explainer-folded');L.DomEvent.disableClickPropagation(b);"
          "L.DomEvent.on(b,'click',function(){var open=L.DomUtil.hasClass(c,'explainer-folded');"
          "L.DomUtil[open?'removeClass':'addClass'](c,'explainer-folded');"
          "b.setAttribute('aria-expanded',open?'true':'false');b.textContent=open?hide:show;});},0);});")
    m.get_root().script.add_child(folium.Element(js))


# --------------------------------------------------------------------------- map 2: first documented
#: Year classes for "first documented" (inclusive ranges) and their colours, earliest darkest.
YEAR_CLASSES = [((2018, 2019), "#8c2d04"), ((2020, 2021), "#d94801"), ((2022, 2023), "#fd8d3c"),
                ((2024, 2025), "#fdd0a2")]


def year_fill(year) -> str:
    """Colour of the year class holding ``year``; UNDATED_FILL when missing. Raises if out of range."""
    if year is None or pd.isna(year):
        return UNDATED_FILL
    for (lo, hi), colour in YEAR_CLASSES:
        if lo <= int(year) <= hi:
            return colour
    raise ValueError(f"no year class for {year}: extend explainer.spread.YEAR_CLASSES")


def year_legend_items() -> list[tuple[str, str]]:
    return [(c, f"{lo}–{hi}") for (lo, hi), c in YEAR_CLASSES]


def first_documented_fills(presence: pd.DataFrame, origin: str = "VEN") -> tuple[dict, dict]:
    """(fills, tooltips) for the 'first documented' map: year classes, the origin, undated rows."""
    fills, tips = {}, {}
    for _, r in presence.iterrows():
        code, level = r["country_iso3"], str(r["evidence_level"])
        if code == origin:
            fills[code], tips[code] = ORIGIN_FILL, tr("{country}: country of origin").format(country=r["country"])
            continue
        year = r["first_documented"].year if not pd.isna(r["first_documented"]) else None
        fills[code] = year_fill(year)
        evidence = evidence_label(level).lower()
        tips[code] = (tr("{country}: first documented {year} ({evidence})") if year
                      else tr("{country}: listed, no dated evidence ({evidence})")).format(
            country=r["country"], year=year, evidence=evidence)
    return fills, tips


#: Countries whose year label is drawn to the left of the symbol position (Chile is too thin to hold it,
#: and next to Argentina's).
LABEL_LEFT = {"CHL"}


def year_labels(m_or_group, presence: pd.DataFrame, points=MARKER_POINTS, origin: str = "VEN",
                left: set[str] = LABEL_LEFT) -> int:
    """A text label with the year of first documentation at each dated country's symbol position."""
    n = 0
    for _, r in presence.iterrows():
        if r["country_iso3"] == origin or pd.isna(r["first_documented"]):
            continue
        lat, lon = points[r["country_iso3"]]
        anchor = (38, 7) if r["country_iso3"] in left else (17, 7)
        folium.Marker(
            [lat, lon], interactive=False, keyboard=False,
            icon=folium.DivIcon(html=f'<div class="year-label">{maps.esc(r["first_documented"].year)}</div>',
                                icon_size=(34, 14), icon_anchor=anchor, class_name="year-label-icon"),
        ).add_to(m_or_group)
        n += 1
    return n


# --------------------------------------------------------------------------- the chapter's two maps
#: Countries drawn for orientation only on the "first documented" map (mainland neighbours and the
#: larger Caribbean islands; tiny islands are invisible at this scale and would only add weight).
CONTEXT_COUNTRIES = {"URY", "PRY", "GUY", "SUR", "GUF", "NIC", "HND", "GTM", "SLV", "BLZ",
                     "CUB", "HTI", "DOM", "JAM", "PRI", "BHS"}
WEAK_LEVELS = ("official-claim", "contested", "unverified")


def diaspora_map(values: dict[str, float], tooltips: dict[str, str], presence: pd.DataFrame, *,
                 as_of: str, bins: list[float], iso3: set[str], origin: str = "VEN",
                 bounds=AMERICAS_AND_SPAIN) -> folium.Map:
    """Map 1: countries shaded by the number of Venezuelans (one snapshot; maps.bin_color), Venezuela
    shaded as the origin, and one presence marker per country; two toggleable layers, two legends.

    ``tooltips``: ISO3 → plain text for countries with a figure; the others say "no figure".
    """
    m = maps.base_map(bounds=bounds)
    map_extras(m, tr("Boundaries: Natural Earth"))
    names = {c: maps.shape_name(_features()[c]) for c in iso3}
    fills = {c: maps.bin_color(values.get(c), bins) for c in iso3}
    tips = {c: tooltips.get(c, tr("{name}: no figure").format(name=names[c])) for c in iso3}
    fills[origin], tips[origin] = ORIGIN_FILL, tr("Venezuela: the country the refugees and migrants left")
    diaspora = folium.FeatureGroup(name=tr("Venezuelans, {as_of}").format(as_of=as_of)).add_to(m)
    shade_countries(diaspora, fills, tips, name=tr("Venezuelans abroad, {as_of}").format(as_of=as_of),
                    bounds=bounds)
    presence_layer(m, presence, name=tr("Tren de Aragua presence"))
    folium.LayerControl(collapsed=False, position="bottomleft").add_to(m)
    maps.legend(m, tr("Evidence of the gang's presence"), evidence_legend_items(presence["evidence_level"]),
                dots=True, position="bottomleft")
    maps.legend(m, tr("Venezuelans, {as_of}").format(as_of=as_of),
                maps.bins_legend_items(bins) + [(ORIGIN_FILL, tr("Venezuela (origin)"))])
    return m


def first_documented_map(presence: pd.DataFrame, *, context: set[str] = CONTEXT_COUNTRIES,
                         bounds=AMERICAS_AND_SPAIN) -> folium.Map:
    """Map 2: countries shaded by the year the gang was first documented there, with the year written
    on each; weak evidence drawn with a dashed outline; ``context`` countries in light grey."""
    fills, tips = first_documented_fills(presence)
    context = set(context) - set(fills)
    m = maps.base_map(bounds=bounds)
    map_extras(m, tr("Boundaries: Natural Earth"))
    layer = folium.FeatureGroup(name=tr("First documented")).add_to(m)
    weak = set(presence.loc[presence["evidence_level"].astype(str).isin(WEAK_LEVELS), "country_iso3"])
    shade_countries(layer, {**{c: CONTEXT_FILL for c in context}, **fills},
                    {**{c: tr("{country}: no report recorded").format(country=country_name(c))
                        for c in context}, **tips},
                    name=tr("First documented"), dash=weak, bounds=bounds)
    year_labels(layer, presence)
    maps.legend(m, tr("First documented"), year_legend_items() + [
        (ORIGIN_FILL, tr("Venezuela (origin)")), (UNDATED_FILL, tr("Listed, no dated report")),
        (CONTEXT_FILL, tr("No report recorded"))])
    return m


# --------------------------------------------------------------------------- chart data
def activity_labels() -> dict[str, str]:
    """The activities' names, as tables and charts show them (the activity vocabulary, in order)."""
    return words("activity", "label")


def activity_table(presence: pd.DataFrame) -> pd.DataFrame:
    """Boolean table, one row per country with at least one documented activity (index: ISO3),
    one column per activity in the data."""
    rows = {r["country_iso3"]: set(r["activities"]) for _, r in presence.iterrows() if len(r["activities"])}
    cols = sorted({a for acts in rows.values() for a in acts})
    return pd.DataFrame([[a in acts for a in cols] for acts in rows.values()], index=list(rows),
                        columns=cols, dtype=bool)


def growth_frame(mig: pd.DataFrame, geos: list[str], snapshots: list[str],
                 drop: list[tuple[str, str, str]] = ()) -> pd.DataFrame:
    """Country counts for the given snapshots, plotted at the date each figure refers to.

    Returns columns geo, country, date, count, count_type, hollow (True for 'over'/'approx' figures),
    snapshot, source_keys. ``drop`` lists (geo, snapshot, first source key) rows to leave out where two
    sources conflict; any remaining duplicate (geo, snapshot) raises ValueError.
    """
    d = mig[(mig["scope"] == "country") & mig["geo"].isin(geos) & mig["snapshot"].isin(snapshots)].copy()
    if drop:
        key = d.apply(lambda r: (r["geo"], r["snapshot"], r["source_keys"][0]), axis=1)
        d = d[~key.isin(set(drop))]
    dup = d[d.duplicated(["geo", "snapshot"], keep=False)]
    if len(dup):
        pairs = sorted(set(zip(dup["geo"], dup["snapshot"])))
        raise ValueError(f"several figures for the same country and snapshot: {pairs}; choose with drop=")
    out = pd.DataFrame({
        "geo": d["geo"].astype(str), "country": d["geo"].astype(str).map(country_name),
        "date": d["as_of"], "count": d["count"].astype(int), "count_type": d["count_type"].astype(str),
        "hollow": d["count_type"].astype(str).isin(["over", "approx"]), "snapshot": d["snapshot"],
        "source_keys": d["source_keys"],
    })
    return out.sort_values(["geo", "date"]).reset_index(drop=True)


def declutter_end_labels(fig, labels: list[str], min_gap_frac: float = 0.05) -> None:
    """Move the end-of-line labels drawn by :func:`explainer.charts.lines` apart vertically."""
    ax = fig.axes[0]
    texts = [t for t in ax.texts if t.get_text().strip() in labels]
    lo, hi = ax.get_ylim()
    ys = [t.get_position()[1] for t in texts]
    for t, y in zip(texts, spread_positions(ys, (hi - lo) * min_gap_frac)):
        t.set_position((t.get_position()[0], y))


# --------------------------------------------------------------------------- text from data
# --------------------------------------------------------------------------- the presence table
def presence_table_md(presence: pd.DataFrame, named: list[str], *, caption: str,
                      name: str = "spread-presence-table") -> str:
    """A two-column MyST list-table (for a ``render_markdown_format: myst`` chapter), readable on a phone:
    one row per country, ordered by strength of evidence. The first cell stacks the country, the evidence,
    the first report and whether the article named the country; the second gives the notable event with
    its date and a citation of the row's sources. Text from data is escaped."""
    rank = {lvl: i for i, lvl in enumerate(EVIDENCE_ORDER)}
    p = presence.assign(_r=presence["evidence_level"].astype(str).map(rank)).sort_values(["_r", "country"])
    lines = [f"```{{list-table}} {md_escape(caption)}", f":name: {name}", ":header-rows: 1",
             ":widths: 32 68", "", "* - " + tr("Country and evidence"), "  - " + tr("Notable event and sources")]
    for _, r in p.iterrows():
        code, level = r["country_iso3"], str(r["evidence_level"])
        named_cell = tr("named in the article") if code in named else "**" + tr("not in the article") + "**"
        event = "" if pd.isna(r["notable_event"]) else prose_dates(str(r["notable_event"]))
        date = when(r, "event_date")
        event_cell = (md_escape(event) + (f" ({date})" if date else "")) if event else tr("No event found.")
        first = when(r, "first_documented") or tr("none dated")
        cite = "{cite:p}`" + ",".join(r["source_keys"]) + "`"
        first_line = "    " + tr("First report: {date}").format(date=first)
        if level == "origin":
            cell = ["    " + tr("Country of origin") + "\\", first_line]
        else:
            cell = [f"    {evidence_short(level)}\\", first_line + "\\", f"    {named_cell}"]
        lines += [f"* - **{md_escape(r['country'])}**\\", *cell, f"  - {event_cell} {cite}"]
    lines.append("```")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the chapter's prose
#: The countries named in the article the fact-check examines.
SEED_COUNTRIES = ["COL", "PER", "ECU", "CHL", "USA"]
#: The complete snapshot of the diaspora: one date for every country on the map.
SNAPSHOT = "2024-07"


def with_article(code: str) -> str:
    """A country's name (ISO3 ``code``) as it stands in running text: 'the United States' in English,
    'Estados Unidos' in Spanish."""
    name = country_name(code)
    return tr("the {country}").format(country=name) if code in ("USA",) else name


def host_countries(mig: pd.DataFrame, snapshot: str = SNAPSHOT) -> pd.DataFrame:
    """The country rows of one snapshot of ``migration``, largest first."""
    snap = mig[mig["snapshot"] == snapshot]
    return snap[snap["scope"] == "country"].sort_values("count", ascending=False)


def migration_row(mig: pd.DataFrame, geo: str, snapshot: str, source: str | None = None) -> pd.Series:
    """The one row of ``migration`` for ``geo`` in ``snapshot`` (from ``source`` if several outlets
    reported that snapshot). Raises KeyError unless exactly one row matches."""
    r = mig[(mig["geo"] == geo) & (mig["snapshot"] == snapshot)]
    if source:
        r = r[r["source_keys"].map(lambda k: k[0] == source)]
    if len(r) != 1:
        raise KeyError(f"migration.csv has {len(r)} rows for {geo} in {snapshot} (source {source}); expected 1")
    return r.iloc[0]


def activity_counts(presence: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The activity matrix (:func:`activity_table`) and how many countries report each activity, most first."""
    acts = activity_table(presence)
    return acts, acts.sum().sort_values(ascending=False)


def prose_values(mig: pd.DataFrame, presence: pd.DataFrame) -> dict[str, object]:
    """Every count, share and list of countries the chapter's prose states, by glue name, from the data."""
    from .text import and_list, decimal, millions

    countries = host_countries(mig)
    world = migration_row(mig, "WLD", SNAPSHOT)
    lac = migration_row(mig, "LAC", SNAPSHOT)
    levels = presence["evidence_level"].astype(str)
    strong = presence[levels.isin(["convictions", "prosecutions"])]
    omitted = [c for c in strong["country_iso3"] if c not in SEED_COUNTRIES]
    acts, counts = activity_counts(presence)
    row = migration_row
    return dict(
        snap_as_of=format_date(countries["as_of"].iloc[0], "month"),
        world_total=count(world["count"]),
        lac_total=millions(lac["count"]),
        lac_share=tr("{percent}%").format(percent=decimal(100 * lac["count"] / world["count"], ".0f")),
        top_country=country_name(countries.iloc[0]["geo"]),
        top_count=millions(countries.iloc[0]["count"]),
        world_2025=millions(row(mig, "WLD", "2025-11")["count"], 1),
        lac_2025=millions(row(mig, "LAC", "2025-11")["count"], 1),
        n_abroad=int((levels != "origin").sum()),
        conv_names=and_list(with_article(c) for c in presence.loc[levels == "convictions", "country_iso3"]),
        n_conv=int((levels == "convictions").sum()),
        n_pros=int((levels == "prosecutions").sum()),
        n_weak=int(levels.isin(WEAK_LEVELS).sum()),
        omitted_names=and_list(country_name(c) for c in omitted),
        n_omitted=len(omitted),
        esp_2025=count(row(mig, "ESP", "2025-11")["count"]),
        usa_r4v=count(row(mig, "USA", "2023-05")["count"]),
        usa_acs_23=count(row(mig, "USA", "2024-12")["count"]),
        usa_acs_24=millions(row(mig, "USA", "2024-01")["count"], 0),
        usa_pew=millions(row(mig, "USA", "2026-01")["count"], 1),
        bra_lt10=count(row(mig, "BRA", "2025-11", "lt10-2025-r4v")["count"]),
        bra_folha=count(row(mig, "BRA", "2025-11", "folha-jornalabc-2026-01")["count"]),
        bra_pf=count(row(mig, "BRA", "2024-11")["count"]),
        top_act_label=word("activity", counts.index[0], "label"),
        n_top_act=int(counts.iloc[0]),
        n_act_countries=len(acts),
    )
