"""``rltcare outcomes discordance|toxicity|survival|benchmark|report``: cohort analytics from CSVs.

The file formats are those of docs/outcomes.md and docs/response-criteria.md; a missing
column or a bad cell is an error naming the file, row and column.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from rltcare.cli.assess import read_pcwg3, read_recist, read_scans
from rltcare.cli.common import JsonOption, emit
from rltcare.errors import InputError

if TYPE_CHECKING:  # pandas and scipy (cohort, outcomes) are imported when a command runs
    import pandas as pd

    from rltcare.cohort.source import Cohort

app = typer.Typer(
    help="Cohort outcomes: discordance, toxicity, survival, benchmarking.", no_args_is_help=True
)

InFile = typer.Argument(..., exists=True, dir_okay=False, help="CSV file.")
AtOption = typer.Option([], "--at", help="Report at these days (repeatable).")


def _csv(path: Path, table: str) -> pd.DataFrame:
    """A typed table from ``path`` (errors name the file, line and column)."""
    from rltcare.cohort.tables import CsvFile, read_table, typed

    source = CsvFile.from_path(path)
    return typed(read_table(source, table), table, source.name)


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
    from rltcare.cohort import analysis

    responses = []
    if pcwg3:
        responses += read_pcwg3(pcwg3)
    if recist:
        responses += read_recist(recist)
    for name, path in (("percist", percist), ("eortc", eortc), ("recip", recip)):
        if path:
            responses += read_scans(name, path)
    result = analysis.discordance(
        responses, landmark_weeks=landmark_weeks, window_weeks=window_weeks
    )
    if as_json:
        data = result.agreement.to_dict() | {"patients": result.patients}
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    emit(result.agreement, False, title=f"Agreement at week {landmark_weeks:g} (NE excluded)")


@app.command("toxicity")
def toxicity(
    labs: Path = InFile,
    follow_up: Path = typer.Option(
        ..., exists=True, dir_okay=False, help="CSV: patient_id, start_date, end_date, died."
    ),
    ctcae_version: str = typer.Option(
        "5.0", help="CTCAE version: 5.0 or 6.0 (v6.0 eGFR and lymphocyte thresholds unverified)."
    ),
    min_grade: int = typer.Option(3, min=1, max=4, help="Count events of at least this grade."),
    at: list[float] = AtOption,
    as_json: bool = JsonOption,
) -> None:
    """Grade lab values (CTCAE) and give the cumulative incidence of the first grade ≥N event,
    death competing. Lab columns: patient_id, date, term, value [, unit, lln, uln, baseline]."""
    from rltcare.cohort import analysis

    result = analysis.toxicity(
        _csv(labs, "labs"),
        _csv(follow_up, "follow_up"),
        ctcae_version=ctcae_version,
        min_grade=min_grade,
        at=at,
    )
    summary = result.to_dict()
    curve = summary.pop("incidence")
    summary["cumulative_incidence"] = summary.pop("at")
    if as_json:
        summary["curve"] = curve
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
    from rltcare.cohort import analysis
    from rltcare.cohort.source import read_one
    from rltcare.cohort.tables import CsvFile

    result = analysis.survival_curves(
        read_one("survival", CsvFile.from_path(data)),
        time=time,
        event=event,
        group=group,
        risk_times=at or None,
        name=str(data),
    )
    out = {}
    for name, km in result.curves.items():
        out[name] = (
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
    from rltcare.cohort.tables import LINE
    from rltcare.outcomes import benchmarking

    frame = _csv(centres, "centres").drop(columns=LINE)
    emit(benchmarking.funnel(frame, indicator=indicator, target=target), as_json, title="Funnel")


def _file(help: str):
    return typer.Option(None, exists=True, dir_okay=False, help=help)


@app.command("report")
def report(
    out: Path = typer.Option(..., "--out", dir_okay=False, help="HTML file to write."),
    psa: Path | None = _file("PSA CSV (PCWG3): waterfall, swimmer, discordance."),
    lesions: Path | None = _file("Lesion CSV (RECIST 1.1)."),
    fdg: Path | None = _file("FDG PET CSV (PERCIST 1.0)."),
    eortc: Path | None = _file("FDG PET SUV CSV (EORTC 1999)."),
    psma: Path | None = _file("PSMA PET CSV (RECIP 1.0)."),
    survival: Path | None = _file("Survival CSV (time, event [, group]): Kaplan-Meier."),
    labs: Path | None = _file("Lab CSV (CTCAE); needs --follow-up."),
    follow_up: Path | None = _file("Follow-up CSV: patient_id, start_date, end_date, died."),
    centres: Path | None = _file("Centres CSV: centre, n, events [, expected]: funnel plot."),
    group: str | None = typer.Option(None, help="Survival: column to split by."),
    landmark_weeks: float = typer.Option(12.0, help="Discordance landmark, weeks."),
    ctcae_version: str = typer.Option(
        "5.0", help="CTCAE version: 5.0 or 6.0 (v6.0 eGFR and lymphocyte thresholds unverified)."
    ),
    indicator: str = typer.Option("PSA50 rate", help="Name of the benchmarked indicator."),
    title: str = typer.Option("RLT cohort report", help="Report title."),
    demo: bool = typer.Option(
        False, "--demo", help="Start from the demo cohort; a file given replaces that table."
    ),
    registry: bool = typer.Option(
        False,
        "--registry",
        help="Start from the registry's cohort (RLTCARE_DATA_DIR / RLTCARE_DATABASE_URL); "
        "a file given replaces that table.",
    ),
    as_user: str | None = typer.Option(
        None, "--as", help="Registry: read as this account (its centres; analysts pseudonymised)."
    ),
) -> None:
    """A self-contained HTML cohort report (works offline): waterfall, swimmer, Kaplan-Meier
    with numbers at risk, discordance and kappa, toxicity incidence, funnel plot, methods."""
    from rltcare.cohort import analysis
    from rltcare.cohort.report import render
    from rltcare.cohort.source import CsvCohort, demo_source

    paths = {
        "psa": psa,
        "lesions": lesions,
        "fdg": fdg,
        "eortc": eortc,
        "psma": psma,
        "survival": survival,
        "labs": labs,
        "follow_up": follow_up,
        "centres": centres,
    }
    files = CsvCohort.from_paths(paths).files
    if demo and registry:
        raise InputError("choose --demo or --registry, not both", field="registry")
    if as_user and not registry:
        raise InputError("--as needs --registry", field="as")
    if demo:
        files = demo_source().files | files
    if not files and not registry:
        raise InputError(
            "give at least one input file",
            field="inputs",
            hint="e.g. --psa psa.csv, --demo or --registry",
        )
    options = analysis.CohortOptions(
        group_column=group,
        landmark_weeks=landmark_weeks,
        ctcae_version=ctcae_version,
        indicator=indicator,
    )
    cohort = CsvCohort(files).load()
    if registry:
        cohort = _registry_cohort(as_user).merged(cohort)
    result = analysis.analyse(cohort, options)
    out.write_text(render(result, title=title), encoding="utf-8")
    typer.echo(f"report written to {out}")


def _registry_cohort(username: str | None) -> Cohort:
    """The registry's cohort as ``username`` sees it (default: every centre, as the registry's
    own export does); prints the tables the registry cannot supply."""
    from rltcare.cli.registry import _migrated, _session
    from rltcare.cohort.registry_source import RegistryCohort, caller_named
    from rltcare.registry.access import SYSTEM

    with _session(_migrated()) as session:
        caller = caller_named(session, username) if username else SYSTEM
        source = RegistryCohort(session, caller)
        cohort = source.load()
    for table, reason in source.absent().items():
        typer.echo(f"registry: no {table} table ({reason})", err=True)
    return cohort


def register(root: typer.Typer) -> None:
    """Add ``rltcare outcomes ...`` to the root app."""
    root.add_typer(app, name="outcomes")
