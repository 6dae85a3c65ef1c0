"""Every cohort analysis of issue 5, from a :class:`~rltcare.cohort.source.Cohort`.

Each piece is a function shared by the CLI, the API, the pages and the report:
:func:`discordance`, :func:`toxicity`, :func:`survival_curves`, :func:`waterfall`,
:func:`swimmer`; :func:`analyse` runs those the cohort has tables for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from rltcare.cohort.assess import CRITERION_TABLE, assess_table, per_patient
from rltcare.cohort.source import Cohort, SourceGap
from rltcare.cohort.tables import typed
from rltcare.errors import InputError
from rltcare.outcomes import benchmarking, competing_risks, ctcae, survival
from rltcare.outcomes.benchmarking import Funnel
from rltcare.outcomes.competing_risks import CumulativeIncidence
from rltcare.outcomes.survival import KaplanMeier
from rltcare.response.base import HARMONISED, Response
from rltcare.response.discordance import Discordance, agreement, landmark_table
from rltcare.result import Result


class CohortOptions(BaseModel):
    """The choices of a cohort analysis (page form, report command)."""

    model_config = ConfigDict(extra="forbid")

    landmark_weeks: float = Field(12.0, gt=0, le=520, description="Discordance landmark.")
    window_weeks: float = Field(4.0, ge=0, le=52, description="± window around the landmark.")
    time_column: str = Field("time_days", min_length=1, description="Survival time (days).")
    event_column: str = Field("event", min_length=1, description="1 = event, 0 = censored.")
    group_column: str | None = Field(None, description="Survival curves per value of this.")
    ctcae_version: Literal["5.0", "6.0"] = "5.0"
    min_grade: int = Field(3, ge=1, le=4, description="Toxicity: first event of this grade.")
    indicator: str = Field("PSA50 rate", description="Name of the benchmarked indicator.")
    target: float | None = Field(None, gt=0, lt=1, description="Funnel target (default pooled).")


class DiscordanceResult(Result):
    """Agreement at the landmark and each patient's harmonised category per criterion."""

    agreement: Discordance
    patients: dict[str, dict[str, str]]


class SurvivalResult(Result):
    time_column: str
    event_column: str
    group_column: str | None
    risk_times: list[float]
    curves: dict[str, KaplanMeier]


class ToxicityResult(Result):
    ctcae_version: str
    verified: bool | None
    warning: str | None = None
    min_grade: int
    patients: int
    grade_counts: dict[str, int]
    events: dict[str, int]
    incidence: CumulativeIncidence
    at: dict[str, dict[str, float]]


class WaterfallBar(Result):
    patient_id: str
    change_pct: float
    category: str


class SwimmerEvent(Result):
    day: int
    kind: Literal["response", "progression", "death"]
    criterion: str


class SwimmerLane(Result):
    patient_id: str
    days: int
    events: list[SwimmerEvent]


class InputSummary(Result):
    name: str
    rows: int
    patients: int | None


class CohortAnalysis(Result):
    """Everything the cohort page and report show; a section is None without its table."""

    options: CohortOptions
    inputs: dict[str, InputSummary]
    criteria: dict[str, str] = Field(description="criterion → version applied")
    best: dict[str, dict[str, int]] = Field(description="criterion → best-response counts")
    not_evaluable: dict[str, dict[str, str]] = Field(description="criterion → patient → reason")
    waterfall: list[WaterfallBar] | None = None
    swimmer: list[SwimmerLane] | None = None
    discordance: DiscordanceResult | None = None
    survival: SurvivalResult | None = None
    toxicity: ToxicityResult | None = None
    funnel: Funnel | None = None
    source_gaps: list[SourceGap] = Field(
        default_factory=list, description="source fields that were empty, and the consequence"
    )


def discordance(
    responses: Sequence[Response], *, landmark_weeks: float = 12.0, window_weeks: float = 4.0
) -> DiscordanceResult:
    """Harmonised categories at the landmark and pairwise agreement (NE excluded)."""
    if len({r.criterion for r in responses}) < 2:
        raise InputError(
            "give data for at least two criteria",
            field="criteria",
            hint="e.g. PSA values (PCWG3) and PSMA PET scans (RECIP)",
        )
    days = round(landmark_weeks * 7)
    table = landmark_table(responses, landmark_days=days, window_days=round(window_weeks * 7))
    return DiscordanceResult(
        agreement=agreement(table, landmark_days=days),
        patients=table.fillna("—").to_dict(orient="index"),
    )


def toxicity(
    labs: pd.DataFrame,
    follow_up: pd.DataFrame,
    *,
    ctcae_version: str = "5.0",
    min_grade: int = 3,
    at: Sequence[float] = (),
) -> ToxicityResult:
    """CTCAE grades and the cumulative incidence of the first grade ≥``min_grade`` event,
    death competing (typed ``labs`` and ``follow_up`` tables)."""
    graded = ctcae.grade_frame(labs, ctcae_version=ctcae_version)
    tte = competing_risks.first_grade_event(graded, follow_up, min_grade=min_grade)
    cif = competing_risks.aalen_johansen(
        tte["time_days"].to_numpy(dtype=float),
        tte["event"].to_numpy(dtype=int),
        causes={1: f"grade>={min_grade}", 2: "death"},
    )
    counts = graded.groupby(["term", "grade"]).size()
    return ToxicityResult(
        ctcae_version=ctcae_version,
        verified=bool(graded["verified"].all()) if len(graded) else None,
        warning=ctcae.version(ctcae_version).warning(set(graded["term"])) if len(graded) else None,
        min_grade=min_grade,
        patients=len(tte),
        grade_counts={f"{t} grade {g}": int(n) for (t, g), n in counts.items()},
        events={
            "toxicity": int((tte["event"] == 1).sum()),
            "death first": int((tte["event"] == 2).sum()),
        },
        incidence=cif,
        at={f"day {d:g}": {k: round(v, 4) for k, v in cif.at(d).items()} for d in at},
    )


def risk_grid(longest: float, ticks: int = 7) -> list[float]:
    """0 and round steps (weeks to years) up to ``longest`` days: the risk table's columns."""
    step = next((s for s in (7, 14, 30, 60, 90, 180, 365, 730) if longest / s <= ticks - 1), 1461)
    return [float(t) for t in np.arange(0, longest + 1, step)]


def survival_curves(
    frame: pd.DataFrame,
    *,
    time: str = "time_days",
    event: str = "event",
    group: str | None = None,
    risk_times: Sequence[float] | None = None,
    name: str = "survival",
) -> SurvivalResult:
    """Kaplan-Meier per group with median, 95% CI and numbers at risk at ``risk_times``
    (default :func:`risk_grid`). ``frame`` is a survival table as read (strings)."""
    for col in (time, event, *([group] if group else [])):
        if col not in frame.columns:
            raise InputError(
                f"missing column '{col}'",
                file=name,
                line=1,
                field=col,
                hint=f"columns: {', '.join(c for c in frame.columns if not c.startswith('_'))}",
            )
    data = typed(frame, "survival", name, numeric=(time, event))
    bad = data[time].isna() | data[event].isna() | ~data[event].isin((0, 1)) | (data[time] < 0)
    if bad.any():
        row = data[bad].iloc[0]
        raise InputError(
            f"needs a time ≥0 in '{time}' and 0 or 1 in '{event}'",
            file=name,
            line=int(row["_line"]),
            field=time if pd.isna(row[time]) or row[time] < 0 else event,
        )
    return km_groups(data, time=time, event=event, group=group, risk_times=risk_times)


def km_groups(
    data: pd.DataFrame,
    *,
    time: str = "time_days",
    event: str = "event",
    group: str | None = None,
    risk_times: Sequence[float] | None = None,
) -> SurvivalResult:
    """Kaplan-Meier per value of ``group`` (all together when None) of a typed table."""
    times = list(risk_times) if risk_times else risk_grid(float(data[time].max()))
    if group:  # a patient without a group is shown, not dropped
        data = data.assign(**{group: data[group].fillna("(missing)")})
    groups = data.groupby(group, sort=True) if group else [("all", data)]
    curves = {
        str(k): survival.kaplan_meier(g[time], g[event].astype(int), label=str(k), risk_times=times)
        for k, g in groups
    }
    return SurvivalResult(
        time_column=time, event_column=event, group_column=group, risk_times=times, curves=curves
    )


def waterfall(psa: Sequence[Response]) -> list[WaterfallBar]:
    """Each evaluable patient's maximal PSA change from baseline (PCWG3), largest rise first."""
    bars = [
        WaterfallBar(
            patient_id=r.patient_id, change_pct=r.metrics["max_decline_pct"], category=r.category
        )
        for r in psa
        if r.evaluable
    ]
    return sorted(bars, key=lambda b: -b.change_pct)


def _day0(r: Response, starts: dict[str, dt.date]) -> dt.date | None:
    """Day 0 of a patient's lane: the first cycle if known, else the response's baseline."""
    if r.patient_id in starts:
        return starts[r.patient_id]
    if r.timepoints:
        return r.timepoints[0].date - dt.timedelta(days=r.timepoints[0].days)
    return None


def swimmer(
    responses: Sequence[Response],
    starts: dict[str, dt.date],
    follow_up: pd.DataFrame | None = None,
) -> list[SwimmerLane]:
    """Per patient: days on study from the first cycle (``starts``; else the imaging
    baseline) to the last observation or follow-up, with the first response (PR/CR) and the
    first progression under each criterion and death, longest lane first."""
    lanes: dict[str, dict] = {}
    for r in responses:
        day0 = _day0(r, starts)
        if day0 is None:
            continue
        lane = lanes.setdefault(r.patient_id, {"days": 0, "events": []})
        for kind, wanted in (("response", ("PR", "CR")), ("progression", ("PD",))):
            first = next((t for t in r.timepoints if t.harmonised in wanted), None)
            if first is not None:
                day = (first.date - day0).days
                lane["events"].append(SwimmerEvent(day=day, kind=kind, criterion=r.criterion))
        if r.timepoints:
            lane["days"] = max(lane["days"], (r.timepoints[-1].date - day0).days)
    if follow_up is not None:
        for row in follow_up.itertuples():
            if row.patient_id not in lanes:
                continue
            days = (row.end_date - row.start_date).days
            lane = lanes[row.patient_id]
            lane["days"] = max(lane["days"], days)
            if row.died:
                lane["events"].append(SwimmerEvent(day=days, kind="death", criterion="follow-up"))
    out = [SwimmerLane(patient_id=p, days=v["days"], events=v["events"]) for p, v in lanes.items()]
    return sorted(out, key=lambda lane: (-lane.days, lane.patient_id))


@contextmanager
def _file(name: str) -> Iterator[None]:
    """Name the file in an engine's error about one of its rows."""
    try:
        yield
    except InputError as exc:
        exc.file = exc.file or name
        raise


def _summary(cohort: Cohort, table: str) -> InputSummary:
    frame = cohort.table(table)
    pid = frame["patient_id"].nunique() if "patient_id" in frame else None
    return InputSummary(name=cohort.name(table), rows=len(frame), patients=pid)


def analyse(cohort: Cohort, options: CohortOptions | None = None) -> CohortAnalysis:
    """Run every analysis the cohort's tables allow (each section needs its tables)."""
    o = options or CohortOptions()
    if cohort.has("labs") and not cohort.has("follow_up"):
        raise InputError(
            "lab values need the follow-up table (first cycle, last contact, death)",
            field="follow_up",
        )
    responses: dict[str, list[Response]] = {}
    for criterion, table in CRITERION_TABLE.items():
        if cohort.has(table):
            responses[criterion] = assess_table(table, cohort.table(table), cohort.name(table))
    every = [r for rs in responses.values() for r in rs]
    starts = {}
    if cohort.has("psa"):
        raw = per_patient(cohort.table("psa"), "start_date", cohort.name("psa"))
        starts = {p: pd.Timestamp(d).date() for p, d in raw.items()}
    fu = None
    if cohort.has("follow_up"):
        fu = typed(cohort.table("follow_up"), "follow_up", cohort.name("follow_up"))
    result: dict = {
        "options": o,
        "inputs": {t: _summary(cohort, t) for t in cohort.tables},
        "criteria": {rs[0].criterion: rs[0].version for rs in responses.values() if rs},
        "best": {
            rs[0].criterion: {k: sum(r.harmonised == k for r in rs) for k in HARMONISED}
            for rs in responses.values()
            if rs
        },
        "source_gaps": list(cohort.gaps),
        "not_evaluable": {
            rs[0].criterion: {r.patient_id: r.reason or "" for r in rs if not r.evaluable}
            for rs in responses.values()
            if rs
        },
    }
    if "pcwg3" in responses:
        result["waterfall"] = waterfall(responses["pcwg3"])
    if every:
        result["swimmer"] = swimmer(every, starts, fu)
    if len(responses) >= 2:
        result["discordance"] = discordance(
            every, landmark_weeks=o.landmark_weeks, window_weeks=o.window_weeks
        )
    if cohort.has("survival"):
        result["survival"] = survival_curves(
            cohort.table("survival"),
            time=o.time_column,
            event=o.event_column,
            group=o.group_column or None,
            name=cohort.name("survival"),
        )
    if cohort.has("labs") and fu is not None:
        labs = typed(cohort.table("labs"), "labs", cohort.name("labs"))
        with _file(cohort.name("labs")):
            result["toxicity"] = toxicity(
                labs, fu, ctcae_version=o.ctcae_version, min_grade=o.min_grade, at=(90, 180, 365)
            )
    if cohort.has("centres"):
        centres = typed(cohort.table("centres"), "centres", cohort.name("centres"))
        with _file(cohort.name("centres")):
            result["funnel"] = benchmarking.funnel(
                centres.drop(columns="_line"), indicator=o.indicator, target=o.target
            )
    return CohortAnalysis(**result)
