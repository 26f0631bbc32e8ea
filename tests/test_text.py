"""The house style for text: one implementation of each job, with the cases every chapter relies on."""
from __future__ import annotations

import pytest

from explainer import text


@pytest.mark.parametrize("value, precision, short, expected", [
    ("2025-12-18", "day", False, "18 December 2025"), ("2024-07-01", "month", False, "July 2024"),
    ("2012-01-01", "year", False, "2012"), ("2025-12-18", "day", True, "18 Dec 2025"),
    ("2025-01-01", "month", True, "Jan 2025"), (None, "day", False, ""),
    ("2025-12-18", None, False, "18 December 2025"),
])
def test_format_date(value, precision, short, expected):
    assert text.format_date(value, precision, short=short) == expected


@pytest.mark.parametrize("raw, expected", [
    ("since 11 Jul 2024", "since 11 July 2024"),
    ("(Feb 2025)", "(February 2025)"),
    ("the exact day (2 Dec)", "the exact day (2 December)"),
    ("30-31 Dec 2025", "30-31 December 2025"),
    ("Sept 2023", "September 2023"),
    ("found on 1 Mar 2024 in Maipú", "found on 1 March 2024 in Maipú"),
    ("murders (Mar-Aug 2021)", "murders (March–August 2021)"),
    ("in 2025 Mar and Dec", "in 2025 Mar and Dec"),  # no day before, no year after: left alone
    ("Mark the Decision in March", "Mark the Decision in March"),
    ("May 2025", "May 2025"),
])
def test_expand_months(raw, expected):
    assert text.expand_months(raw) == expected


def test_money_has_one_prose_style_and_one_chart_style():
    assert text.usd(5_000_000) == "$5 million" and text.usd(12_000_000) == "$12 million"
    assert text.usd(2_500_000) == "$2.5 million" and text.usd(132_000) == "$132,000"
    assert text.usd(5_000_000, short=True) == "$5M" and text.usd(2_500_000, short=True) == "$2.5M"


def test_counts_ranges_and_lists():
    assert text.count(7774494) == "7,774,494" and text.millions(2_860_000) == "2.86 million"
    assert text.millions(7_774_494, 1) == "7.8 million"
    assert text.span(11, 11) == "11" and text.span(43, 46) == "43–46"
    with pytest.raises(ValueError, match="reversed"):
        text.span(46, 43)
    assert text.and_list([]) == "" and text.and_list(["a"]) == "a"
    assert text.and_list(["a", "b"]) == "a and b" and text.and_list(iter(["a", "b", "c"])) == "a, b and c"
    assert text.calendar_months("2023-09-27", "2025-01-01") == 16


def test_md_escape_neutralises_markup():
    assert text.md_escape("$5 *bold* {cite}`x` <b> | a") == r"\$5 \*bold\* \{cite\}\`x\` \<b\> \| a"
    assert text.md_escape("[a](b) #1 ~x") == r"\[a\](b) \#1 \~x"
    assert text.md_escape("two\nlines") == "two lines"
    assert text.md_escape(None) == "" and text.md_escape(float("nan")) == ""
    assert text.md_escape("plain, text.") == "plain, text."


def test_cite():
    assert text.cite(["a-1", "b_2"]) == "{cite:p}`a-1,b_2`"
    assert text.cite([]) == ""
    with pytest.raises(ValueError):
        text.cite([], required=True)
    with pytest.raises(ValueError):
        text.cite(["bad`key"])


BIB = {"k1": text.source_entry("k1", {"title": "{[A <b>title</b>]}", "organization": "Outlet & Co"}),
       "k2": text.source_entry("k2", {"title": "{Caracas}", "organization": "Wikipedia"})}


def test_each_edition_shows_a_sources_own_title_first_and_a_translation_where_its_language_differs():
    from explainer import i18n

    bib = text.bibliography()
    by_lang = {lang: [e for e in bib.values() if e["langid"] == lang and not e["described"]]
               for lang in ("english", "spanish")}
    assert by_lang["english"] and by_lang["spanish"]
    for lang, entries in by_lang.items():
        for e in entries:
            for reader in ("en", "es"):
                with i18n.using(reader):
                    shown = text.shown_source(e)
                assert shown["title"] == e["title"]  # the own title, in both editions
                same = text.EDITION_OF_LANGID[lang] == reader
                if same:
                    assert not shown["translation"], (e, reader)
                else:  # a translation, unless it reads the same (a name: "A.A.R.P. v. Trump")
                    with i18n.using(reader):
                        wanted = e["translation"] if reader == "en" else i18n.say("references", "title", e["title"])
                    assert shown["translation"] or wanted.casefold() == e["title"].casefold(), (e, reader)
                assert shown["heading"].startswith(e["title"])
    described = next(e for e in bib.values() if e["described"])
    with i18n.using("es"):
        es = text.shown_source(described)
    assert es["title"].startswith("[") and es["title"] != f"[{described['title']}]"  # a Spanish description


def test_source_names():
    assert text.source_names(["k2", "k2"], BIB) == ["Wikipedia, “Caracas”"]
    assert text.source_names(["k1", "k2"], BIB) == ["Outlet & Co", "Wikipedia, “Caracas”"]
    with pytest.raises(KeyError):
        text.source_names(["missing"], BIB)


def test_the_real_bibliography_is_read_once_and_completely(tmp_path):
    bib = tmp_path / "x.bib"
    bib.write_text("@online{b-2,\n  title = {{T}},\n  organization = {Clarín},\n  date = {2024-07},\n}\n"
                   "@online{a-1,\n  title = {{U}},\n  organization = {El País},\n}\n", encoding="utf-8")
    entries = text.bibliography(bib)
    assert set(entries) == {"a-1", "b-2"} and entries["b-2"]["date"] == "2024-07"
    assert text.source_names(["b-2", "a-1", "b-2"], bib) == ["Clarín", "El País"]


def test_no_other_module_defines_these_helpers():
    """One implementation of each job: no second definition anywhere in the package."""
    import re
    from pathlib import Path

    jobs = {"format_date", "expand_months", "prose_dates", "usd", "usd_words", "md_escape", "and_list",
            "and_join", "cite", "bibliography", "source_names", "calendar_months", "span", "pretty_date",
            "date_label", "spread_positions", "mpl_escape", "when", "event_date", "key_part", "chapter_files",
            "timeline", "lane_timeline", "vertical_timeline"}
    pkg = Path(text.__file__).parent
    defined = {}
    for path in [*pkg.glob("*.py"), *(pkg.parent / "_ext").glob("*.py")]:
        for name in re.findall(r"^def (\w+)\(", path.read_text(encoding="utf-8"), re.M):
            if name in jobs:
                defined.setdefault(name, []).append(path.name)
    assert all(len(files) == 1 for files in defined.values()), defined
