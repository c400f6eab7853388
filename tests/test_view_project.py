"""The project page: /projects/<project_id>/visualization-jobs/"""

import pytest

from tests.conftest import PROJECT_A, PROJECT_B

pytestmark = pytest.mark.django_db


def test_shows_lookup_form_for_that_project(alice_client, alice_credential):
    response = alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{PROJECT_A}" selected>' in html
    assert 'name="job_id"' in html


def test_project_without_credential(alice_client, alice_credential):
    response = alice_client.get(f"/projects/{PROJECT_B}/visualization-jobs/")

    assert response.status_code == 404
    assert f"/credentials/add/?project_id={PROJECT_B}" in response.content.decode()


def test_other_user_gets_404(bob_client, alice_credential):
    response = bob_client.get(f"/projects/{PROJECT_A}/visualization-jobs/")

    assert response.status_code == 404
    assert alice_credential.name not in response.content.decode()


@pytest.mark.parametrize("project_id", ["short", "Z" * 32, PROJECT_A + "0"])
def test_malformed_project_id_is_404(alice_client, alice_credential, project_id):
    assert alice_client.get(f"/projects/{project_id}/visualization-jobs/").status_code == 404
