"""``rltcare decay`` (a nuclide and its progeny over time) and ``rltcare order``."""

from __future__ import annotations

from pathlib import Path

import typer

from rltcare.cli.common import CatalogOption, JsonOption, catalog_from, emit
from rltcare.units import parse_activity, parse_duration, parse_timestamp


def decay(
    nuclide: str = typer.Argument(..., help="Parent nuclide, e.g. Ac-225 or 177Lu."),
    activity: str = typer.Option(..., "--activity", help="Activity at time zero, e.g. '8 MBq'."),
    after: list[str] = typer.Option(
        ..., "--after", help="Time after time zero, e.g. '10 d' (repeatable)."
    ),
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """Activity of NUCLIDE and every radioactive daughter after the given times."""
    from rltcare.physics.decay import decay as decay_engine  # loaded when the command runs

    times = [parse_duration(t, field="after", allow_zero=True) for t in after]
    result = decay_engine({nuclide: parse_activity(activity)}, times, catalog=catalog_from(catalog))
    emit(result, as_json, title=f"{nuclide} decay")


def order(
    activity: str = typer.Option(..., "--activity", help="Prescribed activity at administration."),
    administration: str = typer.Option(
        ..., "--administration", help="Planned administration, ISO 8601 with zone."
    ),
    calibration: str = typer.Option(
        ..., "--calibration", help="Calibration time of the product, ISO 8601 with zone."
    ),
    product: str | None = typer.Option(None, "--product", help="Product id, e.g. lu177-psma-617."),
    nuclide: str | None = typer.Option(None, "--nuclide", help="Nuclide, if no product."),
    shelf_life: str | None = typer.Option(
        None, "--shelf-life", help="Shelf life from calibration (default: the product's)."
    ),
    production: str | None = typer.Option(
        None, "--production", help="End of production (EOB), ISO 8601 with zone."
    ),
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """Activity to order at calibration so the prescribed activity is there at administration."""
    from rltcare.physics.decay import order as order_engine

    result = order_engine(
        parse_activity(activity),
        parse_timestamp(administration, field="administration"),
        parse_timestamp(calibration, field="calibration"),
        nuclide=nuclide,
        product=product,
        shelf_life_h=parse_duration(shelf_life, field="shelf-life") if shelf_life else None,
        production=parse_timestamp(production, field="production") if production else None,
        catalog=catalog_from(catalog),
    )
    emit(result, as_json, title="Order")


def register(app: typer.Typer) -> None:
    """Add ``decay`` and ``order`` to the root app."""
    app.command("decay")(decay)
    app.command("order")(order)
