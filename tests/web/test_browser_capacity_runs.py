"""Stored capacity runs as a person uses them, by keyboard only: run the planner, follow the
job to its stored run (report drawn), tick two runs in the list, compare, switch the baseline."""

import pytest

from rltcare.registry import migrate
from rltcare.registry.db import make_engine
from web.test_capacity import SCENARIO

pytestmark = pytest.mark.browser


def _run_from_the_planner(page, base: str, extra_units: str) -> None:
    page.goto(base + "/capacity")
    page.fill("#f-scenario_toml", SCENARIO)
    page.fill("#f-extra_units", extra_units)
    page.fill("#f-replications", "2")
    page.focus("#f-seed")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_text("Stored as run").wait_for(timeout=60_000)


def test_stored_runs_list_and_compare_by_keyboard(settings, live_server, browser_page):
    engine = make_engine(settings)
    migrate.upgrade(engine)
    engine.dispose()
    page, errors = browser_page, []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _run_from_the_planner(page, live_server, "0")
    with page.expect_navigation():
        page.get_by_text("Stored as run").press("Enter")
    report = page.frame_locator("iframe[title^='Report of run']")
    report.locator(".js-plotly-plot").first.wait_for(timeout=20_000)  # plotly.js from the app
    _run_from_the_planner(page, live_server, "1")
    page.goto(live_server + "/capacity/runs")
    for box in page.locator("input[name=ids]").all():
        box.focus()
        page.keyboard.press("Space")
    page.focus("form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Paired differences" in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_text("make it the baseline").press("Enter")
    assert page.url.endswith("/capacity/compare?ids=1,2")
    assert errors == []
