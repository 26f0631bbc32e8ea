"""Every chapter runs top to bottom as Jupyter would run it (from chapters/, via jupytext + nbclient)."""
from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

from conftest import ROOT

CHAPTERS = sorted(p for p in [ROOT / "intro.md", *(ROOT / "chapters").glob("*.md")]
                  if "{code-cell}" in p.read_text(encoding="utf-8"))


def test_there_are_chapters_with_code():
    assert CHAPTERS


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_chapter_executes(path: Path):
    nb = jupytext.read(path)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"
                and "Warning" in o.text], "a chapter printed a warning"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: str(p.relative_to(ROOT)))
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
