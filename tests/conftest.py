"""Shared fixtures, and the rule for service-backed tests: skip outside CI, fail inside it."""

from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _unavailable(item: pytest.Item, reason: str) -> None:
    """Outside CI, skip with the reason; in CI the test runs and fails on the missing service."""
    if not IN_CI:
        item.add_marker(pytest.mark.skip(reason=reason))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in item.keywords and not CHROMIUM:
            _unavailable(item, "Chromium is not installed (apt-get install chromium)")
        if "postgres" in item.keywords and not os.environ.get("RLTCARE_TEST_DATABASE_URL"):
            _unavailable(item, "RLTCARE_TEST_DATABASE_URL is not set")


@pytest.fixture
def catalog():
    from rltcare.catalog import default_catalog

    return default_catalog()


@pytest.fixture
def settings(tmp_path):
    from rltcare.settings import Settings

    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def client(settings):
    from fastapi.testclient import TestClient

    from rltcare.web.app import create_app

    with TestClient(create_app(settings)) as test_client:
        yield test_client
