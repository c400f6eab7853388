"""The OpenAPI description at /api/schema, generated from the operations' types: valid JSON, both endpoints, every
part described, and true to the real answers."""

import json
from datetime import timedelta

import pytest
import responses
from django.test import Client
from django.utils import timezone

from accounts.models import Credential
from jobs import api as api_module
from jobs import details
from jobs.listing import ListQueryForm
from tests.conftest import PROJECT_A, make_job, store_list

pytestmark = pytest.mark.django_db

LIST_PATH = "/api/projects/{project_id}/visualization-jobs"
DETAIL_PATH = "/api/projects/{project_id}/visualization-jobs/{job_id}"
STOP_PATH = f"{DETAIL_PATH}/stop"
RESTART_PATH = f"{DETAIL_PATH}/restart"
# The write operations: path, method, operation id, success status.
WRITES = [
    (LIST_PATH, "post", "createVisualizationJob", "202"),
    (STOP_PATH, "post", "stopVisualizationJob", "202"),
    (RESTART_PATH, "post", "restartVisualizationJob", "202"),
    (DETAIL_PATH, "patch", "updateVisualizationJob", "200"),
    (DETAIL_PATH, "delete", "deleteVisualizationJob", "202"),
]
UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
JSON_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema")
    assert response.status_code == 200
    return json.loads(response.content)


def lookup(document: dict, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def deref(document: dict, node: dict) -> dict:
    while "$ref" in node:
        node = lookup(document, node["$ref"])
    return node


def check(document: dict, value, node: dict, where: str = "$") -> None:
    """The parts of JSON Schema the description uses: enough to hold it to the real answers."""
    node = deref(document, node)
    for part in node.get("allOf", []):
        check(document, value, part, where)
    if "oneOf" in node:
        matches = 0
        for option in node["oneOf"]:
            try:
                check(document, value, option, where)
                matches += 1
            except AssertionError:
                pass
        assert matches == 1, f"{where}: {value!r} matches {matches} of oneOf"
    if "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        ok = any(
            isinstance(value, JSON_TYPES[name]) and not (name == "integer" and isinstance(value, bool))
            for name in types
        )
        assert ok, f"{where}: {value!r} is not {types}"
    if "const" in node:
        assert value == node["const"], where
    if "enum" in node:
        assert value in node["enum"], f"{where}: {value!r} not in {node['enum']}"
    if isinstance(value, dict):
        for name in node.get("required", []):
            assert name in value, f"{where}: {name} missing"
        for name, item in value.items():
            if name in node.get("properties", {}):
                check(document, item, node["properties"][name], f"{where}.{name}")
    if isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            check(document, item, node["items"], f"{where}[{index}]")


def response_schema(document: dict, path: str, status: int) -> dict:
    response = deref(document, document["paths"][path]["get"]["responses"][str(status)])
    return response["content"]["application/json"]["schema"]


def test_is_openapi_3_1_json_without_login(client):
    response = client.get("/api/schema")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] and document["info"]["version"]
    assert set(document["paths"]) == {LIST_PATH, DETAIL_PATH, STOP_PATH, RESTART_PATH}
    assert client.get("/api/schema/").status_code == 200


def test_every_reference_resolves(schema):
    refs = []

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(schema)
    assert refs
    for ref in refs:
        assert lookup(schema, ref)


def test_describes_the_bearer_scheme_and_requires_it(schema):
    assert schema["components"]["securitySchemes"]["BearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token from the dashboard's API tokens page.",
    }
    assert schema["components"]["securitySchemes"]["Session"] == {"type": "apiKey", "in": "cookie", "name": "sessionid"}
    for path in (LIST_PATH, DETAIL_PATH):
        operation = schema["paths"][path]["get"]
        assert operation["security"] == [{"BearerToken": []}, {"Session": []}]
        assert {"401", "404"} <= set(operation["responses"])
        assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]


@pytest.mark.parametrize(("path", "method", "operation_id", "success"), WRITES)
def test_every_write_operation_is_described(schema, path, method, operation_id, success):
    """Each write: what it does, who may call it, each refusal with its codes, and what it answers."""
    operation = schema["paths"][path][method]

    assert operation["operationId"] == operation_id
    assert operation["summary"] and operation["description"]
    assert operation["security"] == [{"BearerToken": ["read-write"]}, {"Session": []}]  # a token's scope
    assert {success, "401", "403", "404", "409", "502", "503", "504"} <= set(operation["responses"])
    for code in ("read_only_token", "csrf_failed", "actions_disabled", "not_permitted"):
        assert code in operation["responses"]["403"]["description"]
    assert "not_allowed_in_status" in operation["responses"]["409"]["description"]
    assert operation["responses"]["503"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    if operation_id == "deleteVisualizationJob":
        assert "content" not in operation["responses"][success]
    if "requestBody" in operation:
        assert "invalid_body" in operation["responses"]["400"]["description"]


def test_the_create_body_states_modelarts_limits(schema):
    body = deref(schema, schema["paths"][LIST_PATH]["post"]["requestBody"]["content"]["application/json"]["schema"])

    assert body["required"] == ["job_name", "train_url"]
    assert body["additionalProperties"] is False
    fields = body["properties"]
    assert fields["job_name"]["pattern"] == r"^[\w-]{1,20}$"
    assert fields["job_type"]["enum"] == ["tensorboard", "mindinsight"]
    assert fields["job_desc"]["maxLength"] == 256
    hours = fields["auto_stop_hours"]["anyOf"][0]
    assert (hours["minimum"], hours["maximum"]) == (0, 24)
    created = deref(
        schema, schema["paths"][LIST_PATH]["post"]["responses"]["202"]["content"]["application/json"]["schema"]
    )
    assert "url" in created["properties"]


def test_error_codes_are_listed(schema):
    description = schema["components"]["schemas"]["ErrorDetail"]["properties"]["code"]["description"]
    for code in ("read_only_token", "csrf_failed", "invalid_body", "not_allowed_in_status", "actions_disabled"):
        assert code in description


def test_list_parameters_are_the_list_page_ones(schema):
    parameters = [deref(schema, parameter) for parameter in schema["paths"][LIST_PATH]["get"]["parameters"]]

    assert {parameter["name"] for parameter in parameters} == {"project_id", *ListQueryForm(None).fields}
    detail = [deref(schema, parameter)["name"] for parameter in schema["paths"][DETAIL_PATH]["get"]["parameters"]]
    assert detail == ["project_id", "job_id"]


def test_every_operation_parameter_and_answer_is_described(schema):
    """Generated from the operations' types: each says what it does, takes and answers, in words too."""
    operations = [schema["paths"][path]["get"] for path in (LIST_PATH, DETAIL_PATH)]
    assert [operation["operationId"] for operation in operations] == ["listVisualizationJobs", "getVisualizationJob"]
    for operation in operations:
        assert operation["summary"] and operation["description"]
        for parameter in operation["parameters"]:
            assert parameter["description"] and parameter["schema"], parameter["name"]
        for status, answer in operation["responses"].items():
            assert answer["description"] != "OK" or status == "200", status
            assert "application/json" in answer["content"], status
    detail_answers = operations[1]["responses"]
    assert set(detail_answers) == {"200", "400", "401", "404", "409", "429", "500", "502", "503", "504"}
    assert set(operations[0]["responses"]) == {"200", "400", "401", "404", "500", "502"}
    assert detail_answers["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    assert "upstream_busy" in detail_answers["503"]["description"]
    for name in ("Job", "JobDetail", "JobList", "Refresh", "RefreshError", "Notice", "Error"):
        assert schema["components"]["schemas"][name]["description"], name


@responses.activate
def test_real_answers_match_the_description(schema, alice_client, alice_credential):
    store_list(alice_credential, [make_job(1, status=8), make_job(2, status=99, duration_ms=None)])
    responses.get(f"{UPSTREAM}/1", json={"job_id": 1, "job_name": "a", "status": 8, "create_time": 1700000000000})
    responses.get(f"{UPSTREAM}/2", status=504, json={})

    detail = alice_client.get(f"/api/projects/{PROJECT_A}/visualization-jobs/1").json()
    listing = alice_client.get(f"/api/projects/{PROJECT_A}/visualization-jobs").json()

    check(schema, detail, response_schema(schema, DETAIL_PATH, 200))
    check(schema, listing, response_schema(schema, LIST_PATH, 200))
    assert set(detail) == set(deref(schema, schema["components"]["schemas"]["Job"])["properties"]) | {"is_success"}
    assert set(listing) == set(schema["components"]["schemas"]["JobList"]["properties"])
    answers = [
        (DETAIL_PATH, 504, alice_client.get(f"/api/projects/{PROJECT_A}/visualization-jobs/2")),
        (LIST_PATH, 400, alice_client.get(f"/api/projects/{PROJECT_A}/visualization-jobs", {"group": "x"})),
        (LIST_PATH, 404, alice_client.get(f"/api/projects/{'f' * 32}/visualization-jobs")),
    ]
    Credential.objects.filter(pk=alice_credential.pk).update(access_key="AK\r\nX")  # stored before validation
    answers.append((DETAIL_PATH, 409, alice_client.get(f"/api/projects/{PROJECT_A}/visualization-jobs/3")))
    for path, status, response in answers:
        assert response.status_code == status
        check(schema, response.json(), response_schema(schema, path, status))
    unauthenticated = Client().get(f"/api/projects/{PROJECT_A}/visualization-jobs")
    check(schema, unauthenticated.json(), response_schema(schema, LIST_PATH, 401))


@responses.activate
def test_a_failing_lists_answer_matches_the_description(schema, alice_client, alice_credential):
    """The back-off's fields are filled in (failing since, failures in a row, next try) and described."""
    store_list(alice_credential, [make_job(1)], fetched_at=timezone.now() - timedelta(hours=1))
    responses.get(UPSTREAM, status=403, json={"error_code": "ModelArts.0108", "error_msg": "denied"})

    listing = alice_client.get(f"/api/projects/{PROJECT_A}/visualization-jobs").json()

    check(schema, listing, response_schema(schema, LIST_PATH, 200))
    refresh = listing["refresh"]
    assert set(refresh) == set(schema["components"]["schemas"]["Refresh"]["properties"])
    assert refresh["consecutive_failures"] == 1 and refresh["failing_since"] and refresh["next_try"]


def test_django_failures_match_the_description(schema, alice, alice_credential, settings, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    monkeypatch.setattr(details, "get_job", lambda *args: 1 / 0)
    too_many = {f"p{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    answers = [
        (LIST_PATH, 400, client.get(f"/api/projects/{PROJECT_A}/visualization-jobs", too_many)),
        (DETAIL_PATH, 400, client.get(f"/api/projects/{PROJECT_A}/visualization-jobs/1", headers={"Host": "x.test"})),
        (DETAIL_PATH, 500, client.get(f"/api/projects/{PROJECT_A}/visualization-jobs/1")),
    ]
    for path, status, response in answers:
        assert response.status_code == status
        check(schema, response.json(), response_schema(schema, path, status))


def test_only_get(client):
    response = Client(enforce_csrf_checks=True).post("/api/schema")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_every_job_says_when_its_fields_were_fetched(schema):
    """fetched_at: on a job's details (fresh or, with a notice, the cached row's), on each job of a list, and on
    the answers to writes, which give the job as the dashboard then has it."""
    components = schema["components"]["schemas"]
    for name in ("Job", "JobDetail", "CreatedJob"):
        field = components[name]["properties"]["fetched_at"]
        assert (field["type"], field["format"]) == ("string", "date-time"), name
        assert "UTC" in field["description"], name
        assert "fetched_at" in components[name]["required"], name
    assert deref(schema, components["JobList"]["properties"]["jobs"]["items"]) == components["Job"]


def test_the_description_is_generated_once_for_both_public_addresses(client, monkeypatch):
    """Anyone may ask for /api/schema and /api/docs: neither regenerates the description for each request."""
    generated = []
    original = api_module.api.get_openapi_schema

    def counted(*args, **kwargs):
        generated.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(api_module.api, "get_openapi_schema", counted)
    api_module._description.cache_clear()
    api_module._reference.cache_clear()
    try:
        first = client.get("/api/schema").json()
        assert client.get("/api/schema").json() == first
        assert client.get("/api/docs").status_code == client.get("/api/docs").status_code == 200
    finally:
        api_module._description.cache_clear()
        api_module._reference.cache_clear()

    assert generated == [{"path_prefix": "/api/"}]
    assert first["paths"][LIST_PATH]["get"]["operationId"]
