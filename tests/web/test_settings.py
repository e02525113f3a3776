"""Settings: export and import through the interface, and the error pages."""

import io
import json
import zipfile

import pytest
from sqlalchemy import select, text

from okr_app.extensions import db, limiter
from okr_app.models import User
from tests.web.test_accounts import actions
from tests.web.test_objectives import KEY_RESULTS


def test_export_downloads_the_api_documents_and_import_takes_them_back(client, web, app):
    """JSON and CSV downloads; a JSON export imported adds the same objectives."""
    web.user()
    web.create_objective("Exported", **KEY_RESULTS)
    exported = client.get("/app/export?format=json")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"].startswith('attachment; filename="okr-')
    document = json.loads(exported.get_data())
    assert [item["title"] for item in document["objectives"]] == ["Exported"]
    archive = zipfile.ZipFile(io.BytesIO(client.get("/app/export?format=csv").get_data()))
    assert "check_ins.csv" in archive.namelist()
    web.user()
    upload = {
        "document": (io.BytesIO(exported.get_data()), "okr.json", "application/json"),
    }
    imported = web.post(
        "/app/import", upload, form_page="/app/settings", content_type="multipart/form-data"
    )
    assert imported.status_code == 303
    dashboard = client.get("/app?period=2026-Q1").text
    assert ">Exported</a>" in dashboard
    assert "Imported 1 objective, 2 key results and 0 check-ins." in dashboard
    assert actions(app)[-1] == "data.imported"


def test_a_bad_import_file_is_refused_and_nothing_changes(client, web):
    """A file that is not an export, or an export with an error, imports nothing."""
    web.user()
    for content, message in (
        (b"not json", "The file is not a JSON export of okr-tracker."),
        (json.dumps({"version": 2, "objectives": []}).encode(), "version: Must be equal to 1."),
        (b"[" * 100_000 + b"]" * 100_000, "The file is nested too deeply"),
    ):
        upload = {"document": (io.BytesIO(content), "okr.json", "application/json")}
        refused = web.post(
            "/app/import", upload, form_page="/app/settings", content_type="multipart/form-data"
        )
        assert refused.status_code == 422
        assert message in refused.text


def test_an_import_while_others_run_is_refused_as_the_api_refuses_it(client, web, app):
    """Another import of the user running is 409, too many in all 429, each with
    ``Retry-After``; nothing is imported."""
    email = web.user()
    web.create_objective("Exported")
    exported = client.get("/app/export?format=json").get_data()
    with app.app_context():
        user_id = db.session.scalar(select(User.id).filter_by(email=email))
    for key, status, message in (
        (f"okr/import-running/{user_id}", 409, "Another import of yours is running."),
        ("okr/import-slot/0", 429, "Too many imports are running."),
    ):
        with app.app_context():
            assert limiter.storage.acquire_entry(key, 1, 60)  # what a running import holds
        refused = _import(web, exported)
        assert refused.status_code == status
        assert '<p class="alert" role="alert" tabindex="-1" autofocus>' + message in refused.text
        assert refused.headers.get("Retry-After") == "5"
        with app.app_context():
            limiter.storage.clear(key)
    assert client.get("/app?period=2026-Q1").text.count(">Exported</a>") == 1
    for _ in range(2):  # each gives its claims back when done
        assert _import(web, exported).status_code == 303
    assert client.get("/app?period=2026-Q1").text.count(">Exported</a>") == 3


@pytest.mark.settings(OKR_IMPORT_MAX_BYTES=200 * 1024)
def test_a_file_over_the_import_limit_is_refused_beside_the_field(client, web, app):
    """413 with the settings page and the reason beside the file input; nothing imported.

    The same page answers ``GET /app/import?refused=too-large``, where nginx sends a file
    too large for it; the bare address leads to the import section.
    """
    web.user()
    web.create_objective("Exported")
    exported = client.get("/app/export?format=json").get_data()
    document = exported + b" " * 200 * 1024  # a valid export, padded past the limit
    message = (
        "The file is larger than 204,800 bytes, the most an import takes. Nothing was imported."
    )
    for refused in (_import(web, document), client.get("/app/import?refused=too-large")):
        assert refused.status_code == 413
        assert f'<p class="error" id="document-error">{message}</p>' in refused.text
        assert 'id="document" name="document" type="file" value="" required' in refused.text
    assert client.get("/app?period=2026-Q1").text.count(">Exported</a>") == 1
    assert _import(web, exported + b" " * 100 * 1024).status_code == 303  # under the limit
    assert client.get("/app?period=2026-Q1").text.count(">Exported</a>") == 2
    section = client.get("/app/import")
    assert (section.status_code, section.headers["Location"]) == (303, "/app/settings#import")
    with app.app_context():
        app.config["OKR_IMPORT_MAX_BYTES"] = 3 * 2**20
    assert "larger than 3 MiB, the most" in client.get("/app/import?refused=too-large").text
    # A session ended meanwhile: the error page (a browser follows no redirect from a 413).
    client.delete_cookie("okr_session", path="/app")
    ended = client.get("/app/import?refused=too-large")
    assert (ended.status_code, ended.mimetype) == (413, "text/html")
    assert "<h1>Too large</h1>" in ended.text


def _import(web, document):
    """Post ``document`` to the import form of the settings; return the response."""
    upload = {"document": (io.BytesIO(document), "okr.json", "application/json")}
    return web.post(
        "/app/import", upload, form_page="/app/settings", content_type="multipart/form-data"
    )


def test_error_pages_belong_to_the_interface(client, web, app):
    """404 and 500 are pages of the interface, never a stack trace or JSON."""
    missing = client.get("/app/objectives/999999")
    assert missing.status_code == 303  # a visitor is asked to log in first
    web.user()
    for path in ("/app/objectives/999999", "/app/no/such/page"):
        response = client.get(path)
        assert response.status_code == 404 and response.mimetype == "text/html"
        assert "<h1>Page not found</h1>" in response.text

    with app.app_context():
        db.session.execute(text("DROP TABLE check_ins"))  # rolled back after the test
        db.session.commit()
    failed = client.get("/app")
    assert failed.status_code in (500, 503) and failed.mimetype == "text/html"
    assert "check_ins" not in failed.text and "Traceback" not in failed.text
    assert "Back to the dashboard" in failed.text
