"""Reading import files: CSV (one per table) or an Excel workbook (one sheet per table).

File-level problems (size, encoding, delimiter, header) are found here, before any
value is looked at; every cell is read as text.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from rltcare.registry.importers.problems import Problem
from rltcare.registry.importers.template import TEMPLATE

MAX_BYTES = 200 * 1024 * 1024


def _header_problems(name: str, table: str, header: list[str]) -> list[Problem]:
    expected = [c.name for c in TEMPLATE[table]]
    required = {c.name for c in TEMPLATE[table] if c.required}
    problems = []
    if len(header) == 1 and any(d in header[0] for d in ";\t|"):
        delimiter = next(d for d in ";\t|" if d in header[0])
        return [
            Problem(
                name, 1, None, f"wrong delimiter {delimiter!r}: columns are separated by commas"
            )
        ]
    missing = [c for c in expected if c in required and c not in header]
    if missing and not set(header) & set(expected):
        return [
            Problem(
                name,
                1,
                None,
                f"no header row: the first line must name the columns ({', '.join(expected)})",
            )
        ]
    for column in missing:
        problems.append(Problem(name, 1, column, "required column is missing"))
    for column in header:
        if column not in expected:
            problems.append(
                Problem(name, 1, column, f"unknown column (expected: {', '.join(expected)})")
            )
    if len(set(header)) != len(header):
        problems.append(Problem(name, 1, None, "a column name appears twice"))
    return problems


def read_csv_bytes(
    name: str, table: str, data: bytes, max_bytes: int = MAX_BYTES
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One table's CSV file as text cells, or the problems that stop it being read."""
    if len(data) > max_bytes:
        return None, [
            Problem(
                name,
                None,
                None,
                f"file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB",
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, None, "not UTF-8 text (save the file as CSV UTF-8)")]
    if not text.strip():
        return None, [Problem(name, None, None, "the file is empty")]
    header = next(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in header]
    problems = _header_problems(name, table, header)
    if problems:
        return None, problems
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        return None, [Problem(name, None, None, f"malformed CSV: {exc}")]
    frame.columns = header
    return frame, []


def read_folder(
    folder: Path, max_bytes: int = MAX_BYTES
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Every ``<table>.csv`` in ``folder``; other files are an error (a misspelt name)."""
    frames, problems = {}, []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".csv":
            continue
        if path.stem not in TEMPLATE:
            problems.append(
                Problem(
                    path.name,
                    None,
                    None,
                    f"no table '{path.stem}' (files: {', '.join(f'{t}.csv' for t in TEMPLATE)})",
                )
            )
            continue
        if path.stat().st_size > max_bytes:
            problems.append(
                Problem(path.name, None, None, f"file is larger than {max_bytes / 1e6:.0f} MB")
            )
            continue
        frame, found = read_csv_bytes(path.name, path.stem, path.read_bytes(), max_bytes)
        problems += found
        if frame is not None:
            frames[path.stem] = frame
    return frames, problems


def read_workbook(
    name: str, data: bytes, max_bytes: int = MAX_BYTES
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """An Excel workbook with one sheet per table, named like the CSV files."""
    if len(data) > max_bytes:
        return {}, [Problem(name, None, None, f"file is larger than {max_bytes / 1e6:.0f} MB")]
    try:
        sheets = pd.read_excel(
            io.BytesIO(data), sheet_name=None, dtype=str, keep_default_na=False, engine="openpyxl"
        )
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        return {}, [
            Problem(name, None, None, f"not an Excel workbook (.xlsx): {type(exc).__name__}")
        ]
    frames, problems = {}, []
    for sheet, frame in sheets.items():
        where = f"{name}[{sheet}]"
        if sheet not in TEMPLATE:
            problems.append(Problem(where, None, None, f"no table '{sheet}'"))
            continue
        header = [str(h).strip() for h in frame.columns]
        found = _header_problems(where, sheet, header)
        problems += found
        if not found:
            frame.columns = header
            frames[sheet] = frame.astype(str)
    return frames, problems


def read_upload(
    name: str, data: bytes, max_bytes: int = MAX_BYTES
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """One uploaded file: a workbook, or a CSV named after its table."""
    if name.lower().endswith(".xlsx"):
        return read_workbook(name, data, max_bytes)
    table = Path(name).stem
    if table not in TEMPLATE:
        return {}, [
            Problem(name, None, None, f"name a CSV file after its table ({', '.join(TEMPLATE)})")
        ]
    frame, problems = read_csv_bytes(name, table, data, max_bytes)
    return ({table: frame} if frame is not None else {}), problems
