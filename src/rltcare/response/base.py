"""What every response criterion shares: results that explain themselves, and timeline logic.

A criterion module (``pcwg3``, ``recist``, ``percist``, ``eortc``, ``recip``) declares its
thresholds and the rules that differ; this module owns the rest:

- :class:`Rule` records one rule that fired, with its numbers, so every decision can be read;
- :class:`Assessment` is one dated time-point category; :class:`Response` is the answer for
  one patient, always naming the criterion and its version;
- :class:`NotEvaluable` is raised inside an engine for bad or insufficient input and turned
  into a ``NE`` result with its reason (never a crash, never a silent guess);
- timeline helpers: percent change, running nadir, confirmation by a later value;
- the scan criteria's scaffold (PERCIST, EORTC, RECIP): :func:`scan_timeline` classifies
  every follow-up scan against the baseline, :func:`scan_response` takes the best time
  point and builds the answer.

Categories are the criterion's own (``PMR``, ``PR-RECIP`` ...); ``harmonised`` maps each to
``CR | PR | SD | PD | NE`` so that criteria can be compared (see :mod:`.discordance`).
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import Field

from rltcare.result import Result

HARMONISED = ("CR", "PR", "SD", "PD", "NE")
# Tolerance for threshold comparisons: 70/100 must count as exactly a 30% decrease.
EPS = 1e-9


class NotEvaluable(Exception):  # noqa: N818 - a verdict, not an error of the program
    """Raised by an engine when the input cannot be assessed; becomes an ``NE`` result."""

    def __init__(self, reason: str, **numbers: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.numbers = numbers


class Rule(Result):
    """One rule that fired: its id, what it says, and the numbers it used."""

    rule: str
    text: str
    date: dt.date | None = None
    numbers: dict[str, Any] = Field(default_factory=dict)


class Assessment(Result):
    """A time-point category (the criterion's own name and the harmonised one)."""

    date: dt.date
    days: int
    category: str
    harmonised: str
    rule: str = ""
    numbers: dict[str, Any] = Field(default_factory=dict)


class Response(Result):
    """One patient's answer under one criterion (and version)."""

    criterion: str
    version: str
    patient_id: str = ""
    evaluable: bool = True
    reason: str | None = None
    category: str
    harmonised: str
    timepoints: list[Assessment] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    options: dict[str, Any] = Field(default_factory=dict)
    metrics: dict[str, Any] = Field(default_factory=dict)

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("criterion", f"{self.criterion} {self.version}"),
            ("patient", self.patient_id or "—"),
            ("category", f"{self.category} ({self.harmonised})"),
        ]
        if self.reason:
            rows.append(("not evaluable", self.reason))
        rows += [(k.replace("_", " "), _fmt(v)) for k, v in self.metrics.items()]
        rows += [(f"{t.date} (day {t.days})", t.category) for t in self.timepoints]
        rows += [(f"rule {r.rule}", r.text) for r in self.rules]
        return rows


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def not_evaluable(
    criterion: str, version: str, patient_id: str, exc: NotEvaluable, options: dict[str, Any]
) -> Response:
    """The ``NE`` result for ``exc``, naming the reason and its numbers."""
    rule = Rule(rule="not-evaluable", text=exc.reason, numbers=exc.numbers)
    return Response(
        criterion=criterion,
        version=version,
        patient_id=patient_id,
        evaluable=False,
        reason=exc.reason,
        category="NE",
        harmonised="NE",
        rules=[rule],
        options=options,
    )


def guarded(criterion: str, version: str) -> Callable:
    """Decorate ``evaluate(data, **options)`` so that :class:`NotEvaluable` becomes ``NE``.

    The wrapped function receives the patient data first; options are keyword-only.
    The patient id is read from ``data.patient_id``.
    """

    def wrap(func: Callable[..., Response]) -> Callable[..., Response]:
        defaults = {
            name: p.default
            for name, p in inspect.signature(func).parameters.items()
            if p.kind is p.KEYWORD_ONLY
        }

        def evaluate(data: Any, **options: Any) -> Response:
            try:
                return func(data, **options)
            except NotEvaluable as exc:
                used = defaults | options
                return not_evaluable(criterion, version, getattr(data, "patient_id", ""), exc, used)

        evaluate.__doc__ = func.__doc__
        evaluate.__name__ = func.__name__
        evaluate.__wrapped__ = func  # type: ignore[attr-defined]
        return evaluate

    return wrap


def percent_change(value: float, reference: float) -> float:
    """100 × (value − reference) / reference; the reference must be positive."""
    if reference <= 0:
        raise NotEvaluable("reference value is zero or negative", reference=reference)
    return 100.0 * (value - reference) / reference


def at_least(value: float, threshold: float) -> bool:
    """``value ≥ threshold`` tolerant to floating-point noise (exact boundaries qualify)."""
    return value >= threshold - EPS * max(1.0, abs(threshold))


def above(value: float, threshold: float) -> bool:
    """``value > threshold`` tolerant to floating-point noise (exact boundaries do not)."""
    return value > threshold + EPS * max(1.0, abs(threshold))


def running_nadir(values: Sequence[float]) -> list[float]:
    """Element i is the minimum of values[0..i-1] (the nadir *before* i); element 0 is values[0]."""
    out: list[float] = []
    low = values[0] if values else float("nan")
    for v in values:
        out.append(low)
        low = min(low, v)
    return out


def confirming_index(dates: Sequence[dt.date], i: int, min_days: int) -> int | None:
    """Index of the first value dated at least ``min_days`` after ``dates[i]``, or None."""
    target = dates[i] + dt.timedelta(days=min_days)
    for j in range(i + 1, len(dates)):
        if dates[j] >= target:
            return j
    return None


def check_dates_ordered(dates: Sequence[dt.date], what: str) -> None:
    """Reject duplicated dates: two values on one day cannot be ordered."""
    seen: set[dt.date] = set()
    for d in dates:
        if d in seen:
            raise NotEvaluable(f"two {what} values dated {d}; keep one per day", date=str(d))
        seen.add(d)


def split_baseline(scans: Sequence[Any], what: str) -> tuple[Any, list[Any]]:
    """(baseline scan, follow-up scans) from dated scans: the earliest is the baseline."""
    scans = sorted(scans, key=lambda s: s.date)
    check_dates_ordered([s.date for s in scans], what)
    if len(scans) < 2:
        raise NotEvaluable(f"{len(scans)} {what} scan(s): a baseline and a follow-up are needed")
    return scans[0], scans[1:]


def best_response(timepoints: Sequence[Assessment]) -> tuple[str, str, str]:
    """(category, harmonised, why): the best time point up to the first progression.

    Order CR > PR > SD > PD > NE on the harmonised scale; used by the PET criteria, which
    define time-point categories but no confirmation.
    """
    seq: list[Assessment] = []
    for t in timepoints:
        seq.append(t)
        if t.harmonised == "PD":
            break
    for want in ("CR", "PR", "SD", "PD"):
        for t in seq:
            if t.harmonised == want:
                why = f"best time point {t.category} on {t.date}"
                return t.category, want, f"{why}: {t.rule}" if t.rule else why
    why = "no evaluable time point"
    return "NE", "NE", f"{why}: {seq[0].date}: {seq[0].rule}" if seq and seq[0].rule else why


def scan_timeline(
    base: Any,
    follow: Sequence[Any],
    classify: Callable[[Any, list[Rule]], tuple],
    harmonised: Mapping[str, str],
    rules: list[Rule],
) -> list[Assessment]:
    """One time point per follow-up scan, each with the rule that decided it.

    ``classify(scan, rules)`` returns (category, why, numbers) and optionally the id of the
    rule that fired (default: the category); it may append rules of its own (e.g. a quality gate not checked)
    before the deciding one.
    """
    timepoints = []
    for scan in follow:
        category, why, numbers, *rule = classify(scan, rules)
        rules.append(
            Rule(rule=rule[0] if rule else category, date=scan.date, text=why, numbers=numbers)
        )
        timepoints.append(
            Assessment(
                date=scan.date,
                days=(scan.date - base.date).days,
                category=category,
                harmonised=harmonised[category],
                rule=why,
                numbers=numbers,
            )
        )
    return timepoints


def scan_response(
    criterion: str,
    version: str,
    patient_id: str,
    timepoints: list[Assessment],
    rules: list[Rule],
    *,
    options: dict[str, Any],
    metrics: dict[str, Any],
) -> Response:
    """The patient's answer: the best time point up to the first progression."""
    category, harmonised, why = best_response(timepoints)
    rules.append(Rule(rule="best", text=why))
    return Response(
        criterion=criterion,
        version=version,
        patient_id=patient_id,
        category=category,
        harmonised=harmonised,
        timepoints=timepoints,
        rules=rules,
        options=options,
        metrics=metrics,
    )
