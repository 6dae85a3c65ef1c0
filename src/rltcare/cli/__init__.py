"""The ``rltcare`` command line. Each capability registers its commands from its own module."""

from __future__ import annotations

import sys

import typer

from rltcare import __version__
from rltcare.cli import catalog as catalog_commands
from rltcare.cli import decay, dose_rate, release, serve, simulate, waste
from rltcare.errors import InputError

app = typer.Typer(
    name="rltcare",
    help="Plan, run and study radioligand therapy services.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rltcare {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """rltcare: radioligand therapy planning, radiation safety and outcomes."""


# Each module owns its commands: decay and order; dose-rate; release and restrictions; waste.
for module in (decay, dose_rate, release, waste, serve, simulate):
    module.register(app)
app.add_typer(catalog_commands.app, name="catalog")


def main(argv: list[str] | None = None) -> None:
    """Entry point: bad input is one line on stderr and exit status 2."""
    try:
        app(args=argv, standalone_mode=False)
    except InputError as exc:
        typer.echo(f"error: {exc.one_line()}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2)
        raise
