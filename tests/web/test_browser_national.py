"""The national page as a planner uses it: paste centres at home and abroad, see the flows
table and both maps drawn offline, with no JavaScript error and no request off the machine."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).parents[2] / "examples" / "national"


def _csv(name: str) -> str:
    """The shipped file as it is, ``#`` comment lines and all."""
    return (EXAMPLES / name).read_text(encoding="utf-8")


def test_flows_table_and_maps(live_server, browser_page):
    errors, remote = [], []
    browser_page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_page.on(
        "request",
        lambda req: None if req.url.startswith(live_server) else remote.append(req.url),
    )
    browser_page.goto(live_server + "/national")
    browser_page.fill("#f-years", "5")
    browser_page.fill("#f-centres", _csv("de_centres.csv"))
    browser_page.fill("#f-abroad", _csv("de_abroad_centres.csv"))
    browser_page.click("form.calc button[type=submit]")
    browser_page.wait_for_load_state("networkidle")
    assert browser_page.locator("[role=alert]").count() == 0, browser_page.inner_text("main")
    main = browser_page.inner_text("main")
    assert "Where patients are treated in 2030" in main and "abroad:NL" in main
    assert browser_page.locator("figure .js-plotly-plot").count() == 2
    assert errors == [] and remote == []
