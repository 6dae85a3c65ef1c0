"""The registry as a REDCap project: one instrument per patient table, the pseudonym as record.

A REDCap record is a patient (``record_id`` = pseudonym). ``patient`` and
``vital_status`` are plain instruments (one per record); every other table is a
repeating instrument (``redcap_repeat_instrument``/``redcap_repeat_instance``).
Field names are the template's column names behind a short prefix per instrument,
because REDCap field names are unique across a project. Codes are dropdowns whose
raw values are 1, 2, ... (labels are the registry's codes), yes/no columns are
``yesno`` (1/0), dates ``date_ymd`` and the administration time
``datetime_seconds_ymd`` in UTC (REDCap keeps no time zone).

The data dictionary columns follow REDCap's data-dictionary CSV (and the API's
metadata fields): see docs/registry.md for the sources.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from rltcare.registry.importers.template import TEMPLATE, FileColumn
from rltcare.registry.vocab import CODES

RECORD_ID = "record_id"
REPEAT_INSTRUMENT = "redcap_repeat_instrument"
REPEAT_INSTANCE = "redcap_repeat_instance"
#: Columns REDCap adds to a records export that are not fields of an instrument.
STRUCTURAL = (RECORD_ID, REPEAT_INSTRUMENT, REPEAT_INSTANCE)
#: Further export columns REDCap may add (events, data access groups, surveys); ignored.
IGNORED = ("redcap_event_name", "redcap_data_access_group", "redcap_survey_identifier")
DICTIONARY_COLUMNS = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
PREFIX = {
    "patient": "pt",
    "diagnosis": "dx",
    "prior_treatment": "pr",
    "eligibility_imaging": "el",
    "treatment_course": "co",
    "treatment_cycle": "cy",
    "lab_result": "lab",
    "imaging_assessment": "im",
    "adverse_event": "ae",
    "performance_status": "ps",
    "vital_status": "vs",
}
SINGLE = ("patient", "vital_status")  # one instance per record
REPEATING = tuple(t for t in PREFIX if t not in SINGLE)
COMPLETE = "2"  # the value of <instrument>_complete for a complete form
_VALIDATION = {
    "int": "integer",
    "float": "number",
    "activity": "number",
    "date": "date_ymd",
    "datetime": "datetime_seconds_ymd",
}


@dataclass(frozen=True)
class Field:
    name: str  # the REDCap variable
    form: str  # the instrument: a registry table
    column: FileColumn

    @property
    def codes(self) -> tuple[str, ...]:
        return CODES[self.column.column.info["codes"]] if self.column.kind == "code" else ()

    @property
    def field_type(self) -> str:
        kind = self.column.kind
        if kind == "code":
            return "dropdown"
        if kind == "bool":
            return "yesno"
        if kind == "str" and getattr(self.column.column.type, "length", None) is None:
            return "notes"
        return "text"


def _fields() -> list[Field]:
    out = []
    for table, prefix in PREFIX.items():
        for c in TEMPLATE[table]:
            if c.name == "pseudonym":  # the record itself
                continue
            out.append(Field(f"{prefix}_{c.name}", table, c))
    return out


FIELDS = _fields()
BY_NAME = {f.name: f for f in FIELDS}
BY_FORM = {t: [f for f in FIELDS if f.form == t] for t in PREFIX}


def complete_field(form: str) -> str:
    return f"{form}_complete"


def choices_text(codes: tuple[str, ...]) -> str:
    """REDCap's choices cell: ``1, code | 2, code ...``."""
    return " | ".join(f"{i}, {code}" for i, code in enumerate(codes, start=1))


def parse_choices(text: str) -> dict[str, str]:
    """Raw value -> label from a choices cell; an unreadable cell gives an empty mapping."""
    out = {}
    for part in text.split("|"):
        raw, sep, label = part.partition(",")
        if sep:
            out[raw.strip()] = label.strip()
    return out


def dictionary() -> pd.DataFrame:
    """The REDCap data dictionary of the registry (one row per field, record_id first)."""
    rows = [
        {
            "Variable / Field Name": RECORD_ID,
            "Form Name": "patient",
            "Field Type": "text",
            "Field Label": "Pseudonym (never a name or national identifier)",
            "Required Field?": "y",
        }
    ]
    for f in FIELDS:
        c = f.column
        info = getattr(c.column, "info", {}) or {}
        label = c.doc + (" (MBq)" if c.kind == "activity" else "")
        rows.append(
            {
                "Variable / Field Name": f.name,
                "Form Name": f.form,
                "Field Type": f.field_type,
                "Field Label": label,
                "Choices, Calculations, OR Slider Labels": choices_text(f.codes),
                "Field Note": "UTC" if c.kind == "datetime" else "",
                "Text Validation Type OR Show Slider Number": _VALIDATION.get(c.kind, ""),
                "Text Validation Min": _bound(info.get("min")),
                "Text Validation Max": _bound(info.get("max")),
                "Required Field?": "y" if c.required else "",
            }
        )
    return pd.DataFrame(rows, columns=list(DICTIONARY_COLUMNS)).fillna("")


def _bound(value) -> str:
    return "" if value is None else f"{value:g}"
