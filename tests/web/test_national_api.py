"""POST /api/v1/national/{demand,gap,flows,access,supply} and the /national page."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]
CENTRE = {
    "id": "muc",
    "name": "München",
    "lat": 48.14,
    "lon": 11.58,
    "region": "DE2",
    "rooms": 8,
    "chairs": 2,
    "scanners": 2,
    "fte": {"nurse": 8},
}


def test_demand_endpoint(client):
    response = client.post(
        "/api/v1/national/demand",
        json={"country": "uk", "indications": ["lu-dotatate-gep-net"], "years": 3, "draws": 100},
    )
    assert response.status_code == 200, response.text
    assert response.json()["country"] == "uk" and len(response.json()["rows"]) == 12 * 3


def test_estimated_figure_is_used_with_a_warning_and_a_bad_override_is_422(client):
    body = {"country": "es", "indications": ["i131-thyroid-ablation"]}
    response = client.post("/api/v1/national/demand", json=body)
    assert response.status_code == 200
    assert any("is an estimate" in w for w in response.json()["warnings"])
    bad = client.post(
        "/api/v1/national/demand", json={**body, "figures": {"thyroid_cancer_incidence": -5}}
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "thyroid_cancer_incidence"


def test_gap_and_access_endpoints(client):
    gap = client.post(
        "/api/v1/national/gap",
        json={
            "country": "de",
            "indications": ["lu-psma-post-taxane"],
            "draws": 100,
            "centres": [CENTRE],
        },
    )
    assert gap.status_code == 200, gap.text
    assert next(g for g in gap.json()["regions"] if g["region"] == "DE2")["add"]["rooms"] > 0
    access = client.post(
        "/api/v1/national/access",
        json={"country": "de", "centres": [CENTRE], "catchment": "3 h", "new_sites": 1},
    )
    assert access.status_code == 200, access.text
    assert len(access.json()["new_sites"]) == 1


def test_centre_outside_country_is_422(client):
    response = client.post(
        "/api/v1/national/access",
        json={"country": "de", "centres": [{**CENTRE, "lat": 40.4, "lon": -3.7}]},
    )
    assert response.status_code == 422 and "outside every region" in response.json()["detail"]


def test_supply_endpoint(client):
    network = tomllib.loads(
        (ROOT / "examples" / "national" / "supply_lu177_eu.toml").read_text(encoding="utf-8")
    )
    response = client.post(
        "/api/v1/national/supply",
        json={
            "network": json.loads(json.dumps(network, default=str)),
            "demand_gbq_per_week": 3000,
            "years": 2,
            "replications": 10,
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["outage_processes"]["hfr"]["rate_per_year"] > 0
    patients = response.json()["patients"]
    assert "VISION" in patients["hazard"]["source"]
    assert patients["deaths_waiting_per_year"]["low"] <= patients["deaths_waiting_per_year"]["mean"]
    waiting = {"hazard": {"rate_per_year": 0.3, "source": "my registry"}, "catch_up": 0.5}
    response = client.post(
        "/api/v1/national/supply",
        json={
            "network": json.loads(json.dumps(network, default=str)),
            "demand_gbq_per_week": 3000,
            "years": 2,
            "replications": 10,
            "waiting": waiting,
        },
    )
    assert response.json()["patients"]["hazard"]["source"] == "my registry"


def test_flows_endpoint_with_abroad_and_user_flows(client):
    abroad = {**CENTRE, "id": "ams", "name": "Amsterdam", "lat": 52.29, "lon": 4.96, "region": "NL"}
    request = {
        "country": "de",
        "indications": ["lu-psma-post-taxane"],
        "draws": 100,
        "years": 2,
        "centres": [CENTRE],
        "abroad": [abroad],
    }
    response = client.post("/api/v1/national/flows", json=request)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["year"] == 2027 and data["abroad_cycles"] > 0
    assert data["between"]["DE2"] == {"DE2": data["regions"][1]["own_region"]}
    flows = [{"region": "DE1", "centre": "ams", "share": 0.5}]
    response = client.post("/api/v1/national/flows", json={**request, "flows": flows})
    assert response.status_code == 200, response.text
    assert response.json()["between"] == {"DE1": {"abroad:NL": response.json()["abroad_cycles"]}}
    bad = [{"region": "DE1", "centre": "nowhere", "share": 0.5}]
    response = client.post("/api/v1/national/flows", json={**request, "flows": bad})
    assert response.status_code == 422 and response.json()["field"] == "flows[0].centre"


def test_openapi_lists_national(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths["/api/v1/national/demand"]["post"]["operationId"] == "national_demand"
    assert paths["/api/v1/national/flows"]["post"]["operationId"] == "national_flows"


def test_page_with_centres(client):
    assert client.get("/national").status_code == 200
    # the shipped file, # comment lines and all, is accepted as pasted
    body = (ROOT / "examples" / "national" / "de_centres.csv").read_text(encoding="utf-8")
    assert body.startswith("#")
    page = client.post(
        "/national",
        data={"country": "de", "years": "5", "centres": body, "pre_taxane_from": "2028"},
    )
    assert page.status_code == 200, page.text
    assert "Capacity gap in 2030" in page.text and "plotly" in page.text.lower()
    assert "Where patients are treated in 2030" in page.text


def test_page_shows_error_beside_field(client):
    page = client.post("/national", data={"country": "de", "years": "50"})
    assert page.status_code == 422 and "years" in page.text


def test_page_shows_centre_error_beside_textarea(client):
    body = "id,name,lat,lon,region,rooms,chairs,scanners\na,A,48.1,11.6,XX9,1,1,1"
    page = client.post("/national", data={"country": "de", "centres": body})
    assert page.status_code == 422
    assert 'id="e-centres"' in page.text and "XX9" in page.text


def test_page_shows_abroad_error_beside_its_textarea(client):
    centres = "id,name,lat,lon,region,rooms,chairs,scanners\na,A,48.1,11.6,DE2,1,1,1"
    abroad = "id,name,lat,lon,region,rooms,chairs,scanners\nb,B,52.3,4.9,NL,-1,1,1"
    page = client.post("/national", data={"country": "de", "centres": centres, "abroad": abroad})
    assert page.status_code == 422
    assert 'id="e-abroad"' in page.text and "rooms" in page.text


def test_page_uses_the_cli_default_indications_and_lets_you_choose(client):
    page = client.get("/national")
    assert page.text.count('name="indications"') == 3
    default = client.post("/national", data={"country": "de", "years": "2"})
    assert default.status_code == 200, default.text
    assert "i131-thyroid-ablation" in default.text
    assert "activity 2027, I-131" in default.text and "activity 2027, Lu-177" in default.text
    chosen = client.post(
        "/national",
        data={"country": "de", "years": "2", "indications": ["lu-dotatate-gep-net"]},
    )
    assert chosen.status_code == 200, chosen.text
    assert "I-131" not in chosen.text and "activity 2027, Lu-177" in chosen.text
