"""``rltcare catalog list|show|validate``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from rltcare.catalog import load_catalog
from rltcare.catalog.views import KINDS, describe, list_records
from rltcare.cli.common import CatalogOption, JsonOption, catalog_from, console, emit

app = typer.Typer(
    help="Reference data: nuclides, products, jurisdictions, tables.", no_args_is_help=True
)


@app.command("list")
def list_(
    kind: str = typer.Argument("all", help=f"One of: all, {', '.join(KINDS)}."),
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """List the catalog's records of one kind (or all)."""
    records = list_records(catalog_from(catalog), kind)
    if as_json:
        emit(records, True)
        return
    table = Table("kind", "key", "name", "source")
    for row in records:
        table.add_row(row["kind"], row["key"], row["name"], row["source"][:70])
    console.print(table)


@app.command()
def show(
    key: str = typer.Argument(..., help="A nuclide, product id, jurisdiction id or table name."),
    kind: str = typer.Option("all", "--kind", help=f"Look only in: {', '.join(KINDS)}."),
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """Show one record with every field and its source."""
    emit(describe(catalog_from(catalog), key, kind), as_json)


@app.command()
def validate(
    paths: list[Path] = typer.Argument(
        None, help="Extra files or folders to validate with the catalog."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Load and validate the packaged catalog plus the given files; exit 2 on the first error."""
    loaded = load_catalog(paths or ())
    summary = {
        "valid": True,
        "version": loaded.version,
        "files": len(loaded.files),
        "nuclides": len(loaded.nuclides),
        "photon_line_nuclides": len(loaded.photon_lines),
        "radiopharmaceuticals": len(loaded.radiopharmaceuticals),
        "jurisdictions": len(loaded.jurisdictions),
        "tables": len(loaded.tables),
    }
    emit(summary, as_json)
