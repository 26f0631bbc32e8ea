"""The book's charts: one house style, one function per kind of chart.

Every chart is drawn on an opaque white background (it stays legible in dark mode), with a title that
states the finding, labelled axes, and a source line with an "as of" date inside the image. :func:`show`
displays it as an HTML ``<figure>`` whose ``<img>`` carries alt text computed from the data, and writes a
byte-reproducible PNG to ``figures/``.
"""
from __future__ import annotations

import base64
from functools import lru_cache
import html
import io
import re
from contextvars import ContextVar
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from .style import AXIS, BASE, FOCUS, GRID, INK, INK_MID, INK_SOFT, INK_STRONG, LEADER, MUTED, PALETTE  # noqa: E402,F401
from .style import RULE, RULE_STRONG, TICK  # noqa: E402
from . import i18n  # noqa: E402
from .i18n import N_, readers_table, tr  # noqa: E402
from .text import usd  # noqa: E402

HIGHLIGHT = FOCUS

RC = {
    "figure.facecolor": "white", "axes.facecolor": "white", "savefig.facecolor": "white",
    "font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 13, "axes.titleweight": "bold",
    "axes.titlelocation": "left", "axes.spines.top": False, "axes.spines.right": False,
    "axes.edgecolor": INK_MID, "axes.labelcolor": INK, "xtick.color": TICK,
    "ytick.color": TICK, "axes.grid": False, "grid.color": GRID, "svg.hashsalt": "explainer",
    "figure.dpi": 100, "savefig.dpi": 144,
}


#: The resolution figures are laid out at (text is measured at it): the phone rendering is laid out at
#: the resolution it is saved at, so that what fits when measured fits when drawn.
#: The resolution new figures are drawn at: the house's, or, while a phone rendering is drawn, the phone's
#: (a context variable, so a rendering in progress never changes another's).
_DRAW_DPI: ContextVar[float] = ContextVar("explainer_draw_dpi", default=RC["figure.dpi"])


def picks(figure_events: pd.DataFrame, figure: str, role: str = "label") -> pd.DataFrame:
    """The rows of ``data/figure_events.csv`` for one figure and role, in the file's order, labelled by
    event id: which events a figure labels, includes, excludes or lists, with its labels and lanes."""
    rows = figure_events[(figure_events["figure"].astype(str) == figure)
                         & (figure_events["role"].astype(str) == role)]
    return rows.set_axis(list(rows["event_id"]), axis=0)


def figure(width: float = 8.0, height: float = 4.5, **kw):
    """A new figure and axes in the house style."""
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(width, height), **{"dpi": _DRAW_DPI.get(), **kw})
    fig.set_facecolor("white")
    return fig, ax


def finish(fig, ax, title: str, source: str, as_of: str, subtitle: str | None = None) -> None:
    """Title (the finding), optional subtitle and the source line with its as-of date.

    The title and subtitle sit at the figure's left edge, like the source line, so that long category
    labels on the left of the axes cannot push them off the right edge; a line too long for the figure is
    set in a smaller size rather than cut. Call :func:`relayout` after resizing the figure.
    """
    t = fig.text(0.01, 1, title, fontsize=13, fontweight="bold", ha="left", va="top", gid="chart-title")
    fit_width(fig, t, min_size=9)
    if subtitle:
        st = fig.text(0.01, 1, subtitle, fontsize=10, color=INK_MID, ha="left", va="top", gid="chart-subtitle")
        fit_width(fig, st, min_size=7.5)
    if as_of[:1].isdigit():  # a day ("Datos al 14 de abril de 2026")
        line = tr("Source: {source}. As of {as_of}.").format(source=source, as_of=as_of)
    else:  # a month or a year, which Spanish introduces otherwise ("Datos de julio de 2024")
        line = tr("Source: {source}. As of {month}.").format(source=source, month=as_of)
    src = fig.text(0.01, 0.01, line, fontsize=8, color=INK_SOFT, ha="left", va="bottom", gid="chart-source")
    wrap_to_width(fig, src)
    narrow = fig.get_size_inches()[0] < NARROW_IN
    for a in fig.axes:  # on a narrow figure, axis titles start at the axes' left and break into lines
        if narrow and a.get_xlabel():
            a.set_xlabel(a.get_xlabel(), loc="left")
    relayout(fig)
    if narrow:
        for a in fig.axes:
            for label in (a.xaxis.label, a.yaxis.label):
                if label.get_text():
                    wrap_to_width(fig, label)
        relayout(fig)
    for a in fig.axes:
        thin_ticks(fig, a)


def thin_ticks(fig, ax, rounds: int = 4) -> None:
    """Keep every other x tick label while neighbours would overlap (a date axis on a narrow figure);
    rotated labels (categories, each naming its column) are left alone."""
    for _ in range(rounds):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        lo, hi = sorted(ax.get_xlim())
        shown = [(x, t) for x, t in zip(ax.get_xticks(), ax.get_xticklabels()) if lo <= x <= hi and t.get_text()]
        if any(t.get_rotation() for _, t in shown):
            return  # category labels set on end (a matrix): each one names a column, none may go
        boxes = [t.get_window_extent(renderer) for _, t in shown]
        if all(a.x1 + 4 <= b.x0 for a, b in zip(boxes, boxes[1:])):
            return
        kept = shown[::2]
        ax.set_xticks([x for x, _ in kept], [t.get_text() for _, t in kept])


def relayout(fig) -> None:
    """Place the title block at the top (in inches, whatever the figure's height) and fit the axes below."""
    _, height = fig.get_size_inches()
    top_in, bottom_in = 0.12, 0.05 * height
    for gid, step in (("chart-title", 0.30), ("chart-subtitle", 0.24)):
        for t in fig.texts:
            if t.get_gid() == gid:
                t.set_y(1 - top_in / height)
                top_in += step * (t.get_text().count("\n") + 1)
    for t in fig.texts:
        if t.get_gid() == "chart-source":  # a wrapped source line takes one line per row of text
            bottom_in = max(bottom_in, (t.get_text().count("\n") + 1) * t.get_fontsize() * 1.25 / 72 + 0.06)
    fig.tight_layout(rect=(0, bottom_in / height, 1, 1 - (top_in + 0.04) / height))


def fit_width(fig, text, min_size: float) -> None:
    """Shrink ``text`` until it fits the figure's width (down to ``min_size`` points); if it still does
    not fit (a narrow phone rendering), break it into lines."""
    renderer = fig.canvas.get_renderer()
    limit = fig.bbox.width * 0.98
    while text.get_window_extent(renderer).x1 > limit and text.get_fontsize() > min_size:
        text.set_fontsize(text.get_fontsize() - 0.5)
    wrap_to_width(fig, text)


def wrap_inches(text: str, fontsize: float, max_in: float) -> str:
    """``text`` broken into lines at spaces (never at a no-break space: "US$3 M"), each at most ``max_in``
    inches wide in the house font."""
    lines: list[str] = []
    for w in re.split(r"[ \t\n]+", str(text).strip()):
        if lines and text_width_in(f"{lines[-1]} {w}", fontsize) <= max_in:
            lines[-1] = f"{lines[-1]} {w}"
        else:
            lines.append(w)
    return "\n".join(lines)


def wrap_to_width(fig, text, margin: float = 0.92) -> None:
    """Break ``text`` into lines at spaces so that it ends inside the figure's width."""
    renderer = fig.canvas.get_renderer()
    limit = fig.bbox.width * margin
    if text.get_window_extent(renderer).x1 <= limit:
        return
    words, lines = text.get_text().replace("\n", " ").split(" "), []
    for w in words:
        trial = f"{lines[-1]} {w}" if lines else w
        text.set_text("\n".join([*lines[:-1], trial]))
        if lines and text.get_window_extent(renderer).x1 > limit:
            lines.append(w)
        elif lines:
            lines[-1] = trial
        else:
            lines.append(w)
    text.set_text("\n".join(lines))


def fit_texts_in_axes(fig, ax, texts, grow: float = 1.08, rounds: int = 25) -> None:
    """Widen the x range until every text in ``texts`` ends inside the axes (bar annotations)."""
    renderer = fig.canvas.get_renderer()
    for _ in range(rounds):
        right = ax.get_window_extent(renderer).x1
        if all(t.get_window_extent(renderer).x1 <= right for t in texts):
            return
        lo, hi = ax.get_xlim()
        ax.set_xlim(lo, hi * grow)


def png_bytes(fig, dpi: float | None = None, text: dict | None = None, compress: bool = True) -> bytes:
    """The figure as PNG bytes with no timestamp or software metadata (byte-reproducible); ``text``
    adds PNG text chunks. ``compress=False`` skips compression, for a PNG that is only read back (and
    re-encoded) by :func:`quantize_png`: most of the time both steps took was spent compressing and
    uncompressing it."""
    buf = io.BytesIO()
    with plt.rc_context(RC):
        fig.savefig(buf, format="png", metadata={"Software": None, **(text or {})}, facecolor="white",
                    dpi=dpi or RC["savefig.dpi"], pil_kwargs={} if compress else {"compress_level": 0})
    return buf.getvalue()


# --------------------------------------------------------------------------- phone rendering
#: A chart's phone rendering: the same builder, run again at this width (inches). The fonts keep their
#: sizes in points, so on a 390-px phone, whose text column is 342 CSS px wide, the smallest text the
#: charts use (7.5 pt) shows at 7.5 / 72 × 342 / 3.2 ≈ 11.1 CSS px; the page shows it instead of the
#: desktop image below ``PHONE_MEDIA`` (a ``<picture>`` source: other screens never fetch it).
PHONE_WIDTH_IN = 3.2
#: Below this width (inches) the chart kinds switch to their narrow layouts.
NARROW_IN = 5.0
PHONE_MEDIA = "(max-width: 600px)"
PHONE_DPI = 216  # sharp on phone screens of 2–3 device pixels per CSS pixel
#: The smallest text a phone rendering may carry, in CSS px on a 390-px screen, and that column's width.
MIN_TEXT_PX, PHONE_COLUMN_PX = 11, 342
#: PNG text chunk: the height of the image's smallest text, in image pixels (read back by the tests).
TEXT_CHUNK = "explainer-min-text-px"
#: PNG text chunk with every word a chart shows (its titles, labels, ticks, legend, source line).
WORDS_CHUNK = "Description"


def chart_words(fig) -> str:
    """Every text a drawn figure shows, one per line (the figure must have been drawn, e.g. saved)."""
    from matplotlib.text import Text

    return "\n".join(t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip())


def redrawable(builder):
    """Decorator for a chart builder taking ``width=``: the figure remembers how to draw itself again at
    another width (:func:`show` draws the phone rendering that way). The outermost builder wins, so a
    builder that post-processes another's figure is redrawn whole."""
    import functools

    @functools.wraps(builder)
    def wrapper(*args, **kwargs):
        fig = builder(*args, **kwargs)
        fig._explainer_redraw = lambda **over: builder(*args, **{**kwargs, **over})
        return fig

    return wrapper


def then(fig, step, *args, **kwargs):
    """Apply ``step(fig, *args, **kwargs)`` to ``fig`` now and to every redrawing of it (a chapter's own
    finishing touch, e.g. moving end labels apart, reaches the phone rendering too)."""
    step(fig, *args, **kwargs)
    redraw = getattr(fig, "_explainer_redraw", None)
    if redraw is not None:
        def again(**over):
            f = redraw(**over)
            step(f, *args, **kwargs)
            return f
        fig._explainer_redraw = again
    return fig


def drawn_texts(fig) -> list:
    """The texts a figure shows: titles, labels, annotations, legends and the tick labels in view."""
    from matplotlib.text import Text

    fig.canvas.draw()
    ticks = set()
    for ax in fig.axes:
        for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = min(lo, hi), max(lo, hi)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks.add(id(tick.label2))
                if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    ticks.add(id(tick.label1))
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and id(t) not in ticks]


def text_problems(fig, texts: list | None = None) -> list[str]:
    """Texts that overlap another or run past the figure's edge (empty: the layout is clean). ``texts``:
    the figure's :func:`drawn_texts`, if they were just taken."""
    texts = drawn_texts(fig) if texts is None else texts
    renderer = fig.canvas.get_renderer()
    boxes = [(t, t.get_window_extent(renderer)) for t in texts]
    W, H = fig.bbox.width, fig.bbox.height
    out = [f"{t.get_text()[:40]!r} runs past the edge" for t, b in boxes
           if b.x0 < -1 or b.y0 < -1 or b.x1 > W + 1 or b.y1 > H + 1]
    ticks = {id(t) for ax in fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels()}
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1:]:
            # tick labels must also keep a few pixels apart, or they read as one ("US$20MUS$40M")
            gap = -4 if id(a) in ticks and id(b) in ticks else 1
            if min(ba.x1, bb.x1) - max(ba.x0, bb.x0) > gap and min(ba.y1, bb.y1) - max(ba.y0, bb.y0) > 1:
                out.append(f"{a.get_text()[:40]!r} overlaps {b.get_text()[:40]!r}")
    return out


def min_text_pt(fig, texts: list | None = None) -> float:
    return min(t.get_fontsize() for t in (drawn_texts(fig) if texts is None else texts))


#: The columns of the tables charts publish that are not columns of the data (whose names the data package
#: gives): a count, and a span's or a reward's dates. Their names in the reader's language: i18n.column_name.
CHART_COLUMNS = (N_("claims"), N_("end"), N_("since"), N_("since_event"), N_("latest"))
#: How a table for readers writes true and false (i18n.readers_table).
TRUTH = (N_("yes"), N_("no"))


class Chart:
    """A finished chart: shows as ``<figure>`` with real alt text in HTML and in JupyterLab, and, when its
    builder is :func:`redrawable`, a phone rendering the page shows on small screens. It renders and
    writes nothing: :func:`save` writes a chart's files where a reader asks for them."""

    def __init__(self, fig, name: str, alt: str, caption: str | None = None, colors: int | None = 64,
                 data: pd.DataFrame | None = None, table: str | None = None):
        self.name, self.alt, self.caption = name, alt, caption
        self.csv = chart_csv(readers_table(data, table)) if data is not None else None
        redraw = getattr(fig, "_explainer_redraw", None)
        self.png = png_bytes(fig, compress=not colors)
        words = {WORDS_CHUNK: chart_words(fig)}  # what the chart says, for checks of its language
        if colors:  # charts have few flat colours: a palette keeps them intact and the page light
            self.png = quantize_png(self.png, colors, words)
        plt.close(fig)
        self.phone_png, self.phone_problems = None, []
        if redraw is not None:
            import warnings

            token = _DRAW_DPI.set(PHONE_DPI)
            try:
                with warnings.catch_warnings(record=True) as caught:  # e.g. a layout that cannot fit
                    warnings.simplefilter("always")
                    phone = redraw(width=PHONE_WIDTH_IN)
                    texts = drawn_texts(phone)  # one drawing for both checks
                    self.phone_problems = text_problems(phone, texts)
            finally:
                _DRAW_DPI.reset(token)
            self.phone_problems += [str(w.message) for w in caught]
            smallest = min_text_pt(phone, texts) * PHONE_DPI / 72
            self.phone_png = png_bytes(phone, dpi=PHONE_DPI, text={TEXT_CHUNK: f"{smallest:.1f}"},
                                       compress=not colors)
            if colors:
                self.phone_png = quantize_png(self.phone_png, colors)
            plt.close(phone)
            if self.phone_problems:  # a phone layout with clashing text is worse than none
                self.phone_png = None
        self.lang = i18n.lang()

    def _repr_html_(self) -> str:
        b64 = base64.b64encode(self.png).decode()
        cap = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        downloads = ""
        if self.csv is not None:  # the chart's numbers travel with the page (and with the notebook)
            csv64 = base64.b64encode(self.csv.encode("utf-8")).decode()
            downloads = (f'<p class="chart-downloads"><a href="data:text/csv;charset=utf-8;base64,{csv64}" '
                         f'download="{html.escape(self.name)}.csv">{html.escape(tr("Chart data (CSV)"))}</a></p>')
        img = (f'<img src="data:image/png;base64,{b64}" alt="{html.escape(self.alt, quote=True)}" '
               f'style="max-width:100%;height:auto" />')
        if self.phone_png is not None:
            phone64 = base64.b64encode(self.phone_png).decode()
            img = (f'<picture><source media="{PHONE_MEDIA}" srcset="data:image/png;base64,{phone64}" />'
                   f'{img}</picture>')
        return (f'<figure class="explainer-chart" id="chart-{html.escape(self.name)}">'
                f'{img}{cap}{downloads}</figure>')


def show(fig, name: str, alt: str, caption: str | None = None, colors: int | None = 64, *,
         data: pd.DataFrame, table: str | None = None) -> Chart:
    """Finish a chart for display: ``alt`` must say what the chart shows (checked: not empty), and
    ``data`` is the table it draws, published beside it as CSV so readers can lift its numbers, in the
    page's language (``table``: the data table its rows are, as stored, whose text and codes are then
    translated; see :func:`explainer.i18n.readers_table`).

    The PNG is reduced to a palette of at most ``colors`` colours (``None`` keeps full colour).
    """
    if not alt or len(alt) < 20 or alt.lower().startswith(("figure", "chart", "image")):
        raise ValueError(f"chart {name!r}: alt text must describe what the chart shows, got {alt!r}")
    if data is None or len(data) == 0:
        raise ValueError(f"chart {name!r}: give the rows it draws as data=")
    return Chart(fig, name, alt, caption, colors, data=data, table=table)


def save(chart: Chart, directory: Path | str = "figures") -> list[Path]:
    """Write ``chart`` as files in ``directory`` (created if need be): ``<name>.png`` and, if it has data,
    ``<name>.csv``; a chart drawn in another language than English gets the language in its names
    (``<name>.es.png``). Returns the paths written. The book's build publishes every chart itself; this is
    for a reader who wants the files from a notebook."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stem = chart.name if chart.lang == "en" else f"{chart.name}.{chart.lang}"
    written = [directory / f"{stem}.png"]
    written[0].write_bytes(chart.png)
    if chart.csv is not None:
        written.append(directory / f"{stem}.csv")
        written[-1].write_text(chart.csv, encoding="utf-8")
    return written


def chart_csv(data: pd.DataFrame) -> str:
    """A chart's table as CSV: dates as ISO days, lists joined with ';', LF line endings."""
    d = data.copy()
    for col in d.columns:
        if pd.api.types.is_datetime64_any_dtype(d[col]):
            d[col] = d[col].dt.strftime("%Y-%m-%d")
        elif d[col].map(lambda v: isinstance(v, (tuple, list))).any():
            d[col] = d[col].map(lambda v: ";".join(map(str, v)) if isinstance(v, (tuple, list)) else v)
    return d.to_csv(index=False, lineterminator="\n")


def fmt_count(n: float) -> str:
    """12 → '12'; 58,200 → '58k'; 2,860,000 → '2.86M' (Spanish: '58 mil', '2,86 M')."""
    from .text import count, decimal

    n = float(n)
    es = i18n.lang() == "es"
    if n >= 1_000_000:
        m = decimal(float(f"{n / 1_000_000:.2f}"), "g")
        return f"{m} M" if es else f"{m}M"
    if n >= 10_000:
        return f"{n / 1000:.0f} mil" if es else f"{n / 1000:.0f}k"
    return count(n)


def month_year_formatter():
    """Date ticks as 'Jul 2025' ('jul 2025' in Spanish): the house short date at month precision."""
    from matplotlib.ticker import FuncFormatter

    from .text import format_date

    return FuncFormatter(lambda x, _pos: format_date(mdates.num2date(x).date(), "month", short=True))


def fmt_usd(n: float) -> str:
    """Dollar amounts on charts: '$5M' (the house style for prose is :func:`explainer.text.usd`)."""
    return usd(n, short=True)


def mpl_escape(text: str) -> str:
    """Escape ``$`` so matplotlib draws dollar amounts as text, not as mathtext."""
    return str(text).replace("$", r"\$")


def spread_positions(values: list[float], min_gap: float) -> list[float]:
    """Nudge label positions apart so neighbours are at least ``min_gap`` apart, keeping their order and
    moving each group of colliding values symmetrically around its mean (values in any order)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    clusters: list[list[int]] = []  # each: indices, in ascending order of value
    for i in order:
        clusters.append([i])
        while len(clusters) > 1:
            a, b = clusters[-2], clusters[-1]
            top_a = _cluster_positions(values, a, min_gap)[-1]
            bottom_b = _cluster_positions(values, b, min_gap)[0]
            if bottom_b - top_a >= min_gap - 1e-12:
                break
            clusters[-2:] = [a + b]
    out = [float(v) for v in values]
    for c in clusters:
        for i, p in zip(c, _cluster_positions(values, c, min_gap)):
            out[i] = p
    return out


def _cluster_positions(values, idx, gap):
    mean = sum(values[i] for i in idx) / len(idx)
    start = mean - gap * (len(idx) - 1) / 2
    return [start + gap * k for k in range(len(idx))]


# --------------------------------------------------------------------------- kinds of chart
@redrawable
def ranked_bars(labels, values, *, highlight=None, annotations=None, title: str, xlabel: str,
                source: str, as_of: str, value_fmt=fmt_count, subtitle: str | None = None,
                legend: tuple[str, str] | None = None, width: float = 8.0):
    """Horizontal bars, largest at the top; ``highlight`` is a list of booleans (drawn in vermillion).

    On a narrow figure (a phone rendering) each bar's label, and its annotation, is written above the bar
    across the whole width instead of beside it, and only the value follows the bar."""
    labels, values = list(labels), list(values)
    highlight = list(highlight) if highlight is not None else [False] * len(values)
    order = sorted(range(len(values)), key=lambda i: values[i])
    narrow = width < NARROW_IN
    other = MUTED if any(highlight) else BASE
    colors = [HIGHLIGHT if highlight[i] else other for i in order]
    if narrow:  # each label (with its annotation) in lines above its bar, across the figure's width
        texts = [labels[i] + (f" ({annotations[i]})" if annotations is not None and annotations[i] else "")
                 for i in order]
        texts = [wrap_inches(t, 9, width - 0.35) for t in texts]
        n_lines = max(t.count("\n") + 1 for t in texts)
        row_in = 0.45 + 0.16 * n_lines
        spare = 1.3 if legend else 0.0  # an empty row at the bottom for the legend
        fig, ax = figure(width, row_in * (len(values) + spare) + 1.9)
        ax.barh(list(range(len(order))), [values[i] for i in order], color=colors, height=0.28 / row_in)
        ax.set_yticks([])
        ax.set_ylim(-0.5 - spare, len(order) - 0.5 + 0.2 / row_in)
        for y, t in enumerate(texts):
            ax.text(0, y + 0.2 / row_in, t, va="bottom", ha="left", fontsize=9, color="#222222",
                    linespacing=1.1)
    else:
        fig, ax = figure(width, max(2.5, 0.38 * len(values) + 1.4))
        ax.barh(list(range(len(order))), [values[i] for i in order], color=colors, height=0.7)
        ax.set_yticks(list(range(len(order))), [labels[i] for i in order])
    ys = range(len(order))
    top = max(values) if values else 1
    notes = []
    for y, i in zip(ys, order):
        note = f"  {value_fmt(values[i])}"
        if not narrow and annotations is not None and annotations[i]:
            note += f" ({annotations[i]})"
        notes.append(ax.text(values[i], y, note, va="center", fontsize=9, color=INK))
    ax.set_xlim(0, top * 1.35)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: value_fmt(v)))
    if narrow:  # few ticks, so that wide labels ("US$20M") keep apart on a phone
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=3))
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    if legend:
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=HIGHLIGHT, label=legend[0]), Patch(color=MUTED, label=legend[1])],
                  loc="lower right", frameon=False)
    finish(fig, ax, title, source, as_of, subtitle)
    fit_texts_in_axes(fig, ax, notes)
    return fig


@redrawable
def matrix(table: pd.DataFrame, *, title: str, source: str, as_of: str, subtitle: str | None = None,
           row_labels: dict | None = None, col_labels: dict | None = None, width: float = 8.5):
    """A dot matrix of a boolean table (rows × columns); columns sorted by how many rows have them. Narrow
    (a phone), each row's label stands above its dots, so the dots take the whole width, and the column
    labels stand on end."""
    t = table.astype(bool)
    t = t.loc[:, t.sum().sort_values(ascending=False).index]
    t = t.loc[t.sum(axis=1).sort_values(ascending=True).index]
    narrow = width < NARROW_IN
    rows = [(row_labels or {}).get(r, r) for r in t.index]
    fig, ax = figure(width, (0.42 * len(t) + 3.4) if narrow else (0.42 * len(t) + 2.2))
    for y, (_, row) in enumerate(t.iterrows()):
        for x, v in enumerate(row):
            ax.plot([x], [y], "o", ms=(8 if v else 3) if narrow else (11 if v else 4),
                    color=BASE if v else PALETTE["light"])
        if narrow:
            ax.text(-0.45, y + 0.3, rows[y], fontsize=8.5, color=INK, ha="left", va="bottom")
    ax.set_xticks(range(t.shape[1]), [(col_labels or {}).get(c, c) for c in t.columns],
                  rotation=90 if narrow else 35, ha="center" if narrow else "right")
    ax.set_yticks(range(len(t)), [] if narrow else rows)
    if narrow:
        ax.tick_params(labelsize=8)
    ax.set_xlim(-0.6, t.shape[1] - 0.4)
    ax.set_ylim(-0.6, len(t) - 0.4 + (0.5 if narrow else 0))
    for s in ("left", "bottom"):
        ax.spines[s].set_visible(False)
    ax.tick_params(length=0)
    finish(fig, ax, title, source, as_of, subtitle)
    return fig


@redrawable
def lines(df: pd.DataFrame, *, x: str, y: str, group: str, title: str, ylabel: str, source: str,
          as_of: str, subtitle: str | None = None, hollow: str | None = None, labels: dict | None = None,
          highlight: list | None = None, width: float = 8.0, value_fmt=fmt_count):
    """One line per group; points where column ``hollow`` is true are drawn hollow (e.g. 'over N')."""
    fig, ax = figure(width, 4.8 if width >= NARROW_IN else 5.8)
    cols = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]
    groups = list(dict.fromkeys(df.sort_values(y, ascending=False)[group]))
    for i, g in enumerate(groups):
        sub = df[df[group] == g].sort_values(x)
        c = cols[i % len(cols)]
        ax.plot(sub[x], sub[y], "-", color=c, lw=2 if (not highlight or g in highlight) else 1.2)
        for _, r in sub.iterrows():
            filled = not (hollow and bool(r[hollow]))
            ax.plot([r[x]], [r[y]], "o", color=c, mfc=c if filled else "white", ms=6)
        last = sub.iloc[-1]
        ax.text(last[x], last[y], f"  {(labels or {}).get(g, g)}", va="center", fontsize=9, color=c)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: value_fmt(v)))
    ax.grid(axis="y")
    ax.set_axisbelow(True)
    ax.margins(x=0.12)
    finish(fig, ax, title, source, as_of, subtitle)
    return fig


@redrawable
def cumulative_range(df: pd.DataFrame, *, x: str, low: str, high: str, title: str, ylabel: str,
                     source: str, as_of: str, subtitle: str | None = None, marks: pd.Series | None = None,
                     mark_label: str | None = None, width: float = 8.0):
    """A cumulative tally drawn as a band from ``low`` to ``high`` (outlets' counts differ)."""
    d = df.sort_values(x)
    fig, ax = figure(width, 4.5)
    ax.fill_between(d[x], d[low], d[high], step="post", color=MUTED, alpha=0.6, label="range of tallies")
    ax.step(d[x], d[low], where="post", color=BASE, lw=2, label="lowest tally")
    ax.plot(d[x], d[high], "o", color=BASE, ms=4)
    if marks is not None and marks.any():
        m = d[marks.loc[d.index].astype(bool)]
        ax.plot(m[x], m[high], "D", color=HIGHLIGHT, ms=8, label=mark_label, zorder=5)
    for _, r in d.iterrows():
        lab = f"{r[low]:.0f}" if r[low] == r[high] else f"{r[low]:.0f}–{r[high]:.0f}"
        ax.annotate(lab, (r[x], r[high]), textcoords="offset points", xytext=(0, 6), ha="center",
                    fontsize=8)
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_formatter(month_year_formatter())
    ax.grid(axis="y")
    ax.set_axisbelow(True)
    ax.legend(frameon=False, loc="upper left")
    finish(fig, ax, title, source, as_of, subtitle)
    return fig


# --------------------------------------------------------------------------- lighter PNGs
#: The colours charts draw with (series, lanes, legend swatches, text): a palette keeps each of them
#: exactly, so that compression cannot merge two that a legend tells apart.
KEY_COLORS = [*PALETTE.values(), MUTED, "#FFFFFF", "#111111", "#222222", "#333333", "#444444", "#555555",
              "#999999", "#DDDDDD", "#E5E5E5", "#EEEEEE", "#F0F0F0"]
#: A key colour counts as drawn when at least this many pixels have it exactly.
KEY_MIN_PIXELS = 20
#: PNG text chunk naming the key colours a chart draws (read back by the tests on the shipped files).
KEY_CHUNK = "explainer-key-colors"


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def key_colors_drawn(png: bytes) -> list[str]:
    """The house colours (:data:`KEY_COLORS`) a full-colour PNG draws with, as '#RRGGBB'."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    counts = {rgb: n for n, rgb in img.getcolors(maxcolors=img.width * img.height)}
    return [c.upper() for c in dict.fromkeys(KEY_COLORS) if counts.get(_rgb(c), 0) >= KEY_MIN_PIXELS]


def to_palette(img, palette: list[tuple[int, int, int]]):
    """``img`` (RGB) as a palette image: each pixel becomes its nearest palette colour, exactly (Pillow's
    own conversion looks colours up at reduced precision, which shifts even white to (251, 251, 251))."""
    import numpy as np
    from PIL import Image

    arr = np.asarray(img, dtype=np.uint8)
    codes = (arr[..., 0].astype(np.int32) << 16) | (arr[..., 1].astype(np.int32) << 8) | arr[..., 2]
    uniq, inverse = np.unique(codes.ravel(), return_inverse=True)
    rgb = np.stack([(uniq >> 16) & 255, (uniq >> 8) & 255, uniq & 255], axis=1)
    pal = np.array(palette, dtype=np.int32)
    nearest = ((rgb[:, None, :] - pal[None, :, :]) ** 2).sum(axis=2).argmin(axis=1).astype(np.uint8)
    out = Image.fromarray(nearest[inverse].reshape(codes.shape), mode="P")
    out.putpalette([v for c in palette for v in c])
    return out


def quantize_png(png: bytes, colors: int = 48, text: dict | None = None) -> bytes:
    """The PNG reduced to a palette (no dithering): every house colour it draws (:data:`KEY_COLORS`) is
    kept exactly, and at most ``colors`` more, chosen by median cut, carry the anti-aliased edges.

    Charts have few flat colours, so the file shrinks 3–4× while no two colours of a legend merge (a
    palette of median-cut colours alone turned the orange of "Rewards" into the vermillion of "Charges").
    The colours kept are named in a text chunk (:data:`KEY_CHUNK`); the output is byte-reproducible.
    """
    from PIL import Image, PngImagePlugin

    img = Image.open(io.BytesIO(png)).convert("RGB")
    keys = key_colors_drawn(png)
    adaptive = img.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    flat = adaptive.getpalette()[: 3 * colors]
    extra = [tuple(flat[i:i + 3]) for i in range(0, len(flat), 3)]
    palette = [_rgb(k) for k in keys]
    palette += [c for c in extra if all(sum((a - b) ** 2 for a, b in zip(c, k)) > 36 for k in palette)]
    palette = palette[:256]
    out = to_palette(img, palette)
    info = PngImagePlugin.PngInfo()
    for k, v in {**Image.open(io.BytesIO(png)).text, **(text or {})}.items():  # the chart's text chunks
        info.add_text(k, v)
    info.add_text(KEY_CHUNK, " ".join(keys))
    buf = io.BytesIO()
    out.save(buf, format="PNG", optimize=True, pnginfo=info)
    return buf.getvalue()


# --------------------------------------------------------------------------- the timeline engine
@lru_cache(maxsize=65536)
def text_width_in(text: str, fontsize: float, weight: str = "normal") -> float:
    """Width in inches of ``text`` set in the house font at ``fontsize`` points (its advance width, from
    the font's metrics: as Matplotlib lays the text out, without drawing it)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(family=RC["font.family"], size=fontsize, weight=weight)
    return text_to_path.get_text_width_height_descent(str(text), prop, ismath=False)[0] / 72.0


def stack_levels(intervals, anchors, gap: float = 0.0) -> list[int]:
    """Give each label a level (1 = just above its lane's baseline) so that no two labels overlap
    and, where possible, no leader line (a vertical line from the baseline up to its label, at
    ``anchors[i]``) runs through another label. ``intervals`` are the labels' horizontal extents
    (start, end) in axis units. Returns the levels in the order given.

    A label that spans no other label's leader is placed first, so it ends up lower; if
    labels block each other both ways, the lowest level without an overlap is used (labels never
    overlap; only then may a leader cross a label)."""
    iv = [(float(min(a, b)), float(max(a, b))) for a, b in intervals]
    xs = [float(x) for x in anchors]
    n = len(iv)

    def covers(j, i):  # label j's extent lies over label i's leader
        return j != i and iv[j][0] - gap <= xs[i] <= iv[j][1] + gap

    remaining, order = set(range(n)), []
    while remaining:
        free = [i for i in remaining if not any(covers(i, j) for j in remaining)]
        pick = min(free or remaining, key=lambda i: (xs[i], i))
        order.append(pick)
        remaining.remove(pick)
    levels = [0] * n
    placed: list[int] = []
    for i in order:
        (a, b), x = iv[i], xs[i]
        chosen = None
        for strict in (True, False):
            for lev in range(1, n + 1):
                clash = False
                for j in placed:
                    (pa, pb), px, pl = iv[j], xs[j], levels[j]
                    if pl == lev and a < pb + gap and pa < b + gap:
                        clash = True  # the two labels overlap
                    elif strict and pl > lev and a - gap <= px <= b + gap:
                        clash = True  # the other label's leader would cross this label
                    elif strict and pl < lev and pa - gap <= x <= pb + gap:
                        clash = True  # this label's leader would cross the other label
                    if clash:
                        break
                if not clash:
                    chosen = lev
                    break
            if chosen is not None:
                break
        levels[i] = chosen
        placed.append(i)
    return levels


@redrawable
def timeline(events: pd.DataFrame, *, lanes: dict, title: str, source: str, as_of: str,
             date: str = "date", end: str = "end", label: str = "label", lane: str = "lane",
             subtitle: str | None = None, colors: dict | None = None, width: float = 8.5,
             start=None, stop=None, fontsize: float = 8.5, year_step: int = 2, highlight: str | None = None,
             vertical: bool = False):
    """The book's one timeline engine: events on lanes (``lanes``: key → title, in order), each a dot
    coloured by its lane, its label joined to it by a thin leader line so that no two labels overlap.
    ``highlight`` names an ``event_id`` drawn larger, its label in bold.

    Across (the default): one horizontal lane per key, top to bottom. A row with an ``end`` is a hatched
    bar from ``date`` to ``end`` (a span: e.g. a date that sources dispute). Labels sit above their lane,
    stacked in as many rows as needed (:func:`stack_levels`); a label that would run past the right edge
    is set to the left of its dot; an event with an empty label is a dot alone. Spans shorter than four
    years get month ticks, longer ones a tick every ``year_step`` years.

    ``vertical=True``, for few events with long labels: one date axis down the page (earliest at the
    top), labels on the right after their short date, spread apart (:func:`spread_positions`), and the
    lanes as a colour legend.
    """
    if vertical:
        return _vertical_timeline(events, lanes=lanes, title=title, source=source, as_of=as_of, date=date,
                                  label=label, lane=lane, subtitle=subtitle, colors=colors, width=width,
                                  fontsize=fontsize, highlight=highlight)
    ev = events.sort_values([date] + (["event_id"] if "event_id" in events else []),
                            kind="stable").reset_index(drop=True)
    ev[label] = ev[label].fillna("").astype(str)
    if width < NARROW_IN:  # a phone rendering: labels break into lines, each stack level as tall as they are
        ev[label] = [wrap_inches(t, fontsize, (width - 0.6) * 0.5) if t else t for t in ev[label]]
    step = max([str(t).count("\n") + 1 for t in ev[label]], default=1)
    cols = [PALETTE[k] for k in ("blue", "vermillion", "green", "purple", "orange", "sky", "black")]
    colors = colors or {k: cols[i % len(cols)] for i, k in enumerate(lanes)}
    unknown = sorted(set(ev[lane]) - set(lanes))
    if unknown:
        raise ValueError(f"events in lanes that are not listed in `lanes`: {unknown}")
    ends = [pd.Timestamp(e) if (end in ev.columns and pd.notna(e)) else None
            for e in (ev[end] if end in ev.columns else [None] * len(ev))]
    x0 = mdates.date2num(pd.Timestamp(start)) if start is not None else \
        mdates.date2num(ev[date].min()) - 180
    x1 = mdates.date2num(pd.Timestamp(stop)) if stop is not None else \
        mdates.date2num(max([pd.Timestamp(d) for d in ev[date]] + [e for e in ends if e is not None])) + 180
    per_in = (x1 - x0) / max(width - 0.6, 1.0)  # axis units per inch (conservative axis width)
    pad = 0.08 * per_in
    # 1. levels per lane
    layout = {}
    for key in lanes:
        idx = [i for i in range(len(ev)) if ev.at[i, lane] == key]
        xs = {i: mdates.date2num(pd.Timestamp(ev.at[i, date])) for i in idx}
        items = []
        for i in idx:
            if not ev.at[i, label]:
                continue  # a dot alone: nothing to place
            x = xs[i]
            w = max(text_width_in(part, fontsize) for part in str(ev.at[i, label]).split("\n")) * per_in
            # set the label right of its dot unless it would run off the chart, or unless setting
            # it left of the dot spans fewer of the lane's other dots
            options = []
            for right, (a, b) in ((False, (x, x + w)), (True, (x - w, x))):
                fits = (a - pad >= x0) if right else (b + pad <= x1)  # the far end stays inside
                covered = sum(1 for j in idx if j != i and a - pad <= xs[j] <= b + pad)
                options.append((not fits, covered, right, (a, b)))
            _, _, right, span = min(options)
            items.append((i, x, span, right))
        lev = stack_levels([t[2] for t in items], [t[1] for t in items], gap=pad)
        layout[key] = [(t[0], t[1], t[3], lv) for t, lv in zip(items, lev)]
        layout[key] += [(i, xs[i], False, None) for i in idx if not ev.at[i, label]]
    # 2. vertical positions, in rows of text (top lane first)
    rows_total = sum(max([t[3] or 0 for t in layout[k]], default=0) * step + 2.6 for k in lanes)
    row_in = fontsize / 72 * 1.9
    fig, ax = figure(width, rows_total * row_in + 1.9)
    y = 0.0
    for key, name in lanes.items():
        c = colors.get(key, BASE)
        top = max([t[3] or 0 for t in layout[key]], default=0)
        y_title = y - 0.6
        base = y_title - 0.9 - top * step
        ax.plot([x0 + 0.004 * (x1 - x0)], [y_title], "s", color=c, ms=7, zorder=4)
        ax.text(x0 + 0.02 * (x1 - x0), y_title, name, fontsize=fontsize + 1.2, fontweight="bold",
                va="center", ha="left", color=INK_STRONG, zorder=4).set_in_layout(False)
        ax.plot([x0, x1], [base, base], color=RULE, lw=1, zorder=1)
        for i, x, right, lv in layout[key]:
            row = ev.iloc[i]
            e = ends[i]
            big = highlight is not None and row.get("event_id") == highlight
            if e is not None:
                xe = mdates.date2num(e)
                ax.barh(base, xe - x, left=x, height=0.55, color=c, alpha=0.25, edgecolor=c, lw=1.2,
                        hatch="////", zorder=2)
                ax.plot([x, xe], [base, base], "|", color=c, ms=12, mew=2, zorder=3)
            else:
                ax.plot([x], [base], "o", color=c, ms=10 if big else 7, markeredgecolor="white", zorder=3)
            if lv is None:
                continue
            ly = base + 0.9 + (lv - 1) * step + (step - 1) / 2
            ax.plot([x, x], [base + 0.3, ly - step / 2 + 0.08], color=LEADER, lw=0.7, zorder=1)
            ax.text(x, ly, mpl_escape(row[label]), fontsize=fontsize, ha="right" if right else "left",
                    va="center", color=INK_STRONG if big else INK, zorder=4,
                    fontweight="bold" if big else "normal", gid=f"label:{row.get('event_id', i)}"
                    ).set_in_layout(False)  # placed to fit inside the axes
        y = base - 0.7
    ax.set_xlim(x0, x1)
    ax.set_ylim(y + 0.1, 0.1)
    ax.xaxis_date()
    if x1 - x0 < 4 * 365:
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[1, 7]))
        ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=[4, 10]))
        ax.xaxis.set_major_formatter(month_year_formatter())
    else:
        ax.xaxis.set_major_locator(mdates.YearLocator(year_step))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_yticks([])
    ax.grid(axis="x", color=GRID)
    ax.set_axisbelow(True)
    for s in ("left", "right", "top"):
        ax.spines[s].set_visible(False)
    finish(fig, ax, title, source, as_of, subtitle)
    return fig


def _vertical_timeline(events: pd.DataFrame, *, lanes: dict, title: str, source: str, as_of: str, date: str,
                       label: str, lane: str, subtitle: str | None, colors: dict | None, width: float,
                       fontsize: float, highlight: str | None):
    """:func:`timeline` down a vertical date axis (see there)."""
    from matplotlib.lines import Line2D

    from .text import format_date

    colors = colors or {k: c for k, c in zip(lanes, PALETTE.values())}
    ev = events.sort_values(date, kind="stable").reset_index(drop=True)
    narrow = width < NARROW_IN  # a phone rendering: the date on each label's first line, labels wrapped
    if narrow:
        ev[label] = [wrap_inches(t, fontsize + 1, width - 1.2) for t in ev[label].fillna("").astype(str)]
    lines = (max([str(t).count("\n") + 1 for t in ev[label]], default=1)) + (1 if narrow else 0)
    height = max(4.0, (0.42 + 0.17 * (lines - 1)) * len(ev) + 1.9)
    fig, ax = figure(width, height)
    ys = [mdates.date2num(pd.Timestamp(d)) for d in ev[date]]
    lo, hi = min(ys), max(ys)
    # Label slots one text line apart, in date units: the axis height in inches sets the scale.
    axes_h_in, extent = max(height - 1.7, 1.0), max(hi - lo, 1.0)
    for _ in range(4):
        gap = extent / axes_h_in * (0.24 + 0.17 * (lines - 1))
        label_y = spread_positions(ys, gap)
        extent = max(max(label_y), hi) - min(min(label_y), lo) + 1.6 * gap
    top, bottom = min(min(label_y), lo) - gap * 0.8, max(max(label_y), hi) + gap * 0.8
    ax.axvline(0, color=AXIS, lw=1.5, zorder=1)
    seen: dict[float, int] = {}
    for i, row in ev.iterrows():
        c = colors.get(row[lane], BASE)
        big = highlight is not None and row.get("event_id") == highlight
        k = seen.get(ys[i], 0)  # events on the same day sit side by side
        seen[ys[i]] = k + 1
        x0 = 0.045 * k
        ax.plot([x0], [ys[i]], "o", color=c, ms=10 if big else 7, markeredgecolor="white", zorder=3 + k)
        ax.plot([x0 + 0.02, 0.13, 0.17], [ys[i], label_y[i], label_y[i]], color=LEADER, lw=0.6, zorder=2)
        precision = row["date_precision"] if "date_precision" in ev.columns else "day"
        weight = "bold" if big else "normal"
        when = format_date(row[date], precision, short=True)
        if narrow:
            ax.text(0.19, label_y[i], f"{when}\n{mpl_escape(row[label])}", va="center", ha="left",
                    fontsize=fontsize + 1, color=INK_STRONG, fontweight=weight, linespacing=1.15,
                    gid=f"label:{row.get('event_id', i)}")
            continue
        ax.text(0.19, label_y[i], when, va="center", ha="left", fontsize=fontsize, color=INK_SOFT,
                fontweight=weight)
        ax.text(0.74, label_y[i], mpl_escape(row[label]), va="center", ha="left", fontsize=fontsize + 1,
                color=INK_STRONG, fontweight=weight, gid=f"label:{row.get('event_id', i)}")
    ax.set_xlim(-0.2, 2.85)
    ax.set_ylim(bottom, top)  # earliest at the top
    first, last = pd.Timestamp(mdates.num2date(top)).year, pd.Timestamp(mdates.num2date(bottom)).year
    for y in range(first, last + 2):
        yv = mdates.date2num(pd.Timestamp(f"{y}-01-01"))
        if top < yv < bottom:
            ax.plot([-0.03, 0.0], [yv, yv], color=RULE_STRONG, lw=1, zorder=1)
            ax.text(-0.05, yv, str(y), ha="right", va="center", fontsize=fontsize, color=TICK, fontweight="bold")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ("left", "bottom", "top", "right"):
        ax.spines[s].set_visible(False)
    used = [k for k in lanes if k in set(ev[lane])]
    handles = [Line2D([0], [0], marker="o", color="w", markerfacecolor=colors[k], markersize=8, label=lanes[k])
               for k in used]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0), ncol=1 if narrow else len(handles),
              frameon=False, fontsize=fontsize, handletextpad=0.3, columnspacing=1.2, borderaxespad=0.2)
    finish(fig, ax, title, source, as_of, subtitle)
    return fig
