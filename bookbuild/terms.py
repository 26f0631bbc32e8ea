"""The Spanish edition's termbase, and the check that the edition keeps to it.

``locale/es/termbase.csv`` is the one table of the edition's fixed translations: the State Department's
reward programmes, the courts, the statutes, the designations, the people's statuses, and the style rules
of the edition (no «reporte», no «evidencia», «Datos al …»). One row per English term:

``kind``
    ``programme``, ``court``, ``statute``, ``designation`` (names), ``status`` (the codes of the status
    vocabulary) or ``style`` (a rule of usage).
``english``
    The English term: a name, a status code, or what the English says for a style rule.
``spanish``
    The fixed Spanish. A style rule may give the forms to choose from, separated by ``|``.
``variants``
    The Spanish the edition does not write for it, separated by ``|``. Each is a word or phrase, matched
    case-insensitively as whole words, a space matching any white space (a line break too); ``*`` at the
    end of a word stands for any ending (``evidencia*``). A variant written ``/…/`` is a regular
    expression (Python's, case-insensitive unless it says ``(?-i:…)``; a space in it also matches any
    white space, so a look-behind writes ``\\s``). What is not read (below) reads as ``·``: a placeholder
    or a glued value is ``·`` to a pattern (``datos a (?=[·\\d])``).
``scope``
    Where the variants are refused: empty for everywhere, ``pages`` or ``catalogues``.
``note``
    Why, for the translator.

``python -m bookbuild.checks`` (``make check``, the build) runs :func:`findings`, one line per problem:

* every variant in the prose of the Spanish pages (``es/**/*.md``) and in every Spanish ``msgstr`` of
  ``locale/es/LC_MESSAGES/*.po``: ``path:line:column: «variant» — use «preferred» (termbase: english)``;
* a catalogue entry whose English names a term, and whose Spanish does not give the term's Spanish (in any
  number or gender): for a name (programme, court, statute, designation), the name in the ``msgid`` as a whole
  word (as written, where it has capitals); for a status, a ``msgid`` that is the status itself (a label of
  the vocabulary; elsewhere *convicted* may be «condenado», where a sentence was imposed).

Not read, because it must not change: code, front matter, MyST comments (``% fact: …``), targets,
directive options, the terms a glossary defines (they are the targets of ``{term}`` links), inline code,
roles (a citation key, a glued value; of a ``{ref}``, ``{doc}`` or ``{term}`` link with a title, the title
is read), URLs, link targets, HTML tags and format placeholders (``{date}``); in the catalogues, the data
fields that are a source's title or its publisher's name (:data:`AS_PUBLISHED`: quoted as published).
A quotation of a Spanish-language source that holds a variant is listed, with its reason, in
``locale/es/termbase-exceptions.csv`` (``file``: the page or catalogue; ``text``: the quoted words, exactly;
``reason``): a variant inside those words, in that file, is not reported. Only a verbatim quotation belongs
there — a quotation this book translated from another language follows the termbase like any other sentence.
"""
from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from explainer.paths import ROOT

from . import myst

TERMBASE = Path("locale") / "es" / "termbase.csv"
EXCEPTIONS = Path("locale") / "es" / "termbase-exceptions.csv"
CATALOGUES = Path("locale") / "es" / "LC_MESSAGES"
COLUMNS = ["kind", "english", "spanish", "variants", "scope", "note"]
KINDS = ("programme", "court", "statute", "designation", "status", "style")
NAMES = ("programme", "court", "statute", "designation")
SCOPES = ("", "pages", "catalogues")
#: Directives whose argument is a title readers see (``{admonition} Title``).
TITLED_DIRECTIVES = {"admonition", "note", "warning", "tip", "important", "caution", "attention", "danger",
                     "error", "hint", "seealso", "sidebar", "topic", "dropdown", "card", "margin"}
#: Link roles whose title (``{ref}`title <target>```) readers see.
TITLED = {"ref", "doc", "term", "numref"}
_ROLE = re.compile(r"\{(?P<name>[\w:.-]+)\}`(?P<body>[^`]*)`")
_MASKS = [re.compile(p) for p in (
    r"`[^`]*`",                       # inline code (after the roles)
    r"\]\([^)]*\)",                   # a link's target
    r"<https?://[^>]*>|https?://\S+",  # addresses
    r"<[A-Za-z/!][^>]*>",             # HTML tags
    r"\{\{[^}]*\}\}",                 # substitutions
    r"\{[\w.]*(?:[:!][^{}\s]*)?\}",   # format placeholders: {date}, {n:,}
)]


@dataclass(frozen=True)
class Term:
    kind: str
    english: str
    spanish: tuple[str, ...]
    variants: tuple[str, ...]
    scope: str
    note: str
    line: int

    @property
    def preferred(self) -> str:
        return "» or «".join(self.spanish)

    def patterns(self) -> list[tuple[str, re.Pattern]]:
        return [(v, variant_pattern(v)) for v in self.variants]

    def applies_to(self, where: str) -> bool:
        return not self.scope or self.scope == where


def _spaces(pattern: str) -> str:
    """A pattern whose spaces (outside character classes) match any run of white space."""
    out, in_class, escaped = [], False, False
    for i, ch in enumerate(pattern):
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif ch == "[" and not in_class:
            in_class = True
            out.append(ch)
        elif ch == "]" and in_class:
            in_class = False
            out.append(ch)
        elif ch == " " and not in_class:  # " ?" is an optional space: one white-space character
            out.append(r"\s" if pattern[i + 1:i + 2] in ("?", "*", "+", "{") else r"\s+")
        else:
            out.append(ch)
    return "".join(out)


def variant_pattern(variant: str) -> re.Pattern:
    """The regular expression of a variant as the termbase writes it (see the module's docstring)."""
    if len(variant) > 2 and variant.startswith("/") and variant.endswith("/"):
        return re.compile(_spaces(variant[1:-1]), re.I)
    words = []
    for w in variant.split():
        words.append(re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w))
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.I)


def _inflected(word: str) -> str:
    """A Spanish word in any number and gender: «organización» → organización, organizaciones;
    «declarado» → declarado, declarada, declarados, declaradas."""
    w = re.escape(word)
    if word.endswith("ión"):
        return re.escape(word[:-3]) + "i(?:ón|ones)"
    if word[-1:] in "oa" and len(word) > 3:
        return re.escape(word[:-1]) + "[oa]s?"
    if word[-1:] in "eéií":
        return w + "s?"
    if word[-1:].isalpha() and word[-1:] not in "sxz" and len(word) > 3:
        return w + "(?:es)?"
    return w


def spanish_pattern(spanish: str) -> re.Pattern:
    """The fixed Spanish of a term, in any number and gender, case-insensitively, as whole words."""
    return re.compile(r"(?<!\w)" + r"\s+".join(_inflected(w) for w in spanish.split()) + r"(?!\w)", re.I)


def english_pattern(english: str) -> re.Pattern:
    """An English name in a ``msgid``: whole words, as written where it has capitals."""
    flags = 0 if any(c.isupper() for c in english) else re.I
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, english.split())) + r"(?!\w)", flags)


def load(root: Path = ROOT) -> list[Term]:
    """The termbase's rows."""
    path = root / TERMBASE
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for i, r in enumerate(rows, start=2):
        out.append(Term(r["kind"].strip(), r["english"].strip(),
                        tuple(s.strip() for s in r["spanish"].split("|") if s.strip()),
                        tuple(_split(r["variants"])), r.get("scope", "").strip(), r.get("note", ""), i))
    return out


def _split(cell: str) -> list[str]:
    """The variants of a cell, split on ``|`` outside a ``/…/`` regular expression (which ends at a ``/``
    followed by ``|`` or by the end of the cell)."""
    out, i, n = [], 0, len(cell)
    while i < n:
        if cell[i] in " |":
            i += 1
            continue
        if cell[i] == "/":
            j = i + 1
            while j < n and not (cell[j] == "/" and (j + 1 == n or cell[j + 1] == "|")):
                j += 1
            out.append(cell[i:j + 1])
            i = j + 1
        else:
            j = cell.find("|", i)
            j = n if j < 0 else j
            out.append(cell[i:j].strip())
            i = j
    return [v for v in out if v]


def problems_in(terms: list[Term]) -> list[str]:
    """What is wrong with the termbase itself: an unknown kind or scope, a variant that is not a valid
    pattern, an English term listed twice, a fixed Spanish that one of the variants refuses."""
    out, seen = [], {}
    for t in terms:
        where = f"{TERMBASE.as_posix()}:{t.line}"
        if t.kind not in KINDS:
            out.append(f"{where}: kind {t.kind!r} is not one of {', '.join(KINDS)}")
        if t.scope not in SCOPES:
            out.append(f"{where}: scope {t.scope!r} is not one of {', '.join(repr(s) for s in SCOPES)}")
        if not t.english or not t.spanish:
            out.append(f"{where}: a term needs its English and its Spanish")
        key = t.english.casefold()
        if key in seen:
            out.append(f"{where}: {t.english!r} is already a term (line {seen[key]})")
        seen.setdefault(key, t.line)
        for v in t.variants:
            try:
                pattern = variant_pattern(v)
            except re.error as e:
                out.append(f"{where}: the variant {v!r} is not a valid pattern ({e})")
                continue
            for s in t.spanish:
                if pattern.search(s):
                    out.append(f"{where}: the Spanish «{s}» is refused by its own variant {v!r}")
        for other in terms:
            for v in other.variants:
                try:
                    pattern = variant_pattern(v)
                except re.error:
                    continue
                for s in t.spanish:
                    if other is not t and pattern.search(s) and s not in other.spanish:
                        out.append(f"{where}: the Spanish «{s}» is refused by the variant {v!r} of "
                                   f"{other.english!r} (line {other.line})")
    return out


# ------------------------------------------------------------------------------------------- reading
def mask(text: str) -> str:
    """``text`` with everything that is not prose to check masked (same length, same lines; see
    :data:`MASK`): roles (a link's title kept), inline code, link targets, addresses, HTML tags,
    placeholders."""
    def role(m: re.Match) -> str:
        name, body = m["name"], m["body"]
        t = re.fullmatch(r"(?s)(.*?\S)\s*<[^<>]+>", body)
        if name in TITLED and t:
            start = m.start("body") - m.start()
            whole = m.group(0)
            end = start + len(t.group(1))
            return _blank(whole[:start]) + whole[start:end] + _blank(whole[end:])
        return _blank(m.group(0))

    text = _ROLE.sub(role, text)
    for p in _MASKS:
        text = p.sub(lambda m: _blank(m.group(0)), text)
    return text


#: What masked text reads as: neither a letter nor white space, so that a pattern can tell "Datos a {date}"
#: (``datos a ·``) from "Datos al {date}", and no word runs into the text around it.
MASK = "·"


def _blank(text: str, mark: str = MASK) -> str:
    """``text`` masked, its line breaks kept."""
    return re.sub(r"[^\n]", mark, text)


@dataclass(frozen=True)
class Passage:
    """Text to check, with where it starts: ``positions[i]`` is the (line, column) of ``text[i]``."""
    file: str
    text: str
    positions: tuple[tuple[int, int], ...]
    where: str  # "pages" or "catalogues"

    def at(self, offset: int) -> tuple[int, int]:
        return self.positions[min(offset, len(self.positions) - 1)] if self.positions else (1, 1)


def _lines_passage(file: str, lines: list[str], first: int, where: str) -> Passage:
    """A passage of whole lines of a file, starting at line ``first``."""
    text = "\n".join(lines)
    pos = []
    for k, ln in enumerate(lines):
        pos += [(first + k, c + 1) for c in range(len(ln) + 1)]
    return Passage(file, text, tuple(pos[:len(text)]), where)


def page_passages(path: Path, root: Path = ROOT) -> list[Passage]:
    """The prose of a page, as passages of whole lines: what is not prose is blanked out (front matter,
    code, MyST comments and targets, directive fences and options, the terms of a glossary)."""
    rel = path.relative_to(root).as_posix()
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    skip: set[int] = set()  # 1-based lines that are not prose
    titles: dict[int, int] = {}  # a directive's first line → where its title starts (0-based)

    def visit(parts):
        for p in parts:
            if p.kind in ("front_matter", "code_cell", "fence", "comment", "target", "html_block") or (
                    p.kind == "directive" and p.name in myst.NON_PROSE):
                skip.update(range(p.start, p.end + 1))
            elif p.kind == "directive":
                skip.update(range(p.start, p.body_start))  # the fence, the argument and the options
                first = lines[p.start - 1]
                if p.name in TITLED_DIRECTIVES and p.argument and first.rstrip().endswith(p.argument):
                    titles[p.start] = len(first.rstrip()) - len(p.argument)  # but a title is prose
                skip.add(p.end)                              # the closing fence
                if p.name in myst.ONE_PASSAGE:
                    for k, ln in enumerate(p.body.split("\n")):
                        if ln.strip() and not ln[:1].isspace():
                            skip.add(p.body_start + k)       # a term the glossary defines
                visit(p.parts)

    visit(myst.parse(text))
    kept = [(_blank(ln[:titles[i + 1]], " ") + ln[titles[i + 1]:] if i + 1 in titles else
             _blank(ln, " ") if (i + 1) in skip or ln.startswith("%") else ln) for i, ln in enumerate(lines)]
    return [_lines_passage(rel, mask("\n".join(kept)).split("\n"), 1, "pages")]


_PO_LINE = re.compile(r'^(?:msgstr(?:\[\d+\])?\s+)?"(?P<body>.*)"\s*$')


def _unescaped(raw: str) -> list[tuple[str, int]]:
    """The characters of a PO string's line, unescaped, each with its column (0-based) in ``raw``."""
    out, i = [], 0
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            out.append((escapes.get(raw[i + 1], raw[i + 1]), i))
            i += 2
        else:
            out.append((raw[i], i))
            i += 1
    return out


def catalogue_passages(path: Path, root: Path = ROOT) -> list[tuple[object, Passage]]:
    """(message, its Spanish as a passage) for every translated entry of a PO file, positions read from
    the file (the ``msgstr`` and its continuation lines)."""
    from babel.messages.pofile import read_po

    rel = path.relative_to(root).as_posix()
    lines = path.read_text(encoding="utf-8").split("\n")
    with open(path, "rb") as f:
        cat = read_po(f)
    out = []
    for m in cat:
        if not m.id or not m.string or not isinstance(m.string, str):
            continue
        i = (m.lineno or 1) - 1
        while i < len(lines) and not lines[i].startswith("msgstr"):
            i += 1
        chars: list[tuple[str, tuple[int, int]]] = []
        first = True  # the msgstr line, then its continuation lines ("…")
        while i < len(lines) and lines[i].startswith("msgstr" if first else '"'):
            mm = _PO_LINE.match(lines[i])
            if not mm:
                break
            chars += [(ch, (i + 1, mm.start("body") + col + 1)) for ch, col in _unescaped(mm["body"])]
            first = False
            i += 1
        text = "".join(ch for ch, _ in chars)
        if text != m.string:  # not where it was expected: point at the entry
            chars = [(ch, ((m.lineno or 1), 1)) for ch in m.string]
            text = m.string
        out.append((m, Passage(rel, mask(text), tuple(p for _, p in chars), "catalogues")))
    return out


def _exceptions(root: Path) -> dict[str, list[str]]:
    """File → the verbatim quotations in it where variants are allowed."""
    path = root / EXCEPTIONS
    if not path.is_file():
        return {}
    out: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            out.setdefault(r["file"].strip(), []).append(r["text"])
    return out


def _excused(p: Passage, start: int, end: int, quotes: list[str]) -> bool:
    """Whether ``p.text[start:end]`` lies inside one of the listed quotations."""
    for q in quotes:
        pattern = r"\s+".join(map(re.escape, q.split()))
        if any(m.start() <= start and end <= m.end() for m in re.finditer(pattern, p.text)):
            return True
    return False


# ------------------------------------------------------------------------------------------- checking
def variants_in(p: Passage, terms: list[Term], quotes: list[str] = ()) -> list[str]:
    """Every variant in a passage, one line each: ``file:line:column: «variant» — use «…» (termbase: …)``."""
    out = []
    flat = p.text.replace("\n", " ")  # same offsets; a phrase may run across a line break
    for t in terms:
        if not t.applies_to(p.where):
            continue
        hits: dict[int, re.Match] = {}  # one report per place: the longest variant found there
        for _, pattern in t.patterns():
            for m in pattern.finditer(flat):
                if not m.group(0).strip() or (quotes and _excused(p, m.start(), m.end(), quotes)):
                    continue
                if m.start() not in hits or m.end() > hits[m.start()].end():
                    hits[m.start()] = m
        for start, m in sorted(hits.items()):
            line, col = p.at(start)
            said = re.sub(r"\s+", " ", m.group(0))
            out.append(f"{p.file}:{line}:{col}: «{said}» — use «{t.preferred}» (termbase: {t.english})")
    return out


def required_in(message, p: Passage, terms: list[Term]) -> list[str]:
    """A name or status the English of a catalogue entry gives, whose Spanish the entry lacks."""
    english = message.id if isinstance(message.id, str) else message.id[0]
    out = []
    for t in terms:
        if t.kind in NAMES:
            if not english_pattern(t.english).search(english):
                continue
        elif t.kind == "status":
            if english.strip().casefold() != t.english.casefold():
                continue
        else:
            continue
        if not any(spanish_pattern(s).search(message.string) for s in t.spanish):
            line, col = p.at(0)
            out.append(f"{p.file}:{line}:{col}: the English says «{t.english}»; the Spanish must say "
                       f"«{t.preferred}» (termbase: {t.english})")
    return out


#: Data fields written as their source publishes them: a source's title and its publisher's name
#: ("Reporte Confidencial" is an outlet, not a calque).
AS_PUBLISHED = {"title", "organization", "publisher", "author", "journaltitle"}


def _as_published(message) -> bool:
    """A data field (``table:key:column``) that is a source's title or its publisher's name."""
    return bool(message.context) and message.context.rsplit(":", 1)[-1] in AS_PUBLISHED


def findings(root: Path = ROOT) -> list[str]:
    """Every problem of the Spanish edition against the termbase (and of the termbase itself)."""
    terms = load(root)
    out = problems_in(terms)
    if out:
        return out
    quotes = _exceptions(root)
    for path in sorted((root / "es").glob("**/*.md")):
        for p in page_passages(path, root):
            out += variants_in(p, terms, quotes.get(p.file, []))
    for path in sorted((root / CATALOGUES).glob("*.po")):
        for message, p in catalogue_passages(path, root):
            if _as_published(message):
                continue
            out += variants_in(p, terms, quotes.get(p.file, []))
            out += required_in(message, p, terms)
    return out


def main(argv: list[str] | None = None) -> int:
    found = findings()
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} departure(s) from the Spanish termbase ({TERMBASE.as_posix()})", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
