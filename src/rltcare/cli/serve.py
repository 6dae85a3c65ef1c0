"""``rltcare serve``: the web application, in one or several worker processes."""

from __future__ import annotations

import os

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option(None, help="Address to listen on (default 127.0.0.1)."),
        port: int = typer.Option(None, help="Port (default 8000)."),
        workers: int = typer.Option(
            1,
            min=1,
            max=64,
            help="Worker processes (uvicorn). One per core serves pages in parallel.",
        ),
    ) -> None:
        """Serve the web application and its JSON API (/api/v1, documented at /docs)."""
        import uvicorn

        from rltcare.cli.registry import ensure_demo
        from rltcare.settings import Settings
        from rltcare.web.app import create_app

        overrides = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
        settings = Settings(**overrides)
        ensure_demo(settings)  # embedded database: demo data and accounts on first start
        typer.echo(
            f"rltcare is serving at http://{settings.host}:{settings.port}/ "
            f"(API documentation at /docs; data in {settings.data_dir.resolve()}; "
            f"{workers} worker{'s' if workers > 1 else ''})"
        )
        if workers == 1:
            uvicorn.run(
                create_app(settings), host=settings.host, port=settings.port, log_level="warning"
            )
            return
        # Each worker process builds its own app from the environment (the factory takes no
        # arguments), so the settings given here travel as RLTCARE_* variables.
        os.environ["RLTCARE_DATA_DIR"] = str(settings.data_dir.resolve())
        if settings.database_url:
            os.environ["RLTCARE_DATABASE_URL"] = settings.database_url
        uvicorn.run(
            "rltcare.web.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=workers,
            log_level="warning",
        )
