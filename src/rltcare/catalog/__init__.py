"""Reference data: nuclides, photon lines, radiopharmaceuticals, jurisdictions, tables."""

from rltcare.catalog.jurisdiction import Jurisdiction
from rltcare.catalog.loader import Catalog, default_catalog, load_catalog
from rltcare.catalog.nuclide import Nuclide, PhotonLine, parse_nuclide
from rltcare.catalog.radiopharmaceutical import (
    Radiopharmaceutical,
    RetentionComponent,
    RetentionModel,
)
from rltcare.catalog.table import Table

__all__ = [
    "Catalog",
    "Jurisdiction",
    "Nuclide",
    "PhotonLine",
    "Radiopharmaceutical",
    "RetentionComponent",
    "RetentionModel",
    "Table",
    "default_catalog",
    "load_catalog",
    "parse_nuclide",
]
