"""How the OpenAPI document states each operation's tokens, scopes and ``Idempotency-Key``."""

from okr_app.api.authentication import IN_BODY, PERSONAL_TOKEN_PREFIX
from okr_app.api.idempotency import HEADER, REPLAYED_HEADER, WRITE_METHODS

ERROR = "DEFAULT_ERROR"
BEARER = [{"bearerAuth": []}]
SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access token from `POST /auth/login` (15 minutes by default).",
    },
    "personalToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": PERSONAL_TOKEN_PREFIX + "...",
        "description": "A personal access token from `POST /auth/tokens`, sent as "
        "`Authorization: Bearer okr_pat_...`. Its scopes (`read` for GET, `write` for "
        "POST, PUT, PATCH and DELETE) are named by each operation under `x-token-scopes`.",
    },
}
IDEMPOTENCY_KEY_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "Any 1 to 255 visible ASCII characters, unique per intended change (a "
    "UUID). A retry with the same key, method, path and body within "
    "`OKR_IDEMPOTENCY_KEY_SECONDS` (24 hours by default) gets the first answer again "
    f"(status, body, `Location`, `ETag`) with `{REPLAYED_HEADER}: true`, and changes "
    "nothing. The key with another method, path or body is 422; while the first request "
    "is still running, 409 with `Retry-After`. A 5xx answer is not kept, nor one with "
    "`Retry-After`: the retry it asks for runs.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
NOT_REPLAYED = (
    f"`{HEADER}` is accepted but never replays this answer: it holds credentials, which "
    "are not kept, or it ends the session that sends it (logout)."
)
#: The header on those operations: what its description says must hold there too.
UNREPLAYED_KEY_PARAMETER = {
    **IDEMPOTENCY_KEY_PARAMETER,
    "description": "Any 1 to 255 visible ASCII characters. Accepted, but this operation "
    "never replays an answer: each request with the same key runs again (it holds "
    "credentials, which are not kept, or it ends the session that sends it).",
}
BY_ADDRESS = f"Without a login, an `{HEADER}` belongs to the client address."


def document_operation(doc, method):
    """Complete one operation's stored documentation for ``method``, in place."""
    manual = doc.setdefault("manual_doc", {})
    notes = []
    policy = doc.get("okr_access")
    if policy is not None:
        notes.append(_token_note(doc, manual, policy, method))
    if method in WRITE_METHODS:
        replay = doc.get("okr_replay")
        parameter = IDEMPOTENCY_KEY_PARAMETER if replay is not None else UNREPLAYED_KEY_PARAMETER
        doc.setdefault("okr_headers", []).append(parameter)
        if replay is None:
            notes.append(NOT_REPLAYED)
        else:
            _add_responses(doc, 409, 422)
            if replay == "address":
                notes.append(BY_ADDRESS)
    if doc.get("okr_admin"):
        notes.append("Admins only.")
    if notes:
        description = manual.get("description") or doc["docstring"].get("description", "")
        manual["description"] = "\n\n".join([description, *notes]).strip()


def add_header_parameters(operation, doc, **_options):
    """Add the header parameters the decorators declared to ``operation`` (a doc callback).

    Declared as ``okr_headers`` rather than as manual documentation, whose parameters would
    replace those of the query arguments.
    """
    headers = doc.get("okr_headers", [])
    if headers:
        operation.setdefault("parameters", []).extend(headers)
    return operation


def _token_note(doc, manual, policy, method):
    """Set the operation's security and scopes; return the sentence saying them."""
    scopes = policy.scopes(method)
    if scopes is None:
        manual["security"] = BEARER
        _add_responses(doc, 403)
        return "Personal access tokens are refused here (403): log in."
    manual["security"] = [*BEARER, {"personalToken": []}]
    manual["x-token-scopes"] = list(scopes)
    _add_responses(doc, 403)
    if policy.key_result_arg is None:
        restriction = "a token restricted to key results is refused (403)"
    elif policy.key_result_arg == IN_BODY:
        restriction = "a token restricted to key results may name those alone (else 403)"
    else:
        restriction = "a token restricted to key results may use those alone (else 403)"
    if len(scopes) > 1:
        needed = "the `read` and `write` scopes (this write opens a way to read the account)"
    else:
        needed = f"the `{scopes[0]}` scope"
    return f"Personal access tokens need {needed}; {restriction}."


def _add_responses(doc, *codes):
    """Document the API's error answer for each of ``codes``, unless documented already."""
    responses = doc.setdefault("response", {}).setdefault("responses", {})
    for code in codes:
        if code not in responses and str(code) not in responses:
            responses[code] = [ERROR]
