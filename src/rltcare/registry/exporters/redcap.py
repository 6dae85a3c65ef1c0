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
    SINGLE,
    Field,
    complete_field,
    dictionary,
)

__all__ = ["dictionary", "records"]


def _raw(value, f: Field) -> str:
    """One value as REDCap stores it (raw codes, 1/0, UTC times without offset)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    kind = f.column.kind
    if kind == "code":
        return str(f.codes.index(value) + 1)
    if kind == "bool":
        return "1" if value else "0"
    if kind == "datetime":
        return pd.Timestamp(value).tz_convert("UTC").strftime("%Y-%m-%d %H:%M:%S")
    if kind == "int":
        return str(int(value))
    if kind in ("float", "activity"):
        return repr(float(value))
    return str(value)


def _columns() -> list[str]:
    out = [RECORD_ID, REPEAT_INSTRUMENT, REPEAT_INSTANCE]
    for form, fields in BY_FORM.items():
        out += [f.name for f in fields] + [complete_field(form)]
    return out


def _values(row: pd.Series, form: str) -> dict[str, str]:
    values = {f.name: _raw(row[f.column.name], f) for f in BY_FORM[form]}
    values[complete_field(form)] = COMPLETE
    return values


def records(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """REDCap's flat records export of every patient (export frames in, text cells out)."""
    by_record: dict[str, dict[str, str]] = {}
    for form in SINGLE:
        for _, row in frames[form].iterrows():
            key = row["pseudonym"]
            by_record.setdefault(key, {RECORD_ID: key}).update(_values(row, form))
    rows = list(by_record.values())
    for form in REPEATING:
        frame = frames[form]
        instance = frame.groupby("pseudonym", sort=False).cumcount() + 1
        for (_, row), n in zip(frame.iterrows(), instance, strict=True):
            rows.append(
                {
                    RECORD_ID: row["pseudonym"],
                    REPEAT_INSTRUMENT: form,
                    REPEAT_INSTANCE: str(n),
                    **_values(row, form),
                }
            )
    order = {p: i for i, p in enumerate(frames["patient"]["pseudonym"])}
    rows.sort(key=lambda r: order.get(r[RECORD_ID], len(order)))  # a record's rows together
    return pd.DataFrame(rows, columns=_columns()).fillna("")
