"""The 3.0 rewrite of the API document that the bundled Swagger UI 4 can read."""

from rltcare.web.openapi30 import to_openapi30


def test_31_schema_forms_become_30_forms():
    document = {
        "openapi": "3.1.0",
        "components": {
            "schemas": {
                "A": {
                    "properties": {
                        "x": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                        "y": {"type": "number", "exclusiveMinimum": 0, "examples": [1.5]},
                        "z": {"const": "day"},
                    }
                }
            }
        },
    }
    out = to_openapi30(document)
    assert out["openapi"] == "3.0.3" and document["openapi"] == "3.1.0"
    props = out["components"]["schemas"]["A"]["properties"]
    assert props["x"] == {"type": "string", "nullable": True}
    assert props["y"] == {"type": "number", "minimum": 0, "exclusiveMinimum": True, "example": 1.5}
    assert props["z"] == {"enum": ["day"]}


def test_the_docs_page_uses_local_files_and_the_30_document(client):
    page = client.get("/docs").text
    assert "cdn" not in page.lower()
    assert "/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert client.get("/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/openapi-3.0.json").json()["openapi"] == "3.0.3"
    assert client.get("/api/v1/openapi.json").json()["openapi"].startswith("3.1")
