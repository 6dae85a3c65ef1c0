"""Every import format read the same way: files in, template tables (text cells) out.

``csv`` (files named after their tables), ``xlsx`` (one sheet per table),
``redcap`` (records export and data dictionary) and ``fhir`` (a JSON Bundle).
Without a format, it is told from the files: ``.xlsx`` a workbook, ``.json`` a
bundle, a CSV whose header starts with REDCap's ``Variable / Field Name`` or
``record_id`` a REDCap export, other CSV files tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from rltcare.registry.importers.fhir import read_fhir
from rltcare.registry.importers.problems import Origin, Problem
from rltcare.registry.importers.reader import MAX_BYTES, read_folder, read_upload
from rltcare.registry.importers.redcap import read_redcap
from rltcare.registry.importers.redcap_layout import RECORD_ID

FORMATS = ("csv", "xlsx", "redcap", "fhir")
_SUFFIX = {"csv": ".csv", "xlsx": ".xlsx", "redcap": ".csv", "fhir": ".json"}


@dataclass
class Source:
    """What was read: tables, file-level problems, and the origin of rows (REDCap, FHIR)."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    origin: Origin | None = None


def detect(files: list[tuple[str, bytes]]) -> str:
    """The format of ``files`` as far as names and first lines tell."""
    names = [n.lower() for n, _ in files]
    if any(n.endswith(".json") for n in names):
        return "fhir"
    if any(n.endswith(".xlsx") for n in names):
        return "xlsx"
    for _, data in files:
        first = data[:200].decode("utf-8-sig", errors="replace").lstrip('"')
        if first.startswith(("Variable / Field Name", RECORD_ID)):
            return "redcap"
    return "csv"


def read_files(
    files: list[tuple[str, bytes]],
    fmt: str | None = None,
    *,
    max_bytes: int = MAX_BYTES,
) -> Source:
    """Read uploaded or local files (name, content) in format ``fmt`` (None: detect it)."""
    fmt = fmt or detect(files)
    if fmt not in FORMATS:
        where = files[0][0] if files else "import"
        reason = f"unknown import format {fmt!r} (use {', '.join(FORMATS)})"
        return Source(problems=[Problem(where, None, None, reason)])
    source = Source()
    for name, data in files:
        if len(data) > max_bytes:
            source.problems.append(
                Problem(name, None, None, f"file is larger than {max_bytes / 1e6:.0f} MB")
            )
        elif not name.lower().endswith(_SUFFIX[fmt]):
            source.problems.append(
                Problem(name, None, None, f"not a {fmt} file (expected a {_SUFFIX[fmt]} file)")
            )
    if source.problems or not files:
        return source if files else Source(problems=[Problem("import", None, None, "no file")])
    if fmt == "fhir":
        if len(files) != 1:
            return Source(problems=[Problem(files[1][0], None, None, "one bundle per import")])
        return Source(*read_fhir(*files[0]))
    if fmt == "redcap":
        return Source(*read_redcap(files))
    for name, data in files:
        frames, problems = read_upload(name, data, max_bytes)
        source.frames.update(frames)
        source.problems += problems
    return source


def read_path(path: Path, fmt: str | None = None, **options) -> Source:
    """A file, or the files of a folder (CSV tables, a REDCap export's two files, ...)."""
    if not path.is_dir():
        return read_files([(path.name, path.read_bytes())], fmt, **options)
    paths = sorted(p for p in path.iterdir() if p.suffix.lower() in set(_SUFFIX.values()))
    fmt = fmt or detect([(p.name, p.read_bytes()[:200]) for p in paths])
    if fmt == "csv":
        return Source(*read_folder(path))
    paths = [p for p in paths if p.suffix.lower() == _SUFFIX.get(fmt, "")]
    return read_files([(p.name, p.read_bytes()) for p in paths], fmt, **options)
