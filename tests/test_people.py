"""The who's who: data/people.csv is validated, agrees with the rewards and the timeline, and every page
that names a person links to that person's entry."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT
from explainer import people
from bookbuild.checks import prose_blocks
from explainer.toc import pages as chapter_files
from explainer.data import DataError, DataPackage

#: Pages that name people without linking them: the who's who itself, and the generated lists.
UNLINKED = {"chapters/whos-who.md", "chapters/timeline.md", "chapters/bibliography.md"}


@pytest.fixture(scope="module")
def pkg():
    return DataPackage()


def test_every_person_with_a_reward_has_an_entry(pkg):
    names = set(pkg.load("people")["name"].astype(str))
    missing = set(pkg.load("rewards")["person"].astype(str)) - names
    assert not missing, missing


def test_statuses_agree_with_rewards_and_timeline(pkg):
    assert people.status_problems(pkg) == []


def test_a_status_that_contradicts_a_reward_outcome_is_found(data_copy):
    rows = data_copy.rows("people")
    col = rows[0].index("status")
    line = next(i for i, r in enumerate(rows) if r[0] == "p-oseguera-cervantes") + 1  # killed, per rewards.csv
    rows[line - 1][col] = "at large"
    data_copy.write_rows("people", rows)
    problems = people.status_problems(data_copy.package())
    assert [(p.file, p.line, p.column) for p in problems] == [("data/people.csv", line, "status")]
    assert "killed" in str(problems[0])


def test_a_status_dated_before_its_timeline_event_is_found(data_copy):
    rows = data_copy.rows("people")
    head = rows[0]
    i = next(i for i, r in enumerate(rows[1:], start=1) if r[head.index("status_event_id")])
    rows[i][head.index("as_of")] = "2020-01-01"
    data_copy.write_rows("people", rows)
    problems = people.status_problems(data_copy.package())
    assert any(p.line == i + 1 and p.column == "as_of" for p in problems), problems


def test_a_person_missing_from_people_is_named_in_rewards(data_copy):
    rows = [r for r in data_copy.rows("people") if r[0] != "p-romero"]
    data_copy.write_rows("people", rows)
    with pytest.raises(DataError) as e:
        data_copy.package().load("rewards", verify_hash=False)
    rewards = data_copy.rows("rewards")
    first = next(i for i, r in enumerate(rewards) if r[1] == "Yohan José Romero") + 1
    assert f"rewards.csv, line {first} (row {first - 1}), column 'person'" in str(e.value)
    assert "people" in str(e.value)


@pytest.mark.parametrize("column,value,rule", [
    ("status", "arrested", "not one of the allowed values"),
    ("status_event_id", "e-2099-01-01-nothing", "no matching row in timeline"),
    ("source_keys", "no-such-source", "not in references.bib"),
    ("as_of", "2026-13-01", "not a valid date"),
])
def test_a_bad_cell_is_named_by_table_row_and_column(data_copy, column, value, rule):
    line = data_copy.set_cell("people", 3, column, value)
    with pytest.raises(DataError) as e:
        data_copy.package().load("people")
    assert f"people.csv, line {line} (row {line - 1}), column '{column}'" in str(e.value)
    assert rule in str(e.value)


def _page_prose(path):
    return "\n".join(b.text for b in prose_blocks(path, ROOT))


@pytest.mark.parametrize("path", [p for p in chapter_files(ROOT)
                                  if p.relative_to(ROOT).as_posix() not in UNLINKED],
                         ids=lambda p: p.stem)
def test_a_page_that_names_a_person_links_to_their_entry(pkg, path):
    named = people.mentions(_page_prose(path), pkg)
    linked = people.chapter_links(path)
    missing = {pid: names for pid, names in named.items() if pid not in linked}
    assert not missing, f"{path.name} names {missing} without a {{ref}} link to the who's who"
    assert linked <= set(pkg.load("people")["person_id"]), linked - set(pkg.load("people")["person_id"])


def test_mentions_match_whole_names_only(pkg):
    found = people.mentions("Mosquera Serranos and Cabellos; “Cucaracho” was arrested", pkg)
    assert found == {"p-paez-cordero": ["Cucaracho"]}


def test_the_page_gives_each_person_their_reward_from_the_rewards_table(pkg):
    md = people.whos_who_markdown(pkg)
    latest = people.latest_rewards(pkg)
    for _, r in pkg.load("people").iterrows():
        entry = md.split(f"({r['person_id']})=")[1].split("\n(p-")[0]
        status = people.word("status", r["status"])
        assert f"**Status:** {status[:1].upper()}{status[1:]}" in entry, (r["person_id"], entry[:200])
        if r["name"] in latest.index:
            amount = f"${latest.loc[r['name'], 'amount_usd'] / 1e6:g} million"
            assert f"up to \\{amount}" in entry, (r["person_id"], entry)
        else:
            assert "Latest US reward offer" not in entry, r["person_id"]


@pytest.mark.build
def test_every_person_has_an_anchor_on_the_built_page(site, pkg):
    page = (site / "chapters" / "whos-who.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    assert set(pkg.load("people")["person_id"]) <= ids
