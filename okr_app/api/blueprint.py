"""The flask-smorest blueprint every area uses: tokens, admins, ``If-Match`` and their docs."""

import inspect
import json
from copy import deepcopy
from functools import cache, wraps

import flask_smorest
import flask_smorest.pagination
import marshmallow as ma
from flask import current_app, g, request
from flask_smorest import abort
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request

from okr_app.api import idempotency, security_docs
from okr_app.api.auditing import audited
from okr_app.api.authentication import AccessPolicy, authenticate, caller_is_admin
from okr_app.api.etags import ETAG_HEADER, IF_MATCH_NOTE, IF_MATCH_PARAMETER
from okr_app.api.schemas import parse_integer

BEARER = security_docs.BEARER
ERROR = security_docs.ERROR


class ArgumentsParser(FlaskParser):
    """webargs' parser, making each argument schema class into an instance once, not per request."""

    def _get_schema(self, argmap, req):
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            return _instance_of(argmap)
        return super()._get_schema(argmap, req)

    def _raw_load_json(self, req):
        """Read a JSON body, keeping integer literals too long to convert for their field.

        The standard library refuses an integer of over 4,300 digits with a ``ValueError``
        that webargs does not expect; the base schema refuses the stand-in by field name.
        """
        if not is_json_request(req):
            return missing
        # Undecodable bytes raise UnicodeDecodeError, which webargs answers with 400.
        text = body_within_limit(req).decode()
        return json.loads(text, parse_int=parse_integer)


def body_within_limit(req):
    """Return the request body, or answer 413 if it is longer than the request's limit.

    A body without ``Content-Length`` (chunked) is cut at the limit by Werkzeug, which
    would make it invalid JSON (400): whether anything follows the cut decides.
    """
    data = req.get_data(cache=True)
    limit = req.max_content_length
    cut = req.content_length is None and limit is not None and len(data) >= limit
    if cut and req.environ["wsgi.input"].read(1):
        abort(413, message=f"The request body is larger than {limit} bytes.")
    return data


MAX_PAGE = 1_000_000


def bounded_pagination_schema(page, page_size, max_page_size):
    """Return flask-smorest's pagination schema with ``page`` at most ``MAX_PAGE``.

    Its own has no upper bound, so a huge page number reached the database as an offset
    beyond its integer range (a 500). flask-smorest offers no hook for the bound: its
    factory is replaced (the version is pinned), for the parsing and the document alike.
    """
    schema = _smorest_pagination_schema(page, page_size, max_page_size)
    bounded = ma.fields.Integer(load_default=page, validate=ma.validate.Range(min=1, max=MAX_PAGE))
    return type(schema.__name__, (schema,), {"page": bounded})


_smorest_pagination_schema = flask_smorest.pagination._pagination_parameters_schema_factory
flask_smorest.pagination._pagination_parameters_schema_factory = bounded_pagination_schema


@cache
def _instance_of(schema_class):
    """Return the one instance of ``schema_class`` that parses every request's arguments."""
    return schema_class()


class Blueprint(flask_smorest.Blueprint):
    """A blueprint with ``login_required``, ``admin_required`` and ``if_match`` decorators.

    ``extra_tags`` names the OpenAPI tags (``{"name", "description"}``) that some of its
    routes use instead of the blueprint's own, for the factory to declare.
    """

    def __init__(self, *args, extra_tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.extra_tags = list(extra_tags)
        # After flask-smorest's own: the arguments' callback replaces the parameters.
        self._prepare_doc_cbks.append(security_docs.add_header_parameters)

    ARGUMENTS_PARSER = PAGINATION_ARGUMENTS_PARSER = ArgumentsParser()

    # ``@blp.paginate()``: ``?page=&page_size=``, 20 by default, at most 100; ``page`` at
    # most ``MAX_PAGE`` (see ``bounded_pagination_schema``).
    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 20, "max_page_size": 100}

    def _document_pagination_metadata(self, spec, resp_doc):
        """Document ``X-Pagination`` as what it is: a JSON object in a header."""
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = {
            "description": "Pagination metadata as a JSON object.",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/PaginationMetadata"}}
            },
        }

    def login_required(
        self,
        view=None,
        *,
        refresh=False,
        personal_tokens=True,
        key_result_arg=None,
        replayable=True,
        opens_reads=False,
    ):
        """Require a valid token; declare what personal access tokens may do here.

        A personal token needs the ``read`` scope for GET and ``write`` otherwise;
        ``personal_tokens=False`` refuses them (403). ``key_result_arg`` names the view
        argument holding the one key result a restricted token may use here (or
        ``authentication.IN_BODY`` when the view checks its body); without it, restricted
        tokens are refused. A write with ``Idempotency-Key`` runs once per key of the
        caller, unless ``replayable=False`` (answers holding credentials are never kept).
        ``opens_reads``: the write makes a way to read the account, so a token needs ``read``.
        The answers, schemes and scopes are documented per operation.
        """
        policy = AccessPolicy(refresh, personal_tokens, key_result_arg, opens_reads)

        def decorator(function):
            if replayable:
                function = idempotency.replayable(function, _user_scope)

            @wraps(function)
            def guarded(*args, **kwargs):
                authenticate(policy)
                return current_app.ensure_sync(function)(*args, **kwargs)

            guarded._apidoc = deepcopy(getattr(guarded, "_apidoc", {}))
            guarded._apidoc["okr_access"] = policy
            guarded._apidoc["okr_replay"] = "user" if replayable else None
            return self._document(guarded, 401)

        return decorator(view) if view else decorator

    def admin_required(self, view):
        """Require an admin's access token (never a personal one); document 401 and 403."""

        @wraps(view)
        def wrapper(*args, **kwargs):
            if not caller_is_admin():
                abort(403, message="This endpoint is for admins only.")
            return view(*args, **kwargs)

        protected = self._document(self.login_required(wrapper, personal_tokens=False), 403)
        protected._apidoc = deepcopy(protected._apidoc)
        protected._apidoc["okr_admin"] = True  # documented as "Admins only."
        return protected

    def replayable_by_address(self, view):
        """Let a write without a login run once per ``Idempotency-Key`` of the client address."""
        replayed = idempotency.replayable(view, _address_scope)
        replayed._apidoc = deepcopy(getattr(replayed, "_apidoc", {}))
        replayed._apidoc["okr_replay"] = "address"
        return replayed

    def if_match(self, view):
        """Document the optional ``If-Match`` header and the 409 and 412 answers of a write."""
        _summary, _, body = inspect.cleandoc(view.__doc__ or "").partition("\n")
        description = (body.strip() + "\n\n" + IF_MATCH_NOTE).strip()
        for code in (409, 412):
            view = self.alt_response(code, response=ERROR)(view)
        view = self.doc(description=description)(view)
        view._apidoc = deepcopy(view._apidoc)
        view._apidoc.setdefault("okr_headers", []).append(IF_MATCH_PARAMETER)
        return view

    def versioned(self, schema, status=200, *, headers=None, errors=(404,)):
        """Document an answer of ``schema`` with its ``ETag``, and the ``errors`` it may give."""

        def decorator(view):
            for code in errors:
                view = self.alt_response(code, response=ERROR)(view)
            return self.response(status, schema, headers={**ETAG_HEADER, **(headers or {})})(view)

        return decorator

    def versioned_write(self, action, arguments=None, response=None):
        """Declare a conditional write of one row by id, audited as ``action``.

        The caller's token, ``If-Match`` and its 409/412, the body ``arguments`` if any, and
        the answer: ``response`` with the row's ``ETag``, or 204 without one; 404 for an id
        that is not the caller's. The view runs it with ``etags.write_versioned``.
        """

        def decorator(view):
            if response is None:
                view = self.alt_response(404, response=ERROR)(self.response(204)(view))
            else:
                view = self.versioned(response)(view)
            if arguments is not None:
                view = self.arguments(arguments)(view)
            return audited(action)(self.login_required(self.if_match(view)))

        return decorator

    def _document(self, view, *codes):
        """Add error responses and the bearer security requirement to the docs."""
        for code in codes:
            view = self.alt_response(code, response=ERROR)(view)
        return self.doc(security=BEARER)(view)

    def _store_endpoint_docs(self, endpoint, obj, parameters, tags, **options):
        """Document each operation's tokens and scopes, and ``Idempotency-Key`` on writes."""
        super()._store_endpoint_docs(endpoint, obj, parameters, tags, **options)
        for method, doc in self._docs[endpoint].items():
            if method != "parameters":
                security_docs.document_operation(doc, method.upper())
                name = getattr(obj, "__name__", endpoint)
                if len(self._docs[endpoint]) > 1 + ("parameters" in self._docs[endpoint]):
                    name = f"{method}_{name}"  # a MethodView: one function per method
                doc["manual_doc"].setdefault("operationId", operation_id(name))


#: View name prefixes read as the verb a client calls: ``post_check_in`` -> ``createCheckIn``.
VERBS = {"post": "create", "put": "replace", "patch": "update"}


def operation_id(function_name):
    """Return the operationId of a view: its function name in camelCase (``listObjectives``)."""
    first, *rest = function_name.split("_")
    return VERBS.get(first, first) + "".join(word.capitalize() for word in rest)


def _user_scope():
    """Return the idempotency scope of the authenticated caller: their account.

    A personal access token restricted to some key results has keys of its own: a replay
    answers before the view checks the body's key results, so under the account's keys it
    would hand the token what another token or session of the account did elsewhere.
    """
    token = g.get("okr_personal_token")
    if token is not None and token.key_result_ids is not None:
        return f"user:{g.okr_user_id}:token:{token.id}", g.okr_user_id
    return f"user:{g.okr_user_id}", g.okr_user_id


def _address_scope():
    """Return the idempotency scope of a request without a login: the client address."""
    return f"address:{request.remote_addr or 'unknown'}", None
