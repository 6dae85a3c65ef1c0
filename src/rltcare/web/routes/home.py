"""The home page."""

from fastapi import APIRouter, Request

from rltcare.catalog import default_catalog
from rltcare.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request):
    return render(request, "home.html", {"catalog": default_catalog()})
