"""Swagger UI served from the installed package, so /docs works without internet."""

from flask import send_from_directory
from swagger_ui_bundle import swagger_ui_path
from werkzeug.exceptions import NotFound

from okr_app.api.security_docs import SCHEMES
from okr_app.extensions import api

ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js")

DESCRIPTION = """Personal objectives, key results and check-ins, with statistics on pace.

* Authenticate with `POST /auth/login` and send `Authorization: Bearer <access_token>`;
  scripts use a personal access token (`POST /auth/tokens`) the same way. Each operation
  names the token scope it needs under `x-token-scopes`.
* Every POST, PUT, PATCH and DELETE accepts `Idempotency-Key`: a retry with the same key
  gets the first answer again (`Idempotent-Replayed: true`) and changes nothing.
* Every error is JSON: `{code, status, message, errors?}`; validation errors (422) name the
  field under `errors.json` or `errors.query`.
* Unknown body fields and unknown query parameters are refused with 422. Strings must not
  contain NUL characters or lone surrogates (`\\ud800`), numbers must fit in 64 bits and be
  finite, moments lie in the years 1900 to 2999 once converted to UTC, and `page` is at
  most 1,000,000 (422 naming the field).
* Lists are paginated with `page` and `page_size` (default 20, at most 100); the totals are
  in the `X-Pagination` response header, a JSON object.
* Objectives and key results carry an `ETag`; send it back as `If-Match` on PUT, PATCH and
  DELETE to make sure you change what you read (412 when it has changed since).
* Each user may send `OKR_API_RATE_LIMIT` requests (600 per minute by default); beyond
  that the answer is 429 with `Retry-After`.
* Another user's objective or key result answers 404, as if it did not exist.
"""


def init_app(app):
    """Serve the Swagger UI assets; describe the API and its two security schemes."""
    app.add_url_rule("/docs/assets/<path:filename>", "swagger_assets", swagger_asset)
    api.spec.options.setdefault("info", {})["description"] = DESCRIPTION
    for name, scheme in SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)


def swagger_asset(filename):
    """Return one of the Swagger UI files."""
    if filename not in ASSETS:
        raise NotFound()
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
