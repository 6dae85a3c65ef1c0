"""The import template: which columns each table's file has, derived from the ORM.

Files name rows by natural keys, never by database ids: a centre by its ``code``,
a patient by ``pseudonym``, a treatment course by (``pseudonym``, ``course``).
"""

from __future__ import annotations

from dataclasses import dataclass

from rltcare.registry.models import CLINICAL, Base
from rltcare.registry.vocab import CODES, LAB_UNITS

#: Foreign-key columns and the natural key that replaces each in a file.
NATURAL_KEYS = {"centre_id": "centre", "patient_id": "pseudonym", "course_id": "course"}
KEY_DOCS = {
    "centre": "Centre code (see centre.csv or the registry)",
    "pseudonym": "Patient pseudonym (see patient.csv or the registry)",
    "course": "Course number of this patient (see treatment_course.csv)",
}


@dataclass(frozen=True)
class FileColumn:
    name: str
    kind: str  # str, int, float, activity, bool, date, datetime, code, key
    required: bool
    doc: str
    column: object = None  # the ORM column (None for natural keys)


def columns_of(model: type[Base]) -> list[FileColumn]:
    out = []
    for column in model.__table__.columns:
        if column.name in ("id", "version"):
            continue
        if column.name in NATURAL_KEYS:
            key = NATURAL_KEYS[column.name]
            out.append(FileColumn(key, "key", True, KEY_DOCS[key]))
            continue
        info = column.info
        python = column.type.python_type
        if "codes" in info:
            kind = "code"
        elif info.get("unit") == "MBq":
            kind = "activity"
        else:
            kind = {int: "int", float: "float", bool: "bool", str: "str"}.get(
                python, python.__name__
            )
        required = not column.nullable and column.default is None
        out.append(FileColumn(column.name, kind, required, info.get("doc", ""), column))
    if model.__tablename__ == "treatment_cycle":  # a cycle's patient is its course's patient
        out = [c for c in out if c.name != "pseudonym"]
        out.insert(0, FileColumn("pseudonym", "key", True, KEY_DOCS["pseudonym"]))
    return out


TEMPLATE = {model.__tablename__: columns_of(model) for model in CLINICAL}


def describe_template() -> str:
    """The template as Markdown: a table per file (used by docs and ``registry template``)."""
    lines = []
    for table, columns in TEMPLATE.items():
        lines += [f"### {table}.csv", "", "| column | required | content |", "|---|---|---|"]
        for c in columns:
            content = c.doc
            if c.kind == "code":
                content += f": one of {', '.join(CODES[c.column.info['codes']])}"
            elif c.kind == "activity":
                content += " (MBq, or a number with a unit: '7.4 GBq', '200 mCi')"
            elif c.kind in ("date", "datetime"):
                content += " (ISO 8601" + (", with offset)" if c.kind == "datetime" else ")")
            lines.append(f"| {c.name} | {'yes' if c.required else ''} | {content} |")
        lines.append("")
    units = ", ".join(f"{a}: {u}" for a, (u, _, _) in LAB_UNITS.items())
    lines.append(f"Lab values are stored in one unit per analyte ({units}).")
    return "\n".join(lines)
