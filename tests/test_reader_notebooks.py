"""The notebooks readers download (``<site>/notebooks/``) read and run anywhere: no MyST left in their
prose, helper cells collapsed, maps that draw offline, and a first cell that installs the helper package
from the book's own site when it is missing."""
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, serve

#: A script or stylesheet an output would fetch from the web (in a srcdoc, quotes are &quot;).
NETWORK_CODE = re.compile(r"""(?:src|href)=(?:&quot;|\\")https?://[^"&]+\.(?:js|css)\b""")
ROLE_OR_DIRECTIVE = re.compile(r"\{[\w:-]+\}`|^(?:```+|:::+)\s*\{[\w:-]+\}|^%\s*fact:", re.M)


def notebooks(site):
    """Both editions' reader notebooks (the Spanish ones under es/notebooks/)."""
    return sorted((site / "notebooks").glob("*.ipynb")) + sorted((site / "es" / "notebooks").glob("*.ipynb"))


@pytest.mark.build
def test_reader_notebooks_have_no_myst_left(site):
    found = notebooks(site)
    assert len(found) >= 8
    for path in found:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        for cell in nb.cells:
            texts = [cell.source] if cell.cell_type == "markdown" else [
                v for o in cell.get("outputs", []) for k, v in o.get("data", {}).items() if k.startswith("text/")]
            for text in texts:
                assert not ROLE_OR_DIRECTIVE.search(text), (path.name, ROLE_OR_DIRECTIVE.search(text).group(0))


@pytest.mark.build
def test_reader_notebooks_collapse_helper_cells_and_carry_their_maps(site):
    for path in notebooks(site):
        nb = nbformat.read(path, as_version=4)
        assert 'find_spec("explainer") is None' in nb.cells[0].source
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            if {"remove-cell", "hide-input", "remove-input"} & set(cell.metadata.get("tags", [])):
                assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, path.name
            for out in cell.get("outputs", []):
                text = json.dumps(out)
                assert not NETWORK_CODE.search(text), (path.name, NETWORK_CODE.search(text).group(0))
                assert "application/papermill.record" not in text


@pytest.mark.build
def test_the_published_wheel_holds_the_package_and_the_books_files(site):
    import zipfile

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wheel = site / "notebooks" / f"explainer-{project['version']}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    for must in ("explainer/__init__.py", "explainer/maps.py", "explainer/vendor/leaflet/leaflet.js",
                 "explainer/book/data/datapackage.json", "explainer/book/references.bib",
                 "explainer/book/_toc.yml", f"explainer-{project['version']}.dist-info/METADATA"):
        assert must in names, must
    # the readers' package holds no build machinery: only the runtime modules, no file of bookbuild/
    modules = {n for n in names if re.fullmatch(r"explainer/[^/]+\.py", n)}
    assert modules == {f"explainer/{p.name}" for p in (ROOT / "explainer").glob("*.py")}, sorted(modules)
    assert not [n for n in names if n.startswith("bookbuild/") or re.search(
        r"/(checks|cache|editions|catalogues)\.py$", n)], sorted(names)
    meta = zipfile.ZipFile(wheel).read(f"explainer-{project['version']}.dist-info/METADATA").decode()
    assert set(re.findall(r"^Requires-Dist: (.+)$", meta, re.M)) == set(project["dependencies"])
    assert wheel.stat().st_size < 1_000_000


@pytest.fixture(scope="module")
def fresh_python(tmp_path_factory):
    """A new virtual environment with the package's runtime dependencies and a kernel, but not the package
    (made once for all chapters; PyPI is the only network it uses)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "ipykernel", *project["dependencies"]],
                   check=True)
    return python


@pytest.fixture(scope="module")
def offline_python(tmp_path_factory):
    """A new virtual environment, made offline in a second: it sees the build environment's installed
    distributions (the runtime dependencies, a kernel, pip) through a path file, but not the helper package,
    which is installed there in development mode through an import hook that a path file does not run. So
    the package a notebook imports is the one its first cell installs from the wheel."""
    import site

    venv = tmp_path_factory.mktemp("offline") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    ours = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(ours) / "build-env.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    found = subprocess.run([str(python), "-c", "import importlib.util as u; print(u.find_spec('explainer'))"],
                           capture_output=True, text=True, check=True, cwd=venv).stdout.strip()
    assert found == "None", "the helper package leaked into the offline environment"
    return python


def _run_alone(site, python, paths, tmp_path, monkeypatch) -> dict:
    """Run each notebook alone in an empty folder, in ``python`` without the helper package: its first cell
    installs the wheel from the book's site (served here on 127.0.0.1; pip may use no index), and running
    that cell again does nothing. Returns the failures, by notebook."""
    from nbclient import NotebookClient

    failures = {}
    with serve(site) as url:
        for name, base in (("alone", url + "/"), ("alone-es", url + "/es/")):  # each edition's own site
            kernels = tmp_path / "jupyter" / "kernels" / name
            kernels.mkdir(parents=True)
            (kernels / "kernel.json").write_text(json.dumps({
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": name, "language": "python",
                "env": {"EXPLAINER_BOOK_URL": base, "PIP_NO_INDEX": "1", "PYTHONPATH": "",
                        "MPLBACKEND": "agg"}}))
        monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
        monkeypatch.delenv("PYTHONPATH", raising=False)
        for path in paths:
            subprocess.run([str(python), "-m", "pip", "uninstall", "--quiet", "-y", "explainer"],
                           capture_output=True)
            es = path.parent.parent.name == "es"
            folder = tmp_path / (("es-" if es else "") + path.stem)
            folder.mkdir()
            shutil.copy(path, folder)
            nb = nbformat.read(folder / path.name, as_version=4)
            nb.cells.insert(1, nbformat.v4.new_code_cell(nb.cells[0].source))  # the set-up, run twice
            try:
                NotebookClient(nb, timeout=300, kernel_name="alone-es" if es else "alone",
                               resources={"metadata": {"path": str(folder)}}).execute()
            except Exception as exc:  # noqa: BLE001  (collected: one report for all chapters)
                failures[folder.name] = str(exc).splitlines()[-3:]
    return failures


#: The reader notebook `make test` runs in each edition: a chapter with charts, a table and citations.
ONE_PER_EDITION = "indictment"


@pytest.mark.build
@pytest.mark.chapters
def test_a_reader_notebook_of_each_edition_runs_offline_from_the_wheel(site, offline_python, tmp_path,
                                                                     monkeypatch):
    """What only this test proves, with no network: the published wheel installs from the book's own site
    and a chapter's notebook runs from it, alone, in each edition."""
    paths = [p for p in notebooks(site) if p.stem == ONE_PER_EDITION]
    assert len(paths) == 2
    assert not _run_alone(site, offline_python, paths, tmp_path, monkeypatch)


@pytest.mark.build
@pytest.mark.chapters
@pytest.mark.slow  # every notebook, from an environment made from the package index: make test-all
@pytest.mark.network
def test_every_reader_notebook_runs_on_its_own(site, fresh_python, tmp_path, monkeypatch):
    """Each notebook of both editions runs alone in a fresh environment made from the package index with the
    package's declared dependencies (so a missing dependency shows), installing the wheel from the site."""
    assert not _run_alone(site, fresh_python, notebooks(site), tmp_path, monkeypatch)


def test_myst_becomes_markdown_any_jupyter_renders():
    from readers import Context, reader_markdown

    ctx = Context("https://book.example.org/", glue={"n": {"data": {"text/plain": "'7,774,494'"}}},
                  citations={"a-key": "12"}, titles={"chapters/spread": "Regional spread"},
                  corrections={"c-1": "28 November 2026"}, docname="chapters/origins")
    src = ("Counted {glue:text}`n` people {cite:p}`a-key,b-key` ({term}`R4V`, {doc}`spread`, "
           "{asof}`2026-04-14`) {correction}`c-1`.\n% fact: migration:x\n\n"
           ":::{admonition} In short\n:class: tip\nSome **text**.\n:::\n\n"
           "```{list-table}\n:header-rows: 1\n\n* - A\n  - B\n* - 1\n  - 2\n```\n")
    out = reader_markdown(src, ctx)
    assert not ROLE_OR_DIRECTIVE.search(out), out
    assert "Counted 7,774,494 people" in out
    assert "[[12](https://book.example.org/chapters/bibliography.html#a-key), [b-key](" in out
    assert "[R4V](https://book.example.org/chapters/glossary.html#term-R4V)" in out
    assert "[Regional spread](https://book.example.org/chapters/spread.html)" in out
    assert "14 April 2026" in out and "Corrected on 28 November 2026" in out
    assert "> **In short**" in out and "| A | B |" in out and "| 1 | 2 |" in out


def test_reader_markdown_drops_targets_and_links_only_where_a_notebook_can_follow():
    from readers import Context, reader_markdown

    src = ("(origins-aragua)=\n## Aragua\n\nSee {doc}`spread` {cite:p}`a-key`, [the data](../data/x.csv), "
           "[a source](https://example.org/a), [above](#aragua) and ![a chart](chart.png).")
    local = reader_markdown(src, Context("../", citations={"a-key": "12"}, titles={"chapters/spread": "Spread"},
                                         docname="chapters/origins"))
    assert "(origins-aragua)=" not in local and local.startswith("## Aragua")
    assert "See Spread [12], the data, [a source](https://example.org/a), [above](#aragua)" in local
    assert "![a chart](chart.png)" in local
    published = reader_markdown(src, Context("https://book.example.org/", citations={"a-key": "12"},
                                             docname="chapters/origins"))
    assert "[12](https://book.example.org/chapters/bibliography.html#a-key)" in published
    assert "(origins-aragua)=" not in published


@pytest.mark.build
def test_built_reader_notebooks_have_no_targets_and_no_links_they_cannot_follow(site):
    """No ``(label)=`` line, and every link is absolute (to the published book) or a place in the notebook."""
    for path in notebooks(site):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            assert not any(re.match(r"\s*\([^()\s]+\)=\s*$", ln) for ln in cell.source.splitlines()), path.name
            for target in re.findall(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)", cell.source):
                assert re.match(r"https?://|mailto:|#", target), (path.name, target)


def test_a_list_tables_line_breaks_become_breaks_in_the_notebooks_table():
    import readers

    table = readers._list_table(["* - Country", "  - Event", "* - **Venezuela**\\", "    Origin\\",
                                 "    First report: 2005", "  - Costs \\$5"], 1)
    assert "| **Venezuela**<br>Origin<br>First report: 2005 | Costs \\$5 |" in table
    assert "\\ " not in table  # no backslash left before a space, as a reader would see it
