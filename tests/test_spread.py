"""Helpers of the "Regional spread" chapter (explainer/spread.py) and the page-weight helpers it added
to explainer/maps.py and explainer/charts.py. Browser-free."""
import html
import json
import re

import pandas as pd
import pytest

from explainer import charts, data, maps, spread


@pytest.fixture(scope="module")
def presence():
    return data.load("presence")


@pytest.fixture(scope="module")
def migration():
    return data.load("migration")


# --------------------------------------------------------------------------- symbol positions
def test_point_in_ring_and_area_on_a_square():
    square = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    assert spread.ring_area(square) == 100
    assert spread.point_in_ring(5, 5, square)  # (lat, lon)
    assert not spread.point_in_ring(5, 11, square)
    assert not spread.point_in_ring(-1, 5, square)
    # a concave "L": the notch is outside
    ell = [[0, 0], [10, 0], [10, 4], [4, 4], [4, 10], [0, 10]]
    assert spread.point_in_ring(2, 2, ell) and not spread.point_in_ring(8, 8, ell)


def test_marker_points_are_the_computed_points_and_lie_inside_their_country():
    for code, (lat, lon) in spread.MARKER_POINTS.items():
        assert spread.representative_point(code) == (lat, lon), code
        assert spread.in_country(code, lat, lon), f"{code}: symbol at {lat}, {lon} falls outside the country"


def test_every_presence_country_has_a_marker_point(presence):
    assert set(presence["country_iso3"]) <= set(spread.MARKER_POINTS)


def test_representative_point_uses_the_largest_polygon():
    # Chile's point is on the mainland, not on Easter Island or Tierra del Fuego
    lat, lon = spread.representative_point("CHL")
    assert -40 < lat < -30 and -73 < lon < -70
    # the United States' point is in the lower 48, not in Alaska or Hawaii
    lat, lon = spread.representative_point("USA")
    assert 30 < lat < 45 and -105 < lon < -85


# --------------------------------------------------------------------------- sources, dates, text
def test_source_names_for_the_real_bibliography(presence):
    for keys in presence["source_keys"]:
        names = spread.source_names(keys)
        assert names and all(n and "{" not in n for n in names)


def test_when_uses_each_column_at_its_own_precision():
    from explainer.text import when

    row = pd.Series({"first_documented": pd.Timestamp("2024-07-01"), "first_documented_precision": "month",
                     "event_date": pd.Timestamp("2024-02-21"), "event_date_precision": "day",
                     "date": pd.NaT, "date_precision": "day", "end_date": pd.Timestamp("2015-01-01")})
    assert when(row, "first_documented") == "July 2024"
    assert when(row, "event_date") == "21 February 2024"
    assert when(row) == ""
    assert when(row, "end_date") == "1 January 2015"  # a span's end shares the span's precision


# --------------------------------------------------------------------------- map 1
def test_presence_layer_builds_one_marker_per_country(presence):
    m = maps.base_map()
    group = spread.presence_layer(m, presence, name="Presence")
    markers = [c for c in group._children.values() if c.__class__.__name__ == "CircleMarker"]
    assert len(markers) == len(presence)
    colours = {mk.options["fillColor"] for mk in markers}
    assert colours == {maps.EVIDENCE_COLORS[str(v)] for v in presence["evidence_level"]}
    # the keyboard's order: strongest evidence first (Venezuela, the origin), then by name within a level
    assert markers[0].location == list(spread.MARKER_POINTS["VEN"])
    order = spread.EVIDENCE_ORDER
    levels = [order.index(str(r["evidence_level"])) for _, r in presence.iterrows()]
    by_point = {tuple(spread.MARKER_POINTS[r["country_iso3"]]): (order.index(str(r["evidence_level"])),
                                                                 r["country"]) for _, r in presence.iterrows()}
    keys = [by_point[tuple(mk.location)] for mk in markers]
    assert [k[0] for k in keys] == sorted(levels)
    for (l1, n1), (l2, n2) in zip(keys, keys[1:]):
        assert l1 < l2 or n1.casefold() <= n2.casefold(), (n1, n2)


def test_presence_layer_fails_clearly_without_a_position(presence):
    with pytest.raises(KeyError, match="MARKER_POINTS"):
        spread.presence_layer(maps.base_map(), presence, name="P", points={})


def test_popups_are_escaped_and_cite_their_sources(presence):
    row = presence.iloc[0].copy()
    evil = '<img src=x onerror="alert(1)">'
    row["country"] = evil
    row["notable_event"] = evil + " on 1 Mar 2024"
    out = spread.presence_popup(row)
    assert "<img" not in out and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in out
    assert "1 March 2024" in out
    assert "Source:" in out and spread.source_names(row["source_keys"])[0].split(" (")[0] in html.unescape(out)


def test_presence_map_document_has_no_raw_markup_from_data(presence):
    p = presence.copy()
    p.loc[p.index[1], "notable_event"] = "<script>alert('x')</script>"
    m = maps.base_map()
    spread.presence_layer(m, p, name="P")
    doc = maps.MapFigure(m, title="t").document()
    assert "<script>alert" not in doc


def test_evidence_legend_items_strongest_first():
    items = spread.evidence_legend_items(["unverified", "convictions", "origin", "convictions"])
    assert items == [(maps.EVIDENCE_COLORS[c], spread.evidence_label(c))
                     for c in ("origin", "convictions", "unverified")]


def test_boundaries_in_view_drops_far_polygons_and_keeps_coordinates():
    full = {f["id"]: f for f in maps.boundaries({"USA", "ESP", "GRL", "CHL"})["features"]}
    view = {f["id"]: f for f in spread.boundaries_in_view({"USA", "ESP", "GRL", "CHL"},
                                                          spread.AMERICAS_AND_SPAIN)["features"]}
    assert "GRL" not in view  # nothing of Greenland is in view
    usa = view["USA"]["geometry"]["coordinates"]
    assert all(max(p[0] for p in poly[0]) > -122 for poly in usa)  # Alaska and Hawaii left out
    assert len(usa) < len(full["USA"]["geometry"]["coordinates"])
    full_polys = [json.dumps(p) for p in full["USA"]["geometry"]["coordinates"]]
    assert all(json.dumps(p) in full_polys for p in usa)  # kept polygons are unchanged
    assert view["ESP"] == full["ESP"] and view["CHL"] == full["CHL"]  # Canaries, Easter Island kept
    assert spread.boundaries_in_view({"USA"}) == maps.boundaries({"USA"})


def test_map_extras_set_fractional_zoom_and_attribution():
    m = maps.base_map()
    spread.map_extras(m, "Boundaries: Natural Earth <x>")
    doc = maps.MapFigure(m, title="t").document()
    assert '"zoomSnap": 0.25' in doc
    assert "addAttribution" in doc and "Natural Earth &lt;x&gt;" in doc and "Earth <x>" not in doc


# --------------------------------------------------------------------------- map 2
def test_year_fill_classes():
    assert spread.year_fill(2018) == spread.year_fill(2019) == spread.YEAR_CLASSES[0][1]
    assert spread.year_fill(2025) == spread.YEAR_CLASSES[-1][1]
    assert spread.year_fill(None) == spread.year_fill(float("nan")) == spread.UNDATED_FILL
    with pytest.raises(ValueError):
        spread.year_fill(2012)


def test_first_documented_fills_cover_every_country(presence):
    fills, tips = spread.first_documented_fills(presence)
    assert set(fills) == set(tips) == set(presence["country_iso3"])
    assert fills["VEN"] == spread.ORIGIN_FILL
    undated = presence[presence["first_documented"].isna()]["country_iso3"]
    assert all(fills[c] == spread.UNDATED_FILL for c in undated) and len(undated) >= 1
    chl = presence.set_index("country_iso3").loc["CHL"]
    assert f"first documented {chl['first_documented'].year}" in tips["CHL"]
    assert spread.evidence_label(str(chl["evidence_level"])).lower() in tips["CHL"]


def test_year_labels_one_per_dated_country_abroad(presence):
    m = maps.base_map()
    n = spread.year_labels(m, presence)
    dated_abroad = presence[(presence["country_iso3"] != "VEN") & presence["first_documented"].notna()]
    assert n == len(dated_abroad)
    doc = maps.MapFigure(m, title="t").document()
    assert doc.count('class=\\"year-label\\"') + doc.count('class="year-label"') == n


def test_shade_countries_escapes_tooltips_and_dashes_weak_evidence():
    m = maps.base_map()
    g = __import__("folium").FeatureGroup(name="g").add_to(m)
    spread.shade_countries(g, {"COL": "#111111", "ECU": "#222222"}, {"COL": "<b>Colombia</b>"},
                           name="s", dash={"ECU"})
    doc = maps.MapFigure(m, title="t").document()
    # escaped as HTML by the helper, then as JSON by folium ("&" -> \u0026)
    assert "<b>Colombia</b>" not in doc and "\\u0026lt;b\\u0026gt;Colombia" in doc
    assert '"dash": "4 3"' in doc or '"dash":"4 3"' in doc


# --------------------------------------------------------------------------- chart data
def test_activity_table_matches_the_data(presence):
    t = spread.activity_table(presence)
    assert t.dtypes.eq(bool).all()
    with_acts = presence[presence["activities"].map(len) > 0]
    assert list(t.index) == list(with_acts["country_iso3"])
    for _, r in with_acts.iterrows():
        assert set(t.columns[t.loc[r["country_iso3"]]]) == set(r["activities"])
    assert set(t.columns) <= set(spread.activity_labels())


def test_growth_frame_marks_lower_bounds_and_refuses_conflicts(migration):
    with pytest.raises(ValueError, match="BRA"):
        spread.growth_frame(migration, ["BRA"], ["2025-11"])
    g = spread.growth_frame(migration, ["COL", "BRA"], ["2018-11", "2025-11"],
                            drop=[("BRA", "2025-11", "folha-jornalabc-2026-01")])
    assert len(g) == 4
    col18 = g[(g["geo"] == "COL") & (g["snapshot"] == "2018-11")].iloc[0]
    assert col18["hollow"] and col18["count_type"] == "over" and col18["country"] == "Colombia"
    bra25 = g[(g["geo"] == "BRA") & (g["snapshot"] == "2025-11")].iloc[0]
    assert bra25["count"] == 732272 and not bra25["hollow"]


def test_declutter_end_labels_moves_colliding_labels_apart():
    df = pd.DataFrame({"d": [1, 2, 1, 2, 1, 2], "v": [0, 100, 0, 98, 0, 10], "g": list("AABBCC"),
                       "h": [False] * 6})
    fig = charts.lines(df, x="d", y="v", group="g", title="t", ylabel="y", source="s", as_of="x")
    spread.declutter_end_labels(fig, ["A", "B", "C"], min_gap_frac=0.08)
    ys = {t.get_text().strip(): t.get_position()[1] for t in fig.axes[0].texts}
    lo, hi = fig.axes[0].get_ylim()
    assert ys["A"] - ys["B"] >= 0.08 * (hi - lo) - 1e-9
    assert ys["C"] == 10


# --------------------------------------------------------------------------- the presence table
def test_presence_table_md_is_escaped_ordered_and_cited(presence):
    """Layout, order and escaping, on four rows whose values the test sets (so that new data or a
    corrected date in data/presence.csv does not break it)."""
    p = presence[presence["country_iso3"].isin(["VEN", "COL", "BRA", "CRI"])].copy().set_index("country_iso3")
    p.loc["VEN", ["evidence_level", "first_documented", "first_documented_precision"]] = \
        ["origin", pd.Timestamp("2005-01-01"), "year"]
    p.loc["COL", ["evidence_level", "first_documented", "first_documented_precision", "notable_event"]] = \
        ["prosecutions", pd.Timestamp("2018-03-01"), "month", "Costs $5 *each* on 1 Mar 2024"]
    p.loc["BRA", "evidence_level"] = "convictions"
    p.loc["CRI", ["evidence_level", "first_documented", "notable_event", "event_date"]] = \
        ["unverified", pd.NaT, pd.NA, pd.NaT]
    p = p.reset_index()
    md = spread.presence_table_md(p, ["COL", "PER"], caption="Caption $x$")
    lines = md.splitlines()
    assert lines[0] == r"```{list-table} Caption \$x\$" and lines[-1] == "```"
    assert ":header-rows: 1" in lines
    countries = [ln[4:].strip("*\\") for ln in lines if ln.startswith("* - **")]
    assert countries == ["Venezuela", "Brazil", "Colombia", "Costa Rica"]  # strongest evidence first
    assert r"Costs \$5 \*each\* on 1 March 2024" in md

    def row(country):
        i = lines.index(f"* - **{country}**\\")
        return lines[i:i + 5]

    assert row("Venezuela")[1:3] == ["    Country of origin\\", "    First report: 2005"]
    col = row("Colombia")
    assert col[1:4] == ["    Charges or arrests\\", "    First report: March 2018\\", "    named in the article"]
    assert col[4].endswith("{cite:p}`" + ",".join(p.set_index("country_iso3").loc["COL", "source_keys"]) + "`")
    assert row("Brazil")[3] == "    **not in the article**"
    cri = row("Costa Rica")
    assert cri[2] == "    First report: none dated\\" and cri[4].startswith("  - No event found.")


# --------------------------------------------------------------------------- page-weight helpers
def test_compact_geojson_keeps_data_and_escaping():
    import folium

    m = maps.base_map()
    gj = maps.boundaries({"COL", "VEN"})
    gj["features"][0]["properties"] = {"raw": "</script><script>x</script> & 'q'"}  # unescaped on purpose
    folium.GeoJson(gj, name="t").add_to(m)
    doc = maps.MapFigure(m, title="t").document()
    small = maps.compact_geojson(doc)
    assert len(small) < len(doc)
    pattern = re.compile(r"geo_json_\w+_add\((\{.*\})\);")
    assert json.loads(pattern.search(small).group(1)) == json.loads(pattern.search(doc).group(1))
    assert "<script>x" not in small and "\\u003c/script\\u003e\\u003cscript\\u003ex" in small
    assert "\\u0026 \\u0027q\\u0027" in small
    compact_doc = maps.CompactMapFigure(m, title="t").document()
    assert '"raw":"\\u003c/script' in compact_doc and '"raw": "' not in compact_doc


def test_quantize_png_is_smaller_reproducible_and_keeps_size():
    from io import BytesIO

    from PIL import Image

    def fig():
        return charts.ranked_bars(["A", "B"], [1, 2], title="B", xlabel="x", source="s", as_of="a")

    png = charts.png_bytes(fig())
    q1, q2 = charts.quantize_png(png, 32), charts.quantize_png(charts.png_bytes(fig()), 32)
    assert q1 == q2 and len(q1) < len(png)
    a, b = Image.open(BytesIO(png)), Image.open(BytesIO(q1))
    assert a.size == b.size and b.mode == "P" and len(b.getpalette()) // 3 <= 256


def test_save_writes_the_quantized_png(tmp_path):
    fig = charts.ranked_bars(["A", "B"], [1, 2], title="B", xlabel="x", source="s", as_of="a")
    c = charts.show(fig, "demo", alt="Bar chart: A 1, B 2 (test)", data=pd.DataFrame({"a": [1, 2]}))
    charts.save(c, tmp_path)
    assert (tmp_path / "demo.png").read_bytes() == c.png
    assert c.png[:8] == b"\x89PNG\r\n\x1a\n" and 'alt="Bar chart: A 1, B 2 (test)"' in c._repr_html_()


# --------------------------------------------------------------------------- the two maps
def test_diaspora_map_has_two_toggleable_layers_two_legends_and_all_markers(presence):
    import folium

    m = spread.diaspora_map({"COL": 2_000_000, "PER": 30_000}, {"COL": "Colombia: 2,000,000"}, presence,
                            as_of="July 2024", bins=[0, 25_000, 1_000_000, 10_000_000],
                            iso3={"COL", "PER", "VEN", "USA"})
    groups = [c for c in m._children.values() if isinstance(c, folium.FeatureGroup)]
    assert [g.layer_name for g in groups] == ["Venezuelans, July 2024", "Tren de Aragua presence"]
    assert any(isinstance(c, folium.LayerControl) for c in m._children.values())
    doc = maps.MapFigure(m, title="t").document()
    assert doc.count("explainer-legend") >= 2 and "Venezuela (origin)" in doc
    assert doc.count("L.circleMarker(") == len(presence)
    # Venezuela is drawn once, as the origin, not as a host country with "no figure"
    assert "Venezuela: no figure" not in doc and spread.ORIGIN_FILL in doc


def test_first_documented_map_labels_years_and_context(presence):
    m = spread.first_documented_map(presence, context={"URY", "COL"})  # COL has data: not context
    doc = maps.MapFigure(m, title="t").document()
    assert "Uruguay: no report recorded" in doc and "Colombia: no report recorded" not in doc
    assert "Colombia: first documented 2018" in doc
    assert "Listed, no dated report" in doc and '"dash": "4 3"' in doc
