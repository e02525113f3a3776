"""Request plumbing: trusted proxies, request ids and JSON-only bodies."""

import re
import uuid

from flask import g, request
from flask_smorest import abort
from werkzeug.middleware.proxy_fix import ProxyFix

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def init_app(app):
    """Trust ``OKR_TRUSTED_PROXIES`` hops and install the request hooks."""
    hops = app.config["OKR_TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
    app.before_request(assign_request_id)
    app.before_request(require_json_body)
    app.before_request(refuse_nameless_query_parameters)
    app.after_request(return_request_id)


def assign_request_id():
    """Keep a well-formed ``X-Request-ID`` from the proxy, or make a new one."""
    supplied = request.headers.get("X-Request-ID", "")
    g.request_id = supplied if REQUEST_ID_PATTERN.match(supplied) else uuid.uuid4().hex


def require_json_body(_methods=BODY_METHODS):
    """Refuse a request body that is not declared as JSON with 415."""
    if request.method not in _methods:
        return
    has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding")
    if has_body and not request.is_json:
        abort(415, message="Send the request body as JSON (Content-Type: application/json).")


def refuse_nameless_query_parameters():
    """Refuse ``?=value``: a parameter without a name is never one the API documents.

    Other unknown query parameters are ignored, as webargs does for query strings.
    """
    if "" in request.args:
        abort(422, errors={"query": {"": ["Unknown field."]}})


def return_request_id(response):
    """Echo the request id to the client."""
    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response
