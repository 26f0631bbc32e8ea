"""Map helpers: colours, escaping, legend, iframe."""

import re

import pytest

from explainer import maps


def test_boundaries_cover_the_story():
    gj = maps.boundaries()
    ids = {f["id"] for f in gj["features"]}
    assert {"VEN", "COL", "PER", "CHL", "ECU", "BRA", "USA", "ESP", "GUF", "ABW", "CUW", "TTO"} <= ids
    assert len(maps.boundaries({"VEN", "COL"})["features"]) == 2


def test_bin_color():
    bins = [0, 10, 100, 1000]
    cols = ["a", "b", "c"]
    assert maps.bin_color(5, bins, cols) == "a"
    assert maps.bin_color(10, bins, cols) == "b"
    assert maps.bin_color(5000, bins, cols) == "c"
    assert maps.bin_color(None, bins, cols) == maps.NO_DATA
    assert maps.bin_color(float("nan"), bins, cols) == maps.NO_DATA


def test_popup_escapes_data():
    evil = '<img src=x onerror="alert(1)">'
    out = maps.popup_html(evil, [("Event", evil)], source=evil)
    assert "<img" not in out
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in out


def test_map_document_escapes_tooltips_and_popups():
    evil = "<script>alert('x')</script>"
    m = maps.base_map()
    maps.choropleth(m, {"COL": 3}, name="t", tooltip={"COL": evil}, bins=[0, 1, 10])
    maps.circle_marker(4.6, -74.1, color="#000", popup=maps.popup_html(evil, [("a", evil)]),
                       tooltip=evil).add_to(m)
    doc = maps.MapFigure(m, title="t").document()
    assert "<script>alert" not in doc
    assert "&lt;script&gt;alert" in doc


def test_legend_is_in_the_map_and_escaped():
    m = maps.base_map()
    maps.legend(m, "Evidence <b>", [("#000", "Convictions & trials")], dots=True)
    doc = maps.MapFigure(m, title="t").document()
    assert "explainer-legend" in doc and "Convictions &amp; trials" in doc
    assert "Evidence &lt;b&gt;" in doc and "Evidence <b>" not in doc


def test_bins_legend_items():
    items = maps.bins_legend_items([0, 1000, 1_000_000], ["#1", "#2"])
    assert items == [("#1", "0 – 1,000"), ("#2", "1,000 or more"), (maps.NO_DATA, "No figure")]


def test_map_figure_has_title_height_and_caption():
    fig = maps.MapFigure(maps.base_map(), title="Where <they> are", caption="As of July 2024", height=420)
    out = fig._repr_html_()
    assert out.startswith('<figure class="explainer-map" id="map-')
    assert '<iframe title="Where &lt;they&gt; are" srcdoc="' in out
    assert "height:420px" in out and "<figcaption>As of July 2024</figcaption>" in out
    with pytest.raises(ValueError):
        maps.MapFigure(maps.base_map(), title="")


def test_map_has_no_tiles_by_default():
    doc = maps.MapFigure(maps.base_map(), title="t").document()
    assert "tile.openstreetmap" not in doc


def test_a_map_figure_lists_its_places_in_words_and_can_be_skipped():
    m = maps.base_map()
    maps.choropleth(m, {"COL": 3}, name="t", tooltip={"COL": "Colombia: 3 people <b>"}, bins=[0, 1, 10],
                    iso3={"COL", "PER"})
    maps.circle_marker(4.6, -74.1, color="#000", popup="p",
                       tooltip="Colombia: Court convictions (click for details)").add_to(m)
    assert maps.map_index(m) == ["Colombia: 3 people <b>; Court convictions", "Peru: no figure"]
    out = maps.MapFigure(m, title="Two countries")._repr_html_()
    skip = re.search(r'<a class="explainer-skip" href="#([^"]+)">Skip the map</a>', out)
    assert skip and out.index(skip.group(0)) < out.index("<iframe")
    assert f'<details class="explainer-map-list" id="{skip.group(1)}">' in out
    assert "<li>Colombia: 3 people &lt;b&gt;; Court convictions</li>" in out


def test_maps_scroll_with_one_finger_and_keep_country_shapes_out_of_the_tab_order():
    doc = maps.MapFigure(maps.base_map(), title="t").document()
    assert "dragging.disable()" in doc and "setMaxBounds" in doc
    assert "setAttribute('tabindex','-1')" in doc and "setAttribute('role','button')" in doc
