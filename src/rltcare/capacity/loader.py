"""Read a scenario from TOML (or a dict) and turn every problem into one InputError.

The message names the file, the key (``indication[0].interval``) and the problem;
the JSON Schema lets editors check a scenario as it is typed.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rltcare.capacity.scenario import Scenario
from rltcare.errors import InputError, readable_message


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (TOML)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the scenario: {exc.strerror}", file=str(path)) from None
    return loads_scenario(text, file=str(path))


def loads_scenario(text: str, *, file: str | None = None) -> Scenario:
    """Validate a scenario given as TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=file) from None
    return scenario_from_dict(data, file=file)


def scenario_from_dict(data: dict[str, Any], *, file: str | None = None) -> Scenario:
    """Validate a scenario given as plain data; errors name ``file`` and the key."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise _input_error(exc, file) from None


def _input_error(exc: ValidationError, file: str | None) -> InputError:
    error = exc.errors()[0]
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, InputError):
        cause.file = file
        return cause
    field = key_path(error["loc"])
    message = readable_message(error)
    if error["type"] == "extra_forbidden":
        message = "is not a known key (check its spelling)"
    value = error.get("input") if error["type"] != "missing" else None
    if isinstance(value, dict | list):
        value = None
    return InputError(message, file=file, field=field or None, value=value)


def key_path(loc: tuple) -> str:
    """('indication', 0, 'interval') → 'indication[0].interval' (pydantic's own tags dropped)."""
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in ("function-after", "tagged-union") or "[" in str(item):
            continue
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (as editors use it for TOML via taplo/Even Better TOML)."""
    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "rltcare capacity scenario"
    return schema


def dump_json_schema(path: str | Path) -> None:
    Path(path).write_text(json.dumps(scenario_json_schema(), indent=2), encoding="utf-8")
