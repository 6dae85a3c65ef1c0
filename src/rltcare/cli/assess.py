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


def read_pcwg3(path: Path) -> list[Response]:
    fields = {"date", "value", "unit", "below_detection", "detection_limit"}
    rows = _read(path, fields | {"patient_id", "start_date"}, {"patient_id", "start_date", "date"})
    starts = _one_value(path, rows, "start_date")
    grouped = _group(path, rows, pcwg3.PsaValue, {"below_detection": bool})
    out = []
    for pid, values in grouped.items():
        cells = {"patient_id": pid, "start_date": starts.get(pid), "values": [v for _, v in values]}
        out.append(pcwg3.evaluate(_model(pcwg3.PsaSeries, cells, path, values[0][0])))
    return out


def read_recist(path: Path, *, pcwg3_mod=False, confirm=False, bone_scans=None) -> list[Response]:
    fields = set(recist.LesionObservation.model_fields)
    required = {"patient_id", "lesion_id", "date", "organ"}
    rows = _read(path, fields | {"patient_id", "baseline_date"}, required)
    baselines = _one_value(path, rows, "baseline_date")
    kinds = {"node": bool, "new": bool, "target": bool}
    grouped = _group(path, rows, recist.LesionObservation, kinds)
    scans: dict[str, list] = defaultdict(list)
    if bone_scans is not None:
        columns = {"patient_id", "date", "new_lesions"}
        brows = _read(bone_scans, columns, columns)
        for pid, items in _group(bone_scans, brows, bone.BoneScan, {}).items():
            scans[pid] = [s for _, s in items]
    out = []
    for pid, items in grouped.items():
        cells = {
            "patient_id": pid,
            "baseline_date": baselines.get(pid),
            "observations": [o for _, o in items],
            "bone_scans": scans.get(pid, []),
        }
        series = _model(recist.LesionSeries, cells, path, items[0][0])
        out.append(recist.evaluate(series, pcwg3=pcwg3_mod, confirm=confirm))
    return out


# criterion: (scan model, series model, engine module, boolean columns)
SCANS = {
    "percist": (
        percist.PetScan,
        percist.PetSeries,
        percist,
        {"new_lesions", "unequivocal_progression"},
    ),
    "eortc": (
        eortc.EortcScan,
        eortc.EortcSeries,
        eortc,
        {"extent_increase", "new_lesions", "complete_resolution"},
    ),
    "recip": (recip.PsmaScan, recip.PsmaSeries, recip, {"new_lesions"}),
}


def read_scans(criterion: str, path: Path, **options) -> list[Response]:
    """Assess a scan-based criterion (percist, eortc, recip) from ``path``."""
    scan_model, series_model, module, flags = SCANS[criterion]
    rows = _read(path, set(scan_model.model_fields) | {"patient_id"}, {"patient_id", "date"})
    out = []
    for pid, items in _group(path, rows, scan_model, dict.fromkeys(flags, bool)).items():
        cells = {"patient_id": pid, "scans": [s for _, s in items]}
        out.append(module.evaluate(_model(series_model, cells, path, items[0][0]), **options))
    return out


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
    new, target, baseline_date]."""
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
    unequivocal_progression]."""
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
