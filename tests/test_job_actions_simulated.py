"""The job actions end to end against the simulator, over real HTTP: a new job followed until it runs, a stop
that the page follows until ModelArts shows it, a restart of the stopped job, and a second stop refused while
the first is under way.
The simulator takes a job's next status one pace after a write; the tests move its clock instead of waiting."""

import pytest

from simulator.seed import DEMO_RUNNING_JOB_ID
from tests.job_actions import action_url, detail_url

pytestmark = pytest.mark.django_db


def page(client, credential) -> str:
    return client.get(detail_url(credential.project_id, DEMO_RUNNING_JOB_ID)).content.decode()


def act(client, credential, operation: str) -> str:
    response = client.post(action_url(operation, credential.project_id, DEMO_RUNNING_JOB_ID), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_stop_followed_until_canceled_then_restarted(alice_client, simulated_credential, operator, simulator, settings):
    settings.DETAIL_CACHE_SECONDS = settings.DETAIL_CACHE_TERMINAL_SECONDS = 0
    assert "Open TensorBoard" in page(alice_client, simulated_credential)

    html = act(alice_client, simulated_credential, "stop")

    assert "Stop of " in html and "requested by alice" in html
    assert "Being canceled" in html and "Open TensorBoard" not in html
    again = act(alice_client, simulated_credential, "stop")  # a second stop while the first is under way
    assert "Not done: The job&#x27;s current status does not allow this operation." in again
    assert "job status: 9" in again

    simulator.clock_offset_seconds += simulator.pace_seconds + 1
    html = page(alice_client, simulated_credential)
    assert "Canceled" in html and "waiting for ModelArts" not in html
    assert "data-live-interval" not in html

    html = act(alice_client, simulated_credential, "restart")
    assert "Queuing" in html and "Restart: waiting for ModelArts to show the change." not in html  # shown at once


def test_edit_then_delete(alice_client, simulated_credential, operator, simulator, settings):
    settings.DETAIL_CACHE_SECONDS = settings.DETAIL_CACHE_TERMINAL_SECONDS = 0
    edit = action_url("edit", simulated_credential.project_id, DEMO_RUNNING_JOB_ID)

    html = alice_client.post(edit, {"job_desc": "损失曲线 / loss curves"}, follow=True).content.decode()
    assert "损失曲线 / loss curves" in html

    response = alice_client.post(
        action_url("delete", simulated_credential.project_id, DEMO_RUNNING_JOB_ID), follow=True
    )
    assert response.redirect_chain[-1][0] == f"/projects/{simulated_credential.project_id}/visualization-jobs/"
    assert "Deletion of " in response.content.decode()
    # The list page refreshed the never-fetched list meanwhile: ModelArts lists the job until it is gone.
    simulator.clock_offset_seconds += simulator.pace_seconds + 1
    assert alice_client.get(detail_url(simulated_credential.project_id, DEMO_RUNNING_JOB_ID)).status_code == 404


def test_create_then_followed_until_running_with_tensorboard(
    alice_client, simulated_credential, operator, simulator, settings
):
    settings.DETAIL_CACHE_SECONDS = settings.DETAIL_CACHE_TERMINAL_SECONDS = 0
    new = f"/projects/{simulated_credential.project_id}/visualization-jobs/new/"
    token = alice_client.get(new).context["form"].initial["token"]
    sent = {
        "token": token,
        "job_name": "new-tb",
        "train_url": "obs://demo-bucket/run-1/logs",
        "job_type": "tensorboard",
    }

    response = alice_client.post(new, {**sent, "auto_stop": "4"}, follow=True)
    html = response.content.decode()
    assert "Creation of “new-tb” (" in html and "Being initialized" in html
    assert "Create: waiting for ModelArts to show the change." in html and "Open TensorBoard" not in html
    job_page = response.redirect_chain[-1][0]
    assert alice_client.post(new, {**sent, "auto_stop": "4"})["Location"] == job_page  # sent twice: one job

    simulator.clock_offset_seconds += simulator.pace_seconds + 0.5
    assert "Queuing" in alice_client.get(job_page).content.decode()
    simulator.clock_offset_seconds += simulator.pace_seconds + 0.5
    html = alice_client.get(job_page).content.decode()
    assert "Running" in html and "Open TensorBoard" in html
    assert "waiting for ModelArts" not in html
