"""The admin: staff only, and secrets are neither shown nor editable there."""

import pytest
from django.test import Client

from tests.conftest import ALICE_SECRET

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="root-password")
    client = Client()
    client.force_login(admin)
    return client


def test_credential_pages_never_show_the_secret(staff_client, alice_credential):
    changelist = staff_client.get("/admin/jobs/credential/")
    change = staff_client.get(f"/admin/jobs/credential/{alice_credential.pk}/change/")

    for response in (changelist, change):
        html = response.content.decode()
        assert response.status_code == 200
        assert ALICE_SECRET not in html
        assert alice_credential.secret_ciphertext not in html
    assert "Secret stored" in change.content.decode()
    assert 'name="secret_ciphertext"' not in change.content.decode()


def test_admin_can_set_an_endpoint_override_but_it_is_validated(staff_client, alice_credential):
    form = {
        "owner": alice_credential.owner.pk,
        "name": alice_credential.name,
        "region": "cn-north-4",
        "project_id": alice_credential.project_id,
        "auth_kind": "aksk",
        "access_key": alice_credential.access_key,
        "modelarts_endpoint": "http://internal.example.com",
        "iam_endpoint": "",
    }

    response = staff_client.post(f"/admin/jobs/credential/{alice_credential.pk}/change/", form)

    assert response.status_code == 200
    assert "must use https" in response.content.decode()
    form["modelarts_endpoint"] = "https://modelarts.hcs.example.com"
    assert staff_client.post(f"/admin/jobs/credential/{alice_credential.pk}/change/", form).status_code == 302
    alice_credential.refresh_from_db()
    assert alice_credential.modelarts_endpoint == "https://modelarts.hcs.example.com"
    assert alice_credential.get_secret() == ALICE_SECRET


def test_non_staff_users_are_sent_to_the_admin_login(alice_client):
    response = alice_client.get("/admin/jobs/credential/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_api_tokens_are_listed_without_their_hash(staff_client, alice):
    from jobs.models import ApiToken

    token, plaintext = ApiToken.issue(alice, "ci")

    changelist = staff_client.get("/admin/jobs/apitoken/").content.decode()
    change = staff_client.get(f"/admin/jobs/apitoken/{token.pk}/change/").content.decode()

    assert "ci" in changelist and token.prefix in changelist
    for html in (changelist, change):
        assert plaintext not in html and token.token_hash not in html
