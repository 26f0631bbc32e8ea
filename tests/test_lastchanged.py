"""Each page's footer says when its content last changed: the newest of the "as of" dates it states and
the corrections and updates logged for it (all of them for the pages that list them), never the date of
the build."""
from __future__ import annotations

import csv
import datetime as dt
import re
import sys

import pytest

from conftest import ROOT, toc_pages
from explainer.text import format_date

sys.path.insert(0, str(ROOT / "_ext"))
import lastchanged  # noqa: E402

FOOTER = re.compile(r'<p class="last-updated">\s*(?P<text>.*?)\s*</p>', re.S)
LISTS = {"chapters/corrections": "corrections", "chapters/whats-new": "updates"}


def expected(page: str) -> dt.date | None:
    """Recomputed from the files themselves: the page's {asof} dates, and the publication dates of the
    corrections and updates whose chapter is the page."""
    dates = [dt.date.fromisoformat(d) for d in
             re.findall(r"\{asof\}`(\d{4}-\d\d-\d\d)`", (ROOT / f"{page}.md").read_text(encoding="utf-8"))]
    for table in ("corrections", "updates"):
        with open(ROOT / "data" / f"{table}.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if LISTS.get(page) == table or row["chapter"] == page.rsplit("/", 1)[-1]:
                    dates.append(dt.date.fromisoformat(row["published"]))
    return max(dates, default=None)


@pytest.mark.build
@pytest.mark.parametrize("page", toc_pages())
def test_footer_date_is_the_newest_content_date(site, page):
    html = (site / f"{page}.html").read_text(encoding="utf-8")
    footer = FOOTER.search(html)
    want = expected(page)
    if want is None:
        assert footer is None, f"{page}: a date with nothing to date it: {footer['text']}"
        return
    assert footer, f"{page}: no 'content last changed' line"
    assert footer["text"] == f"Content last changed on {format_date(want)}.", (page, footer["text"])
    assert "Last updated" not in html


def test_a_page_with_inputs_gets_their_newest_date(tmp_path, data_copy):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "spread.md").write_text("As of {asof}`2020-01-02` and {asof}`2021-03-04`.\n")
    (tmp_path / "chapters" / "quiet.md").write_text("No dates here.\n")
    pkg = data_copy.package()
    newest_spread = max(dt.date.fromisoformat(r[1]) for r in data_copy.rows("corrections")[1:]
                        + data_copy.rows("updates")[1:] if r[2] == "spread")
    assert lastchanged.content_changed("chapters/spread", tmp_path, pkg) == max(newest_spread,
                                                                                dt.date(2021, 3, 4))
    assert lastchanged.content_changed("chapters/quiet", tmp_path, pkg) is None
    rows = [r for r in data_copy.rows("corrections") if r[2] != "spread"]
    data_copy.write_rows("corrections", rows)
    rows = [r for r in data_copy.rows("updates") if r[2] != "spread"]
    data_copy.write_rows("updates", rows)
    assert lastchanged.content_changed("chapters/spread", tmp_path, data_copy.package()) == dt.date(2021, 3, 4)
