"""Chart helpers: house style, reproducible PNGs, alt text."""
import pandas as pd
import pytest

from explainer import charts, i18n


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


def test_show_renders_and_writes_nothing_save_writes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    c = charts.show(_bars(), "demo", alt="Bar chart: B $50M, C $20M, A $5M", caption="Cap <b>",
                    data=pd.DataFrame({"label": ["A", "B"], "value": [5, 50]}))
    html = c._repr_html_()
    assert 'alt="Bar chart: B $50M, C $20M, A $5M"' in html
    assert "<figcaption>Cap &lt;b&gt;</figcaption>" in html
    assert list(tmp_path.iterdir()) == []  # drawing wrote no file
    written = charts.save(c, tmp_path / "out")
    assert [p.name for p in written] == ["demo.png", "demo.csv"]
    assert (tmp_path / "out" / "demo.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import explainer.data  # noqa: F401

    with i18n.using("es"):
        spanish = charts.show(_bars(), "demo", alt="Barras: B 50 M, C 20 M, A 5 M",
                              data=pd.DataFrame({"confidence": ["primary"], "claims": [1]}))
    assert [p.name for p in charts.save(spanish, tmp_path / "out")] == ["demo.es.png", "demo.es.csv"]
    # the chart's table is in one language: its column names and its codes in Spanish (explainer.data, which
    # every chapter imports, says what the codes are)
    assert (tmp_path / "out" / "demo.es.csv").read_text(encoding="utf-8").splitlines() == [
        "confianza,afirmaciones", "fuente primaria,1"]


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

    rows = pd.DataFrame({"date": pd.to_datetime(["2025-12-18"]), "keys": [("a", "b")], "n": [5]})
    c = charts.show(_bars(), "demo-data", alt="Bar chart: B $50M, C $20M, A $5M", data=rows)
    csv = "date,keys,n\n2025-12-18,a;b,5\n"
    charts.save(c, tmp_path)
    assert (tmp_path / "demo-data.csv").read_text(encoding="utf-8") == csv
    m = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)" download="demo-data.csv"', c._repr_html_())
    assert m and base64.b64decode(m.group(1)).decode("utf-8") == csv
    with pytest.raises(ValueError, match="data="):
        charts.show(_bars(), "no-data", alt="Bar chart: B $50M, C $20M, A $5M", data=rows.iloc[0:0])


def _colour_counts(png: bytes) -> dict:
    import io

    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    return {rgb: n for n, rgb in img.getcolors(img.width * img.height)}


def test_compression_keeps_every_house_colour_exactly():
    """A legend's swatches survive the palette: each house colour drawn stays that colour (median cut
    alone had turned the orange of "Rewards" into the vermillion of "Charges"), and white stays white."""
    from matplotlib.patches import Patch

    fig, ax = charts.figure(8, 4)
    names = list(charts.PALETTE)
    ax.legend(handles=[Patch(color=charts.PALETTE[n], label=n) for n in names], ncol=5, loc="center")
    for i, n in enumerate(names):
        ax.text(i / 10, 0.1, "anti-aliased text " * 2, color=charts.PALETTE[n], fontsize=8)
    png = charts.png_bytes(fig)
    out = charts.quantize_png(png, 16)
    counts = _colour_counts(out)
    for n in names:
        assert counts.get(charts._rgb(charts.PALETTE[n]), 0) >= charts.KEY_MIN_PIXELS, n
    assert max(counts, key=counts.get) == (255, 255, 255)
    assert len(out) < len(png)


def test_a_chart_has_a_phone_rendering_with_large_enough_type(tmp_path, monkeypatch):
    import io

    from PIL import Image

    fig = charts.ranked_bars([f"A rather long name of person number {i}" for i in range(8)],
                             [i * 1e6 for i in range(1, 9)], annotations=["since 2024; captured 2025"] * 8,
                             title="A finding stated as a title long enough to need two lines on a phone",
                             xlabel="Reward, up to (US dollars)", source="A source", as_of="1 January 2026",
                             value_fmt=charts.fmt_usd, legend=("One", "Other"),
                             highlight=[i % 2 == 0 for i in range(8)])
    chart = charts.show(fig, "phone-test", alt="Bars of eight rewards, from $1 million to $8 million",
                        data=pd.DataFrame({"x": [1]}))
    assert chart.phone_png is not None and chart.phone_problems == []
    img = Image.open(io.BytesIO(chart.phone_png))
    css_px = float(img.text[charts.TEXT_CHUNK]) * charts.PHONE_COLUMN_PX / img.width
    assert css_px >= charts.MIN_TEXT_PX
    assert 'media="(max-width: 600px)"' in chart._repr_html_() and "<picture>" in chart._repr_html_()


def test_clashing_text_is_found():
    fig, ax = charts.figure(3, 2)
    ax.text(0.1, 0.5, "one label here")
    ax.text(0.15, 0.5, "another label")
    fig.text(0.9, 0.5, "past the right edge of the figure")
    problems = charts.text_problems(fig)
    assert any("overlaps" in p for p in problems) and any("runs past the edge" in p for p in problems)


@pytest.mark.build
def test_shipped_charts_keep_their_legend_colours_distinct(site):
    """Every chart image the site ships (desktop and phone) still has each house colour it was drawn
    with, and those colours stay far apart (a minimum distance in RGB)."""
    from itertools import combinations

    from PIL import Image

    pngs = sorted((site / "charts").glob("*.png"))
    assert len(pngs) >= 10
    for p in pngs:
        keys = Image.open(p).text.get(charts.KEY_CHUNK, "").split()
        assert keys, f"{p.name}: no key colours recorded"
        counts = _colour_counts(p.read_bytes())
        for k in keys:
            assert counts.get(charts._rgb(k), 0) >= charts.KEY_MIN_PIXELS, f"{p.name}: {k} merged away"
        series = [charts._rgb(k) for k in keys if len(set(charts._rgb(k))) > 1]  # not greys
        for a, b in combinations(series, 2):
            assert sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5 >= 60, (p.name, a, b)


def test_a_phone_bar_chart_keeps_its_money_ticks_apart_in_spanish():
    """«US$20MUS$40M»: on a phone, the wider Spanish money labels ran together; fewer ticks keep them
    apart, and the layout check counts touching tick labels as a problem."""
    import matplotlib.pyplot
    import matplotlib.ticker

    from explainer import i18n
    from explainer.text import usd

    with i18n.using("es"):
        fig = charts.ranked_bars(["A", "B", "C"], [50e6, 25e6, 5e6], title="t", xlabel="x", source="s",
                                 as_of="2026", value_fmt=lambda v: usd(v, short=True), width=3.6)
        assert charts.text_problems(fig) == []
        fig.axes[0].xaxis.set_major_locator(matplotlib.ticker.MultipleLocator(10e6))  # as crowded as before
        assert any("overlaps" in p for p in charts.text_problems(fig))
    matplotlib.pyplot.close(fig)
