"""Load the packaged catalog and a user's extra files into one validated :class:`Catalog`.

Every data file says what it holds: TOML files in ``[meta] kind = "..."``, CSV files
in a leading comment ``# kind: ...``. The packaged files are read first, then each
path in ``RLTCARE_CATALOG_PATH`` (separated by ``os.pathsep``) or given with
``--catalog``: a folder (read recursively) or a single file. A user's record with
the same key as a packaged one replaces it; photon lines for a nuclide are
replaced as a whole. Any error names the file, the record and the field.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import numpy as np
from pydantic import BaseModel, ValidationError

from rltcare.catalog.country import Country, Indication
from rltcare.catalog.jurisdiction import ContactScenario, Jurisdiction
from rltcare.catalog.nuclide import Nuclide, PhotonLine, parse_nuclide
from rltcare.catalog.radiopharmaceutical import Radiopharmaceutical
from rltcare.catalog.table import Table
from rltcare.errors import CatalogError, InputError, UnknownNameError, from_validation_errors

ENV_VAR = "RLTCARE_CATALOG_PATH"

# TOML kinds: kind → (model, array-of-tables key or None for one record per file, key field)
_TOML_KINDS: dict[str, tuple[type[BaseModel], str | None, str]] = {
    "nuclides": (Nuclide, "nuclide", "name"),
    "radiopharmaceuticals": (Radiopharmaceutical, "radiopharmaceutical", "id"),
    "jurisdiction": (Jurisdiction, None, "id"),
    "contact_patterns": (ContactScenario, "scenario", "id"),
    "country": (Country, None, "id"),
    "indications": (Indication, "indication", "id"),
}


@dataclass(frozen=True)
class Catalog:
    """Validated reference data, looked up by canonical name or id."""

    nuclides: Mapping[str, Nuclide]
    photon_lines: Mapping[str, tuple[PhotonLine, ...]]
    radiopharmaceuticals: Mapping[str, Radiopharmaceutical]
    jurisdictions: Mapping[str, Jurisdiction]
    tables: Mapping[str, Table]
    files: tuple[str, ...] = ()
    version: str = ""
    meta: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    contact_scenarios: Mapping[str, ContactScenario] = field(default_factory=dict)
    countries: Mapping[str, Country] = field(default_factory=dict)
    indications: Mapping[str, Indication] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"Catalog(version={self.version!r}, nuclides={len(self.nuclides)}, "
            f"radiopharmaceuticals={len(self.radiopharmaceuticals)}, "
            f"jurisdictions={len(self.jurisdictions)}, files={len(self.files)})"
        )

    def nuclide(self, name: str) -> Nuclide:
        try:
            canonical = parse_nuclide(name)
        except InputError:
            canonical = name
        if canonical not in self.nuclides:
            raise UnknownNameError("nuclide", str(name), self.nuclides, field="nuclide")
        return self.nuclides[canonical]

    def radiopharmaceutical(self, key: str) -> Radiopharmaceutical:
        """By id (``lu177-psma-617``) or by name (``[177Lu]Lu-PSMA-617``), case-insensitive."""
        wanted = key.strip().lower()
        for product in self.radiopharmaceuticals.values():
            if wanted in (product.id, product.name.lower()):
                return product
        raise UnknownNameError("product", key, self.radiopharmaceuticals, field="product")

    def jurisdiction(self, key: str) -> Jurisdiction:
        wanted = key.strip().lower()
        if wanted not in self.jurisdictions:
            raise UnknownNameError("jurisdiction", key, self.jurisdictions, field="jurisdiction")
        return self.jurisdictions[wanted]

    def lines(self, nuclide: str) -> tuple[np.ndarray, np.ndarray]:
        """Photon energies (keV) and yields per decay of ``nuclide`` (empty if none listed)."""
        lines = self.photon_lines.get(self.nuclide(nuclide).name, ())
        return (
            np.array([line.energy_kev for line in lines], dtype=float),
            np.array([line.yield_per_decay for line in lines], dtype=float),
        )

    def country(self, key: str) -> Country:
        wanted = key.strip().lower()
        if wanted not in self.countries:
            raise UnknownNameError("country", key, self.countries, field="country")
        return self.countries[wanted]

    def indication(self, key: str) -> Indication:
        wanted = key.strip().lower()
        if wanted not in self.indications:
            raise UnknownNameError("indication", key, self.indications, field="indication")
        return self.indications[wanted]

    def table(self, name: str) -> Table:
        if name not in self.tables:
            raise UnknownNameError("table", name, self.tables, field="table")
        return self.tables[name]


def packaged_data_dir() -> Path:
    return Path(str(resources.files("rltcare.catalog") / "data"))


def user_paths(extra: Iterable[str | os.PathLike] | None = None) -> list[Path]:
    """Paths from ``RLTCARE_CATALOG_PATH`` followed by ``extra``."""
    paths = [Path(p) for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p.strip()]
    paths += [Path(p) for p in extra or ()]
    for path in paths:
        if not path.exists():
            raise CatalogError(
                f"catalog path does not exist: {path}",
                file=str(path),
                hint=f"check {ENV_VAR} or --catalog",
            )
    return paths


def load_catalog(extra: Iterable[str | os.PathLike] | None = None) -> Catalog:
    """The packaged catalog plus ``RLTCARE_CATALOG_PATH`` and ``extra`` files or folders."""
    files = _data_files(packaged_data_dir())
    for path in user_paths(extra):
        files += _data_files(path) if path.is_dir() else [path]
    builder = _Builder()
    for path in files:
        builder.add_file(path)
    return builder.build()


@lru_cache(maxsize=8)
def _cached(extra: tuple[str, ...], env: str) -> Catalog:
    return load_catalog(extra)


def default_catalog(extra: Iterable[str | os.PathLike] | None = None) -> Catalog:
    """The catalog, loaded on first use and cached per set of extra paths."""
    return _cached(tuple(str(p) for p in extra or ()), os.environ.get(ENV_VAR, ""))


def _data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".toml", ".csv") and p.is_file())


class _Builder:
    def __init__(self) -> None:
        self.records: dict[str, dict[str, BaseModel]] = {kind: {} for kind in _TOML_KINDS}
        self.lines: dict[str, list[PhotonLine]] = {}
        self.tables: dict[str, Table] = {}
        self.meta: dict[str, dict[str, str]] = {}
        self.files: list[str] = []
        self.digest = hashlib.sha256()

    def add_file(self, path: Path) -> None:
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogError(f"cannot read catalog file: {exc}", file=str(path)) from None
        self.digest.update(path.name.encode() + raw)
        self.files.append(str(path))
        if path.suffix == ".toml":
            self._add_toml(path, text)
        elif path.suffix == ".csv":
            self._add_csv(path, text)
        else:
            raise CatalogError("catalog files must be .toml or .csv", file=str(path))

    def _add_toml(self, path: Path, text: str) -> None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError(f"not valid TOML: {exc}", file=str(path)) from None
        meta = data.pop("meta", None)
        if not isinstance(meta, dict) or meta.get("kind") not in _TOML_KINDS:
            raise CatalogError(
                "the file does not say what it holds",
                file=str(path),
                field="meta.kind",
                hint=f"add [meta] kind = one of {', '.join(sorted(_TOML_KINDS))}",
            )
        kind = meta["kind"]
        self.meta[str(path)] = {k: str(v) for k, v in meta.items()}
        model, array_key, key_field = _TOML_KINDS[kind]
        if array_key is None:
            items = [(None, data)]
        else:
            found = data.get(array_key)
            if not isinstance(found, list):
                raise CatalogError(
                    f"expected [[{array_key}]] records", file=str(path), field=array_key
                )
            items = list(enumerate(found))
        for index, item in items:
            prefix = array_key if index is None else f"{array_key}[{index}]"
            record = self._validate(model, item, path, prefix or kind, key_field)
            self.records[kind][getattr(record, key_field)] = record

    def _add_csv(self, path: Path, text: str) -> None:
        meta: dict[str, str] = {}
        body: list[str] = []
        first_data_line = 0
        for number, line in enumerate(text.splitlines(), start=1):
            if line.startswith("#") and not body:
                key, _, value = line[1:].partition(":")
                meta[key.strip().lower()] = value.strip()
                first_data_line = number + 1
            elif line.strip():
                body.append(line)
        kind = meta.get("kind", "")
        self.meta[str(path)] = meta
        reader = csv.DictReader(io.StringIO("\n".join(body)))
        rows = list(reader)
        if kind == "photon_lines":
            self._add_photon_lines(path, rows, first_data_line)
        elif kind.startswith("table "):
            self._add_table(
                path, kind.split(None, 1)[1], reader.fieldnames or [], rows, meta, first_data_line
            )
        else:
            raise CatalogError(
                "the file does not say what it holds",
                file=str(path),
                field="kind",
                hint="start it with '# kind: photon_lines' or '# kind: table NAME'",
            )

    def _add_photon_lines(self, path: Path, rows: list[dict], header_line: int) -> None:
        replaced: set[str] = set()
        for index, row in enumerate(rows, start=1):
            line = self._validate(
                PhotonLine, row, path, "photon line", None, row=index, line=header_line + index
            )
            if line.nuclide not in replaced:  # a file's lines for a nuclide replace earlier ones
                self.lines[line.nuclide] = []
                replaced.add(line.nuclide)
            self.lines[line.nuclide].append(line)

    def _add_table(
        self,
        path: Path,
        name: str,
        columns: list[str],
        rows: list[dict],
        meta: dict[str, str],
        header_line: int,
    ) -> None:
        numeric = [c for c in columns if c != "source"]
        values: dict[str, list[float]] = {c: [] for c in numeric}
        for index, row in enumerate(rows, start=1):
            for column in numeric:
                try:
                    values[column].append(float(row[column]))
                except (TypeError, ValueError):
                    raise CatalogError(
                        f"expected a number, got {row[column]!r}",
                        file=str(path),
                        row=index,
                        line=header_line + index,
                        field=column,
                    ) from None
        if "source" not in meta:
            raise CatalogError("a table needs a '# source:' line", file=str(path), field="source")
        self.tables[name] = Table(
            name, {c: np.array(v) for c, v in values.items()}, meta, str(path)
        )

    @staticmethod
    def _validate(model, item, path, prefix, key_field, row=None, line=None):
        try:
            return model.model_validate(item)
        except ValidationError as exc:
            key = item.get(key_field) if key_field and isinstance(item, dict) else None
            where = f"{prefix} '{key}'" if key else prefix
            raise from_validation_errors(
                exc.errors(), where, cls=CatalogError, file=str(path), row=row, line=line
            ) from None

    def build(self) -> Catalog:
        lines = {name: tuple(lines) for name, lines in self.lines.items()}
        catalog = Catalog(
            nuclides=MappingProxyType(dict(self.records["nuclides"])),
            photon_lines=MappingProxyType(lines),
            radiopharmaceuticals=MappingProxyType(dict(self.records["radiopharmaceuticals"])),
            jurisdictions=MappingProxyType(dict(self.records["jurisdiction"])),
            tables=MappingProxyType(dict(self.tables)),
            files=tuple(self.files),
            version=self.digest.hexdigest()[:12],
            meta=MappingProxyType(self.meta),
            contact_scenarios=MappingProxyType(dict(self.records["contact_patterns"])),
            countries=MappingProxyType(dict(self.records["country"])),
            indications=MappingProxyType(dict(self.records["indications"])),
        )
        _check_references(catalog)
        return catalog


def _check_references(catalog: Catalog) -> None:
    """Every product's nuclide, impurity and photon-line nuclide is a catalog nuclide."""
    for product in catalog.radiopharmaceuticals.values():
        for name in (product.nuclide, *product.impurities):
            if name not in catalog.nuclides:
                raise CatalogError(
                    f"radiopharmaceutical '{product.id}' uses nuclide {name}, which is not in "
                    "the catalog",
                    field="nuclide",
                    hint="add it to a nuclides file",
                )
    for name in catalog.photon_lines:
        if name not in catalog.nuclides:
            raise CatalogError(f"photon lines given for unknown nuclide {name}", field="nuclide")
