"""The register of leads and the rules that keep the book's statuses current and its reports labelled.

* a lead about a person's status, a case's status or a running tally cannot stay undecided;
* a lead reported but not confirmed is shown by rows whose label says so;
* a death that is reported but not confirmed is labelled so in the Who's who table;
* no page of either edition says someone is at large without the date that statement refers to.
"""
from __future__ import annotations

import re

import pytest

from bookbuild import checks
from explainer import people, toc
from bookbuild.checks import literals, prose_blocks
from conftest import ROOT


def _lead_row(data_copy, lead_id):
    rows = data_copy.rows("leads")
    i = next(i for i, r in enumerate(rows) if r[0] == lead_id)
    return rows, i


def _set(data_copy, table, key, column, value):
    rows = data_copy.rows(table)
    i = next(i for i, r in enumerate(rows) if r[0] == key)
    rows[i][rows[0].index(column)] = value
    data_copy.write_rows(table, rows)
    return i + 1  # the line in the file


def _kinds(data_copy):
    rows = data_copy.rows("leads")
    return {r[0]: r[rows[0].index("kind")] for r in rows[1:]}


def test_the_register_is_decided():
    assert checks.check_leads(ROOT) == []
    leads = checks.DataPackage(ROOT / "data", ROOT / "references.bib").load("leads")
    undecided = leads[(leads["status"] == "open") & leads["kind"].isin(list(checks.MUST_DECIDE))]
    assert undecided.empty


@pytest.mark.parametrize("kind", sorted(checks.MUST_DECIDE))
def test_an_undecided_status_or_tally_lead_stops_the_checker(data_copy, kind):
    lead = next(k for k, v in _kinds(data_copy).items() if v == kind)
    line = _set(data_copy, "leads", lead, "status", "open")
    found = checks.check_leads(data_copy.root)
    assert [(f.file, f.line) for f in found] == [("data/leads.csv", line)]
    assert lead in found[0].message and "undecided" in found[0].message


def test_an_undecided_lead_about_anything_else_may_wait(data_copy):
    lead = next(k for k, v in _kinds(data_copy).items() if v not in checks.MUST_DECIDE)
    _set(data_copy, "leads", lead, "status", "open")
    assert checks.check_leads(data_copy.root) == []


def test_a_used_lead_must_name_rows_that_exist(data_copy):
    used = next(k for k, v in _kinds(data_copy).items() if v == "tally")
    line = _set(data_copy, "leads", used, "rows", "strikes:1999-01-01")
    found = checks.check_leads(data_copy.root)
    assert [(f.line, "strikes:1999-01-01" in f.message) for f in found] == [(line, True)]


def test_a_rejected_lead_needs_a_reason(data_copy):
    rows = data_copy.rows("leads")
    status, reason = rows[0].index("status"), rows[0].index("reason")
    i = next(i for i, r in enumerate(rows) if r[status] == "rejected")
    rows[i][reason] = ""
    data_copy.write_rows("leads", rows)
    found = checks.check_leads(data_copy.root)
    assert [f.line for f in found] == [i + 1] and "reason" in found[0].message


def test_a_report_not_confirmed_cannot_be_shown_as_confirmed(data_copy):
    """The rows that show a report the editors could not confirm carry a label that says so."""
    rows = data_copy.rows("leads")
    status, shown = rows[0].index("status"), rows[0].index("rows")
    reported = [r for r in rows[1:] if r[status] == "reported"]
    assert reported, "the register holds reports that are not confirmed"
    target = next(ref for r in reported for ref in r[shown].split(";") if ref.startswith("timeline:"))
    _set(data_copy, "timeline", target.split(":", 1)[1], "confidence", "corroborated")
    found = checks.check_leads(data_copy.root)
    assert found and all(target in f.message and "reported" in f.message for f in found)


def test_the_reported_death_is_labelled_not_confirmed():
    pkg = checks.DataPackage(ROOT / "data", ROOT / "references.bib")
    guerrero = pkg.load("people").loc["p-guerrero-flores"]
    assert str(guerrero["status"]) == "reported killed"
    assert str(guerrero["confidence"]) in checks.NOT_CONFIRMED
    event = pkg.load("timeline").loc[guerrero["status_event_id"]]
    assert str(event["confidence"]) in checks.NOT_CONFIRMED
    # the reward is not recorded as ended by a death no official source confirms
    assert pkg.load("rewards").query("person == @guerrero['name']")["outcome"].isna().all()


def test_a_reported_death_shown_as_confirmed_is_refused(data_copy):
    line = _set(data_copy, "people", "p-guerrero-flores", "confidence", "primary")
    problems = people.status_problems(data_copy.package())
    assert [(p.line, p.column) for p in problems] == [(line, "confidence")]


# ------------------------------------------------------------------ dated statuses, both editions
#: How each edition says that someone is at large.
AT_LARGE = {"en": re.compile(r"\bat large\b|\bfugitive\b", re.I),
            "es": re.compile(r"\bpr[oó]fug[oa]s?\b|\ben libertad\b|\bsigue libre\b|\bbuscad[oa]\b", re.I)}
ROLE = re.compile(r"\{(?:glue:text|asof)\}`[^`]*`")


def _dated(text: str, lang: str) -> bool:
    """A passage is dated when it states a date or year, or displays one the data computes (a glue value
    or an as-of date)."""
    return bool(ROLE.search(text)) or any(lit.kind in ("day", "month", "year") for lit in literals(text, lang))


def _pages():
    """Every page of both editions that exists, with its language."""
    return [(p, toc.language(p, ROOT)) for p in toc.all_pages(ROOT) if p.is_file()]


def test_no_page_says_someone_is_at_large_without_a_date():
    undated = []
    for path, lang in _pages():
        for block in prose_blocks(path, ROOT):
            if AT_LARGE[lang].search(block.text) and not _dated(block.text, lang):
                undated.append(f"{block.file}:{block.line}")
    assert undated == []


def test_every_page_that_discusses_his_status_reports_the_reported_death():
    """A page that says Guerrero Flores was at large, wanted or sought also reports his reported death."""
    missing = []
    for path, lang in _pages():
        text = path.read_text(encoding="utf-8")
        if "Guerrero Flores" in text and AT_LARGE[lang].search(text):
            if not re.search(r"e-2026-06-12-guerrero-flores-reported-killed|reported_killed|reported killed|"
                             r"muerte informada|noticia de (?:la|su) muerte|se informó de su muerte", text):
                missing.append(path.relative_to(ROOT).as_posix())
    assert missing == []
