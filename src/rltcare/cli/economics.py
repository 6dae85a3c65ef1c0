"""``rltcare economics run|fit``: cost-effectiveness models from TOML files; survival fits."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from rltcare.cli.common import console, emit
from rltcare.errors import InputError

app = typer.Typer(
    help="Cost-effectiveness: partitioned survival models, PSA, ICERs.", no_args_is_help=True
)


def _read(path: Path) -> str:
    """A model file, or a packaged reference model by name (``vision_lu_psma``)."""
    from rltcare.economics.example_models import example_names, example_text

    if not path.exists() and path.name.removesuffix(".toml") in example_names():
        return example_text(path.name)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(path)) from None


@app.command()
def run(
    model_file: Path = typer.Argument(
        ...,
        help="Model file (TOML; see docs/economics.md) or a packaged reference model: "
        "vision_lu_psma, netter1_lutathera.",
    ),
    psa: int = typer.Option(0, "--psa", min=0, help="PSA iterations (0: deterministic only)."),
    seed: int = typer.Option(1, "--seed", help="Seed of the PSA (SeedSequence root)."),
    json_path: Path | None = typer.Option(
        None, "--json", help="Write all results as JSON to this file ('-' prints them)."
    ),
    report: Path | None = typer.Option(
        None, "--report", help="Write a self-contained HTML report."
    ),
    dask: str | None = typer.Option(
        None, "--dask", help="Run PSA chunks on Dask: threads, processes or distributed."
    ),
) -> None:
    """Run a model: base case, incremental table, tornado and (with --psa) the PSA."""
    from rltcare.economics import model_from_toml
    from rltcare.economics.analysis import analyse
    from rltcare.economics.report import render

    model = model_from_toml(_read(model_file), file=str(model_file))
    done = analyse(model, psa, seed, scheduler=dask)
    result = done.result()
    if json_path is not None and str(json_path) == "-":
        emit(result, True)
        return
    emit(done.base, False, title=model.title)
    console.print(f"costs and NMB in {model.currency}; ICER in {model.currency} per QALY")
    if model.meta.get("published"):
        console.print(f"[bold]note[/]: {model.meta['published']}")
    if done.budget:
        emit(done.budget, False, title="Budget impact (undiscounted)")
    if done.psa_summary:
        emit(done.psa_summary, False, title="PSA")
        console.print(f"EVPI in {model.currency} per patient")
        for j, share in enumerate(done.psa_summary.crossed_share):
            if share:
                console.print(
                    f"[yellow]warning[/]: {model.names[j]}: PFS capped at OS in {share:.1%} of PSA iterations"
                )
    if json_path is not None:
        json_path.write_text(
            json.dumps(result.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8"
        )
        console.print(f"JSON written to {json_path}")
    if report is not None:
        report.write_text(render(done), encoding="utf-8")
        console.print(f"report written to {report}")


@app.command()
def fit(
    data: Path = typer.Argument(
        ..., help="CSV with a time column and an event column (1 event, 0 censored)."
    ),
    time: str = typer.Option("time", "--time", help="Name of the time column."),
    event: str = typer.Option("event", "--event", help="Name of the event column."),
    time_unit: str = typer.Option("months", "--time-unit", help="days, weeks, months or years."),
    as_json: bool = typer.Option(False, "--json", help="Print the fits as JSON."),
    report: Path | None = typer.Option(
        None, "--report", help="Write the fits over the KM curve (HTML)."
    ),
) -> None:
    """Fit the six parametric families to right-censored data; rank by AIC (BIC shown)."""
    import pandas as pd

    from rltcare.economics.survival_fit import fit_all

    try:
        frame = pd.read_csv(data)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the CSV: {exc}", file=str(data)) from None
    for column in (time, event):
        if column not in frame:
            raise InputError(
                f"no column '{column}'",
                file=str(data),
                field=column,
                hint=f"columns: {', '.join(frame.columns)}",
            )
    fits = fit_all(frame[time].to_numpy(), frame[event].to_numpy(), time_unit=time_unit)
    rows = [
        {
            "family": f.family,
            "params": f.params,
            "coef": f.coef.tolist(),
            "cov": f.cov.tolist(),
            "loglik": f.loglik,
            "aic": f.aic,
            "bic": f.bic,
            "median": float(f.curve().median()[0]),
        }
        for f in fits
    ]
    if report is not None:
        from rltcare.economics.report import fits_page

        report.write_text(
            fits_page(frame[time], frame[event], fits, f"Parametric fits: {data.name}"),
            encoding="utf-8",
        )
    if as_json:
        emit(rows, True)
        return
    emit(
        {
            r[
                "family"
            ]: f"AIC {r['aic']:.1f}  BIC {r['bic']:.1f}  median {r['median']:.2f} {time_unit}  "
            + ", ".join(f"{k} {v:.4g}" for k, v in r["params"].items())
            for r in rows
        },
        False,
        title=f"{len(frame)} patients, {int(frame[event].sum())} events (best AIC first)",
    )


def _numbers(text: str, field: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InputError("expected comma-separated numbers", field=field, value=text) from None


@app.command()
def guyot(
    km: Path = typer.Argument(
        ..., help="CSV of digitised KM points: columns time, survival (fraction or %)."
    ),
    risk_times: str = typer.Option(
        ..., "--risk-times", help="Times of the numbers-at-risk table, e.g. 0,3,6,9."
    ),
    at_risk: str = typer.Option(
        ..., "--at-risk", help="Numbers at risk at those times, e.g. 280,201,120,70."
    ),
    total_events: int | None = typer.Option(
        None, "--total-events", help="Total events, if published."
    ),
    output: Path = typer.Option(
        ..., "--output", help="Where to write the reconstructed IPD (CSV: time,event)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Reconstruct individual patient data from a published KM curve (Guyot et al. 2012)."""
    import numpy as np
    import pandas as pd

    from rltcare.economics.guyot import reconstruct
    from rltcare.economics.report import kaplan_meier

    try:
        frame = pd.read_csv(km)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the CSV: {exc}", file=str(km)) from None
    for column in ("time", "survival"):
        if column not in frame:
            raise InputError(f"no column '{column}'", file=str(km), field=column)
    surv = frame["survival"].to_numpy(dtype=float)
    if surv.max() > 1.0 + 1e-9:  # digitised in percent
        surv = surv / 100.0
    times, counts = _numbers(risk_times, "risk-times"), _numbers(at_risk, "at-risk")
    if len(times) != len(counts):
        raise InputError("give one number at risk per risk time", field="at-risk")
    ipd = reconstruct(frame["time"].to_numpy(dtype=float), surv, times, counts, total_events)
    pd.DataFrame({"time": ipd.time, "event": ipd.event}).to_csv(output, index=False)
    t, s = kaplan_meier(ipd.time, ipd.event)
    below = np.flatnonzero(s <= 0.5)
    summary = {
        "patients": ipd.n,
        "events": int(ipd.event.sum()),
        "median": float(t[below[0]]) if below.size else None,
        "output": str(output),
    }
    emit(summary, as_json, title="Reconstructed IPD")


def register(root: typer.Typer) -> None:
    """Add the ``economics`` command group."""
    root.add_typer(app, name="economics")
