"""Each correction logged in data/corrections.csv stays corrected: invariants on the data that would fail if
the error came back, and the public log and "Corrected on" notes in the built book."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from explainer import geopolitics as geo
from explainer import indictment as ind
from explainer.data import DataPackage
from conftest import ROOT

CONVICTION = re.compile(r"\b(?:sentences|sentenced|convicts|convicted|pleaded guilty)\b", re.I)
#: Event categories that document the gang's presence in a country (not US policy moves).
PRESENCE_CATEGORIES = {"regional", "court", "migration"}


@pytest.fixture(scope="module")
def pkg():
    return DataPackage()


@pytest.fixture(scope="module")
def timeline(pkg):
    return pkg.load("timeline")


@pytest.fixture(scope="module")
def presence(pkg):
    return pkg.load("presence").set_index("country_iso3")


def test_a_country_with_a_conviction_event_is_coded_convictions(timeline, presence):
    """'Only Chile has convictions' came from a US row coded 'prosecutions' despite US sentences."""
    court = timeline[(timeline["category"].astype(str) == "court")
                     & timeline["event"].str.contains(CONVICTION.pattern, flags=re.I)]
    countries = set(court["country_iso3"]) & set(presence.index)
    assert countries, "no conviction event in the timeline"
    for c in countries:
        if str(presence.loc[c, "evidence_level"]) == "origin":
            continue
        assert str(presence.loc[c, "evidence_level"]) == "convictions", c


def test_first_documented_is_not_after_a_dated_event_there(timeline, presence):
    """The US and Chile were once dated after events the timeline itself records there."""
    events = timeline[timeline["category"].astype(str).isin(PRESENCE_CATEGORIES)]
    for c, row in presence.iterrows():
        if pd.isna(row["first_documented"]) or str(row["evidence_level"]) == "origin":
            continue
        there = events[events["country_iso3"] == c]
        if there.empty:
            continue
        first = there["date"].min()
        # compare at the precision the presence row gives
        fmt = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}[str(row["first_documented_precision"])]
        assert row["first_documented"].strftime(fmt) <= first.strftime(fmt), (c, first.date())


def test_strike_series_reaches_the_newest_strike_event(pkg, timeline):
    """The tallies once stopped at 31 Dec 2025 while the campaign went on."""
    strikes = pkg.load("strikes")
    strike_events = timeline[timeline["event_id"].str.contains("strike")
                             & (timeline["category"].astype(str) == "military")]
    assert strikes["as_of"].max() >= strike_events["date"].max()


def test_only_strikes_tied_to_the_gang_in_the_timeline_are_flagged(pkg, timeline):
    """Strikes flagged tda_named must match a dated event that names the gang; no other strike may be."""
    strikes = pkg.load("strikes")
    named_days = set(timeline.loc[timeline["event_id"].str.contains("strike")
                                  & timeline["event"].str.contains("Tren de Aragua"), "date"])
    flagged = set(strikes.loc[strikes["tda_named"].fillna(False).astype(bool), "as_of"])
    assert flagged and flagged <= named_days


def test_strike_tallies_are_cumulative_and_ranges_ordered(pkg):
    d = geo.strike_tallies(pkg.load("strikes"))  # raises if a tally goes down
    assert (d["killed_min"] <= d["killed_max"]).all()
    counted = d.dropna(subset=["strikes_min"])
    assert (counted["strikes_min"] <= counted["strikes_max"]).all()


def test_reward_outcomes_follow_the_offer_and_show_on_the_chart(pkg):
    """The rewards chart once showed long-captured people as if their offers still stood."""
    rewards = pkg.load("rewards")
    for person, rows in rewards.groupby("person"):
        out = rows.dropna(subset=["outcome"])
        if out.empty:
            continue
        assert out["outcome_date"].notna().all() and out["outcome_precision"].notna().all(), person
        first_offer = rows["announced"].min()
        for _, r in out.iterrows():
            fmt = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}[str(r["outcome_precision"])]
            assert r["outcome_date"].strftime(fmt) >= first_offer.strftime(fmt), person
    latest = ind.latest_offers(rewards)
    marked = latest[latest["outcome"].notna()]
    assert len(marked) >= 2
    for _, r in marked.iterrows():
        assert ind.offer_note(r).endswith(f"{r['outcome']} {pd.Timestamp(r['outcome_date']).year}")
    at_large = latest[latest["outcome"].isna()].iloc[0]
    assert ";" not in ind.offer_note(at_large)


def test_an_account_cited_without_its_record_is_reported(tmp_path):
    """The rules of data/pairings.csv (e.g. Bukele's account of the CECOT deportees never without the record
    on them): drop the record's citations from a copy of a page that gives both, and the checker names the
    page and the rule."""
    import shutil

    from bookbuild import checks

    root = tmp_path / "book"
    for d in ("chapters", "data", "es", "locale"):
        shutil.copytree(ROOT / d, root / d)
    for f in ("intro.md", "_toc.yml", "references.bib"):
        shutil.copy(ROOT / f, root / f)
    assert checks.check_pairings(root) == []
    rule = checks.DataPackage(root / "data", root / "references.bib").load("pairings").iloc[0]
    page = root / "chapters" / "geopolitics.md"
    text = page.read_text(encoding="utf-8")
    assert any(k in text for k in rule["account_keys"])
    for k in rule["record_keys"]:
        text = text.replace(k, "doj-sdny-2025-guerrero")
    page.write_text(text, encoding="utf-8")
    found = checks.check_pairings(root)
    assert found and all(f.file == "chapters/geopolitics.md" and rule["rule_id"] in f.message for f in found)


def test_every_correction_cites_a_source_and_names_a_real_page(pkg):
    table = pkg.load("corrections")
    assert len(table) > 0
    for _, r in table.iterrows():
        assert r["source_keys"], r["correction_id"]
        page = ROOT / ("intro.md" if r["chapter"] == "intro" else f"chapters/{r['chapter']}.md")
        assert page.exists(), r["correction_id"]
        assert r["was"] != r["now"]


def test_whats_new_is_newest_first():
    from explainer.appendix import whats_new_markdown

    md = whats_new_markdown()
    dates = [pd.Timestamp(d) for d in re.findall(r"^## (\d{1,2} \w+ \d{4})$", md, flags=re.M)]
    assert dates and dates == sorted(dates, reverse=True)
    assert len(dates) == pd.Series(dates).nunique()  # one heading per day
    assert re.findall(r"^### ", whats_new_markdown(limit=5, level=3), flags=re.M)


# ----------------------------------------------------------------------------- the built book
@pytest.mark.build
def test_corrections_log_lists_every_correction_with_its_anchor(site, pkg):
    html = (site / "chapters" / "corrections.html").read_text(encoding="utf-8")
    for _, r in pkg.load("corrections").iterrows():
        assert f'id="{r["correction_id"]}"' in html, r["correction_id"]


@pytest.mark.build
def test_corrected_passages_link_to_their_log_entry(site, pkg):
    table = pkg.load("corrections")
    for chapter, group in table.groupby(table["chapter"].astype(str)):
        page = site / ("intro.html" if chapter == "intro" else f"chapters/{chapter}.html")
        html = page.read_text(encoding="utf-8")
        for cid in group["correction_id"]:
            assert re.search(r'href="[^"]*corrections\.html#%s"' % re.escape(cid), html), (chapter, cid)
        assert "Corrected on" in html


@pytest.mark.build
def test_home_page_shows_whats_new(site, pkg):
    html = (site / "intro.html").read_text(encoding="utf-8")
    updates = pkg.load("updates")
    newest = updates[updates["published"] == updates["published"].max()].iloc[0]  # listed first
    assert newest["summary"].split("'")[0][:40] in html.replace("&#8217;", "'").replace("’", "'")
    assert 'href="chapters/whats-new.html"' in html
