"""The Geopolitics chapter's helpers: selecting US actions, the two charts, sourced tables, prose checks."""
import matplotlib
from matplotlib.text import Text
import pandas as pd
import pytest
from markdown_it import MarkdownIt

from explainer import data
from explainer import geopolitics as geo
from explainer import style
from explainer.data import format_date
from conftest import figure_events


@pytest.fixture(scope="module")
def timeline():
    return data.load("timeline")


@pytest.fixture(scope="module")
def fig_events():
    return data.load("figure_events")


@pytest.fixture(scope="module")
def strikes():
    return data.load("strikes")


@pytest.fixture(scope="module")
def actions(timeline, fig_events):
    return geo.us_actions(timeline, fig_events)


def _event(event_id, date, category, country="USA", note="", **kw):
    row = dict(event_id=event_id, date=pd.Timestamp(date), date_precision="day", end_date=pd.NaT,
               event=f"Event {event_id}", category=category, country_iso3=country,
               source_keys=("k1",), confidence="primary", note=note)
    row.update(kw)
    return row


# --------------------------------------------------------------------------- selecting US actions
def test_us_actions_keeps_only_us_actions_on_the_six_lanes():
    t = pd.DataFrame([
        _event("e-a", "2025-01-01", "designation"),
        _event("e-old", "2023-01-01", "designation"),                         # before the start
        _event("e-ven", "2025-02-01", "venezuela", country="VEN"),            # not a lane
        _event("e-col", "2025-03-01", "indictment", country="COL"),           # not a US action
        _event("e-cmp", "2025-04-01", "reward", note="Comparator for X."),    # comparator reward
        _event("e-2025-04-07-nic-memo", "2025-04-07", "deportation"),         # an assessment
        _event("e-2026-01-03-maduro-captured", "2026-01-03", "military", country="VEN"),
    ])
    t.index = list(t["event_id"])  # labelled by event id, as data.load labels it
    picks = figure_events(geo.ACTIONS_FIGURE, [
        {"event_id": "e-2025-04-07-nic-memo", "role": "exclude", "note": "An assessment."},
        {"event_id": "e-2026-01-03-maduro-captured", "role": "include", "note": "A US action abroad."},
        {"event_id": "e-2026-01-03-maduro-captured", "label": "Maduro captured"}])
    out = geo.us_actions(t, picks, start="2024-01-01")
    assert out["event_id"].tolist() == ["e-a", "e-2026-01-03-maduro-captured"]
    assert out.loc[1, "label"] == "Maduro captured"
    assert out.loc[0, "label"] == ""
    assert geo.us_actions(t, picks.iloc[[0]], start="2024-01-01")["event_id"].tolist() == ["e-a"]


def test_real_actions_are_us_and_on_lanes(actions, fig_events):
    assert set(actions["category"]) <= set(geo.LANES)
    excluded = fig_events[(fig_events["figure"] == geo.ACTIONS_FIGURE) & (fig_events["role"] == "exclude")]
    assert len(excluded) and excluded["note"].notna().all()  # every exclusion says why
    assert not set(actions["event_id"]) & set(excluded["event_id"])
    assert "e-2024-12-04-mencho-reward-15m" not in set(actions["event_id"])  # a comparator reward
    assert actions["date"].is_monotonic_increasing
    assert (actions["date"] >= pd.Timestamp("2024-01-01")).all()


def test_every_short_label_names_a_charted_action(actions, fig_events):
    """A renamed or dropped event must not leave a label that silently disappears from the chart."""
    labels = fig_events[(fig_events["figure"] == geo.ACTIONS_FIGURE) & (fig_events["role"] == "label")]
    assert set(labels["event_id"]) <= set(actions["event_id"])


# --------------------------------------------------------------------------- chart 1
def _label_texts(fig):
    return [t for t in fig.axes[0].texts if (t.get_gid() or "").startswith("label:")]


def test_actions_chart_names_the_labelled_actions_and_draws_every_one(actions):
    fig = geo.actions_chart(actions, title="t", source="s", as_of="a")
    ax = fig.axes[0]
    texts = {t.get_text() for t in ax.texts}
    assert {style.CATEGORY_NAMES[c] for c in geo.LANES} <= texts  # every lane is titled
    labels = _label_texts(fig)
    labelled = actions[actions["label"] != ""]
    assert len(labelled) > 10
    assert {t.get_gid().removeprefix("label:") for t in labels} == set(labelled["event_id"])
    dots = [ln for ln in ax.lines if ln.get_marker() == "o"]
    assert len(dots) == len(actions)
    matplotlib.pyplot.close(fig)


def test_actions_chart_labels_do_not_overlap_and_stay_inside(actions):
    fig = geo.actions_chart(actions, title="t", source="s", as_of="a")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _label_texts(fig)]
    fig_box = fig.bbox
    for i, (a, box_a) in enumerate(boxes):
        assert fig_box.x0 <= box_a.x0 and box_a.x1 <= fig_box.x1, f"{a!r} runs off the figure"
        for b, box_b in boxes[i + 1:]:
            assert not box_a.overlaps(box_b), f"labels {a!r} and {b!r} overlap"
    matplotlib.pyplot.close(fig)


def test_actions_alt_gives_counts_per_lane(actions):
    alt = geo.actions_alt(actions)
    assert alt.startswith(f"Timeline of {len(actions)} US government actions")
    n_court = int((actions["category"] == "court").sum())
    assert f"court rulings {n_court}" in alt
    assert "Maduro captured (3 January 2026)" in alt


# --------------------------------------------------------------------------- chart 2
def test_strike_tallies_must_be_cumulative(strikes):
    d = geo.strike_tallies(strikes)
    assert d["killed"].iloc[0] == "11" and d["as_of"].is_monotonic_increasing
    broken = strikes.copy()
    broken.loc[broken["as_of"].idxmax(), "killed_min"] = 1  # the last tally lower than the first
    with pytest.raises(ValueError, match="cumulative"):
        geo.strike_tallies(broken)


def test_an_official_count_is_cumulative_on_its_own(strikes):
    """An official count lower than the media tallies of the same weeks is not a tally going down: each kind
    of tally is checked on its own."""
    d = geo.strike_tallies(strikes)
    official = d[d["counted_by"].astype(str) == "official"]
    media = d[d["counted_by"].astype(str) == "media"]
    assert len(official) and any(media.loc[media["as_of"] < r["as_of"], "killed_max"].max() > r["killed_min"]
                                 for _, r in official.iterrows())


def _tallies(fig):
    ax = fig.axes[0]
    return sorted((t for t in ax.texts if (t.get_gid() or "").startswith("tally:")),
                  key=lambda t: int(t.get_gid().split(":")[1]))


def test_strikes_chart_marks_named_strikes_and_labels_every_tally(strikes):
    fig = geo.strikes_chart(strikes, title="t", source="s", as_of="a")
    ax = fig.axes[0]
    d = geo.strike_tallies(strikes)
    media = d[d["counted_by"].astype(str) == "media"]
    diamonds = [ln for ln in ax.lines if ln.get_marker() == "D"]
    assert len(diamonds) == 1 and len(diamonds[0].get_xdata()) == int(media["tda_named"].sum())
    tallies = _tallies(fig)
    assert len(tallies) == len(d)
    for (i, r), t in zip(d.iterrows(), tallies):
        first, *rest = t.get_text().split("\n")
        assert first == f"{r['killed']} killed"
        # a tally with a count of strikes (or boats) states it in its own unit; one without, deaths only
        if pd.isna(r["strikes_min"]):
            assert rest == []
        else:
            one, many = geo.UNIT_WORDS[str(r["unit"])]
            assert rest == [f"{r['strikes']} {many if r['strikes_max'] > 1 else one}"]
    matplotlib.pyplot.close(fig)


def test_official_counts_are_drawn_apart_from_the_band(strikes):
    fig = geo.strikes_chart(strikes, title="t", source="s", as_of="a", official_label="official")
    ax = fig.axes[0]
    d = geo.strike_tallies(strikes)
    official = d[d["counted_by"].astype(str) == "official"]
    squares = [ln for ln in ax.lines if ln.get_gid() == "official"]
    assert len(squares) == 1 and list(squares[0].get_ydata()) == list(official["killed_max"].astype(float))
    band_top = max(p.get_paths()[0].vertices[:, 1].max() for p in ax.collections)
    assert band_top == d.loc[d["counted_by"].astype(str) == "media", "killed_max"].max()
    labels = {t.get_gid(): t for t in _tallies(fig)}
    for i in official.index:  # labelled below its square, where the band's labels never go
        assert labels[f"tally:{i}"].get_va() == "top"
    assert "official" in [t.get_text() for t in ax.get_legend().get_texts()]
    matplotlib.pyplot.close(fig)


def test_strikes_alt(strikes):
    alt = geo.strikes_alt(strikes)
    d = geo.strike_tallies(strikes)
    for _, r in d.iterrows():
        assert f"{format_date(r['as_of'])}: {geo.strikes_label(r)}" in alt
    named = d.loc[d["tda_named"].fillna(False).astype(bool), "as_of"]
    assert f"strikes of {geo.and_list([format_date(x) for x in named])}" in alt
    assert "Squares mark official counts" in alt


# --------------------------------------------------------------------------- sourced tables
def _rows():
    return pd.DataFrame({
        "country": ["Chile", "Chile", "Spain"], "when": ["1 May 2025", "2 May 2025", "July 2024"],
        "event": ["Arrest <b>one</b> | $x$", "Trial", "Extradition"],
        "confidence": ["corroborated", "single-source", "primary"],
        "source_keys": [("k1", "k2"), ("k3",), ("k4",)],
    })


def test_grouped_table_shows_each_group_once_and_escapes():
    md = geo.grouped_table(_rows(), group="country", headers=("Country and date", "What happened"))
    lines = md.strip().splitlines()
    assert len(lines) == 2 + 3
    assert lines[2].startswith("| **Chile** 1 May 2025 |") and lines[3].startswith("| 2 May 2025 |")
    assert lines[4].startswith("| **Spain** July 2024 |")
    assert "(*corroborated*) {cite:p}`k1,k2`" in lines[2]
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert html.count("<tr>") == 4 and "<b>" not in html and "$x$" in html
    assert "&lt;b&gt;one&lt;/b&gt; | $x$" in html  # the escaped pipe stays inside its cell


def test_grouped_table_rejects_scattered_groups():
    rows = _rows().iloc[[0, 2, 1]]
    with pytest.raises(ValueError, match="not grouped"):
        geo.grouped_table(rows, group="country", headers=("a", "b"))


def test_cooperation_rows(timeline, fig_events):
    rows = geo.cooperation_rows(timeline, fig_events)
    assert len(rows) == int(((fig_events["figure"] == geo.COOPERATION_FIGURE) & (fig_events["role"] == "row")).sum())
    turko = rows[rows["event_id"] == "e-2024-12-30-el-turko-arrest-us"].iloc[0]
    assert turko["country"] == "Chile"  # arrested in the US, listed under the country that sought him
    geo.grouped_table(rows, group="country", headers=("a", "b"))  # grouped, so this does not raise
    with pytest.raises(KeyError, match="no-such-event"):
        geo.cooperation_rows(timeline, figure_events(geo.COOPERATION_FIGURE,
                                                     [{"event_id": "no-such-event", "role": "row"}]))


# --------------------------------------------------------------------------- prose checks
def test_small_formatters(actions):
    assert geo.months_between(actions) == geo.calendar_months(actions["date"].min(), actions["date"].max())
    assert geo.by_when("2025-12-31") == "by the end of 2025" and geo.by_when("2025-11-06") == "by 6 November 2025"
    assert geo.markdown("**x**")._repr_markdown_() == "**x**"


def test_strike_labels_do_not_overlap_and_stay_inside(strikes):
    fig = geo.strikes_chart(strikes, title="t", source="s", as_of="a")
    ax = fig.axes[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    # the words of each label (a lifted label's thin leader line to its point may cross other lines)
    boxes = [Text.get_window_extent(t, renderer) for t in ax.texts if (t.get_gid() or "").startswith("tally:")]
    legend = ax.get_legend().get_window_extent(renderer)
    inside = ax.get_window_extent(renderer)
    for i, a in enumerate(boxes):
        assert not a.overlaps(legend)
        assert a.y1 <= inside.y1 + 1
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)
    matplotlib.pyplot.close(fig)
