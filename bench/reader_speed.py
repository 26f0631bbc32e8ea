"""Reader speed: every page of the built book as a mid-range phone on a slow 4G network sees it, next
to a stock Jupyter Book page built and measured in the same run.

    make bench-reader          (or: .venv/bin/python bench/reader_speed.py [--runs 3] [--pages a,b])

The emulation is Lighthouse's mobile profile, applied through the DevTools protocol (playwright's CDP
session): a 390×844 screen at 3× density, 150 ms round trip, 1.6 Mb/s down, 750 kb/s up
(``Network.emulateNetworkConditions``) and the CPU slowed 4× (``Emulation.setCPUThrottlingRate``).
Both sites are served from 127.0.0.1 as a static host serves them: text gzip-compressed, files cacheable
for 10 minutes (``tests/conftest.py``: ``serve``).

For each page, ``--runs`` times, in a fresh browser context:

* **first visit**: empty cache, the page is opened directly;
* **second page**: the reader has opened the book's first page (the intro; for the intro itself, the
  first chapter) and then follows a link to this page, with the first page's files cached.

It reports the bytes transferred (what the network carried, headers included, until the page is quiet
after its load event), first contentful paint, largest contentful paint and the load event (medians),
and each figure as a ratio to the stock page's. Byte budgets are asserted by tests/test_speed.py; times
are only reported here. Writes ``bench/results/reader-speed.json``.

The stock book is ``jupyter-book create``'s sample book, built with the same jupyter-book; its page
``markdown.html`` (prose, like most of this book) is the comparison, its ``intro.html`` the first page.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import CHROMIUM, CHROMIUM_ARGS, HTML, SPEED_BUDGET, edition_pages, serve  # noqa: E402

JB = str(Path(sys.executable).parent / "jupyter-book")
#: Lighthouse's mobile profile ("slow 4G", mid-range phone).
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
         "has_touch": True}
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
CPU_SLOWDOWN = 4
#: Goals reported (not asserted): LCP and load on every page, and at least this much faster than stock.
GOALS = {"lcp_ms": 1000, "load_ms": 3500, "vs_stock": 2.0}
QUIET_MS = 1500  # after the load event, what still arrives within this time is counted too

#: Collects every largest-contentful-paint candidate (the last one is the page's LCP).
LCP_SCRIPT = """window.__lcp = 0;
new PerformanceObserver(l => { for (const e of l.getEntries()) window.__lcp = e.startTime; })
  .observe({type: 'largest-contentful-paint', buffered: true});"""
TIMINGS = """() => { const n = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {fcp_ms: fcp ? fcp.startTime : null, lcp_ms: window.__lcp || null, load_ms: n.loadEventStart}; }"""


def build_stock(where: Path) -> Path:
    """``jupyter-book create`` + ``build``: the stock sample book, as anyone starts one."""
    book = where / "stock"
    subprocess.run([JB, "create", str(book)], check=True, capture_output=True)
    proc = subprocess.run([JB, "build", str(book)], capture_output=True, text=True)
    if proc.returncode != 0 or not (book / "_build" / "html" / "markdown.html").exists():
        sys.exit(f"the stock book did not build:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return book / "_build" / "html"


def visit(browser, url: str, after: str | None = None) -> dict:
    """Open ``url`` in a fresh emulated phone (after ``after``, in the same tab, if given)."""
    ctx = browser.new_context(**PHONE)
    ctx.add_init_script(LCP_SCRIPT)
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    received = {"bytes": 0, "requests": 0}

    def finished(event):
        received["bytes"] += event.get("encodedDataLength", 0)
        received["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    try:
        if after:
            page.goto(after, wait_until="load")
            page.wait_for_timeout(QUIET_MS)
            received.update(bytes=0, requests=0)
        page.goto(url, wait_until="load")
        page.wait_for_timeout(QUIET_MS)
        out = page.evaluate(TIMINGS)
        out.update(kb=received["bytes"] / 1000, requests=received["requests"])
        return out
    finally:
        ctx.close()


def median(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs if r[k] is not None) if any(r[k] is not None for r in runs)
            else None for k in runs[0]}


def measure(browser, base: str, pages: list[str], first_page: dict[str, str], runs: int) -> dict:
    out = {}
    for path in pages:
        url = f"{base}/{path}"
        cold = [visit(browser, url) for _ in range(runs)]
        warm = [visit(browser, url, after=f"{base}/{first_page[path]}") for _ in range(runs)]
        out[path] = {"first_visit": median(cold), "second_page": median(warm),
                     "runs": {"first_visit": cold, "second_page": warm}}
        print(f"  {path}: {out[path]['first_visit']['kb']:.0f} kB, load "
              f"{out[path]['first_visit']['load_ms']:.0f} ms (first visit)", flush=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pages", help="comma-separated page paths (default: every page in _toc.yml + search, in "
                                    "both editions)")
    args = ap.parse_args()
    if not (HTML / "index.html").exists():
        sys.exit("the book is not built: run `make book`")
    pages = ([p if p.endswith(".html") else f"{p}.html" for p in args.pages.split(",")] if args.pages
             else [f"{p}.html" for p in edition_pages(("search",))])
    # a second page follows the edition's home page (the home page follows its indictment chapter)
    first = {p: (f"{e}chapters/indictment.html" if p == f"{e}intro.html" else f"{e}intro.html")
             for p in pages for e in ["es/" if p.startswith("es/") else ""]}

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        print("building the stock Jupyter Book (jupyter-book create)…", flush=True)
        stock_html = build_stock(Path(tmp))
        exe = None if CHROMIUM == "playwright" else CHROMIUM
        with sync_playwright() as p, serve(HTML) as ours, serve(stock_html) as stock_base:
            browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            print("stock page:", flush=True)
            stock = measure(browser, stock_base, ["markdown.html"], {"markdown.html": "intro.html"}, args.runs)
            stock = stock["markdown.html"]
            print("the book:", flush=True)
            book = measure(browser, ours, pages, first, args.runs)
            browser.close()

    report = {"emulation": {"screen": PHONE, "network": NETWORK, "cpu_slowdown": CPU_SLOWDOWN,
                            "served": "gzip, Cache-Control: max-age=600"},
              "runs": args.runs, "budgets": SPEED_BUDGET, "goals": GOALS,
              "stock": {"page": "markdown.html (jupyter-book create)", **stock}, "pages": book}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "reader-speed.json").write_text(json.dumps(report, indent=2) + "\n")

    def cells(m: dict, ref: dict) -> str:
        def r(k):
            return f"{m[k] / ref[k]:.2f}" if m[k] and ref[k] else "-"
        f = lambda k: f"{m[k]:.0f}" if m[k] is not None else "-"  # noqa: E731
        return (f"{f('kb'):>6} {r('kb'):>5} | {f('fcp_ms'):>5} {r('fcp_ms'):>5} | {f('lcp_ms'):>5} "
                f"{r('lcp_ms'):>5} | {f('load_ms'):>5} {r('load_ms'):>5}")

    head = "    kB  ×stk |   FCP  ×stk |   LCP  ×stk |  load  ×stk"
    print(f"\nPhone (390×844, 3×), 150 ms RTT, 1.6 Mb/s down, 750 kb/s up, CPU 4× slower; gzip; "
          f"medians of {args.runs} runs; ms from navigation start; ×stk = ratio to the stock page")
    for mode, title in (("first_visit", "First visit (empty cache)"),
                        ("second_page", "Second page (after the first page, cache warm)")):
        print(f"\n{title}\n| {'page':<28} | {head} | missed    |")
        print(f"|{'-' * 30}|{'-' * (len(head) + 2)}|-----------|")
        ref = stock[mode]
        print(f"| {'stock: markdown.html':<28} | {cells(ref, ref)} |           |")
        for path, m in book.items():
            x = m[mode]
            missed = [name for name, ok in (
                ("LCP", x["lcp_ms"] is not None and x["lcp_ms"] <= GOALS["lcp_ms"]),
                ("load", x["load_ms"] <= GOALS["load_ms"]),
                ("2x", ref["load_ms"] / x["load_ms"] >= GOALS["vs_stock"])) if not ok]
            print(f"| {path.removesuffix('.html'):<28} | {cells(x, ref)} | {' '.join(missed) or 'met':<9} |")
    print(f"\nBudgets (tests/test_speed.py): first visit ≤ {SPEED_BUDGET['first_visit_kb']} kB, second page "
          f"≤ {SPEED_BUDGET['second_page_kb']} kB. Goals ('missed' column): LCP ≤ {GOALS['lcp_ms']} ms, load ≤ "
          f"{GOALS['load_ms']} ms, load at least {GOALS['vs_stock']:.0f}× faster than the stock page (2x).")
    print(f"Report written to {out / 'reader-speed.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
