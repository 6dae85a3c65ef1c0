"""Export as a REDCap project: its data dictionary and a flat records export (raw values).

Layout in :mod:`rltcare.registry.importers.redcap_layout`. One row per record for
the plain instruments (patient, vital status), then one row per instance of each
repeating instrument, numbered 1, 2, ... per record in the registry's order.
Centres are not instruments: a record names its centre by code (``pt_centre``).
"""

from __future__ import annotations

import pandas as pd

from rltcare.registry.importers.redcap_layout import (
    BY_FORM,
    COMPLETE,
    RECORD_ID,
    REPEAT_INSTANCE,
    REPEAT_INSTRUMENT,
    REPEATING,
    Field,
    complete_field,
    dictionary,
)

__all__ = ["dictionary", "records"]


def _raw(values: pd.Series, f: Field) -> pd.Series:
    """One column as REDCap stores it (raw codes, 1/0, UTC times without offset), '' if empty."""
    kind = f.column.kind
    if kind == "code":
        out = values.map({code: str(i) for i, code in enumerate(f.codes, start=1)})
    elif kind == "bool":
        out = values.map({True: "1", False: "0"})
    elif kind == "datetime":
        out = pd.to_datetime(values, utc=True).dt.strftime("%Y-%m-%d %H:%M:%S")
    elif kind == "int":
        out = values.map(lambda v: str(int(v)), na_action="ignore")
    elif kind in ("float", "activity"):
        out = values.map(lambda v: repr(float(v)), na_action="ignore")
    else:
        out = values.map(str, na_action="ignore")
    return out.where(values.notna(), "").fillna("")


def _columns() -> list[str]:
    out = [RECORD_ID, REPEAT_INSTRUMENT, REPEAT_INSTANCE]
    for form, fields in BY_FORM.items():
        out += [f.name for f in fields] + [complete_field(form)]
    return out


def _form(frame: pd.DataFrame, form: str) -> pd.DataFrame:
    """An instrument's fields for every row of ``frame``, with the record id."""
    values = {f.name: _raw(frame[f.column.name], f) for f in BY_FORM[form]}
    values[complete_field(form)] = COMPLETE
    return pd.DataFrame({RECORD_ID: frame["pseudonym"], **values}, index=frame.index)


def records(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """REDCap's flat records export of every patient (export frames in, text cells out)."""
    plain = _form(frames["patient"], "patient").merge(
        _form(frames["vital_status"], "vital_status"), on=RECORD_ID, how="left"
    )
    parts = [plain]
    for form in REPEATING:
        frame = frames[form]
        part = _form(frame, form)
        part[REPEAT_INSTRUMENT] = form
        part[REPEAT_INSTANCE] = (frame.groupby("pseudonym", sort=False).cumcount() + 1).astype(str)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    order = {p: i for i, p in enumerate(frames["patient"]["pseudonym"])}
    position = out[RECORD_ID].map(order).fillna(len(order))
    out = out.iloc[position.argsort(kind="stable")]  # a record's rows together, plain row first
    return out.reindex(columns=_columns()).fillna("").reset_index(drop=True)
