"""The full timeline: every row of ``data/timeline.csv`` on one page, oldest first.

:func:`timeline_markdown` writes the page body (MyST Markdown): a filter form (category, country, text),
hidden until ``_static/timeline.js`` runs, so that without JavaScript the page is the plain list; a
count that the script keeps up to date in a live region; then one section per year, one entry per event
with its date at its precision, category, country, text, note, sources (citations that link into the
bibliography) and confidence. Each entry carries its category and country as classes
(``tl-cat-<category>``, ``tl-iso-<code>``), which is all the script reads.
"""
from __future__ import annotations

import html

import pandas as pd

from . import i18n
from .appendix import confidence_word
from .data import DataPackage, country_name, package
from .i18n import lang, tr
from .style import CATEGORY_NAMES, category_name
from .text import MESES, MONTHS, cite, count, expand_months, format_date, md_escape, when



def dates(row) -> str:
    """The event's date at its precision (:func:`explainer.text.when`); a span shows both ends
    ('2005–2015')."""
    if pd.isna(row["end_date"]):
        return when(row)
    start, end = pd.Timestamp(row["date"]), pd.Timestamp(row["end_date"])
    if row.get("date_precision", "day") == "day" and (start.year, start.month) == (end.year, end.month):
        # days of one month: '15–16 March 2025' (Spanish 'del 15 al 16 de marzo de 2025')
        return tr("{first}–{last} {month}").format(first=start.day, last=end.day,
                                                   month=format_date(start, "month"))
    if row.get("date_precision") == "month" and start.year == end.year:
        # months of one year: 'March–August 2021' (Spanish 'de marzo a agosto de 2021')
        names = MESES if lang() == "es" else MONTHS
        return tr("{first}–{last} {year}").format(first=names[start.month - 1], last=names[end.month - 1],
                                                  year=end.year)
    return f"{when(row)}–{when(row, 'end_date')}"


def _options(values: dict[str, str], counts: pd.Series, everything: str) -> str:
    opts = [f'<option value="">{html.escape(everything)}</option>']
    opts += [f'<option value="{html.escape(k)}">{html.escape(v)} ({count(counts.get(k, 0))})</option>'
             for k, v in values.items() if counts.get(k, 0)]
    return "".join(opts)


def filter_form(events: pd.DataFrame) -> str:
    """The filters (real form controls with labels) and the live count, as raw HTML. The count's
    ``data-all`` and ``data-some`` attributes are the sentences the script writes once it filters
    (``{total}``, ``{shown}``: numbers it fills in), in the page's language."""
    cats = events["category"].astype(str)
    isos = events["country_iso3"].astype(str)
    countries = dict(sorted(((c, country_name(c)) for c in set(isos)), key=lambda kv: kv[1]))
    categories = {c: category_name(c) for c in CATEGORY_NAMES}
    n = len(events)
    e = html.escape
    return (
        f'<form class="tl-filters" id="tl-filters" role="search" aria-label="{e(tr("Filter the events"))}" hidden>\n'
        f'<div class="tl-field"><label for="tl-cat">{e(tr("Category"))}</label>'
        f'<select id="tl-cat" name="category">{_options(categories, cats.value_counts(), tr("All categories"))}'
        '</select></div>\n'
        f'<div class="tl-field"><label for="tl-iso">{e(tr("Country"))}</label>'
        f'<select id="tl-iso" name="country">{_options(countries, isos.value_counts(), tr("All countries"))}'
        '</select></div>\n'
        f'<div class="tl-field"><label for="tl-q">{e(tr("Words in the text"))}</label>'
        '<input id="tl-q" name="q" type="search" autocomplete="off" spellcheck="false"></div>\n'
        f'<div class="tl-field"><button type="reset">{e(tr("Show all"))}</button></div>\n'
        '</form>\n'
        f'<p class="tl-count" id="tl-count" role="status" aria-live="polite" data-total="{n}" '
        f'data-all="{e(tr("All {total} events shown."))}" data-some="{e(tr("{shown} of {total} events shown."))}">'
        + e(tr("All {n} events are listed.").format(n=count(n))) + '</p>\n'
    )


def timeline_markdown(pkg: DataPackage | None = None) -> str:
    """The page body: filter form, count, then every event, oldest first, under its year."""
    pkg = pkg or package()
    events = i18n.shown(pkg.load("timeline"), "timeline").sort_values(["date", "event_id"], kind="stable")
    out = [filter_form(events)]
    for year, group in events.groupby(events["date"].dt.year, sort=True):
        out.append(f"(timeline-{year})=\n## {year}\n")
        for _, r in group.iterrows():
            cat, iso = str(r["category"]), str(r["country_iso3"])
            note = f" {md_escape(expand_months(r['note']))}" if isinstance(r["note"], str) and r["note"] else ""
            out.append(
                f":::{{container}} tl-event tl-cat-{cat} tl-iso-{iso.lower()}\n"
                f"**{dates(r)}** · {category_name(cat)} · {md_escape(country_name(iso))}\n\n"
                f"{md_escape(r['event'])}{note} {cite(r['source_keys'], required=True)} "
                f"*({confidence_word(str(r['confidence']))})*\n"
                ":::\n")
    return "\n".join(out)
