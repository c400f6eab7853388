"""The home page: the user's projects and the lookup form."""

import pytest

from tests.conftest import PROJECT_A, PROJECT_B, make_credential

pytestmark = pytest.mark.django_db


def test_lists_own_projects_with_links_and_lookup_form(alice_client, alice_credential, bob):
    make_credential(bob, name="Bob only", project_id=PROJECT_B)

    html = alice_client.get("/").content.decode()

    assert f'href="/projects/{PROJECT_A}/visualization-jobs/"' in html
    assert PROJECT_B not in html
    assert 'action="/lookup/"' in html
    assert 'name="job_id"' in html


def test_without_credentials_offers_to_add_one(alice_client):
    html = alice_client.get("/").content.decode()

    assert 'href="/credentials/add/"' in html
    assert 'name="job_id"' not in html


def test_query_count_does_not_grow_with_projects(alice_client, alice, django_assert_max_num_queries):
    for index in range(20):
        make_credential(alice, project_id=f"{index:032x}")

    with django_assert_max_num_queries(4):
        assert alice_client.get("/").status_code == 200


def test_login_required(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
