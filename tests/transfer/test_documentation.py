"""The OpenAPI document describes the new operations and every content type they answer."""


def test_export_and_import_are_documented(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    export = paths["/export"]["get"]
    assert set(export["responses"]["200"]["content"]) == {
        "application/json",
        "application/zip",
        "text/csv",
    }
    assert export["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ExportDocument"
    }
    imported = paths["/import"]["post"]
    assert imported["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ExportDocument"
    }
    assert {"201", "401", "413", "422"} <= set(imported["responses"])


def test_the_objective_lifecycle_is_documented(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in ("/objectives/{objective_id}/close", "/objectives/{objective_id}/reopen"):
        assert {"200", "404", "409", "412"} <= set(paths[path]["post"]["responses"])
    assert "201" in paths["/objectives/{objective_id}/copy"]["post"]["responses"]
    assert "200" in paths["/objectives/{objective_id}/closings"]["get"]["responses"]
