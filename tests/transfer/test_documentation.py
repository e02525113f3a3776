"""The OpenAPI document describes the new operations and every content type they answer."""


def test_export_and_import_are_documented(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    export = paths["/export"]["get"]
    assert set(export["responses"]["200"]["content"]) == {"application/json"}
    assert set(paths["/export.zip"]["get"]["responses"]["200"]["content"]) == {"application/zip"}
    entity = paths["/export/{entity}.csv"]["get"]
    assert set(entity["responses"]["200"]["content"]) == {"text/csv"}
    assert paths["/export/{entity}.csv"]["parameters"][0]["schema"]["enum"] == [
        "objectives",
        "key_results",
        "check_ins",
        "closings",
    ]
    assert [item["name"] for item in export["x-legacy-query-parameters"]] == ["entity"]
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


def test_each_format_has_its_own_operation_and_the_old_query_still_works(client, auth):
    _, _, headers = auth.user()
    client.post("/objectives", json={"title": "Mine", "period": "2026-Q4"}, headers=headers)
    archive = client.get("/export.zip", headers=headers)
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    assert client.get("/export?format=csv", headers=headers).mimetype == "application/zip"
    table = client.get("/export/objectives.csv", headers=headers)
    assert table.mimetype == "text/csv" and "Mine" in table.get_data(as_text=True)
    old = client.get("/export?entity=objectives", headers=headers)
    assert old.get_data(as_text=True) == table.get_data(as_text=True)
    assert client.get("/export/users.csv", headers=headers).status_code == 404
