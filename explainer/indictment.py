"""Helpers for the chapter on the indictment and the reward (``chapters/indictment.md``).

* :func:`latest_offers` reshapes ``rewards.csv`` (one row per offer or change) into one row per person:
  the latest "up to" amount and since when that amount has stood.
* :func:`offer_note` turns such a row into the short annotation used on the bar chart.
* :func:`leadership_timeline` picks the US legal actions against Tren de Aragua's leadership out of
  ``timeline.csv``, with the short chart labels of ``figure_events.csv``.
"""
from __future__ import annotations

import pandas as pd

from . import charts, i18n, style
from .data import format_date
from .i18n import N_, tr

TDA = "Tren de Aragua"

#: The chart's name; its events and their short labels are rows of data/figure_events.csv.
LEADERSHIP_FIGURE = "legal-timeline-tda-leadership"

#: Lanes of the legal timeline, in display order, with their legend labels (English; :func:`lane_names`
#: gives them in the language of the page).
LANES = {c: style.CATEGORY_NAMES[c] for c in ("indictment", "designation", "reward")}
LANE_COLORS = {c: style.CATEGORY_COLORS[c] for c in LANES}

#: rewards.csv ``outcome`` → the chart's note on what happened, with its year.
OUTCOME_NOTES = {
    "captured": N_("captured {year}"),
    "surrendered": N_("surrendered {year}"),
    "detained": N_("detained {year}"),
    "killed": N_("killed {year}"),
}


def lane_names() -> dict[str, str]:
    """:data:`LANES` with each lane's legend label in the language the book is being written in."""
    return {c: style.category_name(c) for c in LANES}


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
            "organization": i18n.say("rewards", "organization", last["organization"]),
            "program": last["program"],
            "amount_usd": int(amount),
            "since": rows.loc[start, "announced"],
            "since_event": str(rows.loc[start, "event"]),
            "latest": last["announced"],
            "n_changes": len(rows),
            "status_note": i18n.say("rewards", "status_note", notes.iloc[-1]) if len(notes) else None,
            "outcome": str(outcomes["outcome"].iloc[-1]) if len(outcomes) else None,
            "outcome_date": outcomes["outcome_date"].iloc[-1] if len(outcomes) else None,
            "confidence": str(last["confidence"]),
            "tda": last["organization"] == TDA,  # the stored name: a rule never compares a translation
        })
    df = pd.DataFrame(out)
    return df.sort_values(["amount_usd", "person"], ascending=[False, True]).reset_index(drop=True)


def offer_note(row, reported: dict | None = None) -> str:
    """Annotation for a bar: 'since 2024', or 'in force 2024' when the first offer date is unknown; then,
    for a person no longer sought, what happened and when ('since 2021; captured 2024'); and for a person
    whose death is reported but not confirmed (``reported``: name → date, :func:`reported_deaths`), that
    report ('since 2024; reported killed 2026, not confirmed') — it ends no offer."""
    year = pd.Timestamp(row["since"]).year
    note = (tr("in force {year}") if row["since_event"] == "reiterated" else tr("since {year}")).format(year=year)
    if pd.notna(row.get("outcome")):
        note += "; " + tr(OUTCOME_NOTES[str(row["outcome"])]).format(year=pd.Timestamp(row["outcome_date"]).year)
    elif reported and row["person"] in reported:
        year = pd.Timestamp(reported[row["person"]]).year
        note += "; " + tr("reported killed {year}, not confirmed").format(year=year)
    return note


def reported_deaths(people: pd.DataFrame) -> dict:
    """Name → date, for the people whose death is reported but not confirmed (``people.csv`` status)."""
    rows = people[people["status"].astype(str) == "reported killed"]
    return dict(zip(rows["name"], rows["as_of"]))


def tidy_bars(fig) -> None:
    """Finishing step for the rewards chart (``charts.then(fig, tidy_bars)``): when its labels crowd (the
    Spanish edition's value labels and notes are longer), lay the value axis out again. The axes take the
    width the figure allows, the value range grows only as far as the notes need, and the ticks are
    thinned to labels that do not overlap. A clean layout (the English one) is left as it is."""
    import matplotlib.ticker as mticker

    if not charts.text_problems(fig):
        return
    ax = fig.axes[0]
    notes = [t for t in ax.texts if t.get_text().startswith("  ")]  # the value labels beside the bars
    if fig.get_size_inches()[0] < charts.NARROW_IN:  # phone: names above the bars, wrapped to the real room
        room = (fig.bbox.width - ax.get_window_extent(fig.canvas.get_renderer()).x0) / fig.dpi - 0.15
        for t in ax.texts:
            if t not in notes:
                t.set_text(charts.wrap_inches(t.get_text().replace("\n", " "), t.get_fontsize(), room))
        return
    top = max((t.get_position()[0] for t in notes), default=ax.get_xlim()[1])
    ax.set_xlim(0, top * 100)  # every note inside the axes, so the layout gives the axes the full width
    charts.relayout(fig)
    ax.set_xlim(0, top * 1.35)
    charts.fit_texts_in_axes(fig, ax, notes, grow=1.02, rounds=200)
    ax.xaxis.set_major_locator(mticker.MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: charts.fmt_usd(v)))
    charts.thin_ticks(fig, ax)


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
def leadership_timeline(timeline: pd.DataFrame, figure_events: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``timeline`` the chart shows (its rows of ``figure_events``), with their ``label``,
    sorted by date. Raises ``KeyError`` naming any event id not in the timeline."""
    events = charts.picks(figure_events, LEADERSHIP_FIGURE)
    missing = [e for e in events.index if e not in timeline.index]
    if missing:
        raise KeyError(f"timeline.csv has no event(s) {missing}")
    sub = timeline.loc[list(events.index)].copy()
    sub["label"] = [i18n.say("figure_events", "label", x) for x in events["label"]]
    sub["category"] = sub["category"].astype(str)
    return sub.sort_values(["date", "event_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- the chapter's prose
GUERRERO = "Héctor Rusthenford Guerrero Flores"
MOSQUERA = "Giovanni Vicente Mosquera Serrano"
ROMERO = "Yohan José Romero"


def lead_up(legal: pd.DataFrame, day) -> tuple[int, int]:
    """Calendar months from the first action in ``legal`` to ``day``, and the number of actions before it."""
    from .text import calendar_months

    return calendar_months(legal["date"].min(), day), int((legal["date"] < day).sum())


def prose_values(timeline: pd.DataFrame, rewards: pd.DataFrame, figure_events: pd.DataFrame) -> dict[str, object]:
    """Every date, amount and count the chapter's prose states, by glue name, from the data."""
    from .text import and_list, usd, when

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
    months_before, n_before = lead_up(leadership_timeline(timeline, figure_events), unsealed["date"])
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
        top3=and_list(f"{p} ({usd(a)})" for p, a in zip(top3["person"], top3["amount_usd"])),
        maduro_50_date=format_date(rewards.loc["r-maduro-aug-2025", "announced"]),
        maduro_superseding=when(ev["e-2026-01-03-maduro-superseding-indictment"]),
        days_to_maduro=(ev["e-2026-01-03-maduro-superseding-indictment"]["date"] - unsealed["date"]).days,
        ice=when(ev["e-2026-02-18-ice-wanted-post"]),
        cucaracho=when(ev["e-2026-02-24-cucaracho-arrested"]),
        reported_killed=when(ev["e-2026-06-12-guerrero-flores-reported-killed"]),
        soles_fto=when(ev["e-2025-11-24-cartel-soles-fto"]),
        peru_date=when(ev["e-2023-09-25-peru-reward"]),
        venezuela_date=when(ev["e-2023-09-01-venezuela-reward"]),
        months_before=months_before,
        n_before=n_before,
    )
