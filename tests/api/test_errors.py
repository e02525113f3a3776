"""Every error is JSON in the shape ``{code, status, message?, errors?}``."""

import pytest

from tests.conftest import PASSWORD


def assert_error(response, code):
    """Assert a JSON error body with ``code``."""
    assert response.status_code == code
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == code
    assert isinstance(body["status"], str)
    assert set(body) <= {"code", "status", "message", "errors"}
    return body


def test_unknown_route_is_json_404(client):
    assert_error(client.get("/no/such/route"), 404)


def test_wrong_method_is_json_405(client):
    assert_error(client.delete("/auth/login"), 405)


def test_no_trailing_slash_redirect(client):
    response = client.post("/auth/login/", json={"email": "a@example.com", "password": "x"})
    assert response.status_code != 308


@pytest.mark.settings(OKR_MAX_BODY_BYTES=1024)
def test_body_over_the_limit_is_json_413(client):
    body = {"email": "a@example.com", "password": "x" * 2000}
    assert_error(client.post("/auth/register", json=body), 413)


def test_default_body_limit_is_64_kib(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 64 * 1024


def test_non_json_content_type_is_415(client):
    response = client.post(
        "/auth/login", data="email=a@example.com", content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, 415)


def test_malformed_json_is_400(client):
    response = client.post("/auth/login", data="{not json", content_type="application/json")
    assert_error(response, 400)


def test_validation_errors_name_the_field(client):
    body = assert_error(client.post("/auth/register", json={"email": "a@example.com"}), 422)
    assert "password" in body["errors"]["json"]


def test_wrong_types_are_422(client):
    response = client.post("/auth/register", json={"email": ["x"], "password": 123})
    body = assert_error(response, 422)
    assert {"email", "password"} <= set(body["errors"]["json"])


def test_json_array_body_is_422(client):
    assert_error(client.post("/auth/register", json=[PASSWORD]), 422)


def test_405_lists_the_allowed_methods(client):
    response = client.put("/auth/me")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET"}


def test_pagination_header_is_documented_as_json(client):
    spec = client.get("/openapi.json").get_json()
    header = spec["paths"]["/audit"]["get"]["responses"]["200"]["headers"]["X-Pagination"]
    assert "application/json" in header["content"]


def test_a_query_parameter_without_a_name_is_422(client):
    response = client.get("/health?=null")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"query": {"": ["Unknown field."]}}


def test_unknown_query_parameters_are_422_and_documented_ones_pass(client, auth):
    _, _, headers = auth.user()
    response = client.get("/audit?page=1&outcome=denied&sort=desc&x=", headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "query": {"sort": ["Unknown field."], "x": ["Unknown field."]}
    }
    assert (
        client.get("/audit?page=1&page_size=5&outcome=denied", headers=headers).status_code == 200
    )
    assert client.get("/auth/me?verbose=1", headers=headers).status_code == 422
    assert client.get("/docs?anything=1").status_code == 200
