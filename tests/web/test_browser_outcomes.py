"""The cohort page in headless Chromium: the demo cohort's plots render without JS errors."""

import pytest

pytestmark = pytest.mark.browser


def test_demo_cohort_plots_render(live_server, browser_page):
    errors = []
    browser_page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_page.goto(live_server + "/outcomes")
    browser_page.click("text=Use the demo cohort")
    browser_page.wait_for_selector("#funnel .js-plotly-plot")
    assert errors == []
    rendered = browser_page.evaluate(
        "[...document.querySelectorAll('.js-plotly-plot')]"
        ".filter(d => d.querySelector('svg.main-svg') && d._fullData && d._fullData.length)"
        ".map(d => d.closest('section').id)"
    )
    assert rendered == ["waterfall", "swimmer", "survival", "discordance", "toxicity", "funnel"]
    bars = browser_page.evaluate(
        "document.querySelector('#waterfall .js-plotly-plot')._fullData[0].x.length"
    )
    assert bars == 80  # the demo PSA patients with a value on treatment
    assert "Numbers at risk" in browser_page.inner_text("#survival")


def test_single_patient_page_plots(live_server, browser_page):
    errors = []
    browser_page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_page.goto(live_server + "/assess?criterion=pcwg3")
    browser_page.click("button[type=submit]")
    browser_page.wait_for_selector(".result .js-plotly-plot")
    assert errors == []
    assert "P01: PD" in browser_page.inner_text("main")
