"""Credential pages: list, add, edit, delete. Secrets are write-only; other users' credentials are 404."""

import pytest
from django.test import Client

from accounts.models import Credential
from tests.conftest import ALICE_SECRET, PROJECT_A, PROJECT_B, make_credential
from tests.credential_forms import credential_form

pytestmark = pytest.mark.django_db

NEW_SECRET = "brand-NEW-secret-value-1111111111111111"


def aksk_form(**overrides):
    return credential_form(NEW_SECRET, **overrides)


def test_list_shows_own_credentials_without_secrets(alice_client, alice_credential, bob):
    make_credential(bob, name="Bob's secret project", project_id=PROJECT_B)

    response = alice_client.get("/credentials/")

    html = response.content.decode()
    assert alice_credential.name.replace("'", "&#x27;") in html
    assert "Bob&#x27;s secret project" not in html
    assert "stored" in html
    assert ALICE_SECRET not in html
    assert alice_credential.secret_ciphertext not in html


def test_list_query_count_does_not_grow(alice_client, alice, django_assert_max_num_queries):
    for index in range(10):
        make_credential(alice, project_id=f"{index:032x}")
    with django_assert_max_num_queries(6):
        assert alice_client.get("/credentials/").status_code == 200


def test_add_aksk_credential_encrypts_the_secret(alice_client, alice):
    response = alice_client.post("/credentials/add/", aksk_form())

    assert response.status_code == 302
    credential = Credential.objects.get(owner=alice, project_id=PROJECT_B)
    assert credential.access_key == "AKNEW000000000000000"
    assert NEW_SECRET not in credential.secret_ciphertext
    assert credential.get_secret() == NEW_SECRET


def test_add_iam_password_credential(alice_client, alice):
    form = aksk_form(auth_kind="password", access_key="", iam_domain="acme", iam_user="alice-iam")

    assert alice_client.post("/credentials/add/", form).status_code == 302
    credential = Credential.objects.get(owner=alice)
    assert (credential.auth_kind, credential.iam_domain, credential.iam_user) == ("password", "acme", "alice-iam")
    assert credential.get_secret() == NEW_SECRET


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"project_id": "1234"}, "32 hexadecimal characters"),
        ({"project_id": "g" * 32}, "32 hexadecimal characters"),
        ({"region": "mars-north-1"}, "not one of the available choices"),
        ({"access_key": ""}, "An access key is required"),
        ({"auth_kind": "password", "access_key": ""}, "Required for IAM password authentication"),
        ({"secret": ""}, "Enter the secret key or password"),
    ],
)
def test_add_rejects_bad_input_and_never_echoes_the_secret(alice_client, overrides, message):
    response = alice_client.post("/credentials/add/", aksk_form(**overrides))

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert NEW_SECRET not in html
    assert not Credential.objects.exists()


def test_uppercase_project_id_is_normalised(alice_client, alice):
    alice_client.post("/credentials/add/", aksk_form(project_id=PROJECT_B.upper()))

    assert Credential.objects.get(owner=alice).project_id == PROJECT_B


def test_one_credential_per_user_and_project(alice_client, alice_credential, bob_client):
    response = alice_client.post("/credentials/add/", aksk_form(project_id=PROJECT_A))

    assert response.status_code == 400
    assert "already have a credential for this project" in response.content.decode()
    assert bob_client.post("/credentials/add/", aksk_form(project_id=PROJECT_A)).status_code == 302


def test_add_form_prefills_a_valid_project_id_only(alice_client):
    assert f'value="{PROJECT_B}"' in alice_client.get(f"/credentials/add/?project_id={PROJECT_B}").content.decode()
    html = alice_client.get("/credentials/add/?project_id=javascript:x").content.decode()
    # Only the language switch's "next" (this very page, escaped) may carry the query string.
    assert 'id="id_project_id"' in html and 'value="javascript' not in html


def test_edit_form_never_prefills_the_secret(alice_client, alice_credential):
    response = alice_client.get(f"/credentials/{alice_credential.pk}/edit/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "A secret is stored" in html
    assert ALICE_SECRET not in html
    assert alice_credential.secret_ciphertext not in html


def test_edit_with_empty_secret_keeps_the_stored_one(alice_client, alice_credential):
    form = aksk_form(project_id=PROJECT_A, name="Renamed", access_key=alice_credential.access_key, secret="")

    assert alice_client.post(f"/credentials/{alice_credential.pk}/edit/", form).status_code == 302
    alice_credential.refresh_from_db()
    assert alice_credential.name == "Renamed"
    assert alice_credential.get_secret() == ALICE_SECRET


def test_edit_replaces_the_secret_after_asking_for_the_users_password(alice_client, alice_credential):
    form = aksk_form(project_id=PROJECT_A, access_key=alice_credential.access_key)

    response = alice_client.post(
        f"/credentials/{alice_credential.pk}/edit/", {**form, "current_password": "alice-login-password"}
    )

    assert response.status_code == 302
    alice_credential.refresh_from_db()
    assert alice_credential.get_secret() == NEW_SECRET


@pytest.mark.parametrize(
    ("password", "message"),
    [("", "Enter your dashboard password"), ("wrong", "That is not your dashboard password")],
)
def test_replacing_the_secret_without_the_users_password_is_refused(alice_client, alice_credential, password, message):
    form = aksk_form(project_id=PROJECT_A, access_key=alice_credential.access_key, current_password=password)

    response = alice_client.post(f"/credentials/{alice_credential.pk}/edit/", form)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert NEW_SECRET not in html and "alice-login-password" not in html
    alice_credential.refresh_from_db()
    assert alice_credential.get_secret() == ALICE_SECRET


@pytest.mark.parametrize(
    ("password", "status", "message"),
    [
        ("", 400, "Enter your dashboard password"),
        ("wrong", 400, "That is not your dashboard password"),
        ("alice-login-password", 302, ""),
    ],
)
def test_entering_a_secret_an_administrator_cleared_needs_the_users_password(
    alice_client, alice_credential, password, status, message
):
    """Else someone at the owner's unlocked screen could put their own keys where the owner's were."""
    Credential.objects.filter(pk=alice_credential.pk).update(secret_ciphertext="")  # as the admin does
    url = f"/credentials/{alice_credential.pk}/edit/"
    assert 'name="current_password"' in alice_client.get(url).content.decode()
    form = aksk_form(project_id=PROJECT_A, access_key=alice_credential.access_key)

    response = alice_client.post(url, {**form, "current_password": password})

    assert response.status_code == status
    assert message in response.content.decode()
    alice_credential.refresh_from_db()
    assert alice_credential.has_secret == (status == 302)


def test_add_form_does_not_ask_for_the_users_password(alice_client):
    assert "current_password" not in alice_client.get("/credentials/add/").content.decode()


def test_endpoints_cannot_be_set_from_the_user_form(alice_client, alice):
    alice_client.post(
        "/credentials/add/",
        aksk_form(modelarts_endpoint="https://evil.example.com", iam_endpoint="https://evil.example.com"),
    )

    credential = Credential.objects.get(owner=alice)
    assert (credential.modelarts_endpoint, credential.iam_endpoint) == ("", "")


def test_changing_the_auth_kind_needs_a_new_secret(alice_client, alice_credential):
    form = aksk_form(project_id=PROJECT_A, auth_kind="password", iam_domain="d", iam_user="u", secret="")

    response = alice_client.post(f"/credentials/{alice_credential.pk}/edit/", form)

    assert response.status_code == 400
    assert "Enter the secret key or password" in response.content.decode()


def test_delete_asks_then_deletes(alice_client, alice_credential):
    confirm = alice_client.get(f"/credentials/{alice_credential.pk}/delete/")
    assert confirm.status_code == 200
    assert "csrfmiddlewaretoken" in confirm.content.decode()

    assert alice_client.post(f"/credentials/{alice_credential.pk}/delete/").status_code == 302
    assert not Credential.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/credentials/{pk}/edit/"),
        ("post", "/credentials/{pk}/edit/"),
        ("get", "/credentials/{pk}/delete/"),
        ("post", "/credentials/{pk}/delete/"),
        ("post", "/credentials/{pk}/test/"),
    ],
)
def test_other_user_gets_404(bob_client, alice_credential, method, path):
    response = getattr(bob_client, method)(path.format(pk=alice_credential.pk), aksk_form())

    assert response.status_code == 404
    alice_credential.refresh_from_db()
    assert alice_credential.get_secret() == ALICE_SECRET


@pytest.mark.parametrize("path", ["/credentials/", "/credentials/add/", "/credentials/1/edit/"])
def test_login_required(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_post_without_csrf_token_is_refused(alice, alice_credential):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(f"/credentials/{alice_credential.pk}/delete/").status_code == 403
    assert Credential.objects.exists()


def test_empty_post_to_edit_is_validated_not_ignored(alice_client, alice_credential):
    response = alice_client.post(f"/credentials/{alice_credential.pk}/edit/", {})

    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
