"""The book's charts: one house style, one function per kind of chart.

Every chart is drawn on an opaque white background (it stays legible in dark mode), with a title that
states the finding, labelled axes, and a source line with an "as of" date inside the image. :func:`show`
displays it as an HTML ``<figure>`` whose ``<img>`` carries alt text computed from the data, and writes a
byte-reproducible PNG to ``figures/``.
"""
from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

#: Where chart PNGs are exported (EXPLAINER_FIGURES_DIR overrides it, e.g. for the determinism test).
FIGURES_DIR = Path(os.environ.get("EXPLAINER_FIGURES_DIR", Path(__file__).resolve().parent.parent / "figures"))

#: Okabe–Ito palette (safe for the common forms of colour blindness).
PALETTE = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
    "grey": "#8C8C8C", "light": "#D9D9D9",
}
HIGHLIGHT = PALETTE["vermillion"]
BASE = PALETTE["blue"]
MUTED = "#9DB7CF"

RC = {
    "figure.facecolor": "white", "axes.facecolor": "white", "savefig.facecolor": "white",
    "font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 13, "axes.titleweight": "bold",
    "axes.titlelocation": "left", "axes.spines.top": False, "axes.spines.right": False,
    "axes.edgecolor": "#444444", "axes.labelcolor": "#222222", "xtick.color": "#333333",
    "ytick.color": "#333333", "axes.grid": False, "grid.color": "#E5E5E5", "svg.hashsalt": "explainer",
    "figure.dpi": 100, "savefig.dpi": 144,
}


def figure(width: float = 8.0, height: float = 4.5, **kw):
    """A new figure and axes in the house style."""
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(width, height), **kw)
    fig.set_facecolor("white")
    return fig, ax


def finish(fig, ax, title: str, source: str, as_of: str, subtitle: str | None = None) -> None:
    """Title (the finding), optional subtitle and the source line with its as-of date."""
    ax.set_title(title, loc="left", fontsize=13, fontweight="bold", pad=24 if subtitle else 10)
    if subtitle:
        ax.text(0, 1.02, subtitle, transform=ax.transAxes, fontsize=10, color="#444444", va="bottom")
    fig.text(0.01, 0.01, f"Source: {source}. As of {as_of}.", fontsize=8, color="#555555",
             ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.05, 1, 1))


def png_bytes(fig) -> bytes:
    """The figure as PNG bytes with no timestamp or software metadata (byte-reproducible)."""
    buf = io.BytesIO()
    with plt.rc_context(RC):
        fig.savefig(buf, format="png", metadata={"Software": None}, facecolor="white")
    return buf.getvalue()


class Chart:
    """A finished chart: shows as ``<figure>`` with real alt text in HTML and in JupyterLab."""

    def __init__(self, fig, name: str, alt: str, caption: str | None = None):
        self.name, self.alt, self.caption = name, alt, caption
        self.png = png_bytes(fig)
        plt.close(fig)
        FIGURES_DIR.mkdir(exist_ok=True)
        (FIGURES_DIR / f"{name}.png").write_bytes(self.png)

    def _repr_html_(self) -> str:
        b64 = base64.b64encode(self.png).decode()
        cap = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return (f'<figure class="explainer-chart" id="chart-{html.escape(self.name)}">'
                f'<img src="data:image/png;base64,{b64}" alt="{html.escape(self.alt, quote=True)}" '
                f'style="max-width:100%;height:auto" />{cap}</figure>')


def show(fig, name: str, alt: str, caption: str | None = None) -> Chart:
    """Finish a chart for display: ``alt`` must say what the chart shows (checked: not empty)."""
    if not alt or len(alt) < 20 or alt.lower().startswith(("figure", "chart", "image")):
        raise ValueError(f"chart {name!r}: alt text must describe what the chart shows, got {alt!r}")
    return Chart(fig, name, alt, caption)


def fmt_count(n: float) -> str:
    """12 → '12'; 58,200 → '58k'; 2,860,000 → '2.86M'."""
    n = float(n)
    if n >= 1_000_000:
        return f"{n / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
    if n >= 10_000:
        return f"{n / 1000:.0f}k"
    return f"{n:,.0f}"


def fmt_usd(n: float) -> str:
    """5000000 → '$5M'; 2500000 → '$2.5M'."""
    m = n / 1_000_000
    return f"${m:g}M" if m >= 1 else f"${n:,.0f}"


# --------------------------------------------------------------------------- kinds of chart
def ranked_bars(labels, values, *, highlight=None, annotations=None, title: str, xlabel: str,
                source: str, as_of: str, value_fmt=fmt_count, subtitle: str | None = None,
                legend: tuple[str, str] | None = None, width: float = 8.0):
    """Horizontal bars, largest at the top; ``highlight`` is a list of booleans (drawn in vermillion)."""
    labels, values = list(labels), list(values)
    highlight = list(highlight) if highlight is not None else [False] * len(values)
    order = sorted(range(len(values)), key=lambda i: values[i])
    fig, ax = figure(width, max(2.5, 0.38 * len(values) + 1.4))
    ys = range(len(order))
    other = MUTED if any(highlight) else BASE
    colors = [HIGHLIGHT if highlight[i] else other for i in order]
    ax.barh(list(ys), [values[i] for i in order], color=colors, height=0.7)
    ax.set_yticks(list(ys), [labels[i] for i in order])
    top = max(values) if values else 1
    for y, i in zip(ys, order):
        note = f"  {value_fmt(values[i])}"
        if annotations is not None and annotations[i]:
            note += f" ({annotations[i]})"
        ax.text(values[i], y, note, va="center", fontsize=9, color="#222222")
    ax.set_xlim(0, top * 1.35)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: value_fmt(v)))
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    if legend:
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=HIGHLIGHT, label=legend[0]), Patch(color=MUTED, label=legend[1])],
                  loc="lower right", frameon=False)
    finish(fig, ax, title, source, as_of, subtitle)
    return fig


def timeline(events: pd.DataFrame, *, date: str = "date", label: str = "label", lane: str = "category",
             end: str | None = None, lanes: list[str] | None = None, lane_labels: dict | None = None,
             title: str, source: str, as_of: str, subtitle: str | None = None,
             colors: dict | None = None, width: float = 9.0, label_every: int = 1):
    """Events as dots on horizontal lanes; rows with an ``end`` date are drawn as spans (bars).

    Labels alternate above and below the dots so neighbours do not collide.
    """
    ev = events.sort_values(date).reset_index(drop=True)
    lanes = lanes or list(dict.fromkeys(ev[lane]))
    lane_labels = lane_labels or {}
    cols = list(PALETTE.values())
    colors = colors or {ln: cols[(i + 5) % 8] for i, ln in enumerate(lanes)}
    fig, ax = figure(width, 1.2 + 1.15 * len(lanes))
    for i, ln in enumerate(lanes):
        y = len(lanes) - 1 - i
        ax.axhline(y, color="#EEEEEE", lw=1, zorder=0)
        sub = ev[ev[lane] == ln].reset_index(drop=True)
        for j, row in sub.iterrows():
            c = colors.get(ln, BASE)
            x0 = mdates.date2num(pd.Timestamp(row[date]))
            if end and pd.notna(row.get(end)):
                x1 = mdates.date2num(pd.Timestamp(row[end]))
                ax.barh(y, x1 - x0, left=x0, height=0.28, color=c, alpha=0.45, edgecolor=c, zorder=2)
            else:
                ax.plot([x0], [y], "o", color=c, ms=7, zorder=3, markeredgecolor="white")
            if j % label_every == 0 and row[label]:
                dy = 0.22 if j % 2 == 0 else -0.22
                ax.text(x0, y + dy, row[label], fontsize=7.5, ha="left",
                        va="bottom" if dy > 0 else "top", rotation=0, color="#222222", zorder=4)
    ax.set_yticks(range(len(lanes)), [lane_labels.get(ln, ln) for ln in reversed(lanes)])
    ax.set_ylim(-0.7, len(lanes) - 0.3)
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    finish(fig, ax, title, source, as_of, subtitle)
    return fig


def matrix(table: pd.DataFrame, *, title: str, source: str, as_of: str, subtitle: str | None = None,
           row_labels: dict | None = None, col_labels: dict | None = None, width: float = 8.5):
    """A dot matrix of a boolean table (rows × columns); columns sorted by how many rows have them."""
    t = table.astype(bool)
    t = t.loc[:, t.sum().sort_values(ascending=False).index]
    t = t.loc[t.sum(axis=1).sort_values(ascending=True).index]
    fig, ax = figure(width, 0.42 * len(t) + 2.2)
    for y, (_, row) in enumerate(t.iterrows()):
        for x, v in enumerate(row):
            ax.plot([x], [y], "o", ms=11 if v else 4, color=BASE if v else PALETTE["light"])
    ax.set_xticks(range(t.shape[1]), [(col_labels or {}).get(c, c) for c in t.columns], rotation=35,
                  ha="right")
    ax.set_yticks(range(len(t)), [(row_labels or {}).get(r, r) for r in t.index])
    ax.set_xlim(-0.6, t.shape[1] - 0.4)
    ax.set_ylim(-0.6, len(t) - 0.4)
    for s in ("left", "bottom"):
        ax.spines[s].set_visible(False)
    ax.tick_params(length=0)
    finish(fig, ax, title, source, as_of, subtitle)
    return fig


def lines(df: pd.DataFrame, *, x: str, y: str, group: str, title: str, ylabel: str, source: str,
          as_of: str, subtitle: str | None = None, hollow: str | None = None, labels: dict | None = None,
          highlight: list | None = None, width: float = 8.0, value_fmt=fmt_count):
    """One line per group; points where column ``hollow`` is true are drawn hollow (e.g. 'over N')."""
    fig, ax = figure(width, 4.8)
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
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.grid(axis="y")
    ax.set_axisbelow(True)
    ax.legend(frameon=False, loc="upper left")
    finish(fig, ax, title, source, as_of, subtitle)
    return fig
