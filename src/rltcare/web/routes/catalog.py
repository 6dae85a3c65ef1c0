"""Catalog: ``GET /api/v1/catalog/{kind}``, ``GET /api/v1/catalog/record/{key}`` and pages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from rltcare.catalog.views import describe, list_records
from rltcare.web.catalog_view import record_view
from rltcare.web.deps import CatalogDep
from rltcare.web.templating import render

api = APIRouter(prefix="/api/v1/catalog", tags=["catalog"])
pages = APIRouter(include_in_schema=False)


@api.get("/record/{key}", operation_id="catalog_record")
def record(key: str, catalog: CatalogDep, kind: str = "all") -> dict[str, Any]:
    """Every field of one record (nuclide, product id, jurisdiction id, country, table, ...).

    ``kind`` (e.g. ``countries``) picks one kind where a key repeats across kinds."""
    return describe(catalog, key, kind)


@api.get("/{kind}", operation_id="catalog_list")
def listing(kind: str, catalog: CatalogDep) -> list[dict[str, str]]:
    """Records of one kind: ``all``, ``nuclides``, ``radiopharmaceuticals``, ``jurisdictions``, ``tables``."""
    return list_records(catalog, kind)


@pages.get("/catalog")
def catalog_page(request: Request, catalog: CatalogDep):
    return render(request, "catalog.html", {"rows": list_records(catalog), "catalog": catalog})


@pages.get("/catalog/{key}")
def record_page(request: Request, key: str, catalog: CatalogDep, kind: str = "all"):
    record = describe(catalog, key, kind)
    context = {"record": record, "view": record_view(record), "kind": kind}
    return render(request, "catalog_record.html", context)
