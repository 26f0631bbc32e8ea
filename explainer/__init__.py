"""Helpers for the Tren de Aragua explainer book.

* :mod:`explainer.data`    — load and validate the data package (typed DataFrames, clear errors)
* :mod:`explainer.charts`  — the house chart style and one function per kind of chart
* :mod:`explainer.maps`    — folium maps: choropleths, escaped popups, legends, titled iframes
* :mod:`explainer.offline` — Sphinx extension that serves the maps' JavaScript from the book itself
"""
from __future__ import annotations

__all__ = ["glue_values", "book_as_of"]


def glue_values(**values) -> None:
    """Glue each value under its name without displaying it, for ``{glue:text}`name``` in prose.

    Prose numbers come from here, so they cannot drift from the data.
    """
    from myst_nb import glue

    for name, value in values.items():
        glue(name, value, display=False)


def book_as_of() -> str:
    """The book's "as of" date in prose form: the newest source date in the data package."""
    from .data import format_date, package

    return format_date(package().as_of)
