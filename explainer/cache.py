"""Keep the execution cache honest.

Jupyter Book's execution cache is keyed on each notebook's code only, so a change to the helper package
or to the data would leave chapters showing stale output. ``python -m explainer.cache`` hashes the
inputs every chapter depends on (this package, ``data/``, the pinned requirements) and clears the
execution cache (and Sphinx's saved environment) when they changed since the last build. ``make book`` runs it before building.
"""
from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
DOCTREES = ROOT / "_build" / ".doctrees"  # Sphinx must re-read the chapters, or it keeps old pages
STAMP = ROOT / "_build" / ".inputs.sha256"


def inputs_digest(root: Path = ROOT) -> str:
    h = hashlib.sha256()
    files = sorted([*(root / "explainer").rglob("*.py"), *(root / "data").rglob("*"),
                    root / "requirements.txt", root / "constraints.txt"])
    for p in files:
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(p.relative_to(root).as_posix().encode())
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def main() -> int:
    digest = inputs_digest()
    old = STAMP.read_text().strip() if STAMP.exists() else None
    if old != digest:
        if CACHE.exists() and old is not None:
            print("explainer/, data/ or the requirements changed: clearing the execution cache", file=sys.stderr)
        shutil.rmtree(CACHE, ignore_errors=True)
        shutil.rmtree(DOCTREES, ignore_errors=True)
        STAMP.parent.mkdir(parents=True, exist_ok=True)
        STAMP.write_text(digest + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
