"""``rltcare serve``: the web application."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option(None, help="Address to listen on (default 127.0.0.1)."),
        port: int = typer.Option(None, help="Port (default 8000)."),
    ) -> None:
        """Serve the web application and its JSON API (/api/v1, documented at /docs)."""
        import uvicorn

        from rltcare.cli.registry import ensure_demo
        from rltcare.settings import Settings
        from rltcare.web.app import create_app

        overrides = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
        settings = Settings(**overrides)
        ensure_demo(settings)  # embedded database: demo data and accounts on first start
        application = create_app(settings)
        typer.echo(
            f"rltcare is serving at http://{settings.host}:{settings.port}/ "
            f"(API documentation at /docs; data in {settings.data_dir.resolve()})"
        )
        uvicorn.run(application, host=settings.host, port=settings.port, log_level="warning")
