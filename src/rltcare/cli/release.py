"""``rltcare release`` and ``rltcare restrictions``."""

from __future__ import annotations

from pathlib import Path

import typer

from rltcare.cli.common import CatalogOption, JsonOption, catalog_from, emit
from rltcare.physics import release as engine
from rltcare.units import parse_activity, parse_duration

JurisdictionOption = typer.Option(
    ..., "--jurisdiction", "-j", help="Jurisdiction id: us, de, uk, ..."
)
ProductOption = typer.Option(..., "--product", "-p", help="Radiopharmaceutical id or name.")
ActivityOption = typer.Option(
    ..., "--activity", "-a", help="Administered activity, e.g. '7.4 GBq'."
)
# 1, as the engine and the API: the cycles a year depend on the product and the patient
# (a Lu-PSMA course is up to 6, a Lu-DOTATATE one 4), so no course count fits every product
CyclesOption = typer.Option(
    1,
    "--cycles-per-year",
    help="Treatment cycles the patient gets a year (yearly limits: the course's, e.g. 4).",
)
ElapsedOption = typer.Option("0 h", "--elapsed", help="Time since administration, e.g. '24 h'.")


def _command(evaluate, title: str, doc: str):
    """A command that parses the shared options and runs ``evaluate`` (release or restrictions)."""

    def command(
        jurisdiction: str = JurisdictionOption,
        product: str = ProductOption,
        activity: str = ActivityOption,
        cycles_per_year: int = CyclesOption,
        elapsed: str = ElapsedOption,
        catalog: list[Path] = CatalogOption,
        as_json: bool = JsonOption,
    ) -> None:
        loaded = catalog_from(catalog)
        result = evaluate(
            loaded.jurisdiction(jurisdiction),
            loaded.radiopharmaceutical(product),
            parse_activity(activity),
            elapsed_h=parse_duration(elapsed, field="elapsed", allow_zero=True),
            cycles_per_year=cycles_per_year,
            catalog=loaded,
        )
        emit(result, as_json, title=title)

    command.__doc__ = doc
    return command


release = _command(
    engine.evaluate,
    "Discharge",
    "May the patient leave hospital now; if not, when; under which criterion.",
)
restrictions = _command(
    engine.evaluate_restrictions,
    "Restrictions after discharge",
    "How long carers, partner, children, pregnant persons and co-workers keep their distance.",
)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("release")(release)
    app.command("restrictions")(restrictions)
