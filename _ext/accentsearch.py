"""Sphinx extension: the book's offline search forgives accents, and its result snippets are text.

* **Accents**: the search index stores every word without its accents ("Tocorón" → "tocoron",
  "Niño" → "nino"), and the search page strips them from the reader's query the same way, so a query
  typed on a keyboard without accents finds the same pages as the accented one. Both sides fold with
  Unicode's canonical decomposition (NFD) minus the combining marks: :func:`fold` here, ``fold`` in
  ``static/search-snippets.js`` and in the stemmer added to ``language_data.js``.
* **Snippets**: a result's snippet is cut from the page's text without its buttons, contents list and
  code (Sphinx takes everything in the main column, so snippets read "Show code cell source…"), around
  the first word found, accents forgiven.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

from sphinx.search import languages
from sphinx.search.en import SearchEnglish

STATIC = Path(__file__).parent / "static"
SNIPPETS_JS = "search-snippets.js"

#: The English stemmer of language_data.js, wrapped so that it stems the query's words unaccented.
JS_FOLDING_STEMMER = """
var PorterStemmer = Stemmer;
Stemmer = function() {
  var porter = new PorterStemmer();
  this.stemWord = function(w) {
    return porter.stemWord(w.normalize("NFD").replace(/[\\u0300-\\u036f]/g, ""));
  };
};
"""


def fold(word: str) -> str:
    """``word`` without its accents: 'Tocorón' → 'Tocoron', 'Niño' → 'Nino' (NFD minus combining marks)."""
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))


class AccentFreeEnglish(SearchEnglish):
    """Sphinx's English search, with words indexed and queried without accents."""

    js_stemmer_code = SearchEnglish.js_stemmer_code + JS_FOLDING_STEMMER

    def stem(self, word: str) -> str:
        return super().stem(fold(word))


def _page_context(app, pagename, templatename, context, doctree):
    if pagename == "search":  # after searchtools.js (deferred), before the search runs
        app.add_js_file(SNIPPETS_JS, loading_method="defer")


def _builder_inited(app):
    app.config.html_static_path.append(str(STATIC))


def setup(app):
    languages["en"] = AccentFreeEnglish
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
