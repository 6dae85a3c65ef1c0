"""API and pages for dose_rate (filled in by its capability)."""

from __future__ import annotations

from fastapi import APIRouter

api = APIRouter(prefix="/api/v1", tags=["dose_rate"])
pages = APIRouter(include_in_schema=False)
