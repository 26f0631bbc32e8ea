"""Keep the execution cache honest, and fill it in parallel.

Jupyter Book's execution cache (``_build/.jupyter_cache``) is keyed on each notebook's code only, so a
change to what the chapters read at run time would leave them showing stale output. ``python -m
bookbuild.cache`` therefore

1. hashes those inputs (:func:`inputs_digest`: the helper package except its build-only modules, the
   data, the bibliography, the pinned requirements and the Python version) and clears the execution
   cache and Sphinx's saved environment when the digest differs from the one stamped *inside* the cache
   folder. The stamp travels with the cache, so a cache restored on a fresh machine (CI) is kept when it
   was made from the same inputs;
2. executes every chapter that has no cached result, several at once (jupyter-cache's ``local-parallel``
   executor, one process per core), reading each chapter exactly as MyST-NB reads it, so that the Sphinx
   build that follows finds every notebook in the cache and executes nothing.

``make book`` runs it before building; ``python -m bookbuild.cache --digest`` prints the digest (the CI
cache key uses it).
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = Path("_build") / ".jupyter_cache"
#: The digest of the inputs the cached outputs were made from (inside the cache folder).
STAMP_NAME = "explainer-inputs.sha256"
#: Files outside the package that chapters read at run time, or that decide what they run with.
RUNTIME_FILES = ("references.bib", "requirements.txt", "constraints.txt", "pyproject.toml")
#: MyST-NB's reader for MyST Markdown notebooks (the one the Sphinx build uses).
READER = {"name": "myst_nb_md", "type": "plugin"}


def runtime_inputs(root: Path = ROOT) -> list[Path]:
    """Every file whose content can change what a chapter outputs when it executes."""
    files = [p for d in ("explainer", "data", "locale") for p in (root / d).rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    files += [root / f for f in RUNTIME_FILES if (root / f).is_file()]
    return sorted(files)


def inputs_digest(root: Path = ROOT) -> str:
    h = hashlib.sha256(f"python {sys.version_info.major}.{sys.version_info.minor}\n".encode())
    for p in runtime_inputs(root):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(hashlib.sha256(p.read_bytes().replace(b"\r\n", b"\n")).digest())
    return h.hexdigest()


def guard(root: Path = ROOT) -> bool:
    """Clear the execution cache if it was made from other inputs. Returns True if it was cleared."""
    build = root / "_build"
    cache = root / CACHE_DIR
    stamp = cache / STAMP_NAME
    digest = inputs_digest(root)
    old = stamp.read_text().strip() if stamp.exists() else None
    (build / ".inputs.sha256").unlink(missing_ok=True)  # where older versions kept the stamp
    if old == digest:
        return False
    if cache.exists():
        print("The helper package, the data, the bibliography or the requirements changed (or the cache "
              "has no stamp): clearing the execution cache", file=sys.stderr)
    shutil.rmtree(cache, ignore_errors=True)
    # so that Sphinx reads every chapter again, in every edition (the Spanish one is staged in es-src/)
    for doctrees in [build / ".doctrees", *build.glob("*/_build/.doctrees")]:
        shutil.rmtree(doctrees, ignore_errors=True)
    cache.mkdir(parents=True)
    stamp.write_text(digest + "\n")
    return True


def _execution_config(root: Path) -> dict:
    import yaml

    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    return cfg.get("execute", {}) or {}


def execute(root: Path = ROOT, paths: list[Path] | None = None) -> list[str]:
    """Execute every notebook in ``paths`` (default: the chapters with code, of every edition built) that has
    no result in the execution cache, and cache the results. Returns the notebooks executed; raises
    :class:`ExecutionFailed` if one fails (the Sphinx build would stop on it anyway).

    One worker process per core, each with one kernel that runs its share of the notebooks one after the
    other: a page's two editions in turn, then the next page. Before each notebook the kernel's namespace is
    cleared, the language set back to English and the working folder set to the notebook's, so each runs
    as it would in a kernel of its own; starting Python, pandas and Matplotlib once per core instead of once
    per notebook is most of what a second edition would otherwise cost."""
    from jupyter_cache import get_cache
    from jupyter_cache.cache.db import NbProjectRecord

    from explainer.toc import built_editions, code_pages

    conf = _execution_config(root)
    if conf.get("execute_notebooks", "cache") != "cache":
        return []
    if paths is None:  # a translation runs as the edition is staged: its prose, with the English code woven in
        from .editions import STAGE

        paths = [p for lang in built_editions()
                 for p in (code_pages(root, "en") if lang == "en" else code_pages(root / STAGE, "en"))]
    cache = get_cache(str(root / CACHE_DIR))
    uris = []
    for p in paths:
        rec = cache.add_nb_to_project(str(p.resolve()), read_data=READER)
        uris.append(rec.uri)
    for rec in cache.list_project_records():  # chapters that no longer exist
        if not Path(rec.uri).exists():
            cache.remove_nb_from_project(rec.pk)
    todo = [r for r in cache.list_unexecuted(filter_uris=uris)]
    if not todo:
        return []
    os.environ["EXPLAINER_BOOK_BUILD"] = "1"  # maps load their code from the site, not inlined (maps.py)
    print(f"Executing {len(todo)} chapter(s): "
          + ", ".join(Path(r.uri).relative_to(root.resolve()).as_posix() for r in todo), file=sys.stderr)
    t0 = time.perf_counter()
    groups = _groups([(r.pk, r.uri) for r in todo], os.cpu_count() or 1, root)
    jobs = [(str(root / CACHE_DIR), g, conf.get("timeout", 30), bool(conf.get("allow_errors", False)))
            for g in groups]
    if len(jobs) > 1:
        import multiprocessing

        with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
            results = [r for rs in pool.map(_run_group, jobs) for r in rs]
    else:
        results = _run_group(jobs[0])
    record_times(root, {uri: seconds for uri, _, seconds in results})
    failed = [uri for uri, ok, _ in results if not ok]
    if failed:
        tracebacks = {u: NbProjectRecord.record_from_uri(u, cache.db).traceback or "" for u in failed}
        raise ExecutionFailed(root, tracebacks)
    print(f"Executed {len(results)} chapter(s) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return [uri for uri, _, _ in results]


#: How long each chapter took to execute last time (page → seconds), kept outside the execution cache so
#: that it survives the cache being cleared: the next full execution shares the work by it.
TIMES = Path("_build") / "chapter-seconds.json"


def _weights(pages: dict[str, list[tuple[int, str]]], root: Path) -> dict[str, float]:
    """Each page's expected running time: its seconds last time, where known; otherwise its source's size,
    scaled by the known pages' seconds per byte (or the size alone when nothing is known)."""
    import json

    times = {}
    if (root / TIMES).is_file():
        try:
            times = json.loads((root / TIMES).read_text(encoding="utf-8"))
        except ValueError:
            times = {}
    size = {k: sum(Path(u).stat().st_size for _, u in v) for k, v in pages.items()}
    known = [k for k in pages if k in times]
    per_byte = sum(times[k] for k in known) / max(1, sum(size[k] for k in known)) if known else 1.0
    return {k: times[k] if k in times else size[k] * per_byte for k in pages}


def record_times(root: Path, seconds: dict[str, float]) -> None:
    """Add the running times just measured (notebook URI → seconds) to :data:`TIMES`, per page."""
    import json

    path = root / TIMES
    try:
        times = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except ValueError:
        times = {}
    per_page: dict[str, float] = {}
    for uri, t in seconds.items():
        rel = Path(uri).resolve().relative_to(root.resolve()).as_posix().removeprefix("es/")
        per_page[rel] = per_page.get(rel, 0.0) + t
    times.update({k: round(v, 2) for k, v in per_page.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(times, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _groups(items: list[tuple[int, str]], n: int, root: Path = ROOT) -> list[list[tuple[int, str]]]:
    """Share notebooks among ``n`` workers by their expected running time (:func:`_weights`), the longest
    first, keeping a page's editions together, English first."""
    pages: dict[str, list[tuple[int, str]]] = {}
    for pk, uri in items:
        rel = Path(uri).resolve().relative_to(root.resolve()).as_posix()
        pages.setdefault(rel.removeprefix("es/"), []).append((pk, uri))
    weight = _weights(pages, root)
    loads = [0] * max(1, min(n, len(pages)))
    out: list[list[tuple[int, str]]] = [[] for _ in loads]
    for k in sorted(pages, key=lambda k: -weight[k]):
        i = loads.index(min(loads))
        out[i] += sorted(pages[k], key=lambda x: Path(x[1]).resolve().is_relative_to((root / "es").resolve()))
        loads[i] += weight[k]
    return [g for g in out if g]


#: Run in the kernel before each notebook (not part of the notebook or of what is cached).
_PRELUDE = """get_ipython().run_line_magic("reset", "-f")
import os as _os, matplotlib.pyplot as _plt
_os.chdir({cwd!r}); _plt.close("all")
try:
    from explainer import i18n as _i18n; _i18n.use("en")
except ImportError:
    pass
del _os, _plt"""


def _run_group(job) -> list[tuple[str, bool, float]]:
    """Worker: execute a group of notebooks in one kernel, caching each result. Returns (uri, ok, seconds)."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.cache.db import NbProjectRecord
    from jupyter_cache.executors.utils import create_cache_bundle
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from jupyter_client.manager import KernelManager

    cache_path, group, timeout, allow_errors = job
    cache = get_cache(cache_path)
    out = []
    km = KernelManager(kernel_name="python3")  # the group's one kernel (NotebookClient would start one each)
    km.start_kernel(cwd=str(Path(group[0][1]).parent))
    try:
        for pk, uri in group:
            project_nb = cache.get_project_notebook(pk)
            nb = project_nb.nb
            cwd = str(Path(uri).parent)
            prelude = nbformat.v4.new_code_cell(_PRELUDE.format(cwd=cwd))
            nb.cells.insert(0, prelude)
            client = NotebookClient(nb, timeout=timeout, allow_errors=allow_errors, km=km, record_timing=False,
                                    resources={"metadata": {"path": cwd}})
            t0 = time.perf_counter()
            error = None
            try:
                client.execute(cwd=cwd)
            except CellExecutionError as e:
                error = str(e)
            except Exception as e:  # noqa: BLE001 — a kernel that died, a timeout: reported like a cell error
                error = f"{type(e).__name__}: {e}"
            if not km.is_alive():  # the next notebook gets a kernel of its own
                km.start_kernel(cwd=cwd)
            nb.cells.pop(0)
            _renumber(nb)
            seconds = time.perf_counter() - t0
            if error:
                NbProjectRecord.set_traceback(uri, error, cache.db)
                out.append((uri, False, seconds))
                continue
            bundle = create_cache_bundle(project_nb, None, None, seconds, None)
            cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
            out.append((uri, True, seconds))
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    return out


def _renumber(nb) -> None:
    """Execution counts as if the notebook had run alone (1, 2, …)."""
    n = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.get("execution_count") is not None:
            n += 1
            cell.execution_count = n
            for o in cell.get("outputs", []):
                if "execution_count" in o:
                    o["execution_count"] = n


class ExecutionFailed(RuntimeError):
    """A chapter raised while executing. The message says, per chapter, the error and the line of the
    chapter's code that raised it, in a few lines; the full traceback goes to ``_build/reports/``."""

    def __init__(self, root: Path, tracebacks: dict[str, str]):
        self.tracebacks = tracebacks
        parts = []
        reports = root / "_build" / "reports"
        for uri, tb in tracebacks.items():
            path = Path(uri)
            name = path.relative_to(root.resolve()).as_posix() if path.is_relative_to(root.resolve()) else uri
            report = reports / (name.replace("/", "-").removesuffix(".md") + ".log")
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text(_ANSI.sub("", tb), encoding="utf-8")
            error, where = _summary(tb)
            parts.append(f"{name} failed: {error}" + (f"\n  at: {where}" if where else "")
                         + f"\n  full traceback: {report.relative_to(root).as_posix()}")
        super().__init__("\n".join(parts))


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _summary(tb: str) -> tuple[str, str | None]:
    """The final ``ErrorName: message`` of a cell traceback and the chapter's line that raised it."""
    lines = [ln.rstrip() for ln in _ANSI.sub("", tb).splitlines() if ln.strip()]
    error = lines[-1] if lines else "unknown error"
    for i in range(len(lines) - 1, -1, -1):
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Failed|Interrupt|Exit)\b", lines[i]):
            error = " ".join(ln.strip() for ln in lines[i:]).rstrip(": ") or error
            break
    cell_frames = [i for i, ln in enumerate(lines) if re.match(r"^Cell In\[\d+\], line \d+", ln)]
    where = None
    if cell_frames:
        arrow = next((ln for ln in lines[cell_frames[-1]:] if ln.lstrip().startswith("---->")), None)
        if arrow:
            where = re.sub(r"^\s*---->\s*\d+\s*", "", arrow).strip()
    return error, where


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--digest" in argv:
        print(inputs_digest(root))
        return 0
    guard(root)
    if "--no-execute" in argv:
        return 0
    try:
        execute(root)
    except ExecutionFailed as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
