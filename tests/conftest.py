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


@pytest.fixture
def live_server(settings):
    """The app served by uvicorn on a free loopback port, in a thread; yields its base URL."""
    import socket
    import threading
    import time

    import uvicorn

    from rltcare.web.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start within 10 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def _browser():
    """One headless Debian Chromium for the session, driven by Playwright (no download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser):
    """A fresh page (own context: no cookies shared between tests)."""
    context = _browser.new_context()
    yield context.new_page()
    context.close()
