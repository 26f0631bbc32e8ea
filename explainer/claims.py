"""The fact-check chapter and the claims ledger.

* **Claim cards.** :func:`card` renders one row of ``data/claims.csv`` as a MyST admonition: the article's
  words, the verdict, the confidence label, the explanation and real ``{cite:p}`` citations of the row's
  sources. A chapter displays the cards with ``IPython.display.Markdown``; the book parses Markdown outputs as
  MyST (``nb_render_markdown_format`` in ``_config.yml``), so the citations work.
* **Counts and charts.** :func:`counts` and :func:`count_bars` (verdicts, confidence labels).
* **The ledger.** Chapters say which checked claim a passage makes with a MyST comment on its own line::

      % claim: c-book-fto-2025-02-20

  (several ids may follow one ``claim:``, separated by spaces or commas; lines inside fenced code
  blocks are ignored). ``python -m bookbuild.checks`` reports markers that name no claim and claims that
  no chapter makes, in each edition.
"""
from __future__ import annotations

from collections import Counter

import pandas as pd
from matplotlib.ticker import MaxNLocator

from . import charts
from .data import confidence_word, word  # noqa: F401  (confidence_word: the chapter's)
from .i18n import say, tr
from .text import cite
from .text import expand_months as prose_dates
from .text import md_escape

#: Verdicts, in the order the book shows them: colour (Okabe–Ito; colour is never the only cue, every bar
#: and card also says the verdict) and the admonition class of its card (the theme colours them green,
#: orange, red, yellow and blue). Their labels are the verdict vocabulary of data/vocabularies.csv.
VERDICT_STYLE = {
    "supported": (charts.PALETTE["green"], "tip"),
    "partly": (charts.PALETTE["orange"], "warning"),
    "incorrect": (charts.PALETTE["vermillion"], "danger"),
    "unverified": (charts.PALETTE["grey"], "attention"),
    "opinion": (charts.PALETTE["purple"], "note"),
}
VERDICTS = list(VERDICT_STYLE)
VERDICT_COLORS = {v: s[0] for v, s in VERDICT_STYLE.items()}
VERDICT_CLASSES = {v: s[1] for v, s in VERDICT_STYLE.items()}
#: The colour of each confidence label's bar, strongest first (its words: the confidence vocabulary).
CONFIDENCE_COLORS = {"primary": charts.PALETTE["blue"], "corroborated": charts.PALETTE["sky"],
                     "single-source": charts.PALETTE["orange"], "contested": charts.PALETTE["vermillion"],
                     "unverified": charts.PALETTE["grey"]}


def verdict_label(verdict: str) -> str:
    """A verdict's label in the book's language ('Supported')."""
    return word("verdict", verdict, "label")


# --------------------------------------------------------------------------- text


def _quote(text: str) -> str:
    return f"“{md_escape(text)}”"


def article_words(quote: str) -> str:
    """The article's own words, quoted: in English as they are; in another edition the book's translation,
    with the original beside it (unless the words read the same, as a name does)."""
    shown = say("claims", "seed_quote", quote)
    if shown == quote:
        return _quote(quote)
    return tr("{translation} (in the original: {quote})").format(translation=_quote(shown), quote=_quote(quote))


def card(row) -> str:
    """One claim as a MyST admonition: the claim, the verdict, the confidence, why, and the sources."""
    verdict, conf = str(row["verdict"]), str(row["confidence"])
    if verdict not in VERDICT_STYLE:
        raise ValueError(f"{row['claim_id']}: unknown verdict {verdict!r}")
    quote = row.get("seed_quote")
    if isinstance(quote, str) and quote:
        title = tr("The article: {quote}").format(quote=article_words(quote))
        claim = tr("**The claim checked:** {claim}").format(claim=md_escape(say("claims", "claim", row["claim"])))
    else:
        title = md_escape(say("claims", "claim", row["claim"]))
        claim = ""
    head = tr("**Verdict: {verdict}.** Confidence in this verdict: {confidence}.").format(
        verdict=verdict_label(verdict), confidence=word("confidence", conf, "label"))
    why = md_escape(prose_dates(say("claims", "explanation", row["explanation"])))
    body = [head, claim, f"{why} {cite(row['source_keys'], required=True)}"]
    fence = "````"
    return "\n".join([
        f"{fence}{{admonition}} {title}",
        f":class: {VERDICT_CLASSES[verdict]} claim-card claim-{verdict}",
        "",
        "\n\n".join(b for b in body if b),
        fence,
    ])


def cards(df: pd.DataFrame) -> str:
    """Cards for every row of ``df``, in order."""
    return "\n\n".join(card(r) for _, r in df.iterrows())


def verdict_table(df: pd.DataFrame) -> str:
    """A compact Markdown table: the article's words → verdict (one row per claim)."""
    lines = [tr("| The article says | Verdict |"), "|---|---|"]
    for _, r in df.iterrows():
        words = (article_words(r["seed_quote"]) if isinstance(r.get("seed_quote"), str) and r["seed_quote"]
                 else _quote(say("claims", "claim", r["claim"])))
        lines.append(f"| {words} | **{verdict_label(str(r['verdict']))}** |")
    return "\n".join(lines)


def ledger_table(df: pd.DataFrame) -> str:
    """The book's own key claims, grouped by chapter (in order of first appearance in ``df``): a link to
    each chapter, then one list item per claim with its confidence label (and verdict, when it is not
    "supported") and its sources. A list rather than a table, so that it reads well on a phone."""
    out = []
    for chapter in dict.fromkeys(df["chapter"].astype(str)):
        lines = [tr("**In {chapter}**").format(chapter=f"{{doc}}`{chapter}`"), ""]
        for _, r in df[df["chapter"].astype(str) == chapter].iterrows():
            v, conf = str(r["verdict"]), confidence_word(str(r["confidence"]))
            label = (tr("Confidence: {confidence}").format(confidence=conf) if v == "supported" else
                     tr("Confidence: {confidence}; verdict: {verdict}").format(
                         confidence=conf, verdict=verdict_label(v).lower()))
            lines.append(f"- {md_escape(prose_dates(say('claims', 'claim', r['claim'])))} *{label}.* "
                         f"{cite(r['source_keys'], required=True)}")
        out.append("\n".join(lines))
    return "\n\n".join(out)


# --------------------------------------------------------------------------- counts and charts
def counts(values, order: list[str]) -> list[tuple[str, int]]:
    """How many of each label, in ``order`` (labels with no rows count 0; unknown labels are an error)."""
    c = Counter(str(v) for v in values)
    unknown = set(c) - set(order)
    if unknown:
        raise ValueError(f"labels outside {order}: {sorted(unknown)}")
    return [(label, c[label]) for label in order]


@charts.redrawable
def count_bars(labels, values, colors, *, title: str, xlabel: str, source: str, as_of: str,
               subtitle: str | None = None, width: float = 8.0):
    """Horizontal bars in the given order (first label on top), each labelled with its count. Narrow (a
    phone), long labels break into lines, so that the bars keep their width."""
    labels, values, colors = list(labels), [int(v) for v in values], list(colors)
    if not (len(labels) == len(values) == len(colors)):
        raise ValueError("labels, values and colors must have the same length")
    narrow = width < charts.NARROW_IN
    if narrow:
        import textwrap

        labels = [textwrap.fill(str(label), 18) for label in labels]
    fig, ax = charts.figure(width, max(2.4, (0.7 if narrow else 0.48) * len(labels) + 1.7))
    ys = list(range(len(labels)))[::-1]
    ax.barh(ys, values, color=colors, height=0.62)
    ax.set_yticks(ys, labels)
    for y, v in zip(ys, values):
        ax.text(v, y, f"  {v}", va="center", fontsize=10, color=charts.INK)
    ax.set_xlim(0, max(values + [1]) * 1.2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    charts.finish(fig, ax, title, source, as_of, subtitle)
    return fig


# --------------------------------------------------------------------------- the ledger
# --------------------------------------------------------------------------- the chapter
#: The article's topics, in the order the chapter checks them.
TOPICS = {
    "identity": "Who he is", "charges": "The charges", "reward": "The reward", "origins": "Origins",
    "spread": "Where it operates", "activities": "What it does", "geopolitics": "The framing",
}
#: The places the article names.
SEED_COUNTRIES = ["COL", "PER", "ECU", "CHL", "USA"]
#: The activities the article names (codes of the activity vocabulary).
SEED_ACTIVITIES = ["drug-trafficking", "human-trafficking", "extortion", "kidnapping", "illegal-mining"]


def omitted_countries(presence: pd.DataFrame) -> list[str]:
    """Countries with convictions or prosecutions that the article does not name."""
    strong = presence[presence["evidence_level"].isin(["convictions", "prosecutions"])]
    return [c for c in strong["country_iso3"] if c not in SEED_COUNTRIES]


def by_topic(claims: pd.DataFrame) -> pd.DataFrame:
    """The article's claims in the chapter's order of topics."""
    order = {t: i for i, t in enumerate(TOPICS)}
    seed = claims[claims["origin"] == "seed"]
    return seed.sort_values("topic", key=lambda c: c.astype(str).map(order), kind="stable")


def countries_table(presence: pd.DataFrame) -> str:
    """The article's places, and the ones it leaves out, against the presence table (Markdown)."""
    from .data import country_name

    rows = [tr("| Country | What the book's data record | Sources |"), "|---|---|---|"]
    for code in SEED_COUNTRIES + omitted_countries(presence):
        r = presence.loc[code]
        name = md_escape(country_name(code))
        if code not in SEED_COUNTRIES:
            name = tr("{country} (**not named** in the article)").format(country=name)
        rows.append(f"| {name} | {word('evidence', r['evidence_level'])} "
                    f"| {cite(r['source_keys'])} |")
    return "\n".join(rows)


def activities_table(presence: pd.DataFrame) -> str:
    """For each activity the article names, the countries where the presence table records it (Markdown)."""
    from .data import country_name

    rows = [tr("| Activity named in the article | Countries where the book's data record it |"), "|---|---|"]
    for key in SEED_ACTIVITIES:
        where = [country_name(c) for c, a in zip(presence["country_iso3"], presence["activities"]) if key in a]
        rows.append(f"| {word('activity', key)} | {len(where)}: {md_escape(', '.join(where))} |")
    return "\n".join(rows)


def prose_values(claims: pd.DataFrame, rewards: pd.DataFrame, timeline: pd.DataFrame,
                 presence: pd.DataFrame) -> dict[str, object]:
    """Every count, amount and date the chapter's prose states, by glue name, from the data."""
    from .data import country_name
    from .text import and_list, format_date, usd, when

    seed = claims[claims["origin"] == "seed"]
    vcount = dict(counts(seed["verdict"], VERDICTS))
    guerrero = rewards[rewards["person"].str.contains("Guerrero Flores")].sort_values("announced")
    first, restated = guerrero.iloc[0], guerrero[guerrero["event"] == "reiterated"].iloc[0]
    larger = rewards[rewards["amount_usd"] > first["amount_usd"]]
    largest = rewards.loc[rewards["amount_usd"].idxmax()]
    tda = rewards["organization"] == "Tren de Aragua"
    july_2024 = rewards[tda & (rewards["announced"] == first["announced"])]
    matched = rewards[tda & (rewards["event"] == "increase") & (rewards["amount_usd"] == first["amount_usd"])].iloc[0]
    omitted = omitted_countries(presence)
    unsealed = timeline.loc["e-2025-12-18-sdny-guerrero-unsealed", "date"]
    superseding = timeline.loc["e-2026-01-03-maduro-superseding-indictment", "date"]
    values = dict(
        n_claims=len(seed), n_supported=vcount["supported"], n_partly=vcount["partly"],
        n_incorrect=vcount["incorrect"], n_opinion=vcount["opinion"],
        reward=usd(first["amount_usd"]), reward_first=format_date(first["announced"]),
        reward_restated=format_date(restated["announced"]),
        n_larger=len(larger), n_larger_people=larger["person"].nunique(),
        largest=usd(largest["amount_usd"]), largest_person=largest["person"],
        largest_date=format_date(largest["announced"]),
        july_others=and_list(usd(v) for v in sorted(july_2024["amount_usd"], reverse=True)[1:]),
        matched_person=matched["person"], matched_date=format_date(matched["announced"]),
        omitted=and_list(country_name(c) for c in omitted), n_omitted=len(omitted),
        unsealed=format_date(unsealed), superseding=format_date(superseding),
        days_later=(superseding - unsealed).days, n_book=int((claims["origin"] == "book").sum()),
    )
    for name, event_id in [("tco", "e-2024-07-11-tda-tco-designation"), ("fto", "e-2025-02-20-tda-fto-designation"),
                           ("aea", "e-2025-03-14-proclamation-10903-signed"),
                           ("sanctions", "e-2025-07-17-ofac-six-leaders"),
                           ("first_strike", "e-2025-09-02-first-boat-strike")]:
        values[name] = when(timeline.loc[event_id])
    return values
