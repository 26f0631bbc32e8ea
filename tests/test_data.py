"""The data package: it validates, and every kind of bad input stops with a clear error."""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from explainer.data import CONFIDENCE, DataError, DataPackage, bib_keys, range_pairs
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


@pytest.mark.parametrize("table", DataPackage().tables)
def test_rows_are_labelled_by_their_primary_key(pkg, table):
    """table.loc[key] finds a row by the same key a '% fact: table:key' marker names."""
    df = pkg.load(table)
    pk = pkg.resources[table]["schema"].get("primaryKey")
    if not pk:
        return
    assert df.index.is_unique
    cols = [pk] if isinstance(pk, str) else pk
    for key, row in df.iterrows():
        parts = key.split("/") if len(cols) > 1 else [key]
        assert len(parts) == len(cols), key
        for col, part in zip(cols, parts):
            value = row[col]
            shown = (";".join(value) if isinstance(value, tuple)
                     else value.date().isoformat() if isinstance(value, pd.Timestamp) else str(value))
            assert shown == part, (table, key, col)


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


def test_every_mapped_country_has_a_boundary(pkg):
    """The maps draw every country in presence, migration and places from data/geo (offline outlines)."""
    from explainer.data import country_bounds

    outlines = set(country_bounds(pkg.path("boundaries")))
    mig = pkg.load("migration")
    codes = {"presence": set(pkg.load("presence")["country_iso3"].astype(str)),
             "migration": set(mig.loc[mig["scope"].astype(str) == "country", "geo"].astype(str)),
             "places": set(pkg.load("places")["country_iso3"].astype(str))}
    assert {t: sorted(c - outlines) for t, c in codes.items() if c - outlines} == {}


def test_every_row_has_sources_and_confidence(pkg):
    keys = bib_keys()
    for name in pkg.tables:
        df = pkg.load(name)
        if "source_keys" not in df:  # an editorial table: its rows name the sourced rows they present
            assert pkg.resources[name].get("editorial") is True, name
            # by a foreign key, or (the register of leads, whose rows point into any table) by 'rows',
            # which python -m bookbuild.checks resolves; or it is the label vocabularies, whose codes the
            # tables use (tests/test_architecture.py)
            assert pkg.resources[name]["schema"].get("foreignKeys") or "rows" in df or name == "vocabularies", name
            continue
        assert df["source_keys"].map(len).min() >= 1, name
        assert all(k in keys for ks in df["source_keys"] for k in ks), name
        if "confidence" in df:
            assert set(df["confidence"].astype(str)) <= set(CONFIDENCE), name


def test_every_bib_entry_is_used():
    """Every source in references.bib is cited by a data row or by the book's prose."""
    pkg = DataPackage()
    used = {k for n in pkg.tables if "source_keys" in pkg.load(n) for ks in pkg.load(n)["source_keys"] for k in ks}
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
    where = f"line {len(rows)} (row {len(rows) - 1}), column 'event_id'"
    assert f"{where}: duplicate primary key (first seen on line 2)" in msg


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


# ---------------------------------------------------------------- the editing workflow
def test_the_real_problem_comes_before_the_checksum(data_copy):
    """An edit that breaks a rule reports the rule, not merely that the file changed."""
    rows = data_copy.rows("timeline")
    rows[3][rows[0].index("date")] = "01/01/1983"
    data_copy.write_rows("timeline", rows, record_hashes=False)
    msg = _error(data_copy, "timeline")
    assert "line 4 (row 3), column 'date': not a valid date" in msg
    assert "file changed" not in msg


def test_checksums_refuse_an_invalid_file(data_copy, monkeypatch, capsys):
    import explainer.data as d

    before = (data_copy.data / "datapackage.json").read_bytes()
    rows = data_copy.rows("strikes")
    rows[1][rows[0].index("killed_min")] = "x"
    data_copy.write_rows("strikes", rows, record_hashes=False)
    monkeypatch.setattr(d, "DataPackage", lambda: DataPackage(data_copy.data))
    assert d.main(["--write-hashes"]) == 1
    assert (data_copy.data / "datapackage.json").read_bytes() == before
    err = capsys.readouterr().err
    assert "data/strikes.csv, line 2 (row 1), column 'killed_min': not a whole number" in err
    assert "Checksums not recorded" in err
    with pytest.raises(DataError):
        DataPackage(data_copy.data).write_hashes()


def test_checksums_record_a_valid_change(data_copy, monkeypatch):
    import explainer.data as d

    p = data_copy.data / "migration.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("2860000", "2860001", 1), encoding="utf-8")
    monkeypatch.setattr(d, "DataPackage", lambda: DataPackage(data_copy.data))
    assert d.main([]) == 1  # changed, not yet reviewed
    assert d.main(["--write-hashes"]) == 0
    assert d.main([]) == 0


def test_validator_output_is_short_and_names_the_place(tmp_path):
    """`python -m explainer.data` (run before every build) says what is wrong in a few lines, no traceback."""
    import shutil
    import subprocess
    import sys

    book = tmp_path / "book"
    shutil.copytree(ROOT / "explainer", book / "explainer", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", book / "data")
    shutil.copy(ROOT / "references.bib", book)
    p = book / "data" / "places.csv"
    rows = [r.split(",") for r in p.read_text(encoding="utf-8").splitlines()]
    lat, lon = rows[0].index("lat"), rows[0].index("lon")
    rows[1][lat], rows[1][lon] = rows[1][lon], rows[1][lat]
    p.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "explainer.data"], cwd=book, capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 3, proc.stderr
    assert "data/places.csv, line 2 (row 1), column 'lat,lon'" in proc.stderr


# ---------------------------------------------------------------- rules beyond the schema
def test_table_with_a_header_and_no_rows(data_copy):
    rows = data_copy.rows("strikes")
    data_copy.write_rows("strikes", rows[:1])
    msg = _error(data_copy, "strikes")
    assert "data/strikes.csv, line 2 (row 1): the table has no rows" in msg and "Hint:" in msg


def test_every_range_in_the_schemas_is_checked(pkg):
    """Every column named as one end of a range is paired with its other end."""
    for name in pkg.tables:
        cols = [f["name"] for f in pkg.resources[name]["schema"]["fields"]]
        paired = {c for pair in range_pairs(cols) for c in pair}
        ends = {c for c in cols if re.search(r"(^|_)(min|max|low|high)($|_)|^end_date$", c)}
        assert ends <= paired, (name, sorted(ends - paired))
    assert ("killed_min", "killed_max") in range_pairs(["killed_min", "killed_max"])


RANGES = [(t, lo, hi) for t in TABLES for lo, hi in range_pairs(
    [f["name"] for f in DataPackage().resources[t]["schema"]["fields"]])]


@pytest.mark.parametrize("table, lo, hi", RANGES, ids=[f"{t}-{lo}" for t, lo, _ in RANGES])
def test_reversed_range(data_copy, table, lo, hi):
    rows = data_copy.rows(table)
    i = next(i for i, r in enumerate(rows[1:], start=1) if r[rows[0].index(lo)] and r[rows[0].index(hi)]
             and r[rows[0].index(lo)] != r[rows[0].index(hi)])
    a, b = rows[i][rows[0].index(lo)], rows[i][rows[0].index(hi)]
    rows[i][rows[0].index(lo)], rows[i][rows[0].index(hi)] = b, a
    data_copy.write_rows(table, rows)
    msg = _error(data_copy, table)
    assert f"data/{table}.csv, line {i + 1} (row {i}), column '{lo}': the range is reversed: {lo} " in msg
    assert f"is greater than {hi}" in msg


def test_swapped_latitude_and_longitude(data_copy):
    rows = data_copy.rows("places")
    lat, lon = rows[0].index("lat"), rows[0].index("lon")
    rows[1][lat], rows[1][lon] = rows[1][lon], rows[1][lat]
    data_copy.write_rows("places", rows)
    msg = _error(data_copy, "places")
    assert "data/places.csv, line 2 (row 1), column 'lat,lon':" in msg
    assert "lies outside Venezuela" in msg and "swapped" in msg


def test_place_outside_its_country(data_copy):
    rows = data_copy.rows("places")
    h = rows[0]
    i = next(i for i, r in enumerate(rows) if r[h.index("country_iso3")] == "VEN")
    rows[i][h.index("lat")], rows[i][h.index("lon")] = "-33.45", "-70.66"  # Santiago de Chile
    data_copy.write_rows("places", rows)
    msg = _error(data_copy, "places")
    assert f"line {i + 1} (row {i}), column 'lat,lon': (-33.45, -70.66) lies outside Venezuela" in msg
    assert "swapped" not in msg


def test_latin1_file(data_copy):
    import unicodedata

    def ascii(c):  # an all-ASCII file but for the one cell below
        return unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode()

    rows = [[ascii(c) for c in r] for r in data_copy.rows("places")]
    h = rows[0]
    rows[3][h.index("place")] = "Bogotá"
    data_copy.write_rows("places", rows, record_hashes=False, encoding="latin-1")
    msg = _error(data_copy, "places")
    assert "data/places.csv, line 4 (row 3), column 'place': not UTF-8: byte 0xE1 at character" in msg
    assert "'á'" in msg and "Hint: save the file as UTF-8" in msg


def test_byte_order_mark(data_copy):
    p = data_copy.data / "presence.csv"
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    msg = _error(data_copy, "presence")
    assert "data/presence.csv, line 1: the file starts with a UTF-8 byte-order mark (BOM)" in msg
    assert "is missing" not in msg


def test_crlf_line_endings_keep_the_checksum(data_copy):
    """A Windows checkout (CRLF) validates against checksums recorded on Linux (LF)."""
    for p in data_copy.data.glob("*.csv"):
        p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n"))
    pkg = data_copy.package()
    assert pkg.check(verify_hash=True) == {}
    assert pkg.load("timeline").equals(DataPackage().load("timeline"))


# ---------------------------------------------------------------- a derived table cannot contradict its evidence
def test_an_activity_the_evidence_describes_must_be_listed(data_copy):
    """The activities table (Regional spread, fact-check) is computed from presence.csv; each country's list is
    held to the country's own notable event and notes, so it cannot leave out an activity they describe."""
    rows = data_copy.rows("presence")
    head = rows[0]
    usa = next(i for i, r in enumerate(rows) if r[0] == "USA")
    acts = rows[usa][head.index("activities")].split(";")
    assert "kidnapping" in acts
    rows[usa][head.index("activities")] = ";".join(a for a in acts if a != "kidnapping")
    data_copy.write_rows("presence", rows)
    with pytest.raises(DataError) as e:
        data_copy.package().load("presence")
    (problem,) = e.value.problems
    assert (problem.file, problem.line, problem.column) == ("data/presence.csv", usa + 1, "activities")
    assert "kidnapping" in problem.rule


def test_first_documented_follows_one_rule(pkg):
    """'First documented' is the earliest date a source places the gang's activity in a country: no dated event
    of that activity there (timeline: regional and migration events) and not the country's notable event is
    earlier."""
    presence, timeline = pkg.load("presence"), pkg.load("timeline")
    activity = timeline[timeline["category"].astype(str).isin(["regional", "migration"])]
    for code, r in presence.iterrows():
        if pd.isna(r["first_documented"]):
            continue
        earlier = activity[(activity["country_iso3"] == code) & (activity["date"] < r["first_documented"])]
        assert earlier.empty, (code, list(earlier.index))
        assert pd.isna(r["event_date"]) or r["event_date"] >= r["first_documented"], code


def test_a_source_with_a_translated_title_but_no_original_is_refused_by_line_and_field(tmp_path):
    from explainer.data import bib_problems

    bib = tmp_path / "references.bib"
    bib.write_text("@online{ok,\n  title = {{Cómo era Tocorón}},\n  translatedtitle = {{What Tocorón was like}},\n"
                   "  langid = {spanish},\n}\n\n"
                   "@online{no-original,\n  title = {{[Police raid a cell]}},\n"
                   "  translatedtitle = {{Police raid a cell}},\n  langid = {spanish},\n}\n\n"
                   "@online{untranslated,\n  title = {{Detienen a dos}},\n  langid = {spanish},\n}\n\n"
                   "@online{unsaid,\n  title = {{A title}},\n}\n", encoding="utf-8")
    found = {(p.line, p.column): str(p) for p in bib_problems(bib)}
    assert set(found) == {(9, "translatedtitle"), (14, "title"), (18, "langid")}, found
    assert "translated title but not its original" in found[(9, "translatedtitle")]
    assert "references.bib, line 9" in found[(9, "translatedtitle")]


def test_the_bibliography_keeps_its_own_rules():
    from explainer.data import bib_problems

    assert bib_problems() == []


def _english_words_with_spanish():
    """The data's English column names and codes whose Spanish differs from them."""
    import json

    from explainer import data, i18n

    descriptor = json.loads((data.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    names, codes = set(), set()
    with i18n.using("es"):
        for res in descriptor["resources"]:
            for f in res.get("schema", {}).get("fields", []):
                if i18n.column_name(f["name"]) != f["name"]:
                    names.add(f["name"])
                translate = data.code_translator(res["name"], f)
                for code in f.get("constraints", {}).get("enum", []) if translate else []:
                    if translate(code) != code:
                        codes.add(code)
    return names, codes


def test_each_table_is_published_in_spanish_too_with_spanish_names_codes_and_text():
    import csv
    import io

    from explainer import data, i18n

    names, codes = _english_words_with_spanish()
    pkg = data.package()
    for name in pkg.tables:
        with i18n.using("es"):
            text = data.readers_csv(name, pkg)
        assert text.startswith("\ufeff"), name  # spreadsheets read the accents
        rows = list(csv.reader(io.StringIO(text[1:])))
        stored = list(csv.reader(io.StringIO(pkg._read_text(name))))
        assert len(rows) == len([r for r in stored if r]), name  # every row, no more
        assert not set(rows[0]) & names, (name, set(rows[0]) & names)
        fields = {f["name"]: f for f in pkg.resources[name]["schema"]["fields"]}
        for i, column in enumerate(stored[0]):
            if data.code_translator(name, fields[column]):
                left = {v for r in rows[1:] for v in r[i].split(";") if v in codes}
                assert not left, (name, column, left)
