"""``rltcare waste``: release date of a stored container, or store occupancy for a weekly load."""

from __future__ import annotations

from pathlib import Path

import typer

from rltcare.cli.common import CatalogOption, JsonOption, catalog_from, emit
from rltcare.errors import InputError
from rltcare.units import parse_activity, parse_mass, parse_specific_activity, parse_timestamp


def waste(
    nuclide: list[str] = typer.Option(
        None, "--nuclide", help="Nuclide in the container (repeatable, pairs with --activity)."
    ),
    activity: list[str] = typer.Option(
        ..., "--activity", help="Activity at the reference time (repeatable)."
    ),
    product: str | None = typer.Option(
        None, "--product", help="Product id: its nuclide with its impurities (one --activity)."
    ),
    mass: str = typer.Option(..., "--mass", help="Mass of the waste, e.g. '5 kg'."),
    clearance: str | None = typer.Option(
        None, "--clearance", help="Clearance level of the total concentration, e.g. '10 Bq/g'."
    ),
    total_limit: str | None = typer.Option(
        None, "--total-limit", help="Limit on the container's total activity, e.g. '1 MBq'."
    ),
    jurisdiction: str | None = typer.Option(
        None,
        "--jurisdiction",
        "-j",
        help="Use this jurisdiction's clearance rule when no --clearance/--total-limit is given.",
    ),
    level: list[str] = typer.Option(
        None,
        "--level",
        help="Per-nuclide level for the summation rule, e.g. 'Lu-177m=1 Bq/g' (repeatable).",
    ),
    reference: str | None = typer.Option(
        None, "--reference", help="When the activities hold (ISO 8601 with zone)."
    ),
    containers_per_week: float | None = typer.Option(
        None, "--containers-per-week", min=0.001, help="Steady weekly load: show store occupancy."
    ),
    space_m2: float = typer.Option(
        0.0, "--space-m2", min=0.0, help="Shelf area per container (m²)."
    ),
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """When a waste container may be released (clearance), or how many are in store."""
    from rltcare.physics.waste import (  # loaded when the command runs: fast start-up
        Clearance,
        ContainerStream,
        DecayInStorageRule,
        clear_container,
        product_mix,
        resolve_clearance,
        storage_occupancy,
    )

    cat = catalog_from(catalog)
    activities = [parse_activity(a) for a in activity]
    if product:
        if nuclide or len(activities) != 1:
            raise InputError("with --product give one --activity and no --nuclide", field="product")
        mix = product_mix(cat.radiopharmaceutical(product), activities[0], cat)
    else:
        if not nuclide or len(nuclide) != len(activities):
            raise InputError(
                f"give one --activity per --nuclide ({len(nuclide or [])} nuclides, "
                f"{len(activities)} activities)",
                field="nuclide",
            )
        mix = {}
        for name, value in zip(nuclide, activities, strict=True):
            mix[name] = mix.get(name, 0.0) + value
    limits = Clearance(
        concentration_bq_g=parse_specific_activity(clearance, field="clearance")
        if clearance
        else None,
        total_bq=parse_activity(total_limit, field="total-limit") * 1e6 if total_limit else None,
        nuclide_levels_bq_g=_levels(level or []),
    )
    rule = cat.jurisdiction(jurisdiction) if jurisdiction else None
    mass_kg = parse_mass(mass)
    if containers_per_week:
        resolved = resolve_clearance(list(mix), limits, rule, cat)
        if isinstance(resolved, DecayInStorageRule):
            emit(resolved, as_json, title="Decay in storage")
            return
        stream = ContainerStream(
            mix_mbq=mix, mass_kg=mass_kg, per_week=containers_per_week, space_m2=space_m2
        )
        emit(storage_occupancy([stream], resolved, catalog=cat), as_json, title="Decay store")
        return
    stamp = parse_timestamp(reference, field="reference") if reference else None
    result = clear_container(mix, mass_kg, limits, jurisdiction=rule, reference=stamp, catalog=cat)
    title = "Decay in storage" if isinstance(result, DecayInStorageRule) else "Waste release"
    emit(result, as_json, title=title)


def _levels(texts: list[str]) -> dict[str, float]:
    """``NUCLIDE=LEVEL`` pairs (``Lu-177m=1 Bq/g``) → nuclide → Bq/g."""
    levels = {}
    for text in texts:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise InputError(
                f"--level takes NUCLIDE=LEVEL, got {text!r}",
                field="level",
                hint="e.g. --level 'Lu-177m=1 Bq/g'",
            )
        levels[name.strip()] = parse_specific_activity(value, field="level")
    return levels


def register(app: typer.Typer) -> None:
    """Add ``waste`` to the root app."""
    app.command("waste")(waste)
