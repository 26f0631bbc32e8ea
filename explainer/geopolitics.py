"""Helpers for the chapter "Geopolitics: courts, designations and force as foreign policy".

* :func:`us_actions` picks the dated US government actions out of ``timeline.csv`` and puts each on a
  lane (designation, indictment, reward, military, deportation, court); :func:`actions_chart` draws them
  with :func:`explainer.charts.timeline` and adds short, non-overlapping labels.
* :func:`strikes_chart` draws the cumulative tallies of ``strikes.csv`` (deaths as a min–max band, the
  strike counts written above each tally, the strikes the administration tied to the gang marked).
* :func:`sourced_table` writes a Markdown table whose rows cite their own sources and show their
  confidence label; every text cell is escaped so data cannot inject markup.
"""
from __future__ import annotations

import matplotlib.dates as mdates
from matplotlib.text import Annotation
import pandas as pd

from . import charts
from .data import country_name
from .text import and_list, calendar_months, cite, format_date, md_escape, span

#: The lanes of the US-actions chart, top to bottom, with their labels and colours (Okabe–Ito).
LANES = ["designation", "indictment", "reward", "military", "deportation", "court"]
LANE_LABELS = {
    "designation": "Designations\nand sanctions", "indictment": "Charges", "reward": "Rewards",
    "military": "Military", "deportation": "Deportations", "court": "Court rulings",
}
#: One-line names of the lanes, for tables.
KIND_NAMES = {
    "designation": "Designations", "indictment": "Charges", "reward": "Rewards", "military": "Military",
    "deportation": "Deportations", "court": "Court rulings",
}
LANE_COLORS = {
    "designation": charts.PALETTE["blue"], "indictment": charts.PALETTE["vermillion"],
    "reward": charts.PALETTE["orange"], "military": charts.PALETTE["black"],
    "deportation": charts.PALETTE["purple"], "court": charts.PALETTE["green"],
}

#: Rows filed under an action category that are not US government actions.
NOT_ACTIONS = {
    "e-2025-04-07-nic-memo": "an intelligence assessment (shown in the counter-evidence section)",
    "e-2025-05-05-nic-memo-released": "the release of that assessment under FOIA",
    "e-2025-05-28-fbi-memo-unsealed": "another intelligence assessment (shown in the counter-evidence section)",
    "e-2025-12-17-el-ruby-robbery-sentence": "a sentence in one criminal case (shown in Regional spread)",
    "e-2026-01-22-fifth-circuit-en-banc-argument": "a hearing, not a ruling",
    "e-2026-02-03-maduro-hearing-moved": "a scheduling order",
    "e-2026-02-17-colorado-guilty-pleas": "defendants' pleas (shown in Regional spread)",
    "e-2026-02-24-carvajal-sentencing-reset": "a scheduling order",
    "e-2026-02-26-maduro-motion-to-dismiss": "a defence filing",
    "e-2026-02-24-anti-tren-detainer": "a detainer against an alleged member of a rival faction",
}
#: Rows outside the United States that are nonetheless US actions.
US_ACTIONS_ABROAD = {"e-2026-01-03-maduro-captured"}

#: Short chart labels: event_id → (text, side). side is "above" or "below" the dot. Unlisted events are
#: drawn as unlabelled dots (the prose and the table under the chart describe every one).
SHORT_LABELS = {
    "e-2024-07-11-tda-tco-designation": ("TCO sanctions", "above"),
    "e-2025-02-20-tda-fto-designation": ("FTO designation", "above"),
    "e-2025-07-17-ofac-six-leaders": ("Leaders sanctioned", "below"),
    "e-2025-11-24-cartel-soles-fto": ("Cartel de los Soles FTO", "above"),
    "e-2025-04-21-sdny-first-rico": ("First RICO case", "below"),
    "e-2025-12-18-sdny-guerrero-unsealed": ("Guerrero Flores charged", "above"),
    "e-2026-01-03-maduro-superseding-indictment": ("Maduro indictment", "below"),
    "e-2024-07-11-tda-rewards": ("Rewards for three leaders", "above"),
    "e-2025-08-07-maduro-reward-50m": ("Maduro reward doubled", "above"),
    "e-2025-09-02-first-boat-strike": ("First boat strike", "above"),
    "e-2026-01-03-maduro-captured": ("Maduro captured", "below"),
    "e-2025-03-14-proclamation-10903-signed": ("Alien Enemies Act", "above"),
    "e-2025-03-15-cecot-flights": ("CECOT flights", "below"),
    "e-2025-07-18-cecot-prisoner-swap": ("Prisoner swap", "above"),
    "e-2025-04-07-trump-v-jgg": ("J.G.G.", "above"),
    "e-2025-05-16-aarp-v-trump": ("A.A.R.P.", "below"),
    "e-2025-09-02-fifth-circuit-panel": ("Fifth Circuit", "above"),
}
LABEL_OFFSET = 0.24  # lane units between a dot and its label
LABEL_SIZE = 9.5
CROWDED_DAYS = 10  # strike tallies closer than this get their label written to the side


def us_actions(timeline: pd.DataFrame, start: str = "2024-01-01") -> pd.DataFrame:
    """US government actions from ``start`` on, one row per event, with a ``label`` column.

    ``timeline`` is the validated ``timeline`` table (with ``event_id`` as a column). Comparator rewards
    (rows whose note starts with "Comparator") and :data:`NOT_ACTIONS` are left out.
    """
    t = timeline.reset_index() if "event_id" not in timeline.columns else timeline.copy()
    cat = t["category"].astype(str)
    us = (t["country_iso3"].astype(str) == "USA") | t["event_id"].isin(US_ACTIONS_ABROAD)
    comparator = t["note"].fillna("").astype(str).str.startswith("Comparator")
    keep = cat.isin(LANES) & us & ~comparator & ~t["event_id"].isin(NOT_ACTIONS.keys())
    keep &= t["date"] >= pd.Timestamp(start)
    out = t[keep].sort_values(["date", "event_id"]).reset_index(drop=True)
    out["category"] = out["category"].astype(str)
    out["label"] = [SHORT_LABELS.get(e, ("", ""))[0] for e in out["event_id"]]
    return out


def lane_y(category: str) -> int:
    """The y position :func:`explainer.charts.timeline` gives a lane when ``lanes=LANES``."""
    return len(LANES) - 1 - LANES.index(category)


def actions_chart(actions: pd.DataFrame, *, title: str, source: str, as_of: str,
                  subtitle: str | None = None, width: float = 8.0, height: float = 6.4):
    """The US-actions timeline: dots on lanes by category, short labels that do not collide.

    Labels in the last quarter of the time range are right-aligned so they stay inside the frame.
    """
    dots = actions.assign(label="")  # the dots come from charts.timeline; labels are placed here
    fig = charts.timeline(dots, lane="category", lanes=LANES, lane_labels=LANE_LABELS, colors=LANE_COLORS,
                          title=title, source=source, as_of=as_of, subtitle=subtitle, width=width)
    ax = fig.axes[0]
    lo, hi = actions["date"].min(), actions["date"].max()
    pad = pd.Timedelta(days=20)
    ax.set_xlim(mdates.date2num(lo - pad), mdates.date2num(hi + pad))
    right_edge = lo + (hi - lo) * 0.78
    for _, row in actions.iterrows():
        spec = SHORT_LABELS.get(row["event_id"])
        if not spec:
            continue
        text, side = spec
        dy = LABEL_OFFSET if side == "above" else -LABEL_OFFSET
        ha = "right" if row["date"] > right_edge else "left"
        ax.text(mdates.date2num(row["date"]), lane_y(row["category"]) + dy, text, fontsize=LABEL_SIZE,
                ha=ha, va="bottom" if dy > 0 else "top", color="#222222", zorder=4,
                gid=f"label:{row['event_id']}")
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[1, 7]))
    ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=[4, 10]))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.tick_params(axis="y", labelsize=10)
    ax.tick_params(axis="x", labelsize=10)
    fig.set_size_inches(width, height)
    charts.relayout(fig)
    return fig


def actions_alt(actions: pd.DataFrame) -> str:
    """Alt text for :func:`actions_chart`: the span, the count per lane and the labelled events."""
    counts = actions["category"].value_counts()
    lanes = "; ".join(f"{LANE_LABELS[c].replace(chr(10), ' ').lower()} {int(counts.get(c, 0))}"
                      for c in LANES)
    named = [f"{SHORT_LABELS[e][0]} ({format_date(d)})" for e, d in zip(actions["event_id"], actions["date"])
             if e in SHORT_LABELS]
    return (f"Timeline of {len(actions)} US government actions from {format_date(actions['date'].min())} "
            f"to {format_date(actions['date'].max())}, one lane per kind of action ({lanes}). "
            f"Labelled: {', '.join(named)}.")


# --------------------------------------------------------------------------- strikes
def strike_tallies(strikes: pd.DataFrame) -> pd.DataFrame:
    """The tallies sorted by date, checked to be cumulative, with readable ``killed``/``strikes`` ranges."""
    d = strikes.sort_values("as_of").reset_index(drop=True)
    for col in ("strikes_min", "strikes_max", "killed_min", "killed_max"):
        if (d[col].dropna().diff().dropna() < 0).any():  # an empty strike count is skipped
            raise ValueError(f"strikes.csv: {col} goes down over time; tallies must be cumulative")
    d["killed"] = [span(a, b) for a, b in zip(d["killed_min"], d["killed_max"])]
    d["strikes"] = [None if pd.isna(a) else span(a, b) for a, b in zip(d["strikes_min"], d["strikes_max"])]
    return d


def strikes_label(r, unit: str) -> str:
    """'43–46 killed, 10 strikes' ('168 killed' when the tally gives no count of strikes)."""
    if pd.isna(r["strikes_min"]):
        return f"{r['killed']} killed"
    return f"{r['killed']} killed, {r['strikes']} {unit if r['strikes_max'] > 1 else unit.rstrip('s')}"


def strikes_chart(strikes: pd.DataFrame, *, title: str, source: str, as_of: str,
                  subtitle: str | None = None, mark_label: str = "strike tied to the gang by the US government",
                  width: float = 8.0):
    """Cumulative reported deaths as a min–max band (:func:`explainer.charts.cumulative_range`), with the
    cumulative number of strikes written above each tally and the strikes named in ``tda_named`` marked."""
    d = strike_tallies(strikes)
    units = set(d["unit"].astype(str))
    if len(units) != 1:
        raise ValueError(f"strikes.csv mixes units {sorted(units)}; chart one unit at a time")
    unit = units.pop()
    fig = charts.cumulative_range(d, x="as_of", low="killed_min", high="killed_max", title=title,
                                  ylabel="People killed (cumulative, as reported)", source=source,
                                  as_of=as_of, subtitle=subtitle, marks=d["tda_named"].fillna(False),
                                  mark_label=mark_label, width=width)
    ax = fig.axes[0]
    for t in [t for t in ax.texts if isinstance(t, Annotation)]:
        t.remove()  # replaced by labels that give both counts and avoid close neighbours
    for i, r in d.iterrows():
        label = strikes_label(r, unit).replace(", ", "\n")
        crowded = i + 1 < len(d) and (d.loc[i + 1, "as_of"] - r["as_of"]).days <= CROWDED_DAYS
        x = mdates.date2num(r["as_of"])
        if crowded:  # a later tally follows within days: write this one to the left of its point
            ax.annotate(label, (x, r["killed_max"]), textcoords="offset points", xytext=(-8, 0),
                        ha="right", va="center", fontsize=9, color="#222222", gid=f"tally:{i}")
        else:
            ax.annotate(label, (x, r["killed_max"]), textcoords="offset points", xytext=(0, 8),
                        ha="center", va="bottom", fontsize=9, color="#222222", gid=f"tally:{i}")
    top = float(d["killed_max"].max())
    ax.set_ylim(0, top * 1.3)
    lo, hi = d["as_of"].min(), d["as_of"].max()
    ax.set_xlim(mdates.date2num(lo - pd.Timedelta(days=12)), mdates.date2num(hi + pd.Timedelta(days=12)))
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    legend = ax.legend(frameon=False, loc="upper left", fontsize=9)
    lift_overlapping_labels(fig, ax, [t for t in ax.texts if (t.get_gid() or "").startswith("tally:")],
                            avoid=[legend])
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
    unit = str(d["unit"].iloc[0])
    steps = "; ".join(f"{format_date(r['as_of'])}: {strikes_label(r, unit)}" for _, r in d.iterrows())
    named = and_list([format_date(x) for x in d.loc[d["tda_named"].fillna(False).astype(bool), "as_of"]])
    return (f"Step chart of the cumulative number of people reported killed in US strikes on alleged drug "
            f"boats, with a shaded band where outlets' tallies differ. {steps}. Diamonds mark the strikes "
            f"of {named}, the only ones the US government tied to Tren de Aragua.")


# --------------------------------------------------------------------------- sourced tables
def sourced_table(rows: pd.DataFrame, columns: dict[str, str], *, keys: str = "source_keys",
                  confidence: str | None = "confidence") -> str:
    """A Markdown table of ``rows``: the given ``columns`` (column → header, escaped), then the row's
    confidence label and its citations. Meant for ``glue:md`` with ``:format: myst``."""
    headers = list(columns.values()) + (["Confidence"] if confidence else []) + ["Sources"]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for _, r in rows.iterrows():
        cells = [md_escape(r[c]) for c in columns]
        if confidence:
            cells.append(md_escape(r[confidence]))
        cells.append(cite(list(r[keys])))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


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
        right = f"{md_escape(r[text])} (*{md_escape(r[confidence])}*) {cite(list(r[keys]))}".rstrip()
        lines.append(f"| {left} | {right} |")
    return "\n".join(lines) + "\n"


#: Regional cooperation: the sourced arrests, trials and extraditions shown in the chapter's table.
COOPERATION_EVENTS = [
    "e-2024-07-01-larry-changa-arrest",
    "e-2025-03-31-chuqui-arrest",
    "e-2025-08-01-larry-changa-extradition-approved",
    "e-2023-10-05-peru-dinastia-alayon",
    "e-2025-02-01-peru-police-dismantled",
    "e-2024-11-19-los-gallegos-verdict",
    "e-2025-03-06-los-gallegos-sentences",
    "e-2024-12-30-el-turko-arrest-us",
    "e-2024-03-14-gerso-guerrero-arrest-spain",
    "e-2024-07-01-gerso-guerrero-extradited",
    "e-2025-11-07-spain-first-cell",
    "e-2025-09-01-argentina-yiyi-indicted",
    "e-2024-04-05-bolivia-oruro-arrests",
]
#: The country a cooperation row belongs to when it differs from where it happened.
COOPERATION_COUNTRY = {"e-2024-12-30-el-turko-arrest-us": "CHL"}


def cooperation_rows(timeline: pd.DataFrame, event_ids: list[str] = COOPERATION_EVENTS) -> pd.DataFrame:
    """The cooperation events, grouped by country (in first-mention order) and dated in prose style."""
    t = timeline.reset_index() if "event_id" not in timeline.columns else timeline
    missing = [e for e in event_ids if e not in set(t["event_id"])]
    if missing:
        raise KeyError(f"timeline.csv has no rows {missing}")
    rows = t.set_index("event_id").loc[event_ids].reset_index()
    rows["iso3"] = [COOPERATION_COUNTRY.get(e, c) for e, c in zip(rows["event_id"], rows["country_iso3"])]
    order = {c: i for i, c in enumerate(dict.fromkeys(rows["iso3"]))}
    rows = rows.assign(_o=rows["iso3"].map(order)).sort_values(["_o", "date"]).drop(columns="_o")
    rows["country"] = [country_name(c) for c in rows["iso3"]]
    rows["when"] = [format_date(d, p) for d, p in zip(rows["date"], rows["date_precision"])]
    return rows.reset_index(drop=True)


# --------------------------------------------------------------------------- helpers
def months_between(actions: pd.DataFrame, column: str = "date") -> int:
    """Calendar months from the first to the last date (Jul 2024 → Feb 2026 is 19)."""
    return calendar_months(actions[column].min(), actions[column].max())


def by_when(day) -> str:
    """'the end of 2025' for 31 December, else the date in house style ('6 November 2025')."""
    d = pd.Timestamp(day)
    return f"the end of {d.year}" if (d.month, d.day) == (12, 31) else format_date(d)


def markdown(text: str):
    """Wrap Markdown for ``glue`` so ``{glue:md}`` can render it (``:format: myst`` keeps citations)."""
    from IPython.display import Markdown

    return Markdown(text)


# --------------------------------------------------------------------------- the chapter's prose
def actions_listing(actions: pd.DataFrame) -> pd.DataFrame:
    """The US actions grouped by kind (in lane order), then by date, each with its date in prose style."""
    return actions.assign(
        when=[format_date(d, p) for d, p in zip(actions["date"], actions["date_precision"])],
        kind=[KIND_NAMES[c] for c in actions["category"]],
        lane=[LANES.index(c) for c in actions["category"]],
    ).sort_values(["lane", "date"], kind="stable")


def prose_values(timeline: pd.DataFrame, strikes: pd.DataFrame, rewards: pd.DataFrame) -> dict[str, object]:
    """Every date, amount and count the chapter's prose states, and its two tables, by glue name."""
    from .text import usd

    ev = timeline.loc
    actions = us_actions(timeline)
    tda_2024 = [rewards.loc[r] for r in ["r-guerrero-flores-2024", "r-romero-2024", "r-mosquera-serrano-2024"]]
    tallies = strike_tallies(strikes).set_index("as_of")
    first, oct_, nov = tallies.loc["2025-09-02"], tallies.loc["2025-10-24"], tallies.loc["2025-11-06"]
    southcom, year_end = tallies.loc["2025-12-29"], tallies.loc["2025-12-31"]
    jan, latest = tallies.loc["2026-01-26"], tallies.iloc[-1]
    coop = cooperation_rows(timeline)
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
        n_coop_countries=coop["country"].nunique(),
        ecuador_gap=calendar_months(ev["e-2023-09-27-ecuador-minister-no-evidence"]["date"],
                                    ev["e-2025-01-01-ecuador-terrorist-designation"]["date"]),
        actions_table=markdown(grouped_table(actions_listing(actions), group="kind",
                                             headers=("Kind and date", "What happened"))),
        coop_table=markdown(grouped_table(coop, group="country", headers=("Country and date", "What happened"))),
    )
