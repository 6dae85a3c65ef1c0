"""``rltcare assess pcwg3|recist|percist|eortc|recip FILE``: response from a CSV of raw data.

One CSV holds many patients (rows grouped by ``patient_id``); the columns of each criterion
are listed in its command's help and in docs/response-criteria.md. Bad cells are reported
with the file, line and column; a patient who cannot be assessed gets ``NE`` with a reason.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel, ValidationError
from rich.table import Table

from rltcare.cli.common import JsonOption, console
from rltcare.errors import InputError
from rltcare.response import bone, eortc, pcwg3, percist, recip, recist
from rltcare.response.base import Response

app = typer.Typer(help="Assess response under one criterion from a CSV file.", no_args_is_help=True)

FileArgument = typer.Argument(..., exists=True, dir_okay=False, help="CSV file, one row per value.")
TRUE, FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0", ""}


def _read(path: Path, allowed: set[str], required: set[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; columns checked against ``allowed`` and ``required``."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        unknown = [h for h in header if h not in allowed]
        if unknown:
            raise InputError(
                f"unknown column '{unknown[0]}'",
                file=path,
                line=1,
                field=unknown[0],
                hint=f"columns: {', '.join(sorted(allowed))}",
            )
        missing = sorted(required - set(header))
        if missing:
            raise InputError(f"missing column '{missing[0]}'", file=path, line=1, field=missing[0])
        rows = []
        for row in reader:
            clean = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
            rows.append((reader.line_num, clean))
    if not rows:
        raise InputError("no data rows", file=path)
    return rows


def _cell(value: str, kind: type, *, path: Path, line: int, column: str) -> Any:
    if value == "":
        return None
    if kind is bool:
        if value.lower() in TRUE:
            return True
        if value.lower() in FALSE:
            return False
        raise InputError(
            f"'{value}' is not true/false", file=path, line=line, field=column, value=value
        )
    return value  # pydantic parses numbers and dates, and names the field on failure


def _model(model: type[BaseModel], cells: dict[str, Any], path: Path, line: int) -> BaseModel:
    try:
        return model.model_validate({k: v for k, v in cells.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise InputError(
            err["msg"], file=path, line=line, field=field, value=err.get("input")
        ) from None


def _group(path: Path, rows, model: type[BaseModel], columns: dict[str, type]) -> dict[str, list]:
    """Rows → per-patient lists of ``model`` instances (patient-level columns dropped)."""
    by_patient: dict[str, list] = defaultdict(list)
    for line, row in rows:
        if not row.get("patient_id"):
            raise InputError("empty patient_id", file=path, line=line, field="patient_id")
        cells = {
            c: _cell(row.get(c, ""), columns.get(c, str), path=path, line=line, column=c)
            for c in row
            if c in model.model_fields
        }
        by_patient[row["patient_id"]].append((line, _model(model, cells, path, line)))
    return by_patient


def _one_value(path: Path, rows, column: str) -> dict[str, str]:
    """A per-patient column (e.g. start_date) that must be the same on every row."""
    seen: dict[str, str] = {}
    for line, row in rows:
        value = row.get(column, "")
        pid = row["patient_id"]
        if pid in seen and value and seen[pid] and value != seen[pid]:
            raise InputError(
                f"patient {pid} has two {column} values ({seen[pid]}, {value})",
                file=path,
                line=line,
                field=column,
            )
        if value:
            seen[pid] = value
    return seen


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


@app.command("pcwg3")
def assess_pcwg3(path: Path = FileArgument, as_json: bool = JsonOption) -> None:
    """PCWG3 PSA. Columns: patient_id, start_date, date, value [, unit, below_detection,
    detection_limit]."""
    fields = {"date", "value", "unit", "below_detection", "detection_limit"}
    rows = _read(path, fields | {"patient_id", "start_date"}, {"patient_id", "start_date", "date"})
    starts = _one_value(path, rows, "start_date")
    grouped = _group(path, rows, pcwg3.PsaValue, {"below_detection": bool})
    results = []
    for pid, values in grouped.items():
        series = _model(
            pcwg3.PsaSeries,
            {"patient_id": pid, "start_date": starts.get(pid), "values": [v for _, v in values]},
            path,
            values[0][0],
        )
        results.append(pcwg3.evaluate(series))
    _emit(results, as_json)


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
    new, target, baseline_date]."""
    fields = set(recist.LesionObservation.model_fields)
    rows = _read(
        path, fields | {"patient_id", "baseline_date"}, {"patient_id", "lesion_id", "date", "organ"}
    )
    baselines = _one_value(path, rows, "baseline_date")
    kinds = {"node": bool, "new": bool, "target": bool}
    grouped = _group(path, rows, recist.LesionObservation, kinds)
    scans: dict[str, list] = defaultdict(list)
    if bone_scans is not None:
        brows = _read(
            bone_scans, {"patient_id", "date", "new_lesions"}, {"patient_id", "date", "new_lesions"}
        )
        for pid, items in _group(bone_scans, brows, bone.BoneScan, {}).items():
            scans[pid] = [s for _, s in items]
    results = []
    for pid, items in grouped.items():
        series = _model(
            recist.LesionSeries,
            {
                "patient_id": pid,
                "baseline_date": baselines.get(pid),
                "observations": [o for _, o in items],
                "bone_scans": scans.get(pid, []),
            },
            path,
            items[0][0],
        )
        results.append(recist.evaluate(series, pcwg3=pcwg3_mod, confirm=confirm))
    _emit(results, as_json)


def _scans(path: Path, as_json: bool, scan_model, series_model, module, kinds, **options) -> None:
    fields = set(scan_model.model_fields)
    rows = _read(path, fields | {"patient_id"}, {"patient_id", "date"})
    results = []
    for pid, items in _group(path, rows, scan_model, kinds).items():
        series = _model(
            series_model, {"patient_id": pid, "scans": [s for _, s in items]}, path, items[0][0]
        )
        results.append(module.evaluate(series, **options))
    _emit(results, as_json)


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
    unequivocal_progression]."""
    kinds = {"new_lesions": bool, "unequivocal_progression": bool}
    _scans(
        path,
        as_json,
        percist.PetScan,
        percist.PetSeries,
        percist,
        kinds,
        enforce_quality=not no_quality,
    )


@app.command("eortc")
def assess_eortc(
    path: Path = FileArgument,
    one_cycle_pmr_pct: float = typer.Option(15.0, help="PMR threshold after one cycle (15-25%)."),
    as_json: bool = JsonOption,
) -> None:
    """EORTC PET 1999. Columns: patient_id, date, suv, cycles_given [, longest_dimension_mm,
    extent_increase, new_lesions, complete_resolution]."""
    kinds = {"extent_increase": bool, "new_lesions": bool, "complete_resolution": bool}
    _scans(
        path,
        as_json,
        eortc.EortcScan,
        eortc.EortcSeries,
        eortc,
        kinds,
        one_cycle_pmr_pct=one_cycle_pmr_pct,
    )


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
    _scans(
        path,
        as_json,
        recip.PsmaScan,
        recip.PsmaSeries,
        recip,
        {"new_lesions": bool},
        variant=variant,
    )


def register(root: typer.Typer) -> None:
    """Add ``rltcare assess ...`` to the root app."""
    root.add_typer(app, name="assess")
