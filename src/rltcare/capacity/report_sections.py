"""Report sections that explain the figures: what limits throughput, and the waiting list.

For a manager reading a report: which resource is used up against what its calendar
allows, before which step patients wait, and why the waiting list's mean after the
warm-up differs from the Little's law check made over the whole run.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from rltcare.capacity.labels import STEP_LABELS, label, split
from rltcare.capacity.results import KpiEstimate, SimulationResult


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if i else ''}>{html.escape(str(c))}</td>" for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _mean(kpis: dict[str, KpiEstimate], name: str) -> float | None:
    k = kpis.get(name)
    return None if k is None else k.mean


def limits_section(result: SimulationResult) -> str:
    """'What limits throughput': each resource against what its calendar allows, waits by step."""
    k = result.kpis
    resources, steps = [], []
    for name in k:
        base, part = split(name)
        if base == "utilisation":
            bookable = f"bookable_utilisation[{part}]"
            if bookable in k:  # a bed or chair resource
                resources.append(
                    (
                        part,
                        k[name].text(),
                        k[f"admissions_per_year[{part}]"].text(),
                        k[f"bookable_admissions_per_year[{part}]"].text(),
                        k[bookable].text(),
                    )
                )
            else:  # MDT places, scanner or clinic slots
                resources.append((part, "—", "—", "—", k[name].text()))
        elif base == "staff_utilisation":
            resources.append((f"staff: {part}", k[name].text(), "—", "—", "—"))
        elif base == "wait_step_mean_d":
            steps.append((part, k[name]))
    total = _mean(k, "wait_first_cycle_mean_d")
    step_rows = [
        (
            STEP_LABELS.get(part, part),
            est.text(),
            f"{est.mean / total:.0%}" if total and est.mean is not None else "—",
        )
        for part, est in steps
    ]
    return f"""
<h2>What limits throughput</h2>
<p>{html.escape(_binding(k, steps, total))}</p>
{
        table(
            (
                "resource",
                "share of time occupied (opening hours; staff: contracted hours)",
                "admissions a year",
                "admissions the calendar allows a year",
                "share of those used (MDT, scanners, clinics: of slots offered)",
            ),
            resources,
        )
    }
<p>The admissions a calendar allows count, unit by unit, a booked stay (rounded to the
discharge time) starting at each first admission time after the previous one ends, closures
excluded: a room admitting on Mondays only with 48 h stays allows one stay a week however
many hours it then stands empty. A share near 1 with patients waiting marks the constraint; below 1 with a
queue, admissions are lost to stays longer than booked, bumped and rebooked cycles, unfit
patients and doses that cannot arrive in time.</p>
<p>The wait from referral to the first cycle, step by step (each part is the time since the
previous step; the first cycle's part includes the earliest date after the consultation and
the order lead time as well as the wait for a bed or chair and a dose):</p>
{table(("wait before", "mean days (95 % CI)", "share of the wait"), step_rows)}
"""


def _binding(k: dict[str, KpiEstimate], steps, total: float | None) -> str:
    """One sentence naming the most used resource and the step before which patients wait longest."""
    of_what = {
        "bookable_utilisation": "the admissions its calendar allows",
        "staff_utilisation": "the role's contracted hours",
        "utilisation": "the slots it offers",
    }
    shares = {}
    for name, est in k.items():
        base, part = split(name)
        if base in of_what and est.mean is not None:
            if base == "utilisation" and f"bookable_{name}" in k:
                continue  # a bed or chair: its bookable share says more
            shares[(base, part)] = est.mean
    text = []
    if shares:
        base, part = max(shares, key=shares.__getitem__)
        text.append(f"Most used: '{part}' at {shares[(base, part)]:.0%} of {of_what[base]}.")
    timed = [(p, e.mean) for p, e in steps if e.mean is not None]
    if timed and total:
        part, days = max(timed, key=lambda x: x[1])
        text.append(
            f"Patients wait longest before the {STEP_LABELS.get(part, part)}: {days:.1f} of "
            f"{total:.1f} days ({days / total:.0%} of the wait from referral to first cycle)."
        )
    return " ".join(text)


def waiting_list_note(result: SimulationResult) -> str:
    """The two waiting-list means and why they differ; the Little's law check the tests make."""
    k = result.kpis
    names = ("waiting_list_mean", "little_L", "little_lambda_W")
    if not all(n in k for n in names):
        return ""
    return f"""
<h2>Waiting list and Little's law</h2>
{table(("indicator", "mean (95 % CI)"), [(label(n), k[n].text()) for n in names])}
<p>The waiting list holds every patient referred who has neither had a first cycle nor left
(screen failure, death, drop-out); MDT, PET and consultation waits are inside it. Little's law
L = λW is checked on this list over the <em>whole</em> run, warm-up included, because only
there do the two sides count the same patient-hours: L samples the list's size from the start
(empty) to the horizon, λW adds each patient's time on the list (cut at the horizon) and
divides by the run length. They agree on every replication (tested within 2 %). The waiting
list of the key results is the same list averaged over the measurement window only (after
the warm-up); it is larger when the list grows during the run, as it does with growing
referrals or too little capacity.</p>
"""
