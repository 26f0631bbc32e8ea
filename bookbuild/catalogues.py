"""The build's tooling for the translation catalogues (``locale/<language>/LC_MESSAGES/*.po``): it finds
every string the code and the data show to readers, brings the catalogues up to date, and lists what has no
translation. Readers' code never imports it; :mod:`explainer.i18n` reads the catalogues.

* ``python -m bookbuild.catalogues update [domain …]`` brings the catalogues up to date with the code and
  the data (new strings enter empty; a changed English string keeps its old Spanish marked *fuzzy*, with
  the English it was made from);
* ``python -m bookbuild.catalogues [--strict]`` lists every string that has no Spanish or whose Spanish was
  made from other English.
"""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import explainer
from explainer import i18n
from explainer.data import translatable
from explainer.i18n import catalogue_dir, catalogues
from explainer.paths import ROOT

from . import myst

#: Python files whose ``tr("…")`` strings the catalogues hold, besides the chapters' code cells.
CODE_DIR = Path(explainer.__file__).resolve().parent


# ------------------------------------------------------------------------------------------ extraction
def _tr_calls(source: str) -> list[tuple[str, int]]:
    """``(msgid, line)`` of every ``tr("…")`` or ``N_("…")`` with a literal string in Python ``source``."""
    out = []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return out
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
                and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) in ("tr", "N_")
                and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            out.append((node.args[0].value, node.lineno))
    return out


def code_strings(root: Path = ROOT) -> dict[str, list[tuple[str, str, int]]]:
    """Domain → [(msgid, file, line)] of every ``tr()`` string in the package and the chapters' code."""
    from explainer.toc import pages

    out: dict[str, list[tuple[str, str, int]]] = {}
    for py in sorted(CODE_DIR.glob("*.py")):
        if py.stem in ("i18n",):
            continue
        rel = py.relative_to(root).as_posix() if py.is_relative_to(root) else py.name
        for msgid, line in _tr_calls(py.read_text(encoding="utf-8")):
            out.setdefault(domain_of(py.stem), []).append((msgid, rel, line))
    for text, line in package_texts(root):  # shown by the "Data and sources" appendix
        out.setdefault("appendix", []).append((text, "data/datapackage.json", line))
    for py in sorted((root / "_ext").glob("*.py")):  # the build's extensions: footers, notes, links
        for msgid, line in _tr_calls(py.read_text(encoding="utf-8")):
            out.setdefault("site", []).append((msgid, py.relative_to(root).as_posix(), line))
    for tpl in sorted((root / "_templates").glob("*.html")):  # {{ tr("…") }} in the page templates
        text = tpl.read_text(encoding="utf-8")
        for m in re.finditer(r"""\btr\(\s*"((?:[^"\\]|\\.)*)"\s*\)""", text):
            out.setdefault("site", []).append((m.group(1), tpl.relative_to(root).as_posix(),
                                               text.count("\n", 0, m.start()) + 1))
    for page in pages(root):
        rel = page.relative_to(root).as_posix()
        domain = domain_of(page.stem)
        for first, code in myst.code_cells(page.read_text(encoding="utf-8")):
            for msgid, line in _tr_calls(code):
                out.setdefault(domain, []).append((msgid, rel, first + line - 1))
    return out


def package_fields(root: Path = ROOT) -> list[tuple[str, str, str, int]]:
    """[(context, English, column, line)] of what the data package says about each column, which the
    Spanish edition translates for its data dictionary and its Spanish tables: every column's name
    (``name``: a Spanish column name) and description, and the codes of each column of codes marked
    ``"translate": true`` (``code``: one translation per code, whatever column holds it)."""
    import json

    path = root / "data" / "datapackage.json"
    source = path.read_text(encoding="utf-8")
    out, at = [], 0
    for res in json.loads(source)["resources"]:
        for f in res.get("schema", {}).get("fields", []):
            found = source.find(f'"name": {json.dumps(f["name"])}', at)
            at = found if found >= 0 else at
            line = source.count("\n", 0, at) + 1
            where = f"{res['name']}.{f['name']}"
            out.append((f"datapackage:{where}:name", f["name"], "name", line))
            if f.get("description"):
                out.append((f"datapackage:{where}:description", f["description"], "description", line))
            if f.get("translate") and "enum" in f.get("constraints", {}):
                out += [(f"datapackage:{where}={code}:code", code, "code", line) for code in f["constraints"]["enum"]]
    return out


def package_texts(root: Path = ROOT) -> list[tuple[str, int]]:
    """(text, line) of every title, description and licence name of the data package
    (``data/datapackage.json``), which the "Data and sources" appendix shows translated."""
    import json

    path = root / "data" / "datapackage.json"
    source = path.read_text(encoding="utf-8")
    descriptor = json.loads(source)
    texts = [x.get("title", x["name"]) for x in descriptor.get("licenses", [])]
    for res in descriptor["resources"]:
        texts += [res.get("title", res["name"]), res.get("description", "")]
        texts += [x.get("title", x["name"]) for x in res.get("licenses", [])]
    out = []
    for text in dict.fromkeys(t for t in texts if t):
        at = source.find(json.dumps(text, ensure_ascii=False)[1:-1])
        out.append((text, source.count("\n", 0, at) + 1 if at >= 0 else 1))
    return out


#: Chapters whose strings have a catalogue of their own (module and chapter share it).
CHAPTER_DOMAINS = ("indictment", "origins", "spread", "geopolitics", "claims", "factcheck")
#: The appendices' pages and the modules that generate them share one catalogue.
APPENDIX = ("appendix", "people", "events", "whos-who", "timeline", "whats-new", "data-sources", "methods",
            "glossary", "corrections", "status", "bibliography")


def domain_of(stem: str) -> str:
    """The catalogue a module's or a page's strings belong to (``book``: the shared modules and the home
    page; ``site``, not from here: the build's extensions and templates)."""
    return stem if stem in CHAPTER_DOMAINS else "appendix" if stem in APPENDIX else "book"


def data_strings(root: Path = ROOT, pkg=None) -> dict[str, list[tuple[str, str, str, int]]]:
    """Table → [(context, English, column, CSV line)] of every translatable field of every row (of the
    data package ``pkg``, by default the book's at ``root``)."""
    if pkg is None:
        from explainer.data import DataPackage

        pkg = DataPackage(root / "data")
    out: dict[str, list[tuple[str, str, str, int]]] = {}
    for name in pkg.tables:
        schema = pkg.resources[name].get("schema", {})
        cols = translatable(schema)
        if not cols:
            continue
        df = pkg.load(name, verify_hash=False)
        for pos, (key, row) in enumerate(df.iterrows()):
            for c in cols:
                v = row[c]
                if isinstance(v, str) and v:
                    out.setdefault(name, []).append((f"{name}:{key}:{c}", v, c, pos + 2))
    out["datapackage"] = package_fields(Path(pkg.root).parent if getattr(pkg, "root", None) else root)
    bib = getattr(pkg, "bib_path", None) or root / "references.bib"
    if Path(bib).is_file():
        out["references"] = reference_strings(Path(bib))
    return out


#: The bibliography's fields that readers see translated (the "table" ``references`` of the catalogues; its
#: columns are the fields), and their names in :func:`explainer.text.bibliography`'s entries.
REFERENCE_FIELDS = {"title": "title", "organization": "publisher", "note": "note"}


def reference_strings(bib: Path, language: str = "es") -> list[tuple[str, str, str, int]]:
    """[(context, English, column, line)] of the bibliography's text that the ``language`` edition
    translates: each source's publisher and note, and its title where the title is the editors'
    [description] or in another language than the edition's (a Spanish headline is shown as it is)."""
    from explainer.data import bib_lines
    from explainer.text import EDITION_OF_LANGID, bibliography

    lines = {(key, field): n for key, _, fields in bib_lines(bib) for field, (_, n) in fields.items()}
    out = []
    for key, e in bibliography(bib).items():
        for field, column in REFERENCE_FIELDS.items():
            value = e[column]
            if not value or (column == "title" and not e["described"]
                             and EDITION_OF_LANGID.get(e["langid"]) == language):
                continue
            out.append((f"references:{key}:{field}", value, field, lines.get((key, field), 1)))
    return out


def source_file(table: str) -> str:
    """The file a catalogue's "table" of data strings comes from."""
    return {"references": "references.bib", "datapackage": "data/datapackage.json"}.get(table, f"data/{table}.csv")


# ------------------------------------------------------------------------------------------ checking
def problems(language: str = "es", root: Path = ROOT) -> list[str]:
    """Every string of the code or the data that has no ``language`` translation or whose translation was
    made from other English (fuzzy, or its English has changed since). One line each, naming where."""
    code, fields = i18n._entries(language)
    out = []
    cdir = catalogue_dir(language).relative_to(root).as_posix() if catalogue_dir(language).is_relative_to(root) \
        else str(catalogue_dir(language))
    for domain, items in code_strings(root).items():
        for msgid, file, line in items:
            found = code.get(msgid)
            if not found or not found[0]:
                out.append(f"{file}:{line}: no Spanish for {msgid!r} ({cdir}/{domain}.po)")
            elif found[1]:
                out.append(f"{file}:{line}: the Spanish of {msgid!r} is fuzzy, made from other English "
                           f"({cdir}/{found[2]}.po)")
    seen: dict[str, tuple[str, str]] = {}  # one msgid, one translation, whichever catalogue holds it
    for domain, cat in catalogues(language).items():
        for m in cat:
            if m.id and not m.context and m.string:
                if m.id in seen and seen[m.id][1] != m.string:
                    out.append(f"{cdir}/{domain}.po: {m.id!r} is {m.string!r} here but {seen[m.id][1]!r} in "
                               f"{cdir}/{seen[m.id][0]}.po: one string, one translation")
                seen.setdefault(m.id, (domain, m.string))
    for table, items in data_strings(root).items():
        for ctx, english, column, line in items:
            found = fields.get(ctx)
            if not found or not found[0]:
                out.append(f"{source_file(table)}:{line}: column '{column}' has no Spanish ({cdir}/data-{table}.po, "
                           f"msgctxt {ctx!r})")
            elif found[1] or found[3] != english:
                out.append(f"{source_file(table)}:{line}: column '{column}' changed since it was translated: "
                           f"update its Spanish in {cdir}/data-{table}.po (msgctxt {ctx!r})")
    return out


_MARKUP = re.compile(r"<[A-Za-z/!][^>]*>|&[A-Za-z]+;|&#\\d+;")


def data_problems(language: str = "es", root: Path = ROOT, pkg=None) -> list[str]:
    """Errors in the data's translations: a text field with no ``language`` version, or one that holds
    markup (data are shown as text). A translation made from older English is not an error here
    (:func:`problems` reports it)."""
    _, fields = i18n._entries(language)
    out = []
    for table, items in data_strings(root, pkg).items():
        po = f"locale/{language}/LC_MESSAGES/data-{table}.po"
        for ctx, _english, column, line in items:
            found = fields.get(ctx)
            if not found or not found[0]:
                out.append(f"{source_file(table)}, line {line}, column '{column}': no Spanish translation "
                           f"(add it to {po}, msgctxt {ctx!r}; python -m bookbuild.catalogues update adds the entry)")
            elif _MARKUP.search(found[0]):
                out.append(f"{po}, msgctxt {ctx!r}: HTML markup or entity in a translation (not allowed; "
                           "text is shown escaped)")
    return out


def update(language: str = "es", root: Path = ROOT, domains: list[str] | None = None) -> list[Path]:
    """Bring the catalogues up to date with the code and the data, as ``pybabel update`` does: new
    strings enter with no translation, changed ones keep their old translation marked fuzzy, strings no
    longer used are dropped. Returns the files written."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    d = catalogue_dir(language)
    d.mkdir(parents=True, exist_ok=True)
    existing = catalogues(language)
    templates: dict[str, Catalog] = {}
    for domain, items in code_strings(root).items():
        t = templates.setdefault(domain, Catalog(locale=language, project="Tren de Aragua explainer"))
        for msgid, file, line in items:
            t.add(msgid, locations=[(file, line)])
    for table, items in data_strings(root).items():
        t = templates.setdefault(f"data-{table}", Catalog(locale=language, project="Tren de Aragua explainer"))
        for ctx, english, _column, line in items:
            t.add(english, context=ctx, locations=[(source_file(table), line)])
    written = []
    for domain, template in templates.items():
        if domains and domain not in domains:
            continue
        cat = existing.get(domain) or Catalog(locale=language, project="Tren de Aragua explainer")
        if domain.startswith("data-"):
            _merge_fields(cat, template)
        else:
            cat.update(template, no_fuzzy_matching=False, update_header_comment=False)
        path = d / f"{domain}.po"
        with open(path, "wb") as f:
            write_po(f, cat, width=100, sort_output=False, ignore_obsolete=True, include_previous=True)
        written.append(path)
    return written


def _merge_fields(cat, template) -> None:
    """Data fields match by context (their row and column), not fuzzily by text as Babel's update does: a
    field whose English changed keeps its old Spanish, marked fuzzy, with the English it was made from."""
    by_ctx = {m.context: m for m in cat if m.id and m.context}
    wanted = {m.context for m in template if m.id}
    for ctx, m in by_ctx.items():
        if ctx not in wanted:
            cat.delete(m.id, context=ctx)
    for m in template:
        if not m.id:
            continue
        old = by_ctx.get(m.context)
        if old is None:
            cat.add(m.id, context=m.context, locations=m.locations)
        elif old.id != m.id:
            cat.delete(old.id, context=m.context)
            new = cat.add(m.id, string=old.string, context=m.context, locations=m.locations,
                          flags=("fuzzy",) if old.string else ())
            new.previous_id = [old.id]
        else:
            old.locations = m.locations


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["update"]:  # update [domain …]: all catalogues, or only the domains named
        for p in update(domains=argv[1:] or None):
            print(p.relative_to(ROOT))
        return 0
    found = problems()
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} Spanish string(s) missing or out of date", file=sys.stderr)
    return 1 if found and "--strict" in argv else 0


if __name__ == "__main__":
    sys.exit(main())
