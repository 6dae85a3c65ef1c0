"""A catalog record (as :func:`rltcare.catalog.views.describe` gives it) laid out for reading.

Fields named with their unit (``half_life_h``) are shown as "half life" with the value
rounded to four significant digits and its unit; lists of parts (photon lines, criteria)
become tables whose last column is each part's source.
"""

from __future__ import annotations

from typing import Any

from rltcare.result import format_value

# Identifier suffix → unit as written for a reader (longest suffixes first).
_UNITS = [
    ("_usv_h", "µSv/h"),
    ("_bq_g", "Bq/g"),
    ("_mbq", "MBq"),
    ("_kev", "keV"),
    ("_msv", "mSv"),
    ("_m2", "m²"),
    ("_kg", "kg"),
    ("_h", "h"),
    ("_m", "m"),
]
_HIDDEN = {"source", "kind"}


def label(key: str) -> str:
    """``half_life_h`` → ``half life``."""
    for suffix, _ in _UNITS:
        if key.endswith(suffix):
            key = key.removesuffix(suffix)
            break
    return key.replace("_", " ")


def value_text(key: str, value: Any) -> str:
    """A value rounded, with the unit its key names (hours of two days or more also in days)."""
    unit = next((u for suffix, u in _UNITS if key.endswith(suffix)), "")
    if isinstance(value, list | tuple) and all(not isinstance(v, dict | list) for v in value):
        if not value:
            return "—"
        if unit and len(value) == 2 and all(isinstance(v, int | float) for v in value):
            return f"{format_value(value[0])}–{format_value(value[1])} {unit}"
        return ", ".join(value_text(key, v) for v in value)
    if isinstance(value, dict):
        if not value:
            return "none"
        return "; ".join(f"{k}: {value_text(key, v)}" for k, v in value.items())
    if value == "" or value is None:
        return "—"
    text = format_value(value)
    if unit and isinstance(value, int | float) and not isinstance(value, bool):
        text = f"{text} {unit}"
        if unit == "h" and value >= 48:
            text += f" ({format_value(value / 24)} d)"
    return text


def _is_parts(value: Any) -> bool:
    items = value.values() if isinstance(value, dict) else value
    return (
        isinstance(value, list | dict) and bool(value) and all(isinstance(v, dict) for v in items)
    )


def record_view(record: dict[str, Any]) -> dict[str, Any]:
    """``{"fields": [(label, value)], "tables": [(label, columns, rows)], "source": ...}``."""
    fields, tables = [], []
    for key, value in record.items():
        if key in _HIDDEN:
            continue
        if _is_parts(value):
            parts = [{"id": k, **v} for k, v in value.items()] if isinstance(value, dict) else value
            keys = list(dict.fromkeys(k for part in parts for k in part if k != "source"))
            has_source = any("source" in part for part in parts)
            columns = [label(k) for k in keys] + (["source"] if has_source else [])
            rows = [
                [value_text(k, part.get(k)) for k in keys]
                + ([part.get("source") or "—"] if has_source else [])
                for part in parts
            ]
            tables.append((label(key), columns, rows))
        elif isinstance(value, dict) and any(isinstance(v, dict | list) for v in value.values()):
            # A part with parts of its own (a jurisdiction's clearance rule and its levels).
            inner = record_view(value)
            fields += [(f"{label(key)}: {name}", text) for name, text in inner["fields"]]
            if inner["source"]:
                fields.append((f"{label(key)}: source", inner["source"]))
            tables += [(f"{label(key)}: {name}", c, r) for name, c, r in inner["tables"]]
        else:
            fields.append((label(key), value_text(key, value)))
    return {"fields": fields, "tables": tables, "source": record.get("source")}
