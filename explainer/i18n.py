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
  :func:`translate_table` gives a table with its text fields in it. A string or field with no Spanish is an
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


def _entries(language: str = "es") -> tuple[dict, dict]:
    """(code strings: msgid → (msgstr, fuzzy, domain), data fields: context → (msgstr, fuzzy, domain,
    the English it was made from))."""
    d = catalogue_dir(language)
    files = tuple((p, p.stat().st_mtime) for p in sorted(d.glob("*.po"))) if d.is_dir() else ()
    return _index(files)


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


def _field(fields: dict, table: str, key: str, column: str, language: str) -> str:
    found = fields.get(f"{table}:{key}:{column}")
    if not found or not found[0]:
        raise MissingTranslation(f"data/{table}.csv, row {key}, column '{column}': no {language} translation "
                                 f"in {catalogue_dir(language).relative_to(ROOT).as_posix()}/data-{table}.po")
    return found[0]


def translatable(schema: dict) -> list[str]:
    """The reader-visible text fields of a table (``"translate": true`` in the data package)."""
    return [f["name"] for f in schema.get("fields", []) if f.get("translate")]


def translate_table(table: str, df, schema: dict):
    """``df`` (rows labelled by key) with its translatable fields in the current language."""
    cols = [c for c in translatable(schema) if c in df.columns]
    language = lang()
    if language == "en" or not cols:
        return df
    _, fields = _entries(language)
    df = df.copy()
    for c in cols:
        df[c] = [_field(fields, table, str(k), c, language) if isinstance(v, str) and v else v
                 for k, v in zip(df.index, df[c])]
    return df
