"""Every chapter runs top to bottom as Jupyter would run it.

The build executes each chapter once, from chapters/, with nbclient (``make book``: bookbuild.cache
fills the execution cache, failing on any error). These tests check what that execution produced and
that Jupyter (through jupytext) sees the same code the build ran, without executing anything again.
"""
from pathlib import Path

import jupytext
import pytest
from myst_nb.core.read import read_myst_markdown_notebook

from conftest import ROOT, toc_pages
from explainer.toc import code_pages

CHAPTERS = code_pages(ROOT)
BUILD = ROOT / "_build"


def _id(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


def _myst_nb(path: Path):
    """The chapter as the build reads it."""
    return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=str(path))


def test_every_chapter_with_code_is_in_the_table_of_contents():
    """A chapter outside _toc.yml would never be built, executed or tested."""
    assert {_id(p).removesuffix(".md") for p in CHAPTERS} <= set(toc_pages())


@pytest.mark.parametrize("path", CHAPTERS, ids=_id)
def test_jupyter_runs_the_code_the_build_runs(path: Path):
    """jupytext (JupyterLab, `jupytext --to ipynb`) and MyST-NB (the build) read the same code cells."""
    nb = jupytext.read(path)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    built = _myst_nb(path)

    def code(n):
        return [c.source.strip() for c in n.cells if c.cell_type == "code"]

    assert code(nb) == code(built)


@pytest.mark.build
@pytest.mark.parametrize("path", CHAPTERS, ids=_id)
def test_chapter_executed_without_errors_or_warnings(path: Path):
    """The execution the book shows (the execution cache's record for this chapter's code) has no
    error and printed no warning."""
    from jupyter_cache import get_cache

    cache = get_cache(str(BUILD / ".jupyter_cache"))
    try:
        record = cache.match_cache_notebook(_myst_nb(path))
    except KeyError:
        pytest.fail(f"{_id(path)} has no execution in the cache: run `make book` (make test does it)")
    nb = cache.get_cache_bundle(record.pk).nb
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"
                and "Warning" in o.text], "a chapter printed a warning"


@pytest.mark.parametrize("path", CHAPTERS, ids=_id)
def test_chapter_has_one_title(path: Path):
    text = path.read_text(encoding="utf-8")
    body = text.split("---", 2)[2] if text.startswith("---") else text
    in_code = False
    titles = []
    for line in body.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("# "):
            titles.append(line)
    assert len(titles) == 1, titles


@pytest.mark.parametrize("path", [p for p in [ROOT / "intro.md", *sorted((ROOT / "chapters").glob("*.md"))]
                                  if p.read_text(encoding="utf-8").startswith("---\njupytext:")], ids=_id)
def test_a_save_from_jupyterlab_changes_nothing(path: Path):
    """JupyterLab saves a chapter through jupytext with the settings in jupytext.toml: the chapter is stored
    in exactly that form, so opening and saving it leaves the file as it was (header included)."""
    from jupytext.config import load_jupytext_configuration_file

    config = load_jupytext_configuration_file(str(ROOT / "jupytext.toml"))
    text = path.read_text(encoding="utf-8")
    saved = jupytext.writes(jupytext.reads(text, fmt="md:myst"), fmt="md:myst", config=config)
    assert saved == text, "rewrite it as Lab saves it: .venv/bin/jupytext --to md:myst " + _id(path)
