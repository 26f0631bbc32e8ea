"""Helpers for the chapter "Geopolitics: courts, designations and force as foreign policy".

* :func:`us_actions` picks the dated US government actions out of ``timeline.csv`` and puts each on a
  lane (designation, indictment, reward, military, deportation, court); :func:`actions_chart` draws them
  with the book's timeline engine, :func:`explainer.charts.timeline`.
* :func:`strikes_chart` draws the cumulative tallies of ``strikes.csv`` (deaths as a min–max band, the
  strike counts written above each tally, the strikes the administration tied to the gang marked).
* :func:`grouped_table` writes a two-column Markdown table, readable on a phone, whose rows cite their
  own sources and show their confidence label; every text cell is escaped so data cannot inject markup.
"""
from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
from matplotlib.text import Annotation
from matplotlib.ticker import FixedFormatter, FuncFormatter
import pandas as pd

from . import charts, i18n, style
from .data import confidence_word, country_name
from .i18n import N_, tr
from .text import and_list, calendar_months, cite, format_date, md_escape, span, when

#: The lanes of the US-actions chart, top to bottom, with their labels and colours (Okabe–Ito).
LANES = ["designation", "indictment", "reward", "military", "deportation", "court"]
LANE_COLORS = {c: style.CATEGORY_COLORS[c] for c in LANES}

#: The chart's name. Which events it labels (and on which side of the dot), and which rows it includes
#: or excludes against its rule (US government actions from 2024 on), are rows of data/figure_events.csv.
ACTIONS_FIGURE = "us-actions-2024-2026"
CROWDED_DAYS = 16  # strike tallies closer than this get their label written to the side

#: strikes.csv ``unit`` (what its counts count) → its word, singular and plural.
UNIT_WORDS = {"strikes": (N_("strike"), N_("strikes")), "boats": (N_("boat"), N_("boats"))}
#: The legend entries :func:`explainer.charts.cumulative_range` writes (in English): shown translated.
RANGE_LEGEND = {"range of tallies": N_("range of tallies"), "lowest tally": N_("lowest tally")}


def unit_word(unit: str, n: float = 2) -> str:
    """The word for ``n`` of a strikes.csv ``unit``: 'strikes', or 'strike' for one."""
    one, many = UNIT_WORDS[unit]
    return tr(many if n > 1 else one)



def month_tick(x, _pos=None) -> str:
    """A date-axis tick as 'Sep 2025' in the book's language (matplotlib's ``%b`` writes English only)."""
    return format_date(mdates.num2date(x), "month", short=True)


def localize_month_ticks(ax) -> None:
    """Rewrite an axis' '%b %Y' date ticks (a DateFormatter's, or the fixed labels left when ticks were
    thinned) with :func:`month_tick`; other tick labels are left as they are."""
    fmt = ax.xaxis.get_major_formatter()
    if isinstance(fmt, mdates.DateFormatter) and fmt.fmt == "%b %Y":
        ax.xaxis.set_major_formatter(FuncFormatter(month_tick))
    elif isinstance(fmt, FixedFormatter):
        def localized(text: str) -> str:
            try:
                return month_tick(mdates.date2num(dt.datetime.strptime(text, "%b %Y")))
            except ValueError:
                return text
        fmt.seq = [localized(str(t)) for t in fmt.seq]


def us_actions(timeline: pd.DataFrame, figure_events: pd.DataFrame, start: str = "2024-01-01") -> pd.DataFrame:
    """US government actions from ``start`` on, one row per event, with its chart ``label`` (or "").

    The rule: events in the United States on one of the :data:`LANES`, except comparator rewards (rows
    whose note starts with "Comparator"); the chart's ``include`` and ``exclude`` rows of
    ``figure_events`` override it, each with its reason. Labels come from its ``label`` rows.
    """
    t = timeline.copy()
    cat = t["category"].astype(str)
    include = set(charts.picks(figure_events, ACTIONS_FIGURE, "include").index)
    exclude = set(charts.picks(figure_events, ACTIONS_FIGURE, "exclude").index)
    us = (t["country_iso3"].astype(str) == "USA") | t["event_id"].isin(include)
    comparator = t["note"].fillna("").astype(str).str.startswith("Comparator")  # the stored notes
    keep = cat.isin(LANES) & us & ~comparator & ~t["event_id"].isin(exclude)
    keep &= t["date"] >= pd.Timestamp(start)
    out = t[keep].sort_values(["date", "event_id"]).reset_index(drop=True)
    out["category"] = out["category"].astype(str)
    labels = charts.picks(figure_events, ACTIONS_FIGURE)
    out["label"] = [i18n.say("figure_events", "label", labels["label"].get(e, "")) for e in out["event_id"]]
    return out


@charts.redrawable
def actions_chart(actions: pd.DataFrame, *, title: str, source: str, as_of: str,
                  subtitle: str | None = None, width: float = 8.0):
    """The US-actions timeline: one lane per kind of action, every action a dot, the chosen ones named
    (labels from ``figure_events``), drawn by the book's timeline engine."""
    pad = pd.Timedelta(days=25)
    fig = charts.timeline(actions, lanes={c: style.category_name(c) for c in LANES}, lane="category",
                          colors=LANE_COLORS, title=title, subtitle=subtitle, source=source, as_of=as_of,
                          width=width, fontsize=9, start=actions["date"].min() - pad,
                          stop=actions["date"].max() + pad)
    for ax in fig.axes:
        localize_month_ticks(ax)
    return fig


def actions_alt(actions: pd.DataFrame) -> str:
    """Alt text for :func:`actions_chart`: the span, the count per lane and the labelled events."""
    counts = actions["category"].value_counts()
    lanes = "; ".join(f"{style.category_name(c).lower()} {int(counts.get(c, 0))}"
                      for c in LANES)
    named = [f"{label} ({format_date(d)})" for label, d in zip(actions["label"], actions["date"]) if label]
    return tr("Timeline of {n} US government actions from {start} to {end}, one lane per kind of action "
              "({lanes}). Labelled: {named}.").format(
        n=len(actions), start=format_date(actions["date"].min()), end=format_date(actions["date"].max()),
        lanes=lanes, named=", ".join(named))


# --------------------------------------------------------------------------- strikes
def strike_tallies(strikes: pd.DataFrame) -> pd.DataFrame:
    """The tallies sorted by date, checked to be cumulative (media tallies and official counts each on
    their own), with readable ``killed``/``strikes`` ranges."""
    d = strikes.sort_values("as_of").reset_index(drop=True)
    for kind, rows in d.groupby(d["counted_by"].astype(str)):
        for col in ("strikes_min", "strikes_max", "killed_min", "killed_max"):
            if (rows[col].dropna().diff().dropna() < 0).any():  # an empty strike count is skipped
                raise ValueError(f"strikes.csv: {col} of the {kind} tallies goes down over time; "
                                 "tallies must be cumulative")
    d["killed"] = [span(a, b) for a, b in zip(d["killed_min"], d["killed_max"])]
    d["strikes"] = [None if pd.isna(a) else span(a, b) for a, b in zip(d["strikes_min"], d["strikes_max"])]
    return d


def strikes_label(r) -> str:
    """'43 killed, 10 strikes', '156 killed, 47 boats' (each tally in its own unit), or '168 killed' when
    the tally gives no count of strikes."""
    if pd.isna(r["strikes_min"]):
        return tr("{killed} killed").format(killed=r["killed"])
    return tr("{killed} killed, {n} {unit}").format(killed=r["killed"], n=r["strikes"],
                                                    unit=unit_word(str(r["unit"]), r["strikes_max"]))


@charts.redrawable
@charts.redrawable
def strikes_chart(strikes: pd.DataFrame, *, title: str, source: str, as_of: str,
                  subtitle: str | None = None, mark_label: str | None = None, official_label: str | None = None,
                  width: float = 8.0):
    """Cumulative reported deaths as a min–max band of the media tallies
    (:func:`explainer.charts.cumulative_range`), with each tally's count of strikes (or boats) written above
    it and the strikes named in ``tda_named`` marked; official counts (``counted_by`` official) are squares
    of their own, labelled below, and never join the band. Narrow (a phone), only the latest tally is
    labelled (every tally is in the chart's data and its alt text), the axis title is left to the subtitle,
    and the legend sits in the empty upper left, its entries broken into lines."""
    narrow = width < charts.NARROW_IN
    d = strike_tallies(strikes)
    media = d[d["counted_by"].astype(str) == "media"]
    official = d[d["counted_by"].astype(str) == "official"]
    if mark_label is None:
        mark_label = tr("strike tied to the gang by the US government")
    if official_label is None:
        official_label = tr("official count")
    fig = charts.cumulative_range(media, x="as_of", low="killed_min", high="killed_max", title=title,
                                  ylabel="" if narrow else tr("People killed (cumulative, as reported)"),
                                  source=source,
                                  as_of=as_of, subtitle=subtitle, marks=media["tda_named"].fillna(False),
                                  mark_label=mark_label, width=width)
    ax = fig.axes[0]
    for t in [t for t in ax.texts if isinstance(t, Annotation)]:
        t.remove()  # replaced by labels that give both counts and avoid close neighbours
    if len(official):
        ax.plot(official["as_of"], official["killed_max"], "s", color=charts.HIGHLIGHT, mfc="white", mew=2,
                ms=8, label=official_label, zorder=6, gid="official")
    latest = media["as_of"].idxmax() if len(media) else None
    for i, r in d.iterrows():
        if narrow and i != latest:
            continue
        label = strikes_label(r).replace(", ", "\n")
        x = mdates.date2num(r["as_of"])
        if str(r["counted_by"]) == "official":  # below its square: the band's labels sit above
            ax.annotate(label, (x, r["killed_min"]), textcoords="offset points", xytext=(0, -10),
                        ha="center", va="top", fontsize=9, color=charts.INK, gid=f"tally:{i}")
            continue
        later = media[media["as_of"] > r["as_of"]]
        crowded = len(later) > 0 and (later["as_of"].iloc[0] - r["as_of"]).days <= CROWDED_DAYS
        if crowded:  # a later tally follows within days: write this one to the left of its point
            ax.annotate(label, (x, r["killed_max"]), textcoords="offset points", xytext=(-8, 0),
                        ha="right", va="center", fontsize=9, color=charts.INK, gid=f"tally:{i}")
        else:  # narrow, the latest tally's label ends at its point, inside the figure
            ax.annotate(label, (x, r["killed_max"]), textcoords="offset points", xytext=(0, 8),
                        ha="right" if narrow and i == latest else "center", va="bottom", fontsize=9,
                        color=charts.INK, gid=f"tally:{i}")
    top = float(d["killed_max"].max())
    ax.set_ylim(0, top * 1.3)
    lo, hi = d["as_of"].min(), d["as_of"].max()
    ax.set_xlim(mdates.date2num(lo - pd.Timedelta(days=24)), mdates.date2num(hi + pd.Timedelta(days=28)))
    ax.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, round((hi - lo).days / 30 / 7))))
    ax.xaxis.set_major_formatter(FuncFormatter(month_tick))
    charts.thin_ticks(fig, ax)
    for artist in ax.collections + ax.lines:  # the band's and the line's legend entries, translated
        if artist.get_label() in RANGE_LEGEND:
            artist.set_label(tr(RANGE_LEGEND[artist.get_label()]))
    # the tallies climb from the lower left: the legend sits in the empty lower right, under the line
    # (narrow, in the upper left, which the tallies reach only at its right end)
    if narrow:
        import textwrap

        handles, texts = ax.get_legend_handles_labels()
        legend = ax.legend(handles, [textwrap.fill(t, 18) for t in texts], frameon=False, loc="upper left",
                           fontsize=8)
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))  # a tick each half year
        ax.xaxis.set_major_formatter(FuncFormatter(month_tick))
        legend.set_in_layout(False)  # it sits inside the axes: the axes keep the figure's width
        fig.set_size_inches(width, 6.0)
        charts.relayout(fig)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        share = legend.get_window_extent(renderer).height / ax.get_window_extent(renderer).height
        ax.set_ylim(0, top / max(0.3, 1 - share - 0.12))  # the tallies below the legend
        charts.thin_ticks(fig, ax)
    else:
        legend = ax.legend(frameon=False, loc="lower right", fontsize=9)
    labels = [t for t in ax.texts if (t.get_gid() or "").startswith("tally:")]
    lift_overlapping_labels(fig, ax, labels, avoid=[legend])
    for t in labels:  # a label lifted away from its point keeps a thin line to it
        if abs(t.xyann[1]) > 12:
            ax.annotate(t.get_text(), t.xy, textcoords="offset points", xytext=t.xyann, ha=t.get_ha(),
                        va=t.get_va(), fontsize=t.get_fontsize(), color=t.get_color(), gid=t.get_gid(),
                        arrowprops=dict(arrowstyle="-", color=charts.INK_SOFT, lw=0.6, shrinkA=1, shrinkB=3))
            t.remove()
    return fig


def lift_overlapping_labels(fig, ax, labels, avoid=(), pad_px: float = 3.0, passes: int = 4) -> None:
    """Move annotation ``labels`` up, in order, until none overlaps an earlier one or anything in ``avoid``,
    and raise the axes' top so that every label stays inside them."""
    renderer = fig.canvas.get_renderer()
    px_per_pt = fig.dpi / 72
    for _ in range(passes):
        placed = [a.get_window_extent(renderer) for a in avoid]
        for label in labels:
            for _ in range(50):
                box = label.get_window_extent(renderer)
                hits = [b for b in placed if box.overlaps(b)]
                if not hits:
                    break
                dx, dy = label.xyann
                label.xyann = (dx, dy + (max(b.y1 for b in hits) - box.y0 + pad_px) / px_per_pt)
            placed.append(label.get_window_extent(renderer))
        top_px = max((label.get_window_extent(renderer).y1 for label in labels), default=0) + pad_px
        if top_px <= ax.get_window_extent(renderer).y1:
            return
        lo, hi = ax.get_ylim()
        y_top = ax.transData.inverted().transform((0, top_px))[1]
        ax.set_ylim(lo, lo + (y_top - lo) * 1.05)


def strikes_alt(strikes: pd.DataFrame) -> str:
    d = strike_tallies(strikes)
    media = d[d["counted_by"].astype(str) == "media"]
    official = d[d["counted_by"].astype(str) == "official"]
    steps = "; ".join(f"{format_date(r['as_of'])}: {strikes_label(r)}" for _, r in media.iterrows())
    named = and_list([format_date(x) for x in media.loc[media["tda_named"].fillna(False).astype(bool), "as_of"]])
    alt = tr("Step chart of the cumulative number of people reported killed in US strikes on alleged drug "
             "boats, with a shaded band where outlets' tallies differ. {steps}. Diamonds mark the strikes "
             "of {named}, the only ones the US government tied to Tren de Aragua.").format(
        steps=steps, named=named)
    if len(official):
        counts = "; ".join(f"{format_date(r['as_of'])}: {strikes_label(r)}" for _, r in official.iterrows())
        alt += " " + tr("Squares mark official counts, drawn apart from the band: {counts}.").format(counts=counts)
    return alt


# --------------------------------------------------------------------------- tables
def grouped_table(rows: pd.DataFrame, *, group: str, headers: tuple[str, str],
                  group_labels: dict | None = None, date: str = "when", text: str = "event",
                  keys: str = "source_keys", confidence: str = "confidence") -> str:
    """A two-column Markdown table that stays readable on a phone.

    Left: the group (on its first row only, in bold) and the date. Right: what happened, then the row's
    confidence label and its citations. ``rows`` must already be sorted by ``group``; every data value
    is escaped.
    """
    groups = rows[group].tolist()
    if groups != sorted(groups, key=list(dict.fromkeys(groups)).index):
        raise ValueError(f"rows are not grouped by {group!r}")
    labels = group_labels or {}
    lines = ["| " + " | ".join(headers) + " |", "|---|---|"]
    previous = object()
    for _, r in rows.iterrows():
        g = r[group]
        left = md_escape(r[date])
        if g != previous:
            left = f"**{md_escape(labels.get(g, g))}** {left}"
        previous = g
        conf = md_escape(confidence_word(r[confidence]))
        right = f"{md_escape(r[text])} (*{conf}*) {cite(list(r[keys]))}".rstrip()
        lines.append(f"| {left} | {right} |")
    return "\n".join(lines) + "\n"


#: Regional cooperation: the sourced arrests, trials and extraditions of the chapter's table are the
#: rows of data/figure_events.csv for this figure, in order, each with the country it is listed under.
COOPERATION_FIGURE = "regional-cooperation"


def cooperation_rows(timeline: pd.DataFrame, figure_events: pd.DataFrame) -> pd.DataFrame:
    """The cooperation events, grouped by country (in first-mention order) and dated in prose style."""
    listed = charts.picks(figure_events, COOPERATION_FIGURE, "row")
    missing = [e for e in listed.index if e not in timeline.index]
    if missing:
        raise KeyError(f"timeline.csv has no rows {missing}")
    rows = i18n.shown(timeline.loc[list(listed.index)], "timeline").reset_index(drop=True)
    rows["iso3"] = [c if pd.isna(o) else o for c, o in zip(rows["country_iso3"].astype(str), listed["country_iso3"])]
    order = {c: i for i, c in enumerate(dict.fromkeys(rows["iso3"]))}
    rows = rows.assign(_o=rows["iso3"].map(order)).sort_values(["_o", "date"]).drop(columns="_o")
    rows["country"] = [country_name(c) for c in rows["iso3"]]
    rows["when"] = [when(r) for _, r in rows.iterrows()]
    return rows.reset_index(drop=True)


# --------------------------------------------------------------------------- helpers
def months_between(actions: pd.DataFrame, column: str = "date") -> int:
    """Calendar months from the first to the last date (Jul 2024 → Feb 2026 is 19)."""
    return calendar_months(actions[column].min(), actions[column].max())


def by_when(day) -> str:
    """'by the end of 2025' for 31 December, else 'by' and the date in house style ('by 6 November 2025')."""
    d = pd.Timestamp(day)
    if (d.month, d.day) == (12, 31):
        return tr("by the end of {year}").format(year=d.year)
    return tr("by {date}").format(date=format_date(d))


def markdown(text: str):
    """Wrap Markdown for ``glue`` so ``{glue:md}`` can render it (``:format: myst`` keeps citations)."""
    from IPython.display import Markdown

    return Markdown(text)


# --------------------------------------------------------------------------- the chapter's prose
def actions_listing(actions: pd.DataFrame) -> pd.DataFrame:
    """The US actions grouped by kind (in lane order), then by date, each with its date in prose style."""
    return actions.assign(
        when=[when(r) for _, r in actions.iterrows()],
        kind=[style.category_name(c) for c in actions["category"]],
        lane=[LANES.index(c) for c in actions["category"]],
    ).sort_values(["lane", "date"], kind="stable")


def prose_values(timeline: pd.DataFrame, strikes: pd.DataFrame, rewards: pd.DataFrame,
                 figure_events: pd.DataFrame) -> dict[str, object]:
    """Every date, amount and count the chapter's prose states, and its two tables, by glue name."""
    from .text import usd

    ev = timeline.loc
    actions = us_actions(timeline, figure_events)
    tda_2024 = [rewards.loc[r] for r in ["r-guerrero-flores-2024", "r-romero-2024", "r-mosquera-serrano-2024"]]
    tallies = strike_tallies(strikes).set_index("as_of")
    first, oct_, nov = tallies.loc["2025-09-02"], tallies.loc["2025-10-24"], tallies.loc["2025-11-06"]
    southcom, year_end = tallies.loc["2025-12-29"], tallies.loc["2025-12-31"]
    media = tallies[tallies["counted_by"].astype(str) == "media"]
    jan, latest, april = tallies.loc["2026-01-26"], media.iloc[-1], tallies.loc["2026-04-14"]
    may, june = tallies.loc["2026-05-28"], tallies.loc["2026-06-22"]
    official = tallies[tallies["counted_by"].astype(str) == "official"].iloc[-1]
    coop = cooperation_rows(timeline, figure_events)
    return dict(
        n_actions=len(actions),
        actions_from=format_date(actions["date"].min()),
        actions_to=format_date(actions["date"].max()),
        days_to_maduro=(ev["e-2026-01-03-maduro-superseding-indictment"]["date"]
                        - ev["e-2025-12-18-sdny-guerrero-unsealed"]["date"]).days,
        total_2024=usd(sum(r["amount_usd"] for r in tda_2024)),
        reward_guerrero=usd(tda_2024[0]["amount_usd"]),
        reward_romero=usd(tda_2024[1]["amount_usd"]),
        reward_mosquera=usd(tda_2024[2]["amount_usd"]),
        reward_mosquera_dec=usd(rewards.loc["r-mosquera-serrano-increase-2025", "amount_usd"]),
        maduro_jan=usd(rewards.loc["r-maduro-jan-2025", "amount_usd"]),
        maduro_aug=usd(rewards.loc["r-maduro-aug-2025", "amount_usd"]),
        first_killed=first["killed"],
        oct_strikes=oct_["strikes"], oct_killed=oct_["killed"],
        nov_strikes=nov["strikes"], nov_killed_ap=str(nov["killed_min"]), nov_killed_afp=str(nov["killed_max"]),
        southcom_strikes=southcom["strikes"], southcom_killed=southcom["killed"],
        end_strikes=year_end["strikes"], end_killed=year_end["killed"],
        jan_strikes=jan["strikes"], jan_killed=str(jan["killed_min"]), jan_presumed=str(jan["killed_max"]),
        latest_killed=str(latest["killed_min"]), latest_date=format_date(latest.name),
        april_killed=str(april["killed_min"]), april_date=format_date(april.name),
        may_killed=str(may["killed_min"]), may_date=format_date(may.name),
        june_killed=str(june["killed_min"]), june_strikes=str(june["strikes_min"]),
        ig_killed=str(official["killed_min"]), ig_boats=str(official["strikes_min"]),
        ig_date=format_date(official.name),
        n_coop_countries=coop["country"].nunique(),
        ecuador_gap=calendar_months(ev["e-2023-09-27-ecuador-minister-no-evidence"]["date"],
                                    ev["e-2025-01-01-ecuador-terrorist-designation"]["date"]),
        actions_table=markdown(grouped_table(actions_listing(actions), group="kind",
                                             headers=(tr("Kind and date"), tr("What happened")))),
        coop_table=markdown(grouped_table(coop, group="country",
                                          headers=(tr("Country and date"), tr("What happened")))),
    )
