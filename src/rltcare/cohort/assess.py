"""Tables → per-patient series → the response engines, with errors naming file, line, column.

Rows are grouped by ``patient_id``; each row becomes the criterion's pydantic model (so a
bad date or number is reported by field), patient-level columns (``start_date``,
``baseline_date``) must agree within a patient. A patient who cannot be assessed is ``NE``
with the engine's reason, never an error.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd
from pydantic import BaseModel, ValidationError

from rltcare.cohort.tables import FALSE, LINE, TABLES, TRUE
from rltcare.errors import InputError
from rltcare.response import bone, eortc, pcwg3, percist, recip, recist
from rltcare.response.base import Response

# table: (criterion key, scan model, series model, engine module) for the scan criteria
SCANS = {
    "fdg": ("percist", percist.PetScan, percist.PetSeries, percist),
    "eortc": ("eortc", eortc.EortcScan, eortc.EortcSeries, eortc),
    "psma": ("recip", recip.PsmaScan, recip.PsmaSeries, recip),
}
#: Which table each criterion reads.
CRITERION_TABLE = {"pcwg3": "psa", "recist": "lesions"} | {v[0]: k for k, v in SCANS.items()}


def _cell(value: str, is_bool: bool, name: str, line: int, column: str) -> Any:
    if value == "" or not is_bool:
        return value or None  # pydantic parses numbers and dates, and names the field
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise InputError(
        f"'{value}' is not true/false", file=name, line=line, field=column, value=value
    )


def model(kind: type[BaseModel], cells: dict[str, Any], name: str, line: int) -> BaseModel:
    """``kind`` from ``cells``; the first validation error names the file, line and field."""
    try:
        return kind.model_validate({k: v for k, v in cells.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        column = ".".join(str(p) for p in err["loc"])
        raise InputError(
            err["msg"], file=name, line=line, field=column, value=err.get("input")
        ) from None


def group(frame: pd.DataFrame, table: str, kind: type[BaseModel], name: str) -> dict[str, list]:
    """Per patient, the rows as ``kind`` instances, with their lines: ``{pid: [(line, obj)]}``."""
    booleans = set(TABLES[table].booleans)
    columns = [c for c in frame.columns if c in kind.model_fields]
    out: dict[str, list] = defaultdict(list)
    for row in frame.to_dict(orient="records"):
        line = int(row[LINE])
        if not row.get("patient_id"):
            raise InputError("empty patient_id", file=name, line=line, field="patient_id")
        cells = {c: _cell(row[c], c in booleans, name, line, c) for c in columns}
        out[row["patient_id"]].append((line, model(kind, cells, name, line)))
    return out


def per_patient(frame: pd.DataFrame, column: str, name: str) -> dict[str, str]:
    """A patient-level column (e.g. ``start_date``) that must agree on every row."""
    seen: dict[str, str] = {}
    if column not in frame.columns:
        return seen
    for pid, value, line in zip(frame["patient_id"], frame[column], frame[LINE], strict=True):
        if value and seen.get(pid) and value != seen[pid]:
            raise InputError(
                f"patient {pid} has two {column} values ({seen[pid]}, {value})",
                file=name,
                line=int(line),
                field=column,
            )
        if value:
            seen[pid] = value
    return seen


def assess_psa(frame: pd.DataFrame, name: str, **options: Any) -> list[Response]:
    """PCWG3 for every patient of a ``psa`` table."""
    starts = per_patient(frame, "start_date", name)
    out = []
    for pid, values in group(frame, "psa", pcwg3.PsaValue, name).items():
        cells = {"patient_id": pid, "start_date": starts.get(pid), "values": [v for _, v in values]}
        series = model(pcwg3.PsaSeries, cells, name, values[0][0])
        out.append(pcwg3.evaluate(series, **options))
    return out


def assess_lesions(
    frame: pd.DataFrame,
    name: str,
    *,
    bone_scans: pd.DataFrame | None = None,
    bone_name: str = "bone scans",
    **options: Any,
) -> list[Response]:
    """RECIST 1.1 for every patient of a ``lesions`` table (options: ``pcwg3``, ``confirm``)."""
    baselines = per_patient(frame, "baseline_date", name)
    scans: dict[str, list] = {}
    if bone_scans is not None:
        grouped = group(bone_scans, "bone_scans", bone.BoneScan, bone_name)
        scans = {pid: [s for _, s in items] for pid, items in grouped.items()}
    out = []
    for pid, items in group(frame, "lesions", recist.LesionObservation, name).items():
        cells = {
            "patient_id": pid,
            "baseline_date": baselines.get(pid),
            "observations": [o for _, o in items],
            "bone_scans": scans.get(pid, []),
        }
        series = model(recist.LesionSeries, cells, name, items[0][0])
        out.append(recist.evaluate(series, **options))
    return out


def assess_scans(table: str, frame: pd.DataFrame, name: str, **options: Any) -> list[Response]:
    """PERCIST (``fdg``), EORTC (``eortc``) or RECIP (``psma``) for every patient."""
    _, scan_model, series_model, module = SCANS[table]
    out = []
    for pid, items in group(frame, table, scan_model, name).items():
        cells = {"patient_id": pid, "scans": [s for _, s in items]}
        series = model(series_model, cells, name, items[0][0])
        out.append(module.evaluate(series, **options))
    return out


def assess_table(table: str, frame: pd.DataFrame, name: str, **options: Any) -> list[Response]:
    """The criterion that reads ``table``, with its options."""
    if table == "psa":
        return assess_psa(frame, name, **options)
    if table == "lesions":
        return assess_lesions(frame, name, **options)
    return assess_scans(table, frame, name, **options)
