"""The build refuses to publish a broken book: a raising cell or a Sphinx warning fails it."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, PAGE_HEADER as HEADER

pytestmark = [pytest.mark.build, pytest.mark.chapters]
JB = str(Path(sys.executable).parent / "jupyter-book")


def mini_book(tmp_path: Path, page: str) -> Path:
    """A one-page book with the real configuration, extensions, data and bibliography."""
    book = tmp_path / "book"
    book.mkdir()
    for name in ("_config.yml", "references.bib", "CITATION.cff"):
        shutil.copy(ROOT / name, book / name)
    shutil.copytree(ROOT / "data", book / "data")
    shutil.copytree(ROOT / "_templates", book / "_templates")
    shutil.copytree(ROOT / "_ext", book / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "_static", book / "_static")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (book / "intro.md").write_text(HEADER + page)
    return book


def build(book: Path):
    import os

    env = dict(os.environ, PYTHONPATH=str(ROOT))  # the extensions import the build's package, bookbuild
    return subprocess.run([JB, "build", str(book), "-W", "--keep-going"], capture_output=True, text=True,
                          timeout=300, env=env)


def test_the_real_configuration_builds_a_good_page(tmp_path):
    proc = build(mini_book(tmp_path, "\n```{code-cell} ipython3\nx = 1 + 1\n```\n"))
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_a_raising_cell_fails_the_build(tmp_path):
    proc = build(mini_book(tmp_path, "\n```{code-cell} ipython3\nraise ValueError('bad row')\n```\n"))
    assert proc.returncode != 0
    assert "ValueError" in proc.stdout + proc.stderr


def test_a_sphinx_warning_fails_the_build(tmp_path):
    proc = build(mini_book(tmp_path, "\nSee {doc}`no-such-page` {cite:p}`no-such-source`.\n"))
    assert proc.returncode != 0
    assert "no-such-page" in proc.stdout + proc.stderr
