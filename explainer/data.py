"""Load and validate the book's data tables.

Every table in ``data/`` is described in ``data/datapackage.json`` (a Frictionless Data Package).
This module reads the CSV files as text, checks every cell against that description and against the
book's own rules, and only then returns a typed :class:`pandas.DataFrame`. Anything wrong raises
:class:`DataError`, whose message names the file, the line, the column and the rule broken, so that a
bad row stops the build instead of reaching a reader.

Rules checked, in order (the checksum last, so the real problem in an edited file is reported first):

* the file is UTF-8 without a byte-order mark;
* the header has exactly the schema's columns (none missing, none unknown), and at least one row follows;
* every row has as many fields as the header (malformed CSV);
* each cell: ``required``, type (integer, number, date, boolean), ``enum``, ``minimum``/``maximum``,
  ``pattern``; ``;``-separated list columns are checked item by item (against the field's
  ``vocabulary`` where it has one);
* book rules: country codes are real ISO 3166-1 alpha-3 codes; every source key exists in
  ``references.bib``; no date lies after the data's "as of" date (editorial publication dates, marked
  ``"editorial": true`` in the schema, only not after today); no HTML markup in text;
* a list column is held to the row's own evidence (``evidence_patterns``: the activities a country's
  notable event or note describes are listed in its activities);
* ranges run from low to high (``x_min`` ≤ ``x_max``, ``low`` ≤ ``high``, ``date`` ≤ ``end_date``);
* a place's coordinates lie inside its country (the country's bounding box in ``geo/americas.geojson``,
  plus a small margin), which also catches swapped latitude and longitude;
* the primary key is unique and foreign keys resolve;
* the file's SHA-256 equals the ``hash`` recorded in the data package (no unreviewed edits). The checksum
  is computed on the text with CRLF line endings normalised to LF, so a Windows checkout validates.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import i18n
from .paths import BIB_PATH, DATA_DIR, ROOT  # noqa: F401  (ROOT: re-exported for the build's tools)
from .text import AGGREGATE_CODES, bibliography, country_name, format_date, iso3_codes  # noqa: F401  (re-exported)

#: Columns holding ``;``-separated lists.
LIST_COLUMNS = {"source_keys", "activities", "aliases", "rows", "account_keys", "record_keys"}
#: Columns holding an ISO 3166-1 alpha-3 country code.
ISO3_COLUMNS = {"country_iso3"}
#: Degrees a place may lie outside its country's bounding box (the outlines are simplified).
COORD_MARGIN = 0.5
#: Confidence labels, strongest first.
CONFIDENCE = ["primary", "corroborated", "single-source", "contested", "unverified"]
#: The labels that tell readers a fact is not confirmed (a report shown as a report carries one of them).
NOT_CONFIRMED = {"single-source", "contested", "unverified"}

_MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|&#?[a-zA-Z0-9]+;")
_INT = re.compile(r"^[+-]?\d+$")


class DataError(ValueError):
    """A data file breaks a rule. ``problems`` lists every problem found (file, line, column, rule).

    Its message is short: one line per problem (at most 20), no traceback needed to read it.
    """

    def __init__(self, problems: list["Problem"]):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} data problem(s):\n{shown}{more}")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    rule: str
    value: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
            if self.line > 1:
                where += f" (row {self.line - 1})"
        if self.column is not None:
            where += f", column '{self.column}'"
        val = "" if self.value is None else f" (value: {self.value[:80]!r})"
        hint = "" if self.hint is None else f". Hint: {self.hint}"
        return f"{where}: {self.rule}{val}{hint}"


# --------------------------------------------------------------------------- vocabularies
def words(vocabulary: str, field: str = "word") -> dict[str, str]:
    """Code → a vocabulary's ``field`` ("word", "label" or "short") as readers see it, in the current
    language, in the vocabulary's order: the one place the book's label sets live (``data/vocabularies.csv``;
    the data tables store the codes)."""
    table = package().load("vocabularies", verify_hash=False)
    rows = table[table["vocabulary"] == vocabulary].sort_values("position")
    if rows.empty:
        raise KeyError(f"no vocabulary {vocabulary!r} in data/vocabularies.csv")
    return {str(c): i18n.say("vocabularies", field, t) for c, t in zip(rows["code"], rows[field])}


def word(vocabulary: str, code, field: str = "word") -> str:
    """One code's ``field`` in a vocabulary (see :func:`words`); an unknown code is an error naming it."""
    found = words(vocabulary, field)
    if str(code) not in found:
        raise KeyError(f"{code!r} is not a code of the {vocabulary} vocabulary (data/vocabularies.csv): "
                       f"{', '.join(found)}")
    return found[str(code)]


#: (table, or "*" for every table, column) → the vocabulary of data/vocabularies.csv its codes come from.
VOCABULARY_COLUMNS = {("*", "confidence"): "confidence", ("presence", "evidence_level"): "evidence",
                      ("presence", "activities"): "activity", ("claims", "verdict"): "verdict",
                      ("people", "status"): "status", ("rewards", "event"): "reward-event",
                      ("corrections", "kind"): "correction-kind", ("leads", "status"): "lead-status",
                      ("leads", "kind"): "lead-kind"}


def vocabulary_of(table: str, column: str) -> str | None:
    """The vocabulary whose codes ``table``'s ``column`` holds, if any."""
    return VOCABULARY_COLUMNS.get((table, column)) or VOCABULARY_COLUMNS.get(("*", column))


def vocabulary_word(vocabulary: str, code) -> str:
    """A code as a table for readers writes it: its vocabulary's word, or its label where it has no word."""
    found = word(vocabulary, code)
    return found if isinstance(found, str) and found else word(vocabulary, code, "label")


def _code_word(code: str) -> str:
    """A code of a column of codes marked ``"translate": true`` in the data package, in the current language."""
    return i18n.say("datapackage", "code", code)


def code_translator(table: str, field: dict):
    """How the codes of a column read in the current language (its vocabulary's words, or the data package's
    translation of its codes), or None for a column that holds no codes to translate."""
    vocab = vocabulary_of(table, field["name"])
    if vocab:
        return lambda code, vocab=vocab: vocabulary_word(vocab, code)
    if field.get("translate") and "enum" in field.get("constraints", {}):
        return _code_word
    return None


def _register_code_words() -> None:
    """Tell :func:`explainer.i18n.readers_table` (which translates the tables charts publish, by column name)
    how the codes of each column name read — where every table's column of that name holds the same codes."""
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    by_column: dict[str, set] = {}
    for res in descriptor["resources"]:
        for f in res.get("schema", {}).get("fields", []):
            translate = code_translator(res["name"], f)
            if translate is not None:  # a chart that names its table: the codes of that table's column
                i18n.code_words(f["name"], translate, table=res["name"])
            by_column.setdefault(f["name"], set()).add(vocabulary_of(res["name"], f["name"])
                                                       or ("codes" if translate is not None else None))
    by_column["since_event"] = {"reward-event"}  # a reward's latest event, as the rewards chart publishes it
    i18n.column_words(lambda name: vocabulary_word("activity", name) if name in words("activity") else None)
    for column, kinds in by_column.items():
        if len(kinds) == 1 and (kind := next(iter(kinds))):
            i18n.code_words(column, _code_word if kind == "codes" else (lambda c, v=kind: vocabulary_word(v, c)))


def readers_csv(name: str, pkg: "DataPackage | None" = None) -> str:
    """``data/<name>.csv`` as a table for readers of the current language: column names, codes and text in
    that language (the stored table is the data of record; this is a translation of it). CSV with a
    byte-order mark, so that spreadsheets read its accents."""
    import io

    pkg = pkg or package()
    table = pd.read_csv(io.StringIO(pkg._read_text(name)), dtype=str, keep_default_na=False)
    for f in pkg.resources[name]["schema"]["fields"]:  # stored text, except true and false, which readers' words say
        if f.get("type") == "boolean" and f["name"] in table:
            table[f["name"]] = [v.lower() in ("true", "1", "yes") if v else None for v in table[f["name"]]]
    return "\ufeff" + i18n.readers_table(table, name).to_csv(index=False, lineterminator="\n")


def translatable(schema: dict) -> list[str]:
    """The reader-visible text fields of a table (``"translate": true`` in the data package on a field of
    free text; on a field of codes, ``"translate": true`` translates its codes instead: :func:`code_translator`)."""
    return [f["name"] for f in schema.get("fields", [])
            if f.get("translate") and "enum" not in f.get("constraints", {})]


def confidence_word(label) -> str:
    """A row's confidence label as readers see it ('corroborated'; Spanish 'corroborado'); '' for none."""
    if label is None or (not isinstance(label, str) and pd.isna(label)) or label == "":
        return ""
    return word("confidence", label)


def bib_keys(bib_path: Path = BIB_PATH) -> set[str]:
    """The citation keys defined in a BibTeX file."""
    return set(bibliography(bib_path))


#: The languages a source may be written in (``langid`` in references.bib, biblatex's names).
LANGIDS = ("english", "spanish", "portuguese", "italian", "french", "german", "norwegian")
_BIB_ENTRY = re.compile(r"^@\w+\{([^,\s]+),\s*$")
_BIB_FIELD = re.compile(r"^\s+(\w+)\s*=\s*\{(.*)\},?\s*$")


def bib_lines(bib_path: Path = BIB_PATH) -> list[tuple[str, int, dict[str, tuple[str, int]]]]:
    """Where each entry of references.bib and each of its fields are: [(key, line, {field: (raw value, line)})]
    (the file keeps one field a line; pybtex, which reads the values, does not say where they are)."""
    entries: list[tuple[str, int, dict[str, tuple[str, int]]]] = []
    for n, line in enumerate(Path(bib_path).read_text(encoding="utf-8").splitlines(), start=1):
        if m := _BIB_ENTRY.match(line):
            entries.append((m.group(1), n, {}))
        elif entries and (m := _BIB_FIELD.match(line)):
            entries[-1][2][m.group(1).lower()] = (m.group(2), n)
    return entries


def bib_problems(bib_path: Path = BIB_PATH) -> list[Problem]:
    """The rules of references.bib that its readers cannot see for themselves, each broken one named by line
    and field: every source says its language (``langid``); a title that is not in English has the book's
    English translation (``translatedtitle``); a translation stands only beside the original it translates —
    never beside a [description] or alone."""
    bib_path = Path(bib_path)
    file = bib_path.name
    out = []
    for key, at, f in bib_lines(bib_path):
        lang, lang_line = f.get("langid", ("", at))
        title, title_line = f.get("title", ("", at))
        described = title.strip("{}").startswith("[")
        if "langid" not in f:
            out.append(Problem(file, at, "langid", f"source {key!r} does not say its language",
                               hint=f"add langid = {{…}}, one of {', '.join(LANGIDS)}"))
        elif lang not in LANGIDS:
            out.append(Problem(file, lang_line, "langid", f"source {key!r}: unknown language", lang,
                               hint=f"one of {', '.join(LANGIDS)}"))
        if "translatedtitle" in f and (not title or described):
            out.append(Problem(
                file, f["translatedtitle"][1], "translatedtitle",
                f"source {key!r} has a translated title but not its original",
                hint="give the source's own title, verbatim, in title; if it cannot be read at the source, drop the "
                     "translation and describe the source in [square brackets] instead"))
        elif "translatedtitle" in f and lang == "english":
            out.append(Problem(file, f["translatedtitle"][1], "translatedtitle",
                               f"source {key!r} is in English: its title needs no translation"))
        elif title and not described and lang in LANGIDS and lang != "english" and "translatedtitle" not in f:
            out.append(Problem(file, title_line, "title", f"source {key!r}: the title is in {lang} and has no "
                               "English translation", hint="add translatedtitle = {{…}}, the book's translation"))
    return out


def normalised_bytes(path: Path) -> bytes:
    """The file's bytes with CRLF line endings turned into LF (what git stores; see .gitattributes)."""
    return path.read_bytes().replace(b"\r\n", b"\n")


def sha256(path: Path) -> str:
    """SHA-256 of the file with normalised line endings, so that a CRLF checkout has the same checksum."""
    return hashlib.sha256(normalised_bytes(path)).hexdigest()


@lru_cache(maxsize=None)
def country_bounds(geojson_path: Path) -> dict[str, tuple[float, float, float, float]]:
    """ISO3 code → (min lon, min lat, max lon, max lat) of the country's outline in a GeoJSON file."""
    out = {}
    for feat in json.loads(Path(geojson_path).read_text(encoding="utf-8"))["features"]:
        geom = feat["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        pts = [pt for poly in polys for ring in poly for pt in ring]
        lons, lats = [p[0] for p in pts], [p[1] for p in pts]
        out[feat["properties"]["iso3"]] = (min(lons), min(lats), max(lons), max(lats))
    return out


#: Pairs of column-name affixes that form a range (low end, high end).
_RANGE_AFFIXES = [("_min", "_max"), ("_low", "_high"), ("_start", "_end")]


def range_pairs(columns) -> list[tuple[str, str]]:
    """Column pairs that hold a range and must not be reversed: ``x_min``/``x_max``, ``min_x``/``max_x``,
    ``low``/``high`` (alone or as ``x_low``/``x_high``), ``x_start``/``x_end``, ``date`` (or
    ``start_date``)/``end_date``."""
    cols = list(columns)
    pairs = []
    for c in cols:
        candidates = [(c, c[: -len(lo)] + hi) for lo, hi in _RANGE_AFFIXES if c.endswith(lo)]
        if c.startswith("min_"):
            candidates.append((c, "max_" + c[4:]))
        if c == "low":
            candidates.append(("low", "high"))
        if c in ("date", "start_date"):
            candidates.append((c, "end_date"))
        pairs += [(lo, hi) for lo, hi in candidates if hi in cols and hi != lo]
    return list(dict.fromkeys(pairs))


# --------------------------------------------------------------------------- the package
class DataPackage:
    """The data package in ``root`` (default: the book's ``data/``)."""

    def __init__(self, root: Path | str = DATA_DIR, bib_path: Path | str | None = None):
        self.root = Path(root)
        self.descriptor_path = self.root / "datapackage.json"
        self.descriptor = json.loads(self.descriptor_path.read_text(encoding="utf-8"))
        self.bib_path = Path(bib_path) if bib_path else self.root.parent / "references.bib"
        self.as_of = dt.date.fromisoformat(self.descriptor["asOf"])
        self._cache: dict[str, pd.DataFrame] = {}

    @property
    def resources(self) -> dict[str, dict]:
        return {r["name"]: r for r in self.descriptor["resources"]}

    @property
    def tables(self) -> list[str]:
        return [r["name"] for r in self.descriptor["resources"] if "schema" in r]

    @property
    def fact_tables(self) -> list[str]:
        """The tables of sourced facts: every table but the editorial ones (``"editorial": true``, such as
        the figures' choice of events), whose rows point at sourced rows instead."""
        return [n for n in self.tables if not self.resources[n].get("editorial")]

    def path(self, name: str) -> Path:
        return self.root / self.resources[name]["path"]

    def _display(self, name: str) -> str:
        try:
            return str(self.path(name).relative_to(self.root.parent))
        except ValueError:
            return str(self.path(name))

    # ---- checksums
    def check_hash(self, name: str) -> None:
        res = self.resources[name]
        recorded = res.get("hash", "").removeprefix("sha256:")
        actual = sha256(self.path(name))
        if recorded != actual:
            raise DataError([Problem(
                self._display(name), None, None,
                f"file changed: its SHA-256 is {actual[:12]}…, but datapackage.json records "
                f"{recorded[:12] or 'nothing'}…; review the change, then run `make checksums`")])

    def write_hashes(self, validate: bool = True) -> None:
        """Record the current SHA-256 and size of every file in datapackage.json.

        Refuses (raises :class:`DataError`, writing nothing) while any table is invalid, so that an
        invalid file is never recorded as reviewed. ``validate=False`` skips that check (tests use it
        to break a table on purpose).
        """
        if validate:
            problems = [p for errs in self.check(verify_hash=False).values() for p in errs]
            if problems:
                raise DataError(problems)
        for res in self.descriptor["resources"]:
            p = self.root / res["path"]
            res["hash"] = "sha256:" + sha256(p)
            res["bytes"] = len(normalised_bytes(p))
        self.descriptor_path.write_text(json.dumps(self.descriptor, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")

    # ---- loading
    def load(self, name: str, verify_hash: bool = True) -> pd.DataFrame:
        """Validate table ``name`` and return it typed. Raises :class:`DataError`.

        The content is validated before the checksum is compared, so an edit that breaks a rule reports
        that rule, not merely that the file changed.
        """
        if name in self._cache:
            df = self._cache[name]
        else:
            if name not in self.resources or "schema" not in self.resources[name]:
                raise KeyError(f"no table {name!r} in {self.descriptor_path}; tables: {self.tables}")
            df = self._validate(name)
            self._check_foreign_keys(name, df)
            if self.resources[name]["schema"].get("primaryKey"):
                # rows are labelled by their key (table.loc["e-2025-12-18-…"]); the key columns stay columns
                df.index = pd.Index([self.key(name, r) for _, r in df.iterrows()], dtype=object)
            self._cache[name] = df
        if verify_hash:
            self.check_hash(name)
        return df.copy()  # as stored: rules select on these values; text is translated where shown (i18n.shown)

    def key(self, name: str, row) -> str:
        """The primary key of a row of table ``name`` as one string: the values of the key's columns joined
        by "/" (lists by ";", dates as ISO days). It is the row's label in the loaded table and the key a
        ``% fact: table:key`` marker names."""
        pk = self.resources[name]["schema"].get("primaryKey") or []
        return "/".join(key_part(row[c]) for c in ([pk] if isinstance(pk, str) else pk))

    def check(self, verify_hash: bool = True) -> dict[str, list[Problem]]:
        """Validate every table, and the bibliography; return table (or ``references.bib``) → its problems
        (an empty dict when all are valid)."""
        out: dict[str, list[Problem]] = {}
        if self.bib_path.is_file() and (found := bib_problems(self.bib_path)):
            out[self.bib_path.name] = found
        for name in self.tables:
            try:
                self.load(name, verify_hash=verify_hash)
            except DataError as e:
                out[name] = e.problems
        return out

    def _read_text(self, name: str) -> str:
        """The file as text; a byte-order mark or bytes that are not UTF-8 raise a clear :class:`DataError`."""
        file = self._display(name)
        raw = self.path(name).read_bytes()
        save_as = "save the file as UTF-8 (in Excel: 'CSV UTF-8'; in LibreOffice: character set 'Unicode (UTF-8)')"
        if raw.startswith(b"\xef\xbb\xbf"):
            raise DataError([Problem(
                file, 1, None, "the file starts with a UTF-8 byte-order mark (BOM), an invisible character "
                "that would become part of the first column's name",
                hint="save it as UTF-8 without BOM, or remove the first three bytes (EF BB BF)")])
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line_start = raw.rfind(b"\n", 0, e.start) + 1
            line_no = raw.count(b"\n", 0, e.start) + 1
            prefix = raw[line_start:e.start].decode("utf-8", errors="replace")
            header = next(csv.reader([raw.split(b"\n", 1)[0].decode("utf-8", errors="replace")]), [])
            fields_before = next(csv.reader([prefix]), [""])
            idx = len(fields_before) - 1
            column = header[idx] if line_no > 1 and 0 <= idx < len(header) else None
            byte = raw[e.start:e.start + 1]
            guess = byte.decode("cp1252", errors="replace")
            raise DataError([Problem(
                file, line_no, column,
                f"not UTF-8: byte 0x{byte.hex().upper()} at character {len(prefix) + 1} of the line "
                f"(it reads as {guess!r} in Windows-1252/Latin-1, so the file was probably saved in that "
                f"encoding)", hint=save_as)]) from None

    def _validate(self, name: str) -> pd.DataFrame:
        res = self.resources[name]
        schema = res["schema"]
        fields = {f["name"]: f for f in schema["fields"]}
        file = self._display(name)
        problems: list[Problem] = []
        keys = bib_keys(self.bib_path)
        iso = iso3_codes()
        text = self._read_text(name)
        rows = list(csv.reader(text.splitlines()))
        if not rows:
            raise DataError([Problem(file, None, None, "file is empty")])
        if not any(rows[1:]):
            raise DataError([Problem(file, 2, None, "the table has no rows, only a header",
                                     hint="every table the book reads needs at least one row")])
        header = rows[0]
        for col in fields:
            if col not in header:
                problems.append(Problem(file, 1, col, "required column is missing from the header"))
        for col in header:
            if col not in fields:
                problems.append(Problem(file, 1, col, "column is not described in datapackage.json"))
        if problems:
            raise DataError(problems)

        records = []
        for line_no, row in enumerate(rows[1:], start=2):
            if not row:  # blank line
                problems.append(Problem(file, line_no, None, "blank line"))
                continue
            if len(row) != len(header):
                col = header[len(row)] if len(row) < len(header) else f"(extra field {len(row)})"
                problems.append(Problem(
                    file, line_no, col,
                    f"malformed row: {len(row)} fields where the header has {len(header)}"))
                continue
            rec = {}
            for col, raw in zip(header, row):
                value, errs = self._cell(fields[col], raw, keys, iso, row=dict(zip(header, row)))
                problems += [Problem(file, line_no, col, e, raw) for e in errs]
                rec[col] = value
            records.append((line_no, rec))

        problems += self._check_evidence(file, fields, records)
        problems += self._check_ranges(file, header, records)
        problems += self._check_coordinates(file, header, records)

        pk = schema.get("primaryKey")
        if pk:
            pk = [pk] if isinstance(pk, str) else pk
            seen: dict[tuple, int] = {}
            for line_no, rec in records:
                k = tuple(tuple(rec[c]) if isinstance(rec[c], list) else rec[c] for c in pk)
                if k in seen:
                    problems.append(Problem(file, line_no, ",".join(pk),
                                            f"duplicate primary key (first seen on line {seen[k]})",
                                            "/".join(";".join(v) if isinstance(v, tuple) else str(v) for v in k)))
                else:
                    seen[k] = line_no
        if problems:
            raise DataError(problems)
        return self._frame(fields, header, [r for _, r in records])

    def _cell(self, field: dict, raw: str, keys: set[str], iso: dict, row: dict):
        """Parse one cell; return (value, [errors])."""
        c = field.get("constraints", {})
        name, typ = field["name"], field.get("type", "string")
        errs: list[str] = []
        if raw != raw.strip():
            errs.append("leading or trailing white space")
        if raw == "":
            if c.get("required"):
                errs.append("a value is required")
            return None, errs
        if _MARKUP.search(raw):
            errs.append("HTML markup or entity in a data field (not allowed; text is shown escaped)")
        items = raw.split(";") if name in LIST_COLUMNS else [raw]
        values = []
        for item in items:
            v, e = _parse(typ, item)
            errs += e
            if e:
                continue
            if "enum" in c and item not in c["enum"]:
                errs.append(f"{item!r} is not one of the allowed values {c['enum']}")
            if "vocabulary" in field and item not in field["vocabulary"]:  # list columns: per item
                errs.append(f"{item!r} is not one of the allowed values {field['vocabulary']}")
            if "pattern" in c and not re.fullmatch(c["pattern"], raw if name in LIST_COLUMNS else item):
                if "vocabulary" not in field:  # the vocabulary check above says it more clearly
                    errs.append(f"does not match the pattern {c['pattern']}")
            if "minimum" in c and v < _parse(typ, str(c["minimum"]))[0]:
                errs.append(f"below the minimum {c['minimum']}")
            if "maximum" in c and v > _parse(typ, str(c["maximum"]))[0]:
                errs.append(f"above the maximum {c['maximum']}")
            if typ == "date" and field.get("editorial"):  # a publication date, not a fact's date
                if v > dt.date.today():
                    errs.append(f"publication date {v.isoformat()} is in the future")
            elif typ == "date" and v > self.as_of:
                errs.append(f"date {v.isoformat()} is after the data's as-of date {self.as_of.isoformat()}")
            if name in ("source_keys", "account_keys", "record_keys") and item not in keys:
                errs.append(f"source key {item!r} is not in references.bib")
            if name in ISO3_COLUMNS or (name == "geo" and row.get("scope") == "country"):
                if item not in iso:
                    errs.append(f"unknown ISO 3166-1 alpha-3 country code {item!r}")
            if name == "geo" and row.get("scope") in ("region", "world") and item not in AGGREGATE_CODES:
                errs.append(f"unknown aggregate code {item!r} (expected one of {sorted(AGGREGATE_CODES)})")
            values.append(v)
        errs = list(dict.fromkeys(errs))  # de-duplicate, keep order
        value = values if name in LIST_COLUMNS else (values[0] if values else None)
        return value, errs

    @staticmethod
    def _check_evidence(file: str, fields: dict, records: list[tuple[int, dict]]) -> list[Problem]:
        """A list column with ``evidence_patterns`` is held to the row's own evidence: where the text of its
        ``evidence_columns`` describes an item (a case-insensitive pattern), the item must be listed (rows
        matching ``evidence_exempt`` excepted). So a table derived from the list cannot contradict the
        evidence the same row gives."""
        problems = []
        for col, f in fields.items():
            patterns = f.get("evidence_patterns")
            if not patterns:
                continue
            for line_no, rec in records:
                if any(rec.get(k) in v for k, v in f.get("evidence_exempt", {}).items()):
                    continue
                text = " ".join(str(rec[c]) for c in f.get("evidence_columns", []) if rec.get(c))
                for item, pattern in patterns.items():
                    m = re.search(pattern, text, re.I)
                    if m and item not in (rec[col] or []):
                        problems.append(Problem(
                            file, line_no, col, f"the row's own evidence mentions {m.group(0)!r}, but "
                            f"'{item}' is not listed", ";".join(rec[col] or []),
                            hint=f"add {item} to {col}, or reword the evidence if it does not document it"))
        return problems

    @staticmethod
    def _check_ranges(file: str, header: list[str], records: list[tuple[int, dict]]) -> list[Problem]:
        """A range's low end must not exceed its high end (see :func:`range_pairs`)."""
        problems = []
        for lo, hi in range_pairs(header):
            for line_no, rec in records:
                a, b = rec[lo], rec[hi]
                if a is not None and b is not None and a > b:
                    problems.append(Problem(
                        file, line_no, lo, f"the range is reversed: {lo} {a} is greater than {hi} {b}",
                        hint=f"{lo} must be less than or equal to {hi}; swap the two values or correct one"))
        return problems

    def _check_coordinates(self, file: str, header: list[str], records) -> list[Problem]:
        """Each place's latitude and longitude lie inside its country's outline's bounding box."""
        geo = self.resources.get("boundaries")
        if not geo or not {"lat", "lon", "country_iso3"} <= set(header):
            return []
        bounds = country_bounds(self.root / geo["path"])
        margin = COORD_MARGIN
        problems = []
        for line_no, rec in records:
            lat, lon, iso = rec["lat"], rec["lon"], rec["country_iso3"]
            if lat is None or lon is None or iso not in bounds:
                continue
            w, s, e, n = bounds[iso]
            def inside(la, lo):
                return s - margin <= la <= n + margin and w - margin <= lo <= e + margin
            if inside(lat, lon):
                continue
            hint = ("latitude and longitude look swapped" if inside(lon, lat) else
                    "check the coordinates (decimal degrees, south and west negative) and the country code")
            problems.append(Problem(
                file, line_no, "lat,lon",
                f"({lat}, {lon}) lies outside {country_name(iso)} (latitude {s:.1f} to {n:.1f}, longitude "
                f"{w:.1f} to {e:.1f}, with a {margin}° margin)", hint=hint))
        return problems

    @staticmethod
    def _frame(fields: dict, header: list[str], recs: list[dict]) -> pd.DataFrame:
        df = pd.DataFrame.from_records(recs, columns=header)
        for col in header:
            f = fields[col]
            typ, c = f.get("type", "string"), f.get("constraints", {})
            if col in LIST_COLUMNS:
                df[col] = df[col].apply(lambda v: tuple(v) if v else ())
            elif typ == "integer":
                df[col] = df[col].astype("Int64")
            elif typ == "number":
                df[col] = df[col].astype("Float64")
            elif typ == "date":
                df[col] = pd.to_datetime(df[col])
            elif typ == "boolean":
                df[col] = df[col].astype("boolean")
            elif "enum" in c:
                df[col] = pd.Categorical(df[col], categories=c["enum"])
            else:
                df[col] = df[col].astype("string")
        return df

    def _check_foreign_keys(self, name: str, df: pd.DataFrame) -> None:
        problems = []
        for fk in self.resources[name]["schema"].get("foreignKeys", []):
            fields = [fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"]
            ref = fk["reference"]
            ref_fields = [ref["fields"]] if isinstance(ref["fields"], str) else ref["fields"]
            target = self.load(ref["resource"], verify_hash=False) if ref.get("resource") else df
            allowed = set(map(tuple, target[ref_fields].astype(str).itertuples(index=False)))
            missing = df[fields].isna().any(axis=1)  # an empty optional reference refers to nothing
            for i, key in enumerate(df[fields].astype(str).itertuples(index=False)):
                if tuple(key) not in allowed and not missing.iloc[i]:
                    problems.append(Problem(self._display(name), i + 2, ",".join(fields),
                                            f"no matching row in {ref['resource'] or name} "
                                            f"(column '{','.join(ref_fields)}')", "/".join(key)))
        if problems:
            raise DataError(problems)


def _parse(typ: str, raw: str):
    """Parse ``raw`` as a Table Schema type; return (value, [errors])."""
    if typ == "integer":
        if not _INT.match(raw):
            return None, ["not a whole number"]
        return int(raw), []
    if typ == "number":
        try:
            return float(raw), []
        except ValueError:
            return None, ["not a number"]
    if typ == "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                raise ValueError
            return dt.date.fromisoformat(raw), []
        except ValueError:
            return None, ["not a valid date (expected YYYY-MM-DD)"]
    if typ == "boolean":
        if raw not in ("true", "false"):
            return None, ["not a boolean (expected true or false)"]
        return raw == "true", []
    return raw, []


def key_part(v) -> str:
    """One column's part of a row key: lists joined by ";", dates as ISO days."""
    if isinstance(v, (tuple, list)):
        return ";".join(map(str, v))
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    return str(v)


# --------------------------------------------------------------------------- convenience
_default: DataPackage | None = None


def package() -> DataPackage:
    """The book's data package (cached)."""
    global _default
    if _default is None:
        _default = DataPackage()
    return _default


def load(name: str) -> pd.DataFrame:
    """Load one validated, typed table of the book's data package, e.g. ``load("migration")``."""
    return package().load(name)


_register_code_words()


def main(argv: list[str] | None = None) -> int:
    """``python -m explainer.data [--write-hashes]``: validate every table (then record checksums).

    Validates the content of every table first and reports every problem; only then compares (or, with
    ``--write-hashes``, records) the checksums, so an invalid file is never recorded as reviewed.
    """
    import sys

    argv = sys.argv[1:] if argv is None else argv
    pkg = DataPackage()
    invalid = pkg.check(verify_hash=False)
    for name, problems in invalid.items():
        print(DataError(problems), file=sys.stderr)
    if invalid:
        if "--write-hashes" in argv:
            print("Checksums not recorded: fix the problems above first.", file=sys.stderr)
        return 1
    if "--write-hashes" in argv:
        pkg.write_hashes(validate=False)  # just validated
        pkg = DataPackage()
    changed = pkg.check(verify_hash=True)
    for name, problems in changed.items():
        print(DataError(problems), file=sys.stderr)
    if changed:
        return 1
    for name in pkg.tables:
        print(f"{name:12s} {len(pkg.load(name)):4d} rows  ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
