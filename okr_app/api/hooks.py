"""Request plumbing: trusted proxies, request ids, JSON-only API bodies, documented parameters.

The request id is assigned when the request starts, before any ``before_request`` hook
(the rate limiter's included) may refuse it, so every answer and log line carries one.
"""

import re
import uuid

from flask import current_app, g, request, request_started
from flask_smorest import abort
from werkzeug.middleware.proxy_fix import ProxyFix

from okr_app.extensions import api

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_OPENAPI_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


#: ``Authorization: bearer  <credentials>``: the scheme in any case, one space or more.
_ANY_BEARER = re.compile(r"(?i:bearer) +(?=\S)")


def init_app(app):
    """Trust ``OKR_TRUSTED_PROXIES`` hops and install the request hooks."""
    hops = app.config["OKR_TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_prefix=hops)
    app.wsgi_app = BearerScheme(app.wsgi_app)
    request_started.connect(assign_request_id, app)
    app.before_request(require_json_body)
    app.before_request(refuse_unknown_query_parameters)
    app.after_request(return_request_id)


class BearerScheme:
    """Spell the ``Authorization`` scheme ``Bearer `` before anything reads the header.

    An authentication scheme is case-insensitive and may be followed by several spaces
    (RFC 9110, section 11.1): ``bearer``, ``BEARER`` and ``Bearer  <token>`` are the same
    credentials, which the token checks, the rate limiter's key and the metrics scraper's
    check all read as ``Bearer <token>``.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        """Rewrite the scheme unless it reads ``Bearer `` and one space already."""
        header = environ.get("HTTP_AUTHORIZATION")
        if header and not (header.startswith("Bearer ") and header[7:8] != " "):
            match = _ANY_BEARER.match(header)
            if match:
                environ["HTTP_AUTHORIZATION"] = "Bearer " + header[match.end() :]
        return self.wsgi_app(environ, start_response)


def forget_when_requests_start(app, *names):
    """Drop ``names`` from ``g`` as each request starts, before any hook reads them.

    Requests may share one application context, so one ``g`` (a test's may keep one around
    several requests); what a request keeps there must not reach the next one.
    """

    def forget(_app, **_extra):
        kept = g._get_current_object()  # looked up once (``docs/PERFORMANCE.md``)
        for name in names:
            kept.pop(name, None)

    # blinker holds receivers weakly by default, and nothing else holds this one.
    request_started.connect(forget, app, weak=False)


def assign_request_id(_app, **_extra):
    """Keep a well-formed ``X-Request-ID`` from the proxy, or make a new one.

    That id is echoed and logged; the audit trail gets its own, always new
    (``g.audit_request_id``), since a client may send one id twice. A client's own id is
    kept in ``g.client_request_id`` for the row's details.
    """
    supplied = request.headers.get("X-Request-ID", "")
    own, kept = uuid.uuid4().hex, g._get_current_object()
    kept.audit_request_id = own
    if REQUEST_ID_PATTERN.match(supplied):
        kept.request_id = kept.client_request_id = supplied
    else:
        kept.request_id = own
        kept.pop("client_request_id", None)


def require_json_body(_methods=BODY_METHODS):
    """Refuse a request body not declared as JSON (415), or missing where one is read (422)."""
    current = request._get_current_object()  # looked up once (``docs/PERFORMANCE.md``)
    if current.method not in _methods or not is_api_operation(current):
        return
    has_body = (current.content_length or 0) > 0 or current.headers.get("Transfer-Encoding")
    if has_body and not current.is_json:
        abort(415, message="Send the request body as JSON (Content-Type: application/json).")
    rule = current.url_rule
    if not has_body and rule is not None and (rule.rule, current.method) in request_bodies():
        abort(422, errors={"json": {"_schema": ["A JSON body is required."]}})


def refuse_unknown_query_parameters():
    """Refuse query parameters that the operation does not document, or repeated, with 422."""
    current = request._get_current_object()
    if not current.args or current.url_rule is None:
        return
    documented = documented_query_parameters().get((current.url_rule.rule, current.method))
    if documented is None:
        return  # not an API operation: documentation and its assets
    errors = {name: ["Unknown field."] for name in current.args if name not in documented}
    for name in current.args:
        if documented.get(name) is False and len(current.args.getlist(name)) > 1:
            errors[name] = ["Give this parameter once."]
    if errors:
        abort(422, errors={"query": dict(sorted(errors.items()))})


def is_api_operation(current):
    """Tell whether ``current`` (the request) goes to an API operation, or to no route at all.

    Pages of the web interface take form posts: only the API requires JSON bodies.
    """
    rule = current.url_rule
    return rule is None or (rule.rule, current.method) in documented_query_parameters()


def documented_query_parameters():
    """Return ``{(url rule, method): {query parameter name: is a list}}`` from the document."""
    app = current_app._get_current_object()
    cached = app.extensions.get("okr_query_parameters")
    if cached is None:
        cached, bodies = {}, set()
        paths = api.spec.to_dict()["paths"]
        for rule in app.url_map.iter_rules():
            operations = paths.get(_OPENAPI_PARAMETER.sub(r"{\1}", rule.rule), {})
            shared = operations.get("parameters", [])
            for method, operation in operations.items():
                if method != "parameters":
                    parameters = [
                        *shared,
                        *operation.get("parameters", []),
                        *operation.get("x-legacy-query-parameters", []),
                    ]
                    if "requestBody" in operation:
                        bodies.add((rule.rule, method.upper()))
                    cached[(rule.rule, method.upper())] = {
                        item["name"]: item.get("schema", {}).get("type") == "array"
                        for item in parameters
                        if item.get("in") == "query"
                    }
        app.extensions["okr_query_parameters"] = cached
        app.extensions["okr_request_bodies"] = frozenset(bodies)
    return cached


def request_bodies():
    """Return the ``(url rule, method)`` pairs whose operation reads a JSON body."""
    documented_query_parameters()
    return current_app.extensions["okr_request_bodies"]


def return_request_id(response):
    """Echo the request id to the client."""
    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response
