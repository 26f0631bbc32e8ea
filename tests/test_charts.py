"""Chart helpers: house style, reproducible PNGs, alt text."""
import pandas as pd
import pytest

from explainer import charts


def _bars():
    return charts.ranked_bars(["A", "B", "C"], [5e6, 5e7, 2e7], highlight=[True, False, False],
                              annotations=["2024", "2025", ""], title="B is largest", xlabel="US$",
                              source="Test", as_of="1 January 2026", value_fmt=charts.fmt_usd)


def test_png_is_byte_reproducible():
    assert charts.png_bytes(_bars()) == charts.png_bytes(_bars())


def test_png_has_no_software_or_date_metadata():
    png = charts.png_bytes(_bars())
    assert b"matplotlib" not in png.lower() and b"Software" not in png


def test_ranked_bars_order_and_highlight():
    fig = _bars()
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "C", "B"]  # largest at the top
    colors = [p.get_facecolor() for p in ax.patches]
    assert colors[0] != colors[1] and colors[1] == colors[2]
    texts = [t.get_text() for t in ax.texts]
    assert "  $5M (2024)" in texts and "  $50M (2025)" in texts
    assert any("Source: Test. As of 1 January 2026." == t.get_text() for t in fig.texts)


def test_show_writes_figure_and_alt(tmp_path, monkeypatch):
    monkeypatch.setattr(charts, "FIGURES_DIR", tmp_path)
    c = charts.show(_bars(), "demo", alt="Bar chart: B $50M, C $20M, A $5M", caption="Cap <b>",
                    data=pd.DataFrame({"label": ["A", "B"], "value": [5, 50]}))
    html = c._repr_html_()
    assert 'alt="Bar chart: B $50M, C $20M, A $5M"' in html
    assert "<figcaption>Cap &lt;b&gt;</figcaption>" in html
    assert (tmp_path / "demo.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("alt", ["", "Figure 1", "chart", "short"])
def test_show_rejects_empty_alt(alt):
    with pytest.raises(ValueError):
        charts.show(_bars(), "x", alt=alt, data=pd.DataFrame({"a": [1]}))


def test_matrix_marks_true_cells():
    t = pd.DataFrame({"extortion": [True, True], "mining": [False, True]}, index=["COL", "VEN"])
    fig = charts.matrix(t, title="t", source="s", as_of="a")
    big = [ln for ln in fig.axes[0].lines if ln.get_markersize() == 11]
    assert len(big) == 3


def test_formatters():
    assert charts.fmt_count(2_860_000) == "2.86M" and charts.fmt_count(58_200) == "58k"
    assert charts.fmt_count(1_500_000) == "1.5M" and charts.fmt_count(3_000_000) == "3M"
    assert charts.fmt_usd(5_000_000) == "$5M" and charts.fmt_usd(2_500_000) == "$2.5M"


def test_charts_have_an_opaque_white_background():
    """Dark-mode safe: the PNG is opaque and white at the edges, so it reads on a dark page."""
    import io

    import matplotlib.image as mpimg

    img = mpimg.imread(io.BytesIO(charts.png_bytes(_bars())), format="png")
    assert img.shape[2] == 4 and img[..., 3].min() == 1.0  # no transparency
    assert (img[0, 0, :3] == 1.0).all() and (img[-1, -1, :3] == 1.0).all()


def test_long_titles_and_bar_notes_stay_inside_the_figure():
    fig = charts.ranked_bars(["A rather long category label", "B"], [50, 5],
                             annotations=["since 2025; captured 2026 and more words", ""],
                             title="A long finding that would run off the right edge of a narrow chart",
                             subtitle="A subtitle that is also long enough to matter on a narrow figure",
                             xlabel="x", source="s", as_of="a", width=6)
    renderer = fig.canvas.get_renderer()
    for t in [*fig.texts, *fig.axes[0].texts]:
        box = t.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= fig.bbox.width, t.get_text()


def test_every_chart_carries_its_data_as_csv(tmp_path, monkeypatch):
    import base64
    import re

    monkeypatch.setattr(charts, "FIGURES_DIR", tmp_path)
    rows = pd.DataFrame({"date": pd.to_datetime(["2025-12-18"]), "keys": [("a", "b")], "n": [5]})
    c = charts.show(_bars(), "demo-data", alt="Bar chart: B $50M, C $20M, A $5M", data=rows)
    csv = "date,keys,n\n2025-12-18,a;b,5\n"
    assert (tmp_path / "demo-data.csv").read_text(encoding="utf-8") == csv
    m = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)" download="demo-data.csv"', c._repr_html_())
    assert m and base64.b64decode(m.group(1)).decode("utf-8") == csv
    with pytest.raises(ValueError, match="data="):
        charts.show(_bars(), "no-data", alt="Bar chart: B $50M, C $20M, A $5M", data=rows.iloc[0:0])
