"""Generated appendix pages: they are built from the data package, so they cannot drift from it."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from . import i18n, toc
from .data import CONFIDENCE, ROOT, DataPackage, confidence_word, package, word, words
from .i18n import tr
from .text import bibliography, count, format_date, shown_source
from .text import md_escape as _md_escape

def _package_text(english: str) -> str:
    """A title, description or licence of the data package in the current language ('' stays '')."""
    return tr(english) if english else english


def chapters_using(table: str, root: Path = ROOT) -> list[str]:
    """Docnames of the pages that draw on ``table`` (load it, or bind prose to its rows), in book order."""
    return [name for name, p in zip(toc.docnames(root), toc.pages(root)) if table in toc.tables_used(p, root)]


def confidence_counts(pkg: DataPackage | None = None) -> dict[str, Counter]:
    pkg = pkg or package()
    return {t: Counter(pkg.load(t)["confidence"].astype(str)) for t in pkg.tables
            if "confidence" in pkg.load(t)}


def data_sources_markdown(pkg: DataPackage | None = None, link_prefix: str = "../data/") -> str:
    """The "Data and sources" appendix as Markdown: one section per table."""
    pkg = pkg or package()
    bib = bibliography(pkg.bib_path)
    lic = ", ".join(_package_text(x.get("title", x["name"])) for x in pkg.descriptor.get("licenses", []))
    out = []
    for res in pkg.descriptor["resources"]:
        name = res["name"]
        out.append(f"## `{res['path']}` — {_md_escape(_package_text(res.get('title', name)))}\n")
        out.append(f"{_md_escape(_package_text(res.get('description', '')))}\n")
        sha = res.get("hash", "").removeprefix("sha256:")
        rows = []
        if "schema" in res:
            df = pkg.load(name)
            rows.append((tr("Rows"), count(len(df))))
            if "confidence" in df:
                counts = Counter(df["confidence"].astype(str))
                rows.append((tr("Confidence"), ", ".join(f"{confidence_word(c)}: {count(counts[c])}"
                                                         for c in CONFIDENCE if counts[c])))
            rows.append((tr("Columns"), ", ".join(f"`{f['name']}`" for f in res["schema"]["fields"])))
        used = chapters_using(name, pkg.root.parent)
        links = [_chapter_link(c, pkg.root.parent) for c in used]
        rows.append((tr("Used in"), ", ".join(links) or tr("the maps") if name == "boundaries"
                     else ", ".join(links) or "—"))
        res_lic = ", ".join(_package_text(x.get("title", x["name"])) for x in res.get("licenses", [])) or lic
        rows.append((tr("Licence"), _md_escape(res_lic)))
        rows.append(("SHA-256", f"`{sha}`"))
        rows.append((tr("Size"), tr("{n} bytes").format(n=count(res.get("bytes", 0)))))
        # raw HTML: a Markdown link to a local file would become a copy under _downloads/<hash>/
        download = f'<a href="{link_prefix}{res["path"]}" download>{res["path"]}</a>'
        if "schema" in res and i18n.lang() != "en":  # the edition's translation of the table, beside it
            translated = readers_csv_path(res["path"], i18n.lang())
            download = (tr("{original} (the table as stored, in English); {translated} (in Spanish: column "
                           "names, codes and text)").format(
                original=download, translated=f'<a href="{link_prefix}{translated}" download>{translated}</a>'))
        rows.append((tr("Download"), download))
        out.append(f"| {tr('Property')} | {tr('Value')} |\n|---|---|\n"
                   + "\n".join(f"| {k} | {v} |" for k, v in rows) + "\n")
        if res.get("schema", {}).get("fields"):
            out.append(data_dictionary(res))
        if "schema" in res and "source_keys" in pkg.load(name):
            keys = sorted({k for ks in pkg.load(name)["source_keys"] for k in ks})
            summary = tr("Sources of this table ({n})").format(n=count(len(keys)))
            # each key links to its entry in the bibliography, which names the source in full: the page
            # does not carry the same entries a second time
            out.append(f'<details class="explainer-source-list"><summary>{summary}</summary>\n<p>'
                       + ", ".join(f'<a href="bibliography.html#{k}">{k}</a>' for k in keys if k in bib)
                       + "</p>\n</details>\n")
    return "\n".join(out)


def readers_csv_path(path: str, language: str) -> str:
    """Where a table's translation for readers of ``language`` is published, beside the table:
    ``timeline.csv`` → ``timeline.es.csv``."""
    stem, _, suffix = path.rpartition(".")
    return f"{stem}.{language}.{suffix}"


def data_dictionary(res: dict) -> str:
    """A table's columns and what each holds (the data package's descriptions, in the reader's language),
    as a disclosure under the table's summary; in a translation, each column's name in its translated
    table too."""
    import html

    fields = res["schema"]["fields"]
    translated = i18n.lang() != "en"
    head = [tr("Column")] + ([tr("Name in the table in Spanish")] if translated else []) + [tr("What it holds")]
    body = []
    for f in fields:
        cells = [f"<code>{html.escape(f['name'])}</code>"]
        if translated:
            cells.append(f"<code>{html.escape(i18n.column_name(f['name']))}</code>")
        cells.append(html.escape(i18n.say("datapackage", "description", f.get("description", ""))))
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    summary = tr("What each column holds ({n} columns)").format(n=count(len(fields)))
    return (f'<details class="explainer-data-dictionary"><summary>{html.escape(summary)}</summary>\n'
            f'<table><thead><tr>{"".join(f"<th>{html.escape(h)}</th>" for h in head)}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>\n</details>\n')


def _chapter_link(chapter: str, root: Path = ROOT) -> str:
    """A MyST ``{doc}`` link to a page (a docname, or a chapter's file stem), valid from any page; its text
    is the page's short title in the edition being written (``es/…`` for Spanish)."""
    docname = chapter if "/" in chapter or chapter == "intro" else f"chapters/{chapter}"
    page = toc.edition_root(root, i18n.lang()) / f"{docname}.md"
    title = re.sub(r"[`<>]", "", toc.short_title(page))  # role text is literal
    return f"{{doc}}`{title} </{docname}>`"


def _sources(keys, bib) -> str:
    out = []
    for k in keys:
        b, shown = bib[k], shown_source(bib[k])
        title = _md_escape(shown["title"])
        then = (f" {_md_escape('[' + shown['translation'] + ']')}" if shown["translation"] else "") + (
            f", {_md_escape(shown['publisher'])}" if shown["publisher"] else "")
        out.append(f"[{title}]({b['url']}){then}" if b["url"] else f"{title}{then}")
    return "; ".join(out)


def corrections_markdown(pkg: DataPackage | None = None) -> str:
    """The corrections log, newest first, from ``data/corrections.csv``.

    Each entry carries a target named after its ``correction_id``, which the ``{correction}`` role in
    the chapters links to.
    """
    from .data import format_date

    pkg = pkg or package()
    bib = bibliography(pkg.bib_path)
    table = i18n.shown(pkg.load("corrections"), "corrections").sort_values("published", ascending=False,
                                                                          kind="stable")
    if table.empty:
        return tr("No corrections have been published yet.") + "\n"
    out = []
    for published, group in table.groupby("published", sort=False):
        out.append(f"### {format_date(published)}\n")
        for _, r in group.iterrows():
            out.append(f"({r['correction_id']})=")
            out.append(tr("**{kind}, {chapter}.** The book said: {was} It now says: {now} Source: {sources}.")
                       .format(kind=word("correction-kind", r["kind"], "label"),
                               chapter=_chapter_link(str(r["chapter"])),
                               was=_md_escape(r["was"]), now=_md_escape(r["now"]),
                               sources=_sources(r["source_keys"], bib))
                       + (f" {_md_escape(r['note'])}" if isinstance(r["note"], str) and r["note"] else "")
                       + "\n")
    return "\n".join(out)


def whats_new_markdown(pkg: DataPackage | None = None, limit: int | None = None, level: int = 2) -> str:
    """Dated updates, newest first, from ``data/updates.csv`` (``limit``: only the newest N), each day under
    a heading of ``level`` (so that a screen reader can move from date to date)."""
    from .data import format_date

    pkg = pkg or package()
    bib = bibliography(pkg.bib_path)
    # editors' order within a day
    table = i18n.shown(pkg.load("updates"), "updates").sort_values("published", ascending=False, kind="stable")
    if limit:
        table = table.head(limit)
    out = []
    for published, group in table.groupby("published", sort=False):
        out.append(f"{'#' * level} {format_date(published)}\n")
        for _, r in group.iterrows():
            out.append(f"- {_chapter_link(str(r['chapter']))}: {_md_escape(r['summary'])} "
                       f"({_sources(r['source_keys'], bib)})")
        out.append("")
    return "\n".join(out)


def data_sources_values(pkg: DataPackage | None = None) -> dict[str, object]:
    """The counts the "Data and sources" page states, by glue name."""
    from .data import bib_keys

    pkg = pkg or package()
    totals = {c: sum(counts[c] for counts in confidence_counts(pkg).values()) for c in CONFIDENCE}
    return dict(n_tables=len(pkg.fact_tables), n_rows=sum(len(pkg.load(t)) for t in pkg.fact_tables),
                n_sources=len(bib_keys(pkg.bib_path)), n_primary=totals["primary"],
                n_corroborated=totals["corroborated"], n_single=totals["single-source"],
                n_contested=totals["contested"], n_unverified=totals["unverified"])


def methods_values(pkg: DataPackage | None = None) -> dict[str, object]:
    """The counts and dates the Methods chapter states, by glue name."""
    from .data import bib_keys
    from .text import format_date

    pkg = pkg or package()
    tables = {name: pkg.load(name) for name in pkg.fact_tables}
    mig, strikes, timeline = tables["migration"], tables["strikes"], tables["timeline"]
    bra = mig[(mig["geo"] == "BRA") & (mig["snapshot"] == "2025-11")].sort_values("count", ascending=False)
    contested_strike = strikes[strikes["killed_min"] != strikes["killed_max"]].iloc[0]
    return dict(
        n_tables=len(tables), n_rows=count(sum(len(t) for t in tables.values())),
        n_sources=len(bib_keys(pkg.bib_path)),
        bra_high=count(bra.iloc[0]["count"]), bra_low=count(bra.iloc[1]["count"]),
        strike_low=int(contested_strike["killed_min"]), strike_high=int(contested_strike["killed_max"]),
        strike_date=format_date(contested_strike["as_of"]),
        ice_post=format_date(timeline.loc["e-2026-02-18-ice-wanted-post", "date"]),
        maduro_motion=format_date(timeline.loc["e-2026-02-26-maduro-motion-to-dismiss", "date"]),
        strike_last=format_date(strikes["as_of"].max()),
        r4v_last=format_date(mig.loc[mig["geo"] == "LAC", "as_of"].max(), "month"),
        audit_month=format_date(tables["corrections"]["published"].min(), "month"),
        reported_killed=format_date(timeline.loc["e-2026-06-12-guerrero-flores-reported-killed", "date"]),
        **leads_values(pkg),
    )




def leads_values(pkg: DataPackage | None = None) -> dict[str, object]:
    """How many leads the register holds, by decision (glue names n_leads, n_leads_used, …)."""
    pkg = pkg or package()
    leads = pkg.load("leads")
    status = leads["status"].astype(str)
    return dict(n_leads=count(len(leads)), n_leads_used=count(int((status == "used").sum())),
                n_leads_reported=count(int((status == "reported").sum())),
                n_leads_rejected=count(int((status == "rejected").sum())),
                n_leads_open=count(int((status == "open").sum())),
                n_leads_news=count(int((leads["origin"].astype(str) == "news").sum())),
                n_leads_audit=count(int((leads["origin"].astype(str) == "audit").sum())))


def leads_markdown(pkg: DataPackage | None = None) -> str:
    """The register of leads as Markdown: one section per decision (reported but not confirmed first), one
    item per lead with what it said, what it concerns, where it was seen, the rows it became and why."""
    pkg = pkg or package()
    leads = i18n.shown(pkg.load("leads"), "leads")
    out = []
    for status, title in words("lead-status", "label").items():  # in the order the register lists them
        rows = leads[leads["status"].astype(str) == status]
        if rows.empty:
            continue
        out.append(f"### {title} ({count(len(rows))})\n")
        for key, r in rows.iterrows():
            head = f"**{_md_escape(r['subject'])}** ({word('lead-kind', r['kind'])}). {_md_escape(r['says'])}"
            items = [tr("**Seen in:** {traces}").format(traces=_md_escape(r["traces"]))]
            if r["rows"]:
                items.append(tr("**Became:** {rows}").format(rows=", ".join(f"`{x}`" for x in r["rows"])))
            if isinstance(r["reason"], str) and r["reason"]:
                items.append(tr("**Why:** {reason}").format(reason=_md_escape(r["reason"])))
            found = tr("found {date}").format(date=format_date(r["found"]))
            out.append(f"- {head} (`{key}`, {found})\n"
                       + "\n".join(f"  - {x}" for x in items))
        out.append("")
    return "\n".join(out)


def confidence_list(pkg: DataPackage | None = None) -> str:
    """Each table's rows by confidence label, as a Markdown list."""
    pkg = pkg or package()
    items = []
    for name, counts in confidence_counts(pkg).items():
        parts = ", ".join(tr("{n_rows} {confidence_label}").format(n_rows=count(counts[label]),
                                                                confidence_label=confidence_word(label))
                          for label in CONFIDENCE if counts[label])
        items.append(f"- **{name}** (" + tr("{n} rows").format(n=count(len(pkg.load(name)))) + f"): {parts}")
    return "\n".join(items)
