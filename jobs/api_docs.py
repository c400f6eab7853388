"""The API reference for people (/api/docs, jobs.api.api_docs): the OpenAPI description, read for a page.

Read from the same schema object /api/schema serves, so the page cannot describe another API than the one
served. Rendered on the server by templates/jobs/api_docs.html (no script, nothing from a CDN). The schema's
own words are in English; the page around them follows the visitor's language.
"""

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

# Bounds that only say how the value is stored (a 32- or 64-bit integer): no reader's business.
STORAGE_BOUNDS = {2**31 - 1, -(2**31 - 1), 2**63 - 1, -(2**63 - 1)}
REF_PREFIX = "#/components/schemas/"
METHOD_ORDER = ("get", "post", "put", "patch", "delete")


@dataclass
class Field:
    """A parameter, or a property of a body: what to send (or what comes back) and its limits."""

    name: str
    type: str
    required: bool
    description: str = ""
    location: str = ""  # parameters only: path or query
    ref: str = ""  # the schema the value is, when it is one of the described schemas
    constraints: list[tuple[str, str]] = field(default_factory=list)  # (kind, value), worded by the template


@dataclass
class Answer:
    status: str
    phrase: str  # HTTP's name for the status, as on the wire: English
    description: str
    body: str = ""  # the schema's name; empty when the answer has no body
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Model:
    name: str
    description: str
    fields: list[Field]
    closed: bool  # other properties are refused


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Field]
    body: Model | None  # the request body's schema
    answers: list[Answer]
    schemes: list[tuple[str, list[str]]]  # (security scheme, scopes it needs), any one of them will do


def _ref_name(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref", "")
    return ref.removeprefix(REF_PREFIX) if ref.startswith(REF_PREFIX) else ""


def type_name(schema: dict[str, Any]) -> str:
    """A short, readable type: "integer", "string or null", "array of Job", "JobDetail"."""
    if _ref_name(schema):
        return _ref_name(schema)
    if "anyOf" in schema:
        names = [type_name(option) for option in schema["anyOf"]]
        return " or ".join(dict.fromkeys(name for name in names if name))
    kind = schema.get("type", "")
    if kind == "array":
        return f"array of {type_name(schema.get('items', {}))}".strip()
    if "const" in schema and not kind:
        return type(schema["const"]).__name__
    return kind or "any"


def _first_ref(schema: dict[str, Any]) -> str:
    """The described schema a value is, or may be (the Notice of "Notice or null"), for a link to it."""
    if _ref_name(schema):
        return _ref_name(schema)
    for option in schema.get("anyOf", []) + ([schema["items"]] if "items" in schema else []):
        if found := _first_ref(option):
            return found
    return ""


def constraints(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """What the schema allows beyond its type, each as a (kind, value) the template words in the page's language."""
    found: list[tuple[str, str]] = []
    options = [schema, *schema.get("anyOf", [])]
    values = [str(value) for option in options for value in option.get("enum", [])]
    values += [str(option["const"]) for option in options if "const" in option and option["const"] != ""]
    if values:
        found.append(("one_of", ", ".join(values)))
    if any(option.get("const") == "" for option in options):
        found.append(("may_be_empty", ""))
    if "default" in schema and schema["default"] not in ("", None):
        default = schema["default"]
        found.append(("default", str(default).lower() if isinstance(default, bool) else str(default)))
    for key in ("minimum", "maximum", "minLength", "maxLength", "pattern", "format"):
        if key in schema and schema[key] not in STORAGE_BOUNDS:
            found.append((key, str(schema[key])))
    return found


def _field(name: str, schema: dict[str, Any], required: bool, description: str = "", location: str = "") -> Field:
    return Field(
        name=name,
        type=type_name(schema),
        required=required,
        description=description or schema.get("description", ""),
        location=location,
        ref=_first_ref(schema),
        constraints=constraints(schema),
    )


def _body_name(container: dict[str, Any]) -> str:
    """The schema name of a request body or an answer (JSON is the only media type the API speaks)."""
    for media in container.get("content", {}).values():
        return _ref_name(media.get("schema", {})) or type_name(media.get("schema", {}))
    return ""


def _phrase(status: str) -> str:
    try:
        return HTTPStatus(int(status)).phrase
    except ValueError:  # "default", "4XX" and the like
        return ""


def _operation(path: str, method: str, described: dict[str, Any], models: dict[str, Model]) -> Operation:
    answers = [
        Answer(
            status=status,
            phrase=_phrase(status),
            description=answer.get("description", ""),
            body=_body_name(answer),
            headers=[(name, header.get("description", "")) for name, header in answer.get("headers", {}).items()],
        )
        for status, answer in sorted(described.get("responses", {}).items())
    ]
    parameters = [
        _field(parameter["name"], parameter.get("schema", {}), parameter.get("required", False),
               parameter.get("description", ""), parameter["in"])
        for parameter in described.get("parameters", [])
    ]  # fmt: skip
    return Operation(
        anchor=described.get("operationId", f"{method}-{path}"),
        method=method.upper(),
        path=path,
        summary=described.get("summary", ""),
        description=described.get("description", ""),
        parameters=parameters,
        body=models.get(_body_name(described.get("requestBody", {}))),
        answers=answers,
        schemes=[(name, scopes) for needed in described.get("security", []) for name, scopes in needed.items()],
    )


def _model(name: str, schema: dict[str, Any]) -> Model:
    required = set(schema.get("required", []))
    fields = [_field(key, value, key in required) for key, value in schema.get("properties", {}).items()]
    return Model(name, schema.get("description", ""), fields, schema.get("additionalProperties") is False)


def reference(schema: dict[str, Any]) -> dict[str, Any]:
    """The page's content: the API's words, its authentication schemes, operations in path and method order,
    and every described schema, read from an OpenAPI document."""
    components = schema.get("components", {})
    models = {name: _model(name, described) for name, described in components.get("schemas", {}).items()}
    operations = [
        _operation(path, method, described, models)
        for path, methods in sorted(schema.get("paths", {}).items())
        for method, described in sorted(methods.items(), key=lambda item: _method_rank(item[0]))
        if method in METHOD_ORDER
    ]
    return {
        "info": schema.get("info", {}),
        "operations": operations,
        "schemes": components.get("securitySchemes", {}),
        "models": list(models.values()),
    }


def _method_rank(method: str) -> int:
    return METHOD_ORDER.index(method) if method in METHOD_ORDER else len(METHOD_ORDER)
