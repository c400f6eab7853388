"""The API reference page, /api/docs: every operation of the OpenAPI description at /api/schema, with its
parameters, body, answers and authentication, rendered on the server; public like the schema; no script."""

import html as html_lib
import json
import re

import pytest
from django.test import Client

from jobs import api_docs
from tests.test_accessibility import check_page

pytestmark = pytest.mark.django_db

DOCS = "/api/docs"


@pytest.fixture
def schema(client) -> dict:
    return json.loads(client.get("/api/schema").content)


@pytest.fixture
def page(client) -> str:
    response = client.get(DOCS)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def section(page: str, anchor: str) -> str:
    """The operation's part of the page, from its heading to the next operation's."""
    match = re.search(rf'<section class="api-operation" aria-labelledby="{anchor}">(.*?)</section>', page, re.S)
    assert match, anchor
    return html_lib.unescape(match.group(1))


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_needs_no_login_like_the_schema(client, alice_client):
    """The schema is public (tests/test_api_schema.py); its page for people is too."""
    assert client.get("/api/schema").status_code == 200
    assert client.get(DOCS).status_code == 200
    assert alice_client.get(DOCS).status_code == 200
    assert client.get(f"{DOCS}/").status_code == 200


def test_every_operation_has_a_heading_with_its_method_and_path(schema, page):
    found = list(operations(schema))
    assert len(found) >= 7
    for path, method, operation in found:
        heading = re.search(rf'<h2 id="{operation["operationId"]}">(.*?)</h2>', page, re.S)
        assert heading, operation["operationId"]
        text = re.sub(r"<[^>]+>|\s+", " ", heading.group(1)).split()
        assert text == [method.upper(), path]
        assert f'href="#{operation["operationId"]}"' in page  # in the table of contents


def test_every_parameter_is_in_its_operations_table(schema, page):
    for _path, _method, operation in operations(schema):
        part = section(page, operation["operationId"])
        for parameter in operation.get("parameters", []):
            row = re.search(rf"<th scope=\"row\"><code>{parameter['name']}</code></th>(.*?)</tr>", part, re.S)
            assert row, (operation["operationId"], parameter["name"])
            assert parameter["description"] in row.group(1)
            assert ("required" if parameter["required"] else "optional") in row.group(1)


def test_the_list_parameters_say_their_limits_and_defaults(page):
    part = section(page, "listVisualizationJobs")

    per_page = re.search(r"<code>per_page</code></th>(.*?)</tr>", part, re.S).group(1)
    assert "query string" in per_page and "<code>integer</code>" in per_page
    assert "One of: <code>10, 25, 50, 100, 200</code>" in per_page and "Default: <code>25</code>" in per_page
    project = re.search(r"<code>project_id</code></th>(.*?)</tr>", part, re.S).group(1)
    assert "path" in project and "Pattern: <code>^[0-9a-f]{32}$</code>" in project
    assert "9223372036854775807" not in part  # a storage bound, not a limit anyone needs


def test_every_answer_has_its_status_description_and_body(schema, page):
    for _path, _method, operation in operations(schema):
        part = section(page, operation["operationId"])
        for status, answer in operation["responses"].items():
            row = re.search(rf'<th scope="row"><code>{status}</code>(.*?)</tr>', part, re.S)
            assert row, (operation["operationId"], status)
            assert answer["description"] in re.sub(r"\s+", " ", row.group(1))
            if "content" in answer:
                name = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
                assert f'<a href="#schema-{name}"><code>{name}</code></a>' in row.group(1)
            for header in answer.get("headers", {}):
                assert f"<code>{header}</code>" in row.group(1)


def test_a_request_body_lists_its_fields(page):
    part = section(page, "updateVisualizationJob")

    assert "<h3>Request body</h3>" in part
    assert '<a href="#schema-DescriptionChange"><code>DescriptionChange</code></a>;' in part
    assert "other fields are refused" in part
    assert re.search(r"<code>job_desc</code></th>.*?required.*?At most 256 characters", part, re.S)


def test_writes_name_the_token_scope_they_need_and_reads_do_not(page):
    for anchor in ("createVisualizationJob", "stopVisualizationJob", "deleteVisualizationJob"):
        assert "(a token of scope <code>read-write</code>)" in section(page, anchor)
    for anchor in ("listVisualizationJobs", "getVisualizationJob"):
        part = section(page, anchor)
        assert "a token of scope" not in part
        assert '<a href="#auth-BearerToken"><code>BearerToken</code></a>' in part
        assert '<a href="#auth-Session"><code>Session</code></a>' in part
    assert '<dt id="auth-BearerToken">' in page and "Authorization: Bearer &lt;token&gt;" in page


def test_every_schema_has_its_fields(schema, page):
    for name, described in schema["components"]["schemas"].items():
        assert f'<h3 id="schema-{name}"><code>{name}</code></h3>' in page
        for field in described.get("properties", {}):
            assert f"<code>{field}</code></th>" in page


def test_links_point_at_parts_of_the_page(page):
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    targets = set(re.findall(r'href="#([^"]+)"', page))

    assert targets and targets <= ids, targets - ids


def test_a_schema_change_shows_on_the_page():
    """The page is read from the schema, not written by hand: a new operation appears."""
    schema = {
        "info": {"title": "T", "version": "1"},
        "paths": {"/api/x": {"get": {"operationId": "getX", "summary": "An x", "responses": {"204": {}}}}},
    }

    reference = api_docs.reference(schema)

    assert [(op.method, op.path, op.summary) for op in reference["operations"]] == [("GET", "/api/x", "An x")]
    assert reference["operations"][0].answers[0].phrase == "No Content"


def test_works_without_script_or_other_sites(page):
    assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", page)
    assert not re.search(r'(src|href)="(https?:)?//', page)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_accessible_in_both_languages(language):
    response = Client().get(DOCS, HTTP_ACCEPT_LANGUAGE=language)

    check_page(response.content.decode(), language, logged_in=False)


def test_the_page_chrome_is_translated_and_the_schema_words_marked_english(client):
    html = client.get(DOCS, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "<h1>API reference</h1>" not in html and "<h1>API 参考</h1>" in html
    assert "<h3>Responses</h3>" not in html
    assert '<p class="api-summary" lang="en">Create a job</p>' in html


def test_other_methods_get_the_apis_json_405(client):
    response = Client(enforce_csrf_checks=True).post(DOCS)

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert response["Allow"] == "GET"


def test_linked_from_the_api_tokens_page(alice_client):
    assert f'href="{DOCS}"' in alice_client.get("/settings/api-tokens/").content.decode()
