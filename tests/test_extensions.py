"""Units of the Sphinx extensions and build helpers: bibliography style, page fixes, appendix."""
import pytest

from explainer import appendix, bibstyle, publish
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
        assert f"(../data/{res['path']})" in md
    assert "Venezuelan refugees" in md or "migration" in md


def test_chapters_using_finds_loaders(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "intro.md").write_text('x = data.load("timeline")\n')
    (tmp_path / "chapters" / "a.md").write_text("data.load('rewards'); data.load(\"timeline\")\n")
    assert appendix.chapters_using("timeline", tmp_path) == ["intro", "a"]
    assert appendix.chapters_using("rewards", tmp_path) == ["a"]
    assert appendix.chapters_using("places", tmp_path) == []
