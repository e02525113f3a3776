"""The flask-smorest blueprint every area uses: tokens, admins, ``If-Match`` and their docs."""

import inspect
from functools import cache, wraps

import flask_smorest
import marshmallow as ma
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import abort
from webargs.flaskparser import FlaskParser

from okr_app.api.auditing import audited
from okr_app.api.etags import ETAG_HEADER, IF_MATCH_NOTE, IF_MATCH_PARAMETER

BEARER = [{"bearerAuth": []}]
ERROR = "DEFAULT_ERROR"


class ArgumentsParser(FlaskParser):
    """webargs' parser, making each argument schema class into an instance once, not per request."""

    def _get_schema(self, argmap, req):
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            return _instance_of(argmap)
        return super()._get_schema(argmap, req)


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

    ARGUMENTS_PARSER = PAGINATION_ARGUMENTS_PARSER = ArgumentsParser()

    # ``@blp.paginate()``: ``?page=&page_size=``, 20 by default, at most 100.
    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 20, "max_page_size": 100}

    def _document_pagination_metadata(self, spec, resp_doc):
        """Document ``X-Pagination`` as what it is: a JSON object in a header."""
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = {
            "description": "Pagination metadata as a JSON object.",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/PaginationMetadata"}}
            },
        }

    def login_required(self, view=None, *, refresh=False):
        """Require a valid token; document the 401 answer and the bearer scheme."""

        def decorator(function):
            return self._document(jwt_required(refresh=refresh)(function), 401)

        return decorator(view) if view else decorator

    def admin_required(self, view):
        """Require an admin's access token; document the 401 and 403 answers."""

        @wraps(view)
        def wrapper(*args, **kwargs):
            if current_user.role != "admin":
                abort(403, message="This endpoint is for admins only.")
            return view(*args, **kwargs)

        protected = self._document(jwt_required()(wrapper), 401, 403)
        _summary, _, body = inspect.cleandoc(view.__doc__ or "").partition("\n")
        return self.doc(description=(body.strip() + "\n\nAdmins only.").strip())(protected)

    def if_match(self, view):
        """Document the optional ``If-Match`` header and the 409 and 412 answers of a write."""
        _summary, _, body = inspect.cleandoc(view.__doc__ or "").partition("\n")
        description = (body.strip() + "\n\n" + IF_MATCH_NOTE).strip()
        for code in (409, 412):
            view = self.alt_response(code, response=ERROR)(view)
        return self.doc(parameters=[IF_MATCH_PARAMETER], description=description)(view)

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
