"""Benchmark the book: build times, page weights and page load times.

    .venv/bin/python bench/benchmark.py [--runs 3] [--chapter chapters/spread.md] [--no-browser]

Measures, in this working tree (it deletes and rebuilds ``_build/``), each build being what ``make book``
runs to build (``python -m bookbuild.editions stage``; ``python -m bookbuild.cache``, which executes both
editions' chapters without a cached result, one kernel per core; then ``python -m bookbuild.editions
build``, which renders the two editions side by side):

* cold build of both editions (empty ``_build/``, so every chapter executes), ``--runs`` times, and the
  cold build of the English edition alone (``EXPLAINER_EDITIONS=en``), to report their ratio (budget 1.6);
* no-change rebuild (execution cache and Sphinx environment warm);
* rebuild after editing one chapter's prose (no chapter may re-execute: checked from the log);
* rebuild after editing one chapter's code (only that chapter may re-execute: checked from the log);
* the weight of every HTML page (map iframes' ``srcdoc`` included, it is inline) and of the whole site;
* each page's load time from 127.0.0.1 in headless Chromium (navigation timing, load event).

Prints a table with medians and every run, and writes ``bench/results/benchmark.json``.
Budgets (from the book's quality bar): cold build ≤ 25 s on 2 cores, no-change rebuild ≤ 10 % of cold,
every page ≤ 600 KB, site ≤ 6 MB without its downloads (notebooks, data, page sources). What a phone
downloads per page is measured by bench/reader_speed.py and budgeted in tests/test_speed.py.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
HTML = BUILD / "html"
STEPS = [[sys.executable, "-m", "bookbuild.editions", "stage"], [sys.executable, "-m", "bookbuild.cache"],
         [sys.executable, "-m", "bookbuild.editions", "build", "-W", "--keep-going"]]
BUDGET = {"cold_build_s": 25.0, "rebuild_ratio": 0.10, "page_kb": 600, "site_mb": 6.0, "editions_ratio": 1.6}


def build(editions: str = "") -> tuple[float, str]:
    """One build as ``make book`` runs it; ``editions="en"``: the English edition alone."""
    env = dict(os.environ, EXPLAINER_EDITIONS=editions) if editions else None
    t0 = time.perf_counter()
    log = ""
    for cmd in STEPS:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
        log += proc.stdout + proc.stderr
        if proc.returncode != 0:
            sys.exit(f"build failed:\n{log[-3000:]}")
    return time.perf_counter() - t0, log


def executed(log: str) -> list[str]:
    """Notebooks the build executed: bookbuild.cache logs 'Executing N chapter(s), in parallel: a.md, …',
    MyST-NB '<path>: Executing notebook …'."""
    names = set(re.findall(r"(\S+\.md): Executing notebook", log))
    for listed in re.findall(r"Executing \d+ chapter\(s\)(?:, in parallel)?: (.*)", log):
        names |= {n.strip() for n in listed.split(",")}
    return sorted(names)


def page_weights() -> dict[str, int]:
    """Every HTML page's size (the root redirect page excluded)."""
    return {p.relative_to(HTML).as_posix(): p.stat().st_size for p in sorted(HTML.rglob("*.html"))
            if not p.relative_to(HTML).as_posix().startswith(("_static", "_sources"))
            and 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8")}


def make_book() -> float:
    """`make book` with nothing changed: make sees every target up to date and runs no build."""
    t0 = time.perf_counter()
    subprocess.run(["make", "-s", "book"], cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - t0


def site_bytes(edition: str = "") -> int:
    """One edition's weight without its downloads (notebooks, data, page sources): '' English, 'es/'."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import edition_bytes

    return edition_bytes(HTML, edition)


def load_times(pages: list[str]) -> dict[str, float]:
    import functools
    import http.server
    import socketserver
    import threading

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import CHROMIUM, CHROMIUM_ARGS  # the same browser set-up as the tests

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    handler = functools.partial(Quiet, directory=str(HTML))
    out = {}
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        with sync_playwright() as p:
            exe = None if CHROMIUM == "playwright" else CHROMIUM
            browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            for page_path in pages:
                runs = []
                for _ in range(3):
                    page = browser.new_page()
                    page.goto(f"{base}/{page_path}", wait_until="load")
                    runs.append(page.evaluate(
                        "() => { const n = performance.getEntriesByType('navigation')[0];"
                        " return n.loadEventEnd - n.startTime; }"))
                    page.close()
                out[page_path] = statistics.median(runs)
            browser.close()
        httpd.shutdown()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--chapter", default="chapters/spread.md", help="chapter to edit for the one-chapter rebuild")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()

    cold, nochange, prose, edit, edit_exec = [], [], [], [], []
    chapter = ROOT / args.chapter
    original = chapter.read_text(encoding="utf-8")
    cold_en = []
    for i in range(args.runs):
        shutil.rmtree(BUILD, ignore_errors=True)
        t, log = build("en")
        cold_en.append(t)
        print(f"cold build, English alone {i + 1}: {t:.1f} s ({len(executed(log))} notebooks executed)", flush=True)
        shutil.rmtree(BUILD, ignore_errors=True)
        t, log = build()
        cold.append(t)
        print(f"cold build, both editions {i + 1}: {t:.1f} s ({len(executed(log))} notebooks executed)", flush=True)
    for i in range(args.runs):
        t, log = build()
        nochange.append(t)
        assert not executed(log), f"a no-change rebuild executed {executed(log)}"
        print(f"no-change rebuild {i + 1}: {t:.1f} s", flush=True)
    make_runs = [make_book() for _ in range(args.runs)]
    print(f"make book, nothing changed: {', '.join(f'{t:.2f}' for t in make_runs)} s", flush=True)
    try:
        for i in range(args.runs):
            # a new paragraph: the chapter's page changes, its code does not, so nothing re-executes
            chapter.write_text(original + f"\n\nA paragraph added by the benchmark ({i}).\n", encoding="utf-8")
            t, log = build()
            prose.append(t)
            assert not executed(log), f"a prose edit executed {executed(log)}"
            print(f"one-chapter prose edit rebuild {i + 1}: {t:.1f} s", flush=True)
        for i in range(args.runs):
            # a new code cell: the chapter's code changed, so only it must re-execute
            chapter.write_text(original + f"\n```{{code-cell}} ipython3\n:tags: [remove-cell]\n_bench = {i}\n```\n",
                               encoding="utf-8")
            t, log = build()
            edit.append(t)
            edit_exec.append(executed(log))
            print(f"one-chapter edit rebuild {i + 1}: {t:.1f} s, executed {executed(log)}", flush=True)
    finally:
        chapter.write_text(original, encoding="utf-8")
    build()  # leave the book as it is in the tree

    weights = page_weights()
    total = site_bytes()
    total_es = site_bytes("es/")
    loads = {} if args.no_browser else load_times(list(weights))

    med = statistics.median
    report = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "runs": args.runs,
        "cold_build_s": {"median": med(cold), "runs": cold},
        "cold_build_english_alone_s": {"median": med(cold_en), "runs": cold_en},
        "editions_ratio": med(cold) / med(cold_en),
        "nochange_rebuild_s": {"median": med(nochange), "runs": nochange},
        "make_book_nochange_s": {"median": med(make_runs), "runs": make_runs},
        "prose_edit_rebuild_s": {"median": med(prose), "runs": prose, "chapter": args.chapter},
        "one_chapter_rebuild_s": {"median": med(edit), "runs": edit, "chapter": args.chapter,
                                  "executed": edit_exec},
        "page_bytes": weights,
        "site_bytes": total,
        "site_bytes_es": total_es,
        "load_ms": loads,
        "budgets": BUDGET,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "benchmark.json").write_text(json.dumps(report, indent=2) + "\n")

    def row(name, m, runs, budget=""):
        print(f"| {name:<34} | {m:>9} | {runs:<28} | {budget:<16} |")

    print("\n| measure                            |    median | runs                         | budget           |")
    print("|------------------------------------|-----------|------------------------------|------------------|")
    fmt = lambda xs: ", ".join(f"{x:.1f}" for x in xs)  # noqa: E731
    row("cold build, both editions (s)", f"{med(cold):.1f}", fmt(cold), f"≤ {BUDGET['cold_build_s']:.0f} s")
    row("cold build, English alone (s)", f"{med(cold_en):.1f}", fmt(cold_en),
        f"both ≤ {BUDGET['editions_ratio']}× ({med(cold) / med(cold_en):.2f}×)")
    row("no-change rebuild (s)", f"{med(nochange):.1f}", fmt(nochange),
        f"≤ {BUDGET['rebuild_ratio']:.0%} of cold ({med(nochange) / med(cold):.0%})")
    row("`make book`, nothing changed (s)", f"{med(make_runs):.2f}", fmt(make_runs), "")
    row(f"prose edit {chapter.name} (s)", f"{med(prose):.1f}", fmt(prose), "nothing re-runs")
    row(f"code edit {chapter.name} (s)", f"{med(edit):.1f}", fmt(edit),
        "only it re-runs" if all(len(e) == 1 for e in edit_exec) else "MORE RE-RAN")
    row("site weight, English (MB)", f"{total / 1e6:.2f}", "", f"≤ {BUDGET['site_mb']} MB")
    row("site weight, Spanish (MB)", f"{total_es / 1e6:.2f}", "", f"≤ {BUDGET['site_mb']} MB")
    print("\n| page                                     |   weight KB | load ms |")
    print("|------------------------------------------|-------------|---------|")
    for page, b in sorted(weights.items(), key=lambda kv: -kv[1]):
        flag = "  OVER BUDGET" if b / 1000 > BUDGET["page_kb"] else ""
        lt = f"{loads[page]:.0f}" if page in loads else "-"
        print(f"| {page:<40} | {b / 1000:>11.1f} | {lt:>7} |{flag}")
    print(f"\nReport written to {out / 'benchmark.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
