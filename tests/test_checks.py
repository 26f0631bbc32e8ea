"""The text checks: chapters' "as of" dates keep up with their data; correction notes match the log."""
from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys

import pytest

from bookbuild import checks
from explainer import toc
from explainer.data import DataPackage
from conftest import ROOT


@pytest.fixture
def book(tmp_path):
    """A scratch copy of everything the checks read."""
    root = tmp_path / "book"
    for d in ("chapters", "data", "es", "locale"):
        shutil.copytree(ROOT / d, root / d)
    for f in ("intro.md", "_toc.yml", "references.bib"):
        shutil.copy(ROOT / f, root / f)
    return root


def _rewrite(path, pattern, repl, count=1):
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(pattern, repl, text, count=count)
    assert n, f"nothing to change in {path.name}"
    path.write_text(new, encoding="utf-8")


def _append_row(root, table, values: dict):
    path = root / "data" / f"{table}.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    rows.append([values.get(c, "") for c in rows[0]])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    DataPackage(root / "data").write_hashes()


def test_the_book_passes():
    assert checks.run(ROOT) == []


def test_every_chapter_with_data_states_an_as_of_date():
    dated = set(checks.newest_dates(DataPackage(ROOT / "data", ROOT / "references.bib")))
    for path in toc.pages(ROOT):
        if toc.tables_used(path) & dated:
            assert checks.ASOF_ROLE.search(path.read_text(encoding="utf-8")), path.name


def test_a_newer_event_makes_its_chapters_stale(book):
    """A new timeline row dated after a chapter's stated as-of date makes that chapter stale."""
    import datetime as dt
    import json

    desc = book / "data" / "datapackage.json"
    meta = json.loads(desc.read_text(encoding="utf-8"))
    later = dt.date.fromisoformat(meta["asOf"]) + dt.timedelta(days=30)
    meta["asOf"] = later.isoformat()  # the data now reach further than any chapter says
    desc.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert checks.check_as_of(book) == []  # a later as-of alone does not make a chapter stale
    _append_row(book, "timeline", {
        "event_id": f"e-{later.isoformat()}-test-event", "date": later.isoformat(), "date_precision": "day",
        "event": "A test event.", "category": "court", "country_iso3": "USA",
        "source_keys": "doj-sdny-2025-guerrero", "confidence": "primary"})
    found = checks.check_as_of(book)
    stale = {f.file for f in found if "stale" in f.message}
    users = {p.relative_to(book).as_posix() for p in toc.all_pages(book) if "timeline" in toc.tables_used(p, book)}
    assert any(u.startswith("es/") for u in users)  # both editions fall behind together
    assert users and stale == users
    assert all(f.line > 1 and "timeline.csv" in f.message for f in found if "stale" in f.message)


def test_an_older_stated_date_is_stale(book):
    _rewrite(book / "chapters" / "geopolitics.md", r"\{asof\}`[0-9-]+`", "{asof}`2025-01-01`", count=0)
    found = [f for f in checks.check_as_of(book) if f.file == "chapters/geopolitics.md"]
    assert found and "stale" in found[0].message and "2025-01-01" in found[0].message


def test_a_date_beyond_the_data_is_refused(book):
    _rewrite(book / "chapters" / "origins.md", r"\{asof\}`[0-9-]+`", "{asof}`2099-01-01`")
    found = [f for f in checks.check_as_of(book) if f.file == "chapters/origins.md"]
    assert any("later than the data's as-of date" in f.message for f in found)


def test_a_missing_as_of_is_reported(book):
    _rewrite(book / "chapters" / "spread.md", r"\{asof\}`([0-9-]+)`", r"\1", count=0)
    found = [f for f in checks.check_as_of(book) if f.file == "chapters/spread.md"]
    assert found and "states no as-of date" in found[0].message


def test_unknown_correction_note_is_reported(book):
    path = book / "chapters" / "spread.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nText {correction}`c-2026-01-01-nothing`.\n",
                    encoding="utf-8")
    found = checks.check_corrections(book)
    assert [(f.file, "c-2026-01-01-nothing" in f.message) for f in found] == [("chapters/spread.md", True)]
    assert found[0].line == len(path.read_text(encoding="utf-8").splitlines())


def test_a_logged_correction_needs_its_note(book):
    pkg = DataPackage(book / "data")
    table = pkg.load("corrections")
    assert len(table), "no correction is logged"
    cid, chapter = str(table["correction_id"].iloc[0]), str(table["chapter"].iloc[0])
    path = book / ("intro.md" if chapter == "intro" else f"chapters/{chapter}.md")
    _rewrite(path, r"\{correction\}`%s`" % re.escape(cid), "", count=0)
    found = checks.check_corrections(book)
    assert any(f.file == "data/corrections.csv" and cid in f.message for f in found)


def test_command_line_prints_dates_and_fails_with_file_and_line(book, monkeypatch):
    ok = subprocess.run([sys.executable, "-m", "bookbuild.checks"], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "Book as of" in ok.stdout and "newest dated row" in ok.stdout
    monkeypatch.setattr(checks, "ROOT", book)
    _rewrite(book / "chapters" / "geopolitics.md", r"\{asof\}`[0-9-]+`", "{asof}`2025-01-01`", count=0)
    assert checks.main() == 1


# ----------------------------------------------------------------------------- prose ⇄ data
def _in_words(v: int, lang: str = "en") -> str:
    """A whole number from 2 to 99 in words, as the edition writes it ("fifty-four", "treinta y uno")."""
    if v < 20:
        return checks.UNITS[lang][v - 2]
    if lang == "es" and 20 < v < 30:
        return checks.VEINTI[v - 21]
    tens, unit = checks.TENS[lang][v // 10 - 2], v % 10
    return tens if not unit else f"{tens}-{checks.ONES[lang][unit - 1]}" if lang == "en" else \
        f"{tens} y {checks.ONES[lang][unit - 1]}"


def _replace_once(line: str, old: str, new: str) -> str:
    """``line`` with its first ``old`` replaced: a number in words only as a whole word ("two", not the
    "two" of "network")."""
    if re.search(r"\d", old):
        return line.replace(old, new, 1)
    return re.sub(rf"\b{re.escape(old)}\b", lambda m: new, line, count=1)


def _mutation(lit, holds, lang: str = "en") -> str:
    """A changed version of a stated date or number that the data do not hold, written as the edition
    writes it ("18 December 2025", "18 de diciembre de 2025"; "2,500", "2.500")."""
    import datetime as dt

    months, de = (checks.MONTHS, " ") if lang == "en" else (checks.MESES, " de ")
    if lit.kind == "day":
        for delta in (3, 11, 17, -5):
            new = lit.value + dt.timedelta(days=delta)
            text = f"{new.day}{de}{months[new.month - 1]}{de}{new.year}"
            if not holds(checks.Literal(text, "day", new)):
                return text
    if lit.kind == "month":
        y, m = lit.value
        for dy in (3, 5, 7):
            text = f"{months[m - 1]}{de}{y + dy}"
            if not holds(checks.Literal(text, "month", (y + dy, m))):
                return text
    if lit.kind == "year":
        for dy in (3, 5, 7, -9):
            if not holds(checks.Literal(str(lit.value + dy), "year", lit.value + dy)):
                return str(lit.value + dy)
    if lit.kind == "number" and not re.search(r"\d", lit.text):  # a number in words ("eleven", "treinta y uno")
        for v in (17, 13, 19, 14, 97, 83):
            text = _in_words(v, lang)
            text = text[0].upper() + text[1:] if lit.text[0].isupper() else text
            if not holds(checks.Literal(text, lit.kind, float(v), words=lit.words)):
                return text
    if lit.kind in ("number", "percent"):
        digits = re.search(r"\d[\d,.]*\d|\d", lit.text).group(0)
        thousands, point = (",", ".") if lang == "en" else (".", ",")
        plain = digits.replace(thousands, "")
        for extra in ("7", "93", "41"):
            new_digits = plain + extra
            text = lit.text.replace(digits, new_digits, 1)
            old_value = float(plain.replace(point, "."))
            new_value = float(new_digits.replace(point, "."))
            value = new_value * (lit.value / old_value if old_value else 1)
            if not holds(checks.Literal(text, lit.kind, value, words=lit.words, money=lit.money)):
                return text
    raise AssertionError(f"no mutation of {lit.text!r} that the data do not hold")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_prose_checker_catches_every_changed_date_and_number(book, lang):
    """Change every literal date, amount and count in an edition's prose: each change is caught."""
    pkg = DataPackage(book / "data")
    index = checks.RowIndex(pkg, lang)
    expected = {}
    for path in toc.pages(book, lang):
        text = path.read_text(encoding="utf-8")
        line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        edits = []  # (offset in the file, old, new)
        for block in checks.prose_blocks(path, book):
            refs = [(t, k) for t, k, _ in block.refs if (t, k) in index.rows]
            base = line_starts[block.line - 1]
            for lit in checks.literals(block.text, lang):
                new = _mutation(lit, lambda x: any(index.holds(t, k, x) for t, k in refs), lang)
                new = new.replace(" ", "\n", lit.text.count("\n"))  # a date across lines keeps its break
                edits.append((base + lit.start, lit.text, new))
                expected.setdefault(path.relative_to(book).as_posix(), []).append((block.line, new))
        for at, old, new in sorted(edits, reverse=True):
            assert text[at:at + len(old)] == old, (path.name, text.count("\n", 0, at) + 1, old)
            text = text[:at] + new + text[at + len(old):]
        path.write_text(text, encoding="utf-8")
    total = sum(len(v) for v in expected.values())
    assert total > 200, total  # the chapters state hundreds of dates and numbers
    found = {(f.file, f.line, m) for f in checks.check_prose(book, pkg)
             for m in re.findall(r"'([^']*)'", f.message)[:1]}
    missed = [(file, line, new) for file, items in expected.items() for line, new in items
              if (file, line, new) not in found]
    assert not missed, missed[:10]


def test_the_checker_catches_every_changed_date_and_number_in_captions(book):
    """Titles, captions and alt text typed in a figure's code are read like prose: change each literal
    date or number in them and each change is caught."""
    pkg = DataPackage(book / "data")
    index = checks.RowIndex(pkg)
    expected = []
    for path in toc.pages(book):
        lines = path.read_text(encoding="utf-8").split("\n")
        for block in checks.code_blocks(path, book):
            refs = [(t, k) for t, k, _ in block.refs if (t, k) in index.rows]
            for lit in checks.literals(block.text):
                new = _mutation(lit, lambda x: any(index.holds(t, k, x) for t, k in refs))
                li = next((i for i in range(block.line - 1, len(lines))
                           if _replace_once(lines[i], lit.text, "#") != lines[i]), None)
                assert li is not None, f"{path.name}:{block.line}: keep '{lit.text}' on one source line"
                lines[li] = _replace_once(lines[li], lit.text, new)
                expected.append((path.relative_to(book).as_posix(), block.line, new))
        path.write_text("\n".join(lines), encoding="utf-8")
    assert len(expected) >= 10, expected  # captions state dates of strikes, snapshots and events
    found = {(f.file, f.line, m) for f in checks.check_prose(book, pkg)
             for m in re.findall(r"'([^']*)'", f.message)[:1]}
    assert not [e for e in expected if e not in found], [e for e in expected if e not in found][:10]


def test_the_label_checker_catches_every_changed_number(book):
    """Change each number a chart label states: each change is caught, naming the label's line."""
    path = book / "data" / "figure_events.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    col = rows[0].index("label")
    pkg = DataPackage(book / "data")
    index = checks.RowIndex(pkg)
    event = rows[0].index("event_id")
    mutated = []
    for n, row in enumerate(rows[1:], start=2):
        for lit in checks.literals(row[col]):
            new = _mutation(lit, lambda x: index.holds("timeline", row[event], x, loose=True))  # as labels are read
            row[col] = _replace_once(row[col], lit.text, new)
            mutated.append(n)
    assert len(mutated) >= 5, mutated  # rewards, sentences and convictions are stated on the charts
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    DataPackage(book / "data").write_hashes()
    found = {f.line for f in checks.check_labels(book) if f.file == "data/figure_events.csv"}
    assert found == set(mutated)


def test_a_marker_must_name_a_real_row(book):
    path = book / "chapters" / "spread.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("% fact: timeline:", "% fact: timeline:e-1999-01-01-no-such-row timeline:", 1),
                    encoding="utf-8")
    found = checks.check_prose(book)
    assert any("e-1999-01-01-no-such-row" in f.message and f.file == "chapters/spread.md" for f in found)


def test_identifiers_are_not_facts_but_only_the_listed_ones():
    assert checks.literals("under Executive Order 13581 (90 FR 10030), docket S4 11 Cr. 205 (AKH)") == []
    assert [lit.text for lit in checks.literals("On 7 November 2025 police made 13 arrests")] == [
        "7 November 2025", "13"]
    assert [lit.kind for lit in checks.literals("in March 2022, 2,860,000 people, 85% and $5 million")] == [
        "month", "number", "percent", "number"]


@pytest.mark.parametrize("money", ["$5M", r"\$5M", "5 million dollars", "a 25 million dollar ceiling", "US$ 5"])
def test_money_off_the_house_style_is_reported(book, money):
    path = book / "chapters" / "glossary.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"\nA sentence offering {money} here.\n", encoding="utf-8")
    found = checks.check_money(book)
    line = len(text.splitlines()) + 2
    assert [(f.file, f.line) for f in found] == [("chapters/glossary.md", line)], found


def test_money_in_house_style_or_quoted_passes(book):
    path = book / "chapters" / "glossary.md"
    path.write_text(path.read_text(encoding="utf-8")
                    + "\nUp to $5 million, or $132,000; a headline read “Leader with \\$5M Bounty”.\n",
                    encoding="utf-8")
    assert checks.check_money(book) == []


def test_a_translation_that_changes_a_number_or_date_is_caught(monkeypatch):
    """The Spanish of a data field may reword it, never change its facts."""
    from explainer import i18n

    code, fields = i18n._entries("es")
    ctx = "timeline:e-2025-12-18-sdny-guerrero-unsealed:event"
    assert not checks.check_translations(ROOT)
    for wrong in ("El 19 de diciembre de 2025 se hace pública la acusación.", "Se acusa a 28 personas."):
        changed = {**fields, ctx: (wrong, False, "x", "")}
        monkeypatch.setattr(i18n, "_entries", lambda language="es", c=changed: (code, c))
        found = checks.check_translations(ROOT)
        assert len(found) == 1 and ctx in found[0].message, found


# ---------------------------------------------------------------- a number bound with what it counts
def _row_index(tmp_path, note: str):
    from explainer.data import DataPackage

    pkg = DataPackage(ROOT / "data", ROOT / "references.bib")
    index = checks.RowIndex(pkg)
    key = next(k for (t, k) in index.rows if t == "timeline")
    index.rows[("timeline", key)] = index._holdings(
        {"schema": {"fields": [{"name": "note", "type": "string"}]}}, {"note": note}, {"note": note}, "en")
    return index, key


def test_a_number_is_held_only_with_what_it_counts(tmp_path):
    """'charged 27 people' changed to '28 people' is not held by a row that says '28 Aug 2023'."""
    index, key = _row_index(tmp_path, "On 28 Aug 2023 prosecutors charged 27 people in Manhattan.")
    said = checks.literals("Prosecutors charged 27 people.")
    mutated = checks.literals("Prosecutors charged 28 people.")
    assert [lit.text for lit in said] == ["27"] and [lit.text for lit in mutated] == ["28"]
    assert index.holds("timeline", key, said[0])
    assert not index.holds("timeline", key, mutated[0])


def test_a_sum_of_money_is_not_held_by_a_count_of_the_same_value(tmp_path):
    index, key = _row_index(tmp_path, "Five leaders were named; 5 of them are in prison.")
    money = checks.literals("The reward is $5 million for the leaders in prison.")
    assert money[0].money and not index.holds("timeline", key, money[0])
    index, key = _row_index(tmp_path, "The State Department offers up to 5 million dollars for him.")
    assert index.holds("timeline", key, money[0])


def test_a_day_of_a_month_is_a_date_not_a_count(tmp_path):
    index, key = _row_index(tmp_path, "The hearing was moved to 26 Mar 2026 at the defence's request.")
    day = checks.literals("The judge moved the hearing from 17 March to 26 March 2026.", "en")
    assert [lit.words == checks.DAY for lit in day if lit.kind == "number"] == [True]
    spanish = checks.literals("La audiencia pasó del 17 de marzo al 26 de marzo de 2026.", "es")
    assert [lit.text for lit in spanish if lit.kind == "number" and lit.words == checks.DAY] == ["17"]


def test_a_number_in_words_is_read_and_held_only_with_what_it_counts(tmp_path):
    """'eleven people' is held by a row that says '11 people'; 'twelve people' is not, nor 'eleven
    boats'; 'one' and 'a' are not read as numbers."""
    index, key = _row_index(tmp_path, "On 3 Dec 2025 the Treasury sanctioned 11 people it calls affiliates.")
    said, changed, other = (checks.literals(f"The Treasury sanctioned {n} as affiliates.")
                            for n in ("eleven people", "twelve people", "eleven boats"))
    assert [(lit.text, lit.value) for lit in said + changed] == [("eleven", 11), ("twelve", 12)]
    assert index.holds("timeline", key, said[0])
    assert not index.holds("timeline", key, changed[0]) and not index.holds("timeline", key, other[0])
    assert checks.literals("One man and a woman were charged with one count; the other one fled.") == []
    assert checks.literals("Uno de ellos y una mujer, un hombre.", "es") == []
    assert [(lit.text, lit.value) for lit in checks.literals(
        "Fifty-four of them, twenty in all; a two-thirds share") if lit.kind == "number"] == [
        ("Fifty-four", 54), ("twenty", 20)]
    assert [lit.value for lit in checks.literals(
        "Treinta y uno de ellos, veintidós y diez más; unas dos terceras partes", "es")] == [31, 22, 10]


def test_a_changed_number_word_in_a_copied_passage_is_caught(book):
    """A passage copied into a chapter, bound to a row that says '11 gang affiliates': 'eleven' passes in
    English and 'once' in Spanish; 'twelve' and 'doce' are caught; names such as 'Ten Most Wanted' are
    not counts."""
    row = "timeline:e-2025-12-03-ofac-11-affiliates-rosita"
    passages = {"chapters/spread.md": ("The Treasury sanctioned {n} gang affiliates, as it calls them; "
                                       "none is on the FBI's Ten Most Wanted list.", "eleven", "twelve"),
                "es/chapters/spread.md": ("El Tesoro sancionó a {n} afiliados de la banda; ninguno figura "
                                          "en la lista de los Diez Más Buscados del FBI.", "once", "doce")}
    for name, (text, _, _) in passages.items():
        assert not [f for f in checks.check_prose(book) if f.file == name]
    for n in (1, 2):
        for name, (text, *words) in passages.items():
            path = book / name
            body = path.read_text(encoding="utf-8").split("\n\nXX\n")[0]
            path.write_text(body + "\n\nXX\n" + text.format(n=words[n - 1]) + f"\n% fact: {row}\n",
                            encoding="utf-8")
        found = [(f.file, f.message.split("'")[1]) for f in checks.check_prose(book) if f.file in passages]
        assert found == ([] if n == 1 else [("chapters/spread.md", "twelve"), ("es/chapters/spread.md", "doce")]), found


def _forms(v: float, lang: str) -> list[str]:
    whole = f"{v:,.0f}"
    words = [_in_words(int(v), lang)] if 2 <= v < 100 and v == int(v) else []
    return ([whole.replace(",", "."), str(int(v))] if lang == "es" else [whole, str(int(v))]) + words


def _states(text: str, v: float, nouns: frozenset, lang: str) -> bool:
    """Whether ``text`` says ``v`` of one of ``nouns`` (stems) within a few words after it: read with a plain
    pattern, apart from the checker's own reading."""
    for form in _forms(v, lang):
        pattern = (rf"(?<![\d.,]){re.escape(form)}(?![\d]|[.,]\d)" if form[0].isdigit()
                   else rf"(?i)\b{re.escape(form)}\b(?!-)")
        for m in re.finditer(pattern, text):
            near = re.findall(r"[^\W\d_]+", text[m.end():m.end() + 60])[:6]
            if any(checks.stem(w) in nouns for w in near):
                return True
    return False


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_number_changed_to_another_value_of_its_rows_is_caught(lang):
    """Change each number in the prose to every other value its named rows state: the checker accepts the
    change only where a named row states that value of the same thing (read apart from the checker), so a
    number is never held by a row's figure for something else (a date, another count, a sum of money)."""
    from explainer.data import DataPackage

    pkg = DataPackage(ROOT / "data", ROOT / "references.bib")
    index = checks.RowIndex(pkg, lang)
    tried = wrongly_held = 0
    wrong = []
    for path in toc.pages(ROOT, lang):
        for block in checks.prose_blocks(path, ROOT):
            refs = [(t, k) for t, k, _ in block.refs if (t, k) in index.rows]
            for lit in checks.literals(block.text, lang):
                if lit.kind != "number" or lit.money or lit.words in (checks.DAY, frozenset()):
                    continue
                values = {s.value for r in refs for s in index.rows[r]["said"]}
                values |= {v for r in refs for v, _, _ in index.rows[r]["numbers"].values()}
                for v in sorted(x for x in values - {lit.value} if x == int(x) and x >= 0):
                    form = _forms(v, lang)[0]
                    changed = checks.literals(block.text[:lit.start] + form + block.text[lit.end:], lang)
                    new = next(x for x in changed if x.start == lit.start)
                    tried += 1
                    if any(index.holds(t, k, new) for t, k in refs):
                        texts = [" ".join(str(x) for x in index.rows[r]["said_text"]) for r in refs]
                        columns = any(v == value and nouns & new.words for r in refs
                                      for value, _, nouns in index.rows[r]["numbers"].values())
                        if not columns and not any(_states(t, v, new.words, lang) for t in texts):
                            wrong.append((path.name, block.line, lit.text, form))
                        wrongly_held += 1
    assert tried > 500, tried
    assert not wrong, f"{len(wrong)} of {tried} changes held by a row that does not state them: {wrong[:10]}"


def test_a_changed_date_or_number_in_a_translated_caption_is_caught(monkeypatch):
    """Every date and number of the Spanish of a chart's title, caption or alt text (the strings a chapter's
    code binds to rows with '# fact:') is checked like the English: change any one, and the checker says
    where, by catalogue and msgid."""
    from explainer import i18n

    code, fields = i18n._entries("es")
    bound = [b for path in toc.pages(ROOT, "en") if path.is_file() for b in checks.code_blocks(path, ROOT) if b.refs]
    spanish = [(b, code[b.text][0]) for b in bound if code.get(b.text, ("",))[0]]
    assert len(spanish) >= 10
    assert not [f for b, _ in spanish for s in checks.translated_blocks(b) for f in
                checks._bound(s, "es", checks.RowIndex(checks.DataPackage(ROOT / "data"), "es"))]
    index = checks.RowIndex(checks.DataPackage(ROOT / "data"), "es")
    changed = 0
    for block, text in spanish:
        for lit in checks.literals(text, "es"):
            if lit.kind in ("year", "day", "month"):
                year = str(lit.value if lit.kind == "year" else lit.value.year if lit.kind == "day" else lit.value[0])
                new = lit.text.replace(year, "1999")  # a year no row of the book is dated in
            elif lit.words != checks.DAY and not re.search(r"\d", lit.text):
                new = "noventa y siete"  # a count in words that no row states
            elif lit.words != checks.DAY:
                new = re.sub(r"\d[\d.,]*", "9999", lit.text, count=1)  # a count no row states
            else:
                continue
            mutated = dict(code)
            mutated[block.text] = (text[:lit.start] + new + text[lit.end:],) + code[block.text][1:]
            monkeypatch.setattr(i18n, "_entries", lambda language="es", m=mutated: (m, fields))
            found = [f for s in checks.translated_blocks(block) for f in checks._bound(s, "es", index)]
            assert found and "LC_MESSAGES" in found[0].file and new in found[0].message, (block.text, new)
            changed += 1
    assert changed >= 10, changed
