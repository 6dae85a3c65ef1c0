"""Reading a REDCap records export (flat CSV, raw or label values) with its data dictionary.

The records become the import template's tables as text cells; the dictionary
says which raw value stands for which code. Every field must be one of the
registry's REDCap project (:mod:`~rltcare.registry.importers.redcap_layout`). Each
row remembers its record, instrument and instance, so that a problem found later
is reported in those terms (:class:`~rltcare.registry.importers.problems.Origin`).
"""

from __future__ import annotations

import io
import re

import pandas as pd

from rltcare.registry.importers.problems import Origin, Problem
from rltcare.registry.importers.redcap_layout import (
    BY_FORM,
    BY_NAME,
    IGNORED,
    PREFIX,
    RECORD_ID,
    REPEAT_INSTANCE,
    REPEAT_INSTRUMENT,
    REPEATING,
    STRUCTURAL,
    complete_field,
    parse_choices,
)
from rltcare.registry.importers.template import TEMPLATE

NAME = "Variable / Field Name"
_NAIVE_TIME = re.compile(r"^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d(?::\d\d)?)$")
_COMPLETE = {complete_field(form) for form in PREFIX}


def _csv(name: str, data: bytes) -> tuple[pd.DataFrame | None, list[Problem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem(name, None, None, "not UTF-8 text (export the file as CSV UTF-8)")]
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return None, [Problem(name, None, None, f"malformed CSV: {exc}")]
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, []


def _choices(name: str, dictionary: pd.DataFrame) -> tuple[dict[str, dict[str, str]], list]:
    """Raw value -> code for every dropdown field; problems for unknown fields and codes."""
    problems, choices = [], {}
    if NAME not in dictionary:
        return {}, [Problem(name, 1, None, f"not a REDCap data dictionary (no '{NAME}' column)")]
    column = "Choices, Calculations, OR Slider Labels"
    for i, row in dictionary.iterrows():
        field = row[NAME].strip()
        if field == RECORD_ID:
            continue
        if field not in BY_NAME:
            problems.append(
                Problem(name, int(i) + 2, NAME, f"unknown field {field!r} (not a registry field)")
            )
            continue
        codes = BY_NAME[field].codes
        if not codes:
            continue
        mapping = parse_choices(row.get(column, ""))
        for raw, label in mapping.items():
            if label not in codes:
                problems.append(
                    Problem(
                        name,
                        int(i) + 2,
                        column,
                        f"{field}: choice {raw} {label!r} is not a registry code "
                        f"(known: {', '.join(codes)})",
                    )
                )
        choices[field] = mapping
    return choices, problems


def _value(field: str, text: str, choices: dict[str, dict[str, str]]) -> str:
    """A REDCap cell in the import template's spelling (codes, yes/no, times with offset)."""
    text = text.strip()
    if not text:
        return ""
    kind = BY_NAME[field].column.kind
    if kind == "code":
        return choices.get(field, {}).get(text, text)  # a label export has the code already
    if kind == "bool":
        return {"1": "yes", "0": "no"}.get(text, text)
    if kind == "datetime":
        naive = _NAIVE_TIME.match(text)
        return f"{naive[1]}T{naive[2]}+00:00" if naive else text  # REDCap times are UTC here
    return text


def _header_problems(name: str, records: pd.DataFrame, known: set[str]) -> list[Problem]:
    problems = []
    if RECORD_ID not in records:
        problems.append(Problem(name, 1, RECORD_ID, "no record_id column (the pseudonym)"))
    for column in records.columns:
        if column in STRUCTURAL or column in IGNORED or column in _COMPLETE or column in known:
            continue
        reason = "not in the data dictionary given" if column in BY_NAME else "not a registry field"
        problems.append(Problem(name, 1, column, f"unknown field ({reason})"))
    return problems


def read_redcap(
    files: list[tuple[str, bytes]],
) -> tuple[dict[str, pd.DataFrame], list[Problem], Origin | None]:
    """Tables (text cells) from a records export and its dictionary, in any order."""
    dictionary = records = None
    problems: list[Problem] = []
    for name, data in files:
        frame, found = _csv(name, data)
        problems += found
        if frame is None:
            continue
        if NAME in frame:
            dictionary = (name, frame)
        else:
            records = (name, frame)
    if dictionary is None or records is None:
        missing = "data dictionary" if dictionary is None else "records export"
        where = (records or dictionary or (files[0][0] if files else "redcap", None))[0]
        problems.append(Problem(where, None, None, f"the REDCap {missing} is missing"))
        return {}, problems, None
    choices, found = _choices(*dictionary)
    problems += found
    known = set(dictionary[1][NAME].str.strip()) & set(BY_NAME)
    name, frame = records
    found = _header_problems(name, frame, known)
    if found:
        return {}, problems + found, None
    return _tables(name, frame, choices, known, problems)


def _tables(
    name: str,
    frame: pd.DataFrame,
    choices: dict[str, dict[str, str]],
    known: set[str],
    problems: list[Problem],
) -> tuple[dict[str, pd.DataFrame], list[Problem], Origin]:
    """One table row per record (patient, vital status) and per repeating instance."""
    origin = Origin(name)
    origin.columns = {
        form: {"pseudonym": RECORD_ID, **{f.column.name: f.name for f in fields}}
        for form, fields in BY_FORM.items()
    }
    rows: dict[str, list[dict[str, str]]] = {form: [] for form in PREFIX}
    seen: set[tuple[str, str, str]] = set()
    instrument = frame.get(REPEAT_INSTRUMENT, pd.Series("", index=frame.index))
    instance = frame.get(REPEAT_INSTANCE, pd.Series("", index=frame.index))
    for i, record in frame.iterrows():
        line = int(i) + 2
        rid, form, n = record[RECORD_ID].strip(), instrument[i].strip(), instance[i].strip()
        if not rid:
            problems.append(Problem(name, line, RECORD_ID, "the record id is missing"))
            continue
        if form and form not in REPEATING:
            problems.append(
                Problem(
                    name,
                    line,
                    REPEAT_INSTRUMENT,
                    f"unknown repeating instrument {form!r} (known: {', '.join(REPEATING)})",
                )
            )
            continue
        if form and not n.isdigit():
            problems.append(
                Problem(name, line, REPEAT_INSTANCE, f"instance {n!r} is not a whole number")
            )
            continue
        if (rid, form, n) in seen:
            what = f"instrument {form}, instance {n}" if form else "a row without instrument"
            problems.append(Problem(name, line, None, f"record {rid} has {what} twice"))
            continue
        seen.add((rid, form, n))
        forms = [form] if form else ["patient", "vital_status"]
        own = {f.name for form in forms for f in BY_FORM[form]}
        for field in sorted(known - own):
            if field in frame and record[field].strip():
                problems.append(
                    Problem(
                        name,
                        line,
                        field,
                        f"has a value but belongs to instrument {BY_NAME[field].form}",
                        where=f"record {rid}",
                    )
                )
        for table in forms:
            values = {
                f.column.name: _value(f.name, record.get(f.name, ""), choices)
                for f in BY_FORM[table]
            }
            if not form and not any(values.values()):
                continue  # no vital status, or a patient the registry has (rows added to them)
            values["pseudonym"] = rid
            rows[table].append(values)
            where = f"record {rid}, instrument {table}" + (f", instance {n}" if form else "")
            origin.add(table, line, where)
    frames = {
        table: pd.DataFrame(found, columns=[c.name for c in TEMPLATE[table]]).fillna("")
        for table, found in rows.items()
        if found
    }
    return frames, problems, origin
