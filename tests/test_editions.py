"""The Spanish edition: every page has its counterpart, nothing is stale, nothing is left in English, and
readers can move between the editions.

The source checks (parity, staleness, catalogues) need no build; the rest read the built site.
"""
from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, toc_pages
from bookbuild import catalogues, editions
from explainer import i18n, toc

ES = "es"


# ------------------------------------------------------------------------------- sources, no build
def test_every_page_has_its_counterpart_in_the_other_edition():
    english = [p.relative_to(ROOT).as_posix() for p in toc.pages(ROOT, "en")]
    spanish = [p.relative_to(ROOT / ES).as_posix() for p in toc.pages(ROOT, ES)]
    assert english == spanish  # one table of contents
    missing = [f"{ES}/{p}" for p in spanish if not (ROOT / ES / p).is_file()]
    assert not missing, f"pages of _toc.yml with no Spanish: {missing}"
    extra = sorted(p.relative_to(ROOT / ES).as_posix() for p in (ROOT / ES).rglob("*.md")
                   if p.relative_to(ROOT / ES).as_posix() not in spanish)
    assert not extra, f"Spanish pages that are not in _toc.yml (so not in the English edition): {extra}"


def test_spanish_pages_are_current_translations_of_the_english():
    found = editions.problems(ROOT)
    assert not found, "\n".join(line for lines in found.values() for line in lines)


def test_every_string_of_the_code_and_the_data_has_current_spanish():
    found = catalogues.problems("es", ROOT)
    assert not found, f"{len(found)} missing or stale:\n" + "\n".join(found[:40])


def _copy_book(tmp_path: Path) -> Path:
    """The pages of both editions and the table of contents, to change on purpose."""
    root = tmp_path / "book"
    root.mkdir()
    for name in ("_toc.yml", "intro.md"):
        shutil.copy(ROOT / name, root / name)
    for d in ("chapters", ES):
        shutil.copytree(ROOT / d, root / d)
    return root


def test_a_changed_english_passage_makes_its_spanish_stale_until_marked(tmp_path):
    root = _copy_book(tmp_path)
    assert not editions.problems(root)
    page = root / "chapters" / "origins.md"
    blocks = [b for b in editions.blocks(page) if not b.code and b.text[0].isalpha()]
    target = blocks[3]
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(target.text, target.text.replace(" ", "  ", 1).replace("  ", " ") + " Added.",
                                 1), encoding="utf-8")
    found = editions.problems(root)["es/chapters/origins.md"]
    assert len(found) == 1 and "stale" in found[0]
    es_line = int(found[0].split(":")[1])
    es_block = [b for b in editions.blocks(root / ES / "chapters" / "origins.md") if b.line == es_line]
    assert es_block, "the message names the first line of the stale Spanish passage"
    assert f"chapters/origins.md:{target.line}" in found[0], "and the English passage that changed"
    editions.mark(["es/chapters/origins.md"], root)
    assert not editions.problems(root)


def test_a_glossary_is_one_passage_so_each_edition_orders_its_own_terms():
    """A glossary, with the markers after its closing fence, is one block: the Spanish lists its entries
    in Spanish alphabetical order, and a change to any English entry makes the whole Spanish glossary
    stale."""
    en = ("# G\n\n```{glossary}\nAlpha\n  First term.\n\nBeta\n  Second term.\n```\n% fact: t:k\n\nAfter.\n")
    es = ("# G\n\n```{glossary}\nbeta\n  Segundo.\n\nalfa\n  Primero.\n```\n% fact: t:k\n\nDespués.\n")
    eb, sb = editions.blocks_of(en), editions.blocks_of(es)
    assert len(eb) == len(sb) == 3
    assert eb[1].text.startswith("```{glossary}") and eb[1].text.endswith("% fact: t:k")
    assert [e.shape for e in eb] == [s.shape for s in sb]
    changed = editions.blocks_of(en.replace("Second term.", "Second term, changed."))
    assert [b.fingerprint for b in changed] != [b.fingerprint for b in eb]
    assert changed[1].fingerprint != eb[1].fingerprint and changed[2].fingerprint == eb[2].fingerprint


def test_a_spanish_page_that_drops_a_passage_is_reported(tmp_path):
    root = _copy_book(tmp_path)
    page = root / ES / "chapters" / "methods.md"
    prose = [b for b in editions.blocks(page) if not b.code and b.text[0].isalpha()]
    page.write_text(page.read_text(encoding="utf-8").replace(prose[2].text + "\n\n", "", 1), encoding="utf-8")
    found = editions.problems(root)["es/chapters/methods.md"]
    assert any("passages for the" in f for f in found), found


def test_spanish_pages_hold_prose_only_and_the_staged_page_runs_the_english_code(tmp_path):
    """A Spanish page names where each English code cell goes ('% code: N'); staging weaves the cells in,
    so a change of code is a change of the English page alone."""
    root = _copy_book(tmp_path)
    for en, es in editions.pairs(root):
        text = es.read_text(encoding="utf-8")
        assert "```{code-cell}" not in text and not text.startswith("---"), es.name
        woven = editions.weave(en, es)
        assert [b.text for b in editions.blocks_of(woven) if b.code and not b.front] == editions.cells(
            editions.blocks(en)), es.name
    page, english = root / ES / "chapters" / "spread.md", root / "chapters" / "spread.md"
    english.write_text(english.read_text(encoding="utf-8").replace('data.load("presence")',
                                                                   'data.load("places")', 1), encoding="utf-8")
    assert 'data.load("places")' in editions.weave(english, page)
    assert "es/chapters/spread.md" not in editions.problems(root)  # code is not translated


def test_code_copied_into_a_spanish_page_or_a_marker_out_of_place_is_reported(tmp_path):
    root = _copy_book(tmp_path)
    page = root / ES / "chapters" / "spread.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("% code: 1", "```{code-cell} ipython3\nx = 1\n```", 1), encoding="utf-8")
    found = editions.problems(root)["es/chapters/spread.md"]
    assert any("holds prose only" in f for f in found), found
    page.write_text(text.replace("% code: 2", "% code: 3", 1), encoding="utf-8")
    found = editions.problems(root)["es/chapters/spread.md"]
    assert any("'% code: 3'" in f for f in found), found


def test_swapped_or_edited_spanish_passages_are_reported_until_marked(tmp_path):
    root = _copy_book(tmp_path)
    page = root / ES / "chapters" / "origins.md"
    prose = [b for b in editions.blocks(page) if not b.code and b.text[0].isalpha()]
    a, b = prose[2], prose[3]
    text = page.read_text(encoding="utf-8")
    swapped = text.replace(a.text, "\0A\0").replace(b.text, a.text).replace("\0A\0", b.text)
    page.write_text(swapped, encoding="utf-8")
    found = editions.problems(root)["es/chapters/origins.md"]
    assert sum("moved" in f for f in found) == 2, found
    page.write_text(text.replace(a.text, a.text + " Añadido.", 1), encoding="utf-8")
    found = editions.problems(root)["es/chapters/origins.md"]
    assert len(found) == 1 and "changed since it was recorded" in found[0], found
    editions.mark(["es/chapters/origins.md"], root)
    assert not editions.problems(root)
    with pytest.raises(SystemExit, match="name the Spanish pages"):
        editions.mark([], root)


def test_a_data_field_with_no_spanish_is_an_error_naming_table_row_and_column(monkeypatch):
    code, fields = i18n._entries("es")
    ctx = next(c for c in fields if c.startswith("timeline:") and c.endswith(":event"))
    fields = {k: v for k, v in fields.items() if k != ctx}
    monkeypatch.setattr(i18n, "_entries", lambda language="es": (code, fields))
    found = catalogues.data_problems("es", ROOT)
    table, key, column = ctx.split(":")
    assert len(found) == 1
    assert f"data/{table}.csv" in found[0] and f"column '{column}'" in found[0] and key in found[0]
    line = int(re.search(r"line (\d+)", found[0]).group(1))
    assert key in (ROOT / "data" / f"{table}.csv").read_text(encoding="utf-8").splitlines()[line - 1]
    from explainer import data

    english = data.package().load("timeline").loc[key, "event"]
    with i18n.using("es"), pytest.raises(i18n.MissingTranslation, match="column 'event'") as e:
        i18n.shown(data.package().load("timeline"), "timeline")
    assert "data/timeline.csv" in str(e.value) and english in str(e.value)


def test_code_strings_fall_back_to_nothing():
    with i18n.using("es"):
        with pytest.raises(i18n.MissingTranslation, match="no es translation"):
            i18n.tr("A sentence no catalogue holds, 12345")
        assert i18n.tr("Skip the map") != "Skip the map"
    assert i18n.tr("A sentence no catalogue holds, 12345") == "A sentence no catalogue holds, 12345"


# ------------------------------------------------------------------------------- the built editions
EN_WORDS = set("the and of to in is that for was with on as by are from has have it its this which were be "
               "at not or an but their they his he who been had would will said says after before than".split())
ES_WORDS = set("de la el y en que los las del se por un una con para es su al lo como más pero sus le ya o "
               "fue este ha porque esta son entre cuando muy sin sobre también".split())
#: Text that may stay English in the Spanish edition: quotations, source titles (citations, source lists,
#: and the text of links to sources, which is their title) and code.
SKIP_TAGS = {"script", "style", "code", "pre", "q", "blockquote", "cite", "svg", "kbd", "iframe"}
SKIP_CLASSES = ("explainer-sources", "citation", "bibliography", "sig", "explainer-edition", "cell_input",
                "bibtex", "headerlink", "highlight", "reference external", "explainer-source-list")


class _Text(HTMLParser):
    """The reader-visible text of a page's article, without quotations, code and source lists."""

    VOID = {"br", "img", "hr", "input", "meta", "link", "source", "col", "wbr", "area", "base", "embed", "track"}

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []  # per open element: skipped?
        self.inside = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        skip = (tag in SKIP_TAGS or any(c in (a.get("class") or "") for c in SKIP_CLASSES)
                or (self.stack and self.stack[-1]))
        self.stack.append(bool(skip))
        if tag == "article" or (a.get("class") or "").startswith("bd-article"):
            self.inside += 1

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    m = re.search(r"<article\b.*?</article>", html, re.S)
    p = _Text()
    p.feed(m.group(0) if m else html)
    text = " ".join(p.parts)
    return re.sub(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|‘[^’]*’|\[[^\]]*\]", " ", text)  # quotations and citation labels


def english_sentences(text: str) -> list[str]:
    """Sentences of ``text`` that read as English: three or more English function words, and more of them
    than Spanish ones."""
    out = []
    for s in re.split(r"(?<=[.!?:;])\s+|\n+", text):
        words = re.findall(r"[a-záéíóúñü]+", s.lower())
        en = sum(w in EN_WORDS for w in words)
        es = sum(w in ES_WORDS for w in words)
        if en >= 3 and en > es:
            out.append(" ".join(s.split())[:160])
    return out


@pytest.mark.build
@pytest.mark.parametrize("path", toc_pages() + ["search"])
def test_spanish_pages_are_in_spanish(site, path):
    page = site / ES / f"{path}.html"
    text = visible_text(page)
    words = re.findall(r"[a-záéíóúñü]+", text.lower())
    en = sum(w in EN_WORDS for w in words)
    es = sum(w in ES_WORDS for w in words)
    assert es >= 10 or path in ("search", "chapters/bibliography"), f"{path}: hardly any Spanish ({es} words)"
    assert en <= 0.03 * max(es, 1) + 3, f"{path}: {en} English function words for {es} Spanish ones"
    bad = english_sentences(text)
    assert not bad, f"{path}: English in the Spanish edition:\n" + "\n".join(bad[:10])


@pytest.mark.build
@pytest.mark.parametrize("path", ["intro", "chapters/indictment"])
def test_english_pages_are_in_english(site, path):
    """The same measure, the other way round, on two pages: it tells the languages apart (so the test above
    can fail)."""
    text = visible_text(site / f"{path}.html")
    words = re.findall(r"[a-záéíóúñü]+", text.lower())
    en = sum(w in EN_WORDS for w in words)
    es = sum(w in ES_WORDS for w in words)
    assert en > es or path == "chapters/bibliography"


def _images(site: Path, page: Path) -> list[Path]:
    html = page.read_text(encoding="utf-8")
    out = []
    for src in re.findall(r'<img [^>]*src="([^"]+\.png)"', html):
        p = (page.parent / src).resolve()
        if p.is_file() and p.is_relative_to(site.resolve()):
            out.append(p)
    return out


@pytest.mark.build
@pytest.mark.parametrize("path", [p for p in toc_pages() if p.startswith("chapters/")])
def test_every_chart_in_the_spanish_edition_is_labelled_in_spanish(site, path):
    from PIL import Image

    from explainer.charts import WORDS_CHUNK

    charts = [p for p in _images(site, site / ES / f"{path}.html") if WORDS_CHUNK in Image.open(p).text]
    english = {p.name: Image.open(p).text[WORDS_CHUNK] for p in _images(site, site / f"{path}.html")
               if WORDS_CHUNK in Image.open(p).text}
    for png in charts:
        words = Image.open(png).text[WORDS_CHUNK]
        bad = english_sentences(words) + [w for w in words.split("\n")
                                          if re.search(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b", w)]
        assert not bad, f"{path}, {png.name}: English on the chart: {bad[:5]}"
        assert words not in english.values(), f"{path}, {png.name}: the chart says what the English one says"
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', (site / ES / f"{path}.html").read_text(encoding="utf-8"))
    for alt in alts:
        assert not english_sentences(alt), f"{path}: English alt text: {alt[:120]}"


@pytest.mark.build
def test_spanish_maps_are_documents_in_spanish(site):
    maps = sorted((site / ES).rglob("maps/*.html"))
    assert maps, "the Spanish edition has its own maps"
    for m in maps:
        doc = m.read_text(encoding="utf-8")
        assert '<html lang="es">' in doc, m.name
        tips = " . ".join(re.findall(r'"tip": "([^"]*)"', doc) + re.findall(r'\.bindTooltip\(\s*`([^`]*)`', doc))
        assert not english_sentences(tips), f"{m.name}: {english_sentences(tips)[:3]}"


@pytest.mark.build
@pytest.mark.parametrize("path", toc_pages() + ["search"])
def test_each_page_leads_to_the_same_page_in_the_other_edition(site, path):
    for lang, page, other in (("en", site / f"{path}.html", "es"), ("es", site / ES / f"{path}.html", "en")):
        html = page.read_text(encoding="utf-8")
        assert re.search(rf'<html[^>]*\blang="{lang}"', html), f"{page}: <html lang> is not {lang}"
        switch = re.search(rf'<a class="explainer-edition" href="([^"]+)" hreflang="{other}" lang="{other}"', html)
        assert switch, f"{page}: no link to the {other} edition"
        target = (page.parent / switch.group(1)).resolve()
        expected = (site / f"{path}.html") if other == "en" else (site / ES / f"{path}.html")
        assert target == expected.resolve(), f"{page}: the switcher leads to {target}"
        alternates = dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"', html))
        assert set(alternates) == {"en", "es", "x-default"}, alternates
        for code, href in alternates.items():
            if not href.startswith("http"):
                want = site / f"{path}.html" if code in ("en", "x-default") else site / ES / f"{path}.html"
                assert (page.parent / href).resolve() == want.resolve(), (page, code, href)


@pytest.mark.build
def test_each_edition_searches_its_own_language(site):
    for lang, index in (("en", site / "searchindex.js"), ("es", site / ES / "searchindex.js")):
        opts = (index.parent / "_static" / "documentation_options.js").read_text(encoding="utf-8")
        assert re.search(rf"LANGUAGE:\s*'{lang}'", opts), f"{lang}: {opts[:200]}"
        data = json.loads(re.search(r"Search\.setIndex\((.*)\)\s*$", index.read_text(encoding="utf-8"), re.S).group(1))
        terms = data["terms"]
        # each index holds its own language's words, stemmed by its own rules
        if lang == "es":
            assert "recompens" in terms and "recompensa" not in terms  # Spanish stemming
        else:
            assert "reward" in terms and "recompens" not in terms
    assert (site / ES / "search.html").is_file()


@pytest.mark.build
def test_both_editions_offer_their_notebooks(site):
    from explainer.toc import code_pages

    for lang, base in (("en", site), ("es", site / ES)):
        books = sorted(p.stem for p in (base / "notebooks").glob("*.ipynb"))
        assert books, f"{lang}: no notebooks"
        for nb in (base / "notebooks").glob("*.ipynb"):
            cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
            code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
            assert ('i18n.use("es")' in code) == (lang == "es"), f"{nb}: not a {lang} notebook"
    assert len(list((site / "notebooks").glob("*.ipynb"))) == len(list((site / ES / "notebooks").glob("*.ipynb")))
    assert code_pages(ROOT)


@pytest.mark.build
def test_spanish_prose_numbers_are_spanish(site):
    """Values the code writes into Spanish prose use the Spanish forms (no '$5 million', no 'December')."""
    for path in toc_pages():
        text = visible_text(site / ES / f"{path}.html")
        bad = re.findall(r"\$\d[\d.,]*(?: million)?|\b\d{1,3},\d{3}\b(?!,)|\b(?:January|February|March|April|June|"
                         r"July|August|September|October|November|December)\b", text)
        assert not bad, f"{path}: {bad[:8]}"


def test_a_data_field_whose_english_changed_is_reported_stale(monkeypatch):
    strings = catalogues.data_strings(ROOT)
    ctx, english, column, line = strings["people"][0]
    strings["people"][0] = (ctx, english + " (changed)", column, line)
    monkeypatch.setattr(catalogues, "data_strings", lambda root=ROOT, pkg=None: strings)
    monkeypatch.setattr(catalogues, "code_strings", lambda root=ROOT: {})
    found = catalogues.problems("es", ROOT)
    assert found == [f"data/people.csv:{line}: column '{column}' changed since it was translated: update its "
                     f"Spanish in locale/es/LC_MESSAGES/data-people.po (msgctxt {ctx!r})"]


def test_a_new_code_string_is_reported_with_its_file_and_line(monkeypatch):
    monkeypatch.setattr(catalogues, "code_strings", lambda root=ROOT: {"spread": [("A brand-new caption", "x.py", 7)]})
    monkeypatch.setattr(catalogues, "data_strings", lambda root=ROOT, pkg=None: {})
    assert catalogues.problems("es", ROOT) == ["x.py:7: no Spanish for 'A brand-new caption' "
                                         "(locale/es/LC_MESSAGES/spread.po)"]


def test_no_string_is_translated_when_a_module_is_imported():
    """A build switches language at run time (Sphinx sets it per edition, a kernel runs the English page
    and then the Spanish one), so a ``tr()`` evaluated at import would freeze one language: module-level
    constants use ``N_()`` and are translated where shown."""
    import ast

    bad = []
    for py in sorted((ROOT / "explainer").glob("*.py")) + sorted((ROOT / "_ext").glob("*.py")):
        tree = ast.parse(py.read_text(encoding="utf-8"))
        inside = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                inside |= {id(n) for n in ast.walk(node)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and id(node) not in inside and isinstance(node.func, ast.Name)
                    and node.func.id == "tr"):
                bad.append(f"{py.relative_to(ROOT)}:{node.lineno}")
    assert not bad, bad


def test_a_spanish_page_behind_the_english_says_so_and_is_rendered_again(monkeypatch):
    """The notice appears on a page that falls behind, and goes when it is current again: both pages are
    rendered again even though their own text did not change."""
    from types import SimpleNamespace

    import editions as ext  # _ext/editions.py

    state = {"es/chapters/glossary.md": ["es/chapters/glossary.md:3: stale: chapters/glossary.md:3 changed"]}
    monkeypatch.setattr(editions, "problems", lambda root=ROOT: state)
    env = SimpleNamespace(found_docs={"intro", "chapters/glossary"})
    app = SimpleNamespace(config=SimpleNamespace(explainer_edition="es", html_baseurl=""), env=env)
    ext._builder_inited(app)
    assert ext._outdated(app, env, set(), set(), set()) == ["chapters/glossary"]
    context = {"body": "<h1>Glosario</h1>", "metatags": ""}
    with i18n.using("es"):
        ext._page_context(app, "chapters/glossary", "page.html", context, None)
    assert "explainer-behind" in context["body"] and 'href="../../chapters/glossary.html"' in context["body"]
    state.clear()
    ext._builder_inited(app)
    assert ext._outdated(app, env, set(), set(), set()) == ["chapters/glossary"]  # the notice goes
    ext._builder_inited(app)
    assert ext._outdated(app, env, set(), set(), set()) == []


#: Interface text that reads the same in both languages: keyboard keys, file types, symbols.
SAME_IN_BOTH = {"", "+", "Ctrl", "K", ".md", ".pdf", ".ipynb", "html", "SHA-256", "bytes", "CSV", "PNG", "Error"}


def interface_strings(page: Path) -> set[str]:
    """What a page's interface says, as opposed to its prose and its sources: the names and tooltips of
    controls and landmarks (aria-label, title, placeholder), button and toggle labels, table headings, and
    every text outside the article (header, footer). Links are left out: to sources (their names are the
    sources' own) and to pages and headings (the pages' prose, which other tests check)."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for el in soup.select("script, style, svg, .bibliography, .explainer-sources, .explainer-source-list"):
        el.decompose()
    out: set[str] = set()
    for el in soup.find_all(True):
        if el.name == "a" and "reference" in (el.get("class") or []) and "headerlink" not in el.get("class"):
            continue  # a citation or a cross-reference: its title is a source's or a page's name
        for attr in ("aria-label", "title", "placeholder"):
            if el.has_attr(attr):
                out.add(" ".join(el[attr].split()))
    for el in soup.select("a.reference:not(.headerlink)"):
        el.decompose()  # page names and headings (the sidebars' links) are the pages' prose
    for el in soup.select("summary, button, th, .headerlink"):
        out.add(" ".join(el.get_text(" ", strip=True).split()))
    article = soup.find("article")
    if article:
        article.extract()
    for t in soup.find_all(string=True):
        if not isinstance(t, Comment) and " ".join(t.split()):
            out.add(" ".join(t.split()))
    return out - SAME_IN_BOTH


@pytest.mark.build
@pytest.mark.parametrize("path", toc_pages() + ["search", "genindex"])
def test_the_spanish_interface_has_no_english_string(site, path):
    """Every interface string of a Spanish page differs from the English page's: none is left in English
    (the theme's, Sphinx's and MyST-NB's strings come in Spanish through their own catalogues and
    settings; the book's through its own)."""
    spanish, english = interface_strings(site / ES / f"{path}.html"), interface_strings(site / f"{path}.html")
    assert spanish, path
    same = sorted(s for s in spanish & english if re.search(r"[a-z]{3}", s))
    assert not same, f"{path}: English interface strings on the Spanish page: {same}"


@pytest.mark.build
def test_the_spanish_search_page_speaks_spanish_in_the_browser(site):
    """The strings Sphinx's search script shows (translated in the browser from translations.js) all have
    Spanish, different from the English, in the Spanish edition."""
    script = (site / ES / "_static" / "searchtools.js").read_text(encoding="utf-8")
    shown = {m.replace('\\"', '"') for m in re.findall(r'_\(\s*"((?:[^"\\]|\\.)*)"', script)}
    shown |= set(re.findall(r'\n\s*"(Your search did not match[^"]*)"', script))
    js = (site / ES / "_static" / "translations.js").read_text(encoding="utf-8")
    messages = json.loads(re.search(r"addTranslations\((\{.*\})\);", js, re.S).group(1))["messages"]
    assert len(shown) >= 5, shown
    missing = sorted(m for m in shown if not messages.get(m) or messages[m] == m)
    assert not missing, f"no Spanish in translations.js for: {missing}"
    assert "ningún documentos" not in js and "allá" not in js  # the upstream catalogue's errors are corrected


@pytest.mark.build
@pytest.mark.parametrize("path", toc_pages())
def test_both_editions_of_a_page_have_the_same_sections(site, path):
    """The language switch keeps the reader's place by the number of the section they are in: each page
    has as many sections, in the same nesting, in both editions."""
    def shape(page):
        html = page.read_text(encoding="utf-8")
        article = re.search(r"<article\b.*?</article>", html, re.S).group(0)
        return re.findall(r"<(/?)section\b(?=[^>]*\bid=)", article)

    assert shape(site / ES / f"{path}.html") == shape(site / f"{path}.html"), path


@pytest.mark.build
def test_the_spanish_chart_tables_are_in_spanish(site):
    """Each chart's table that a Spanish page offers has Spanish column names and Spanish codes."""
    import csv
    import io

    from test_data import _english_words_with_spanish

    names, codes = _english_words_with_spanish()
    offered = sorted({m for p in (site / ES).rglob("*.html")
                      for m in re.findall(r'href="(?:\.\./)*(charts/[0-9a-f]+\.csv)"', p.read_text(encoding="utf-8"))})
    assert len(offered) >= 8, offered
    for rel in offered:
        rows = list(csv.reader(io.StringIO((site / ES / rel).read_text(encoding="utf-8-sig"))))
        assert not set(rows[0]) & names, (rel, rows[0])
        left = {v for r in rows[1:] for cell in r for v in cell.split(";") if v in codes}
        assert not left, (rel, left)


@pytest.mark.build
@pytest.mark.parametrize("edition", ["", ES + "/"])
def test_each_bibliography_is_in_the_alphabetical_order_of_the_titles_it_shows(site, edition):
    import html as htmlmod

    from explainer.text import collation_key

    page = (site / f"{edition}chapters/bibliography.html").read_text(encoding="utf-8")
    titles = [htmlmod.unescape(re.sub(r"<[^>]+>", "", t)) for t in
              re.findall(r'<div class="citation" id="[^"]+"[^>]*>\s*<span class="label">.*?</span>\s*<p><em>(.*?)</em>',
                         page, re.S)]

    def key(title):
        return collation_key(title.strip("[]“”\"'¿¡ "))

    assert len(titles) > 300
    assert [key(t) for t in titles] == sorted(key(t) for t in titles), edition
