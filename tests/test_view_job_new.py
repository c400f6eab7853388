"""A new job: /projects/<project_id>/visualization-jobs/new/ (a GET shows the form, a POST creates the job).

ModelArts is mocked with responses, or the simulator where its timing matters; the same form against the simulator
is tests/test_job_actions_simulated.py.
"""

import time
import uuid

import pytest
import responses
from django.test import Client

from accounts.models import Credential
from audit.models import AuditEvent
from jobs.forms import normalise_train_url
from jobs.lookup_limit import take_detail_lookup
from jobs.models import CachedJob, JobCreation
from tests.conftest import PROJECT_A, PROJECT_B, allow_operating, make_credential, make_simulated_credential
from tests.job_actions import UPSTREAM, detail_url, refusal, sent_body, writes

pytestmark = pytest.mark.django_db

NEW_URL = f"/projects/{PROJECT_A}/visualization-jobs/new/"
NEW_ID = 20001
CREATED = {
    "is_success": True,
    "job_id": str(NEW_ID),
    "job_name": "resnet-tb",
    "status": "1",
    "create_time": "1700000000000",
    "service_url": "",
}


def form(**fields) -> dict:
    return {
        "token": str(uuid.uuid4()),
        "job_name": "resnet-tb",
        "train_url": "obs://my-bucket/resnet/logs/",
        "job_type": "tensorboard",
        "job_desc": "loss curves",
        "auto_stop": "2",
        "custom_hours": "",
        **fields,
    }


def errors_of(response) -> str:
    return response.content.decode()


def test_the_form_offers_the_fields_and_a_one_time_token(alice_client, alice_credential, operator):
    response = alice_client.get(NEW_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>New visualization job</h1>" in html
    for field in ("job_name", "train_url", "job_type", "job_desc", "auto_stop", "custom_hours"):
        assert f'name="{field}"' in html
    assert 'type="hidden" name="token"' in html
    assert "After 6 hours" in html and "MindInsight" in html
    assert html != alice_client.get(NEW_URL).content.decode()  # each form its own token


@responses.activate
def test_create_sends_modelarts_the_exact_request_and_lands_on_the_job(alice_client, alice_credential, operator):
    responses.post(UPSTREAM, json=CREATED)
    responses.get(
        f"{UPSTREAM}/{NEW_ID}", json={**CREATED, "job_id": NEW_ID, "status": 1, "train_url": "/my-bucket/resnet/logs/"}
    )

    response = alice_client.post(NEW_URL, form())

    assert response.status_code == 302
    assert response["Location"] == detail_url(job_id=NEW_ID)
    (call,) = writes()
    assert (call.request.method, call.request.url) == ("POST", UPSTREAM)
    assert sent_body(call) == {
        "job_name": "resnet-tb",
        "job_desc": "loss curves",
        "train_url": "/my-bucket/resnet/logs/",
        "job_type": "tensorboard",
        "schedule": {"type": "stop", "time_unit": "HOURS", "duration": 2},
    }
    html = alice_client.get(response["Location"]).content.decode()
    assert "Creation of “resnet-tb” (20001) requested by alice at " in html
    assert "Create: waiting for ModelArts to show the change." in html
    assert 'data-live-interval="5"' in html


@responses.activate
def test_the_new_job_is_in_the_list_at_once_and_audited(alice_client, alice_credential, operator):
    responses.post(UPSTREAM, json=CREATED)

    alice_client.post(NEW_URL, form(auto_stop="custom", custom_hours="13", job_type="mindinsight", job_desc=""))

    row = CachedJob.objects.get(credential=alice_credential, job_id=NEW_ID)
    assert (row.job_name, row.status, row.status_group, row.train_url) == (
        "resnet-tb",
        1,
        "starting",
        "/my-bucket/resnet/logs/",
    )
    assert row.schedule == {"type": "stop", "time_unit": "HOURS", "duration": 13}
    assert sent_body(writes()[0])["job_type"] == "mindinsight"
    event = AuditEvent.objects.get(action=AuditEvent.Action.JOB_CREATE)
    assert (event.username, event.project_id, event.job_id, event.success) == (
        "alice",
        PROJECT_A,
        NEW_ID,
        True,
    )
    assert "resnet-tb" in event.target and "/my-bucket/resnet/logs/" in event.detail


@responses.activate
def test_the_new_jobs_page_spends_no_lookup_of_an_unknown_job(
    alice, alice_client, alice_credential, operator, settings
):
    settings.DETAIL_LOOKUP_BURST = 1
    settings.DETAIL_LOOKUP_RATE = 0.001
    take_detail_lookup(alice.pk)  # the one lookup of the burst spent: another would be a 429
    responses.post(UPSTREAM, json=CREATED)
    responses.get(f"{UPSTREAM}/{NEW_ID}", json={**CREATED, "job_id": NEW_ID, "status": 7})

    response = alice_client.post(NEW_URL, form(auto_stop=""), follow=True)

    assert response.status_code == 200
    assert "Queuing" in response.content.decode()
    assert "schedule" not in sent_body(writes()[0])  # no auto-stop


@responses.activate
def test_a_form_sent_twice_creates_one_job(alice_client, alice_credential, operator):
    responses.post(UPSTREAM, json=CREATED)
    sent = form()

    first = alice_client.post(NEW_URL, sent)
    second = alice_client.post(NEW_URL, sent)

    assert len(writes()) == 1
    assert first["Location"] == second["Location"] == detail_url(job_id=NEW_ID)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.JOB_CREATE).count() == 1


@responses.activate
def test_a_form_sent_again_while_the_first_is_under_way_creates_nothing(alice_client, alice_credential, operator):
    sent = form()
    JobCreation.objects.create(token=sent["token"], credential=alice_credential)  # another process asks ModelArts

    response = alice_client.post(NEW_URL, sent)

    assert response.status_code == 409
    assert "This form is being sent already" in response.content.decode()
    assert writes() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"job_name": ""}, "This field is required."),
        ({"job_name": "a" * 21}, "A job name has at most 20 characters (it has 21)."),
        ({"job_name": "%%123"}, "A job name may contain only letters, digits, underscores (_) and hyphens (-)."),
        ({"job_name": "two words"}, "A job name may contain only letters"),
        ({"train_url": "bucket/path/"}, "Give an OBS directory such as obs://bucket/path/ or /bucket/path/."),
        ({"train_url": "s3://bucket/path/"}, "Give an OBS directory"),
        ({"train_url": "obs://My_Bucket/logs/"}, "“My_Bucket” is not an OBS bucket name: 3-63 lowercase letters"),
        ({"train_url": "/ab/logs/"}, "“ab” is not an OBS bucket name"),
        ({"train_url": "/my..bucket/logs/"}, "“my..bucket” is not an OBS bucket name"),
        ({"train_url": "/192.168.1.1/logs/"}, "“192.168.1.1” is not an OBS bucket name"),
        ({"train_url": "/bucket//logs/"}, "The path has an empty, “.” or “..” folder"),
        ({"train_url": "/bucket/../logs/"}, "The path has an empty, “.” or “..” folder"),
        ({"job_type": "jupyter"}, "Select a valid choice."),
        ({"job_desc": "d" * 257}, "Ensure this value has at most 256 characters (it has 257)."),
        ({"auto_stop": "3"}, "Select a valid choice."),
        ({"auto_stop": "custom"}, "Give the hours after which the job stops: 1-24."),
        ({"auto_stop": "custom", "custom_hours": "25"}, "Ensure this value is less than or equal to 24."),
        ({"auto_stop": "custom", "custom_hours": "0"}, "Ensure this value is greater than or equal to 1."),
    ],
)
@responses.activate
def test_what_modelarts_would_refuse_is_never_sent(alice_client, alice_credential, operator, fields, message):
    response = alice_client.post(NEW_URL, form(**fields))

    assert response.status_code == 400
    assert message.replace("'", "&#x27;") in response.content.decode().replace("&quot;", '"')
    assert len(responses.calls) == 0
    assert not JobCreation.objects.exists()


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("obs://bucket-01/run/logs/", "/bucket-01/run/logs/"),
        ("obs://bucket-01/run/logs", "/bucket-01/run/logs/"),
        ("/bucket-01/run/logs/", "/bucket-01/run/logs/"),
        ("  /bucket.example/logs  ", "/bucket.example/logs/"),
        ("obs://bucket-01", "/bucket-01/"),
        ("/训练-bucket/logs/", None),
    ],
)
def test_the_training_output_is_sent_as_the_api_samples_write_it(typed, sent):
    if sent is None:
        with pytest.raises(Exception, match="OBS bucket name"):
            normalise_train_url(typed)
    else:
        assert normalise_train_url(typed) == sent


@pytest.mark.parametrize(
    ("status", "answer", "words"),
    [
        (400, refusal("Illegal name: resnet-tb", "ModelArts.0104"), "Illegal name: resnet-tb"),
        (
            400,
            refusal("The expected visualization jobs exceeds the quota limit.", "ModelArts.0116"),
            "raise the ModelArts quota",
        ),
        (403, refusal("Not allowed to perform this operation.", "ModelArts.0108"), "ModelArts CommonOperations"),
    ],
)
@responses.activate
def test_a_refusal_is_explained_and_the_form_kept(alice_client, alice_credential, operator, status, answer, words):
    responses.post(UPSTREAM, json=answer, status=status)
    sent = form(job_desc="my own words")

    response = alice_client.post(NEW_URL, sent)

    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code in (403, 409, 502)
    assert "ModelArts did not create the job:" in html
    assert answer["error_code"] in html and words in html
    assert "my own words" in html and f'value="{sent["token"]}"' in html  # the same form, sent again once fixed
    assert not CachedJob.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.JOB_CREATE)
    assert not event.success and event.detail.startswith(answer["error_code"])
    responses.replace(responses.POST, UPSTREAM, json=CREATED)
    assert alice_client.post(NEW_URL, sent)["Location"] == detail_url(job_id=NEW_ID)


def test_after_a_timeout_the_job_may_exist_and_the_same_form_makes_no_second_one(
    alice_client, simulated_credential, operator, simulator, settings
):
    """ModelArts creates the job but answers too late: the page says so, and sending the form again asks nothing."""
    settings.MODELARTS_READ_TIMEOUT = 0.3
    simulator.add_fault("timeout", route="create", times=1, delay_ms=600)
    jobs_before = len(simulator.job_ids(simulated_credential.project_id))
    sent = form()
    url = f"/projects/{simulated_credential.project_id}/visualization-jobs/new/"

    response = alice_client.post(url, sent)

    assert response.status_code == 504
    html = response.content.decode().replace("&#x27;", "'")
    assert "ModelArts did not confirm the job:" in html and "did not answer within 0.3 s" in html
    assert "It may have been created even so: look for “resnet-tb” in the project's list" in html
    again = alice_client.post(url, sent)
    assert again.status_code == 409 and "This form is being sent already" in again.content.decode()
    assert simulator.calls["create"] == 1
    time.sleep(0.5)  # the simulator's late answer: it created the job meanwhile, once
    assert len(simulator.job_ids(simulated_credential.project_id)) == jobs_before + 1


def test_a_connection_refused_sent_nothing_so_the_same_form_may_be_sent_again(
    alice_client, alice, operator, simulator, unused_port
):
    closed = f"http://127.0.0.1:{unused_port}"
    credential = make_simulated_credential(alice, simulator, modelarts_endpoint=closed)
    sent = form()
    url = f"/projects/{credential.project_id}/visualization-jobs/new/"

    response = alice_client.post(url, sent)

    assert response.status_code == 502
    assert "ModelArts did not create the job:" in response.content.decode()
    assert not JobCreation.objects.exists()
    Credential.objects.filter(pk=credential.pk).update(modelarts_endpoint=simulator.url)
    assert alice_client.post(url, sent).status_code == 302
    assert simulator.calls["create"] == 1


@responses.activate
def test_another_users_project_is_not_found(bob, bob_client, alice_credential):
    allow_operating(bob)
    make_credential(bob, project_id=PROJECT_B)

    assert bob_client.get(NEW_URL).status_code == 404
    assert bob_client.post(NEW_URL, form()).status_code == 404
    assert len(responses.calls) == 0


@responses.activate
def test_without_the_permission_a_403_and_no_link(alice_client, alice_credential):
    assert alice_client.get(NEW_URL).status_code == 403
    assert alice_client.post(NEW_URL, form()).status_code == 403
    assert len(responses.calls) == 0
    assert NEW_URL not in alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/").content.decode()
    assert NEW_URL not in alice_client.get("/").content.decode()


def test_the_project_page_and_the_overview_link_to_it(alice_client, alice_credential, operator):
    assert f'href="{NEW_URL}"' in alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/").content.decode()
    assert f'href="{NEW_URL}"' in alice_client.get("/").content.decode()


@responses.activate
def test_actions_turned_off_for_the_deployment(alice_client, alice_credential, operator, settings):
    settings.JOB_ACTIONS_ENABLED = False

    assert alice_client.get(NEW_URL).status_code == 403
    response = alice_client.post(NEW_URL, form())
    assert response.status_code == 403 and "read-only" in response.content.decode()
    assert len(responses.calls) == 0


@responses.activate
def test_a_post_without_the_csrf_token_is_refused(alice, alice_credential, operator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(NEW_URL, form()).status_code == 403
    assert len(responses.calls) == 0
