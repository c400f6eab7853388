"""Saving a credential tests it (a box, ticked by default) the way its "Test connection" button does, so a
wrong key shows at once on the credentials page; the credential is saved whatever the test says."""

import pytest
import responses
from django.test import Client

from accounts.models import Credential
from jobs.upstream_limit import upstream_slot
from tests.conftest import ALICE_SECRET, PROJECT_A, PROJECT_B
from tests.credential_forms import credential_form

pytestmark = pytest.mark.django_db

NEW_SECRET = "typed-SECRET-on-save-22222222222222222"
UPSTREAM_B = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_B}/visualization-jobs"
UPSTREAM_A = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
EMPTY_LIST = {"is_success": True, "job_total_count": 0, "jobs": []}
SIGNATURE_REFUSED = {"error_code": "APIGW.0301", "error_msg": "verify aksk signature fail"}


def new_credential(**overrides):
    return credential_form(NEW_SECRET, **{"test_connection": "on", **overrides})


def edit_of(credential, **overrides):
    data = new_credential(project_id=credential.project_id, access_key=credential.access_key, secret="")
    data.update(overrides)
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("path", ["/credentials/add/", "/credentials/{pk}/edit/"])
def test_the_box_is_ticked_by_default(alice_client, alice_credential, path):
    html = alice_client.get(path.format(pk=alice_credential.pk)).content.decode()

    assert '<input type="checkbox" name="test_connection"' in html
    assert 'id="id_test_connection" checked' in html


@responses.activate
def test_a_working_key_is_saved_and_reported_connected(alice_client, alice):
    responses.get(UPSTREAM_B, json=EMPTY_LIST)

    response = alice_client.post("/credentials/add/", new_credential(), follow=True)

    assert response.redirect_chain == [("/credentials/", 302)]
    assert messages_of(response) == ["Saved credential “Vision team”.", "“Vision team”: connected to ModelArts."]
    assert "page=1&per_page=1" in responses.calls[0].request.url
    credential = Credential.objects.get(owner=alice)
    assert credential.last_check_ok is True and credential.last_checked_at is not None
    assert "✔ OK" in response.content.decode()


@responses.activate
def test_a_wrong_key_is_saved_and_the_failure_explained(alice_client, alice):
    responses.get(UPSTREAM_B, status=401, json=SIGNATURE_REFUSED)

    response = alice_client.post("/credentials/add/", new_credential(), follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    credential = Credential.objects.get(owner=alice)
    assert credential.get_secret() == NEW_SECRET  # stored all the same
    assert credential.last_check_ok is False
    assert credential.last_check_message == "APIGW.0301: verify aksk signature fail"
    assert "APIGW.0301: verify aksk signature fail" in html
    assert "Check the access key and secret key" in html  # the failure table's advice
    assert "✖ Failed:" in html
    assert NEW_SECRET not in html


@responses.activate
def test_the_credentials_page_explains_the_last_failure_after_the_message_is_gone(alice_client, alice):
    responses.get(UPSTREAM_B, status=401, json=SIGNATURE_REFUSED)
    alice_client.post("/credentials/add/", new_credential(), follow=True)  # reads the one-time messages

    html = alice_client.get("/credentials/").content.decode()

    credential = Credential.objects.get(owner=alice)
    assert (credential.last_check_kind, credential.last_check_code) == ("AuthenticationFailed", "APIGW.0301")
    assert "ModelArts did not accept the stored credentials." in html  # the failure table's title
    assert "Check the access key and secret key" in html  # and its advice
    assert '<code class="small">APIGW.0301: verify aksk signature fail</code>' in html


def test_a_failure_stored_before_its_kind_shows_its_message_alone(alice_client, alice_credential):
    Credential.objects.filter(pk=alice_credential.pk).update(
        last_checked_at="2026-01-01T00:00Z", last_check_ok=False, last_check_message="APIGW.0301: old words"
    )

    html = alice_client.get("/credentials/").content.decode()

    assert "APIGW.0301: old words" in html
    assert "The request to ModelArts failed." not in html  # no guessed explanation


@responses.activate
def test_an_unticked_box_tests_nothing(alice_client, alice):
    data = new_credential()
    del data["test_connection"]  # an unticked box is not sent

    response = alice_client.post("/credentials/add/", data, follow=True)

    assert len(responses.calls) == 0
    assert messages_of(response) == ["Saved credential “Vision team”."]
    assert Credential.objects.get(owner=alice).last_checked_at is None


@responses.activate
def test_an_edit_is_tested_too(alice_client, alice_credential):
    responses.get(UPSTREAM_A, status=401, json=SIGNATURE_REFUSED)

    response = alice_client.post(f"/credentials/{alice_credential.pk}/edit/", edit_of(alice_credential), follow=True)

    assert "Check the access key and secret key" in response.content.decode()
    alice_credential.refresh_from_db()
    assert alice_credential.last_check_ok is False
    assert alice_credential.get_secret() == ALICE_SECRET


@responses.activate
def test_new_keys_forget_the_last_test_of_the_old_ones(alice_client, alice_credential):
    """An "OK" earned by the old access key must not stand beside a new one nobody tested."""
    responses.get(UPSTREAM_A, json=EMPTY_LIST)
    alice_client.post(f"/credentials/{alice_credential.pk}/test/")
    alice_credential.refresh_from_db()
    assert alice_credential.last_check_ok is True
    data = edit_of(alice_credential, access_key="AKOTHER0000000000000")
    del data["test_connection"]

    alice_client.post(f"/credentials/{alice_credential.pk}/edit/", data)

    alice_credential.refresh_from_db()
    assert (alice_credential.last_checked_at, alice_credential.last_check_ok) == (None, None)


def test_a_rename_keeps_the_last_test(alice_client, alice_credential):
    Credential.objects.filter(pk=alice_credential.pk).update(last_check_ok=True, last_check_message="")
    data = edit_of(alice_credential, name="Renamed")
    del data["test_connection"]

    alice_client.post(f"/credentials/{alice_credential.pk}/edit/", data)

    alice_credential.refresh_from_db()
    assert alice_credential.last_check_ok is True


@responses.activate
def test_the_lookup_limit_applies_and_the_credential_is_saved(alice_client, alice, settings, clock):
    settings.DETAIL_LOOKUP_BURST = 1
    settings.DETAIL_LOOKUP_RATE = 6  # a lookup every 10 s
    responses.get(UPSTREAM_A, json=EMPTY_LIST)
    responses.get(UPSTREAM_B, json=EMPTY_LIST)
    alice_client.post("/credentials/add/", new_credential(project_id=PROJECT_A, name="First"))

    response = alice_client.post("/credentials/add/", new_credential(name="Second"), follow=True)

    assert messages_of(response)[-1] == (
        "“Second”: not tested. You have sent ModelArts many requests in a short time; try again in 10 seconds."
    )
    assert len(responses.calls) == 1
    assert Credential.objects.get(owner=alice, name="Second").last_checked_at is None


def test_no_free_upstream_slot_saves_untested(alice_client, alice, settings):
    settings.UPSTREAM_CONCURRENCY = 1
    with responses.RequestsMock(), upstream_slot():  # a request already waits on ModelArts; none may be sent
        response = alice_client.post("/credentials/add/", new_credential(), follow=True)

    assert messages_of(response)[-1].startswith("“Vision team”: not tested. ")
    assert Credential.objects.get(owner=alice).last_checked_at is None


def test_a_secret_that_no_longer_decrypts_is_saved_untested(alice_client, alice_credential, settings):
    settings.CREDENTIAL_KEYS = ["bmV3LWtleS1ub3QtdGhlLW9sZC1vbmUtMDAwMDAwMDA="]  # the stored secret is unreadable

    with responses.RequestsMock():
        response = alice_client.post(
            f"/credentials/{alice_credential.pk}/edit/", edit_of(alice_credential, name="Renamed"), follow=True
        )

    assert response.redirect_chain == [("/credentials/", 302)]
    assert messages_of(response)[-1].startswith("“Renamed”: not tested. ")
    alice_credential.refresh_from_db()
    assert alice_credential.name == "Renamed"


def test_another_users_credential_is_neither_saved_nor_tested(bob_client, alice_credential):
    with responses.RequestsMock():  # any request would fail the test
        response = bob_client.post(f"/credentials/{alice_credential.pk}/edit/", edit_of(alice_credential))

    assert response.status_code == 404
    alice_credential.refresh_from_db()
    assert alice_credential.last_checked_at is None


@pytest.mark.parametrize("path", ["/credentials/add/", "/credentials/{pk}/edit/"])
def test_saving_without_csrf_token_is_refused_and_tests_nothing(alice, alice_credential, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    with responses.RequestsMock():
        response = client.post(path.format(pk=alice_credential.pk), new_credential())

    assert response.status_code == 403
    assert Credential.objects.count() == 1
