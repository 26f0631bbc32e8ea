"""The one MyST reader the build's tools share (bookbuild/myst.py): what it reads, where."""
from __future__ import annotations

import re

from conftest import ROOT
from bookbuild import myst

PAGE = """---
kernelspec:
  name: python3
---

# Title

A paragraph that states 27 people
on two lines.
% fact: timeline:e-1
% claim: c-book-x

```{code-cell} ipython3
:tags: [hide-input]

x = tr("A caption")
```

```{admonition} In short
:class: tip

- **One.** An item
  that runs on.
- **Two.** Another.
```

(a-label)=
Term
: its definition.

````markdown
```
% claim: c-book-in-code
```
````
"""


def test_the_reader_finds_each_block_with_its_lines():
    parts = myst.parse(PAGE)
    kinds = [(p.kind, p.start, p.end) for p in parts]
    assert kinds[:6] == [("front_matter", 1, 4), ("heading", 6, 6), ("paragraph", 8, 9), ("comment", 10, 10),
                         ("comment", 11, 11), ("code_cell", 13, 17)]
    cell = parts[5]
    assert cell.name == "code-cell" and cell.body_start == 16 and cell.body == 'x = tr("A caption")'
    box = next(p for p in parts if p.kind == "directive")
    assert box.name == "admonition" and box.argument == "In short" and box.body_start == 22
    assert [(p.kind, p.start, p.end) for p in box.parts] == [("item", 22, 23), ("item", 24, 24)]
    assert ("target", 27, 27) in kinds and ("term", 28, 29) in kinds
    comments = [p.text for p in myst.walk(parts) if p.kind == "comment"]
    assert comments == ["% fact: timeline:e-1", "% claim: c-book-x"]  # not the one inside a code fence
    assert myst.code_cells(PAGE) == [(16, 'x = tr("A caption")')]


def test_no_other_tool_of_the_build_reads_myst_fences_itself():
    """The checker, the ledger, the editions, the catalogues and the reader-notebook writer read pages'
    blocks through bookbuild.myst only."""
    for path in sorted((ROOT / "bookbuild").glob("*.py")) + sorted((ROOT / "_ext").glob("*.py")):
        if path.name == "myst.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""re\.compile\([^)]*(?:```|`\{3|code-cell)""", text), path.name
        assert not re.search(r'startswith\("```', text), path.name
