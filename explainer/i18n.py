"""The book in two languages: the language the code writes in, and the Spanish of every string that is
not page prose.

The prose of the Spanish edition is a parallel MyST file per page (``es/chapters/x.md`` for
``chapters/x.md``; :mod:`bookbuild.editions` keeps the two in step). Everything else a reader sees —
chart titles, labels, captions, alt text, map popups, generated tables, and the text fields of the data
tables — is written once in English and translated through gettext catalogues, the PO files that
translators' tools (Poedit, Weblate, Lokalize) edit:

* ``locale/es/LC_MESSAGES/<domain>.po``. The code's strings are in a domain per chapter (``appendix``
  for the appendices, ``book`` for the shared modules and the home page, ``site`` for the build's
  extensions and templates); the data's text fields in ``data-<table>``, each entry with the context
  ``table:row key:column``.
* :func:`use` sets the language (a Spanish chapter's first cell runs ``use("es")``; a context
  variable, not a global);
  :func:`tr` gives a code string in it — the English itself, or its Spanish from the catalogue;
  :func:`shown` gives a table's rows with their text fields in it, where they are shown (``data.load`` returns
  the tables as stored, so that no rule compares a translated string). A string or field with no Spanish is an
  error that names it (never a silent English fallback).
* The catalogues are kept by the build's tooling, not by this module: ``python -m bookbuild.catalogues
  update`` brings them up to date with the code and the data (new strings enter empty; a changed English
  string keeps its old Spanish marked *fuzzy*, with the English it was made from), and ``python -m
  bookbuild.catalogues`` lists every string that has no Spanish or whose Spanish was made from other
  English — the build prints it, the tests fail on it.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from .paths import LOCALE, ROOT

LANGUAGES = ("en", "es")
#: The language the book's code writes in: a context variable, set by :func:`use` (a Spanish page's first
#: cell) or for a block by :func:`using`, and read by :func:`lang`.
_LANG: ContextVar[str] = ContextVar("explainer_language", default="en")


class MissingTranslation(LookupError):
    """A string a Spanish page needs has no Spanish."""


def _checked(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; the book has {', '.join(LANGUAGES)}")
    return language


def use(language: str) -> None:
    """Write in ``language`` ("en" or "es") from now on, in this context: dates, numbers, code strings
    and data text."""
    _LANG.set(_checked(language))


@contextmanager
def using(language: str):
    """Write in ``language`` inside a ``with`` block only."""
    token = _LANG.set(_checked(language))
    try:
        yield language
    finally:
        _LANG.reset(token)


def lang() -> str:
    """The language the book's code writes in, here and now."""
    return _LANG.get()


# ------------------------------------------------------------------------------------------ catalogues
def catalogue_dir(language: str = "es") -> Path:
    return LOCALE / language / "LC_MESSAGES"


@lru_cache(maxsize=None)
def _read(path: Path, mtime: float):  # mtime: re-read an edited file
    from babel.messages.pofile import read_po

    with open(path, "rb") as f:
        return read_po(f, abort_invalid=True)


def catalogues(language: str = "es") -> dict[str, object]:
    """Domain → babel Catalog of every PO file of ``language``."""
    d = catalogue_dir(language)
    return {p.stem: _read(p, p.stat().st_mtime) for p in sorted(d.glob("*.po"))} if d.is_dir() else {}


def _files(language: str) -> tuple:
    d = catalogue_dir(language)
    return tuple((p, p.stat().st_mtime) for p in sorted(d.glob("*.po"))) if d.is_dir() else ()


def _entries(language: str = "es") -> tuple[dict, dict]:
    """(code strings: msgid → (msgstr, fuzzy, domain), data fields: context → (msgstr, fuzzy, domain,
    the English it was made from))."""
    return _index(_files(language))


@lru_cache(maxsize=8)
def _index(files: tuple) -> tuple[dict, dict]:
    code, fields = {}, {}
    for path, mtime in files:
        domain, cat = path.stem, _read(path, mtime)
        for m in cat:
            if not m.id:
                continue
            if m.context:
                fields[m.context] = (m.string, m.fuzzy, domain, m.id)
            elif m.string or m.id not in code:  # an empty entry never hides another catalogue's translation
                code[m.id] = (m.string, m.fuzzy, domain)
    return code, fields


def N_(msgid: str) -> str:
    """Mark a string for the catalogues where it is defined (a constant); translate it with :func:`tr`
    where it is shown."""
    return msgid


def tr(msgid: str) -> str:
    """A string the code shows to readers, in the current language. In English it is ``msgid`` itself;
    in Spanish, its translation from the catalogues. Format after translating:
    ``tr("{n} people").format(n=3)``."""
    language = lang()
    if language == "en":
        return msgid
    code, _ = _entries(language)
    found = code.get(msgid)
    if not found or not found[0]:
        raise MissingTranslation(
            f"no {language} translation of the string {msgid!r}: add it to a catalogue in "
            f"{catalogue_dir(language).relative_to(ROOT).as_posix()}/ (python -m bookbuild.catalogues update adds it "
            "empty, to be filled in)")
    return found[0]


def say(table: str, column: str, value):
    """A text field of ``data/<table>.csv`` as readers see it: the stored English ``value`` itself, or its
    translation in the current language (the catalogue's for that table and column). Other values (empty,
    numbers) are returned as they are. A field with no translation is an error that names it."""
    language = lang()
    if language == "en" or not isinstance(value, str) or not value:
        return value
    return _said(_fields_by_text(language), language, table, column, value)


def _said(found: dict, language: str, table: str, column: str, value):
    if not isinstance(value, str) or not value:
        return value
    text = found.get((table, column, value))
    if text is None:
        raise MissingTranslation(f"data/{table}.csv, column '{column}': no {language} translation of {value!r} in "
                                 f"{catalogue_dir(language).relative_to(ROOT).as_posix()}/data-{table}.po")
    return text


def shown(df, table: str):
    """``df`` (rows of ``data/<table>.csv``, or a selection of them) with its translated text fields in the
    current language, for display. Rules select rows on the stored values; what readers see is translated
    here, where it is shown."""
    language = lang()
    if language == "en":
        return df
    found = _fields_by_text(language)
    columns = {c for t, c, _ in found if t == table}
    df = df.copy()
    for c in columns & set(df.columns):
        df[c] = [_said(found, language, table, c, v) for v in df[c]]
    return df


def _fields_by_text(language: str) -> dict:
    _, fields = _entries(language)
    return _by_text(id(fields), fields)


_BY_TEXT: dict[int, tuple[dict, dict]] = {}


def _by_text(key: int, fields: dict) -> dict:
    """(table, column, English) → translation (one English text has one translation in a column: the
    catalogue tooling reports any other). Kept per catalogue index (``key``: its identity)."""
    cached = _BY_TEXT.get(key)
    if cached is not None and cached[0] is fields:
        return cached[1]
    out = {}
    for ctx, (string, _fuzzy, _domain, english) in fields.items():
        table, rest = ctx.split(":", 1)
        column = rest.rsplit(":", 1)[1]
        if string:
            out.setdefault((table, column, english), string)
    _BY_TEXT[key] = (fields, out)
    return out


# ----------------------------------------------------------------------------------- tables for readers
#: Column → how its codes read in the current language (registered by :mod:`explainer.data`, which knows
#: the vocabularies; this module reads no data).
_CODE_WORDS: dict = {}


def code_words(column: str, translate, table: str | None = None) -> None:
    """Say how the codes of ``column`` (of ``table``; None: of any table's column of that name) read in the
    current language: ``translate(code)`` gives the word."""
    _CODE_WORDS[(table, column)] = translate


#: Codes that a chart's table uses as column names (a matrix's activities) → their words, registered by
#: :mod:`explainer.data` as a function (None for a name that is not such a code).
_COLUMN_CODES: list = []


def column_words(translate) -> None:
    """Say how codes used as column names read: ``translate(name)`` gives the word, or None."""
    _COLUMN_CODES.append(translate)


def column_name(column: str) -> str:
    """A column's name as a reader's table gives it: the data package's Spanish name of a column of the
    data (``data-datapackage.po``), a code's word where a code names the column, or a chart's own column's
    translation (``tr``)."""
    if lang() == "en":
        return column
    names = {english: text for (table, col, english), text in _fields_by_text(lang()).items()
             if table == "datapackage" and col == "name"}
    if column in names:
        return names[column]
    for translate in _COLUMN_CODES:
        found = translate(column)
        if found:
            return found
    return tr(column)


def readers_table(df, table: str | None = None):
    """``df`` as a table a reader downloads in the current language: its column names, and the codes of
    columns whose codes have words, in that language. Given the data ``table`` its rows come from (as
    stored), its text fields too (:func:`shown`) and its codes by that table's columns; without it, codes
    by column name, and the text as the chart's code made it. In English, ``df`` itself."""
    if lang() == "en":
        return df
    if not _CODE_WORDS:  # never a table half in English because the vocabularies were not registered
        raise RuntimeError("the codes' words are not known yet: import explainer.data first")
    out = shown(df, table) if table else df.copy()
    for c in out.columns:
        if out[c].dtype == bool or (len(out[c].dropna()) and all(type(v).__name__ in ("bool", "bool_")
                                                                 for v in out[c].dropna())):
            out[c] = [v if v is None or v != v else tr("yes") if v else tr("no") for v in out[c]]
            continue
        translate = _CODE_WORDS.get((table, c)) or _CODE_WORDS.get((None, c))
        if translate is not None:
            out[c] = [";".join(translate(x) for x in v.split(";")) if isinstance(v, str) and v else v
                      for v in out[c]]
    out.columns = [column_name(str(c)) for c in out.columns]
    return out

