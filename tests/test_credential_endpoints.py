"""The owner sees where a credential's secret goes before typing it, and confirms an administrator's endpoints."""

import pytest

from accounts.models import Credential
from tests.conftest import ALICE_SECRET, PROJECT_A
from tests.test_view_credentials import NEW_SECRET, aksk_form

pytestmark = pytest.mark.django_db

STAFF_HOST = "https://iam.staff.example.net"
PUBLIC_MODELARTS = "https://modelarts.cn-north-4.myhuaweicloud.com"
PUBLIC_IAM = "https://iam.cn-north-4.myhuaweicloud.com"
OVERRIDE_BADGE = "set by an administrator, not the region's public endpoint"


def point_iam_at(credential: Credential, url: str) -> None:
    """As an administrator would, but keeping the secret, as a row stored before secrets were cleared did."""
    Credential.objects.filter(pk=credential.pk).update(iam_endpoint=url)


def edit_form(credential: Credential, **overrides) -> dict:
    form = aksk_form(project_id=PROJECT_A, access_key=credential.access_key, current_password="alice-login-password")
    return {**form, **overrides}


def test_the_edit_form_shows_the_regions_public_endpoints(alice_client, alice_credential):
    html = alice_client.get(f"/credentials/{alice_credential.pk}/edit/").content.decode()

    assert f"<code>{PUBLIC_MODELARTS}</code>" in html and f"<code>{PUBLIC_IAM}</code>" in html
    assert OVERRIDE_BADGE not in html
    assert 'name="trust_endpoints"' not in html


def test_the_edit_form_marks_an_administrators_endpoint_and_asks_for_trust(alice_client, alice_credential):
    point_iam_at(alice_credential, STAFF_HOST)

    html = alice_client.get(f"/credentials/{alice_credential.pk}/edit/").content.decode()

    assert f"<code>{STAFF_HOST}</code>" in html and f"<code>{PUBLIC_MODELARTS}</code>" in html
    assert html.count(OVERRIDE_BADGE) == 1
    assert 'name="trust_endpoints"' in html


def test_a_secret_for_an_administrators_endpoint_needs_the_owners_trust(alice_client, alice_credential):
    point_iam_at(alice_credential, STAFF_HOST)
    url = f"/credentials/{alice_credential.pk}/edit/"

    refused = alice_client.post(url, edit_form(alice_credential))

    assert refused.status_code == 400
    assert f"An administrator pointed this credential at {STAFF_HOST} instead" in refused.content.decode()
    alice_credential.refresh_from_db()
    assert alice_credential.get_secret() == ALICE_SECRET
    assert alice_client.post(url, edit_form(alice_credential, trust_endpoints="on")).status_code == 302
    alice_credential.refresh_from_db()
    assert alice_credential.get_secret() == NEW_SECRET


def test_keeping_the_secret_needs_no_trust(alice_client, alice_credential):
    point_iam_at(alice_credential, STAFF_HOST)

    response = alice_client.post(f"/credentials/{alice_credential.pk}/edit/", edit_form(alice_credential, secret=""))

    assert response.status_code == 302


def test_an_override_that_is_the_regions_own_host_needs_no_trust(alice_client, alice_credential):
    point_iam_at(alice_credential, PUBLIC_IAM + "/")

    response = alice_client.post(f"/credentials/{alice_credential.pk}/edit/", edit_form(alice_credential))

    assert response.status_code == 302


def test_trust_is_judged_in_the_submitted_region(alice_client, alice_credential):
    """cn-north-4's IAM host is its own, but not cn-east-3's: moving there sends the secret to another region."""
    point_iam_at(alice_credential, PUBLIC_IAM)

    response = alice_client.post(
        f"/credentials/{alice_credential.pk}/edit/", edit_form(alice_credential, region="cn-east-3")
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert f"An administrator pointed this credential at {PUBLIC_IAM} instead" in html
    assert "<code>https://modelarts.cn-east-3.myhuaweicloud.com</code>" in html


def test_the_add_form_shows_no_endpoints(alice_client):
    html = alice_client.get("/credentials/add/").content.decode()

    assert "Where the secret is used" not in html and 'name="trust_endpoints"' not in html


def test_another_users_endpoints_are_not_shown(bob_client, alice_credential):
    point_iam_at(alice_credential, STAFF_HOST)

    response = bob_client.get(f"/credentials/{alice_credential.pk}/edit/")

    assert response.status_code == 404
    assert STAFF_HOST not in response.content.decode()
