"""Helpers for the chapter on the indictment and the reward (``chapters/indictment.md``).

* :func:`latest_offers` reshapes ``rewards.csv`` (one row per offer or change) into one row per person:
  the latest "up to" amount and since when that amount has stood.
* :func:`offer_note` turns such a row into the short annotation used on the bar chart.
* :data:`LEADERSHIP_EVENTS` / :func:`leadership_timeline` pick the US legal actions against Tren de
  Aragua's leadership out of ``timeline.csv``, with short chart labels.
* :func:`vertical_timeline` draws those events down a date axis, labels on the right, without overlaps.
"""
from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd

from . import charts
from .data import format_date

TDA = "Tren de Aragua"

#: US actions against Tren de Aragua's leadership, by ``timeline.csv`` event id → short chart label.
#: Labels restate the row's ``event`` text in a few words; allegations stay attributed in the prose.
LEADERSHIP_EVENTS: dict[str, str] = {
    "e-2024-07-11-tda-tco-designation": "TdA designated a TCO (Treasury sanctions)",
    "e-2024-07-11-tda-rewards": "Rewards of $5M, $4M and $3M for three leaders",
    "e-2025-01-01-mosquera-serrano-indicted-sdtx": "Texas: Mosquera Serrano indicted (cocaine)",
    "e-2025-02-20-tda-fto-designation": "TdA designated a Foreign Terrorist Organization",
    "e-2025-04-08-mosquera-serrano-superseding": "Texas: terrorism charge added for Mosquera Serrano",
    "e-2025-06-24-mosquera-fbi-ten-most-wanted": "Mosquera Serrano on FBI Ten Most Wanted; $3M reward",
    "e-2025-07-17-ofac-six-leaders": "Treasury sanctions Guerrero Flores and five others",
    "e-2025-07-17-rewards-restated": "$5M and $4M rewards restated, not raised",
    "e-2025-12-03-mosquera-reward-5m": "Mosquera Serrano reward raised to $5M",
    "e-2025-12-18-sdny-guerrero-unsealed": "Manhattan: Guerrero Flores indictment unsealed",
    "e-2025-12-18-sdtx-leaders-indicted": "Texas: Romero, Mosquera Serrano and 2 others indicted",
    "e-2026-01-03-maduro-superseding-indictment": "Guerrero Flores named in Maduro indictment",
    "e-2026-02-18-ice-wanted-post": "ICE 'wanted' notice: still at large",
}

#: Lanes of the legal timeline, in display order, with their legend labels.
LANES = {"indictment": "Charges", "designation": "Designations and sanctions", "reward": "Rewards"}
LANE_COLORS = {"indictment": charts.PALETTE["vermillion"], "designation": charts.PALETTE["blue"],
               "reward": charts.PALETTE["orange"]}


# --------------------------------------------------------------------------- rewards
def latest_offers(rewards: pd.DataFrame) -> pd.DataFrame:
    """One row per person: their latest reward amount and since when it has stood.

    ``rewards`` has one row per offer or change (``event`` initial/increase/reiterated). For each
    person the rows are taken in date order; the latest row gives ``amount_usd``, ``latest`` (its date)
    and ``confidence``. ``since`` is the date of the first row of the unbroken run of rows at that
    amount, and ``since_event`` that row's event: a run that starts with a restatement
    (``reiterated``) means the date the amount was first offered is not in the data. ``n_changes`` counts
    the person's rows; ``organization``, ``alias`` and ``program`` come from the latest row;
    ``status_note`` is the latest non-empty one, and ``outcome``/``outcome_date`` (captured, surrendered,
    detained or killed) the latest recorded. Sorted by amount (largest first), then by name.
    """
    out = []
    for person, rows in rewards.sort_values(["announced", "reward_id"]).groupby("person", sort=False):
        rows = rows.reset_index(drop=True)
        last = rows.iloc[-1]
        amount = last["amount_usd"]
        start = len(rows) - 1
        while start > 0 and rows.loc[start - 1, "amount_usd"] == amount:
            start -= 1
        notes = rows["status_note"].dropna()
        outcomes = rows.dropna(subset=["outcome"]) if "outcome" in rows else rows.iloc[0:0]
        out.append({
            "person": person,
            "alias": last["alias"],
            "organization": last["organization"],
            "program": last["program"],
            "amount_usd": int(amount),
            "since": rows.loc[start, "announced"],
            "since_event": str(rows.loc[start, "event"]),
            "latest": last["announced"],
            "n_changes": len(rows),
            "status_note": notes.iloc[-1] if len(notes) else None,
            "outcome": str(outcomes["outcome"].iloc[-1]) if len(outcomes) else None,
            "outcome_date": outcomes["outcome_date"].iloc[-1] if len(outcomes) else None,
            "confidence": str(last["confidence"]),
            "tda": last["organization"] == TDA,
        })
    df = pd.DataFrame(out)
    return df.sort_values(["amount_usd", "person"], ascending=[False, True]).reset_index(drop=True)


def offer_note(row) -> str:
    """Annotation for a bar: 'since 2024', or 'in force 2024' when the first offer date is unknown; then,
    for a person no longer sought, what happened and when ('since 2021; captured 2024')."""
    year = pd.Timestamp(row["since"]).year
    note = f"in force {year}" if row["since_event"] == "reiterated" else f"since {year}"
    if pd.notna(row.get("outcome")):
        note += f"; {row['outcome']} {pd.Timestamp(row['outcome_date']).year}"
    return note


def compare_to(latest: pd.DataFrame, person: str) -> dict[str, list[str]]:
    """Who has a larger, an equal and a smaller latest reward than ``person`` (a row of
    :func:`latest_offers`), each list ordered as in ``latest`` (largest first) and without ``person``."""
    if person not in set(latest["person"]):
        raise KeyError(f"no reward for {person!r}")
    amount = latest.loc[latest["person"] == person, "amount_usd"].iloc[0]
    others = latest[latest["person"] != person]
    return {"larger": list(others.loc[others["amount_usd"] > amount, "person"]),
            "equal": list(others.loc[others["amount_usd"] == amount, "person"]),
            "smaller": list(others.loc[others["amount_usd"] < amount, "person"])}


def short_name(person: str) -> str:
    """'Héctor Rusthenford Guerrero Flores' → 'Héctor R. Guerrero Flores' (middle given name initialled).

    Names of four or more words are taken as two given names + two surnames, and the second given name
    is initialled; shorter names ('Nicolás Maduro', 'Rafael Caro Quintero') stay as they are.
    """
    parts = person.split()
    if len(parts) >= 4:
        parts[1] = parts[1][0] + "."
    return " ".join(parts)


# --------------------------------------------------------------------------- legal timeline
def leadership_timeline(timeline: pd.DataFrame, events: dict[str, str] | None = None) -> pd.DataFrame:
    """The rows of ``timeline`` listed in ``events`` (default :data:`LEADERSHIP_EVENTS`), with a
    ``label`` column, sorted by date. Raises ``KeyError`` naming any event id not in the table."""
    events = LEADERSHIP_EVENTS if events is None else events
    tl = timeline.set_index("event_id") if "event_id" in timeline.columns else timeline
    missing = [e for e in events if e not in tl.index]
    if missing:
        raise KeyError(f"timeline.csv has no event(s) {missing}")
    sub = tl.loc[list(events)].copy()
    sub["label"] = [events[e] for e in sub.index]
    sub["category"] = sub["category"].astype(str)
    return sub.reset_index().sort_values(["date", "event_id"]).reset_index(drop=True)


def vertical_timeline(events: pd.DataFrame, *, title: str, source: str, as_of: str,
                      subtitle: str | None = None, lanes: dict | None = None, colors: dict | None = None,
                      width: float = 6.4, height: float | None = None, highlight: str | None = None):
    """Events down a vertical date axis (earliest at the top), one dot per event coloured by
    ``category``, each label on the right with its date, spread so no two labels overlap and joined
    to its dot by a thin leader line. ``highlight`` is an event id drawn larger, its label in bold."""
    lanes = lanes or LANES
    colors = colors or LANE_COLORS
    ev = events.sort_values("date", kind="stable").reset_index(drop=True)
    n = len(ev)
    height = height or max(4.0, 0.42 * n + 1.9)
    fig, ax = charts.figure(width, height)
    ys = [mdates.date2num(pd.Timestamp(d)) for d in ev["date"]]
    lo, hi = min(ys), max(ys)
    span = max(hi - lo, 1.0)
    # Label slots one text line apart, in date units: the axis height in inches sets the scale.
    axes_h_in = max(height - 1.7, 1.0)
    extent = span
    for _ in range(4):
        gap = extent / axes_h_in * 0.24
        label_y = charts.spread_positions(ys, gap)
        extent = max(max(label_y), hi) - min(min(label_y), lo) + 1.6 * gap
    top, bottom = min(min(label_y), lo) - gap * 0.8, max(max(label_y), hi) + gap * 0.8
    ax.axvline(0, color="#BBBBBB", lw=1.5, zorder=1)
    seen: dict[float, int] = {}
    for i, row in ev.iterrows():
        c = colors.get(row["category"], charts.BASE)
        big = highlight is not None and row.get("event_id") == highlight
        k = seen.get(ys[i], 0)  # events on the same day sit side by side
        seen[ys[i]] = k + 1
        x0 = 0.045 * k
        ax.plot([x0], [ys[i]], "o", color=c, ms=10 if big else 7, markeredgecolor="white", zorder=3 + k)
        ax.plot([x0 + 0.02, 0.13, 0.17], [ys[i], label_y[i], label_y[i]], color="#AAAAAA", lw=0.6,
                zorder=2)
        precision = row["date_precision"] if "date_precision" in ev.columns else "day"
        weight = "bold" if big else "normal"
        ax.text(0.19, label_y[i], format_date(row["date"], precision, short=True), va="center", ha="left",
                fontsize=9, color="#555555", fontweight=weight)
        ax.text(0.74, label_y[i], charts.mpl_escape(row["label"]), va="center", ha="left", fontsize=10,
                color="#111111", fontweight=weight)
    ax.set_xlim(-0.2, 2.85)
    ax.set_ylim(bottom, top)  # earliest at the top
    first, last = pd.Timestamp(mdates.num2date(top)).year, pd.Timestamp(mdates.num2date(bottom)).year
    for y in range(first, last + 2):
        yv = mdates.date2num(pd.Timestamp(f"{y}-01-01"))
        if top < yv < bottom:
            ax.plot([-0.03, 0.0], [yv, yv], color="#666666", lw=1, zorder=1)
            ax.text(-0.05, yv, str(y), ha="right", va="center", fontsize=9, color="#333333",
                    fontweight="bold")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ("left", "bottom", "top", "right"):
        ax.spines[s].set_visible(False)
    from matplotlib.lines import Line2D

    used = [k for k in lanes if k in set(ev["category"])]
    handles = [Line2D([0], [0], marker="o", color="w", markerfacecolor=colors[k], markersize=8,
                      label=lanes[k]) for k in used]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0), ncol=len(handles),
              frameon=False, fontsize=9, handletextpad=0.3, columnspacing=1.2, borderaxespad=0.2)
    charts.finish(fig, ax, title, source, as_of, subtitle)
    return fig


# --------------------------------------------------------------------------- the chapter's prose
GUERRERO = "Héctor Rusthenford Guerrero Flores"
MOSQUERA = "Giovanni Vicente Mosquera Serrano"
ROMERO = "Yohan José Romero"


def lead_up(legal: pd.DataFrame, day) -> tuple[int, int]:
    """Calendar months from the first action in ``legal`` to ``day``, and the number of actions before it."""
    start = legal["date"].min()
    return (day.year - start.year) * 12 + day.month - start.month, int((legal["date"] < day).sum())


def prose_values(timeline: pd.DataFrame, rewards: pd.DataFrame) -> dict[str, object]:
    """Every date, amount and count the chapter's prose states, by glue name, from the data."""
    from .text import usd, when

    ev = timeline.loc
    unsealed = ev["e-2025-12-18-sdny-guerrero-unsealed"]
    offers = rewards[rewards["person"] == GUERRERO].sort_values("announced")
    first = offers.iloc[0]
    restated = offers[(offers["event"] == "reiterated") & (offers["announced"] < unsealed["date"])].iloc[0]
    july24 = rewards[(rewards["announced"] == first["announced"]) & (rewards["organization"] == TDA)]
    mosquera = rewards[rewards["person"] == MOSQUERA].sort_values("announced")
    mosquera_raise = mosquera[mosquera["event"] == "increase"].iloc[0]
    latest = latest_offers(rewards)
    cmp = compare_to(latest, GUERRERO)
    top3 = latest[latest["person"].isin(cmp["larger"])].head(3)
    months_before, n_before = lead_up(leadership_timeline(timeline), unsealed["date"])
    return dict(
        unsealed=when(unsealed),
        reward=usd(first["amount_usd"]),
        reward_first=format_date(first["announced"]),
        reward_restated=format_date(restated["announced"]),
        total_2024=usd(july24["amount_usd"].sum()),
        romero_2024=usd(rewards[rewards["person"] == ROMERO].sort_values("announced").iloc[0]["amount_usd"]),
        mosquera_2024=usd(mosquera.iloc[0]["amount_usd"]),
        mosquera_tmw=format_date(rewards.loc["r-mosquera-serrano-fbi-2025", "announced"]),
        mosquera_raise=format_date(mosquera_raise["announced"]),
        fto=when(ev["e-2025-02-20-tda-fto-designation"]),
        mosquera_superseding=when(ev["e-2025-04-08-mosquera-serrano-superseding"]),
        chuqui=when(ev["e-2025-04-23-chuqui-terrorism-charges"]),
        rico_first=when(ev["e-2025-04-21-sdny-first-rico"]),
        n_people=len(latest),
        n_larger=len(cmp["larger"]),
        n_no_longer_sought=int(latest["outcome"].notna().sum()),
        n_equal=len(cmp["equal"]),
        top3=", ".join(f"{p} ({usd(a)})" for p, a in zip(top3["person"][:-1], top3["amount_usd"][:-1]))
        + f" and {top3['person'].iloc[-1]} ({usd(top3['amount_usd'].iloc[-1])})",
        maduro_50_date=format_date(rewards.loc["r-maduro-aug-2025", "announced"]),
        maduro_superseding=when(ev["e-2026-01-03-maduro-superseding-indictment"]),
        days_to_maduro=(ev["e-2026-01-03-maduro-superseding-indictment"]["date"] - unsealed["date"]).days,
        ice=when(ev["e-2026-02-18-ice-wanted-post"]),
        cucaracho=when(ev["e-2026-02-24-cucaracho-arrested"]),
        soles_fto=when(ev["e-2025-11-24-cartel-soles-fto"]),
        peru_date=when(ev["e-2023-09-25-peru-reward"]),
        venezuela_date=when(ev["e-2023-09-01-venezuela-reward"]),
        months_before=months_before,
        n_before=n_before,
    )
