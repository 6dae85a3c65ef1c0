"""The pages as a person sees them, in headless Chromium."""

import pytest

pytestmark = pytest.mark.browser


def test_home_page_renders_and_is_keyboard_navigable(live_server, browser_page):
    errors = []
    browser_page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_page.goto(live_server + "/")
    assert browser_page.title() == "Home · rltcare"
    browser_page.keyboard.press("Tab")
    assert browser_page.evaluate("document.activeElement.textContent") == "Skip to content"
    browser_page.keyboard.press("Tab")
    assert browser_page.evaluate("document.activeElement.textContent") == "rltcare"
    assert browser_page.evaluate("typeof Plotly") == "object", "plotly.js did not load"
    assert errors == []


def test_catalog_page_links_to_records(live_server, browser_page):
    browser_page.goto(live_server + "/catalog")
    browser_page.click("text=Lu-177m")
    assert "Lu-177m" in browser_page.inner_text("h1")
