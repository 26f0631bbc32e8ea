"""The book's machinery: execution cache, parallel execution, CI workflow, line endings, browser set-up."""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import browser
from conftest import ROOT, PAGE_HEADER as HEADER
from bookbuild import cache
from bookbuild.editions import STAGE
from explainer import toc
from explainer.toc import code_pages

RUNTIME_INPUTS = ["explainer", "data", *cache.RUNTIME_FILES]


def copy_inputs(dest: Path) -> Path:
    """A scratch copy of everything the digest looks at."""
    for name in RUNTIME_INPUTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def fresh_clone(dest: Path) -> Path:
    """What a clone of this working tree holds: the tracked and the not-ignored files, nothing built."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for f in filter(None, files):
        src = ROOT / f
        if src.is_file():
            (dest / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / f)
    return dest


def make(book: Path, *targets: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """`make` in ``book`` with this checkout's environment (never reinstalled: -o marks it up to date)."""
    venv = Path(sys.executable).parent.parent
    return subprocess.run(["make", "-C", str(book), f"VENV={venv}", "-o", str(venv / ".installed"), *targets],
                          capture_output=True, text=True, timeout=timeout)


# ---------------------------------------------------------------- the digest
CHANGED_AT_RUN_TIME = ["references.bib", "data/places.csv", "data/geo/americas.geojson", "requirements.txt",
                       "constraints.txt", "pyproject.toml", "explainer/data.py", "explainer/appendix.py",
                       "explainer/offline.py", "explainer/vendor/MANIFEST.json"]


@pytest.mark.parametrize("path", CHANGED_AT_RUN_TIME)
def test_digest_covers_what_chapters_read(tmp_path, path):
    root = copy_inputs(tmp_path)
    before = cache.inputs_digest(root)
    with open(root / path, "ab") as f:
        f.write(b"\n")
    assert cache.inputs_digest(root) != before


def test_digest_ignores_the_build_machinery(tmp_path):
    """The build's own package (bookbuild/) and its extensions change no chapter's output: editing them
    re-executes nothing."""
    root = copy_inputs(tmp_path)
    before = cache.inputs_digest(root)
    for name in ("bookbuild", "_ext"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        with open(root / name / ("checks.py" if name == "bookbuild" else "publish.py"), "a") as f:
            f.write("\n# an edit\n")
    assert cache.inputs_digest(root) == before


def _imports(tree: ast.AST) -> set[str]:
    """Names under ``explainer`` imported anywhere in ``tree`` (modules, or names in them; the package
    is flat, so a relative import is relative to ``explainer``)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "explainer"}
        elif isinstance(node, ast.ImportFrom):
            base = ("explainer" + (f".{node.module}" if node.module else "")) if node.level else node.module
            if base and base.split(".")[0] == "explainer":
                found |= {base} | {f"{base}.{a.name}" for a in node.names}
    return found


def chapter_imports() -> set[str]:
    """Every module of the helper package a chapter imports, directly or through another module."""
    from myst_nb.core.read import read_myst_markdown_notebook

    pkg = ROOT / "explainer"
    todo = set()
    for md in code_pages(ROOT):
        nb = read_myst_markdown_notebook(md.read_text(encoding="utf-8"), path=str(md))
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        todo |= _imports(ast.parse(code))
    seen = set()
    while todo:
        mod = todo.pop()
        path = pkg / (mod.split(".", 1)[1].replace(".", "/") + ".py") if "." in mod else pkg / "__init__.py"
        if mod in seen or not path.exists():
            continue  # a name imported from a module, not a module
        seen.add(mod)
        todo |= _imports(ast.parse(path.read_text(encoding="utf-8"))) | {"explainer"}
    return seen


def test_every_module_a_chapter_runs_is_in_the_digest():
    """What the digest leaves out, no chapter runs (else an edit to it would leave stale output)."""
    imported = chapter_imports()
    assert {"explainer", "explainer.data", "explainer.appendix", "explainer.offline"} <= imported
    as_files = {f"explainer/{m.split('.', 1)[1].replace('.', '/')}.py" for m in imported if "." in m}
    inputs = {p.relative_to(ROOT).as_posix() for p in cache.runtime_inputs(ROOT)}
    assert as_files <= inputs


# ---------------------------------------------------------------- the cache guard
def _cache_with_marker(root: Path) -> Path:
    cache.guard(root)
    marker = root / cache.CACHE_DIR / "marker"
    marker.write_text("cached outputs")
    return marker


def test_stamp_travels_with_the_cache(tmp_path):
    """A fresh clone given only the cache folder (as CI restores it) keeps the cache."""
    first = copy_inputs(tmp_path / "first")
    _cache_with_marker(first)
    clone = copy_inputs(tmp_path / "clone")
    shutil.copytree(first / cache.CACHE_DIR, clone / cache.CACHE_DIR)
    assert cache.guard(clone) is False
    assert (clone / cache.CACHE_DIR / "marker").exists()


def test_guard_clears_the_cache_and_saved_environment_when_inputs_change(tmp_path):
    root = copy_inputs(tmp_path)
    marker = _cache_with_marker(root)
    editions = [root / "_build" / ".doctrees", root / "_build" / "es-src" / "_build" / ".doctrees"]
    for doctrees in editions:
        doctrees.mkdir(parents=True)
    assert cache.guard(root) is False and marker.exists()
    with open(root / "references.bib", "a") as f:
        f.write("\n")
    assert cache.guard(root) is True
    # both editions read every chapter again: a generated page (the corrections log) whose source did not
    # change must not keep its old content in either edition
    assert not marker.exists() and not any(d.exists() for d in editions)
    assert (root / cache.CACHE_DIR / cache.STAMP_NAME).read_text().strip() == cache.inputs_digest(root)


def test_a_cache_without_stamp_is_not_trusted(tmp_path):
    root = copy_inputs(tmp_path)
    (root / cache.CACHE_DIR).mkdir(parents=True)
    (root / cache.CACHE_DIR / "global.db").write_text("made from unknown inputs")
    assert cache.guard(root) is True
    assert not (root / cache.CACHE_DIR / "global.db").exists()


# ---------------------------------------------------------------- parallel execution


def _page(path: Path, code: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + f"\n```{{code-cell}} ipython3\n:tags: [remove-cell]\n{code}\n```\n\nText.\n")
    return path


@pytest.mark.chapters
def test_chapters_execute_in_parallel_and_the_build_finds_them_cached(tmp_path):
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    (tmp_path / "_config.yml").write_text("execute:\n  execute_notebooks: cache\n  timeout: 60\n")
    log = tmp_path / "log"
    log.mkdir()
    code = ("import pathlib, time\nd = pathlib.Path({log!r})\n(d / ({name!r} + '.start')).touch()\n"
            "t = time.time()\nwhile time.time() - t < 20 and len(list(d.glob('*.start'))) < 2:\n"
            "    time.sleep(0.05)\nprint(len(list(d.glob('*.start'))))")
    pages = [_page(tmp_path / "chapters" / f"{n}.md", code.format(log=str(log), name=n)) for n in ("a", "b")]
    executed = cache.execute(tmp_path, pages)
    assert len(executed) == 2
    db = get_cache(str(tmp_path / cache.CACHE_DIR))
    for p in pages:  # each saw the other running: they ran at the same time
        nb = db.get_cache_bundle(db.match_cache_notebook(
            read_myst_markdown_notebook(p.read_text(), path=str(p))).pk).nb
        assert nb.cells[0].outputs[0]["text"].strip() == "2"
    assert cache.execute(tmp_path, pages) == []  # cached: nothing runs again


@pytest.mark.chapters
def test_a_failing_chapter_is_reported_in_a_few_lines(tmp_path):
    (tmp_path / "_config.yml").write_text("execute:\n  execute_notebooks: cache\n  timeout: 60\n")
    pages = [_page(tmp_path / "chapters" / "ok.md", "x = 1"),
             _page(tmp_path / "chapters" / "bad.md", "killed = (165, 115)\nassert killed[0] <= killed[1]")]
    with pytest.raises(cache.ExecutionFailed) as e:
        cache.execute(tmp_path, pages)
    msg = str(e.value)
    assert msg.splitlines()[:2] == ["chapters/bad.md failed: AssertionError", "  at: assert killed[0] <= killed[1]"]
    assert len(msg.splitlines()) <= 3, msg
    assert "Traceback" in (tmp_path / msg.splitlines()[2].split(": ", 1)[1]).read_text()


# ---------------------------------------------------------------- make
@pytest.mark.build
@pytest.mark.slow  # renders the book twice in a clone: make test-all (weekly in CI)
def test_ci_restore_executes_no_chapter(tmp_path):
    """A fresh clone given only the execution cache folder (what CI restores) builds without executing
    any chapter: the stamp travels with the cache, and every chapter is found in it."""
    if not (ROOT / cache.CACHE_DIR / cache.STAMP_NAME).exists():
        pytest.fail("no execution cache: run `make book` (make test does it for you)")
    clone = fresh_clone(tmp_path / "clone")
    shutil.copytree(ROOT / cache.CACHE_DIR, clone / cache.CACHE_DIR)
    proc = make(clone, "book")
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert "clearing the execution cache" not in log
    assert not re.search(r"Executing notebook|Executing \d+ chapter", log), log[-3000:]
    assert log.count("Using cached notebook") == len(code_pages(ROOT)) + len(code_pages(ROOT / STAGE))


def test_bad_data_stops_make_book_before_any_chapter_runs(tmp_path):
    clone = fresh_clone(tmp_path / "clone")
    p = clone / "data" / "strikes.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    p.write_text(lines[0] + "\n", encoding="utf-8")  # header only
    proc = make(clone, "book")
    assert proc.returncode != 0
    assert "data/strikes.csv, line 2 (row 1): the table has no rows" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (clone / "_build").exists()


def test_make_test_finds_the_browser_before_building_or_testing():
    out = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, capture_output=True, text=True).stdout
    lines = out.splitlines()

    def first(s):
        return next(i for i, line in enumerate(lines) if s in line)

    assert first("tests/browser.py --provision") < first("bookbuild.editions build") < first("-m pytest")


def _pytest_line(target: str) -> str:
    out = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True).stdout
    return next(line for line in out.splitlines() if "-m pytest" in line)


def test_make_check_leaves_out_the_build_and_runs_the_checkers():
    out = subprocess.run(["make", "-n", "-B", "check"], cwd=ROOT, capture_output=True, text=True).stdout
    for step in ("ruff check", "explainer.data", "bookbuild.checks", "bookbuild.editions --strict"):
        assert step in out, step
    for mark in ("build", "browser", "chapters", "slow"):
        assert f"not {mark}" in _pytest_line("check")


def test_make_test_leaves_the_slow_guards_to_make_test_all():
    assert 'not slow' in _pytest_line("test")
    assert "not " not in _pytest_line("test-all")


# ---------------------------------------------------------------- the publishing workflow
def workflow() -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())


def test_workflow_restores_the_cache_keyed_on_the_digest():
    steps = workflow()["jobs"]["build"]["steps"]
    runs = [s.get("run", "") for s in steps]
    restore = next(s for s in steps if s.get("uses", "").startswith("actions/cache"))
    assert restore["with"]["path"] == str(cache.CACHE_DIR)
    digest_step = next(s for s in steps if "bookbuild.cache --digest" in s.get("run", ""))
    assert f"steps.{digest_step['id']}.outputs.digest" in restore["with"]["key"]
    assert f"steps.{digest_step['id']}.outputs.digest" in restore["with"]["restore-keys"]
    assert steps.index(digest_step) < steps.index(restore) < runs.index("make book")


def test_workflow_rebuilds_weekly_from_scratch():
    wf = workflow()
    triggers = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as true
    cron = triggers["schedule"][0]["cron"].split()
    assert len(cron) == 5 and cron[2:4] == ["*", "*"] and cron[4] != "*"  # one day a week
    restore = next(s for s in wf["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/cache"))
    assert "schedule" in restore.get("if", "")


def test_pull_requests_get_the_quick_gate_and_the_site_build():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "check.yml").read_text())
    triggers = wf.get("on", wf.get(True))
    assert "pull_request" in triggers
    runs = {name: [s.get("run", "") for s in job["steps"]] for name, job in wf["jobs"].items()}
    assert "make check" in runs["check"]
    assert "make test-site" in runs["site"] and wf["jobs"]["site"]["needs"] == "check"


def test_main_runs_make_test_and_the_weekly_run_make_test_all():
    wf = workflow()
    triggers = wf.get("on", wf.get(True))
    assert "pull_request" not in triggers  # pull requests: check.yml
    test = next(s for s in wf["jobs"]["build"]["steps"] if "make " in s.get("run", "") and "test" in s["run"])
    assert "'schedule' && 'test-all' || 'test'" in test["run"]


def test_digest_command_needs_only_the_standard_library():
    """CI computes the key before the environment exists."""
    proc = subprocess.run([sys.executable, "-S", "-m", "bookbuild.cache", "--digest"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == cache.inputs_digest(ROOT)


# ---------------------------------------------------------------- any OS
def _attr(path: str, name: str) -> str:
    out = subprocess.run(["git", "check-attr", name, "--", path], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    return out.rsplit(": ", 1)[1].strip()


def test_line_endings_are_pinned():
    """A Git for Windows checkout (core.autocrlf=true) must not turn LF into CRLF where it matters."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    data = [f for f in tracked if f.startswith("data/") and f.endswith((".csv", ".json"))]
    assert data
    for f in [*data, "references.bib", "Makefile", ".ci/run"]:
        assert _attr(f, "eol") == "lf", f
    for f in tracked:
        if f.endswith((".png", ".geojson")) or f.startswith(("explainer/vendor/", "tests/vendor/")):
            assert _attr(f, "text") == "unset", f  # compared byte for byte: never converted


# ---------------------------------------------------------------- the browser
def test_no_browser_and_no_way_to_install_one_stops_with_one_line(monkeypatch, capsys):
    monkeypatch.delenv("CHROMIUM", raising=False)
    ran = []

    def run(cmd, **kw):
        ran.append(cmd)
        return subprocess.CompletedProcess(cmd, 1)

    assert browser.provision(find=lambda: None, run=run, is_root=False, is_debian=True, has_apt=True,
                             can_sudo=False) == 1
    assert all("apt-get" not in c for c in ran)  # not root: no system package
    assert any("playwright" in c for c in ran)
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == browser.INSTRUCTION


def test_root_on_debian_installs_debian_chromium(monkeypatch):
    monkeypatch.delenv("CHROMIUM", raising=False)
    installed, ran = [], []

    def run(cmd, **kw):
        ran.append(cmd)
        if cmd[-2:] == ["-qq", "chromium"]:
            installed.append(True)
        return subprocess.CompletedProcess(cmd, 0)

    assert browser.provision(find=lambda: "/usr/bin/chromium" if installed else None, run=run, is_root=True,
                             is_debian=True, has_apt=True) == 0
    assert [c[:2] for c in ran] == [["apt-get", "update"], ["apt-get", "install"]]


def test_a_missing_chromium_path_is_one_line(monkeypatch, capsys):
    monkeypatch.setenv("CHROMIUM", "/nowhere/chromium")
    assert browser.provision(run=lambda *a, **k: pytest.fail("must not install")) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_found_browser_needs_nothing(monkeypatch):
    monkeypatch.delenv("CHROMIUM", raising=False)
    assert browser.provision(find=lambda: "/usr/bin/chromium", run=lambda *a, **k: pytest.fail("installed")) == 0


# ---------------------------------------------------------------- chapters a reader can audit
def _code_cells(page: Path):
    """(tags, source, first line) of every code cell of a page."""
    text = page.read_text(encoding="utf-8")
    for m in re.finditer(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", text, re.S | re.M):
        body = m.group(1)
        tags = re.search(r"^:tags:\s*\[([^\]]*)\]", body, re.M)
        source = "\n".join(line for line in body.splitlines() if not line.startswith(":"))
        yield ({t.strip() for t in tags.group(1).split(",")} if tags else set(), source,
               text.count("\n", 0, m.start()) + 1)


@pytest.mark.parametrize("page", [p.relative_to(ROOT).as_posix() for p in toc.pages(ROOT)])
def test_chapter_code_is_short_and_assert_free(page):
    """Hidden set-up stays short (imports and loads; the rest lives in the chapter's module), and data
    invariants live in the tests, not in asserts a reader meets in the notebook."""
    for tags, source, line in _code_cells(ROOT / page):
        lines = source.strip().splitlines()
        if "remove-cell" in tags:
            assert len(lines) <= 15, f"{page}:{line}: a remove-cell of {len(lines)} lines (at most 15)"
        tree = ast.parse(source)
        asserts = [n for n in ast.walk(tree) if isinstance(n, ast.Assert)]
        assert not asserts, f"{page}:{line}: assert in chapter code"
        helpers = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        assert not helpers, f"{page}:{line}: chapter-local helper(s) {helpers}; use the chapter's module"


def test_chapters_are_shared_among_kernels_by_their_last_running_time(tmp_path):
    """After one execution, the next one shares the work by measured seconds, not by source size: a long
    page of prose is not mistaken for a heavy one, nor short chapters with charts for light ones."""
    import json

    (tmp_path / "chapters").mkdir()
    sizes = {"prose.md": 9000, "charts1.md": 1000, "charts2.md": 1000, "small.md": 1000}
    for name, size in sizes.items():
        (tmp_path / "chapters" / name).write_text("x" * size)
    uri = {n: str(tmp_path / "chapters" / n) for n in sizes}
    items = list(enumerate(uri.values()))

    def together(groups):
        return any({"charts1.md", "charts2.md"} <= {Path(u).name for _, u in g} for g in groups)

    assert together(cache._groups(items, 2, tmp_path))  # by size, the two heavy chapters share a kernel
    cache.record_times(tmp_path, {uri["charts1.md"]: 9.0, uri["charts2.md"]: 8.0, uri["prose.md"]: 1.0,
                                  uri["small.md"]: 1.0})
    assert json.loads((tmp_path / cache.TIMES).read_text())["chapters/charts1.md"] == 9.0
    assert not together(cache._groups(items, 2, tmp_path))  # by time, they run side by side
