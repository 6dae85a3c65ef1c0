"""What every command shares: the catalog option, JSON or table output."""

from __future__ import annotations

import json
import types
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin

import click
import typer
from rich.console import Console
from rich.table import Table

from rltcare.result import Result

if TYPE_CHECKING:
    from rltcare.catalog import Catalog

console = Console()

CatalogOption = typer.Option(
    None,
    "--catalog",
    help="Extra catalog file or folder (repeatable); adds to RLTCARE_CATALOG_PATH.",
)
JsonOption = typer.Option(False, "--json", help="Print the result as JSON.")


def catalog_from(paths: list[Path] | None) -> Catalog:
    from rltcare.catalog import default_catalog  # loaded by the commands that need it

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


#: The help's name for a value of each type (Typer shows the Python type, ``<list[Path]>``).
METAVARS = {str: "TEXT", int: "INTEGER", float: "NUMBER", Path: "PATH", datetime: "DATETIME"}


def metavar(annotation: Any) -> str | None:
    """What the help shows for an option's value: none for a flag, the element for a list
    (``PATH``, repeatable options say so in their help), None to keep Typer's (choices)."""
    if get_origin(annotation) in (Union, types.UnionType):  # X | None
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation)
    if annotation is bool:
        return ""
    return METAVARS.get(annotation)


def plain_metavars(command: click.Command) -> click.Command:
    """Give every option and argument of ``command`` and its subcommands a plain metavar."""
    for param in command.get_params(click.Context(command)):  # with --help
        descriptor = getattr(param, "type_descriptor", None)
        label = metavar(descriptor.annotation) if descriptor else None
        if getattr(param, "is_flag", False):
            label = ""
        if label is None:
            continue
        if param.param_type_name == "argument":  # Typer's arguments ignore metavar in the help
            param.display_type_rich = lambda ctx, label=label: label
        else:
            param.metavar = label
    for sub in getattr(command, "commands", {}).values():
        plain_metavars(sub)
    return command
