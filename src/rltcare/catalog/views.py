"""Plain listings of catalog records, shared by the CLI, the API and the web pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from rltcare.catalog.loader import Catalog
from rltcare.errors import InputError, UnknownNameError


class _Kind(NamedTuple):
    label: str  # singular, as shown in listings
    records: Callable[[Catalog], Mapping[str, Any]]
    lookup: Callable[[Catalog, str], Any]  # by key, raising InputError when unknown
    name: Callable[[Any], str]


def _by_key(records: Callable[[Catalog], Mapping[str, Any]], label: str):
    def lookup(catalog: Catalog, key: str):
        found = records(catalog)
        if key not in found:
            raise UnknownNameError(label, key, found)
        return found[key]

    return lookup


_KINDS: dict[str, _Kind] = {
    "nuclides": _Kind(
        "nuclide", lambda c: c.nuclides, Catalog.nuclide, lambda n: f"{n.name} ({n.role})"
    ),
    "radiopharmaceuticals": _Kind(
        "radiopharmaceutical",
        lambda c: c.radiopharmaceuticals,
        Catalog.radiopharmaceutical,
        lambda p: p.name,
    ),
    "jurisdictions": _Kind(
        "jurisdiction", lambda c: c.jurisdictions, Catalog.jurisdiction, lambda j: j.name
    ),
    "contact_scenarios": _Kind(
        "contact scenario",
        lambda c: c.contact_scenarios,
        _by_key(lambda c: c.contact_scenarios, "contact scenario"),
        lambda s: s.label,
    ),
    "countries": _Kind("country", lambda c: c.countries, Catalog.country, lambda c: c.name),
    "indications": _Kind(
        "indication", lambda c: c.indications, Catalog.indication, lambda i: i.name
    ),
    "tables": _Kind(
        "table", lambda c: c.tables, Catalog.table, lambda t: t.meta.get("title", t.name)
    ),
}
KINDS = tuple(_KINDS)


def _kinds(kind: str) -> list[str]:
    if kind != "all" and kind not in _KINDS:
        raise UnknownNameError("catalog kind", kind, ("all", *KINDS), field="kind")
    return list(KINDS) if kind == "all" else [kind]


def list_records(catalog: Catalog, kind: str = "all") -> list[dict[str, str]]:
    """One row per record: kind, collection (the plural used by ``kind=``), key, name, source."""
    rows = []
    for name in _kinds(kind):
        spec = _KINDS[name]
        rows += [
            {
                "kind": spec.label,
                "collection": name,
                "key": key,
                "name": spec.name(record),
                "source": record.source,
            }
            for key, record in spec.records(catalog).items()
        ]
    return rows


def describe(catalog: Catalog, key: str, kind: str = "all") -> dict[str, Any]:
    """Every field of the record called ``key``: the first kind that has it, or ``kind``'s.

    Keys can repeat across kinds (``de`` is a jurisdiction and a country); ``also`` lists
    the other kinds that hold the key.
    """
    found: list[tuple[str, Any]] = []
    for name in _kinds(kind):
        try:
            found.append((name, _KINDS[name].lookup(catalog, key)))
        except InputError:
            continue
    if not found:
        known = [k for name in _kinds(kind) for k in _KINDS[name].records(catalog)]
        raise UnknownNameError("catalog record", key, known, field="key")
    name, record = found[0]
    out = {"kind": _KINDS[name].label, **_fields(catalog, name, record)}
    if len(found) > 1:
        out["also"] = [other for other, _ in found[1:]]
    return out


def _fields(catalog: Catalog, kind: str, record: Any) -> dict[str, Any]:
    if kind == "tables":
        return {
            "name": record.name,
            **record.meta,
            "columns": {c: v.tolist() for c, v in record.columns.items()},
        }
    out = record.model_dump(mode="json")
    if kind == "nuclides":
        out["photon_lines"] = [
            line.model_dump(mode="json") for line in catalog.photon_lines.get(record.name, ())
        ]
    return out
