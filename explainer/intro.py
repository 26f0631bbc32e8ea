"""The introduction (``intro.md``): the dates, amount and counts its overview states."""
from __future__ import annotations

import pandas as pd

from .text import format_date, usd, when


def prose_values(timeline: pd.DataFrame, rewards: pd.DataFrame, presence: pd.DataFrame) -> dict[str, object]:
    """Every date, amount and count the introduction states, by glue name, from the data."""
    first_offer = rewards[rewards["person"].str.contains("Guerrero Flores")].sort_values("announced").iloc[0]
    values = {name: when(timeline.loc[event_id]) for name, event_id in [
        ("unsealed", "e-2025-12-18-sdny-guerrero-unsealed"), ("raid", "e-2023-09-20-tocoron-raid"),
        ("fto", "e-2025-02-20-tda-fto-designation"), ("maduro", "e-2026-01-03-maduro-captured"),
        ("ice_post", "e-2026-02-18-ice-wanted-post"), ("relations", "e-2026-03-05-us-venezuela-relations"),
        ("reported_killed", "e-2026-06-12-guerrero-flores-reported-killed")]}
    return values | dict(
        reward=usd(first_offer["amount_usd"]), reward_first=format_date(first_offer["announced"]),
        n_countries=len(presence),
        n_strong=int(presence["evidence_level"].isin(["convictions", "prosecutions"]).sum()),
    )
