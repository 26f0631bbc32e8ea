"""The walls of the house, from the import graph of the source (no module is run): the readers' package
imports nothing of the build, has no import circle, and its figures and text primitives never load data."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "explainer"
#: Modules that draw (charts, maps) or write text (dates, numbers, words, colours): given values, they
#: never reach for the data themselves.
FIGURES = {"explainer.charts", "explainer.maps"}
PRIMITIVES = {"explainer.paths", "explainer.i18n", "explainer.text", "explainer.style"}


def module_imports(path: Path, package: str = "explainer") -> set[str]:
    """The modules of ``package`` that the file at ``path`` imports, anywhere in it (inside functions
    too: a late import is an import)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] in (package, "bookbuild")}
        elif isinstance(node, ast.ImportFrom):
            base = f"{package}.{node.module}" if node.level and node.module else package if node.level \
                else node.module
            if base and base.split(".")[0] in (package, "bookbuild"):
                names = {f"{base}.{a.name}" for a in node.names}
                found |= {n for n in names if (ROOT / (n.replace(".", "/") + ".py")).is_file()} or {base}
    return {m for m in found if m != package}


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    return {f"explainer.{p.stem}": module_imports(p) for p in sorted(root.glob("*.py")) if p.stem != "__init__"}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle (one path each), by depth-first search."""
    out, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                out.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return out


def reach(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_the_package_has_no_import_circle():
    found = cycles(graph())
    assert not found, "import circles: " + "; ".join(" → ".join(c) for c in found)


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("module", sorted(FIGURES | PRIMITIVES))
def test_figures_and_text_never_import_the_data(module):
    edges = graph()
    assert module in edges
    assert "explainer.data" not in reach(edges, module) | edges[module], \
        f"{module} reaches explainer.data: {sorted(reach(edges, module))}"


def test_the_readers_package_imports_nothing_of_the_build():
    edges = graph()
    offenders = {m: sorted(i for i in imports if i.startswith("bookbuild")) for m, imports in edges.items()}
    assert not {m: i for m, i in offenders.items() if i}


def test_the_graph_sees_late_and_relative_imports(tmp_path):
    (tmp_path / "m.py").write_text("from . import data\ndef f():\n"
                                   "    from .text import when\n    import bookbuild.checks\n")
    assert module_imports(tmp_path / "m.py") >= {"explainer.data", "explainer.text", "bookbuild.checks"}


def test_the_data_load_as_stored_in_every_language():
    """data.load gives the tables as stored whatever the page's language: translation happens where text
    is shown (i18n.shown / i18n.say), so no rule can compare a translated string."""
    from explainer import data, i18n

    english = data.package().load("timeline")
    with i18n.using("es"):
        assert data.package().load("timeline").equals(english)
        shown = i18n.shown(english, "timeline")
    assert (shown["event"] != english["event"]).any() and shown["event_id"].equals(english["event_id"])


def test_each_label_set_lives_once_in_the_data():
    """The confidence labels, evidence levels and verdicts are spelled once, in data/vocabularies.csv (the
    package holds no dict of their words), and each vocabulary's codes are those the data tables use."""
    import json

    from explainer import data

    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(PACKAGE.glob("*.py")))
    for words in ('N_("corroborated")', 'N_("single-source")', 'N_("Convictions")', 'N_("Partly supported")',
                  'N_("court convictions")', "corroborated (several", 'N_("Extortion")', 'N_("at large")',
                  'N_("restated")', 'N_("Not yet decided")', 'N_("Clarification")'):
        assert words not in source, words
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    tables = {r["name"]: {f["name"]: f for f in r.get("schema", {}).get("fields", [])} for r in descriptor["resources"]}
    for vocabulary, where, column in (("confidence", None, "confidence"), ("evidence", "presence", "evidence_level"),
                                      ("verdict", "claims", "verdict"), ("status", "people", "status"),
                                      ("reward-event", "rewards", "event"), ("correction-kind", "corrections", "kind"),
                                      ("lead-status", "leads", "status"), ("lead-kind", "leads", "kind")):
        codes = list(data.words(vocabulary))
        enums = [fields[column]["constraints"]["enum"] for name, fields in tables.items()
                 if (where is None or name == where) and "enum" in fields.get(column, {}).get("constraints", {})]
        assert enums and all(sorted(e) == sorted(codes) for e in enums), (vocabulary, enums, codes)
    assert data.CONFIDENCE == list(data.words("confidence"))
    activities = next(f for r in descriptor["resources"] if r["name"] == "presence"
                      for f in r["schema"]["fields"] if f["name"] == "activities")
    assert sorted(activities["vocabulary"]) == sorted(data.words("activity"))

