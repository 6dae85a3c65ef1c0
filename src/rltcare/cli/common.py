"""What every command shares: the catalog option, JSON or table output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from rltcare.catalog import Catalog, default_catalog
from rltcare.result import Result

console = Console()

CatalogOption = typer.Option(
    None,
    "--catalog",
    help="Extra catalog file or folder (repeatable); adds to RLTCARE_CATALOG_PATH.",
)
JsonOption = typer.Option(False, "--json", help="Print the result as JSON.")


def catalog_from(paths: list[Path] | None) -> Catalog:
    return default_catalog(paths or ())


def emit(result: Result | dict[str, Any] | list, as_json: bool, title: str = "") -> None:
    """Print ``result`` as JSON or as a two-column table."""
    if as_json:
        data = result.to_dict() if isinstance(result, Result) else result
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    rows = result.summary_rows() if isinstance(result, Result) else list(dict(result).items())
    table = Table(title=title or None, show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for label, value in rows:
        table.add_row(str(label), str(value))
    console.print(table)
