"""Helpers for the chapter on the gang's origins (``chapters/origins.md``).

* which rows of ``timeline.csv`` the history chart shows, in which lane and with what short label;
* spans: a row with an ``end_date`` is drawn to the end of the period its precision names
  (a ``year`` end of 2015 means "up to the end of 2015");
* the three places of the map, their styles and escaped popups that name their sources.
"""
from __future__ import annotations

import pandas as pd

from . import charts, i18n, maps
from .charts import PALETTE
from .i18n import N_, tr
from .text import count, decimal, format_date, source_names

# --------------------------------------------------------------------------- the history chart
#: Lane key → title, top to bottom (in English; :func:`lane_titles` gives them in the book's language).
LANES = {
    "gang": N_("Tren de Aragua in Venezuela"),
    "leader": N_("Guerrero Flores"),
    "abroad": N_("Beyond Venezuela"),
    "us": N_("United States actions"),
}
#: Which timeline categories may appear in each lane.
LANE_CATEGORIES = {
    "gang": {"venezuela"},
    "leader": {"venezuela", "military"},  # his life, in Venezuela; and the strike reported to have killed him
    "abroad": {"regional"},
    "us": {"designation", "indictment", "reward"},
}
LANE_COLORS = {"gang": PALETTE["blue"], "leader": PALETTE["vermillion"], "abroad": PALETTE["green"],
               "us": PALETTE["purple"]}



def lane_titles() -> dict[str, str]:
    """Lane key → title, top to bottom, in the book's language."""
    return {key: tr(title) for key, title in LANES.items()}


#: The chart's name; its events, lanes and labels are rows of data/figure_events.csv.
HISTORY_FIGURE = "origins-history-timeline"


def span_end(value, precision: str = "day") -> pd.Timestamp:
    """The first day after the period that ``value`` stands for: a span whose end is the year 2015
    (stored as 2015-01-01, precision ``year``) is drawn up to 2016-01-01."""
    d = pd.Timestamp(value)
    if precision == "year":
        return pd.Timestamp(year=d.year + 1, month=1, day=1)
    if precision == "month":
        return (d.to_period("M") + 1).to_timestamp()
    if precision == "day":
        return d + pd.Timedelta(days=1)
    raise ValueError(f"unknown date precision {precision!r}")


def short_date(value, precision: str = "day", end=None) -> str:
    """Date prefix for a chart label: '2012', 'Sep 2023', or '2005–2015' for a span (Spanish:
    'sep 2023')."""
    d = pd.Timestamp(value)
    if end is not None and not pd.isna(end):
        e = pd.Timestamp(end)
        if precision == "year":
            return f"{d.year}–{e.year}"
        return f"{format_date(d, 'month', short=True)}–{format_date(e, 'month', short=True)}"
    return f"{d.year}" if precision == "year" else format_date(d, "month", short=True)


def history_events(timeline: pd.DataFrame, figure_events: pd.DataFrame) -> pd.DataFrame:
    """The chart's rows of ``timeline`` (labelled by event id): columns event_id, date, end (span end for
    drawing, or NaT), lane, label ('2012 · Escapes'), category, confidence; which events, in which lane
    and with which label, are the chart's rows of ``figure_events``. Raises KeyError for an id not in
    the timeline, ValueError for a row whose category does not belong in its lane."""
    events = charts.picks(figure_events, HISTORY_FIGURE)
    missing = [e for e in events["event_id"] if e not in timeline.index]
    if missing:
        raise KeyError(f"timeline.csv has no event(s) {missing}")
    rows = []
    for eid, lane, text in zip(events["event_id"], events["lane"].astype(str), events["label"]):
        r = timeline.loc[eid]
        cat = str(r["category"])
        if lane not in LANE_CATEGORIES or cat not in LANE_CATEGORIES[lane]:
            raise ValueError(f"event {eid} has category {cat!r}, which does not belong in lane {lane!r}")
        has_end = "end_date" in r.index and not pd.isna(r["end_date"])
        end = span_end(r["end_date"], r["date_precision"]) if has_end else pd.NaT
        prefix = short_date(r["date"], r["date_precision"], r["end_date"] if has_end else None)
        label = f"{prefix} · {i18n.say('figure_events', 'label', text)}"
        rows.append({"event_id": eid, "date": pd.Timestamp(r["date"]), "end": end, "lane": lane,
                     "label": label, "category": cat, "confidence": str(r["confidence"])})
    return pd.DataFrame(rows).sort_values(["date", "event_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- the map
PLACE_IDS = ["p-tocoron-prison", "p-maracay", "p-caracas"]
#: role in places.csv → (marker colour, legend label in English: show it with ``tr``)
PLACE_STYLE = {
    "prison": (PALETTE["vermillion"], N_("Prison")),
    "city": (PALETTE["blue"], N_("City")),
    "capital": (PALETTE["black"], N_("National capital")),
}
#: Where each label sits, so that the two close points (Tocorón, Maracay) do not collide.
LABEL_SIDE = {"p-tocoron-prison": "bottom", "p-maracay": "left", "p-caracas": "right"}


def place_popup(row, bib: dict, about: str | None = None, about_keys=()) -> str:
    """Escaped popup HTML for one row of places.csv: name, role, coordinates, an optional sentence
    ``about`` the place, and the sources of the coordinates (and of ``about``)."""
    role = str(row["role"])
    kind = tr(PLACE_STYLE[role][1]) if role in PLACE_STYLE else role.capitalize()
    lat, lon = float(row["lat"]), float(row["lon"])
    la, lo = decimal(abs(lat), ".4f"), decimal(abs(lon), ".4f")
    coords = ", ".join([tr("{deg}° N").format(deg=la) if lat >= 0 else tr("{deg}° S").format(deg=la),
                        tr("{deg}° W").format(deg=lo) if lon < 0 else tr("{deg}° E").format(deg=lo)])
    lines = [(tr("Type"), kind), (tr("About"), about or ""), (tr("Coordinates"), coords)]
    src = tr("coordinates, {sources}").format(sources="; ".join(source_names(row["source_keys"], bib)))
    if about_keys:
        src += "; " + tr("text, {sources}").format(sources="; ".join(source_names(about_keys, bib)))
    return maps.popup_html(str(row["place"]), lines, source=src)


def distances_km(places: pd.DataFrame) -> tuple[int, int]:
    """Straight-line distances from Tocorón prison to Maracay and to Caracas, rounded to 5 km."""
    tocoron, maracay, caracas = [(places.at[p, "lat"], places.at[p, "lon"]) for p in PLACE_IDS]
    return (5 * round(maps.distance_km(tocoron, maracay) / 5), 5 * round(maps.distance_km(tocoron, caracas) / 5))


# --------------------------------------------------------------------------- the chapter's prose
def prose_values(timeline: pd.DataFrame, rewards: pd.DataFrame, places: pd.DataFrame,
                 estimates: pd.DataFrame) -> dict[str, object]:
    """Every date, amount, count and distance the chapter's prose states, by glue name, from the data."""
    from .text import usd, when

    ev = timeline.loc

    def year(event_id):
        return str(ev[event_id]["date"].year)

    def offer(reward_id):
        r = rewards.loc[reward_id]
        return usd(r["amount_usd"]), format_date(r["announced"], r["announced_precision"])

    founding = ev["e-2005-01-01-tda-founding-range"]  # a contested span in the data, not a single year
    km_maracay, km_caracas = distances_km(places)
    causa, members, core = (estimates.loc[e] for e in ("est-causa-fee-2023", "est-members-risquez",
                                                        "est-core-members-2020"))
    values = dict(
        causa_low=count(causa["low"]), causa_high=count(causa["high"]),
        members=count(members["low"]), core=count(core["low"]), core_year=f"{core['as_of'].year}",
        found_start=str(founding["date"].year), found_end=str(founding["end_date"].year),
        km_maracay=f"{count(km_maracay)} km", km_caracas=f"{count(km_caracas)} km",
        pranato_year=year("e-2010-01-01-guerrero-jailed-tocoron"),
        ice_month=format_date(ev["e-2026-02-18-ice-wanted-post"]["date"], "month"),
    )
    for name, event_id in [("built", "e-1982-01-01-tocoron-prison-built"),
                           ("born", "e-1983-01-01-guerrero-flores-born"),
                           ("charged", "e-2005-01-01-guerrero-charged-police-killing"),
                           ("jailed", "e-2010-01-01-guerrero-jailed-tocoron"),
                           ("works_halted", "e-2011-01-01-railway-works-halted"),
                           ("escaped", "e-2012-01-01-guerrero-escapes-tocoron"),
                           ("recaptured", "e-2013-01-01-guerrero-recaptured"),
                           ("sentenced", "e-2018-01-01-guerrero-sentenced")]:
        values[name] = year(event_id)
    for name, event_id in [("rosita", "e-2025-12-03-ofac-11-affiliates-rosita"),
                           ("raid", "e-2023-09-20-tocoron-raid"), ("detained", "e-2023-09-23-tocoron-88-detained"),
                           ("peru_reward", "e-2023-09-25-peru-reward"),
                           ("fbi_list", "e-2025-06-24-mosquera-fbi-ten-most-wanted"),
                           ("colorado_rico", "e-2025-12-18-colorado-rico-leaders"),
                           ("larry_changa", "e-2024-07-01-larry-changa-arrest"),
                           ("larry_extradition", "e-2025-08-01-larry-changa-extradition-approved"),
                           ("sdtx", "e-2025-12-18-sdtx-leaders-indicted"),
                           ("unsealed", "e-2025-12-18-sdny-guerrero-unsealed"),
                           ("ice", "e-2026-02-18-ice-wanted-post"),
                           ("reported_killed", "e-2026-06-12-guerrero-flores-reported-killed")]:
        values[name] = when(ev[event_id])
    values["reward_guerrero"], values["reward_guerrero_date"] = offer("r-guerrero-flores-2024")
    values["reward_romero"] = offer("r-romero-2024")[0]
    values["reward_mosquera_2024"] = offer("r-mosquera-serrano-2024")[0]
    values["reward_mosquera_2025"], values["reward_mosquera_2025_date"] = offer("r-mosquera-serrano-increase-2025")
    return values
