"""The fact-check chapter, the claims ledger, the glossary and the corrections mechanism."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT
from bookbuild import checks as ledger
from explainer import claims as cl
from explainer import data, toc
from explainer.data import bib_keys

#: Every book claim is marked in its chapter: nothing is pending.
NOT_YET_REFERENCED: set[str] = set()


def glossary_entries(path=ROOT / "chapters" / "glossary.md") -> list[tuple[str, str]]:
    """The glossary's (term, definition) pairs, read from the page."""
    body = path.read_text(encoding="utf-8").split("```{glossary}", 1)[1].split("\n```", 1)[0]
    entries = re.split(r"\n(?=\S)", body.strip())
    return [(e.splitlines()[0], " ".join(line.strip() for line in e.splitlines()[1:])) for e in entries]


@pytest.fixture(scope="module")
def claims():
    return data.load("claims")


@pytest.fixture(scope="module")
def refs():
    return ledger.claim_refs(toc.pages())


# ---------------------------------------------------------------- the ledger
def test_every_referenced_claim_exists(claims, refs):
    ids = set(claims["claim_id"])
    missing = {cid: where for cid, where in refs.items() if cid not in ids}
    assert not missing, missing


def test_every_ledger_row_is_referenced(claims, refs):
    assert ledger.check_ledger(claims, refs, NOT_YET_REFERENCED) == []


def test_every_seed_claim_is_checked_in_the_factcheck_chapter(claims, refs):
    seed = set(claims.loc[claims["origin"] == "seed", "claim_id"])
    in_factcheck = {cid for cid, where in refs.items() if any(p.stem == "factcheck" for p, _ in where)}
    assert seed <= in_factcheck, sorted(seed - in_factcheck)
    assert not seed & NOT_YET_REFERENCED


def test_removing_a_claim_from_a_copy_of_the_table_breaks_the_check(data_copy, refs):
    """A chapter marks c-seed-reward-unprecedented; delete that row in a scratch copy: the check fails."""
    victim = "c-seed-reward-unprecedented"
    assert victim in refs
    intact = data_copy.package().load("claims")
    assert ledger.check_ledger(intact, refs, NOT_YET_REFERENCED) == []

    rows = data_copy.rows("claims")
    kept = [r for r in rows if r[0] != victim]
    assert len(kept) == len(rows) - 1
    data_copy.write_rows("claims", kept)
    broken = data_copy.package().load("claims")
    assert victim not in set(broken["claim_id"])
    problems = ledger.check_ledger(broken, refs, NOT_YET_REFERENCED)
    assert len(problems) == 1
    assert victim in problems[0] and "not in claims.csv" in problems[0] and "factcheck.md" in problems[0]


def test_a_new_unreferenced_row_breaks_the_check(data_copy, refs):
    rows = data_copy.rows("claims")
    new = list(rows[-1])
    new[0] = "c-book-added-without-a-marker"
    data_copy.write_rows("claims", rows + [new])
    problems = ledger.check_ledger(data_copy.package().load("claims"), refs, NOT_YET_REFERENCED)
    assert problems == [f"claim 'c-book-added-without-a-marker' is not referenced in chapters/{new[1]}.md "
                        "(add `% claim: c-book-added-without-a-marker` after the sentence that makes it)"]


def test_claim_refs_parses_markers_and_skips_code(tmp_path):
    page = tmp_path / "indictment.md"
    page.write_text(
        "# Title\n\nA sentence.\n\n% claim: c-book-a\n%claim: c-book-b, c-book-c\n"
        "% a plain comment\nText % claim: c-book-not-a-marker\n"
        "```{code-cell} ipython3\n% claim: c-book-in-code\n```\n"
        "````markdown\n```\n% claim: c-book-in-nested-code\n```\n````\n% claims: c-book-d\n",
        encoding="utf-8")
    refs = ledger.claim_refs([page])
    assert sorted(refs) == ["c-book-a", "c-book-b", "c-book-c", "c-book-d"]
    assert refs["c-book-a"] == [(page, 5)]
    assert refs["c-book-d"] == [(page, 17)]


def test_a_marker_in_another_chapter_does_not_count_as_used(claims, tmp_path):
    page = tmp_path / "intro.md"
    page.write_text("% claim: c-book-fto-2025-02-20\n", encoding="utf-8")
    problems = ledger.check_ledger(claims, ledger.claim_refs([page]), NOT_YET_REFERENCED - {"c-book-fto-2025-02-20"})
    assert any("c-book-fto-2025-02-20" in p and "chapters/geopolitics.md" in p for p in problems)


# ---------------------------------------------------------------- the claims table
def test_every_claim_of_the_article_quotes_it(claims):
    """A claim of the article (origin seed) carries the article's own words, which the chapter's card
    quotes; its verdict is data, and a corrected verdict needs no test change."""
    seed = claims[claims["origin"] == "seed"]
    assert len(seed) >= 10
    assert seed["seed_quote"].notna().all() and (seed["seed_quote"].str.len() > 3).all()


def test_every_verdict_has_a_source_and_an_explanation(claims):
    keys = bib_keys()
    for _, r in claims.iterrows():
        assert len(r["source_keys"]) >= 1 and set(r["source_keys"]) <= keys, r["claim_id"]
        assert len(str(r["explanation"])) > 20, r["claim_id"]


# ---------------------------------------------------------------- rendering helpers
def test_card_quotes_the_article_and_cites_every_source(claims):
    row = claims.set_index("claim_id").loc["c-seed-reward-unprecedented"].copy()
    row["claim_id"] = "c-seed-reward-unprecedented"
    md = cl.card(row)
    assert md.startswith("````{admonition} The article: “unprecedented \\$5 million reward”")
    assert ":class: danger claim-card claim-incorrect" in md
    assert "**Verdict: Incorrect.**" in md
    assert "{cite:p}`" + ",".join(row["source_keys"]) + "`" in md
    assert "11 July 2024" in md and "11 Jul 2024" not in md
    assert md.rstrip().endswith("````")


def test_card_for_a_book_claim_uses_the_claim_as_title(claims):
    row = claims[claims["origin"] == "book"].iloc[0]
    md = cl.card(row)
    assert md.splitlines()[0].startswith("````{admonition} The SDNY indictment")
    assert "The claim checked" not in md


def test_card_refuses_a_claim_without_sources(claims):
    row = claims.iloc[0].copy()
    row["source_keys"] = ()
    with pytest.raises(ValueError, match="source"):
        cl.card(row)


def test_counts_keep_the_order_and_the_zeros():
    assert cl.counts(["partly", "supported", "supported"], cl.VERDICTS) == [
        ("supported", 2), ("partly", 1), ("incorrect", 0), ("unverified", 0), ("opinion", 0)]
    with pytest.raises(ValueError, match="maybe"):
        cl.counts(["maybe"], cl.VERDICTS)


def test_count_bars_draws_one_labelled_bar_per_label():
    fig = cl.count_bars(["a", "b", "c"], [3, 0, 1], ["#000000"] * 3, title="T", xlabel="n",
                        source="S", as_of="1 January 2026")
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [3, 0, 1]
    y = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
    assert y["a"] > y["b"] > y["c"]  # first label on top
    assert [p.get_y() + p.get_height() / 2 for p in ax.patches] == [y["a"], y["b"], y["c"]]
    assert {t.get_text().strip() for t in ax.texts} >= {"3", "0", "1"}
    with pytest.raises(ValueError):
        cl.count_bars(["a"], [1, 2], ["#000"], title="T", xlabel="n", source="S", as_of="x")


def test_ledger_table_links_chapters_and_cites(claims):
    book = claims[claims["origin"] == "book"]
    md = cl.ledger_table(book)
    chapters = list(dict.fromkeys(book["chapter"].astype(str)))
    assert [m for m in re.findall(r"^\*\*In \{doc\}`(\w+)`\*\*$", md, re.M)] == chapters
    items = re.findall(r"^- .+$", md, re.M)
    assert len(items) == len(book)
    assert all(re.search(r"\*Confidence: [a-z-]+(; verdict: [a-z ,]+)?\.\* \{cite:p\}`[^`]+`$", i) for i in items)
    assert "*Confidence: single-source; verdict: unverified.*" in md  # the penalty claim is flagged


def test_verdict_table_has_one_row_per_claim(claims):
    seed = claims[claims["origin"] == "seed"]
    md = cl.verdict_table(seed)
    rows = md.splitlines()[2:]
    assert len(rows) == len(seed)
    assert "| “unprecedented \\$5 million reward” | **Incorrect** |" in rows


def test_the_spanish_edition_quotes_the_article_in_spanish_with_the_original_beside_it(claims):
    from explainer import i18n
    from explainer.text import md_escape

    seed = claims[claims["origin"] == "seed"]
    with i18n.using("es"):
        rows = cl.verdict_table(seed).splitlines()[2:]
        cards = cl.cards(seed)
    for row, (_, r) in zip(rows, seed.iterrows()):
        original = md_escape(r["seed_quote"])
        assert f"“{original}”" in row, row  # the article's own words are always there
        with i18n.using("es"):
            spanish = i18n.say("claims", "seed_quote", r["seed_quote"])
        if spanish != r["seed_quote"]:  # a translation, shown first, then the original
            assert row.index(f"“{md_escape(spanish)}”") < row.index(f"“{original}”"), row
            assert f"“{md_escape(spanish)}”" in cards


# ---------------------------------------------------------------- chapters, glossary, corrections
def test_glossary_defines_every_term_in_plain_language():
    """Each entry defines its term in a sentence or a short paragraph, with a source; the entries are in
    alphabetical order. (An unknown {term} link fails the -W build, so no list of terms is kept here.)"""
    entries = glossary_entries()
    assert len(entries) >= 10
    terms = [t for t, _ in entries]
    assert len(set(terms)) == len(terms)
    assert terms == sorted(terms, key=str.casefold)
    for term, definition in entries:
        assert "in preparation" not in definition.lower(), term
        assert 40 < len(definition) < 700, term
        assert "{cite:p}`" in definition, term


def test_the_spanish_glossary_defines_the_same_terms():
    english = [t for t, _ in glossary_entries()]
    spanish = glossary_entries(ROOT / "es" / "chapters" / "glossary.md")
    assert len(spanish) == len(english)
    for _, definition in spanish:
        assert 40 < len(definition) < 800 and "{cite:p}`" in definition


def collation_key(term: str, lang: str) -> str:
    """Where ``term`` sorts in a dictionary of ``lang``: case ignored; in Spanish, accents ignored too and ñ
    a letter of its own, after n."""
    from explainer.text import collation_key as spanish_order

    return term.casefold() if lang == "en" else spanish_order(term)


def test_spanish_collation_ignores_accents_and_case_and_puts_n_tilde_after_n():
    words = ["Zeta", "ñandú", "nube", "Ávila", "acusación", "OFAC", "nzz", "o"]
    assert sorted(words, key=lambda w: collation_key(w, "es")) == [
        "acusación", "Ávila", "nube", "nzz", "ñandú", "o", "OFAC", "Zeta"]


@pytest.mark.parametrize("lang", toc.EDITIONS)
def test_each_edition_lists_its_glossary_in_its_own_alphabetical_order(lang):
    page = toc.edition_root(ROOT, lang) / "chapters" / "glossary.md"
    terms = [t for t, _ in glossary_entries(page)]
    assert terms == sorted(terms, key=lambda t: collation_key(t, lang))


def test_correction_template_asks_for_sentence_problem_and_source():
    t = (ROOT / ".github" / "ISSUE_TEMPLATE" / "correction.md").read_text(encoding="utf-8")
    front = t.split("---", 2)[1]
    assert re.search(r"^name: Correction$", front, re.M) and re.search(r"^about: .+", front, re.M)
    for heading in ("## The sentence", "## What is wrong", "## Your source"):
        assert heading in t


def test_corrections_log_lists_every_logged_correction_and_nothing_else():
    """What the log shows is the corrections table: one anchored entry per row, none other."""
    from explainer.appendix import corrections_markdown

    md = corrections_markdown()
    assert sorted(re.findall(r"^\((c-[\w-]+)\)=$", md, re.M)) == sorted(data.load("corrections")["correction_id"])
    page = (ROOT / "chapters" / "corrections.md").read_text(encoding="utf-8")
    assert not re.search(r"^\(c-[\w-]+\)=$", page, re.M)  # no entry typed into the page itself


def test_the_checker_reports_the_ledger_in_each_edition(tmp_path):
    """python -m bookbuild.checks holds the ledger: a marker naming no claim fails, naming its page and line,
    in either edition."""
    import shutil

    for item in ("data", "references.bib", "_toc.yml", "intro.md", "chapters", "es"):
        src = ROOT / item
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, tmp_path / item)
    assert ledger.check_claims(tmp_path) == []
    page = tmp_path / "es" / "chapters" / "factcheck.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n% claim: c-book-no-such-claim\n", encoding="utf-8")
    found = ledger.check_claims(tmp_path)
    assert [(f.file, "c-book-no-such-claim" in f.message) for f in found] == [("es/chapters/factcheck.md", True)]
    assert found[0].line == len(page.read_text(encoding="utf-8").splitlines())
