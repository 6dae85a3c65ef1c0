"""The catalog record page: a readable table with units and sources, not a JSON dump."""

from rltcare.web.catalog_view import label, value_text


def test_units_from_identifiers_and_rounding():
    assert label("half_life_h") == "half life"
    assert value_text("half_life_h", 159.52800000000002) == "159.5 h (6.647 d)"
    assert value_text("activity_range_mbq", [6660.0, 8140.000000000001]) == "6660–8140 MBq"
    assert value_text("impurities", {}) == "none"


def test_record_page_is_a_table_with_sources_and_a_json_link(client):
    page = client.get("/catalog/Lu-177").text
    assert "159.52800000000002" not in page
    assert '<th scope="row">half life</th><td>159.5 h (6.647 d)</td>' in page
    assert "ICRP Publication 107" in page
    assert 'href="/api/v1/catalog/record/Lu-177"' in page
    assert "<pre" not in page
