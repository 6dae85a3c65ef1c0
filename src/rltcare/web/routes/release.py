"""API and pages for release (filled in by its capability)."""

from __future__ import annotations

from fastapi import APIRouter

api = APIRouter(prefix="/api/v1", tags=["release"])
pages = APIRouter(include_in_schema=False)
