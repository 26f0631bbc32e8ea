"""Checks that read the chapters' text against the data, without executing any notebook.

``python -m bookbuild.checks`` (the first step of ``make book``) prints the book's "as of" date and the
newest dated row in the data, then fails, naming file and line, when:

* a chapter states an "as of" date (the ``{asof}`` role) older than the newest dated row of a table it
  draws on (``data.load("table")`` in its code, or a ``% fact: table:key`` line) — the chapter has
  fallen behind its data;
* a stated "as of" date is later than the data's own as-of date (a date the sources do not reach);
* a chapter that draws on dated tables states no "as of" date at all;
* a ``{correction}`` note names a correction that ``data/corrections.csv`` does not hold, or a logged
  correction has no note in its chapter;
* prose writes money other than in the house style of :func:`explainer.text.usd` ("$5 million"): "$5M"
  is for chart labels, and "5 million dollars" reads as a different figure (quoted headlines are left
  as they are);
* a lead in ``data/leads.csv`` about a person's status, a case's status or a running tally is still
  undecided (``open``); a used or reported lead names no row, or a row that does not exist; a lead reported
  but not confirmed is shown by a row whose confidence label says more than that; a rejected lead gives no
  reason;
* a section of a page cites a source of an official account without the record that qualifies it (the rules
  of ``data/pairings.csv``);
* a date or number in the prose is not stated by a data row named next to it (see below) — the same holds
  for the titles, captions and alt text typed in a figure's code (rows named in ``# fact:`` comments) —
  or a chart label in ``data/figure_events.csv`` states a number its timeline row does not;
* the Spanish edition departs from its termbase, ``locale/es/termbase.csv`` (:mod:`bookbuild.terms`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from explainer import i18n, toc

from . import myst
from explainer.data import NOT_CONFIRMED, ROOT, DataError, DataPackage, format_date

ASOF_ROLE = re.compile(r"\{asof\}`(?P<date>[^`]*)`")
CORRECTION_ROLE = re.compile(r"\{correction\}`(?P<id>[^`]*)`")
#: Tables whose dates are editorial (publication dates), not dates of facts.
EDITORIAL_TABLES = {"corrections", "updates", "leads"}


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    message: str
    column: int = 0  # where on the line, when the check knows (1-based)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}" if self.column else \
            f"{self.file}:{self.line}: {self.message}"


def newest_dates(pkg: DataPackage) -> dict[str, tuple[dt.date, str]]:
    """Table → (newest date in any of its date columns, a description of the row it is in)."""
    out = {}
    for name in pkg.tables:
        if name in EDITORIAL_TABLES:
            continue
        fields = pkg.resources[name]["schema"]["fields"]
        df = pkg.load(name)
        pk = pkg.resources[name]["schema"].get("primaryKey")
        best = None
        for f in fields:
            if f.get("type") != "date":
                continue
            col = df[f["name"]].dropna()
            if col.empty:
                continue
            i = col.idxmax()
            d = col.loc[i].date()
            if best is None or d > best[0]:
                key = df.loc[i, pk] if isinstance(pk, str) else i
                key = key.date().isoformat() if hasattr(key, "date") else key
                best = (d, f"{name}.csv row {key!s}, column {f['name']}")
        if best:
            out[name] = best
    return out


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def check_as_of(root: Path = ROOT, pkg: DataPackage | None = None) -> list[Finding]:
    pkg = pkg or DataPackage(root / "data", root / "references.bib")
    newest = newest_dates(pkg)
    findings = []
    for path in _existing(toc.all_pages(root)):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root).as_posix()
        tables = sorted(toc.tables_used(path, root) & set(newest))
        stated = []
        for m in ASOF_ROLE.finditer(text):
            line = _line(text, m.start())
            try:
                d = dt.date.fromisoformat(m["date"].strip())
            except ValueError:
                findings.append(Finding(rel, line, f"{{asof}} needs a date as YYYY-MM-DD, not {m['date']!r}"))
                continue
            if d > pkg.as_of:
                findings.append(Finding(rel, line, f"states 'as of {d}', later than the data's as-of date "
                                                   f"{pkg.as_of} (data/datapackage.json asOf)"))
            stated.append((d, line))
        if not tables:
            continue
        if not stated:
            findings.append(Finding(rel, 1, f"draws on {', '.join(tables)} but states no as-of date; "
                                            "add one with {asof}`YYYY-MM-DD`"))
            continue
        chapter_as_of, line = max(stated)
        for t in tables:
            d, where = newest[t]
            if chapter_as_of < d:
                findings.append(Finding(rel, line, f"stale: the chapter says 'as of {chapter_as_of}' but {where} "
                                                   f"is dated {d}; update the chapter and its {{asof}} date"))
    return findings


def check_corrections(root: Path = ROOT, pkg: DataPackage | None = None) -> list[Finding]:
    pkg = pkg or DataPackage(root / "data", root / "references.bib")
    table = pkg.load("corrections")
    logged = dict(zip(table["correction_id"].astype(str), table["chapter"].astype(str)))
    findings, noted = [], set()
    for path in _existing(toc.all_pages(root)):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root).as_posix()
        for m in CORRECTION_ROLE.finditer(text):
            cid = m["id"].strip()
            noted.add((cid, path.stem, toc.language(path, root)))
            if cid not in logged:
                findings.append(Finding(rel, _line(text, m.start()),
                                        f"{{correction}} {cid!r} is not in data/corrections.csv"))
    editions = [lang for lang in toc.EDITIONS if toc.pages(root, lang)[0].is_file()]
    for cid, chapter in logged.items():
        for lang in editions:
            if (cid, chapter, lang) not in noted:
                rows = (root / "data" / "corrections.csv").read_text(encoding="utf-8").splitlines()
                line = 1 + next(i for i, row in enumerate(rows) if row.startswith(cid + ","))
                edition = "" if lang == "en" else f" in the {lang} edition"
                findings.append(Finding("data/corrections.csv", line,
                                        f"correction {cid} names chapter {chapter!r}, which has no "
                                        f"{{correction}}`{cid}` note at the point of change{edition}"))
    return findings


#: Leads that may never stay undecided: readers would be left with a status the reporting has overtaken.
MUST_DECIDE = {"person-status": "a person's status", "case-status": "a case's status", "tally": "a running tally"}


def check_leads(root: Path = ROOT, pkg: DataPackage | None = None) -> list[Finding]:
    """Every lead in ``data/leads.csv`` is decided where it must be, and its decision is kept: used and
    reported leads name the rows they became, a report not confirmed is shown with a label that says so,
    a rejected lead says why."""
    pkg = pkg or DataPackage(root / "data", root / "references.bib")
    if "leads" not in pkg.tables:
        return []
    file = f"data/{pkg.resources['leads']['path']}"
    leads = pkg.load("leads")
    tables = {t: pkg.load(t) for t in pkg.tables if t != "leads"}
    findings = []
    for i, (lead, r) in enumerate(leads.iterrows()):
        line, status, kind = i + 2, str(r["status"]), str(r["kind"])
        if status == "open":
            if kind in MUST_DECIDE:
                findings.append(Finding(file, line, f"lead {lead} concerns {MUST_DECIDE[kind]} and is undecided: "
                                        "mark it used or reported (naming the rows that show it) or rejected "
                                        "(with the reason)"))
            continue
        if status in ("used", "reported") and not r["rows"]:
            findings.append(Finding(file, line, f"lead {lead} is {status} but names no row in 'rows'"))
        for ref in r["rows"]:
            table, _, key = ref.partition(":")
            if table not in tables or key not in tables[table].index:
                findings.append(Finding(file, line, f"lead {lead} names {ref}, which is not a row of the data"))
                continue
            row = tables[table].loc[key]
            if status == "reported" and "confidence" in row and str(row["confidence"]) not in NOT_CONFIRMED:
                findings.append(Finding(file, line, f"lead {lead} is reported, not confirmed, but {ref} shows it as "
                                        f"'{row['confidence']}': label the row "
                                        f"{' or '.join(sorted(NOT_CONFIRMED))}, or mark the lead used"))
        if status == "rejected" and not (isinstance(r["reason"], str) and r["reason"].strip()):
            findings.append(Finding(file, line, f"lead {lead} is rejected without a reason"))
    return findings


def check_pairings(root: Path = ROOT, pkg: DataPackage | None = None) -> list[Finding]:
    """Every rule of ``data/pairings.csv``: a section of a page (between headings) that cites a source of an
    account also cites a source of the record that qualifies it, in both editions."""
    pkg = pkg or DataPackage(root / "data", root / "references.bib")
    if "pairings" not in pkg.tables:
        return []
    rules = pkg.load("pairings")
    findings = []
    for path in _existing(toc.all_pages(root)):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root).as_posix()
        starts = [0, *(m.start() for m in re.finditer(r"(?m)^#{1,3} ", text))]
        for a, b in zip(starts, [*starts[1:], len(text)]):
            section = text[a:b]
            for rule, r in rules.iterrows():
                cited = [k for k in r["account_keys"] if re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", section)]
                if cited and not any(re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", section)
                                     for k in r["record_keys"]):
                    findings.append(Finding(rel, _line(text, a), f"this section cites {cited[0]} without the record "
                                            f"that qualifies it ({', '.join(r['record_keys'])}): rule {rule} "
                                            "in data/pairings.csv"))
    return findings


def _existing(paths: list[Path]) -> list[Path]:
    """The pages that exist (a missing translation is reported by bookbuild.editions, not here)."""
    return [p for p in paths if p.is_file()]


# =============================================================================== prose ⇄ data
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
_M = "|".join(MONTHS)
ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")
INLINE_CODE = re.compile(r"`[^`]*`")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
URL = re.compile(r"https?://\S+")
DAY_DATE = re.compile(rf"\b(?P<d>\d{{1,2}})\s+(?P<m>{_M})\s+(?P<y>\d{{4}})\b")  # across a line break too
MONTH_DATE = re.compile(rf"\b(?P<m>{_M})\s+(?P<y>\d{{4}})\b")
NUMBER = re.compile(r"(?<![\w.])(?P<cur>\$)?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
                    r"(?P<mult>\s?(?:million|billion|millones|millón|M\b|B\b))?(?P<pct>%)?")
MESES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
         "noviembre", "diciembre"]
_MES = "|".join(MESES)
#: The Spanish edition's forms: '18 de diciembre de 2025', 'julio de 2024', '7,7 millones', '11.000', '12 %'.
DAY_DATE_ES = re.compile(rf"\b(?P<d>\d{{1,2}})\s+de\s+(?P<m>{_MES})\s+de\s+(?P<y>\d{{4}})\b")
MONTH_DATE_ES = re.compile(rf"\b(?P<m>{_MES})\s+de\s+(?P<y>\d{{4}})\b")
NUMBER_ES = re.compile(r"(?<![\w,])(?P<cur>US\$)?(?P<num>\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?)"
                       r"(?:(?P<mult>\s(?:mil millones|millones|millón|million)\b|\s?M\b)|(?!\w))(?P<pct>\s?%)?")
#: Numbers in prose that are identifiers, not facts to check (reviewed list: add with care).
IDENTIFIERS = [
    (re.compile(r"\b\d+ FR \d+\b"), "Federal Register citations"),
    (re.compile(r"\bFR Doc\. \d{4}-\d+\b"), "Federal Register document numbers"),
    (re.compile(r"\b(?:19|20)\d\d-(?:0[1-9]|1[0-2])\b(?!-)"), "snapshots named by year and month (2024-12)"),
    (re.compile(r"\b(?:Executive\s+Order|E\.O\.|Proclamation|Order)\s+\d+\b"), "executive orders and proclamations"),
    (re.compile(r"\bS\d+\s+\d+\s+Cr\.\s+\d+(?:\s+\(AKH\))?"), "court docket numbers"),
    (re.compile(r"\b\d+ U\.S\.C\. § ?\d+\w*"), "sections of the US Code"),
    (re.compile(r"\b[Cc]ounts? \d+(?: (?:to|and|-|–) \d+)?\b(?! [a-z])"), "count numbers of an indictment"),
    (re.compile(r"\b(?:Orden\s+Ejecutiva|Proclamación|Orden)\s+\d+\b"), "executive orders and proclamations (es)"),
    (re.compile(r"\bcargos? \d+(?: (?:a|y|-|–) \d+)?\b(?! [a-z])"), "count numbers of an indictment (es)"),
    (re.compile(r"\bMS-13\b"), "the name of a gang"),
    (re.compile(r"\bTen Most Wanted\b|\b[Dd]iez [Mm]ás [Bb]uscados\b"), "the name of the FBI's list of fugitives"),
    (re.compile(r"\bSHA-256\b|\bCC BY \d\.\d\b|\bISO 3166-1\b|\bE\.O\. \d+\b"), "names of standards and licences"),
]
#: Fenced directives whose content is not prose (code, outputs, generated tables).
NON_PROSE = myst.NON_PROSE
#: Directives whose content is one passage, with its markers after the closing fence (MyST comments
#: cannot sit inside a glossary).
WHOLE = myst.ONE_PASSAGE


@dataclass(frozen=True)
class Literal:
    text: str
    kind: str  # "day", "month", "year", "number", "percent"
    value: object
    start: int = 0  # offset in the passage
    end: int = 0
    #: the words around it that say what it counts ("27 people charged": people, charged), as stems
    words: frozenset = frozenset()
    money: bool = False  # a sum of money ("$5 million", "US$5M", "5 millones de dólares")
    #: the content words of its sentence, for a number whose clause names nothing ("(about 11,000)")
    sentence: frozenset = frozenset()


#: Words that say nothing of what a number counts (English and Spanish).
STOPWORDS = set("""the and of to in on at by for or with from as is was were be been that this these those its it
their his her than more over about some least up nearly almost also had has have who which into after before
per only about each all any most such then when while were what them they there one ones are who
said says gave give gives given being will would can could may might not but also
los las del por con para una uno unos unas que como más menos sus ese esa esos esas este esta estos
estas fue fueron era sobre entre desde hasta sin ser han había cada todos todas ellos
ellas según
""".split())
WORD = re.compile(r"[^\W\d_]+")
#: The words of a number that is the day of a month (a date without its year).
DAY = frozenset({"#day"})
_ABBR = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|ene|abr|ago|dic"
#: Numbers written as words (from two: "one" and "a" are not counts the checker can tell from an article).
UNITS = {"en": "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
               "seventeen eighteen nineteen".split(),
         "es": "dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis "
               "diecisiete dieciocho diecinueve".split()}
TENS = {"en": "twenty thirty forty fifty sixty seventy eighty ninety".split(),
        "es": "veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa".split()}
ONES = {"en": ["one"] + UNITS["en"][:8], "es": ["uno"] + UNITS["es"][:8]}
VEINTI = "veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve".split()
NUMBER_WORDS = {
    "en": re.compile(rf"(?i)\b(?:(?:{'|'.join(TENS['en'])})(?:-(?:{'|'.join(ONES['en'])}))?|{'|'.join(UNITS['en'])})\b"
                     r"(?!-)"),
    "es": re.compile(rf"(?i)\b(?:(?:{'|'.join(TENS['es'][1:])})(?: y (?:{'|'.join(ONES['es'])}))?|{'|'.join(VEINTI)}|"
                     rf"{'|'.join(TENS['es'][:1] + UNITS['es'])})\b"
                     # a fraction is not a count ("tres cuartas partes", like "three-quarters" in English)
                     r"(?!\s+(?:tercer|terci|cuart|quint)[oa]s\b)"),
}


def word_value(words: str, lang: str) -> int:
    """The value of a number in words: "Fifty-four" → 54, "treinta y uno" → 31, "veintidós" → 22."""
    w = words.lower()
    if w in VEINTI:
        return 21 + VEINTI.index(w)
    parts = re.split(r"-| y ", w)
    tens = TENS[lang].index(parts[0]) * 10 + 20 if parts[0] in TENS[lang] else 0
    unit = parts[-1] if len(parts) > 1 or not tens else ""
    return tens + (ONES[lang].index(unit) + 1 if unit in ONES[lang] else UNITS[lang].index(unit) + 2 if unit else 0)


#: Marks of the first and the second end of a range among a number's words.
FIRST, SECOND = "#first", "#second"
#: What joins the two numbers of a range or a vote ("43–46", "5–4", "7 votes to 2"; not "from 46 to 43").
RANGE_JOIN = re.compile(r"\s*(?:–|-|votes to|votos contra)\s*")
#: What joins a part to its whole ("32 of the 238", "34 de los 38").
OF_THE = re.compile(r"\s+(?:of(?:\s+the)?|de\s+(?:los|las))\s+")
#: The end of a sentence (not the point of "v." or of an initial).
SENTENCE_END = re.compile(r"(?<!\bv)(?<!\b[A-Z])[.!?;]\s|\n\n")
#: The end of a clause, where the words that say what a number counts stop (not the point of "v." or of
#: an initial; another number starts another count).
CLAUSE_END = re.compile(r"(?<!\bv)(?<!\b[A-Z])[.!?;:,]\s|[()\[\]“”]|\n\n|\d")


#: Words for the same thing counted, folded to one stem.
SAME = {"dead": "kill", "deat": "kill", "died": "kill", "muer": "kill", "fall": "kill", "pers": "peop"}


def stem(word: str) -> str:
    """A word folded for comparison: lower case, no accents, its first four letters ("rules" and "ruled"
    meet; "dead", "deaths" and "killed" are one)."""
    import unicodedata

    w = "".join(ch for ch in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(ch) != "Mn")
    return SAME.get(w[:4], w[:4])


def sentence_words(text: str, start: int, end: int) -> frozenset:
    """The content words of the sentence around ``text[start:end]``."""
    before = SENTENCE_END.split(text[max(0, start - 300):start])[-1]
    after = SENTENCE_END.split(text[end:end + 300])[0]
    return frozenset(stem(w) for w in WORD.findall(before + " " + after)
                     if len(w) > 2 and w.lower() not in STOPWORDS)


def context_words(text: str, start: int, end: int, n: int = 2) -> frozenset:
    """What the number at ``text[start:end]`` counts: the first ``n`` content words after it in its clause
    ("27 people charged" → people, charged), or, when the clause ends with it ("the force stood at 11,000",
    "and 21 others"), the last ``n`` before it, after any "and"."""
    after = CLAUSE_END.split(text[end:end + 120])[0]
    words = [w for w in WORD.findall(after) if len(w) > 2 and w.lower() not in STOPWORDS][:n]
    if not words:
        before = CLAUSE_END.split(text[max(0, start - 120):start])[-1]
        before = re.split(r"\s(?:and|or|y|o|e)\s", before)[-1]  # "2 leaders and 21 others": others
        words = [w for w in WORD.findall(before) if len(w) > 2 and w.lower() not in STOPWORDS][-n:]
    return frozenset(stem(w) for w in words)


@dataclass
class Block:
    file: str
    line: int
    text: str
    refs: list[tuple[str, str, int]]  # (table, key, marker line)


#: The kinds of MyST block that are prose (see :mod:`bookbuild.myst`).
PROSE_PARTS = {"heading", "paragraph", "item", "term", "table", "blockquote"}


def prose_blocks(path: Path, root: Path = ROOT) -> list[Block]:
    """Paragraphs (and headings, list items, terms, tables) of prose, each with the ``% fact:`` markers that
    follow it, as the build's MyST parser reads the page. Front matter, code, outputs and directive options
    are not prose; a directive's content is read as prose unless the directive is one of ``NON_PROSE``."""
    rel = path.relative_to(root).as_posix()
    blocks: list[Block] = []

    def visit(parts):
        for p in parts:
            if p.kind == "comment":
                m = toc.FACT_MARKER.match(p.text.strip())
                if m and blocks:
                    for ref in m["refs"].split():
                        table, _, key = ref.partition(":")
                        blocks[-1].refs.append((table, key, p.start))
            elif p.kind in PROSE_PARTS:
                blocks.append(Block(rel, p.start, p.text, []))
            elif p.kind == "directive" and p.name not in NON_PROSE:
                if p.name in WHOLE:  # one passage; its markers follow the closing fence
                    blocks.append(Block(rel, p.body_start, p.body, []))
                else:
                    visit(p.parts)

    visit(myst.parse(path.read_text(encoding="utf-8")))
    return blocks


#: A string in a chapter's code that a reader sees (a title, caption or alt text): two words or more.
READER_TEXT = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}")
CODE_FACT = re.compile(r"^\s*#\s*fact:\s*(?P<refs>.+?)\s*$")


def code_blocks(path: Path, root: Path = ROOT) -> list[Block]:
    """The reader-visible strings of a page's code cells (chart titles, captions, alt text, popups), each
    a passage bound to the rows named by the cell's ``# fact: table:key`` comments."""
    import ast

    rel = path.relative_to(root).as_posix()
    blocks = []
    for first, source in myst.code_cells(path.read_text(encoding="utf-8")):
        lines = source.splitlines()
        refs = [(ref.partition(":")[0], ref.partition(":")[2], first + i)
                for i, ln in enumerate(lines) if (f := CODE_FACT.match(ln)) for ref in f["refs"].split()]
        try:
            tree = ast.parse(source)
        except SyntaxError as e:
            blocks.append(Block(rel, first + (e.lineno or 1) - 1, "", []))
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and READER_TEXT.search(node.value):
                blocks.append(Block(rel, first + node.lineno - 1, node.value, refs))
    return blocks


def _blank(m) -> str:
    return " " * len(m.group(0))


def _clean(text: str) -> str:
    """The passage with everything that is not a stated fact blanked out (offsets are kept)."""
    text = re.sub(r"(?m)^\s*(?:\d+\.|[-*]|#+)\s", _blank, text)  # list numbers and heading marks
    for pattern in (ROLE, LINK_TARGET, URL, INLINE_CODE, *(p for p, _ in IDENTIFIERS)):
        text = pattern.sub(_blank, text)
    return text.replace("\u00a0", " ")


def literals(text: str, lang: str = "en") -> list[Literal]:
    """The dates and numbers a passage of prose states (roles, links and identifiers excluded), with
    their offsets in the passage, read in the edition's language ("18 December 2025" or "18 de
    diciembre de 2025")."""
    text = _clean(text)
    whole = text
    names, day_re, month_re, number_re = ((MONTHS, DAY_DATE, MONTH_DATE, NUMBER) if lang == "en"
                                          else (MESES, DAY_DATE_ES, MONTH_DATE_ES, NUMBER_ES))
    out = []
    for m in day_re.finditer(text):
        out.append(Literal(m.group(0), "day", dt.date(int(m["y"]), names.index(m["m"]) + 1, int(m["d"])),
                           m.start(), m.end()))
    text = day_re.sub(_blank, text)
    for m in month_re.finditer(text):
        out.append(Literal(m.group(0), "month", (int(m["y"]), names.index(m["m"]) + 1), m.start(), m.end()))
    text = month_re.sub(_blank, text)
    previous = None  # the number before, whose words the second number of a range shares ("46 to 43", "5–4")
    for m in number_re.finditer(text):
        raw = m["num"]
        if re.fullmatch(r"(19|20)\d\d", raw) and not (m["cur"] or m["mult"] or m["pct"]):
            out.append(Literal(raw, "year", int(raw), m.start(), m.end()))
            continue
        if lang == "en":
            value = float(raw.replace(",", ""))
        else:
            value = float(raw.replace(".", "").replace(",", "."))
        mult = (m["mult"] or "").strip()
        if mult in ("million", "M", "millones", "millón"):
            value *= 1e6
        elif mult in ("billion", "B", "mil millones"):
            value *= 1e9
        body = m.group(0).rstrip()
        end = m.start() + len(body)
        sentence = re.split(r"[.;:!?]\s", text[:m.start()])[-1] + re.split(r"[.;!?]\s", text[end:])[0]
        money = (bool(m["cur"]) or text[max(0, m.start() - 1):m.start()] == "$"
                 or re.match(r"\s+(?:de\s+)?(?:US\s+)?(?:dollars?|dólares?)\b", text[end:]) is not None
                 or bool(mult) and re.search(r"\$|\bdollars?\b|\bdólares\b", sentence) is not None)
        # a day of a month ("on 26 February", "30–31 de diciembre"): a date, whose month says what it is
        day = not (m["cur"] or m["mult"] or m["pct"]) and value <= 31 and re.match(
            rf"(?:\s*(?:–|-|and|and on|y|y el)\s*\d{{1,2}})?\s+(?:de\s+)?(?:{_M}|{_MES}|{_ABBR})\b", whole[end:])
        joined = (previous is not None and previous.words != DAY and not day
                  and RANGE_JOIN.fullmatch(whole[previous.end:m.start()]))
        if joined:  # the two ends of a range: each keeps its place ("5–4" is not "4–5")
            out[-1] = previous = dataclasses.replace(previous, words=previous.words | {FIRST})
        words = DAY if day else (previous.words - {FIRST} | context_words(whole, m.start(), end) | {SECOND}) \
            if joined else context_words(whole, m.start(), end)
        out.append(Literal(body, "percent" if m["pct"] else "number", value, m.start(), end, words, money,
                           sentence_words(whole, m.start(), end)))
        previous = out[-1]
    for m in NUMBER_WORDS[lang].finditer(text):  # "eleven people", "Fifty-four of those", "treinta y uno"
        value = word_value(m.group(0), lang)
        out.append(Literal(m.group(0), "number", float(value), m.start(), m.end(),
                           context_words(whole, m.start(), m.end()), False, sentence_words(whole, m.start(), m.end())))
    out = sorted(out, key=lambda lit: lit.start)
    for i, lit in enumerate(out[:-1]):  # "32 of the 238 Venezuelans": the first counts what the second does
        nxt = out[i + 1]
        if lit.kind == nxt.kind == "number" and OF_THE.fullmatch(whole[lit.end:nxt.start]):
            out[i] = dataclasses.replace(lit, words=nxt.words)
    return out


class RowIndex:
    """What each data row 'holds': its dates at their precision, its numbers (each with what it counts) and
    its words. ``lang``: the language of the prose it is read against (a Spanish passage is compared with
    the Spanish of the rows' text, from the catalogues)."""

    PRECISION = {"date": "date_precision", "end_date": "date_precision", "announced": "announced_precision",
                 "outcome_date": "outcome_precision", "first_documented": "first_documented_precision",
                 "event_date": "event_date_precision", "as_of": "as_of_precision"}

    @classmethod
    def of(cls, pkg: DataPackage, lang: str = "en") -> "RowIndex":
        """The index of ``pkg`` in ``lang``, made once per data package (every check shares it)."""
        made = pkg.__dict__.setdefault("_row_indexes", {})
        if lang not in made:
            made[lang] = cls(pkg, lang)
        return made[lang]

    def __init__(self, pkg: DataPackage, lang: str = "en"):
        self.pkg, self.lang = pkg, lang
        self.rows: dict[tuple[str, str], dict] = {}
        for name in pkg.tables:
            res = pkg.resources[name]
            english = pkg.load(name)  # as stored
            if lang == "en":
                shown = english
            else:
                with i18n.using(lang):
                    shown = i18n.shown(english, name)
            for (key, r), (_, s) in zip(english.iterrows(), shown.iterrows()):
                self.rows[(name, key)] = self._holdings(res, r, s, lang)

    def _holdings(self, res, r, shown, lang) -> dict:
        days, months, years, numbers, text, said = set(), set(), set(), {}, [], []
        for f in res["schema"]["fields"]:
            v = r[f["name"]]
            if f.get("type") == "date" and not pd.isna(v):
                prec = str(r.get(self.PRECISION.get(f["name"], ""), "day") or "day")
                d = v.date()
                years.add(d.year)
                if prec in ("day", "month"):
                    months.add((d.year, d.month))
                if prec == "day":
                    days.add(d)
            elif f.get("type") in ("integer", "number") and not pd.isna(v):
                numbers[f["name"]] = (float(v), f.get("money", False),
                                      frozenset(stem(w) for w in f.get("nouns", [])))
            elif isinstance(v, tuple):
                continue  # source keys, activities
            elif isinstance(v, str) or (v is not None and not pd.isna(v)):
                text.append(str(v))
                s = shown[f["name"]]
                said.append(str(s) if isinstance(s, str) else str(v))
        spoken = literals(" \n\n".join(said), lang)  # each field a passage of its own
        days_of_month = {d.day for d in days} | {lit.value.day for lit in spoken if lit.kind == "day"}
        return {"days": days, "months": months, "years": years, "numbers": numbers, "text": " ".join(text),
                "said": [lit for lit in spoken if lit.kind == "number"], "said_text": said,
                "days_of_month": days_of_month | {int(lit.value) for lit in spoken if lit.words == DAY}}

    def holds(self, table: str, key: str, lit: Literal, loose: bool = False) -> bool:
        """Whether the row states ``lit``; ``loose``: a number by its value alone (a translation of the
        row's own text, or a label in another language than the index's, is compared so)."""
        h = self.rows[(table, key)]
        text = h["text"]
        if lit.kind == "day":
            d = lit.value
            return d in h["days"] or any(f"{d.day} {mon} {d.year}" in text
                                         for mon in (MONTHS[d.month - 1], MONTHS[d.month - 1][:3]))
        if lit.kind == "month":
            y, mo = lit.value
            return (y, mo) in h["months"] or any(re.search(rf"\b{mon}\.? {y}\b", text)
                                                 for mon in (MONTHS[mo - 1], MONTHS[mo - 1][:3]))
        if lit.kind == "year":
            return lit.value in h["years"] or re.search(rf"(?<!\d){lit.value}(?!\d)", text) is not None
        if lit.kind == "percent":
            pct = lit.text.rstrip("% ").replace(",", ".")
            return re.search(rf"(?<![\d.]){re.escape(pct)}\s?%", text) is not None
        return self.counts(table, key, lit, loose)

    def counts(self, table: str, key: str, lit: Literal, loose: bool = False) -> bool:
        """A number is held when the row states the same value *of the same thing*: a column of that value
        whose nouns (``"nouns"`` in the schema; ``"money": true`` for sums of money) meet the words around
        the number, or the same number in the row's text with words around it that meet them (a sum of money
        is held by the same sum in the text: its currency says what it counts). "27 people"
        is not held by a row that says "27 June" or "charged 27 defendants, 28 of them…" holds only 27."""
        h = self.rows[(table, key)]
        if lit.words == DAY:
            return lit.value in h["days_of_month"] or any(s.value == lit.value for s in h["said"])
        for value, money, nouns in h["numbers"].values():
            if value == lit.value and (loose or money == lit.money and (money or _meet(nouns, lit))):
                return True
        return any(s.value == lit.value and (loose or (s.money or s.value >= 1e6) and lit.money
                                             or not s.money and not lit.money and _meet(s, lit))
                   for s in h["said"])


def _meet(a: "Literal | frozenset", b: Literal) -> bool:
    """Whether the number ``a`` a row states counts what ``b`` in the prose counts: the words next to them
    meet, or, where the prose's clause names nothing ("(about 11,000, according to the government)"), the
    row's words meet the prose's sentence. A number the row states without a word for it (in a list of
    figures) holds nothing: name what it counts in the row."""
    ends = {FIRST, SECOND}
    if isinstance(a, frozenset):
        return not b.words & ends and bool(a & b.words)
    if a.words & ends != b.words & ends:
        return False
    return bool((a.words - ends) & ((b.words - ends) or b.sentence))


def _num(v: float) -> str:
    return str(int(v)) if v == int(v) else f"{v:g}"



def check_prose(root: Path = ROOT, pkg: DataPackage | None = None) -> list[Finding]:
    """Every date and number in the chapters' prose is stated by a data row named next to it."""
    pkg = pkg or DataPackage(root / "data", root / "references.bib")
    indexes: dict[str, RowIndex] = {}
    findings = []
    for path in _existing(toc.all_pages(root)):
        lang = toc.language(path, root)
        # a translation's code cells are the English ones: their strings are checked once, in each language
        blocks = [(b, lang) for b in prose_blocks(path, root)]
        if lang == "en":
            for block in code_blocks(path, root):
                blocks.append((block, "en"))
                blocks += [(spanish, "es") for spanish in translated_blocks(block, root)]
        for block, language in blocks:
            if language not in indexes:
                indexes[language] = RowIndex.of(pkg, language)
            findings += _bound(block, language, indexes[language])
    return findings


def translated_blocks(block: Block, root: Path = ROOT) -> list[Block]:
    """The translations of a string a chapter's code shows (a title, caption, alt text), each a passage bound
    to the same rows, placed in its catalogue (``locale/es/LC_MESSAGES/<domain>.po``, by its msgid)."""
    out = []
    for language in toc.EDITIONS[1:]:
        code, _ = i18n._entries(language)
        found = code.get(block.text)
        if found and found[0]:
            po = f"locale/{language}/LC_MESSAGES/{found[2]}.po"
            out.append(Block(f"{po} (msgid {block.text[:40]!r}…, from {block.file}:{block.line})", 0, found[0],
                             block.refs))
    return out


def _bound(block: Block, lang: str, index: RowIndex) -> list[Finding]:
    findings = []
    for table, key, line in block.refs:
        if (table, key) not in index.rows:
            findings.append(Finding(block.file, line, f"% fact: names {table}:{key}, which is not a "
                                                      f"row of data/{table}.csv"))
    refs = [(t, k) for t, k, _ in block.refs if (t, k) in index.rows]
    for lit in literals(block.text, lang):
        if not refs:
            findings.append(Finding(block.file, block.line, f"'{lit.text}' is not bound to the data: "
                                    "compute it, or name the row that states it in a '% fact: "
                                    "table:key' line (in code: a '# fact: table:key' comment)"))
        elif not any(index.holds(t, k, lit) for t, k in refs):
            names = " ".join(f"{t}:{k}" for t, k in refs)
            findings.append(Finding(block.file, block.line, f"'{lit.text}' is not in the row(s) named "
                                                            f"after this passage ({names})"))
    return findings


#: Money written other than as explainer.text.usd writes it in prose ("$5 million", "$132,000").
OFF_STYLE_MONEY = re.compile(r"\\?\$\d+(?:\.\d+)?\s?[MBK]\b|\b\d+(?:\.\d+)?(?: million| billion)?[ -]dollars?\b"
                             r"|\bUS\$\s?\d")
#: The Spanish edition writes '5 millones de dólares', never '$5 millones', 'US$5' or '5M' in prose.
OFF_STYLE_MONEY_ES = re.compile(r"\\?\$\s?\d|\b\d+(?:,\d+)?\s?[MK]\b|\bUSD\b")
#: Quoted text (a headline, a statement): its wording is the source's.
QUOTED = re.compile(r"“[^”]*”|\[[^\]]*\]\(")


def check_money(root: Path = ROOT) -> list[Finding]:
    """Every sum of money in the chapters' prose is written in the house style ('$5 million'; in
    Spanish '5 millones de dólares')."""
    findings = []
    for path in _existing(toc.all_pages(root)):
        off_style = OFF_STYLE_MONEY if toc.language(path, root) == "en" else OFF_STYLE_MONEY_ES
        for block in prose_blocks(path, root):
            text = QUOTED.sub(_blank, ROLE.sub(_blank, INLINE_CODE.sub(_blank, block.text)))
            for m in off_style.finditer(text):
                line = block.line + text.count("\n", 0, m.start())
                style = "'$5 million'" if off_style is OFF_STYLE_MONEY else "'5 millones de dólares'"
                findings.append(Finding(block.file, line, f"'{m.group(0).lstrip(chr(92))}': write money in prose "
                                        f"as {style} (explainer.text.usd); '$5M' is for chart labels"))
    return findings


def check_labels(root: Path = ROOT, pkg: DataPackage | None = None) -> list[Finding]:
    """Every date and number a chart label states (``data/figure_events.csv``) is stated by the timeline
    row the label belongs to."""
    pkg = pkg or DataPackage(root / "data", root / "references.bib")
    if "figure_events" not in pkg.tables:
        return []
    index = RowIndex.of(pkg)
    findings = []
    _, spanish = i18n._entries("es")
    keyed = pkg.load("figure_events")
    for i, (key, r) in enumerate(keyed.iterrows()):
        # the English label, and its Spanish (the catalogue's, in the Spanish forms of dates and numbers)
        es = spanish.get(f"figure_events:{key}:label")
        for lang, label, where in (("en", r["label"], "data/figure_events.csv"),
                                   ("es", es[0] if es else None, "locale/es/LC_MESSAGES/data-figure_events.po")):
            if not isinstance(label, str) or not label:
                continue
            for lit in literals(label, lang):
                # a label names one event, in a few words: its numbers are compared by value
                if ("timeline", r["event_id"]) in index.rows and not index.holds("timeline", r["event_id"], lit,
                                                                                loose=True):
                    line = i + 2 if lang == "en" else f"msgctxt figure_events:{key}:label"
                    findings.append(Finding(where, line, f"label '{label}' states '{lit.text}', which "
                                                         f"timeline:{r['event_id']} does not"))
    return findings


def check_translations(root: Path = ROOT, pkg: DataPackage | None = None) -> list[Finding]:
    """Every date and number in the Spanish of a data field is one its row states: a translation may
    reword a fact, never change it."""
    from .catalogues import data_strings, source_file

    pkg = pkg or DataPackage(root / "data", root / "references.bib")
    index = RowIndex.of(pkg)
    _, spanish = i18n._entries("es")
    findings = []
    for table, items in data_strings(root, pkg).items():
        for ctx, english, column, line in items:
            found = spanish.get(ctx)
            if not found or not found[0]:
                continue  # a missing translation is reported by explainer.data
            key = ctx.split(":", 1)[1].rsplit(":", 1)[0]
            if table in ("references", "datapackage"):  # a source's or a column's text: it is all it states
                digits = set(re.findall(r"\d+", english))  # in any language and any order of day and month
                findings += [Finding(f"locale/es/LC_MESSAGES/data-{table}.po", 0,
                                     f"msgctxt {ctx!r}: '{d}' is not in the text it translates "
                                     f"({source_file(table)}, line {line})")
                             for d in dict.fromkeys(re.findall(r"\d+", found[0])) if d not in digits]
                continue
            for lit in literals(found[0], "es"):
                if not index.holds(table, key, lit, loose=True):
                    findings.append(Finding(f"locale/es/LC_MESSAGES/data-{table}.po", 0,
                                            f"msgctxt {ctx!r}: '{lit.text}' is not stated by its row "
                                            f"(data/{table}.csv, {key})"))
    return findings


# =============================================================================== the claims ledger
_MARKER = re.compile(r"^%\s*claims?\s*:\s*(.*?)\s*$")


def claim_refs(paths) -> dict[str, list[tuple[Path, int]]]:
    """Claim id → [(file, line), …] for every ``% claim: <id> …`` marker (a MyST comment, so never one in
    code)."""
    refs: dict[str, list[tuple[Path, int]]] = {}
    for path in map(Path, paths):
        for part in myst.walk(myst.parse(path.read_text(encoding="utf-8"))):
            m = _MARKER.match(part.text) if part.kind == "comment" else None
            if m:
                for cid in filter(None, re.split(r"[\s,]+", m.group(1))):
                    refs.setdefault(cid, []).append((path, part.start))
    return refs


def check_ledger(claims: pd.DataFrame, refs: dict[str, list[tuple[Path, int]]],
                 pending: set[str] | frozenset = frozenset()) -> list[str]:
    """Problems with the ledger (an empty list means it is consistent).

    * a marker names a claim id that is not in ``claims`` (a typo, or a row was removed);
    * a row is made by no chapter: no marker for it in its own chapter's file (column ``chapter``)
      and it is not listed in ``pending`` ("not yet referenced");
    * ``pending`` lists an id that does not exist, or one that its chapter already references.
    """
    ids = set(claims["claim_id"].astype(str))
    chapter_of = dict(zip(claims["claim_id"].astype(str), claims["chapter"].astype(str)))
    problems = []
    for cid, where in sorted(refs.items()):
        if cid not in ids:
            at = ", ".join(f"{p.name}:{n}" for p, n in where)
            problems.append(f"{at}: claim {cid!r} is referenced but is not in claims.csv")

    def made_in_own_chapter(cid: str) -> bool:
        return any(p.stem == chapter_of[cid] for p, _ in refs.get(cid, []))


    for cid in sorted(ids):
        used = made_in_own_chapter(cid)
        if not used and cid not in pending:
            problems.append(f"claim {cid!r} is not referenced in chapters/{chapter_of[cid]}.md "
                            f"(add `% claim: {cid}` after the sentence that makes it)")
        if used and cid in pending:
            problems.append(f"claim {cid!r} is now referenced in its chapter: remove it from the "
                            "not-yet-referenced set")
    for cid in sorted(set(pending) - ids):
        problems.append(f"the not-yet-referenced set names {cid!r}, which is not in claims.csv")
    return problems


def check_claims(root: Path = ROOT, pkg: DataPackage | None = None) -> list[Finding]:
    """The claims ledger, in each edition: every ``% claim:`` marker names a row of ``data/claims.csv``,
    and every row is made (marked) in its own chapter."""
    pkg = pkg or DataPackage(root / "data", root / "references.bib")
    claims = pkg.load("claims")
    ids = set(claims["claim_id"].astype(str))
    lines = {cid: i + 2 for i, cid in enumerate(claims["claim_id"].astype(str))}
    findings = []
    for lang in toc.EDITIONS:
        pages = _existing(toc.pages(root, lang))
        if not pages:
            continue
        refs = claim_refs(pages)
        for cid, where in sorted(refs.items()):
            if cid not in ids:
                findings += [Finding(p.relative_to(root).as_posix(), n, f"% claim: {cid!r} is not a row of "
                                     "data/claims.csv") for p, n in where]
        edition = "" if lang == "en" else f" (the {lang} edition)"
        for problem in check_ledger(claims, {c: w for c, w in refs.items() if c in ids}):
            cid = re.search(r"claim '([^']+)'", problem)[1]
            findings.append(Finding("data/claims.csv", lines[cid], problem + edition))
    return findings


def check_data_translations(root: Path = ROOT, pkg: DataPackage | None = None) -> list[Finding]:
    """Every reader-visible text field of the data has its Spanish, without markup."""
    from .catalogues import data_problems

    out = []
    for problem in data_problems(root=root, pkg=pkg):  # "file, line N, what" or "file, what"
        file, _, rest = problem.partition(", ")
        m = re.match(r"line (\d+), (.*)", rest)
        out.append(Finding(file, int(m[1]), m[2]) if m else Finding(file, 0, rest))
    return out


def check_terms(root: Path = ROOT) -> list[Finding]:
    """The Spanish edition against its termbase (:mod:`bookbuild.terms`): every variant it refuses, in the
    pages and the catalogues, named by file, line and column."""
    from . import terms

    out = []
    for problem in terms.findings(root):  # "file:line:column: what" or "file:line: what"
        m = re.match(r"(?P<file>[^:]+):(?P<line>\d+):(?:(?P<col>\d+):)? (?P<what>.*)", problem, re.S)
        out.append(Finding(m["file"], int(m["line"]), m["what"], int(m["col"] or 0)))
    return out


def run(root: Path = ROOT) -> list[Finding]:
    pkg = DataPackage(root / "data", root / "references.bib")
    return (check_data_translations(root, pkg) + check_as_of(root, pkg) + check_corrections(root, pkg)
            + check_leads(root, pkg) + check_claims(root, pkg) + check_pairings(root, pkg) + check_prose(root, pkg)
            + check_labels(root, pkg) + check_money(root) + check_translations(root, pkg) + check_terms(root))


def main(argv: list[str] | None = None) -> int:
    root = ROOT
    try:
        pkg = DataPackage(root / "data", root / "references.bib")
        newest = newest_dates(pkg)
        d, where = max(newest.values())
        print(f"Book as of {format_date(pkg.as_of)}; newest dated row: {format_date(d)} ({where})")
        findings = run(root)
    except DataError as e:
        print(e, file=sys.stderr)
        return 1
    for f in findings:
        print(f, file=sys.stderr)
    if findings:
        print(f"{len(findings)} problem(s) in the chapters' text", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
