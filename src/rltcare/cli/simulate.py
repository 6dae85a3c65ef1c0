"""``rltcare simulate``, ``rltcare compare`` and ``rltcare scenario-schema``: the capacity planner."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from rltcare.cli.common import CatalogOption, catalog_from, console
from rltcare.errors import InputError
from rltcare.result import Result

Replications = typer.Option(20, "--replications", "-n", min=1, help="Replications per scenario.")
Seed = typer.Option(1, "--seed", help="Seed of every random stream (same seed → same results).")
ReportPath = typer.Option(None, "--report", help="Write a self-contained HTML report here.")
JsonPath = typer.Option(
    None, "--json", help="Write every KPI with its CI as JSON here ('-': stdout)."
)
Workers = typer.Option(1, "--workers", min=1, help="Local worker processes.")
Scheduler = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786.")


# What was written where, and progress, go to stderr: stdout carries the KPI table or, with
# `--json -`, nothing but the JSON document.
status = Console(stderr=True)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=status,
        transient=True,
    )


def _run(model, seed, n, workers, scheduler, label):
    from rltcare.capacity import experiment  # capacity (numba) loads when a command runs

    with _progress() as bar:
        task = bar.add_task(label, total=n)
        return experiment.run_replications(
            model,
            seed,
            n,
            workers=workers,
            scheduler=scheduler,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )


def _write(result: Result, html: str | None, report: Path | None, json_path: Path | None) -> None:
    if report is not None and html is not None:
        report.write_text(html, encoding="utf-8")
        status.print(f"report: {report}")
    if json_path is not None:
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
        if str(json_path) == "-":
            typer.echo(text)
        else:
            json_path.write_text(text, encoding="utf-8")
            status.print(f"json: {json_path}")


def _show(titles: Sequence[str], kpis: Sequence[dict]) -> None:
    from rltcare.capacity.labels import label
    from rltcare.capacity.report import headline_names

    table = Table(show_header=True, box=None)
    table.add_column("indicator (mean, 95 % CI)", style="bold")
    for title in titles:
        table.add_column(title)
    names = headline_names(kpis[0])
    for name in names:
        table.add_row(escape(label(name)), *[k[name].text() for k in kpis])
    console.print(table)


def simulate(
    scenario: Path = typer.Argument(
        ..., help="Scenario file (TOML), or the name of a packaged example."
    ),
    replications: int = Replications,
    seed: int = Seed,
    report: Path | None = ReportPath,
    json_path: Path | None = JsonPath,
    workers: int = Workers,
    scheduler: str | None = Scheduler,
    auto: str | None = typer.Option(
        None,
        "--auto-replications",
        help="Choose the number of replications for this KPI (Hoad 2010).",
    ),
    precision: float = typer.Option(0.05, "--precision", help="Target CI half-width / mean."),
    sweep: str | None = typer.Option(
        None, "--sweep", help="'+N units' sensitivity, e.g. 'rooms=0,1,2' (compared under CRN)."
    ),
    log: Path | None = typer.Option(
        None, "--event-log", help="Write replication 0's event log (CSV)."
    ),
    catalog: list[Path] | None = CatalogOption,
) -> None:
    """Simulate a service: every KPI with its 95 % confidence interval, a report and JSON."""
    from rltcare.capacity import experiment
    from rltcare.capacity.eventlog import event_log
    from rltcare.capacity.example_scenarios import scenario_source
    from rltcare.capacity.loader import loads_scenario
    from rltcare.capacity.model import build_model
    from rltcare.capacity.report import render_report
    from rltcare.capacity.results import simulation_result

    started = time.perf_counter()
    text, file = scenario_source(scenario)
    spec = loads_scenario(text, file=file)
    cat = catalog_from(catalog)
    model = build_model(spec, cat, file=file)
    if sweep:
        resource, _, deltas = sweep.partition("=")
        try:
            steps = [int(d) for d in deltas.split(",")]
        except ValueError:
            raise InputError(
                "expected RESOURCE=N,N,...", field="--sweep", value=sweep, hint="e.g. rooms=0,1,2"
            ) from None
        variants = [experiment.with_units(spec, resource, d) for d in steps]
        titles = [f"{resource} {d:+d}" for d in steps]
        _compare(
            [build_model(v, cat, file=file) for v in variants],
            titles,
            replications,
            seed,
            workers,
            scheduler,
            report,
            json_path,
        )
        return
    if auto:
        n, reps = experiment.replications_needed(
            model, seed, auto, precision=precision, workers=workers
        )
        status.print(f"replications needed for {auto} within ±{precision:.0%}: {n}")
        reps = reps[:n]
    else:
        reps = _run(model, seed, replications, workers, scheduler, "replications")
    result = simulation_result(model, seed, reps, started)
    if log is not None:
        from rltcare.capacity.engine import run

        event_log(run(model, seed, 0)).to_csv(log, index=False)
        status.print(f"event log: {log}")
    html = render_report(model, result, source_text=text) if report else None
    if str(json_path) != "-":
        _show([result.title], [result.kpis])
    _write(result, html, report, json_path)


def _compare(models, titles, replications, seed, workers, scheduler, report, json_path) -> None:
    from rltcare.capacity.report import render_comparison
    from rltcare.capacity.results import comparison_result, simulation_result

    started = time.perf_counter()
    reps = [
        _run(m, seed, replications, workers, scheduler, t)
        for m, t in zip(models, titles, strict=True)
    ]
    results = [
        simulation_result(m, seed, r, started, t)
        for m, r, t in zip(models, reps, titles, strict=True)
    ]
    comparison = comparison_result(results, reps)
    if str(json_path) != "-":
        _show(titles, [r.kpis for r in results])
    _write(comparison, render_comparison(models, comparison) if report else None, report, json_path)


def compare(
    scenarios: list[Path] = typer.Argument(
        ...,
        help="Two or more scenario files (or packaged example names); the first is the baseline.",
    ),
    replications: int = Replications,
    seed: int = Seed,
    report: Path | None = ReportPath,
    json_path: Path | None = JsonPath,
    workers: int = Workers,
    scheduler: str | None = Scheduler,
    catalog: list[Path] | None = CatalogOption,
) -> None:
    """Compare scenarios side by side, with paired differences under common random numbers."""
    from rltcare.capacity.example_scenarios import scenario_source
    from rltcare.capacity.loader import loads_scenario
    from rltcare.capacity.model import build_model

    if len(scenarios) < 2:
        raise InputError("compare needs at least two scenario files", field="scenarios")
    cat = catalog_from(catalog)
    sources = [scenario_source(p) for p in scenarios]
    models = [build_model(loads_scenario(t, file=f), cat, file=f) for t, f in sources]
    titles = [Path(p).stem for p in scenarios]
    _compare(models, titles, replications, seed, workers, scheduler, report, json_path)


def scenario_schema(
    output: Path | None = typer.Argument(
        None, help="Write the JSON Schema here (default: stdout)."
    ),
) -> None:
    """The JSON Schema of scenario files, for editors."""
    from rltcare.capacity.loader import scenario_json_schema

    text = json.dumps(scenario_json_schema(), indent=2)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text, encoding="utf-8")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("simulate")(simulate)
    app.command("compare")(compare)
    app.command("scenario-schema")(scenario_schema)
