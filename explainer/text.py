"""The book's house style for text: one function for each job, used by every chapter and helper.

* dates: :func:`format_date` ('18 December 2025', 'July 2024', '2012'; short '18 Dec 2025' for charts),
  :func:`expand_months` (data notes' '11 Jul 2024' → prose '11 July 2024'), :func:`calendar_months`;
* money: :func:`usd` — prose writes '$5 million', charts write '$5M' (``short=True``);
* counts: :func:`count` ('7,774,494'), :func:`millions` ('2.86 million');
* lists: :func:`and_list` ('a, b and c');
* Markdown: :func:`md_escape` (data shown as text, never as markup), :func:`cite` (a MyST citation);
* sources: :func:`bibliography` (the one reader of ``references.bib``), :func:`shown_source` (an entry as
  the reader's language shows it), :func:`source_names`.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .i18n import N_, lang as _lang, tr
from .paths import BIB_PATH, ROOT  # noqa: F401  (ROOT: re-exported)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
MESES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
         "noviembre", "diciembre"]


# --------------------------------------------------------------------------------------------- dates
def format_date(value, precision: str = "day", short: bool = False) -> str:
    """House style for dates: '18 December 2025', 'July 2024', '2012' (short: '18 Dec 2025', for charts).

    ``precision`` is the data's own (day, month or year); a missing value gives ''.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    precision = "day" if precision is None or (not isinstance(precision, str) and pd.isna(precision)) \
        else str(precision)
    d = pd.Timestamp(value)
    if _lang() == "es":  # '18 de diciembre de 2025', 'julio de 2024'; short: '18 dic 2025'
        mes = MESES[d.month - 1][:3] if short else MESES[d.month - 1]
        de = " " if short else " de "
        if precision == "year":
            return f"{d.year}"
        if precision == "month":
            return f"{mes}{de}{d.year}"
        return f"{d.day}{de}{mes}{de}{d.year}"
    month = f"{d:%b}" if short else f"{d:%B}"
    if precision == "year":
        return f"{d.year}"
    if precision == "month":
        return f"{month} {d.year}"
    return f"{d.day} {month} {d.year}"


_ABBR = {m[:3]: m for m in MONTHS if m != "May"} | {"Sept": "September"}
_A = "|".join(sorted(_ABBR, key=len, reverse=True))
# a day before it ('11 Jul', '30-31 Dec'), a year after it ('Jul 2024'), or a month range ('Mar-Aug 2021')
_MONTH_RE = re.compile(rf"(?<![\d-])(\d{{1,2}}(?:-\d{{1,2}})? )({_A})\b"
                       rf"|\b({_A})\b(?=(?:-(?:{_A}))? \d{{4}}\b|-(?:{_A})\b)")
_RANGE_RE = re.compile(r"\b(%s)-(%s)\b" % ("|".join(MONTHS), "|".join(MONTHS)))


def when(row, column: str = "date") -> str:
    """A data row's date in prose, at the precision the row records for it ("18 December 2025",
    "July 2024", "2018"): ``date`` with ``date_precision``, ``announced`` with ``announced_precision``…"""
    precision = "date_precision" if column == "end_date" else f"{column}_precision"
    return format_date(row[column], row[precision] if precision in row else "day")


def expand_months(text: str) -> str:
    """Spanish text is returned as it is (its translations write months in full).
    Data notes abbreviate months; prose does not: '11 Jul 2024' → '11 July 2024',
    '30-31 Dec' → '30-31 December', 'Sep 2025' → 'September 2025'. Other words ('Mar', 'Dec' alone)
    are left alone."""
    def full(m: re.Match) -> str:
        if m.group(2):
            return m.group(1) + _ABBR[m.group(2)]
        return _ABBR[m.group(3)]

    if _lang() == "es":
        return str(text)
    return _RANGE_RE.sub(r"\1–\2", _MONTH_RE.sub(full, str(text)))


def calendar_months(start, end) -> int:
    """Calendar months from ``start`` to ``end`` (Sep 2023 → Jan 2025 is 16)."""
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    return (b.year - a.year) * 12 + b.month - a.month


# --------------------------------------------------------------------------------------------- numbers
def usd(n: float, short: bool = False) -> str:
    """Dollars in house style. Prose: 5000000 → '$5 million', 2500000 → '$2.5 million',
    132000 → '$132,000'. Charts (``short``): '$5M', '$2.5M'."""
    n = float(n)
    if _lang() == "es":  # '5 millones de dólares', '2,5 millones de dólares', '132.000 dólares'; charts 'US$5M'
        if n >= 1_000_000:
            m = decimal(n / 1_000_000, "g")
            return f"US${m}\u00a0M" if short else f"{m} {'millón' if n == 1_000_000 else 'millones'} de dólares"
        return f"US${count(n)}" if short else f"{count(n)} dólares"
    if n >= 1_000_000:
        return f"${n / 1_000_000:g}M" if short else f"${n / 1_000_000:g} million"
    return f"${n:,.0f}"


def count(n: float) -> str:
    """A count with thousands separators: 7774494 → '7,774,494' (Spanish '7.774.494')."""
    text = f"{float(n):,.0f}"
    return text.replace(",", ".") if _lang() == "es" else text


def decimal(x: float, fmt: str) -> str:
    """``format(x, fmt)`` with the language's decimal mark: 2.5 → '2.5' (Spanish '2,5')."""
    text = format(float(x), fmt)
    return text.replace(".", ",") if _lang() == "es" else text


def millions(n: float, digits: int = 2) -> str:
    """2860000 → '2.86 million' (``digits`` decimals; Spanish '2,86 millones')."""
    if _lang() == "es":
        m = decimal(float(n) / 1e6, f".{digits}f")
        return f"{m} {'millón' if m == '1' else 'millones'}"
    return f"{float(n) / 1e6:.{digits}f} million"


def span(lo, hi) -> str:
    """11, 11 → '11'; 43, 46 → '43–46'. A reversed range is an error."""
    lo, hi = int(lo), int(hi)
    if lo > hi:
        raise ValueError(f"range {lo}–{hi} is reversed")
    return f"{lo}" if lo == hi else f"{lo}–{hi}"


# --------------------------------------------------------------------------------------------- lists
def and_list(items) -> str:
    """[] → ''; ['a'] → 'a'; ['a', 'b'] → 'a and b'; ['a', 'b', 'c'] → 'a, b and c'."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    if _lang() == "es":  # 'y' becomes 'e' before an i- sound: 'Chile e Italia'
        y = "e" if re.match(r"(?i)h?i(?![aeou])", items[-1]) else "y"
        return ", ".join(items[:-1]) + f" {y} " + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]


# --------------------------------------------------------------------------------------------- Markdown
_MD_SPECIAL = set("\\`*_[]<>|$~{}#+!&^=")


def md_escape(value) -> str:
    """Data shown in MyST Markdown as plain text: markup characters escaped (``$`` would start maths,
    ``{`` a role, ``|`` a table cell), line breaks collapsed, missing values as ''."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    text = " ".join(str(value).split())
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def cite(keys, required: bool = False) -> str:
    """A MyST parenthetical citation for BibTeX ``keys`` ('' for none, unless ``required``)."""
    keys = [k for k in keys if k]
    for k in keys:
        if not all(ch.isalnum() or ch in "-_:." for ch in k):
            raise ValueError(f"not a citation key: {k!r}")
    if not keys and required:
        raise ValueError("at least one source key is required")
    return f"{{cite:p}}`{','.join(keys)}`" if keys else ""


# --------------------------------------------------------------------------------------------- countries
#: Non-country codes allowed in ``migration.geo`` (with scope region/world).
AGGREGATE_CODES = {"LAC": N_("Latin America and the Caribbean"), "WLD": N_("World")}


@lru_cache(maxsize=None)
def iso3_codes() -> dict[str, str]:
    """ISO 3166-1 alpha-3 code → country name (from pycountry's ISO tables)."""
    import pycountry

    return {c.alpha_3: getattr(c, "common_name", c.name) for c in pycountry.countries}


def country_name(code: str) -> str:
    """Readable name for an ISO3 code or one of the aggregate codes (LAC, WLD), in the language the book
    is being written in (Spanish names from pycountry's ISO 3166 translations: "Perú", "Brasil")."""
    if code in AGGREGATE_CODES:
        return tr(AGGREGATE_CODES[code])
    if _lang() != "en":
        return _country_names(_lang())[code]
    names = {"VEN": "Venezuela", "BOL": "Bolivia", "USA": "United States"}
    return names.get(code) or iso3_codes()[code]


@lru_cache(maxsize=None)
def _country_names(lang: str) -> dict[str, str]:
    import gettext

    import pycountry

    t = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    out = {c.alpha_3: t.gettext(getattr(c, "common_name", c.name)) for c in pycountry.countries}
    # the short forms the book uses, as in English, and the usual Latin American names where the ISO
    # translations differ from them
    return out | {"VEN": "Venezuela", "BOL": "Bolivia", "SUR": "Surinam", "FLK": "Islas Malvinas",
                  "VIR": "Islas Vírgenes de los Estados Unidos", "VGB": "Islas Vírgenes Británicas",
                  "BMU": "Bermudas", "MAF": "San Martín (Francia)", "SXM": "San Martín (Países Bajos)"}


# ------------------------------------------------------------------------------------- sorting, search
def fold(word: str) -> str:
    """``word`` without its accents: 'Tocorón' → 'Tocoron', 'Niño' → 'Nino' (NFD minus combining marks)."""
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))


def collation_key(text: str) -> str:
    """Where ``text`` sorts in an alphabetical list: case and accents ignored, ñ a letter of its own after n
    (Spanish dictionary order, which English lists follow too)."""
    return fold(text.casefold().replace("ñ", "n\U0010ffff"))


# --------------------------------------------------------------------------------------------- sources
_QUOTED = re.compile(r"(?<!\w)'[^']+?'(?!\w)")


def _clean_bib(s: str) -> str:
    """A BibTeX field as text: escapes and braces out, dashes typeset, an apostrophe that closes no
    quotation ("Prosecutors' talk", "Tren de Aragua's") written as one (’), so that a Spanish page's
    typography does not read it as a closing quotation mark, and quotation marks typeset (“el Turko”)."""
    s = re.sub(r"\\([&%_#$])", r"\1", s)
    s = s.replace("{", "").replace("}", "").replace("---", "—").replace("--", "–")
    quoted = [m.span() for m in _QUOTED.finditer(s)]
    s = "".join("’" if ch == "'" and not any(a <= i < b for a, b in quoted) else ch for i, ch in enumerate(s))
    # quotation marks as the pages print them, so that a title reads the same everywhere it is shown
    return re.sub(r"""(?<!\w)(['"])([^'"]+?)\1(?!\w)""", r"“\2”", s)


#: A source's language (``langid``) → the book's code for it, where the book has an edition in it.
EDITION_OF_LANGID = {"english": "en", "spanish": "es"}


@lru_cache(maxsize=None)
def bibliography(bib_path: Path | str = BIB_PATH) -> dict[str, dict[str, str]]:
    """Citation key → {title, translation, described, langid, publisher, date, url, note}, as stored (in
    English, and the title in the source's own language): the one reader of ``references.bib``.
    ``described`` is true where the title is the editors' [description] (the headline was not recorded);
    ``translation`` is the book's English translation of a title in another language. Readers see an entry
    through :func:`shown_source`."""
    from pybtex.database import parse_file

    return {key: source_entry(key, entry.fields)
            for key, entry in parse_file(str(bib_path), bib_format="bibtex").entries.items()}


def source_entry(key: str, f) -> dict:
    """One entry of :func:`bibliography` from the fields BibTeX gives (also what the bibliography's style
    reads, so that it shows an entry as everything else does)."""
    title = _clean_bib(f.get("title", key))
    described = title.startswith("[") and title.endswith("]")
    return {
        "title": title[1:-1] if described else title,
        "described": described,
        "translation": _clean_bib(f.get("translatedtitle", "")),
        "langid": f.get("langid", "english"),
        "publisher": _clean_bib(f.get("organization", f.get("publisher", f.get("journal", "")))),
        "date": f.get("date", f.get("year", "")),
        "url": f.get("url", ""),
        "note": _clean_bib(f.get("note", "")),
    }


def shown_source(entry: dict) -> dict[str, str]:
    """A bibliography entry (from :func:`bibliography`) as readers of the current language see it:
    ``title`` — the source's own title, or the editors' description in [brackets] in the reader's language;
    ``translation`` — where the title is in another language than the reader's, its translation (else '');
    ``heading`` — the two together, 'Own title [translation]'; ``publisher`` and ``note`` in the reader's
    language. The Spanish comes from the catalogue ``data-references.po`` (:func:`explainer.i18n.say`)."""
    from .i18n import say

    here = _lang()
    if entry["described"]:
        title, translation = f"[{say('references', 'title', entry['title'])}]", ""
    else:
        title = entry["title"]
        source_lang = EDITION_OF_LANGID.get(entry["langid"])
        if source_lang == here:
            translation = ""
        elif here == "en":
            translation = entry["translation"]
        else:
            translation = say("references", "title", entry["title"])
    if translation.casefold() == title.strip("[]").casefold():  # a name reads the same: no translation
        translation = ""
    return {
        "title": title,
        "translation": translation,
        "heading": f"{title} [{translation}]" if translation else title,
        "publisher": say("references", "organization", entry["publisher"]),
        "note": say("references", "note", entry["note"]),
    }


def source_names(keys, bib: dict | Path | str | None = None) -> list[str]:
    """Readable source names (publishers; for Wikipedia, or a source without one, its title),
    de-duplicated, in order. ``bib`` is :func:`bibliography`'s dict or a path (default: the book's).
    An unknown key raises KeyError."""
    bib = bib if isinstance(bib, dict) else bibliography(bib or BIB_PATH)
    out = []
    for k in keys:
        e = bib[k]
        shown = shown_source(e)
        pub, title = shown["publisher"], shown["title"].strip("[]")
        then = f" [{shown['translation']}]" if shown["translation"] else ""
        out.append(f"{pub}, “{title}”{then}" if e["publisher"] == "Wikipedia" or not pub else pub)
    return list(dict.fromkeys(out))
