"""Stopping a job: /projects/<project_id>/visualization-jobs/<job_id>/stop/ (a GET confirms, a POST stops).

ModelArts is mocked with responses. Who may stop at all (permission, setting, CSRF, another user's project)
is tests/test_job_action_access.py; which statuses offer it, tests/test_job_action_controls.py.
"""

import pytest
import requests
import responses
from django.core.cache import cache
from django.utils.html import escape

from audit.models import AuditEvent
from jobs import details
from jobs.models import CachedJob
from modelarts.client import parse_job
from tests.job_actions import (
    ACCEPTED,
    JOB_ID,
    JOB_URL,
    action_url,
    detail_url,
    job_answer,
    mock_detail,
    refusal,
    sent_body,
    store_job,
    writes,
)

pytestmark = pytest.mark.django_db


@responses.activate
def test_confirmation_names_the_job_and_says_billing_ends(alice_client, alice_credential, operator):
    mock_detail(8)

    response = alice_client.get(action_url("stop"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Stop “resnet-tb”?</h1>" in html
    assert "billing for it ends" in html
    assert f'<form method="post" action="{action_url("stop")}"' in html
    assert "csrfmiddlewaretoken" in html
    assert writes() == []  # a GET only asks


@responses.activate
def test_confirmation_in_a_status_that_refuses_a_stop_says_so(alice_client, alice_credential, operator):
    mock_detail(10)

    response = alice_client.get(action_url("stop"))

    assert response.status_code == 409
    html = response.content.decode()
    assert "ModelArts does not allow this in the job's current status." in html
    assert '<form method="post" action="' + action_url("stop") not in html


@responses.activate
def test_stop_asks_modelarts_updates_the_copies_and_audits(alice_client, alice_credential, operator):
    row = store_job(alice_credential, 8)
    cache.set(details.detail_key(alice_credential, JOB_ID), parse_job(job_answer(8)), 60)
    responses.post(f"{JOB_URL}/stop", json=ACCEPTED)

    response = alice_client.post(action_url("stop"))

    assert response.status_code == 302
    assert response["Location"] == detail_url()
    (call,) = writes()
    assert (call.request.method, call.request.url, sent_body(call)) == ("POST", f"{JOB_URL}/stop", {})
    assert cache.get(details.detail_key(alice_credential, JOB_ID)) is None  # the next view asks ModelArts
    row.refresh_from_db()
    assert (row.status, row.status_group, row.service_url) == (9, "stopping", "")  # list pages show it at once
    event = AuditEvent.objects.get(action=AuditEvent.Action.JOB_STOP)
    assert (event.username, event.project_id, event.job_id, event.success) == (
        "alice",
        alice_credential.project_id,
        JOB_ID,
        True,
    )
    assert "resnet-tb" in event.target


@responses.activate
def test_after_the_stop_the_page_says_who_asked_when_and_follows_the_job(alice_client, alice_credential, operator):
    store_job(alice_credential, 8)
    responses.post(f"{JOB_URL}/stop", json=ACCEPTED)
    mock_detail(8)  # ModelArts has not acted yet

    response = alice_client.post(action_url("stop"), follow=True)

    html = response.content.decode()
    assert "Stop of “resnet-tb” (10086) requested by alice at " in html
    assert "This page follows the job until ModelArts shows the change." in html
    assert "Stop: waiting for ModelArts to show the change." in html
    assert 'data-live-interval="5"' in html
    assert "accepted by ModelArts" in html  # its recent actions


@responses.activate
def test_the_page_stops_following_once_the_job_has_stopped(alice_client, alice_credential, operator):
    store_job(alice_credential, 8)
    responses.post(f"{JOB_URL}/stop", json=ACCEPTED)
    mock_detail(13)

    html = alice_client.post(action_url("stop"), follow=True).content.decode()

    assert "waiting for ModelArts" not in html
    assert "data-live-interval" not in html  # canceled is final: nothing left to follow


@responses.activate
def test_a_second_stop_while_stopping_is_refused_and_explained(alice_client, alice_credential, operator):
    row = store_job(alice_credential, 9)
    responses.post(f"{JOB_URL}/stop", json=refusal("This job can't be stop. job status: 9"), status=400)
    mock_detail(9)

    response = alice_client.post(action_url("stop"), follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Stop of “resnet-tb” (10086) requested by alice at " in html
    assert "Not done: The job&#x27;s current status does not allow this operation." in html
    assert "ModelArts.0105: This job can&#x27;t be stop. job status: 9" in html
    assert "offers only what ModelArts allows in it" in html
    row.refresh_from_db()
    assert row.status == 9  # unchanged
    event = AuditEvent.objects.get(action=AuditEvent.Action.JOB_STOP)
    assert not event.success
    assert event.detail.startswith("ModelArts.0105")


@responses.activate
def test_missing_iam_rights_name_the_permission_to_ask_for(alice_client, alice_credential, operator):
    responses.post(
        f"{JOB_URL}/stop",
        json={"error_code": "ModelArts.0108", "error_msg": "Not allowed to perform this operation."},
        status=403,
    )
    mock_detail(8)

    html = alice_client.post(action_url("stop"), follow=True).content.decode()

    assert "The IAM user is not allowed to do this." in html
    assert "ModelArts.0108" in html
    assert escape("the ModelArts permission to operate visualization jobs") in html
    assert "ModelArts CommonOperations" in html


@responses.activate
def test_a_timeout_is_explained_and_not_sent_again(alice_client, alice_credential, operator, settings):
    settings.MODELARTS_READ_TIMEOUT = 0.1
    responses.post(f"{JOB_URL}/stop", body=requests.exceptions.ReadTimeout("read timed out"))
    mock_detail(8)

    response = alice_client.post(action_url("stop"), follow=True)

    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    assert "ModelArts did not answer in time." in html
    assert "Not confirmed:" in html and "ModelArts may have done it even so: the job's status shows" in html
    assert "Not done" not in html
    assert len(writes()) == 1  # ModelArts may have acted: a write is never retried after it was sent
    assert not AuditEvent.objects.get(action=AuditEvent.Action.JOB_STOP).success


@responses.activate
def test_when_every_upstream_slot_is_taken_nothing_is_asked(alice_client, alice_credential, operator, settings):
    store_job(alice_credential, 8)
    settings.UPSTREAM_CONCURRENCY = 0

    response = alice_client.post(action_url("stop"))

    assert response.status_code == 302
    assert writes() == []
    assert CachedJob.objects.get().status == 8
    messages = [str(message) for message in response.wsgi_request._messages]
    assert any("it did not ask ModelArts this time" in message for message in messages)


@responses.activate
def test_a_reload_after_the_stop_asks_nothing_again(alice_client, alice_credential, operator):
    responses.post(f"{JOB_URL}/stop", json=ACCEPTED)
    mock_detail(9)

    response = alice_client.post(action_url("stop"), follow=True)
    alice_client.get(response.redirect_chain[-1][0])

    assert len(writes()) == 1
