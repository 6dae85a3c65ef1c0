"""Plain listings of catalog records, shared by the CLI, the API and the web pages."""

from __future__ import annotations

from typing import Any

from rltcare.catalog.loader import Catalog
from rltcare.errors import InputError, UnknownNameError

KINDS = ("nuclides", "radiopharmaceuticals", "jurisdictions", "contact_scenarios", "tables")


def list_records(catalog: Catalog, kind: str = "all") -> list[dict[str, str]]:
    """One row per record: kind, key, name, source."""
    if kind != "all" and kind not in KINDS:
        raise UnknownNameError("catalog kind", kind, ("all", *KINDS), field="kind")
    rows: list[dict[str, str]] = []
    if kind in ("all", "nuclides"):
        rows += [
            {"kind": "nuclide", "key": n.name, "name": f"{n.name} ({n.role})", "source": n.source}
            for n in catalog.nuclides.values()
        ]
    if kind in ("all", "radiopharmaceuticals"):
        rows += [
            {"kind": "radiopharmaceutical", "key": p.id, "name": p.name, "source": p.source}
            for p in catalog.radiopharmaceuticals.values()
        ]
    if kind in ("all", "jurisdictions"):
        rows += [
            {"kind": "jurisdiction", "key": j.id, "name": j.name, "source": j.source}
            for j in catalog.jurisdictions.values()
        ]
    if kind in ("all", "contact_scenarios"):
        rows += [
            {"kind": "contact scenario", "key": c.id, "name": c.label, "source": c.source}
            for c in catalog.contact_scenarios.values()
        ]
    if kind in ("all", "tables"):
        rows += [
            {
                "kind": "table",
                "key": t.name,
                "name": t.meta.get("title", t.name),
                "source": t.source,
            }
            for t in catalog.tables.values()
        ]
    return rows


def describe(catalog: Catalog, key: str) -> dict[str, Any]:
    """Every field of the record called ``key``, whatever its kind."""
    lookups = (
        ("nuclide", catalog.nuclide),
        ("radiopharmaceutical", catalog.radiopharmaceutical),
        ("jurisdiction", catalog.jurisdiction),
        ("contact scenario", lambda key: _lookup(catalog.contact_scenarios, key)),
    )
    for kind, lookup in lookups:
        try:
            record = lookup(key)
        except InputError:
            continue
        out = {"kind": kind, **record.model_dump(mode="json")}
        if kind == "nuclide":
            out["photon_lines"] = [
                line.model_dump(mode="json") for line in catalog.photon_lines.get(record.name, ())
            ]
        return out
    if key in catalog.tables:
        table = catalog.tables[key]
        return {
            "kind": "table",
            "name": table.name,
            **table.meta,
            "columns": {c: v.tolist() for c, v in table.columns.items()},
        }
    known = [
        *catalog.nuclides,
        *catalog.radiopharmaceuticals,
        *catalog.jurisdictions,
        *catalog.tables,
    ]
    raise UnknownNameError("catalog record", key, known, field="key")


def _lookup(records, key: str):
    if key not in records:
        raise UnknownNameError("record", key, records)
    return records[key]
