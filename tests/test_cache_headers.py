"""Nothing a signed-in user sees is stored by the browser: every page says Cache-Control: no-store."""

import pytest

from tests.conftest import make_job, store_list
from tests.urlconf import pages, sample_arguments, url

pytestmark = pytest.mark.django_db

EXCLUDED = {}  # every page, even an action that refuses a GET: its refusal is not stored either


@pytest.fixture
def credential(alice_credential):
    store_list(alice_credential, [make_job(1, status=8, service_url="https://tb.example.com/")])
    return alice_credential


def test_every_page_for_a_signed_in_user_says_no_store(alice_client, alice, credential, with_mail):
    alice.is_staff = alice.is_superuser = True  # the admin's pages too
    alice.save()
    urls = {url(name, sample_arguments(credential, alice)) for name in pages(EXCLUDED)}
    assert {"/", "/credentials/", "/admin/", "/api/schema", "/accounts/password_reset/"} <= urls

    for address in sorted(urls):
        response = alice_client.get(address)
        assert "no-store" in response.get("Cache-Control", ""), f"{address} answered {response.status_code} without"


def test_static_files_keep_their_own_caching(alice_client):
    response = alice_client.get("/static/css/app.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_api_keeps_its_never_cache_headers(alice_client, credential):
    response = alice_client.get(f"/api/projects/{credential.project_id}/visualization-jobs")

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
