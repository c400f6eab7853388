"""Nothing a signed-in user sees is stored by the browser: every page says Cache-Control: no-store."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import make_job, store_list

pytestmark = pytest.mark.django_db

# Patterns without a name cannot be reversed; none of them is a page of its own.
UNNAMED = {
    "schema/",  # the API schema with a trailing slash (the named one is tested)
    "projects/<project_id:project_id>/visualization-jobs/",  # API list, trailing slash
    "projects/<project_id:project_id>/visualization-jobs/<job_id:job_id>/",  # API detail, trailing slash
    "",  # the API's JSON 404 for everything else under /api/
    "^admin/jobs/(?P<rest>(?:credential|apitoken)/.*)$",  # redirects from the admin's old addresses
    "^admin/jobs/(?P<rest>auditevent/.*)$",
    "admin/password_change/",  # the throttled form in place of the admin's, tested as admin:password_change
    "<path:object_id>/",  # the admin's redirect from an object's old URL to its change page
    "(?P<url>.*)$",  # the admin's catch-all redirect
}


def page_patterns(patterns=None, namespace=""):
    """(name, pattern) for every named URL pattern, walking into includes."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from page_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern
        else:
            assert str(pattern.pattern) in UNNAMED, f"unnamed pattern {pattern.pattern}: name it or list it"


def sample_arguments(pattern: URLPattern, credential, user) -> dict:
    """A value for each argument of the pattern: alice's own objects where it names one."""
    samples = {
        "id": user.pk,  # the admin's password form for a user
        "pk": credential.pk,
        "project_id": credential.project_id,
        "job_id": 1,
        "app_label": "accounts",
        "model_name": "credential",
        "object_id": credential.pk,
        "content_type_id": 1,
        "uidb64": "MQ",
        "token": "set-password",
    }
    names = pattern.pattern.regex.groupindex
    return {name: samples[name] for name in names}


@pytest.fixture
def credential(alice_credential):
    store_list(alice_credential, [make_job(1, status=8, service_url="https://tb.example.com/")])
    return alice_credential


def test_every_page_for_a_signed_in_user_says_no_store(alice_client, alice, credential):
    alice.is_staff = alice.is_superuser = True  # the admin's pages too
    alice.save()
    urls = {reverse(name, kwargs=sample_arguments(pattern, credential, alice)) for name, pattern in page_patterns()}
    assert {"/", "/credentials/", "/admin/", "/api/schema", "/accounts/password_change/"} <= urls

    for url in sorted(urls):
        response = alice_client.get(url)
        assert "no-store" in response.get("Cache-Control", ""), f"{url} answered {response.status_code} without it"


def test_static_files_keep_their_own_caching(alice_client):
    response = alice_client.get("/static/css/app.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_api_keeps_its_never_cache_headers(alice_client, credential):
    response = alice_client.get(f"/api/projects/{credential.project_id}/visualization-jobs")

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
