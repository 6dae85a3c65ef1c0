"""``rltcare assess pcwg3|recist|percist|eortc|recip FILE``: response from a CSV of raw data.

One CSV holds many patients (rows grouped by ``patient_id``); the columns of each criterion
are listed in its command's help and in docs/response-criteria.md. Bad cells are reported
with the file, line and column; a patient who cannot be assessed gets ``NE`` with a reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from rltcare.cli.common import JsonOption, console
from rltcare.errors import InputError

if TYPE_CHECKING:  # the cohort layer (pandas) is imported when a command runs
    from rltcare.response.base import Response

app = typer.Typer(help="Assess response under one criterion from a CSV file.", no_args_is_help=True)

FileArgument = typer.Argument(..., exists=True, dir_okay=False, help="CSV file, one row per value.")


def _emit(results: list[Response], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False))
        return
    title = f"{results[0].criterion} {results[0].version}" if results else ""
    table = Table("patient", "category", "harmonised", "decision", title=title)
    for r in results:
        last = r.reason or (r.rules[-1].text if r.rules else "")
        table.add_row(r.patient_id, r.category, r.harmonised, last)
    console.print(table)


def _assess(table: str, path: Path, **options) -> list[Response]:
    from rltcare.cohort.assess import assess_table
    from rltcare.cohort.tables import CsvFile, read_table

    source = CsvFile.from_path(path)
    return assess_table(table, read_table(source, table), source.name, **options)


def read_pcwg3(path: Path) -> list[Response]:
    return _assess("psa", path)


def read_recist(path: Path, *, pcwg3_mod=False, confirm=False, bone_scans=None) -> list[Response]:
    from rltcare.cohort.assess import assess_lesions
    from rltcare.cohort.tables import CsvFile, read_table

    source = CsvFile.from_path(path)
    bone = CsvFile.from_path(bone_scans) if bone_scans is not None else None
    return assess_lesions(
        read_table(source, "lesions"),
        source.name,
        bone_scans=read_table(bone, "bone_scans") if bone else None,
        bone_name=bone.name if bone else "",
        pcwg3=pcwg3_mod,
        confirm=confirm,
    )


def read_scans(criterion: str, path: Path, **options) -> list[Response]:
    """Assess a scan-based criterion (percist, eortc, recip) from ``path``."""
    from rltcare.cohort.assess import CRITERION_TABLE

    return _assess(CRITERION_TABLE[criterion], path, **options)


@app.command("pcwg3")
def assess_pcwg3(path: Path = FileArgument, as_json: bool = JsonOption) -> None:
    """PCWG3 PSA. Columns: patient_id, start_date, date, value [, unit, below_detection,
    detection_limit]."""
    _emit(read_pcwg3(path), as_json)


@app.command("recist")
def assess_recist(
    path: Path = FileArgument,
    pcwg3_mod: bool = typer.Option(
        False, "--pcwg3", help="PCWG3 modification (≤5 per organ; bone by 2+2)."
    ),
    confirm: bool = typer.Option(
        False, "--confirm", help="Require confirmation of CR/PR (≥4 weeks)."
    ),
    bone_scans: Path | None = typer.Option(
        None,
        "--bone-scans",
        exists=True,
        dir_okay=False,
        help="CSV: patient_id, date, new_lesions (for --pcwg3).",
    ),
    as_json: bool = JsonOption,
) -> None:
    """RECIST 1.1. Columns: patient_id, lesion_id, date, organ [, node, diameter, unit, status,
    new, target, baseline_date, split_from, merged_into]."""
    _emit(read_recist(path, pcwg3_mod=pcwg3_mod, confirm=confirm, bone_scans=bone_scans), as_json)


@app.command("percist")
def assess_percist(
    path: Path = FileArgument,
    no_quality: bool = typer.Option(
        False, "--no-quality-gates", help="Report but do not enforce gates."
    ),
    as_json: bool = JsonOption,
) -> None:
    """PERCIST 1.0. Columns: patient_id, date, sul_peak [, hottest_lesion, liver_sul_mean,
    liver_sul_sd, blood_pool_sul_mean, blood_pool_sul_sd, uptake_time_min, tlg, new_lesions,
    unequivocal_progression, lesions (label@organ=SULpeak;... for the secondary sum)]."""
    _emit(read_scans("percist", path, enforce_quality=not no_quality), as_json)


@app.command("eortc")
def assess_eortc(
    path: Path = FileArgument,
    one_cycle_pmr_pct: float = typer.Option(15.0, help="PMR threshold after one cycle (15-25%)."),
    as_json: bool = JsonOption,
) -> None:
    """EORTC PET 1999. Columns: patient_id, date, suv, cycles_given [, longest_dimension_mm,
    extent_increase, new_lesions, complete_resolution]."""
    _emit(read_scans("eortc", path, one_cycle_pmr_pct=one_cycle_pmr_pct), as_json)


@app.command("recip")
def assess_recip(
    path: Path = FileArgument,
    variant: str = typer.Option("quantitative", help="quantitative (volumes) or visual (reading)."),
    as_json: bool = JsonOption,
) -> None:
    """RECIP 1.0. Columns: patient_id, date [, tumour_volume_ml, new_lesions, visual]."""
    if variant not in ("quantitative", "visual"):
        raise InputError(
            f"unknown variant '{variant}'", field="variant", hint="quantitative or visual"
        )
    _emit(read_scans("recip", path, variant=variant), as_json)


def register(root: typer.Typer) -> None:
    """Add ``rltcare assess ...`` to the root app."""
    root.add_typer(app, name="assess")
