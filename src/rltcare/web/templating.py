"""Jinja2 rendering, plot embedding and form validation shared by every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ValidationError

from rltcare import __version__
from rltcare.errors import InputError, readable_message
from rltcare.result import format_value

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["fmt"] = format_value
templates.env.globals["version"] = __version__

#: The navigation bar: (path, label). Capabilities add their pages here.
NAV: list[tuple[str, str]] = [
    ("/", "Home"),
    ("/decay", "Decay"),
    ("/order", "Order"),
    ("/dose-rate", "Dose rate"),
    ("/release", "Discharge"),
    ("/restrictions", "Restrictions"),
    ("/waste", "Waste"),
    ("/capacity", "Capacity"),
    ("/assess", "Response"),
    ("/outcomes", "Outcomes"),
    ("/economics", "Economics"),
    ("/national", "National"),
    ("/catalog", "Catalog"),
    ("/registry", "Registry"),
]
templates.env.globals["nav"] = NAV


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
):
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code)


def figure_html(figure) -> str:
    """A Plotly figure as an HTML fragment; plotly.js itself is loaded once by base.html."""
    return figure.to_html(
        full_html=False, include_plotlyjs=False, config={"displaylogo": False, "responsive": True}
    )


def validate_form(model: type[BaseModel], form: dict[str, Any]):
    """Validate a submitted form with the API's request model.

    Returns ``(request, errors)``: the model or None, and a message per field name
    so that each message can be shown beside its field. Empty fields are left out
    so that the model's defaults apply.
    """
    data = {k: v for k, v in form.items() if not (isinstance(v, str) and not v.strip())}
    try:
        return model.model_validate(data), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "form"
            cause = error.get("ctx", {}).get("error")
            hint = cause.hint if isinstance(cause, InputError) else None
            errors.setdefault(field, _beside_field(readable_message(error), hint))
        return None, errors
    except InputError as exc:
        return None, field_errors(exc, form)


def _beside_field(message: str, hint: str | None) -> str:
    return f"{message} — {hint}" if hint else message


def field_errors(exc: InputError, form: dict[str, Any]) -> dict[str, str]:
    """An error as ``{field: message}`` for a form: beside one of the form's fields, the
    field's name (which the CLI's one line starts with) is left out; otherwise the line."""
    if exc.field in form and not (exc.file or exc.row is not None or exc.line is not None):
        return {exc.field: _beside_field(exc.message, exc.hint)}
    return {"form": exc.one_line()}
