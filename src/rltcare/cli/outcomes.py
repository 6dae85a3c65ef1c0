"""``rltcare outcomes discordance|toxicity|survival|benchmark``: cohort analytics from CSVs.

The file formats are those of docs/outcomes.md and docs/response-criteria.md; a missing
column or a bad cell is an error naming the file, row and column.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import typer

from rltcare.cli.assess import read_pcwg3, read_recist, read_scans
from rltcare.cli.common import JsonOption, emit
from rltcare.errors import InputError
from rltcare.outcomes import benchmarking, competing_risks, ctcae, survival
from rltcare.response.discordance import agreement, landmark_table

app = typer.Typer(
    help="Cohort outcomes: discordance, toxicity, survival, benchmarking.", no_args_is_help=True
)

InFile = typer.Argument(..., exists=True, dir_okay=False, help="CSV file.")
AtOption = typer.Option([], "--at", help="Report at these days (repeatable).")


def _csv(path: Path, required: tuple[str, ...], numeric: tuple[str, ...] = ()) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read CSV: {exc}", file=path) from None
    frame.columns = [c.strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(f"missing column '{missing[0]}'", file=path, line=1, field=missing[0])
    frame = frame.replace("", np.nan)
    for col in (c for c in numeric if c in frame.columns):
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = values.isna() & frame[col].notna()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"'{frame[col].iloc[i]}' is not a number",
                file=path,
                line=i + 2,
                field=col,
                value=frame[col].iloc[i],
            )
        frame[col] = values
    return frame


def _num(x: float | None) -> str:
    return "not reached" if x is None else f"{x:g}"


@app.command("discordance")
def discordance(
    pcwg3: Path | None = typer.Option(None, exists=True, dir_okay=False, help="PSA CSV."),
    recist: Path | None = typer.Option(None, exists=True, dir_okay=False, help="Lesion CSV."),
    percist: Path | None = typer.Option(None, exists=True, dir_okay=False, help="FDG PET CSV."),
    eortc: Path | None = typer.Option(None, exists=True, dir_okay=False, help="FDG PET CSV (SUV)."),
    recip: Path | None = typer.Option(None, exists=True, dir_okay=False, help="PSMA PET CSV."),
    landmark_weeks: float = typer.Option(12.0, help="Landmark, weeks from baseline."),
    window_weeks: float = typer.Option(4.0, help="Time points within ± this window count."),
    as_json: bool = JsonOption,
) -> None:
    """Each criterion's categories at a landmark and their pairwise agreement (Cohen's kappa)."""
    responses = []
    if pcwg3:
        responses += read_pcwg3(pcwg3)
    if recist:
        responses += read_recist(recist)
    for name, path in (("percist", percist), ("eortc", eortc), ("recip", recip)):
        if path:
            responses += read_scans(name, path)
    if len({r.criterion for r in responses}) < 2:
        raise InputError(
            "give files for at least two criteria",
            field="criteria",
            hint="e.g. --pcwg3 psa.csv --recip psma.csv",
        )
    days = round(landmark_weeks * 7)
    table = landmark_table(responses, landmark_days=days, window_days=round(window_weeks * 7))
    result = agreement(table, landmark_days=days)
    if as_json:
        data = result.to_dict() | {"patients": table.fillna("—").to_dict(orient="index")}
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    emit(result, False, title=f"Agreement at week {landmark_weeks:g} (NE excluded)")


@app.command("toxicity")
def toxicity(
    labs: Path = InFile,
    follow_up: Path = typer.Option(
        ..., exists=True, dir_okay=False, help="CSV: patient_id, start_date, end_date, died."
    ),
    ctcae_version: str = typer.Option("5.0", help="CTCAE version (5.0; 6.0 is unverified)."),
    min_grade: int = typer.Option(3, min=1, max=4, help="Count events of at least this grade."),
    at: list[float] = AtOption,
    as_json: bool = JsonOption,
) -> None:
    """Grade lab values (CTCAE) and give the cumulative incidence of the first grade ≥N event,
    death competing. Lab columns: patient_id, date, term, value [, unit, lln, uln, baseline]."""
    frame = _csv(labs, ctcae.COLUMNS, ("value", "lln", "uln", "baseline"))
    graded = ctcae.grade_frame(frame, ctcae_version=ctcae_version)
    fu = _csv(follow_up, ("patient_id", "start_date", "end_date", "died"))
    fu["died"] = fu["died"].astype(str).str.lower().isin(("true", "yes", "1"))
    tte = competing_risks.first_grade_event(graded, fu, min_grade=min_grade)
    cif = competing_risks.aalen_johansen(
        tte["time_days"], tte["event"], causes={1: f"grade>={min_grade}", 2: "death"}
    )
    counts = graded.groupby(["term", "grade"]).size()
    summary = {
        "ctcae_version": ctcae_version,
        "verified": bool(graded["verified"].iloc[0]) if len(graded) else None,
        "patients": len(tte),
        "grade_counts": {f"{t} grade {g}": int(n) for (t, g), n in counts.items()},
        "events": {
            "toxicity": int((tte["event"] == 1).sum()),
            "death first": int((tte["event"] == 2).sum()),
        },
        "cumulative_incidence": {
            f"day {d:g}": {k: round(v, 4) for k, v in cif.at(d).items()} for d in at
        },
    }
    if as_json:
        summary["curve"] = cif.to_dict()
    emit(summary, as_json, title="Toxicity")


@app.command("survival")
def survival_(
    data: Path = InFile,
    time: str = typer.Option("time_days", help="Column with follow-up time (days)."),
    event: str = typer.Option("event", help="Column with 1 = event, 0 = censored."),
    group: str | None = typer.Option(None, help="Column to split by (e.g. centre, response)."),
    at: list[float] = AtOption,
    as_json: bool = JsonOption,
) -> None:
    """Kaplan-Meier per group: median with 95% CI, survival and numbers at risk at --at days."""
    frame = _csv(data, (time, event, *([group] if group else [])), (time, event))
    groups = frame.groupby(group, sort=True) if group else [("all", frame)]
    out = {}
    for name, g in groups:
        km = survival.kaplan_meier(g[time], g[event].astype(int), label=str(name), risk_times=at)
        out[str(name)] = (
            km
            if as_json
            else {
                "n / events": f"{km.n} / {km.events}",
                "median (95% CI)": f"{_num(km.median)} ({_num(km.median_lower)}-{_num(km.median_upper)})",
                **{f"S(day {d:g}), at risk": f"{km.at(d):.3f}, {km.at_risk[f'{d:g}']}" for d in at},
            }
        )
    if as_json:
        typer.echo(json.dumps({k: v.to_dict() for k, v in out.items()}, indent=2))
        return
    for name, rows in out.items():
        emit(rows, False, title=f"{group or 'cohort'} {name}")


@app.command("benchmark")
def benchmark(
    centres: Path = InFile,
    indicator: str = typer.Option("", help="Name of the indicator (for the report)."),
    target: float | None = typer.Option(None, help="Target rate (default: pooled rate)."),
    as_json: bool = JsonOption,
) -> None:
    """Funnel-plot limits (95%, 99.8%) per centre. Columns: centre, n, events [, expected]."""
    frame = _csv(centres, ("centre", "n", "events"), ("n", "events", "expected"))
    emit(benchmarking.funnel(frame, indicator=indicator, target=target), as_json, title="Funnel")


def register(root: typer.Typer) -> None:
    """Add ``rltcare outcomes ...`` to the root app."""
    root.add_typer(app, name="outcomes")
