"""The cohort page in headless Chromium: a CTCAE v6.0 analysis that used an unverified term
shows the warning above the toxicity section (screenshot kept for review)."""

import pytest

pytestmark = pytest.mark.browser


def test_unverified_ctcae_terms_warn_on_the_page(live_server, browser_page, tmp_path):
    labs = tmp_path / "labs.csv"
    labs.write_text("patient_id,date,term,value,lln\nA,2024-03-01,egfr_decreased,25,90\n")
    browser_page.goto(live_server + "/outcomes")
    browser_page.set_input_files("#f-labs", str(labs))
    browser_page.select_option("#f-ctcae_version", "6.0")
    browser_page.click("text=Use the demo cohort")
    warning = browser_page.wait_for_selector("#ctcae-warning")
    assert "egfr_decreased NOT verified" in warning.inner_text()
    assert warning.is_visible()
    warning.scroll_into_view_if_needed()
    browser_page.screenshot(path=str(tmp_path / "ctcae-warning.png"))
