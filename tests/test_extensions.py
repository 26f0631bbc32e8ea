"""Units of the Sphinx extensions and build helpers: bibliography style, page fixes, appendix."""
import json
import re
import pytest

import bibstyle
import publish

from explainer import appendix
from explainer.data import DataPackage


@pytest.mark.parametrize("raw, pretty", [("2025-12-18", "18 December 2025"), ("2024-07", "July 2024"),
                                         ("2012", "2012"), ("2025-02-30", "2025-02-30")])
def test_pretty_date(raw, pretty):
    assert bibstyle.pretty_date(raw) == pretty


def test_bibliography_style_prints_publisher_date_and_url():
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    bib = parse_string("""@online{k, title = {A title}, organization = {An outlet}, date = {2024-07-11},
                          url = {https://example.org/x}, note = {Read via a copy.}}""", "bibtex")
    style = find_plugin("pybtex.style.formatting", "explainer")()
    text = next(iter(style.format_entries(bib.entries.values()))).text.render_as("text")
    assert text == "A title. An outlet. 11 July 2024. URL: https://example.org/x. Read via a copy."


def test_fix_aria():
    body = ('<div role="list"><div class="citation" role="doc-biblioentry">x</div></div>'
            '<summary aria-label="Toggle hidden content">Show code cell source</summary>')
    out = publish.fix_aria(body)
    assert 'role="listitem"' in out and "doc-biblioentry" not in out
    assert "<summary>Show code cell source</summary>" in out


def test_social_card_is_a_reproducible_png():
    a = publish.social_card("Title: subtitle", "2026-02-18")
    assert a[:8] == b"\x89PNG\r\n\x1a\n" and a == publish.social_card("Title: subtitle", "2026-02-18")


def test_data_sources_page_lists_every_table_with_checksum():
    pkg = DataPackage()
    md = appendix.data_sources_markdown(pkg)
    for res in pkg.descriptor["resources"]:
        assert f"`{res['path']}`" in md
        assert res["hash"].removeprefix("sha256:") in md
        assert f'href="../data/{res["path"]}"' in md
    assert "Venezuelan refugees" in md or "migration" in md


def test_chapters_using_finds_loaders(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/a\n")
    (tmp_path / "intro.md").write_text('x = data.load("timeline")\n')
    (tmp_path / "chapters" / "a.md").write_text("data.load('rewards'); data.load(\"timeline\")\n")
    (tmp_path / "chapters" / "not-in-the-book.md").write_text('data.load("timeline")\n')
    assert appendix.chapters_using("timeline", tmp_path) == ["intro", "chapters/a"]
    assert appendix.chapters_using("rewards", tmp_path) == ["chapters/a"]
    assert appendix.chapters_using("places", tmp_path) == []


def test_icons_become_inline_svg_with_their_classes_and_attributes():
    import icons
    import slim

    page = ('<button><i aria-hidden="true" class="theme-switch fa-solid fa-sun fa-lg" data-mode="light"></i>'
            '</button><span class="fa-solid fa-bars"></span><i class="fas fa-pencil-alt"></i>')
    out, unknown = slim.inline_icons(page)
    assert unknown == [] and "<i " not in out and "fa-solid" not in out
    assert ('<svg class="svg-inline--fa fa-sun theme-switch fa-lg" data-mode="light" aria-hidden="true" '
            'focusable="false"') in out
    assert f'viewBox="0 0 {icons.ICONS["sun"][0]} {icons.ICONS["sun"][1]}"' in out
    assert icons.ICONS["bars"][2] in out and 'class="svg-inline--fa fa-pencil"' in out  # an alias
    assert slim.inline_icons(out) == (out, [])  # idempotent
    missing, unknown = slim.inline_icons('<i class="fa-solid fa-no-such-icon"></i>')
    assert unknown == ["no-such-icon"] and missing == '<i class="fa-solid fa-no-such-icon"></i>'


def test_slim_page_drops_the_icon_script_and_search_scripts_except_on_the_search_page():
    import slim

    head = ('  <!-- So that users can add custom icons -->\n'
            '  <script defer src="../_static/scripts/fontawesome.js?digest=1"></script>\n'
            '<link href="../_static/styles/theme.css?digest=1" rel="stylesheet" />\n'
            '    <script src="../_static/searchtools.js"></script>\n'
            '    <script src="../searchindex.js"></script>\n')
    head += ('  <!-- Pre-loaded scripts that we\'ll load fully later -->\n'
             '  <link rel="preload" as="script" href="../_static/scripts/bootstrap.js?digest=1" />\n')
    out, _ = slim.slim_page(head)
    assert "preload" not in out and "Pre-loaded" not in out
    assert "fontawesome" not in out and "searchtools" not in out and "searchindex" not in out
    assert '<link href="../_static/basic.css" rel="stylesheet" />' in out and "theme.css" not in out
    out, _ = slim.slim_page(head, search_page=True)
    assert "searchtools.js" in out and "searchindex.js" in out and "fontawesome" not in out


def test_unused_extension_assets_are_linked_only_where_used():
    import slim

    plain = "<p class=\"x\">text</p>"
    cards = '<div class="sd-card sd-shadow-sm docutils">x</div>'
    toggle = '<div class="admonition dropdown">x</div>'
    assert not slim.keep_asset("_static/sphinx-thebe.js", cards + toggle)
    assert not slim.keep_asset("_static/copybutton.js?v=1", plain)
    assert not slim.keep_asset("_static/sphinx-design.min.css?v=1", plain)
    assert slim.keep_asset("_static/sphinx-design.min.css?v=1", cards)
    assert not slim.keep_asset("togglebutton.js", plain + '<div class="sd-dropdown">x</div>')
    assert slim.keep_asset("togglebutton.js", toggle)
    assert slim.keep_asset("_static/scripts/bootstrap.js", plain)


def test_inline_charts_become_lazy_files_with_their_size():
    import base64

    import slim

    from explainer import charts

    fig = charts.plt.figure(figsize=(3, 2), dpi=100)
    png = charts.png_bytes(fig)
    charts.plt.close(fig)
    body = f'<figure><img src="data:image/png;base64,{base64.b64encode(png).decode()}" alt="A chart"></figure>'
    out, files = slim.split_images(body, "../charts")
    (name, data), = files.items()
    assert data == png
    from PIL import Image
    import io

    width, height = Image.open(io.BytesIO(png)).size
    assert out == (f'<figure><img src="../charts/{name}" width="{width}" height="{height}" loading="lazy" '
                   f'decoding="async" alt="A chart"></figure>')


def test_theme_stylesheet_loses_only_font_awesome_rules():
    import slim

    css = ('@charset "UTF-8";\n/*! lib */:root{--a:1}.fade{opacity:0}.fa,.fab{display:inline-block}'
           '.fa-sun:before{content:"\\f185"}.fa-lg{font-size:1.25em}.theme-switch .fa-lg{aspect-ratio:1/1}'
           '.fa-sr-only,.sr-only{position:absolute}@font-face{font-family:x;src:url(x.woff2)}'
           '@media (prefers-reduced-motion:reduce){.fa-spin{animation:none}}.fa-rotate-90{transform:none}')
    out = slim.strip_icon_css(css)
    assert out == ('@charset "UTF-8";\n/*! lib */:root{--a:1}.fade{opacity:0}.theme-switch .fa-lg{aspect-ratio:1/1}'
                   '.fa-sr-only,.sr-only{position:absolute}@font-face{font-family:x;src:url(x.woff2)}'
                   '@media (prefers-reduced-motion:reduce){.fa-spin{animation:none}}')
    assert slim.strip_icon_css(out) == out
    assert slim.strip_icon_css(".a{x:1}}") == ".a{x:1}}"  # not a sequence of rules: left alone


def test_search_indexes_and_queries_words_without_accents():
    from accentsearch import AccentFreeEnglish, fold

    assert fold("Tocorón") == "Tocoron" and fold("Niño") == "Nino" and fold("São Paulo") == "Sao Paulo"
    lang = AccentFreeEnglish({})
    assert lang.stem("Tocorón") == lang.stem("tocoron") == "tocoron"
    assert lang.stem("niño") == "nino" and lang.stem("rewards") == "reward"
    assert "normalize(\"NFD\")" in lang.js_stemmer_code  # the query is folded the same way


def test_spanish_search_folds_accents_and_the_tilde_before_stemming():
    from accentsearch import AccentFreeSpanish

    lang = AccentFreeSpanish({})
    assert lang.stem("Niño") == lang.stem("nino") != lang.stem("ningún")
    assert lang.stem("Tocorón") == lang.stem("tocoron") and lang.stem("recompensas") == lang.stem("recompensa")
    assert "SpanishStemmer" in lang.js_stemmer_code and "normalize(\"NFD\")" in lang.js_stemmer_code


def test_a_charts_phone_rendering_becomes_a_file_fetched_only_by_phones():
    import base64

    import slim

    from explainer import charts

    fig = charts.plt.figure(figsize=(3, 2), dpi=100)
    desk, phone = charts.png_bytes(fig), charts.png_bytes(fig, dpi=50)
    charts.plt.close(fig)
    b64 = lambda png: base64.b64encode(png).decode()  # noqa: E731
    body = (f'<figure class="explainer-chart" id="chart-x"><picture><source media="(max-width: 600px)" '
            f'srcset="data:image/png;base64,{b64(phone)}" /><img src="data:image/png;base64,{b64(desk)}" '
            f'alt="A chart" /></picture><p class="chart-downloads"><a href="x.csv">CSV</a></p></figure>')
    out, files = slim.split_images(body, "../charts")
    assert len(files) == 2 and "base64" not in out
    desk_name = next(n for n, png in files.items() if png == desk)
    phone_name = next(n for n, png in files.items() if png == phone)
    assert f'<source media="(max-width: 600px)" srcset="../charts/{phone_name}" width="150" height="100"' in out
    assert f'<a class="explainer-enlarge" href="../charts/{desk_name}"' in out
    assert out.index('class="explainer-enlarge"') < out.index("<picture>") < out.index("</picture></a>")
    assert f'<a href="../charts/{desk_name}" download="x.png">Chart image (PNG)</a>' in out


def test_printed_links_lead_inside_the_pdf_to_the_book_or_nowhere():
    from bookpdf import chapter_id, for_print, rebase

    body = ('<a href="spread.html#x">s</a> <a href="../data/people.csv">d</a> <img src="../charts/a.png" /> '
            '<a href="https://example.org/">w</a> <details><summary>m</summary>✅</details>')
    pages = {"chapters/spread", "intro"}
    local = rebase(for_print(body), "chapters/origins", pages)
    assert 'href="#x"' in local and 'src="charts/a.png"' in local and 'href="https://example.org/"' in local
    assert 'href="data/people.csv"' not in local and ">d</a>" in local  # a file of the site: text only
    assert "<details open>" in local and "✅" not in local and "✓" in local
    published = rebase(body, "chapters/origins", pages, "https://book.example.org/")
    assert 'href="https://book.example.org/data/people.csv"' in published
    assert rebase('<a href="spread.html">s</a>', "chapters/origins", pages) == \
        f'<a href="#{chapter_id("chapters/spread")}">s</a>'


def test_an_editions_corrections_of_sphinxs_search_strings_replace_only_what_the_script_holds():
    import editions

    js = 'Documentation.addTranslations({"locale": "es", "messages": {"A": "mal", "B": "bien"}, "plural_expr": "n"});'
    out = editions.patch_translations_js(js, {"A": "corregido", "C": "no está en el guion"})
    data = json.loads(re.search(r"addTranslations\((\{.*\})\);", out).group(1))
    assert data["messages"] == {"A": "corregido", "B": "bien"} and data["locale"] == "es"
    assert editions.patch_translations_js("nothing to patch", {"A": "x"}) == "nothing to patch"
