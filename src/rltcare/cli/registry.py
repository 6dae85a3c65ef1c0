"""``rltcare registry ...``: set up, fill, check and back up the real-world-data registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from rltcare.cli.common import JsonOption, emit
from rltcare.errors import InputError

if TYPE_CHECKING:  # SQLAlchemy and settings load when a registry command runs
    from rltcare.settings import Settings

registry_app = typer.Typer(
    help="The real-world-data registry (database in RLTCARE_DATA_DIR or RLTCARE_DATABASE_URL).",
    no_args_is_help=True,
)
users_app = typer.Typer(
    help="Accounts: add, list, issue API tokens, deactivate, reactivate.", no_args_is_help=True
)
registry_app.add_typer(users_app, name="users")


def _engine():
    from rltcare.registry.db import make_engine
    from rltcare.settings import Settings

    return make_engine(Settings())


def _session(engine):
    from rltcare.registry.db import make_sessionmaker

    return make_sessionmaker(engine)()


def _migrated():
    from rltcare.registry import migrate

    engine = _engine()
    if migrate.current(engine) != migrate.head():
        raise InputError(
            "the registry database is not initialised or not up to date",
            hint="run `rltcare registry init` or `rltcare registry migrate`",
        )
    return engine


@registry_app.command()
def init(as_json: bool = JsonOption) -> None:
    """Create the registry's tables (or bring them up to date)."""
    from rltcare.registry import migrate

    engine = _engine()
    migrate.upgrade(engine)
    emit(
        {
            "database": engine.url.render_as_string(hide_password=True),
            "revision": migrate.current(engine),
        },
        as_json,
    )


@registry_app.command()
def migrate(
    revision: str = typer.Option(
        "head", help="Target revision; 'base' removes every registry table."
    ),
    downgrade: bool = typer.Option(False, help="Go down to --revision instead of up."),
    as_json: bool = JsonOption,
) -> None:
    """Upgrade (or downgrade) the schema with the packaged Alembic migrations."""
    from rltcare.registry import migrate as migrations

    engine = _engine()
    before = migrations.current(engine)
    (migrations.downgrade if downgrade else migrations.upgrade)(engine, revision)
    emit({"from": before, "to": migrations.current(engine)}, as_json)


@registry_app.command()
def demo(
    patients: int = typer.Option(600, min=1, help="Number of synthetic patients."),
    centres: int = typer.Option(5, min=1, max=7, help="Number of centres."),
    seed: int = typer.Option(1, help="Random seed."),
    if_empty: bool = typer.Option(
        False, "--if-empty", help="Do nothing if the registry has patients."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Load a synthetic multi-centre Lu-PSMA / Lu-DOTATATE cohort and demo accounts."""
    from sqlalchemy import select

    from rltcare.registry import migrate
    from rltcare.registry.demo import DEMO_PASSWORD, load_demo
    from rltcare.registry.models import Patient

    engine = _engine()
    migrate.upgrade(engine)
    with _session(engine) as session:
        if if_empty and session.scalar(select(Patient.id).limit(1)) is not None:
            emit({"loaded": False, "reason": "the registry already has patients"}, as_json)
            return
        report, accounts = load_demo(session=session, patients=patients, centres=centres, seed=seed)
    result = {
        "rows": report.rows,
        "password": DEMO_PASSWORD,
        "accounts": {u: f"{r} {' '.join(c)}".strip() for u, r, c in accounts},
    }
    if as_json:
        emit(result, True)
        return
    emit(report.rows, False, title="Demo data loaded")
    typer.echo(f"Demo accounts (password '{DEMO_PASSWORD}', for local demos only):")
    for username, role, codes in accounts:
        typer.echo(f"  {username:<14} {role} {' '.join(codes)}")


@users_app.command("add")
def users_add(
    username: str,
    role: str = typer.Option(
        ..., help="administrator, centre-editor, centre-viewer, analyst or auditor."
    ),
    centre: list[str] = typer.Option([], help="Centre code (repeatable) for centre roles."),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, envvar="RLTCARE_NEW_PASSWORD"
    ),
    as_json: bool = JsonOption,
) -> None:
    """Add an account (the password is stored as an argon2id hash)."""
    from rltcare.registry import auth
    from rltcare.registry.access import SYSTEM

    with _session(_migrated()) as session:
        user = auth.create_user(
            session=session,
            actor=SYSTEM,
            username=username,
            password=password,
            role=role,
            centres=centre,
        )
        emit(
            {
                "username": user.username,
                "role": user.role,
                "centres": sorted(c.code for c in user.centres),
            },
            as_json,
        )


@users_app.command("list")
def users_list(as_json: bool = JsonOption) -> None:
    """Every account with its role and centres."""
    from sqlalchemy import select

    from rltcare.registry.accounts import User

    with _session(_migrated()) as session:
        users = session.scalars(select(User).order_by(User.username)).all()
        rows = [
            {
                "username": u.username,
                "role": u.role,
                "centres": " ".join(sorted(c.code for c in u.centres)),
                "active": u.active,
            }
            for u in users
        ]
    if as_json:
        emit(rows, True)
    else:
        emit(
            {
                r["username"]: f"{r['role']} {r['centres']}".strip()
                + ("" if r["active"] else " (deactivated)")
                for r in rows
            },
            False,
        )


@users_app.command("token")
def users_token(
    username: str,
    name: str = typer.Option("api", help="A label for the token."),
    as_json: bool = JsonOption,
) -> None:
    """Issue an API bearer token (shown once; only its hash is stored)."""
    from sqlalchemy import select

    from rltcare.registry import auth
    from rltcare.registry.accounts import User

    with _session(_migrated()) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise InputError(f"no user '{username}'", field="username")
        emit(
            {
                "username": username,
                "token": auth.issue_token(session=session, user=user, name=name),
            },
            as_json,
        )


FormatOption = typer.Option(
    None, "--format", help="csv, xlsx, redcap or fhir (default: told from the files)."
)


def _rejected(exc, as_json: bool):
    if as_json:
        emit(exc.to_problem(), True)
    elif len(exc.problems) > 1:  # one problem is the error line itself
        for problem in exc.problems:
            typer.echo(f"  {problem}", err=True)
    return exc


@registry_app.command("import")
def import_(
    path: Path = typer.Argument(
        ...,
        help="A folder of <table>.csv files, a CSV file, an .xlsx workbook, a REDCap records "
        "export (with --dictionary, or a folder holding both) or a FHIR bundle (.json).",
    ),
    fmt: str | None = FormatOption,
    dictionary: Path | None = typer.Option(
        None, "--dictionary", help="The REDCap data dictionary of a records export given as PATH."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Check everything and show what would be added."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Import files in any format: all rows or none; each problem with where it is and why."""
    from rltcare.registry.access import SYSTEM
    from rltcare.registry.importers import ImportRejectedError, import_tables
    from rltcare.registry.importers.sources import read_files, read_path

    for given in (path, dictionary):
        if given is not None and not given.exists():
            raise InputError(f"{given} does not exist", file=str(given))
    if dictionary is not None:
        pair = [(p.name, p.read_bytes()) for p in (path, dictionary)]
        source = read_files(pair, fmt or "redcap")
    else:
        source = read_path(path, fmt)
    if source.problems:  # files that cannot be read are rejected before any value is checked
        raise _rejected(ImportRejectedError(source.problems), as_json)
    with _session(_migrated()) as session:
        try:
            report = import_tables(
                session=session,
                caller=SYSTEM,
                frames=source.frames,
                dry_run=dry_run,
                origin=source.origin,
            )
        except ImportRejectedError as exc:
            raise _rejected(exc, as_json) from None
    emit(
        report.to_dict()
        if as_json
        else {("would add " if dry_run else "added ") + t: n for t, n in report.rows.items()},
        as_json,
    )


def _counts(frames, fmt: str, files: dict[str, bytes]) -> dict[str, int]:
    """Rows per written file (per sheet of a workbook, entries of a bundle)."""
    if fmt in ("csv", "parquet"):
        return {name: len(frames[name.rsplit(".", 1)[0]]) for name in files}
    if fmt == "xlsx":
        return {f"{name} sheet {t}": len(f) for name in files for t, f in frames.items()}
    if fmt == "fhir":
        return {name: len(json.loads(content)["entry"]) for name, content in files.items()}
    import io

    import pandas as pd

    return {
        name: len(pd.read_csv(io.BytesIO(content), dtype=str)) for name, content in files.items()
    }


@registry_app.command()
def export(
    folder: Path,
    fmt: str = typer.Option(
        "csv",
        "--format",
        help="csv, xlsx or redcap (each re-importable), parquet, or fhir (R4 bundle, mCODE).",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Export every clinical table (CSV, Parquet, Excel, REDCap project or FHIR bundle)."""
    from rltcare.registry.access import SYSTEM
    from rltcare.registry.exporters import FORMATS, export_files, export_frames

    if fmt not in FORMATS:
        raise InputError(
            f"unknown format '{fmt}'", field="format", hint=f"use {', '.join(FORMATS)}"
        )
    with _session(_migrated()) as session:
        frames = export_frames(session=session, caller=SYSTEM)
    files = export_files(frames, fmt)
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    emit(_counts(frames, fmt, files), as_json)


@registry_app.command()
def backup(path: Path, as_json: bool = JsonOption) -> None:
    """Write every table (accounts and audit trail included) to a zip file."""
    from rltcare.registry.backup import backup as run

    emit(run(_migrated(), path), as_json, title=f"Backup {path}")


@registry_app.command()
def restore(path: Path, as_json: bool = JsonOption) -> None:
    """Restore a backup into an empty registry (run `registry init` first)."""
    from rltcare.registry.backup import restore as run

    if not path.is_file():
        raise InputError(f"{path} is not a file", file=str(path))
    emit(run(_migrated(), path), as_json, title=f"Restored {path}")


@registry_app.command("verify-audit")
def verify_audit(as_json: bool = JsonOption) -> None:
    """Check the audit hash chain and that every row matches its last audit entry."""
    from rltcare.registry.audit import verify

    with _migrated().connect() as connection:
        result = verify(connection)
    emit(
        {
            "ok": result.ok,
            "entries": result.entries,
            "rows": result.rows,
            "problems": result.problems,
        },
        as_json,
    )
    if not result.ok:
        raise typer.Exit(1)


@registry_app.command()
def template(
    fmt: str = typer.Option(
        "markdown", "--format", help="markdown, or redcap (the REDCap data dictionary as CSV)."
    ),
) -> None:
    """Print the import template (columns of every table's file) or the REDCap dictionary."""
    if fmt == "redcap":
        from rltcare.registry.importers.redcap_layout import dictionary

        typer.echo(dictionary().to_csv(index=False), nl=False)
        return
    if fmt != "markdown":
        raise InputError(f"unknown format '{fmt}'", field="format", hint="use markdown or redcap")
    from rltcare.registry.importers.template import describe_template

    typer.echo(describe_template())


def ensure_demo(settings: Settings) -> None:
    """On first start of the embedded database: migrate, load the demo cohort, print accounts."""
    from sqlalchemy import select

    from rltcare.registry import migrate
    from rltcare.registry.db import make_engine
    from rltcare.registry.demo import DEMO_PASSWORD, load_demo
    from rltcare.registry.models import Patient

    engine = make_engine(settings)
    migrate.upgrade(engine)
    if settings.database_url:  # a shared database is never filled with demo data
        return
    with _session(engine) as session:
        if session.scalar(select(Patient.id).limit(1)) is not None:
            return
        typer.echo("Loading the synthetic demo cohort into the registry (first start) ...")
        _, accounts = load_demo(session=session)
    typer.echo(f"Registry demo accounts at /registry (password '{DEMO_PASSWORD}'):")
    for username, role, codes in accounts:
        typer.echo(f"  {username:<14} {role} {' '.join(codes)}")


def register(app: typer.Typer) -> None:
    from rltcare.cli import registry_accounts

    registry_accounts.register(registry_app, users_app)
    app.add_typer(registry_app, name="registry")
