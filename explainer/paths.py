"""Where the book's files are: the foundation every module may import (it imports nothing of the book)."""
from __future__ import annotations

from pathlib import Path

_REPOSITORY = Path(__file__).resolve().parent.parent
#: The book's files (data/, references.bib, _toc.yml, the chapters, locale/): the repository, or, in an
#: installed copy of the package (the wheel readers' notebooks install), the copy bundled inside it.
ROOT = (_REPOSITORY if (_REPOSITORY / "data" / "datapackage.json").is_file()
        else Path(__file__).resolve().parent / "book")
DATA_DIR = ROOT / "data"
BIB_PATH = ROOT / "references.bib"
LOCALE = ROOT / "locale"
