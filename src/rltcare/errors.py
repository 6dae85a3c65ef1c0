"""Errors that carry what was wrong, where, and how to fix it.

Every layer validates its input once, at its boundary, and raises an
:class:`InputError` (a ``ValueError``) naming the file, row, line or field. The
CLI prints :meth:`InputError.one_line` and exits with status 2; the API answers
422 with :meth:`InputError.to_problem` (RFC 9457).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


class InputError(ValueError):
    """Bad input, with its location and a hint."""

    title = "Invalid input"
    type_slug = "invalid-input"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        file: str | None = None,
        row: int | None = None,
        line: int | None = None,
        value: Any = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.file = str(file) if file is not None else None
        self.row = row
        self.line = line
        self.value = value
        self.hint = hint

    @property
    def location(self) -> str:
        """Where the problem is, as ``file, row 3, line 7, field 'x'``."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def one_line(self) -> str:
        """The whole error on one line, as the CLI prints it."""
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def __str__(self) -> str:
        return self.one_line()

    def to_problem(self, status: int = 422) -> dict[str, Any]:
        """An RFC 9457 problem document."""
        problem: dict[str, Any] = {
            "type": f"https://rltcare.org/problems/{self.type_slug}",
            "title": self.title,
            "status": status,
            "detail": self.message,
        }
        for key in ("field", "file", "row", "line", "hint"):
            if getattr(self, key) is not None:
                problem[key] = getattr(self, key)
        if self.value is not None:
            problem["value"] = str(self.value)
        return problem


def field_path(loc: tuple[Any, ...]) -> str:
    """A pydantic error location as ``criteria[2].limit``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# Units named by an identifier's suffix, so that "must be at least 0" reads with its unit.
_SUFFIX_UNITS = {
    "_mbq": "MBq",
    "_h": "h",
    "_m": "m",
    "_m2": "m²",
    "_kg": "kg",
    "_msv": "mSv",
    "_usv_h": "µSv/h",
    "_bq_g": "Bq/g",
    "_days": "days",
    "_weeks": "weeks",
    "_pct": "%",
}


def _with_unit(field: str, bound: Any) -> str:
    unit = next((u for suffix, u in _SUFFIX_UNITS.items() if field.endswith(suffix)), "")
    return f"{bound:g} {unit}".strip() if isinstance(bound, int | float) else f"{bound} {unit}"


def readable_message(error: dict[str, Any]) -> str:
    """One of pydantic's errors in words a clinician or physicist reads without a manual.

    An :class:`InputError` raised inside a validator (a quantity with no unit, say)
    keeps its own message; pydantic's generic texts ("Input should be greater than or
    equal to 1", "Field required") are rephrased, with the unit a field's name carries.
    """
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, InputError):
        return cause.message
    field = str(error["loc"][-1]) if error.get("loc") else ""
    ctx = error.get("ctx", {})
    kind = error["type"]
    bounds = {
        "greater_than_equal": ("must be at least", "ge"),
        "greater_than": ("must be more than", "gt"),
        "less_than_equal": ("must be at most", "le"),
        "less_than": ("must be less than", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"{words} {_with_unit(field, ctx[key])}"
    texts = {
        "missing": "is required",
        "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "float_parsing": "must be a number",
        "string_too_short": "must not be empty",
        "bool_parsing": "must be yes or no (true/false)",
        "timezone_aware": "needs a time zone, e.g. 2026-12-01T10:00+01:00",
        "datetime_from_date_parsing": "must be a date and time, e.g. 2026-12-01T10:00+01:00",
        "datetime_parsing": "must be a date and time, e.g. 2026-12-01T10:00+01:00",
    }
    if kind in texts:
        return texts[kind]
    if kind == "too_short":
        return f"give at least {ctx.get('min_length', 1)}"
    return str(error["msg"]).removeprefix("Value error, ")


def from_validation_errors(
    errors: list[dict[str, Any]], prefix: str = "", **where: Any
) -> InputError:
    """The most useful of pydantic's errors as an :class:`InputError`.

    A mistyped name (an unknown field close to a missing one) beats the pair of
    "missing" and "extra" errors that pydantic reports for it; otherwise the first
    error, with a count of the others.
    """
    cls = where.pop("cls", InputError)
    lead = f"{prefix}: " if prefix else ""
    missing = {field_path(tuple(e["loc"])): e for e in errors if e["type"] == "missing"}
    for error in errors:
        if error["type"] == "extra_forbidden":
            name = field_path(tuple(error["loc"]))
            close = difflib.get_close_matches(name, missing, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            return cls(f"{lead}unknown field '{name}'{hint}", field=name, **where)
    first = errors[0]
    name = field_path(tuple(first["loc"]))
    cause = first.get("ctx", {}).get("error")
    message = readable_message(first)
    if isinstance(cause, InputError) and cause.hint:
        where.setdefault("hint", cause.hint)
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    value = first.get("input") if name and first["type"] != "missing" else None
    return cls(f"{lead}{message}", field=name or None, value=value, **where)


class UnitError(InputError):
    """A quantity with a missing, unknown or mismatched unit."""

    title = "Invalid quantity"
    type_slug = "invalid-quantity"


class CatalogError(InputError):
    """A catalog data file that is missing, malformed or inconsistent."""

    title = "Invalid catalog data"
    type_slug = "invalid-catalog"


class UnknownNameError(InputError):
    """A name (nuclide, product, jurisdiction, ...) that the catalog does not hold."""

    title = "Unknown name"
    type_slug = "unknown-name"

    def __init__(self, kind: str, name: str, known: Iterable[str], **kwargs: Any) -> None:
        known = sorted(set(known))
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        if not close:
            lowered = {k.lower(): k for k in known}
            close = [lowered[k] for k in difflib.get_close_matches(name.lower(), lowered, n=3)]
        hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(known)}"
        kwargs.setdefault("hint", hint)
        super().__init__(f"unknown {kind} '{name}'", value=name, **kwargs)
        self.suggestions = close


class NotAchievableError(InputError):
    """A goal that cannot be met within the limits of the model (e.g. never dischargeable)."""

    title = "Not achievable"
    type_slug = "not-achievable"
