"""The interface behind nginx: a whole export through the import form, no forged prefix.

nginx refuses bodies over 64 KiB except where an import is posted: ``/import`` and the
interface's ``/app/import`` both take the app's 10 MiB.
"""

import json

from tests.e2e.api import register
from tests.e2e.client import FormClient
from tests.e2e.stack import PASSWORD, unique_email
from tests.e2e.test_imports import largest_document


def signed_in(stack, label):
    """Register an account through the API, log in through nginx; return it and the browser."""
    email = unique_email(label)
    assert register(stack.client(), email).status == 201
    browser = FormClient(stack.nginx.port)
    status, headers, _text = browser.post_form(
        "/app/login", "/app/login", {"email": email, "password": PASSWORD}
    )
    assert (status, headers["Location"]) == (303, "/app")
    return email, browser


def test_an_export_over_64_kib_imports_through_the_form(stack):
    email, browser = signed_in(stack, "web-import")
    document = json.dumps(largest_document(3_000)).encode()
    assert len(document) > 64 * 1024
    status, _headers, text = browser.post_form(
        "/app/import", "/app/settings", {}, {"document": ("okr.json", document)}
    )
    assert status == 303, text[:500]
    imported = stack.query(
        "SELECT count(*) FROM check_ins JOIN users ON users.id = check_ins.user_id "
        "WHERE users.email = %s",
        email,
    )
    assert imported == [(3_000 - 2,)]


def test_an_import_over_10_mib_is_shown_beside_the_form(stack):
    """nginx refuses it unread and shows the import form with the reason; nothing imported."""
    _email, browser = signed_in(stack, "web-import-large")
    document = b"{}" + b" " * 10 * 1024 * 1024  # one byte over with the form around it
    status, headers, text = browser.post_form(
        "/app/import", "/app/settings", {}, {"document": ("okr.json", document)}
    )
    assert (status, headers["Content-Type"]) == (413, "text/html; charset=utf-8")
    assert (
        '<p class="error" id="document-error">The file is larger than 10 MiB, the most an '
        "import takes. Nothing was imported.</p>"
    ) in text
    assert 'action="/app/import"' in text  # the form, to choose another file
    # gunicorn writes its log line after the answer is sent: wait for this request's own
    [served] = stack.entries_for([headers["X-Request-Id"]])
    assert (served["method"], served["path"], served["query"]) == (
        "GET",
        "/app/import",
        "refused=too-large",
    ), "nginx refused the body before gunicorn read it"


def test_a_clients_prefix_header_does_not_reach_the_app(stack):
    """nginx is the trusted hop and sends no X-Forwarded-Prefix: a client's is dropped."""
    page = stack.client().get("/app/login", headers={"X-Forwarded-Prefix": "/elsewhere"})
    assert page.status == 200
    assert 'action="/app/login"' in page.body.decode()
