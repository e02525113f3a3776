"""Which error answers each operation documents, and what they look like."""

from okr_app.api.ratelimit import EXEMPT_PATHS

BODY_METHODS = frozenset({"post", "put", "patch"})

#: ``errors``: where the problem is (``json``, ``query``, ``headers``, ``path``), then the
#: field (nested fields joined by dots, as ``check_ins.2.value``), then its messages.
ERROR_MESSAGES = {
    "type": "object",
    "description": "Location (`json`, `query`, `headers`) -> field (nested ones joined by "
    "dots, such as `check_ins.2.value`) -> messages.",
    "additionalProperties": {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
}


def _example(code, status, message, errors=None):
    """Return an error body as the API writes it."""
    body = {"code": code, "status": status, "message": message}
    if errors is not None:
        body["errors"] = errors
    return body


#: code -> (description, example body) of the answers the plumbing gives any operation.
ERROR_RESPONSES = {
    400: (
        "The body is not valid JSON.",
        _example(400, "Bad Request", "The request body is not valid JSON."),
    ),
    401: (
        "No token, or an expired, revoked or malformed one.",
        _example(401, "Unauthorized", "Missing Authorization Header"),
    ),
    403: (
        "The token may not do this (a personal token's scope, or not an admin).",
        _example(403, "Forbidden", "This endpoint is for admins only."),
    ),
    404: ("No such resource among the caller's.", _example(404, "Not Found", "Not found.")),
    409: (
        "The request conflicts with the resource's state, or an `Idempotency-Key` in use.",
        _example(409, "Conflict", "The objective is closed already."),
    ),
    412: (
        "`If-Match` names a version that has changed since.",
        _example(412, "Precondition Failed", "The resource has changed since it was read."),
    ),
    413: (
        "The body is larger than the server accepts.",
        _example(413, "Request Entity Too Large", "The request body is too large."),
    ),
    415: (
        "The body is not declared as JSON.",
        _example(
            415,
            "Unsupported Media Type",
            "Send the request body as JSON (Content-Type: application/json).",
        ),
    ),
    422: (
        "A field, query parameter or header is invalid, missing or unknown.",
        _example(
            422,
            "Unprocessable Entity",
            "The request was well-formed but was unable to be followed due to semantic errors.",
            {"json": {"title": ["Missing data for required field."]}},
        ),
    ),
    429: (
        "Too many requests: wait for `Retry-After` seconds.",
        _example(429, "Too Many Requests", "600 per 1 minute"),
    ),
    503: (
        "The database is unavailable: try again after `Retry-After` seconds.",
        _example(503, "Service Unavailable", "The database is unavailable. Try again shortly."),
    ),
}


def response_name(code):
    """Return the name of the response component documenting the error ``code``."""
    return f"Error{code}"


def error_codes(path, method, operation):
    """Return the error codes the plumbing may answer to ``method`` on ``path``.

    Every operation refuses unknown query parameters (422) and may find the database
    unavailable (503); the limited ones answer 429; writes refuse bodies that are too large
    (413) or not JSON (415); an operation that reads a body refuses invalid JSON (400).
    """
    codes = {422, 503}
    if path not in EXEMPT_PATHS:
        codes.add(429)
    if method in BODY_METHODS:
        codes |= {413, 415}
    if "requestBody" in operation:
        codes.add(400)
    return sorted(codes)
