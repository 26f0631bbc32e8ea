"""Keep the Spanish edition's pages in step with the English ones.

Each page of the Spanish edition is a MyST file at the same path under ``es/`` (``es/chapters/spread.md``
for ``chapters/spread.md``), written by a translator. It holds **prose only**: where the English page has
a code cell, the Spanish page has a marker line, ``% code: 3`` (the English page's third code cell), and
:func:`stage` weaves the English cells in (the first one starting with ``i18n.use("es")``, so that the page
computes its figures, tables and values in Spanish) when it assembles the Spanish project. A change of code
is a change of one file.

The two pages have the same blocks — the passages between blank lines, and the code cells (markers) — in
the same order, and **each Spanish passage translates the English passage in the same place.**
``es/translated-from.json`` records, for every Spanish page, a fingerprint of each English passage as it
was when it was translated, and of the Spanish passage that translates it. ``python -m bookbuild.editions``
(a step of ``make book``) names, by file and line in both languages:

* a Spanish passage whose English has changed since (*stale*);
* a Spanish passage that is not the one recorded in its place: edited, moved, swapped or deleted since it
  was recorded (a reviewed change is recorded again with ``mark``);
* a missing page, a different structure, a code cell copied into a Spanish page, a marker out of order.

The tests fail until a translator updates the Spanish and records it with ``python -m bookbuild.editions
mark es/chapters/x.md``. A Spanish page behind the English says so at its top meanwhile
(``_ext/editions.py``), so a reader is never shown out-of-date Spanish without knowing.

Parallel files, rather than Sphinx's gettext catalogues, because the pages are notebooks: their prose is
interleaved with glue values, citations and cross-references that a translator must move within the
sentence, and their code must run once per language (see the Methods appendix).
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from explainer import toc
from explainer.paths import ROOT

from . import myst

LANG = "es"
RECORD = Path("es") / "translated-from.json"
#: The line a translation's first code cell starts with, when the edition is staged.
USE_LINE = 'from explainer import i18n; i18n.use("es")  # this page computes in Spanish'
#: Where a code cell of the English page goes in a translation: ``% code: 3``, its third cell.
CODE_MARK = re.compile(r"^% code: (\d+)$")


@dataclass
class Block:
    line: int           # first line, 1-based
    text: str
    code: bool = False  # a {code-cell}, the front matter, or (in a translation) a code marker

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.text.strip().encode()).hexdigest()[:16]

    @property
    def front(self) -> bool:
        return self.code and self.text.startswith("---")

    @property
    def mark(self) -> int | None:
        m = CODE_MARK.match(self.text)
        return int(m.group(1)) if m else None

    @property
    def shape(self) -> tuple:
        """What must be identical in a translation: the kind of block and its verbatim lines (MyST
        comments such as ``% fact:``, labels, directive names and options)."""
        first = self.text.split("\n", 1)[0]
        m = re.match(r"^(#+ |`{3,}\{?[\w:-]*\}?|:{3,}\{?[\w:-]*\}?|\d+\. |[-*] |> |\|)", first)
        keep = tuple(ln for ln in self.text.split("\n")
                     if ln.startswith("%") or re.fullmatch(r"\(.+\)=", ln) or re.match(r"^:[\w-]+:", ln)
                     or re.fullmatch(r"`{3,}|:{3,}", ln))
        return (m.group(1) if m else "p", keep)


def blocks(path: Path) -> list[Block]:
    """A MyST page's blocks: front matter, each code cell whole (or code marker), and the
    blank-line-separated passages of everything else."""
    return blocks_of(path.read_text(encoding="utf-8"))


def blocks_of(text: str) -> list[Block]:
    """The blocks of a MyST page's text (see :func:`blocks`): the front matter and code cells as the
    build's MyST parser finds them (:mod:`bookbuild.myst`), and the passages between blank lines. A
    glossary is one passage, with the lines that follow its closing fence (:data:`myst.ONE_PASSAGE`): each
    edition lists its terms in its own alphabetical order, so its entries do not pair one for one."""
    lines = text.split("\n")
    parts = myst.parse(text, nested=False)
    whole = {p.start: p for p in parts if p.kind in ("front_matter", "code_cell")}
    passage = {p.start: p for p in parts if p.kind == "directive" and p.name in myst.ONE_PASSAGE}
    out: list[Block] = []
    cur: list[str] = []
    start = 0
    i = 0
    while i < len(lines):
        ln = lines[i]
        if i + 1 in passage:
            if not cur:
                start = i + 1
            cur += lines[i:passage[i + 1].end]
            i = passage[i + 1].end
            continue
        if i + 1 in whole or CODE_MARK.match(ln):
            if cur:
                out.append(Block(start, "\n".join(cur)))
                cur = []
            end = whole[i + 1].end if i + 1 in whole else i + 1
            out.append(Block(i + 1, "\n".join(lines[i:end]), code=True))
            i = end
            continue
        if ln.strip() == "":
            if cur:
                out.append(Block(start, "\n".join(cur)))
                cur = []
        else:
            if not cur:
                start = i + 1
            cur.append(ln)
        i += 1
    if cur:
        out.append(Block(start, "\n".join(cur)))
    return out


def cells(english: list[Block]) -> list[str]:
    """The code cells of an English page, as a translation runs them (the first starts with ``USE_LINE``)."""
    out = []
    for b in english:
        if not b.code or b.front:
            continue
        text = b.text
        if not out:
            head, _, body = text.partition("\n")
            rest = body.split("\n")
            opts = []
            while rest and (rest[0].startswith(":") or rest[0] == ""):
                opts.append(rest.pop(0))
            text = "\n".join([head, *opts, USE_LINE, *rest])
        out.append(text)
    return out


def weave(en: Path, es: Path) -> str:
    """The Spanish page as the Spanish project runs it: the English front matter, then the Spanish page with
    each code marker replaced by the English cell it names."""
    eb = blocks(en)
    code = cells(eb)
    front = next((b.text + "\n\n" for b in eb if b.front), "")
    lines = []
    for ln in es.read_text(encoding="utf-8").split("\n"):
        m = CODE_MARK.match(ln)
        lines.append(code[int(m.group(1)) - 1] if m and 0 < int(m.group(1)) <= len(code) else ln)
    return front + "\n".join(lines)


def pairs(root: Path = ROOT) -> list[tuple[Path, Path]]:
    return list(zip(toc.pages(root, "en"), toc.pages(root, LANG)))


def _record(root: Path) -> dict[str, dict[str, list[str]]]:
    p = root / RECORD
    return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}


def _layout(bs: list[Block]) -> list[str]:
    return ["code" if b.code else "prose" for b in bs if not b.front]


def problems(root: Path = ROOT) -> dict[str, list[str]]:
    """Spanish page (relative path) → what is wrong with it, one line each naming file and line:
    a missing page, code in it, a different structure, stale passages, passages changed or moved since
    they were recorded."""
    record = _record(root)
    out: dict[str, list[str]] = {}
    for en, es in pairs(root):
        en_rel, es_rel = en.relative_to(root).as_posix(), es.relative_to(root).as_posix()
        found = out.setdefault(es_rel, [])
        if not es.is_file():
            found.append(f"{es_rel}: missing: the Spanish of {en_rel} (write its passages, with a '% code: N' "
                         "line where the English page has its Nth code cell)")
            continue
        eb, sb = blocks(en), blocks(es)
        copied = [b for b in sb if b.code and b.mark is None]
        for b in copied:
            found.append(f"{es_rel}:{b.line}: a Spanish page holds prose only: the code is {en_rel}'s, woven in "
                         "when the edition is staged (write '% code: N' for its Nth cell instead)")
        marks = [b for b in sb if b.mark is not None]
        n_cells = len(cells(eb))
        for k, b in enumerate(marks, start=1):
            if b.mark != k or k > n_cells:
                found.append(f"{es_rel}:{b.line}: '% code: {b.mark}' where {en_rel} has its code cell "
                             f"{k if k <= n_cells else '(none: it has ' + str(n_cells) + ')'}")
                break
        if len(marks) < n_cells and not copied:
            found.append(f"{es_rel}: {len(marks)} code markers for the {n_cells} code cells of {en_rel}")
        eprose = [b for b in eb if not b.code]
        sprose = [b for b in sb if not b.code]
        if len(eprose) != len(sprose):
            found.append(f"{es_rel}: {len(sprose)} passages for the {len(eprose)} of {en_rel}: a translation keeps "
                         "the English blocks (passages between blank lines), one for one")
            continue
        if not copied and _layout(eb) != _layout(sb):
            at = next(s.line for e, s in zip([b for b in eb if not b.front], sb) if e.code != s.code)
            found.append(f"{es_rel}:{at}: the code markers are not where {en_rel} has its code cells")
        for e, s in zip(eprose, sprose):
            if e.shape != s.shape:
                found.append(f"{es_rel}:{s.line}: does not have the shape of {en_rel}:{e.line} (same kind of "
                             f"block, same % lines, labels and directive options): {e.shape} vs {s.shape}")
                break
        marks_of = record.get(es_rel)
        if marks_of is None:
            found.append(f"{es_rel}: not recorded as translated (python -m bookbuild.editions mark {es_rel})")
            continue
        if len(marks_of["en"]) != len(eprose) or len(marks_of["es"]) != len(sprose):
            found.append(f"{es_rel}: recorded for {len(marks_of['en'])} English passages, {en_rel} has "
                         f"{len(eprose)}; update the translation, then: python -m bookbuild.editions mark {es_rel}")
            continue
        spanish = {fp: i for i, fp in enumerate(marks_of["es"])}
        for i, (e, s, efp, sfp) in enumerate(zip(eprose, sprose, marks_of["en"], marks_of["es"])):
            if e.fingerprint != efp:
                found.append(f"{es_rel}:{s.line}: stale: {en_rel}:{e.line} changed since it was translated")
            elif s.fingerprint != sfp:
                was = spanish.get(s.fingerprint)
                how = (f"moved: it was recorded as the translation of passage {was + 1}" if was is not None
                       else "changed since it was recorded")
                found.append(f"{es_rel}:{s.line}: {how}, not of {en_rel}:{e.line}; check it against the English, "
                             f"then: python -m bookbuild.editions mark {es_rel}")
    return {k: v for k, v in out.items() if v}


def stale_lines(root: Path = ROOT) -> dict[str, list[int]]:
    """Spanish page → lines of its stale passages (for the notice at the top of the page)."""
    out: dict[str, list[int]] = {}
    for page, found in problems(root).items():
        for f in found:
            m = re.match(r"^[^:]+:(\d+): stale", f)
            if m:
                out.setdefault(page, []).append(int(m.group(1)))
    return out


def mark(paths: list[str], root: Path = ROOT) -> None:
    """Record the Spanish pages ``paths`` as translations of their English pages as they are now: each
    English passage's fingerprint, and its Spanish passage's."""
    if not paths:
        raise SystemExit("name the Spanish pages to record as translated (python -m bookbuild.editions mark "
                         "es/chapters/x.md …): a page is recorded after its translation has been checked")
    record = _record(root)
    by_es = {es.relative_to(root).as_posix(): en for en, es in pairs(root)}
    for p in paths:
        path = Path(p) if Path(p).is_absolute() else root / p
        rel = path.resolve().relative_to(root.resolve()).as_posix()
        if rel not in by_es:
            raise SystemExit(f"{p}: not a page of the Spanish edition")
        record[rel] = {"en": [b.fingerprint for b in blocks(by_es[rel]) if not b.code],
                       "es": [b.fingerprint for b in blocks(path) if not b.code]}
    (root / RECORD).write_text(json.dumps(dict(sorted(record.items())), indent=1) + "\n", encoding="utf-8")


#: Where the Spanish edition is assembled as a Sphinx project of its own, and where it is published.
STAGE = Path("_build") / "es-src"
#: What the Spanish project shares with the English one (copied, so that the build's extensions find the
#: data, the bibliography and the citation file where they look for them, on any OS).
SHARED = ("data", "references.bib", "CITATION.cff", "_static", "_templates", "jupytext.toml", "locale")


def _copy(src: Path, dst: Path) -> None:
    """Copy a file or folder, leaving files whose content is unchanged alone (so that Sphinx, which
    looks at modification times, re-reads only what changed)."""
    import shutil

    if src.is_dir():
        for f in src.rglob("*"):
            if f.is_file() and "__pycache__" not in f.parts:
                _copy(f, dst / f.relative_to(src))
        return
    if dst.is_file() and dst.read_bytes() == src.read_bytes():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def _merge(into: dict, changes: dict) -> None:
    """Apply ``changes`` to ``into``, key by key, into nested settings (``html_theme_options``)."""
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def stage(root: Path = ROOT) -> Path:
    """Assemble the Spanish edition's Sphinx project in ``_build/es-src``: its pages (from ``es/``, with the
    English pages' code woven in), the English configuration and table of contents with
    ``es/edition.yml`` applied, and the shared files.
    Returns the project's folder."""
    import yaml

    out = root / STAGE
    edition = yaml.safe_load((root / "es" / "edition.yml").read_text(encoding="utf-8"))
    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    cfg["title"], cfg["author"] = edition["title"], edition["author"]
    cfg["copyright"] = edition.get("copyright", cfg.get("copyright"))
    cfg["execute"]["cache"] = str((root / "_build" / ".jupyter_cache").resolve())
    cfg["sphinx"]["local_extensions"] = {k: str((root / v).resolve()) + "/"
                                         for k, v in cfg["sphinx"]["local_extensions"].items()}
    cfg["sphinx"]["config"]["language"] = edition["language"]
    cfg["sphinx"]["config"]["explainer_edition"] = edition["language"]
    cfg["sphinx"]["config"]["explainer_description"] = edition["description"]
    _merge(cfg["sphinx"]["config"], edition.get("sphinx", {}))
    tocfile = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    for part in tocfile.get("parts", []):
        part["caption"] = edition["captions"][part["caption"]]
    files = {"_config.yml": yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False),
             "_toc.yml": yaml.safe_dump(tocfile, allow_unicode=True, sort_keys=False)}
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        p = out / name
        if not p.is_file() or p.read_text(encoding="utf-8") != text:
            p.write_text(text, encoding="utf-8")
    for name in SHARED:
        if (root / name).exists():
            _copy(root / name, out / name)
    for en, es in pairs(root):
        if es.is_file():
            dst = out / es.relative_to(root / "es")
            text = weave(en, es)
            if not dst.is_file() or dst.read_text(encoding="utf-8") != text:  # Sphinx re-reads what changed
                dst.parent.mkdir(parents=True, exist_ok=True)
                dst.write_text(text, encoding="utf-8")
    return out


def publish(root: Path = ROOT) -> Path:
    """Put the built Spanish edition at ``_build/html/es/``. Returns that folder."""
    import shutil

    built, dest = root / STAGE / "_build" / "html", root / "_build" / "html" / LANG
    if not (built / "index.html").is_file():
        raise SystemExit(f"{built.relative_to(root)}: the Spanish edition has not been built")
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(built, dest)
    return dest


def build(flags: list[str], root: Path = ROOT) -> int:
    """Render both editions at once (``jupyter-book build`` of the book and of the staged Spanish project,
    side by side: each is one process, and the chapters they show were executed before), then publish the
    Spanish one. Prints each build's log; returns non-zero if either failed."""
    import os
    import subprocess
    import time

    jb = str(Path(sys.executable).with_name("jupyter-book"))
    # the extensions in _ext/ import the build's own package (bookbuild), which is not installed
    path = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH", "")) if p)
    env = dict(os.environ, EXPLAINER_BOOK_BUILD="1", PYTHONPATH=path)
    logs = {lang: root / "_build" / f"build-{lang}.log" for lang in ("en", LANG)}
    logs["en"].parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    procs = {lang: subprocess.Popen([jb, "build", str(src), *flags], cwd=root, env=env,
                                    stdout=open(logs[lang], "w", encoding="utf-8"), stderr=subprocess.STDOUT)
             for lang, src in (("en", root), (LANG, root / STAGE)) if lang in toc.built_editions()}
    codes = {lang: p.wait() for lang, p in procs.items()}
    for lang, code in codes.items():  # each build's output, one after the other
        text = logs[lang].read_text(encoding="utf-8", errors="replace")
        print(f"--- the {lang} edition ({logs[lang].relative_to(root)}) ---\n{text}",
              file=sys.stderr if code else sys.stdout)
        if code:
            print(f"--- the {lang} edition's build failed (above; {logs[lang].relative_to(root)})", file=sys.stderr)
    if any(codes.values()):
        return 1
    if LANG in codes:
        publish(root)
    print(f"{' and '.join(codes)} rendered in {time.perf_counter() - t0:.1f} s"
          + (f"; the Spanish edition is at _build/html/{LANG}/" if LANG in codes else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["build"]:
        return build(argv[1:])
    if argv[:1] == ["publish"]:
        print(publish().relative_to(ROOT))
        return 0
    if argv[:1] == ["stage"]:
        print(stage().relative_to(ROOT))
        return 0
    if argv[:1] == ["mark"]:
        mark(argv[1:])
        return 0
    from .catalogues import problems as catalogue_problems

    found = [line for lines in problems().values() for line in lines] + catalogue_problems()
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"The Spanish edition: {len(found)} passage(s) or string(s) missing or out of date "
              "(the tests fail until they are translated)", file=sys.stderr)
    return 1 if found and "--strict" in argv else 0


if __name__ == "__main__":
    sys.exit(main())
