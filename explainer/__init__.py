"""Helpers for the Tren de Aragua explainer book.

* :mod:`explainer.data`    — load and validate the data package (typed DataFrames, clear errors)
* :mod:`explainer.text`    — the house style in words: dates, money, counts, lists, escaping, citations
* :mod:`explainer.toc`     — the book's pages, from ``_toc.yml``
* :mod:`explainer.style`   — the palette, named colour roles and the timeline's category vocabulary
* :mod:`explainer.charts`  — one function per kind of chart (one timeline engine), PNG and CSV out
* :mod:`explainer.maps`    — folium maps: choropleths, escaped popups, legends, titled iframes
* :mod:`explainer.offline` — the maps' JavaScript and CSS, vendored with checksums
* one module per chapter (``indictment``, ``origins``, ``spread``, ``geopolitics``, ``claims``) with the
  selections its figures and prose draw on, and :mod:`explainer.appendix` for the generated pages
* build tools, never imported by a chapter: :mod:`bookbuild.checks` (``python -m bookbuild.checks``, the
  prose ⇄ data checker) and :mod:`bookbuild.cache` (the execution cache guard)

The Sphinx extensions of the build live outside the package, in ``_ext/``.
"""
from __future__ import annotations

__all__ = ["glue_values", "book_as_of"]


def glue_values(**values) -> None:
    """Glue each value under its name without displaying it, for ``{glue:text}`name``` in prose.

    Prose numbers come from here, so they cannot drift from the data.
    """
    try:
        from myst_nb import glue
    except ImportError:  # a reader's notebook outside the build: its prose already holds the values
        return
    for name, value in values.items():
        glue(name, value, display=False)


def book_as_of() -> str:
    """The book's "as of" date in prose form: the newest source date in the data package."""
    from .data import format_date, package

    return format_date(package().as_of)
