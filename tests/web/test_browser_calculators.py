"""Each radiation-safety calculator as a person uses it: open, submit the defaults, see the
result and its plot, with no JavaScript error; a bad value shows its message beside the field."""

import pytest

pytestmark = pytest.mark.browser

# (page, has a plot)
PAGES = [
    ("/decay", True),
    ("/order", False),
    ("/dose-rate", True),
    ("/release", True),
    ("/restrictions", False),
    ("/waste", True),
]


@pytest.mark.parametrize(("path", "plotted"), PAGES)
def test_calculator_submits_and_plots(live_server, browser_page, path, plotted):
    errors = []
    browser_page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_page.goto(live_server + path)
    browser_page.click("form.calc button[type=submit]")
    browser_page.wait_for_load_state("networkidle")
    assert browser_page.locator("[role=alert]").count() == 0, browser_page.inner_text("main")
    assert browser_page.locator("table.summary, table.data").count() >= 1
    if plotted:
        assert browser_page.locator(".js-plotly-plot").count() >= 1, "no plot was drawn"
    assert errors == []


def test_bad_activity_is_shown_beside_its_field(live_server, browser_page):
    browser_page.goto(live_server + "/release")
    browser_page.fill("#f-activity", "48 h")
    browser_page.click("form.calc button[type=submit]")
    message = browser_page.locator("#e-activity")
    assert "is a time, but an activity is expected" in message.inner_text()
    assert browser_page.get_attribute("#f-activity", "aria-invalid") == "true"
