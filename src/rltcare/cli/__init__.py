"""The ``rltcare`` command line. Each capability registers its commands from its own module."""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError

from rltcare import __version__
from rltcare.cli import (
    assess,
    decay,
    dose_rate,
    economics,
    outcomes,
    registry,
    release,
    serve,
    simulate,
    waste,
)
from rltcare.cli import catalog as catalog_commands
from rltcare.cli import national as national_commands
from rltcare.cli.common import plain_metavars
from rltcare.errors import InputError, from_validation_errors

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
for module in (decay, dose_rate, release, waste, simulate, assess, outcomes, economics, serve):
    module.register(app)
registry.register(app)  # the `registry` command group
app.add_typer(catalog_commands.app, name="catalog")
national_commands.register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: bad input (and a usage error) is one line on stderr and exit status 2."""
    try:
        command = plain_metavars(typer.main.get_command(app))
        status = command.main(args=argv, prog_name="rltcare", standalone_mode=False)
    except ValidationError as exc:  # an option that passed Typer but not an engine's model
        _fail(from_validation_errors(exc.errors()).one_line())
    except InputError as exc:
        _fail(exc.one_line())
    except typer.Abort:
        _fail("aborted", status=1)
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument, ...
        message = exc.format_message()
        if not message:  # no arguments at all: the help was shown
            sys.exit(0)
        _fail(f"{message} (see --help)", getattr(exc, "exit_code", 2))
    sys.exit(status if isinstance(status, int) else 0)


def _fail(message: str, status: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    sys.exit(status)
