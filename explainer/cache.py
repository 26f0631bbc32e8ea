"""Keep the execution cache honest.

Jupyter Book's execution cache is keyed on each notebook's code only, so a change to the helper package
or to the data would leave chapters showing stale output. ``python -m explainer.cache`` hashes the
inputs every chapter depends on (this package, ``data/``, the pinned requirements) and clears the
execution cache (and Sphinx's saved environment, so the chapters are read again) when they changed
since the last build. ``make book`` runs it before building.
"""
from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def inputs_digest(root: Path = ROOT) -> str:
    h = hashlib.sha256()
    files = sorted([*(root / "explainer").rglob("*.py"), *(root / "data").rglob("*"),
                    root / "requirements.txt", root / "constraints.txt"])
    for p in files:
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(p.relative_to(root).as_posix().encode())
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def main(root: Path = ROOT) -> int:
    build = root / "_build"
    stamp = build / ".inputs.sha256"
    digest = inputs_digest(root)
    old = stamp.read_text().strip() if stamp.exists() else None
    if old != digest:
        if (build / ".jupyter_cache").exists() and old is not None:
            print("explainer/, data/ or the requirements changed: clearing the execution cache", file=sys.stderr)
        shutil.rmtree(build / ".jupyter_cache", ignore_errors=True)
        shutil.rmtree(build / ".doctrees", ignore_errors=True)
        build.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
