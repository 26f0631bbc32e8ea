"""Sphinx extension: the bibliography style of the book.

Sources are web pages (``@online`` entries): pybtex's standard styles drop their publisher and date.
This style prints *Own title* [translation]. Publisher, 4 July 2024. URL. Note. — in the edition's language,
as :func:`explainer.text.shown_source` shows an entry everywhere in the book: the source's own title first,
a translation in brackets where the reader's language differs (or the editors' [description], translated),
the publisher and the note translated.
"""
from __future__ import annotations

import functools

from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.formatting import toplevel
from pybtex.style.template import field, join, optional, sentence, tag

from explainer.text import collation_key, format_date, shown_source, source_entry


def pretty_date(value: str) -> str:
    """A bibliography date in house style: '2024-07-04' → '4 July 2024'; '2024-07' → 'July 2024';
    '2024' → '2024'; anything else is printed as it is."""
    parts = value.split("-")
    precision = {3: "day", 2: "month"}.get(len(parts), "year")
    try:
        return format_date(value + ("-01" if len(parts) == 2 else ""), precision)
    except ValueError:
        return value


class BookStyle(UnsrtStyle):
    default_sorting_style = "author_year_title"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sort = self.sort_by_shown_title  # pybtex sets ``sort`` on the instance, from the sorting style

    def sort_by_shown_title(self, entries):
        """Alphabetical by the title readers see, in the edition's language (a Spanish description sorts
        as Spanish): accents ignored, ñ after n."""
        def key(entry):
            return collation_key(shown_source(source_entry(entry.key, entry.fields))["title"].strip("[]“”\"'¿¡ "))
        return sorted(entries, key=key)

    def format_entry(self, label, entry, bib_data=None):
        if "date" in entry.fields:  # in the edition's language, starting its sentence ("Junio de 2026.")
            when = pretty_date(entry.fields["date"])
            entry.fields["prettydate"] = when[:1].upper() + when[1:]
        shown = shown_source(source_entry(entry.key, entry.fields))
        for name in ("title", "translation", "publisher", "note"):
            if shown[name]:
                entry.fields[f"shown{name}"] = shown[name]
            else:
                entry.fields.pop(f"shown{name}", None)
        return super().format_entry(label, entry, bib_data=bib_data)

    def get_online_template(self, e):
        return toplevel[
            sentence[join(sep=" ")[tag("em")[field("showntitle", raw=True)],
                                   optional[join["[", field("showntranslation", raw=True), "]"]]]],
            optional[sentence[field("shownpublisher", raw=True)]],
            optional[sentence[field("prettydate")]],
            sentence[optional[self.format_url(e)]],
            optional[sentence[field("shownnote", raw=True)]],
        ]

    get_misc_template = get_online_template


register_plugin("pybtex.style.formatting", "explainer", BookStyle)


def _memoize_plugin_lookups() -> None:
    """pybtex and sphinxcontrib-bibtex look up a plugin by scanning every installed package's entry
    points, once per citation (≈25 ms each, ≈10 s per build for this book's ~450 citations). The
    answer cannot change during a build, so remember it."""
    import pybtex.plugin
    import sphinxcontrib.bibtex.plugin as bibtex_plugin

    for mod, name in ((pybtex.plugin, "_load_entry_point"), (bibtex_plugin, "_entry_points")):
        fn = getattr(mod, name)
        if not hasattr(fn, "cache_info"):
            setattr(mod, name, functools.lru_cache(maxsize=None)(fn))


def setup(app):
    _memoize_plugin_lookups()
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
