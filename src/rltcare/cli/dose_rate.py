"""``rltcare dose-rate`` (a patient's dose rate over time) and ``rltcare gamma-constant``."""

from __future__ import annotations

from pathlib import Path

import typer

from rltcare.cli.common import CatalogOption, JsonOption, catalog_from, emit
from rltcare.physics import dose_rate as engine
from rltcare.physics import gamma_constant
from rltcare.units import parse_activity, parse_distance, parse_duration, parse_energy


def dose_rate(
    product: str = typer.Option(..., "--product", help="Product id or name, e.g. lu177-psma-617."),
    activity: str = typer.Option(..., "--activity", help="Administered activity, e.g. '7.4 GBq'."),
    distance: str = typer.Option(
        "1 m", "--distance", help="Distance from the patient, e.g. '2 m'."
    ),
    at: list[str] = typer.Option(
        None,
        "--at",
        help="Time after administration (repeatable), e.g. --at '24 h' --at '2 d'. "
        f"Default: {', '.join(f'{t:g} h' for t in engine.DEFAULT_TIMES_H)}.",
    ),
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """Dose rate H*(10) from a typical patient at a distance, at times after administration."""
    cat = catalog_from(catalog)
    times = [parse_duration(t, "at", allow_zero=True) for t in at] if at else None
    result = engine.evaluate(
        cat.radiopharmaceutical(product),
        parse_activity(activity),
        parse_distance(distance),
        times,
        catalog=cat,
    )
    emit(result, as_json, title="Dose rate from the patient")


def gamma_constant_command(
    nuclide: str = typer.Argument(..., help="Nuclide, e.g. Lu-177, 131I, Tc99m."),
    cutoff: str = typer.Option(
        f"{gamma_constant.DEFAULT_CUTOFF_KEV:g} keV",
        "--cutoff",
        help="Leave out photons at or below this energy, e.g. '20 keV'.",
    ),
    with_progeny: bool = typer.Option(
        False, "--with-progeny", help="Add short-lived progeny in equilibrium (Ra-223, Ac-225...)."
    ),
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """Air-kerma and H*(10) rate constants of a nuclide, from its photon lines."""
    result = gamma_constant.evaluate(
        nuclide,
        cutoff_kev=parse_energy(cutoff, "cutoff", allow_zero=True),
        with_progeny=with_progeny,
        catalog=catalog_from(catalog),
    )
    emit(result, as_json, title="Dose-rate constants (point source, 1 m, 1 GBq)")


def register(app: typer.Typer) -> None:
    """Add ``dose-rate`` and ``gamma-constant`` to the root app."""
    app.command("dose-rate")(dose_rate)
    app.command("gamma-constant")(gamma_constant_command)
