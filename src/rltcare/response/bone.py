"""PCWG3 bone-scan progression: the "2+2" rule.

Reference: Scher HI et al. J Clin Oncol 2016;34:1402-18 (Table 2, bone): new lesions on the
first post-treatment scan may be flare, so ≥2 new lesions there count only when the next
scan, ≥6 weeks later, shows ≥2 *additional* new lesions (progression dated at the first
scan); afterwards the first post-treatment scan is the reference and ≥2 new lesions relative
to it, confirmed on a later scan, are progression.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from rltcare.response.base import Rule, confirming_index


class BoneScan(BaseModel):
    """A bone scan: the count of new lesions relative to the *baseline* scan."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: dt.date
    new_lesions: int = Field(ge=0)


def bone_progression(
    baseline_date: dt.date, scans: list[BoneScan], *, confirm_weeks: float = 6.0
) -> Rule:
    """PCWG3 bone progression ("2+2") from scans in any order.

    On the first post-treatment scan, ≥2 new lesions count only if the next scan
    (≥``confirm_weeks`` later) shows ≥2 *additional* new lesions; progression is then dated at
    the first scan. Otherwise the first post-treatment scan becomes the reference and a later
    scan with ≥2 new lesions relative to it, still present on a scan ≥``confirm_weeks`` later,
    is progression dated at that scan. Returns a :class:`Rule` (``bone-progression``,
    ``bone-unconfirmed`` or ``bone-no-progression``) with the numbers.
    """
    scans = sorted((s for s in scans if s.date > baseline_date), key=lambda s: s.date)
    if not scans:
        return Rule(rule="bone-no-progression", text="no post-baseline bone scan")
    dates = [s.date for s in scans]
    counts = [s.new_lesions for s in scans]
    days = round(confirm_weeks * 7)
    first = counts[0]
    if first >= 2:
        j = confirming_index(dates, 0, days)
        if j is None:
            return Rule(
                rule="bone-unconfirmed",
                date=dates[0],
                numbers={"new_lesions": first},
                text=f"{first} new bone lesions on the first post-treatment scan "
                f"{dates[0]}; a confirmatory scan ≥{confirm_weeks:g} weeks later is needed",
            )
        if counts[j] >= first + 2:
            return Rule(
                rule="bone-progression",
                date=dates[0],
                numbers={"new_lesions": first, "confirm_new_lesions": counts[j]},
                text=f"2+2: {first} new lesions on {dates[0]} and {counts[j] - first} more "
                f"on {dates[j]}; progression dated {dates[0]}",
            )
    for i in range(1, len(scans)):
        extra = counts[i] - first
        if extra < 2:
            continue
        j = confirming_index(dates, i, days)
        if j is None:
            return Rule(
                rule="bone-unconfirmed",
                date=dates[i],
                numbers={"new_vs_first": extra},
                text=f"{extra} new lesions on {dates[i]} relative to the first "
                f"post-treatment scan {dates[0]}; awaiting confirmation",
            )
        if counts[j] - first >= 2:
            return Rule(
                rule="bone-progression",
                date=dates[i],
                numbers={"new_vs_first": extra, "confirm_new_vs_first": counts[j] - first},
                text=f"{extra} new lesions on {dates[i]} relative to {dates[0]}, "
                f"persisting on {dates[j]}; progression dated {dates[i]}",
            )
    return Rule(
        rule="bone-no-progression",
        numbers={"new_lesions": counts},
        text="no confirmed bone progression by the 2+2 rule",
    )
