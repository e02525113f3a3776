"""The OpenAPI document's conventions, and the Swagger UI that shows it without internet."""

import re

import pytest

METHODS = ("get", "post", "put", "patch", "delete")
CAMEL_CASE = re.compile(r"^[a-z]+(?:[A-Z][a-z0-9]*)*$")


@pytest.fixture
def document(client):
    """The live OpenAPI document."""
    return client.get("/openapi.json").get_json()


def operations(document):
    """Yield ``(method, path, operation)`` of every operation."""
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def test_every_operation_has_a_unique_readable_operation_id(document):
    ids = [operation.get("operationId") for _, _, operation in operations(document)]
    assert all(ids) and len(ids) == len(set(ids))
    assert all(CAMEL_CASE.match(name) for name in ids), ids
    named = {(method, path): op["operationId"] for method, path, op in operations(document)}
    assert named[("get", "/objectives")] == "listObjectives"
    assert named[("post", "/key-results/{key_result_id}/check-ins")] == "createCheckIn"
    assert named[("patch", "/objectives/{objective_id}")] == "updateObjective"
    assert named[("put", "/objectives/{objective_id}")] == "replaceObjective"


def test_every_operation_documents_the_common_errors_with_the_error_shape(document):
    for method, path, operation in operations(document):
        codes = set(operation["responses"])
        assert {"422", "503"} <= codes, (method, path)
        if path not in ("/health", "/metrics"):
            assert "429" in codes, (method, path)
        if method in ("post", "put", "patch"):
            assert {"413", "415"} <= codes, (method, path)
        if "requestBody" in operation:
            assert "400" in codes, (method, path)
        if operation.get("security"):
            assert "401" in codes, (method, path)
    responses = document["components"]["responses"]
    example = responses["Error422"]["content"]["application/json"]["example"]
    assert example["errors"] == {"json": {"title": ["Missing data for required field."]}}
    errors = document["components"]["schemas"]["Error"]["properties"]["errors"]
    messages = errors["additionalProperties"]["additionalProperties"]
    assert messages == {"type": "array", "items": {"type": "string"}}


def test_answers_list_what_they_always_send_and_nullable_objects_are_one_type(document):
    schemas = document["components"]["schemas"]
    objective = schemas["Objective"]
    assert set(objective["required"]) == set(objective["properties"])
    assert objective["properties"]["closing"] == {
        "readOnly": True,
        "description": "The closing in force; null while the objective is open.",
        "allOf": [{"$ref": "#/components/schemas/Closing"}],
        "nullable": True,
    }
    forecast = schemas["KeyResult"]["properties"]["forecast"]
    assert forecast["nullable"] is True and "anyOf" not in forecast
    # A body read by POST /import keeps its own rules: only what an import needs.
    assert "exported_at" not in schemas["ExportDocument"]["required"]


def test_constraints_json_schema_can_state_are_stated(app, document):
    schemas = document["components"]["schemas"]
    password = schemas["Register"]["properties"]["password"]
    assert password["minLength"] == app.config["OKR_PASSWORD_MIN_LENGTH"]
    assert password["maxLength"] == app.config["OKR_PASSWORD_MAX_LENGTH"]
    assert schemas["KeyResultWrite"]["not"] == {"required": ["current_value", "progress"]}
    exactly_one = schemas["CheckInWrite"]["not"]["anyOf"]
    assert {"required": ["value", "progress"]} in exactly_one
    # A title holds something besides whitespace (it is trimmed) and no NUL.
    title = re.compile(schemas["ObjectiveWrite"]["properties"]["title"]["pattern"])
    for text, valid in (("Grow", True), (" a ", True), ("\x1c \u3000", False), ("a\x00", False)):
        assert bool(title.search(text)) is valid
        assert (bool(text.strip()) and "\x00" not in text) or not valid
    assert schemas["ObjectiveWrite"]["properties"]["description"]["pattern"] == "^[^\\u0000]*$"


@pytest.mark.settings(OKR_PASSWORD_MIN_LENGTH=20)
def test_the_password_length_follows_the_setting(document):
    assert (
        document["components"]["schemas"]["ChangePassword"]["properties"]["new_password"][
            "minLength"
        ]
        == 20
    )


def test_methods_come_in_the_order_a_reader_expects(document):
    assert list(document["paths"]["/auth/tokens"]) == ["get", "post"]
    item = [
        method for method in document["paths"]["/objectives/{objective_id}"] if method in METHODS
    ]
    assert item == ["get", "put", "patch", "delete"]
    descriptions = " ".join(op.get("description", "") for _, _, op in operations(document))
    assert "``" not in descriptions


def test_swagger_ui_5_is_served_from_the_app_with_its_licence_and_a_favicon(client):
    page = client.get("/docs").get_data(as_text=True)
    assert "/docs/assets/swagger-ui-bundle.js" in page
    assert re.search(r'"validatorUrl": ?null', page)
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and b"queryConfigEnabled" in bundle.data  # 5.x only
    assert client.get("/docs/assets/LICENSE").status_code == 200
    assert client.get("/docs/assets/swagger-ui-standalone-preset.js").status_code == 200
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert client.get("/docs/assets/../../okr_app/config.py").status_code == 404
