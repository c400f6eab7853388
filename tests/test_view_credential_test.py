"""The "test connection" button: POST /credentials/<pk>/test/"""

import pytest
import responses

from tests.conftest import PROJECT_A

pytestmark = pytest.mark.django_db

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"


@responses.activate
def test_success_is_reported_and_remembered(alice_client, alice_credential):
    responses.get(UPSTREAM, json={"is_success": True, "job_total_count": 0, "jobs": []})

    response = alice_client.post(f"/credentials/{alice_credential.pk}/test/", follow=True)

    assert "connected to ModelArts" in response.content.decode()
    assert "page=1&per_page=1" in responses.calls[0].request.url
    alice_credential.refresh_from_db()
    assert alice_credential.last_check_ok is True
    assert alice_credential.last_checked_at is not None


@responses.activate
def test_failure_reports_the_exact_error(alice_client, alice_credential):
    responses.get(UPSTREAM, status=401, json={"error_code": "APIGW.0301", "error_msg": "verify aksk signature fail"})

    response = alice_client.post(f"/credentials/{alice_credential.pk}/test/", follow=True)

    html = response.content.decode()
    assert "APIGW.0301: verify aksk signature fail" in html
    assert "Check the access key and secret key" in html
    alice_credential.refresh_from_db()
    assert alice_credential.last_check_ok is False
    assert alice_credential.last_check_message == "APIGW.0301: verify aksk signature fail"


def test_a_missing_secret_sends_nothing_and_is_409(alice_client, alice_credential):
    alice_credential.secret_ciphertext = ""
    alice_credential.save()

    with responses.RequestsMock():  # any request would fail the test
        response = alice_client.post(f"/credentials/{alice_credential.pk}/test/")

    assert response.status_code == 409
    assert "No secret is stored for this credential" in response.content.decode()


def test_get_is_not_allowed(alice_client, alice_credential):
    assert alice_client.get(f"/credentials/{alice_credential.pk}/test/").status_code == 405


def test_other_user_gets_404(bob_client, alice_credential):
    assert bob_client.post(f"/credentials/{alice_credential.pk}/test/").status_code == 404


@responses.activate
def test_tests_count_against_the_lookup_limit_and_say_when_to_try_again(
    alice_client, alice_credential, settings, clock
):
    """A test reaches ModelArts (and IAM, for a password): pressed in a loop, it is held back like lookups."""
    settings.DETAIL_LOOKUP_BURST = 2
    settings.DETAIL_LOOKUP_RATE = 6  # a lookup every 10 s
    responses.get(UPSTREAM, json={"is_success": True, "job_total_count": 0, "jobs": []})
    for _ in range(2):
        alice_client.post(f"/credentials/{alice_credential.pk}/test/", follow=True)  # reads its message
    alice_credential.refresh_from_db()
    checked_at = alice_credential.last_checked_at

    response = alice_client.post(f"/credentials/{alice_credential.pk}/test/", follow=True)

    assert response.redirect_chain == [("/credentials/", 302)]
    assert [str(message) for message in response.context["messages"]] == [
        "“alice's project”: not tested. You have sent ModelArts many requests in a short time; try again in 10 seconds."
    ]
    assert len(responses.calls) == 2
    alice_credential.refresh_from_db()
    assert alice_credential.last_checked_at == checked_at


@responses.activate
def test_tests_and_job_lookups_share_one_bucket(alice_client, alice_credential, settings, clock):
    settings.DETAIL_LOOKUP_BURST = 1
    responses.get(f"{UPSTREAM}/7", json={"job_id": 7, "job_name": "x", "status": 8})

    assert alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/7/").status_code == 200
    response = alice_client.post(f"/credentials/{alice_credential.pk}/test/", follow=True)

    assert "not tested" in response.content.decode()
    assert len(responses.calls) == 1


def test_another_users_test_costs_the_owner_nothing(bob_client, alice_client, alice_credential, settings, clock):
    settings.DETAIL_LOOKUP_BURST = 1
    for _ in range(3):
        assert bob_client.post(f"/credentials/{alice_credential.pk}/test/").status_code == 404

    with responses.RequestsMock() as mocked:
        mocked.get(UPSTREAM, json={"is_success": True, "job_total_count": 0, "jobs": []})
        response = alice_client.post(f"/credentials/{alice_credential.pk}/test/", follow=True)

    assert "connected to ModelArts" in response.content.decode()
