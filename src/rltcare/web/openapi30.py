"""The API's OpenAPI 3.1 document rewritten as OpenAPI 3.0, for the bundled Swagger UI.

``swagger-ui-bundle`` (the installed package that serves /docs without a CDN) ships
Swagger UI 4, which refuses any document that is not ``openapi: 3.0.x``. FastAPI writes
3.1, whose JSON-Schema differences are few: ``null`` as a type instead of ``nullable``,
``examples`` lists in schemas, numeric ``exclusiveMinimum``/``exclusiveMaximum`` and
``const``. The published document (/api/v1/openapi.json) stays 3.1; only the UI reads this.
"""

from __future__ import annotations

from typing import Any

NULL = {"type": "null"}


def to_openapi30(document: dict[str, Any]) -> dict[str, Any]:
    """A 3.0 copy of a 3.1 document (the input is not changed)."""
    converted = _convert(document, in_schema=False)
    converted["openapi"] = "3.0.3"
    return converted


def _convert(node: Any, *, in_schema: bool) -> Any:
    if isinstance(node, list):
        return [_convert(item, in_schema=in_schema) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        key: _convert(value, in_schema=in_schema or key in ("schema", "schemas"))
        for key, value in node.items()
    }
    if not in_schema:
        return out
    for keyword in ("anyOf", "oneOf"):
        options = out.get(keyword)
        if isinstance(options, list) and NULL in options:
            rest = [option for option in options if option != NULL]
            out.pop(keyword)
            out.update(rest[0] if len(rest) == 1 else {keyword: rest})
            out["nullable"] = True
    if isinstance(out.get("examples"), list) and out["examples"]:
        out["example"] = out.pop("examples")[0]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), int | float) and not isinstance(out[bound], bool):
            out[plain] = out[bound]
            out[bound] = True
    if "const" in out:
        out["enum"] = [out.pop("const")]
    return out
