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


def test_api_docs_render_offline_from_installed_packages(live_server, browser_page):
    """/docs (the "API" link) shows the operations, and asks nothing of another host."""
    outside = []
    browser_page.on(
        "request",
        lambda r: None if r.url.startswith(live_server) else outside.append(r.url),
    )
    browser_page.goto(live_server + "/docs")
    browser_page.wait_for_selector(".opblock-summary", timeout=15000)
    operations = browser_page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/release" in text for text in operations)
    assert not browser_page.locator("text=Unable to render this definition").count()
    browser_page.screenshot(path="/tmp/webfix-docs.png")
    assert outside == []


def test_every_page_has_a_favicon(live_server, browser_page):
    missing = []
    browser_page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    browser_page.goto(live_server + "/release")
    assert browser_page.request.get(live_server + "/favicon.ico").ok
    assert missing == []
