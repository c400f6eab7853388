"""Looking a job up by id: GET /lookup/?project_id=...&job_id=... redirects to the detail URL."""

import pytest
import responses

from tests.conftest import PROJECT_A, PROJECT_B

pytestmark = pytest.mark.django_db


def test_valid_lookup_redirects_to_the_stable_detail_url(alice_client, alice_credential):
    response = alice_client.get("/lookup/", {"project_id": PROJECT_A, "job_id": " 10086 "})

    assert response.status_code == 302
    assert response["Location"] == f"/projects/{PROJECT_A}/visualization-jobs/10086/"


@pytest.mark.parametrize(
    ("job_id", "message"),
    [
        ("abc", "A job ID is a number"),
        ("12a", "A job ID is a number"),
        ("-5", "A job ID is a number"),
        ("１２３", "A job ID is a number"),  # full-width digits
        ("99999999999999999999", "at most 19 characters"),
        ("9999999999999999999", "too large"),
        ("0", "too large"),
        ("", "This field is required"),
    ],
)
@responses.activate
def test_bad_job_id_is_a_form_error_that_never_reaches_modelarts(alice_client, alice_credential, job_id, message):
    response = alice_client.get("/lookup/", {"project_id": PROJECT_A, "job_id": job_id})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert len(responses.calls) == 0


def test_project_must_be_one_of_yours(alice_client, alice_credential, bob):
    response = alice_client.get("/lookup/", {"project_id": PROJECT_B, "job_id": "1"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_other_user_cannot_pick_alices_project(bob_client, alice_credential):
    response = bob_client.get("/lookup/", {"project_id": PROJECT_A, "job_id": "1"})

    assert response.status_code == 400
    assert "Add one" in response.content.decode()


def test_login_required(client):
    response = client.get("/lookup/", {"project_id": PROJECT_A, "job_id": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/lookup/")
