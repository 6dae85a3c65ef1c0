"""Typed dependencies for route handlers."""

from typing import Annotated

from fastapi import Depends

from rltcare.catalog import Catalog, default_catalog


def get_catalog() -> Catalog:
    return default_catalog()


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
