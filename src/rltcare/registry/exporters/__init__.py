"""Exports in the import template's shape (natural keys), as CSV files or Parquet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from rltcare.registry.access import Caller, analyst_key
from rltcare.registry.auth import deployment_secret
from rltcare.registry.importers.template import TEMPLATE
from rltcare.registry.models import CLINICAL, Centre
from rltcare.registry.service import scoped

FORMATS = ("csv", "parquet")


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


def write_export(frames: dict[str, pd.DataFrame], folder: Path, fmt: str = "csv") -> list[Path]:
    """One file per table in ``folder``; CSV files can be imported again as they are."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for table, frame in frames.items():
        path = folder / f"{table}.{fmt}"
        if fmt == "csv":
            frame = frame.copy()
            if "administered_at" in frame:
                frame["administered_at"] = frame["administered_at"].map(
                    lambda t: t.isoformat() if pd.notna(t) else ""
                )
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
        paths.append(path)
    return paths


__all__ = ["FORMATS", "export_frames", "write_export"]
