"""The data package: it validates, and every kind of bad input stops with a clear error."""
from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest

from explainer.data import CONFIDENCE, DataError, DataPackage, bib_keys
from conftest import ROOT

pytestmark = []
TABLES = ["timeline", "rewards", "presence", "migration", "places", "claims", "strikes", "estimates",
          "corrections", "updates"]


@pytest.fixture(scope="module")
def pkg():
    return DataPackage()


# ---------------------------------------------------------------- the real data is valid
@pytest.mark.parametrize("table", TABLES)
def test_table_loads_typed(pkg, table):
    df = pkg.load(table)
    assert len(df) > 0
    fields = {f["name"]: f for f in pkg.resources[table]["schema"]["fields"]}
    for col, f in fields.items():
        if f.get("type") == "date":
            assert pd.api.types.is_datetime64_any_dtype(df[col]), col
        elif f.get("type") == "integer":
            assert str(df[col].dtype) == "Int64", col
        elif "enum" in f.get("constraints", {}) and col not in ("source_keys", "activities"):
            assert isinstance(df[col].dtype, pd.CategoricalDtype), col


def test_frictionless_validates_the_package():
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(ROOT / "data" / "datapackage.json")).validate()
    errors = [f"{t.name}: {e.message}" for t in report.tasks for e in t.errors]
    assert report.valid, "\n".join(errors[:20])


def test_every_table_has_its_checksum(pkg):
    for name in pkg.tables:
        pkg.check_hash(name)
    assert all(r.get("hash", "").startswith("sha256:") for r in pkg.descriptor["resources"])


def test_row_counts_meet_the_brief(pkg):
    assert len(pkg.load("timeline")) >= 55
    assert len(pkg.load("presence")) == 14
    assert set(pkg.load("migration")["snapshot"]) >= {"2018-11", "2021-11", "2024-07", "2025-11"}
    assert {"TOCRP", "NRP"} <= set(pkg.load("rewards")["program"].astype(str))


def test_every_row_has_sources_and_confidence(pkg):
    keys = bib_keys()
    for name in pkg.tables:
        df = pkg.load(name)
        assert df["source_keys"].map(len).min() >= 1, name
        assert all(k in keys for ks in df["source_keys"] for k in ks), name
        if "confidence" in df:
            assert set(df["confidence"].astype(str)) <= set(CONFIDENCE), name


def test_every_bib_entry_is_used():
    """Every source in references.bib is cited by a data row or by the book's prose."""
    pkg = DataPackage()
    used = {k for n in pkg.tables for ks in pkg.load(n)["source_keys"] for k in ks}
    prose = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "intro.md", *ROOT.glob("chapters/*.md")])
    for m in re.finditer(r"\{(?:cite|cite:p|cite:t|cite:ps|cite:ts)\}`([^`]+)`", prose):
        used |= {k.strip() for k in m.group(1).split(",")}
    unused = sorted(bib_keys() - used)
    assert not unused, f"bib entries cited nowhere: {unused}"


def test_as_of_is_the_newest_source_date(pkg):
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    dates = re.findall(r"^\s*date\s*=\s*\{(\d{4}(?:-\d{2})?(?:-\d{2})?)\}", text, re.M)
    newest = max(dates)
    # the newest date the sources support: a source's own date, or an event a source reports
    # (a tally after a strike on a given day, in an article whose own date was not recorded)
    newest_row = max(pkg.load(t)[f["name"]].max() for t in pkg.tables
                     for f in pkg.resources[t]["schema"]["fields"]
                     if f.get("type") == "date" and not f.get("editorial"))
    assert pkg.descriptor["asOf"] == max(newest_row.date().isoformat(), newest[:10]), (pkg.descriptor["asOf"], newest)


def test_conflicts_are_recorded_not_hidden(pkg):
    """Contested rows must say what the conflict is."""
    for name in ("timeline", "rewards", "presence", "migration"):
        df = pkg.load(name)
        contested = df[df["confidence"].astype(str) == "contested"]
        assert contested["note"].fillna("").str.len().gt(10).all(), name


# ---------------------------------------------------------------- bad input: each a clear error
def _error(copy, table) -> str:
    with pytest.raises(DataError) as e:
        copy.package().load(table)
    return str(e.value)


def test_checksum_guard_names_the_changed_file(data_copy):
    p = data_copy.data / "migration.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("2860000", "2860001", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"data/migration\.csv: file changed: its SHA-256"):
        data_copy.package().load("migration")


def test_row_with_an_extra_field(data_copy):
    rows = data_copy.rows("migration")
    rows[3].append("surplus")
    data_copy.write_rows("migration", rows)
    msg = _error(data_copy, "migration")
    assert "data/migration.csv, line 4 (row 3)" in msg and "malformed row" in msg


def test_row_with_a_missing_field(data_copy):
    rows = data_copy.rows("timeline")
    rows[5] = rows[5][:-2]
    data_copy.write_rows("timeline", rows)
    msg = _error(data_copy, "timeline")
    assert "data/timeline.csv, line 6 (row 5)" in msg and "malformed row" in msg
    assert f"column '{rows[0][-2]}'" in msg


def test_missing_required_column(data_copy):
    rows = [r[:2] + r[3:] for r in data_copy.rows("migration")]  # drop 'count'
    data_copy.write_rows("migration", rows)
    msg = _error(data_copy, "migration")
    assert "data/migration.csv, line 1, column 'count': required column is missing" in msg


def test_non_numeric_count(data_copy):
    line = data_copy.set_cell("migration", 2, "count", "about 5000")
    assert f"line {line} (row 2), column 'count': not a whole number" in _error(data_copy, "migration")


def test_negative_count(data_copy):
    line = data_copy.set_cell("migration", 4, "count", "-12")
    assert f"line {line} (row 4), column 'count': below the minimum 0" in _error(data_copy, "migration")


def test_unknown_country_code(data_copy):
    line = data_copy.set_cell("migration", 1, "geo", "XYZ")
    msg = _error(data_copy, "migration")
    assert f"line {line} (row 1), column 'geo': unknown ISO 3166-1 alpha-3 country code 'XYZ'" in msg


def test_unknown_country_code_in_places(data_copy):
    line = data_copy.set_cell("places", 1, "country_iso3", "VNZ")
    assert f"line {line} (row 1), column 'country_iso3': unknown ISO 3166-1" in _error(data_copy, "places")


def test_date_that_does_not_parse(data_copy):
    line = data_copy.set_cell("timeline", 3, "date", "2025-02-30")
    assert f"line {line} (row 3), column 'date': not a valid date" in _error(data_copy, "timeline")


def test_date_after_the_as_of_date(data_copy):
    as_of = dt.date.fromisoformat(data_copy.package().descriptor["asOf"])
    future = (as_of + dt.timedelta(days=1)).isoformat()
    line = data_copy.set_cell("timeline", 2, "date", future)
    assert f"line {line} (row 2), column 'date': date {future} is after the data's as-of date" in \
        _error(data_copy, "timeline")


def test_source_key_not_in_the_bibliography(data_copy):
    line = data_copy.set_cell("rewards", 1, "source_keys", "no-such-source")
    assert f"line {line} (row 1), column 'source_keys': source key 'no-such-source' is not in references.bib" \
        in _error(data_copy, "rewards")


def test_duplicated_primary_key(data_copy):
    rows = data_copy.rows("timeline")
    rows.append(list(rows[1]))
    data_copy.write_rows("timeline", rows)
    msg = _error(data_copy, "timeline")
    assert f"line {len(rows)} (row {len(rows) - 1}), column 'event_id': duplicate primary key (first seen on line 2)" in msg


def test_confidence_outside_the_vocabulary(data_copy):
    line = data_copy.set_cell("presence", 2, "confidence", "probably")
    assert f"line {line} (row 2), column 'confidence': 'probably' is not one of the allowed values" in \
        _error(data_copy, "presence")


def test_activity_outside_the_vocabulary(data_copy):
    line = data_copy.set_cell("presence", 1, "activities", "extortion;piracy")
    assert f"line {line} (row 1), column 'activities': 'piracy' is not one of the allowed values" in \
        _error(data_copy, "presence")


def test_html_in_a_text_field(data_copy):
    line = data_copy.set_cell("timeline", 1, "event", '<script>alert("x")</script>Raid')
    assert f"line {line} (row 1), column 'event': HTML markup" in _error(data_copy, "timeline")


def test_latitude_out_of_range(data_copy):
    line = data_copy.set_cell("places", 1, "lat", "123.4")
    assert f"line {line} (row 1), column 'lat': above the maximum 90" in _error(data_copy, "places")


def test_every_problem_is_reported_at_once(data_copy):
    data_copy.set_cell("migration", 1, "count", "x")
    data_copy.set_cell("migration", 2, "count_type", "guess")
    msg = _error(data_copy, "migration")
    assert "2 data problem(s)" in msg


def test_build_refuses_bad_data(data_copy, monkeypatch):
    """`python -m explainer.data` (run by `make book` before the build) exits non-zero."""
    import explainer.data as d

    data_copy.set_cell("migration", 1, "count", "-1")
    monkeypatch.setattr(d, "DataPackage", lambda: DataPackage(data_copy.data))
    assert d.main([]) == 1
