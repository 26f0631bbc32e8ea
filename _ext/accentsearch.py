"""Sphinx extension: the book's offline search forgives accents, and its result snippets are text.

* **Accents**, in both editions: the search index stores every word without its accents ("Tocorón" →
  "tocoron", "Niño" → "nino") before the edition's stemmer (English or Spanish) cuts it, and the search page
  does the same to the reader's query, so a query typed on a keyboard without accents or ñ finds the same
  pages as the accented one (and "Nino" is the stem of "Niño", not a fragment of "ningún"). Both sides fold
  with Unicode's canonical decomposition (NFD) minus the combining marks: :func:`explainer.text.fold`,
  ``fold`` in ``static/search-snippets.js`` and in the stemmer added to ``language_data.js``.
* **Snippets**: a result's snippet is cut from the page's text without its buttons, contents list and
  code (Sphinx takes everything in the main column, so snippets read "Show code cell source…"), around
  the first word found, accents forgiven.
"""
from __future__ import annotations

from pathlib import Path

from sphinx.search import languages
from sphinx.search.en import SearchEnglish
from sphinx.search.es import SearchSpanish

from explainer.text import fold  # the one accent folding, shared with the book's sorting

STATIC = Path(__file__).parent / "static"
SNIPPETS_JS = "search-snippets.js"

#: Wraps the edition's stemmer in language_data.js (``Stemmer``) so that it stems the query's words unaccented.
JS_FOLDING_STEMMER = """
var UnfoldedStemmer = Stemmer;
Stemmer = function() {
  var stemmer = new UnfoldedStemmer();
  this.stemWord = function(w) {
    return stemmer.stemWord(w.normalize("NFD").replace(/[\\u0300-\\u036f]/g, ""));
  };
};
"""


class AccentFreeEnglish(SearchEnglish):
    """Sphinx's English search, with words indexed and queried without accents."""

    js_stemmer_code = SearchEnglish.js_stemmer_code + JS_FOLDING_STEMMER

    def stem(self, word: str) -> str:
        return super().stem(fold(word))


def _snowball_js(language_name: str, rawcode: str) -> str:
    """The Snowball stemmer Sphinx writes into language_data.js for a language (its minified code)."""
    import sphinx

    folder = Path(sphinx.__file__).parent / "search" / "minified-js"
    return "\n".join([(folder / "base-stemmer.js").read_text(encoding="utf-8"),
                      (folder / rawcode).read_text(encoding="utf-8"), f"Stemmer = {language_name}Stemmer;"])


class AccentFreeSpanish(SearchSpanish):
    """Sphinx's Spanish search, with words indexed and queried without accents: Sphinx's own stemmer,
    written into language_data.js here (rather than by Sphinx, from ``js_stemmer_rawcode``) so that the
    query's words can be folded before it."""

    js_stemmer_rawcode = ""
    js_stemmer_code = _snowball_js(SearchSpanish.language_name, SearchSpanish.js_stemmer_rawcode) + JS_FOLDING_STEMMER

    def stem(self, word: str) -> str:
        return super().stem(fold(word))


def _page_context(app, pagename, templatename, context, doctree):
    if pagename == "search":  # after searchtools.js (deferred), before the search runs
        app.add_js_file(SNIPPETS_JS, loading_method="defer")


def _builder_inited(app):
    app.config.html_static_path.append(str(STATIC))


def setup(app):
    languages["en"] = AccentFreeEnglish
    languages["es"] = AccentFreeSpanish
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
