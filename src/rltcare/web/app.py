"""``create_app(settings)``: the FastAPI application, its error handling and its routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path

import plotly
import swagger_ui_bundle
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from rltcare import __version__
from rltcare.errors import InputError, from_validation_errors, readable_message
from rltcare.registry.db import make_engine
from rltcare.settings import Settings
from rltcare.web.openapi30 import to_openapi30
from rltcare.web.routes import ROUTERS
from rltcare.web.templating import render

STATIC = Path(__file__).parent / "static"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
SWAGGER_UI = Path(swagger_ui_bundle.swagger_ui_path)
PROBLEM = "application/problem+json"


def _wants_json(request: Request) -> bool:
    """API paths, and any client that does not ask for HTML, get problem+json."""
    if request.url.path.startswith("/api/"):
        return True
    return "text/html" not in request.headers.get("accept", "")


def _page_message(exc: StarletteHTTPException) -> str:
    if exc.status_code == 404 and exc.detail == "Not Found":
        return "there is no such page"
    return str(exc.detail)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.engine.dispose()  # the pool's connections close with the app, not at GC


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="rltcare",
        version=__version__,
        summary="Radioligand therapy: radiation safety, capacity, planning and outcomes.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served below from the installed swagger-ui-bundle, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings)
    with app.state.engine.connect():  # creates the embedded SQLite file on first start
        pass

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/vendor/swagger-ui", StaticFiles(directory=SWAGGER_UI), name="swagger-ui")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        """Browsers ask for /favicon.ico before reading a page's icon link."""
        return RedirectResponse("/static/favicon.svg", status_code=301)

    @app.get("/docs/openapi-3.0.json", include_in_schema=False)
    def openapi_for_swagger_ui() -> JSONResponse:
        return JSONResponse(to_openapi30(app.openapi()))

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        """The API's interactive documentation, its JavaScript from an installed package."""
        return get_swagger_ui_html(
            openapi_url="/docs/openapi-3.0.json",
            title="rltcare API",
            swagger_js_url="/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        """Plotly's JavaScript from the installed package: pages work offline, no CDN."""
        return FileResponse(PLOTLY_JS, media_type="text/javascript")

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError):
        status = getattr(exc, "status", 422)  # e.g. 404, 409 for registry errors
        if request.url.path.startswith("/api/"):
            return JSONResponse(exc.to_problem(status), status_code=status, media_type=PROBLEM)
        return render(request, "error.html", {"error": exc}, status_code=status)

    @app.exception_handler(ValidationError)
    async def _model_error(request: Request, exc: ValidationError):
        """A model built inside a handler (not the request body) rejected a value."""
        return await _input_error(request, from_validation_errors(exc.errors()))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        # Fields are named as "values.0.value" in the API's problems.
        raw = [
            {**e, "loc": (".".join(str(p) for p in e["loc"] if p != "body"),)} for e in exc.errors()
        ]
        if not raw:
            return await _input_error(request, InputError("invalid request"))
        first = from_validation_errors(raw)
        if not _wants_json(request):
            return render(request, "error.html", {"error": first}, status_code=422)
        problem = first.to_problem()
        if first.field:
            problem["detail"] = f"{first.field}: {first.message}"
        problem["errors"] = [{"field": e["loc"][0], "message": readable_message(e)} for e in raw]
        return JSONResponse(problem, status_code=422, media_type=PROBLEM)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        """Unknown pages and the like: the HTML error page for a browser, problem+json for the API."""
        if _wants_json(request):
            problem = {
                "type": "about:blank",
                "title": HTTPStatus(exc.status_code).phrase,
                "status": exc.status_code,
                "detail": str(exc.detail),
            }
            return JSONResponse(
                problem, status_code=exc.status_code, media_type=PROBLEM, headers=exc.headers
            )
        error = InputError(_page_message(exc), hint="use the links at the top of the page")
        return render(request, "error.html", {"error": error}, status_code=exc.status_code)

    for router in ROUTERS:
        app.include_router(router)
    return app
