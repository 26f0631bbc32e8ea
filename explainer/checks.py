"""Checks that read the chapters' text against the data, without executing any notebook.

``python -m explainer.checks`` (the first step of ``make book``) prints the book's "as of" date and the
newest dated row in the data, then fails, naming file and line, when:

* a chapter states an "as of" date (the ``{asof}`` role) older than the newest dated row of a table it
  draws on (``data.load("table")`` in its code) — the chapter has fallen behind its data;
* a stated "as of" date is later than the data's own as-of date (a date the sources do not reach);
* a chapter that draws on dated tables states no "as of" date at all;
* a ``{correction}`` note names a correction that ``data/corrections.csv`` does not hold, or a logged
  correction has no note in its chapter.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from .data import ROOT, DataError, DataPackage, format_date

ASOF_ROLE = re.compile(r"\{asof\}`(?P<date>[^`]*)`")
CORRECTION_ROLE = re.compile(r"\{correction\}`(?P<id>[^`]*)`")
LOAD = re.compile(r"""load\(\s*["'](?P<table>[a-z_]+)["']\s*\)""")
#: Tables whose dates are editorial (publication dates), not dates of facts.
EDITORIAL_TABLES = {"corrections", "updates"}


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def chapter_files(root: Path = ROOT) -> list[Path]:
    """The book's pages in table-of-contents order, read from ``_toc.yml``."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(node):
        for key in ("parts", "chapters", "sections"):
            for item in node.get(key, []) or []:
                if "file" in item:
                    files.append(item["file"])
                walk(item)

    walk(toc)
    return [root / f"{f}.md" for f in files]


def newest_dates(pkg: DataPackage) -> dict[str, tuple[dt.date, str]]:
    """Table → (newest date in any of its date columns, a description of the row it is in)."""
    out = {}
    for name in pkg.tables:
        if name in EDITORIAL_TABLES:
            continue
        fields = pkg.resources[name]["schema"]["fields"]
        df = pkg.load(name)
        pk = pkg.resources[name]["schema"].get("primaryKey")
        best = None
        for f in fields:
            if f.get("type") != "date":
                continue
            col = df[f["name"]].dropna()
            if col.empty:
                continue
            i = col.idxmax()
            d = col.loc[i].date()
            if best is None or d > best[0]:
                key = df.loc[i, pk] if isinstance(pk, str) else i
                key = key.date().isoformat() if hasattr(key, "date") else key
                best = (d, f"{name}.csv row {key!s}, column {f['name']}")
        if best:
            out[name] = best
    return out


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def check_as_of(root: Path = ROOT, pkg: DataPackage | None = None) -> list[Finding]:
    pkg = pkg or DataPackage(root / "data", root / "references.bib")
    newest = newest_dates(pkg)
    findings = []
    for path in chapter_files(root):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root).as_posix()
        tables = sorted({m["table"] for m in LOAD.finditer(text)} & set(newest))
        stated = []
        for m in ASOF_ROLE.finditer(text):
            line = _line(text, m.start())
            try:
                d = dt.date.fromisoformat(m["date"].strip())
            except ValueError:
                findings.append(Finding(rel, line, f"{{asof}} needs a date as YYYY-MM-DD, not {m['date']!r}"))
                continue
            if d > pkg.as_of:
                findings.append(Finding(rel, line, f"states 'as of {d}', later than the data's as-of date "
                                                   f"{pkg.as_of} (data/datapackage.json asOf)"))
            stated.append((d, line))
        if not tables:
            continue
        if not stated:
            findings.append(Finding(rel, 1, f"draws on {', '.join(tables)} but states no as-of date; "
                                            "add one with {asof}`YYYY-MM-DD`"))
            continue
        chapter_as_of, line = max(stated)
        for t in tables:
            d, where = newest[t]
            if chapter_as_of < d:
                findings.append(Finding(rel, line, f"stale: the chapter says 'as of {chapter_as_of}' but {where} "
                                                   f"is dated {d}; update the chapter and its {{asof}} date"))
    return findings


def check_corrections(root: Path = ROOT, pkg: DataPackage | None = None) -> list[Finding]:
    pkg = pkg or DataPackage(root / "data", root / "references.bib")
    table = pkg.load("corrections")
    logged = dict(zip(table["correction_id"].astype(str), table["chapter"].astype(str)))
    findings, noted = [], set()
    for path in chapter_files(root):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root).as_posix()
        for m in CORRECTION_ROLE.finditer(text):
            cid = m["id"].strip()
            noted.add((cid, path.stem))
            if cid not in logged:
                findings.append(Finding(rel, _line(text, m.start()),
                                        f"{{correction}} {cid!r} is not in data/corrections.csv"))
    for cid, chapter in logged.items():
        if (cid, chapter) not in noted:
            line = 1 + next(i for i, l in enumerate((root / "data" / "corrections.csv").read_text(
                encoding="utf-8").splitlines()) if l.startswith(cid + ","))
            findings.append(Finding("data/corrections.csv", line,
                                    f"correction {cid} names chapter {chapter!r}, which has no "
                                    f"{{correction}}`{cid}` note at the point of change"))
    return findings


def run(root: Path = ROOT) -> list[Finding]:
    pkg = DataPackage(root / "data", root / "references.bib")
    return check_as_of(root, pkg) + check_corrections(root, pkg)


def main(argv: list[str] | None = None) -> int:
    root = ROOT
    try:
        pkg = DataPackage(root / "data", root / "references.bib")
        newest = newest_dates(pkg)
        d, where = max(newest.values())
        print(f"Book as of {format_date(pkg.as_of)}; newest dated row: {format_date(d)} ({where})")
        findings = run(root)
    except DataError as e:
        print(e, file=sys.stderr)
        return 1
    for f in findings:
        print(f, file=sys.stderr)
    if findings:
        print(f"{len(findings)} problem(s) in the chapters' text", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
