"""The who's who: one entry per person in ``data/people.csv``, joined with the reward offers.

* :func:`whos_who_markdown` — the "Who's who" page (MyST Markdown): each person under a stable anchor,
  their ``person_id``, with aliases, attributed role, status as of a date, charges, the latest US reward
  offer (read from ``data/rewards.csv``, never copied), sources and confidence;
* :func:`latest_rewards` — each person's latest reward offer;
* :func:`status_problems` — the people table against the rewards' outcomes and the timeline: a status
  that contradicts them is a :class:`~explainer.data.Problem` naming the file, line and column;
* :func:`mentions` — the people a page names (by name, short name or alias), for the link checks.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from . import i18n
from .appendix import confidence_word
from .data import NOT_CONFIRMED, DataPackage, Problem, package, word
from .i18n import N_, tr
from .text import cite, md_escape, usd, when

#: Section titles of the page, in order, for the ``group`` column.
GROUPS = {
    "tren-de-aragua": N_("Tren de Aragua: leaders and members named in the book"),
    "venezuelan-officials": N_("Venezuelan officials in the US cases"),
    "mexican-cartels": N_("Cartel leaders in the book's reward comparisons"),
}
#: Statuses a person may have, given the latest ``outcome`` of the rewards offered for them ("" = none).
STATUS_FOR_OUTCOME = {
    "": {"at large", "not in US custody", "reported killed"},  # a death not confirmed ends no offer
    "captured": {"detained", "convicted", "extradited"},
    "surrendered": {"detained", "convicted"},
    "detained": {"detained", "convicted", "extradited"},
    "killed": {"killed"},
}


def anchor(person_id: str) -> str:
    """The person's anchor on the Who's who page (also the target of ``{ref}`` links in the chapters)."""
    return person_id


def latest_rewards(pkg: DataPackage | None = None) -> pd.DataFrame:
    """Each person's latest reward row (by announcement date), indexed by the person's name."""
    pkg = pkg or package()
    rewards = pkg.load("rewards").sort_values(["announced", "reward_id"], kind="stable")
    return rewards.groupby("person", sort=False).tail(1).set_index("person")


def status_problems(pkg: DataPackage | None = None) -> list[Problem]:
    """Where ``people.csv`` contradicts the other tables:

    * a person who has reward offers has a status allowed by the latest outcome recorded for them
      (no outcome: at large or not in US custody; killed: killed; captured: detained, convicted or
      extradited…), dated no earlier than that outcome;
    * a status that names a timeline event is dated as that event (same date and precision);
    * "reported killed" (a death no official document or checkable source confirms) carries a confidence
      label that says so;
    * every person in ``rewards.csv`` has a row.
    """
    pkg = pkg or package()
    people = pkg.load("people")
    file = f"data/{pkg.resources['people']['path']}"
    rewards = pkg.load("rewards")
    timeline = pkg.load("timeline").set_index("event_id")
    problems = []
    names = set(people["name"].astype(str))
    for i, name in enumerate(rewards["person"].astype(str)):  # i: the row's position in the file
        if name not in names:
            problems.append(Problem(f"data/{pkg.resources['rewards']['path']}", i + 2, "person",
                                    "has no row in people.csv", name,
                                    hint="add the person to data/people.csv, spelled the same way"))
    with_outcome = rewards.dropna(subset=["outcome"]).sort_values("outcome_date", kind="stable")
    for i, (_, r) in enumerate(people.iterrows()):
        line, status, as_of = i + 2, str(r["status"]), r["as_of"]
        mine = with_outcome[with_outcome["person"] == r["name"]]
        if (rewards["person"] == r["name"]).any():
            outcome = str(mine.iloc[-1]["outcome"]) if len(mine) else ""
            allowed = STATUS_FOR_OUTCOME[outcome]
            if status not in allowed:
                said = f"records the outcome '{outcome}'" if outcome else "records no capture, surrender or death"
                problems.append(Problem(file, line, "status", f"contradicts rewards.csv, which {said} "
                                        f"(allowed: {', '.join(sorted(allowed))})", status))
            if len(mine) and as_of < mine.iloc[-1]["outcome_date"]:
                problems.append(Problem(file, line, "as_of", "is earlier than the outcome date in rewards.csv "
                                        f"({mine.iloc[-1]['outcome_date'].date()})", str(as_of.date())))
        if status == "reported killed" and str(r["confidence"]) not in NOT_CONFIRMED:
            problems.append(Problem(file, line, "confidence", "a death reported but not confirmed must carry a "
                                    f"label that says so ({', '.join(sorted(NOT_CONFIRMED))})",
                                    str(r["confidence"])))
        eid = r["status_event_id"]
        if isinstance(eid, str) and eid in timeline.index:
            ev = timeline.loc[eid]
            if ev["date"] != as_of or str(ev["date_precision"]) != str(r["as_of_precision"]):
                problems.append(Problem(file, line, "as_of", f"differs from the date of timeline event {eid} "
                                        f"({ev['date'].date()}, {ev['date_precision']})", str(as_of.date())))
    return problems


def _names(r) -> list[str]:
    return [str(r["name"]), str(r["short_name"]), *r["aliases"]]


def mentions(text: str, pkg: DataPackage | None = None) -> dict[str, list[str]]:
    """``person_id`` → the names of that person found in ``text`` (whole words)."""
    pkg = pkg or package()
    found = {}
    for _, r in pkg.load("people").iterrows():
        hits = [n for n in _names(r) if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]
        if hits:
            found[str(r["person_id"])] = hits
    return found


def whos_who_markdown(pkg: DataPackage | None = None) -> str:
    """The Who's who page body: one ``##`` section per group, one ``###`` entry per person."""
    pkg = pkg or package()
    people = i18n.shown(pkg.load("people"), "people")
    rewards = latest_rewards(pkg)
    out = []
    for group, title in GROUPS.items():  # an index first: the page is long
        title = tr(title)
        rows = people[people["group"] == group]
        if not rows.empty:
            names = ", ".join(f"{{ref}}`{md_escape(r['short_name'])} <{anchor(r['person_id'])}>`"
                              for _, r in rows.iterrows())
            out.append(f"- **{title.split(':')[0]}:** {names}")
    out.append("")
    for group, title in GROUPS.items():
        rows = people[people["group"] == group]
        if rows.empty:
            continue
        out.append(f"## {tr(title)}\n")
        for _, r in rows.iterrows():
            out.append(f"({anchor(r['person_id'])})=")
            out.append(f"### {md_escape(r['name'])}\n")
            items = []
            if r["aliases"]:
                items.append(tr("**Also known as:** {aliases}").format(
                    aliases=", ".join(f"“{md_escape(a)}”" for a in r["aliases"])))
            items.append(tr("**Role:** {role}").format(role=md_escape(r["role"])))
            note = f" {md_escape(r['note'])}" if isinstance(r["note"], str) and r["note"] else ""
            status = _sentence_case(word("status", r["status"]))
            if str(r["as_of_precision"]) == "day":
                items.append(tr("**Status:** {status}, as of {date}.").format(status=status, date=when(r, "as_of"))
                             + note)
            else:  # a month or a year ('July 2024'): Spanish says it differently
                items.append(tr("**Status:** {status}, as of {month}.").format(status=status,
                                                                               month=when(r, "as_of")) + note)
            charges = r["charges"] if isinstance(r["charges"], str) and r["charges"] else None
            items.append(tr("**Charges:** {charges}").format(
                charges=md_escape(charges) if charges else tr("not stated in the sources this book consulted.")))
            if r["name"] in rewards.index:
                w = rewards.loc[r["name"]]
                on = tr("on {date}") if str(w["announced_precision"]) == "day" else tr("in {date}")
                offer = tr("**Latest US reward offer:** up to {amount}, {event} {when}").format(
                    amount=md_escape(usd(w["amount_usd"])), event=word("reward-event", w["event"]),
                    when=on.format(date=when(w, "announced")))
                items.append(f"{offer} ({{term}}`{w['program']}`) {cite(w['source_keys'])}")
            items.append(tr("**Sources:** {sources}").format(sources=cite(r["source_keys"], required=True)))
            items.append(tr("**Confidence:** {label}").format(label=f"*{confidence_word(str(r['confidence']))}*"))
            out.append("\n".join(f"- {x}" for x in items) + "\n")
    return "\n".join(out)


def chapter_links(path: Path) -> set[str]:
    """The person anchors a page links to with ``{ref}`` (``<p-…>`` targets)."""
    return set(re.findall(r"<(p-[a-z0-9-]+)>`", path.read_text(encoding="utf-8")))


def _sentence_case(text: str) -> str:
    """The first letter in capitals, the rest as written ("not in US custody" → "Not in US custody")."""
    return text[:1].upper() + text[1:]
