"""Helpers added for the origins chapter: stacked-label timeline, small-area point maps, chapter logic."""
import matplotlib.dates as mdates
import pandas as pd
import pytest

from explainer import charts, maps, origins
from explainer.text import source_entry
from conftest import figure_events


# --------------------------------------------------------------------------- charts.stack_levels
def _overlap(a, b, gap=0.0):
    return a[0] < b[1] + gap and b[0] < a[1] + gap


def test_stack_levels_never_overlaps_labels_on_one_level():
    intervals = [(0, 5), (1, 6), (2, 3), (4, 9), (8, 12), (0, 1)]
    anchors = [a for a, _ in intervals]
    levels = charts.stack_levels(intervals, anchors)
    assert len(levels) == len(intervals) and min(levels) == 1
    for i in range(len(intervals)):
        for j in range(i + 1, len(intervals)):
            if levels[i] == levels[j]:
                assert not _overlap(intervals[i], intervals[j]), (i, j, levels)


def test_stack_levels_keeps_separate_labels_on_the_baseline():
    assert charts.stack_levels([(0, 1), (2, 3), (5, 8)], [0, 2, 5]) == [1, 1, 1]


def test_stack_levels_puts_a_covered_leader_below_the_label_that_covers_it():
    # label 0 starts at 0 and runs over the dot of label 1 (at 2): label 1 must sit lower,
    # otherwise its leader line would cross label 0
    levels = charts.stack_levels([(0, 4), (2, 5)], [0, 2])
    assert levels == [2, 1]
    # labels set to the left of their dots (intervals end at the anchor): mirror image
    levels = charts.stack_levels([(6, 10), (3, 8)], [10, 8])
    assert levels == [2, 1]


def test_stack_levels_gap_separates_touching_labels():
    assert charts.stack_levels([(0, 1), (1.05, 2)], [0, 1.05]) == [1, 1]
    assert charts.stack_levels([(0, 1), (1.05, 2)], [0, 1.05], gap=0.1) != [1, 1]


def test_text_width_grows_with_text_and_size():
    w = charts.text_width_in("Tocorón", 8.5)
    assert 0.3 < w < 0.8
    assert charts.text_width_in("Tocorón prison", 8.5) > w
    assert charts.text_width_in("Tocorón", 17) == pytest.approx(2 * w, rel=0.05)


def _history_frame():
    return pd.DataFrame({
        "date": pd.to_datetime(["2005-01-01", "2011-01-01", "2012-01-01", "2023-09-20", "2024-07-11",
                                "2025-02-20", "2025-12-18", "2026-01-03"]),
        "end": pd.to_datetime(["2016-01-01", None, None, None, None, None, None, None]),
        "lane": ["a", "a", "b", "a", "c", "c", "c", "c"],
        "label": ["2005–2015 · A span with a fairly long label", "2011 · Works stop", "2012 · Escapes",
                  "Sep 2023 · Prison retaken; leaders not found", "Jul 2024 · Designated (TCO)",
                  "Feb 2025 · Designated (FTO)", "Dec 2025 · Indictment unsealed",
                  "Jan 2026 · Named in another indictment"],
    })


def test_timeline_draws_a_span_and_labels_that_do_not_overlap():
    fig = charts.timeline(_history_frame(), lanes={"a": "Lane A", "b": "Lane B", "c": "Lane C"},
                               title="t", source="s", as_of="1 January 2026",
                               start="2004-07-01", stop="2026-07-01")
    ax = fig.axes[0]
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    texts = [t for t in ax.texts if "·" in t.get_text()]
    assert len(texts) == 8
    boxes = [t.get_window_extent(r) for t in texts]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (texts[i].get_text(), texts[j].get_text())
    # every label stays inside the axes
    axbox = ax.get_window_extent(r)
    for b in boxes:
        assert b.x0 >= axbox.x0 - 1 and b.x1 <= axbox.x1 + 1
    # the span is a bar from 2005 to 2016 (the end of the year 2015)
    bars = [p for p in ax.patches if p.get_width() > 3000]
    assert len(bars) == 1
    assert mdates.num2date(bars[0].get_x()).year == 2005
    assert mdates.num2date(bars[0].get_x() + bars[0].get_width()).year == 2016
    # lane titles are drawn
    assert {"Lane A", "Lane B", "Lane C"} <= {t.get_text() for t in ax.texts}
    charts.plt.close(fig)


def test_timeline_rejects_unknown_lanes():
    with pytest.raises(ValueError, match="not listed"):
        charts.timeline(_history_frame(), lanes={"a": "A"}, title="t", source="s", as_of="x")


# --------------------------------------------------------------------------- maps: small-area helpers
def test_padded_bounds_contain_the_points_with_a_margin():
    pts = [(10.0833, -67.5772), (10.2469, -67.5958), (10.4806, -66.9036)]
    (s, w), (n, e) = maps.padded_bounds(pts, pad=0.5, min_pad=0.1)
    assert s == pytest.approx(10.0833 - 0.5 * (10.4806 - 10.0833))
    assert e == pytest.approx(-66.9036 + 0.5 * (67.5958 - 66.9036))
    assert s < 10.0833 and n > 10.4806 and w < -67.5958 and e > -66.9036
    # a single point still gets an area around it
    (s, w), (n, e) = maps.padded_bounds([(10, -67)], min_pad=0.3)
    assert (s, w, n, e) == pytest.approx((9.7, -67.3, 10.3, -66.7))
    with pytest.raises(ValueError):
        maps.padded_bounds([])


def test_distance_km():
    assert maps.distance_km((0, 0), (1, 0)) == pytest.approx(111.19, abs=0.1)
    assert maps.distance_km((10, -67), (10, -67)) == 0
    # Caracas to Maracay: about 83 km in a straight line
    assert 75 < maps.distance_km((10.4806, -66.9036), (10.2469, -67.5958)) < 90


def test_js_text_neutralises_template_literal_syntax():
    assert maps.js_text("a `b` ${c}") == "a &#96;b&#96; &#36;{c}"


def test_labelled_point_and_outlines_escape_text_in_the_document():
    evil = "<script>alert(1)</script>`${alert(2)}`"
    m = maps.base_map(bounds=((9, -69), (11, -66)))
    maps.outlines(m, {"VEN"}, focus={"VEN"})
    maps.labelled_point(10.08, -67.58, label=evil, color="#D55E00",
                        popup=maps.popup_html(evil, [("About", evil)], source=evil),
                        direction="bottom").add_to(m)
    doc = maps.MapFigure(m, title="t").document()
    assert "<script>alert(1)" not in doc and "${alert(2)}" not in doc and "`${" not in doc
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#96;&#36;{alert(2)}&#96;" in doc
    assert '"permanent": true' in doc and "explainer-label" in doc
    assert "Venezuela" in doc  # the outline's tooltip
    with pytest.raises(ValueError):
        maps.labelled_point(0, 0, label="x", color="#000", popup="", direction="up")


# --------------------------------------------------------------------------- explainer.origins
def test_span_end_covers_the_whole_last_period():
    assert origins.span_end("2015-01-01", "year") == pd.Timestamp("2016-01-01")
    assert origins.span_end("2024-12-01", "month") == pd.Timestamp("2025-01-01")
    assert origins.span_end("2023-09-20", "day") == pd.Timestamp("2023-09-21")
    with pytest.raises(ValueError):
        origins.span_end("2015-01-01", "decade")


def test_short_date():
    assert origins.short_date("2012-01-01", "year") == "2012"
    assert origins.short_date("2023-09-20", "day") == "Sep 2023"
    assert origins.short_date("2005-01-01", "year", end="2015-01-01") == "2005–2015"


def _timeline():
    return pd.DataFrame({
        "event_id": ["e-span", "e-escape", "e-us"],
        "date": pd.to_datetime(["2005-01-01", "2012-01-01", "2025-12-18"]),
        "date_precision": ["year", "year", "day"],
        "end_date": pd.to_datetime(["2015-01-01", None, None]),
        "category": ["venezuela", "venezuela", "indictment"],
        "confidence": ["contested", "corroborated", "primary"],
    }, index=["e-span", "e-escape", "e-us"])  # labelled by event id, as data.load labels it


def _picks(*rows):
    return figure_events(origins.HISTORY_FIGURE, [{"event_id": e, "lane": lane, "label": label}
                                                  for e, lane, label in rows])


def test_history_events_builds_labels_lanes_and_spans():
    ev = origins.history_events(_timeline(), _picks(("e-span", "gang", "Founding"),
                                                    ("e-escape", "leader", "Escapes"), ("e-us", "us", "Unsealed")))
    assert list(ev["event_id"]) == ["e-span", "e-escape", "e-us"]
    assert list(ev["label"]) == ["2005–2015 · Founding", "2012 · Escapes", "Dec 2025 · Unsealed"]
    assert ev.loc[0, "end"] == pd.Timestamp("2016-01-01") and pd.isna(ev.loc[1, "end"])


def test_history_events_rejects_missing_ids_and_wrong_lanes():
    with pytest.raises(KeyError, match="e-nope"):
        origins.history_events(_timeline(), _picks(("e-nope", "gang", "x")))
    with pytest.raises(ValueError, match="does not belong"):
        origins.history_events(_timeline(), _picks(("e-us", "gang", "x")))


def test_the_chapter_events_exist_and_fit_their_lanes():
    from explainer import data

    fe = data.load("figure_events")
    ev = origins.history_events(data.load("timeline"), fe)
    assert len(ev) == int((fe["figure"] == origins.HISTORY_FIGURE).sum())
    founding = ev[ev["event_id"] == "e-2005-01-01-tda-founding-range"].iloc[0]
    assert founding["confidence"] == "contested" and pd.notna(founding["end"])  # drawn as a span
    assert set(ev["lane"]) == set(origins.LANES)


BIB = {"k1": source_entry("k1", {"title": "{[A <b>title</b>]}", "organization": "Outlet & Co"}),
       "k2": source_entry("k2", {"title": "{Caracas}", "organization": "Wikipedia"})}


def test_place_popup_is_escaped_and_names_its_sources():
    row = {"place": "Tocorón <prison>", "role": "prison", "lat": 10.0833, "lon": -67.5772,
           "source_keys": ("k1",)}
    out = origins.place_popup(row, BIB, about="Retaken in 2023 <b>", about_keys=["k2"])
    assert "Tocorón &lt;prison&gt;" in out and "<prison>" not in out
    assert "Retaken in 2023 &lt;b&gt;" in out
    assert "10.0833° N, 67.5772° W" in out
    assert "Source: coordinates, Outlet &amp; Co; text, Wikipedia, “Caracas”" in out
    assert "Type:</b> Prison" in out
