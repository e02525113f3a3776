"""The rules every operation of the OpenAPI document follows, applied in one place.

An apispec plugin: answers list as ``required`` every field the API always sends, a
nullable nested object is one type (``allOf`` plus ``nullable``), and every operation
documents the errors the plumbing may answer, each with the real error shape.
"""

import re

from apispec import BasePlugin

from okr_app.api.errors_doc import (
    ERROR_MESSAGES,
    ERROR_RESPONSES,
    error_codes,
    response_name,
)

REF_PREFIX = "#/components/schemas/"


class ContractPlugin(BasePlugin):
    """Make response schemas strict and document the common error answers."""

    def __init__(self, config):
        super().__init__()
        self.config = config

    def init_spec(self, spec):
        """Keep the spec; declare one response component per documented error code."""
        super().init_spec(spec)
        self.spec = spec
        spec.to_dict = _ordered(spec, spec.to_dict)
        self.schemas = {}
        self.inputs = set()  # components read from request bodies: their own rules stand
        self.original_required = {}
        for code, (description, example) in ERROR_RESPONSES.items():
            spec.components.response(
                response_name(code),
                {
                    "description": description,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": REF_PREFIX + "Error"},
                            "example": example,
                        }
                    },
                },
            )

    def schema_helper(self, name, definition, schema=None, **kwargs):
        """Remember each component's schema; type the error shape; clean nullable objects."""
        self.schemas[name] = schema
        if name == "Error":
            definition["properties"]["errors"] = ERROR_MESSAGES
            definition["required"] = ["code", "status", "message"]
        definition.update(getattr(schema, "OPENAPI", {}))
        for prop in definition.get("properties", {}).values():
            _clean_nullable(prop)
            self._apply_settings(prop)
            _refuse_nul(prop)
        return None

    def _apply_settings(self, prop):
        """Write the lengths a property takes from the settings (``x-length-settings``)."""
        settings = prop.pop("x-length-settings", None)
        if settings:
            prop["minLength"] = self.config[settings[0]]
            prop["maxLength"] = self.config[settings[1]]

    def operation_helper(self, path=None, operations=None, **kwargs):
        """Mark what the answers always send as required; document the common errors."""
        for method, operation in (operations or {}).items():
            if method == "parameters":
                continue
            _markdown(operation)
            _set_legacy_parameters_aside(operation)
            for parameter in operation.get("parameters", []):
                if isinstance(parameter, dict) and parameter.get("in") != "path":
                    _refuse_nul(parameter.get("schema", {}))
            body = operation.get("requestBody", {})
            if isinstance(body, dict):
                for content in body.get("content", {}).values():
                    self._mark_input(content.get("schema"))
            responses = operation.setdefault("responses", {})
            for code, response in list(responses.items()):
                if str(code).startswith("2") and isinstance(response, dict):
                    for content in response.get("content", {}).values():
                        self._mark_sent(content.get("schema"), set())
            for code in error_codes(path, method, operation):
                if not any(str(key) == str(code) for key in responses):
                    responses[code] = "DEFAULT_ERROR"
            for code, response in list(responses.items()):
                if response == "DEFAULT_ERROR" and int_code(code) in ERROR_RESPONSES:
                    del responses[code]
                    responses[str(code)] = response_name(int_code(code))

    def _mark_input(self, schema):
        """Note the components a request body reads, restoring their own required lists."""
        for name in _components_under(schema, self.spec.components.schemas):
            self.inputs.add(name)
            if name in self.original_required:
                definition = self.spec.components.schemas[name]
                definition.pop("required", None)
                if self.original_required[name]:
                    definition["required"] = self.original_required[name]

    def _mark_sent(self, schema, seen):
        """Mark the always-sent fields of ``schema`` and of the schemas it holds required."""
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref", "")
        if ref.startswith(REF_PREFIX):
            name = ref[len(REF_PREFIX) :]
            if name in seen:
                return
            seen.add(name)
            definition = self.spec.components.schemas.get(name)
            if definition is not None:
                self._require(name, definition)
                self._mark_sent(definition, seen)
            return
        for key in ("items", "additionalProperties"):
            self._mark_sent(schema.get(key), seen)
        for key in ("allOf", "anyOf", "oneOf"):
            for item in schema.get(key, ()):
                self._mark_sent(item, seen)
        for prop in schema.get("properties", {}).values():
            self._mark_sent(prop, seen)

    def _require(self, name, definition):
        """List as required the fields of the component ``name`` that every dump sends."""
        schema = self.schemas.get(name)
        if schema is None or not hasattr(schema, "dump_fields") or name in self.inputs:
            return
        self.original_required.setdefault(name, definition.get("required"))
        sent = [
            field.data_key or field_name
            for field_name, field in schema.dump_fields.items()
            if not field.metadata.get("sometimes")
        ]
        required = [key for key in sent if key in definition.get("properties", {})]
        if required:
            definition["required"] = sorted(set(definition.get("required", [])) | set(required))


def _components_under(schema, components, found=None):
    """Return the names of the components ``schema`` refers to, directly or not."""
    found = set() if found is None else found
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith(REF_PREFIX) and ref[len(REF_PREFIX) :] not in found:
            name = ref[len(REF_PREFIX) :]
            found.add(name)
            _components_under(components.get(name), components, found)
        for value in schema.values():
            _components_under(value, components, found)
    elif isinstance(schema, list):
        for value in schema:
            _components_under(value, components, found)
    return found


#: Strings may hold any character but NUL, which PostgreSQL cannot store (refused: 422).
NO_NUL = "^[^\\u0000]*$"


def _refuse_nul(prop):
    """State on a free string property (no enum, pattern or format) that NUL is refused."""
    items = prop.get("items")
    if isinstance(items, dict) and "$ref" not in items:
        _refuse_nul(items)
    free = prop.get("format", "password") == "password" and not {"enum", "pattern"} & set(prop)
    if prop.get("type") == "string" and free:
        prop["pattern"] = NO_NUL


def _set_legacy_parameters_aside(operation):
    """Move query parameters kept for older clients to ``x-legacy-query-parameters``.

    They are still accepted, but answer what another operation documents (a field
    marked ``x-legacy``), so generated clients and fuzzers leave them alone.
    """
    parameters = operation.get("parameters", [])
    legacy = [item for item in parameters if item.get("schema", {}).pop("x-legacy", False)]
    if legacy:
        operation["parameters"] = [item for item in parameters if item not in legacy]
        operation["x-legacy-query-parameters"] = legacy


#: Within a path, operations read in the order a reader expects: list or read, create,
#: replace, change, delete.
METHOD_ORDER = ("parameters", "get", "post", "put", "patch", "delete")
RST_LITERAL = re.compile(r"``([^`]+)``")


def _ordered(spec, to_dict):
    """Wrap ``to_dict`` so that each path's methods come out in ``METHOD_ORDER``.

    A path's operations arrive one view at a time, in the order the views were written.
    """

    def ordered_to_dict():
        for operations in spec._paths.values():
            _order_methods(operations)
        return to_dict()

    return ordered_to_dict


def _order_methods(operations):
    """Reorder ``operations`` (a path's methods) in place, as ``METHOD_ORDER`` says."""
    ordered = sorted(operations.items(), key=lambda item: _rank(item[0]))
    operations.clear()
    operations.update(ordered)


def _rank(method):
    """Return the position of ``method`` in ``METHOD_ORDER`` (unknown ones last)."""
    return METHOD_ORDER.index(method) if method in METHOD_ORDER else len(METHOD_ORDER)


def _markdown(operation):
    """Write reStructuredText literals of docstrings (````x````) as Markdown code (`x`)."""
    for key in ("summary", "description"):
        if isinstance(operation.get(key), str):
            operation[key] = RST_LITERAL.sub(r"`\1`", operation[key])


def int_code(code):
    """Return a status code as an integer, or None for ``default``."""
    return int(code) if str(code).isdigit() else None


def _clean_nullable(prop):
    """Write a nullable nested object as ``allOf: [ref], nullable`` rather than two types."""
    choices = prop.get("anyOf")
    if not choices or len(choices) != 2:
        return
    refs = [item for item in choices if "$ref" in item]
    nulls = [item for item in choices if item.get("nullable") and "$ref" not in item]
    if len(refs) == 1 and len(nulls) == 1:
        del prop["anyOf"]
        prop["allOf"] = refs
        prop["nullable"] = True
