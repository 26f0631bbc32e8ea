"""Helpers of the indictment chapter: latest reward per person, annotations, the legal timeline."""
import matplotlib.dates as mdates
import pandas as pd
import pytest

from explainer import charts, data, text
from explainer import indictment as ind
from conftest import figure_events


def _rewards(rows):
    cols = ["reward_id", "person", "alias", "organization", "program", "amount_usd", "event", "announced",
            "status_note", "confidence"]
    df = pd.DataFrame(rows, columns=cols)
    df["announced"] = pd.to_datetime(df["announced"])
    return df


TOY = _rewards([
    # raised twice: the latest amount counts, "since" is the date of the last increase
    ["r-a-2020", "A", None, "Org", "NRP", 15_000_000, "initial", "2020-03-26", None, "corroborated"],
    ["r-a-2025", "A", None, "Org", "NRP", 25_000_000, "increase", "2025-01-10", None, "corroborated"],
    ["r-a-2025b", "A", None, "Org", "NRP", 50_000_000, "increase", "2025-08-07", "Captured.", "corroborated"],
    # restated twice at the same amount: "since" is the first offer, "latest" the last restatement
    ["r-g-2024", "G", "Niño", "Tren de Aragua", "TOCRP", 5_000_000, "initial", "2024-07-11", "At large.",
     "primary"],
    ["r-g-2025", "G", "Niño", "Tren de Aragua", "TOCRP", 5_000_000, "reiterated", "2025-07-17", None, "primary"],
    ["r-g-2025b", "G", "Niño", "Tren de Aragua", "TOCRP", 5_000_000, "reiterated", "2025-12-18", None,
     "single-source"],
    # same amount again after a different one: the run starts at the increase, not at the first row
    ["r-m-2024", "M", None, "Tren de Aragua", "TOCRP", 3_000_000, "initial", "2024-07-11", None, "primary"],
    ["r-m-2025", "M", None, "Tren de Aragua", "TOCRP", 5_000_000, "increase", "2025-12-03", None, "primary"],
    # only known from a restatement: the first offer date is unknown
    ["r-f-2024", "F", None, "CJNG", "NRP", 5_000_000, "reiterated", "2024-12-04", None, "primary"],
    # out of date order in the table: sorting must not depend on row order
    ["r-z-2021", "Z", None, "Sinaloa", "NRP", 15_000_000, "increase", "2021-09-22", None, "primary"],
    ["r-z-2015", "Z", None, "Sinaloa", "NRP", 5_000_000, "initial", "2015-01-01", None, "primary"],
])


def test_latest_offers_one_row_per_person_sorted():
    lat = ind.latest_offers(TOY)
    assert list(lat["person"]) == ["A", "Z", "F", "G", "M"]  # by amount, ties by name
    assert lat["person"].is_unique
    assert list(lat["amount_usd"]) == [50_000_000, 15_000_000, 5_000_000, 5_000_000, 5_000_000]


def test_latest_offers_since_and_latest():
    lat = ind.latest_offers(TOY).set_index("person")
    assert lat.loc["A", "since"] == pd.Timestamp("2025-08-07")
    assert lat.loc["G", "since"] == pd.Timestamp("2024-07-11")  # restatements do not reset it
    assert lat.loc["G", "latest"] == pd.Timestamp("2025-12-18")
    assert lat.loc["G", "n_changes"] == 3
    assert lat.loc["M", "since"] == pd.Timestamp("2025-12-03") and lat.loc["M", "since_event"] == "increase"
    assert lat.loc["Z", "amount_usd"] == 15_000_000  # the later row wins even if listed first
    assert lat.loc["F", "since_event"] == "reiterated"


def test_latest_offers_carries_latest_status_confidence_and_tda_flag():
    lat = ind.latest_offers(TOY).set_index("person")
    assert lat.loc["A", "status_note"] == "Captured."
    assert lat.loc["G", "status_note"] == "At large."  # the latest non-empty note
    assert lat.loc["G", "confidence"] == "single-source"  # from the latest row
    assert lat["tda"].to_dict() == {"A": False, "Z": False, "F": False, "G": True, "M": True}


def test_offer_note():
    lat = ind.latest_offers(TOY).set_index("person")
    assert ind.offer_note(lat.loc["G"]) == "since 2024"
    assert ind.offer_note(lat.loc["M"]) == "since 2025"
    assert ind.offer_note(lat.loc["F"]) == "in force 2024"


def test_compare_to():
    lat = ind.latest_offers(TOY)
    c = ind.compare_to(lat, "G")
    assert c == {"larger": ["A", "Z"], "equal": ["F", "M"], "smaller": []}
    with pytest.raises(KeyError):
        ind.compare_to(lat, "nobody")


def test_short_name():
    assert ind.short_name("Héctor Rusthenford Guerrero Flores") == "Héctor R. Guerrero Flores"
    assert ind.short_name("Nicolás Maduro") == "Nicolás Maduro"
    assert ind.short_name("Rafael Caro Quintero") == "Rafael Caro Quintero"
    assert ind.short_name("Yohan José Romero") == "Yohan José Romero"
    assert ind.short_name("Juan Carlos Valencia González") == "Juan C. Valencia González"


def test_latest_offers_on_the_book_data():
    lat = ind.latest_offers(data.load("rewards")).set_index("person")
    g = lat.loc["Héctor Rusthenford Guerrero Flores"]
    assert g["amount_usd"] == 5_000_000 and g["since"] == pd.Timestamp("2024-07-11") and g["tda"]
    assert lat.loc["Nicolás Maduro", "amount_usd"] == 50_000_000
    assert lat.loc["Giovanni Vicente Mosquera Serrano", "amount_usd"] == 5_000_000


# --------------------------------------------------------------------------- timeline
def test_leadership_events_exist_and_are_us_legal_actions():
    tl = data.load("timeline")
    fe = data.load("figure_events")
    ev = ind.leadership_timeline(tl, fe)
    assert len(ev) == int((fe["figure"] == ind.LEADERSHIP_FIGURE).sum())
    assert set(ev["category"]) <= set(ind.LANES)
    assert set(ev["country_iso3"].astype(str)) == {"USA"}
    assert ev["date"].is_monotonic_increasing
    assert "e-2025-12-18-sdny-guerrero-unsealed" in set(ev["event_id"])


def test_leadership_timeline_names_unknown_ids():
    tl = data.load("timeline")
    with pytest.raises(KeyError, match="e-1999-01-01-nothing"):
        ind.leadership_timeline(tl, figure_events(ind.LEADERSHIP_FIGURE,
                                                  [{"event_id": "e-1999-01-01-nothing", "label": "x"}]))


def test_the_vertical_timeline_draws_every_event_without_overlap():
    ev = pd.DataFrame({
        "event_id": ["a", "b", "c", "d"],
        "date": pd.to_datetime(["2025-12-18", "2025-12-18", "2025-12-19", "2024-07-11"]),
        "date_precision": ["day", "day", "day", "month"],
        "category": ["indictment", "reward", "designation", "reward"],
        "label": ["Charges $5M", "Reward", "Sanction", "First"],
    })
    fig = charts.timeline(ev, lanes=ind.LANES, lane="category", colors=ind.LANE_COLORS, vertical=True,
                          title="T", source="S", as_of="1 March 2026", highlight="a")
    ax = fig.axes[0]
    dots = [ln for ln in ax.lines if ln.get_marker() == "o"]
    assert len(dots) == 4
    assert max(ln.get_markersize() for ln in dots) == 10  # the highlighted event
    # dots on the same day are side by side, not on top of each other
    day = mdates.date2num(pd.Timestamp("2025-12-18"))
    same_day = [ln.get_xdata()[0] for ln in dots if ln.get_ydata()[0] == day]
    assert len(set(same_day)) == 2
    labels = [t for t in ax.texts if t.get_text() in {"Charges \\$5M", "Reward", "Sanction", "First"}]
    assert len(labels) == 4
    ys = sorted(t.get_position()[1] for t in labels)
    fig.canvas.draw()
    boxes = sorted((t.get_window_extent() for t in labels), key=lambda b: b.y0)
    assert all(b1.y0 >= b0.y1 - 0.5 for b0, b1 in zip(boxes, boxes[1:])), "labels overlap"
    assert ys[0] < ys[-1]
    assert ax.yaxis_inverted()  # earliest at the top
    assert any(t.get_text() == "Source: S. As of 1 March 2026." for t in fig.texts)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Charges", "Designations and sanctions",
                                                                   "Rewards"]
    charts.png_bytes(fig)  # renders




def test_a_translated_data_name_changes_no_computed_value(monkeypatch):
    """Rules select rows on the data as stored: a translator who renders the gang's name in the rewards
    table's catalogue changes what Spanish readers see, never a total the prose states."""
    from explainer import i18n

    timeline, rewards, figure_events = data.load("timeline"), data.load("rewards"), data.load("figure_events")
    with i18n.using("es"):
        before = ind.prose_values(timeline, rewards, figure_events)
        code, fields = i18n._entries("es")
        renamed = {ctx: (("la banda Tren de Aragua",) + v[1:] if ctx.endswith(":organization") else v)
                   for ctx, v in fields.items()}
        monkeypatch.setattr(i18n, "_entries", lambda language="es": (code, renamed))
        after = ind.prose_values(data.load("timeline"), data.load("rewards"), data.load("figure_events"))
        shown = i18n.shown(data.load("rewards"), "rewards")
    first = rewards[rewards["person"] == ind.GUERRERO].sort_values("announced").iloc[0]
    july = rewards[(rewards["announced"] == first["announced"]) & (rewards["organization"] == ind.TDA)]
    with i18n.using("es"):
        total = text.usd(july["amount_usd"].sum())
    assert after == before and before["total_2024"] == total and len(july) >= 2
    assert (shown["organization"] == "la banda Tren de Aragua").any()  # what readers see did change
