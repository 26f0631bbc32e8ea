"""The Spanish edition's termbase (locale/es/termbase.csv) and its check (bookbuild.terms): the table is
well formed, the book keeps to it, and a departure planted in a page or a catalogue is reported by file,
line and column."""
from __future__ import annotations

import csv
import re
import shutil

import pytest

from bookbuild import checks, terms
from conftest import ROOT


@pytest.fixture(scope="module")
def termbase():
    return terms.load(ROOT)


@pytest.fixture
def book(tmp_path):
    """A scratch copy of what the termbase check reads: the Spanish pages and the catalogues."""
    root = tmp_path / "book"
    for d in ("es", "locale"):
        shutil.copytree(ROOT / d, root / d)
    return root


def _literal(termbase, scope=("", "pages", "catalogues")):
    """(term, variant) for every variant written as a word or phrase (not a pattern) in ``scope``."""
    return [(t, v) for t in termbase for v in t.variants
            if not v.startswith("/") and "*" not in v and t.scope in scope]


def _plant(path, sentence: str) -> tuple[int, int]:
    """Append a paragraph to a page; (line, column) where ``sentence`` starts."""
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(text + "\n\n" + sentence + "\n", encoding="utf-8")
    return text.count("\n") + 3, 1


# ------------------------------------------------------------------------------------------ the table
def test_the_termbase_is_well_formed(termbase):
    """Known kinds and scopes, every variant a valid pattern, one row per English term, and no fixed
    Spanish that a variant (its own or another term's) refuses."""
    assert terms.problems_in(termbase) == []
    with open(ROOT / terms.TERMBASE, encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == terms.COLUMNS
    english = [t.english.casefold() for t in termbase]
    assert len(english) == len(set(english))
    for t in termbase:
        assert t.kind in terms.KINDS and t.spanish and t.english, t
        for s in t.spanish:
            for other in termbase:
                for v, pattern in other.patterns():
                    assert not pattern.search(s) or s in other.spanish, (t.english, s, other.english, v)


def test_the_status_terms_are_the_status_vocabulary(termbase):
    """Every status a person may have has its fixed Spanish, and only those are status terms."""
    with open(ROOT / "data" / "vocabularies.csv", encoding="utf-8", newline="") as f:
        statuses = {r["word"] for r in csv.DictReader(f) if r["vocabulary"] == "status"}
    assert {t.english for t in termbase if t.kind == "status"} == statuses


def test_the_problems_of_a_malformed_termbase_are_named():
    bad = [terms.Term("name", "X", ("x",), ("/(unclosed/",), "", "", 2),
           terms.Term("style", "x", ("evidencia",), ("evidencia*",), "", "", 3)]
    found = terms.problems_in(bad)
    assert any(":2: kind 'name'" in f for f in found)
    assert any(":2: the variant '/(unclosed/' is not a valid pattern" in f for f in found)
    assert any(":3: 'x' is already a term (line 2)" in f for f in found)
    assert any(":3: the Spanish «evidencia» is refused by its own variant" in f for f in found)


# ------------------------------------------------------------------------------------------ the book
def test_the_spanish_edition_keeps_to_its_termbase():
    assert terms.findings(ROOT) == []


def test_the_checker_runs_the_termbase_check(book, tmp_path):
    """python -m bookbuild.checks reports a departure as file:line:column."""
    line, col = _plant(book / "es" / "chapters" / "spread.md", "Una frase con evidencia nueva.")
    found = [f for f in checks.check_terms(book) if f.file == "es/chapters/spread.md"]
    assert [(f.line, f.column) for f in found] == [(line, col + len("Una frase con "))]
    assert str(found[0]).startswith(f"es/chapters/spread.md:{line}:{col + 14}: «evidencia» — use «")


# ------------------------------------------------------------------------------------------ planted departures
def test_every_literal_variant_planted_in_a_page_is_reported_where_it_is(book, termbase):
    page = book / "es" / "chapters" / "glossary.md"
    planted = _literal(termbase, ("", "pages"))
    assert planted
    text = page.read_text(encoding="utf-8").rstrip("\n")
    first = text.count("\n") + 3
    page.write_text(text + "\n\n" + "\n\n".join(f"Dice {v} aquí." for _, v in planted) + "\n", encoding="utf-8")
    found = terms.findings(book)
    for k, (t, v) in enumerate(planted):
        where = f"es/chapters/glossary.md:{first + 2 * k}:6: «{v}» — use «{t.preferred}» (termbase: {t.english})"
        assert where in found, (v, [f for f in found if f":{first + 2 * k}:" in f])


def test_a_variant_planted_in_a_catalogue_is_reported_at_its_line_and_column(book, termbase):
    from babel.messages.pofile import read_po, write_po

    t, v = _literal(termbase, ("", "catalogues"))[0]
    path = book / "locale" / "es" / "LC_MESSAGES" / "data-timeline.po"
    with open(path, "rb") as f:
        cat = read_po(f)
    cat.add("It says so here.", string=f"Aquí lo dice {v}.", context="timeline:e-planted:event")
    with open(path, "wb") as f:
        write_po(f, cat, width=100, sort_output=False, ignore_obsolete=True, include_previous=True)
    lines = path.read_text(encoding="utf-8").split("\n")
    line = lines.index(f'msgstr "Aquí lo dice {v}."') + 1
    col = len('msgstr "Aquí lo dice ') + 1
    found = [f for f in terms.findings(book) if f.startswith("locale/es/LC_MESSAGES/data-timeline.po")]
    assert found == [f"locale/es/LC_MESSAGES/data-timeline.po:{line}:{col}: «{v}» — use «{t.preferred}» "
                     f"(termbase: {t.english})"]


def test_what_must_not_change_is_not_read(book, termbase):
    """Citation keys, role targets, inline code, addresses, MyST comments and glossary terms may hold a
    variant's letters; only readers' prose is checked."""
    t, v = _literal(termbase, ("", "pages"))[0]
    slug = re.sub(r"\W+", "-", v.lower())
    page = book / "es" / "chapters" / "timeline.md"
    _plant(page, f"Texto {{cite:p}}`x-{slug}` y {{ref}}`título <{slug}>`, `{v}`, https://ex.org/{slug}.\n"
                 f"% fact: timeline:{slug}")
    assert terms.findings(book) == []


def test_a_link_title_and_an_admonition_title_are_read(book, termbase):
    t, v = _literal(termbase, ("", "pages"))[0]
    page = book / "es" / "chapters" / "timeline.md"
    line, _ = _plant(page, f"Véase {{ref}}`la {v} <p-maduro>`.\n\n```{{admonition}} Sobre {v}\nTexto.\n```")
    found = terms.findings(book)
    assert any(f.startswith(f"es/chapters/timeline.md:{line}:") for f in found), found
    assert any(f.startswith(f"es/chapters/timeline.md:{line + 2}:") for f in found), found


def test_a_listed_quotation_of_a_source_may_keep_a_variant(book, termbase):
    t, v = _literal(termbase, ("", "pages"))[0]
    page = book / "es" / "chapters" / "timeline.md"
    _plant(page, f"Según el diario, “la {v} del caso”.")
    assert terms.findings(book)
    with open(book / terms.EXCEPTIONS, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "text", "reason"])
        w.writerow(["es/chapters/timeline.md", f"la {v} del caso", "the newspaper's own words"])
    assert terms.findings(book) == []


def test_a_name_the_english_gives_must_be_in_the_spanish(book, termbase):
    """A catalogue entry whose English names a programme, court, statute or designation gives its Spanish
    (in any number or gender); a status label is its fixed Spanish."""
    from babel.messages.pofile import read_po, write_po

    name = next(t for t in termbase if t.kind in terms.NAMES and " " in t.english)
    status = next(t for t in termbase if t.kind == "status")
    path = book / "locale" / "es" / "LC_MESSAGES" / "book.po"
    with open(path, "rb") as f:
        cat = read_po(f)
    cat.add(f"Under the {name.english}.", string="En el marco de otro programa.")
    cat.add(f"Under the {name.english} again.", string=f"De nuevo en el marco del {name.spanish[0]}.")
    cat.add(status.english, string="otra cosa")
    with open(path, "wb") as f:
        write_po(f, cat, width=100, sort_output=False, ignore_obsolete=True, include_previous=True)
    found = [f for f in terms.findings(book) if "the English says" in f]
    assert len(found) == 2, found
    assert any(f"«{name.english}»" in f for f in found) and any(f"«{status.english}»" in f for f in found)
    assert terms.spanish_pattern("organización terrorista extranjera").search(
        "designó a dos organizaciones terroristas extranjeras")


def test_a_source_title_or_publisher_is_read_as_published(book, termbase):
    """A source's title and its publisher's name are quoted as published, whatever words they hold; the
    book's own note about the source is not."""
    from babel.messages.pofile import read_po, write_po

    t, v = _literal(termbase, ("", "catalogues"))[0]
    path = book / "locale" / "es" / "LC_MESSAGES" / "data-planted.po"
    shutil.copy(book / "locale" / "es" / "LC_MESSAGES" / "book.po", path)
    with open(path, "rb") as f:
        cat = read_po(f)
    for column in sorted(terms.AS_PUBLISHED) + ["note"]:
        cat.add(f"{column} of the source", string=f"{v} ({column})", context=f"references:x-2026:{column}")
    with open(path, "wb") as f:
        write_po(f, cat, width=100, sort_output=False, ignore_obsolete=True, include_previous=True)
    found = [f for f in terms.findings(book) if f.startswith("locale/es/LC_MESSAGES/data-planted.po")]
    assert len(found) == 1 and f"«{v}»" in found[0], found
    line = int(found[0].split(":")[1])
    assert path.read_text(encoding="utf-8").split("\n")[line - 1] == f'msgstr "{v} (note)"'
