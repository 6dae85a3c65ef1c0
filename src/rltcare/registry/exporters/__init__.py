"""Exports in the import template's shape (natural keys): CSV files, Parquet, an Excel
workbook, a REDCap project (data dictionary and records) or a FHIR R4 bundle.

Every format except Parquet can be imported again (``rltcare registry import``).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from rltcare.registry.access import Caller, analyst_key
from rltcare.registry.auth import deployment_secret
from rltcare.registry.importers.template import TEMPLATE
from rltcare.registry.models import CLINICAL, Centre
from rltcare.registry.service import scoped

FORMATS = ("csv", "parquet", "xlsx", "redcap", "fhir")
WORKBOOK = "registry.xlsx"


def export_frames(*, session: Session, caller: Caller) -> dict[str, pd.DataFrame]:
    """Every clinical table the caller may read, with natural keys instead of ids."""
    connection = session.connection()
    frames = {}
    for model in CLINICAL:
        query = scoped(select(model.__table__), model, caller).order_by(model.id)
        frames[model.__tablename__] = pd.read_sql(query, connection)
    centres = frames["centre"].set_index("id")["code"]
    if caller.pseudonymised:  # analysts see a keyed second pseudonym, no free text
        secret = deployment_secret(session=session)
        frames["patient"]["pseudonym"] = [
            analyst_key(secret, p) for p in frames["patient"]["pseudonym"]
        ]
        for frame in frames.values():
            if "notes" in frame:
                frame["notes"] = None
    if not caller.all_centres:
        centres = pd.Series(dict(session.execute(select(Centre.id, Centre.code)).all()))
    pseudonyms = frames["patient"].set_index("id")["pseudonym"]
    courses = frames["treatment_course"].set_index("id")["number"]
    out = {}
    for table, frame in frames.items():
        if "centre_id" in frame:
            frame["centre"] = frame["centre_id"].map(centres)
        if "patient_id" in frame:
            frame["pseudonym"] = frame["patient_id"].map(pseudonyms)
        if "course_id" in frame:
            frame["course"] = frame["course_id"].map(courses)
        if "administered_at" in frame:
            frame["administered_at"] = pd.to_datetime(frame["administered_at"], utc=True)
        out[table] = frame[[c.name for c in TEMPLATE[table]]]
    return out


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    """Times as ISO 8601 text with their offset (what the import reads back)."""
    frame = frame.copy()
    if "administered_at" in frame:
        frame["administered_at"] = frame["administered_at"].map(
            lambda t: t.isoformat() if pd.notna(t) else ""
        )
    return frame


def _workbook(frames: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per table; dates as ISO text so that Excel does not reinterpret them."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for table, frame in frames.items():
            frame = _text(frame)
            for c in TEMPLATE[table]:
                if c.kind == "date":
                    frame[c.name] = frame[c.name].map(
                        lambda d: d.isoformat() if pd.notna(d) else ""
                    )
                elif c.kind == "int":
                    frame[c.name] = frame[c.name].astype("Int64")
            frame.to_excel(writer, sheet_name=table, index=False)
    return buffer.getvalue()


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def export_files(frames: dict[str, pd.DataFrame], fmt: str = "csv") -> dict[str, bytes]:
    """The export in format ``fmt`` as file name -> content."""
    if fmt == "csv":
        return {f"{t}.csv": _csv(_text(frame)) for t, frame in frames.items()}
    if fmt == "parquet":
        out = {}
        for table, frame in frames.items():
            buffer = io.BytesIO()
            frame.to_parquet(buffer, index=False)
            out[f"{table}.parquet"] = buffer.getvalue()
        return out
    if fmt == "xlsx":
        return {WORKBOOK: _workbook(frames)}
    if fmt == "redcap":
        from rltcare.registry.exporters import redcap

        return {
            "dictionary.csv": _csv(redcap.dictionary()),
            "records.csv": _csv(redcap.records(frames)),
        }
    if fmt == "fhir":
        from rltcare.registry.exporters.fhir import to_bundle

        text = json.dumps(to_bundle(frames), ensure_ascii=False, indent=1)
        return {"bundle.json": text.encode("utf-8")}
    raise ValueError(f"unknown export format {fmt!r}")


def write_export(frames: dict[str, pd.DataFrame], folder: Path, fmt: str = "csv") -> list[Path]:
    """The export's files in ``folder``; every format but Parquet can be imported again."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in export_files(frames, fmt).items():
        path = folder / name
        path.write_bytes(content)
        paths.append(path)
    return paths


__all__ = ["FORMATS", "WORKBOOK", "export_files", "export_frames", "write_export"]
