"""What the job's page offers: the actions its status allows (from the status table, never decided by a
template), each as a link to its confirmation page and, with JavaScript, a dialog holding the same form;
"Open TensorBoard" only while the job runs; and the job's recent actions, by anyone in the project."""

import re
from datetime import timedelta

import pytest
import responses
from django.utils import timezone

from audit.models import AuditEvent
from jobs.status import STATUSES
from tests.conftest import make_job, store_list
from tests.job_actions import JOB_ID, JOB_URL, action_url, detail_url, store_job

pytestmark = pytest.mark.django_db

# What each status offers, as the documented refusals and the console's rules have it (jobs/status.py).
OFFERED = {
    **{code: ("stop", "edit", "delete") for code in (1, 2, 4, 7, 8, 15, 18, 19)},
    9: ("edit",),
    **{code: ("restart", "edit", "delete") for code in (10, 11, 12, 13)},
    **{code: ("edit", "delete") for code in (0, 3, 5, 6, 14, 16, 17, 20, 21, 22, 99)},
}


def offered(html: str) -> tuple[str, ...]:
    """The actions linked from the page's controls, in their order."""
    return tuple(re.findall(r'href="/projects/[0-9a-f]+/visualization-jobs/\d+/(\w+)/"\s+data-dialog=', html))


def test_every_status_of_the_table_is_decided():
    assert set(STATUSES) <= set(OFFERED)


@pytest.mark.parametrize(("status", "expected"), sorted(OFFERED.items()))
def test_the_page_offers_what_the_status_allows(
    alice_client, alice_credential, operator, service_jobs, status, expected
):
    service_jobs.add(make_job(JOB_ID, status=status))

    html = alice_client.get(detail_url()).content.decode()

    assert offered(html) == expected
    for operation in expected:  # and the dialog asking for each, with its form
        dialog = re.search(rf'<dialog id="dialog-{operation}".*?</dialog>', html, re.DOTALL).group()
        assert f'action="{action_url(operation)}"' in dialog and "csrfmiddlewaretoken" in dialog


@pytest.mark.parametrize(("status", "expected"), sorted(OFFERED.items()))
def test_a_confirmation_page_only_where_the_status_allows_it(
    alice_client, alice_credential, operator, service_jobs, status, expected
):
    service_jobs.add(make_job(JOB_ID, status=status))

    for operation in ("stop", "restart", "edit", "delete"):
        response = alice_client.get(action_url(operation))
        assert response.status_code == (200 if operation in expected else 409), operation


def test_dialogs_are_scripted_from_a_static_file(alice_client, alice_credential, operator, service_jobs):
    service_jobs.add(make_job(JOB_ID, status=8, job_name="resnet-tb"))

    html = alice_client.get(detail_url()).content.decode()

    assert re.search(r'<script src="/static/js/confirm[^"]*\.js" defer>', html)
    assert '<h2 id="dialog-stop-title">Stop “resnet-tb”?</h2>' in html
    assert "billing for it ends" in html
    # Outside the live region, which live.js replaces while the job changes: an open dialog stays open.
    live = html.split('<div id="live"', 1)[1].split("</div>\n  ", 1)[0]
    assert "<dialog" not in live


def test_a_running_job_page_holds_the_restart_dialog_its_button_will_open_once_stopped(
    alice_client, alice_credential, operator, service_jobs
):
    """The page follows the job: after a stop, the restart button live.js brings opens a dialog too."""
    service_jobs.add(make_job(JOB_ID, status=8, job_name="resnet-tb"))

    html = alice_client.get(detail_url()).content.decode()

    assert "restart" not in offered(html)
    assert re.findall(r'<dialog id="dialog-(\w+)"', html) == ["stop", "restart", "edit", "delete"]


def test_no_dialogs_for_a_viewer_who_may_not_act(alice_client, alice_credential, service_jobs):
    service_jobs.add(make_job(JOB_ID, status=8))

    assert "<dialog" not in alice_client.get(detail_url()).content.decode()


@pytest.mark.parametrize(("status", "shown"), [(8, True), (1, False), (9, False), (13, False), (15, False)])
def test_open_tensorboard_only_while_running(alice_client, alice_credential, service_jobs, status, shown):
    service_jobs.add(make_job(JOB_ID, status=status, service_url="https://tensorboard.example.com/10086/"))

    html = alice_client.get(detail_url()).content.decode()

    assert ("Open TensorBoard" in html) is shown


def test_the_list_opens_tensorboard_only_while_running(alice_client, alice_credential):
    url = "https://tensorboard.example.com/1/"
    store_list(alice_credential, [make_job(1, status=8, service_url=url), make_job(2, status=15, service_url=url)])

    html = alice_client.get(f"/projects/{alice_credential.project_id}/visualization-jobs/").content.decode()

    assert html.count("Open TensorBoard") == 1


def record(username: str, action: str, project_id: str, minutes_ago: int, success: bool = True, detail: str = ""):
    event = AuditEvent.objects.create(
        username=username, action=action, project_id=project_id, job_id=JOB_ID, success=success, detail=detail
    )
    AuditEvent.objects.filter(pk=event.pk).update(created=timezone.now() - timedelta(minutes=minutes_ago))


def test_the_page_lists_the_jobs_recent_actions_by_anyone_in_the_project(alice_client, alice_credential, service_jobs):
    service_jobs.add(make_job(JOB_ID, status=13))
    project = alice_credential.project_id
    record("bob", AuditEvent.Action.JOB_STOP, project, minutes_ago=30)
    record("alice", AuditEvent.Action.JOB_RESTART, project, 20, success=False, detail="ModelArts.0108: Not allowed.")
    record("carol", AuditEvent.Action.JOB_STOP, "f" * 32, minutes_ago=10)  # another project's job 10086
    AuditEvent.objects.create(username="alice", action=AuditEvent.Action.LOGIN)

    html = alice_client.get(detail_url()).content.decode()

    section = html.split('<h2 id="recent-actions-heading">Recent actions</h2>', 1)[1].split("</section>", 1)[0]
    assert re.findall(r"· (\w+) · (Stop|Restart)", section) == [("alice", "Restart"), ("bob", "Stop")]
    assert "not done: ModelArts.0108: Not allowed." in section
    assert "carol" not in section


def test_an_accepted_action_is_no_longer_followed_after_a_while(alice_client, alice_credential, service_jobs):
    service_jobs.add(make_job(JOB_ID, status=10))  # succeeded: a final status
    record("alice", AuditEvent.Action.JOB_RESTART, alice_credential.project_id, minutes_ago=6)

    html = alice_client.get(detail_url()).content.decode()

    assert "waiting for ModelArts" not in html
    assert "data-live-interval" not in html


@responses.activate
def test_no_controls_beside_stored_data(alice_client, alice_credential, operator):
    """When ModelArts cannot be asked, the page shows the cached row, whose status may be old: no actions."""
    store_job(alice_credential, 8)
    responses.get(JOB_URL, json={"error_code": "ModelArts.0010", "error_msg": "Internal error."}, status=500)

    html = alice_client.get(detail_url()).content.decode()

    assert "resnet-tb" in html
    assert offered(html) == ()
    assert "<dialog" not in html
