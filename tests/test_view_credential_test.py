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
