"""The detail page: /projects/<project_id>/visualization-jobs/<job_id>/

Tests of what the page shows take the job from the service layer (service_jobs); those of how it gets it
(signing, errors, the shared detail cache, the cached row) mock ModelArts' HTTP answers with responses.
"""

import re

import pytest
import requests
import responses
from django.utils.html import escape

from dashboard import __version__
from jobs.models import CachedJob
from modelarts.client import parse_job
from tests.conftest import ALICE_SECRET, PROJECT_A, PROJECT_B, make_credential, make_job, store_list

pytestmark = pytest.mark.django_db

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
JOB = {
    "is_success": True,
    "job_id": 10086,
    "job_name": "resnet-<b>tb</b>",
    "job_desc": "Loss & accuracy <script>alert(1)</script>",
    "status": 8,
    "create_time": 1700000000000,
    "duration": 93784000,
    "remaining_duration": 7200000,
    "service_url": "https://tensorboard.example.com/10086/",
    "train_url": "obs://bucket/resnet/logs/",
    "resource_id": "res-42",
}


def detail_url(project_id=PROJECT_A, job_id=10086):
    return f"/projects/{project_id}/visualization-jobs/{job_id}/"


def test_shows_every_field(alice_client, alice_credential, service_jobs):
    service_jobs.add(parse_job(JOB))

    response = alice_client.get(detail_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>resnet-&lt;b&gt;tb&lt;/b&gt; · ModelArts dashboard</title>" in html
    assert "Running · <code>JOBSTAT_RUNNING</code>" in html
    assert '<time datetime="2023-11-14T22:13:20Z"' in html
    assert "1 d 2 h" in html  # 93,784 s
    assert "2 h" in html  # remaining
    assert "obs://bucket/resnet/logs/" in html
    assert "res-42" in html
    assert "Loss &amp; accuracy &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert re.search(r'<a class="button" href="https://tensorboard.example.com/10086/"[^>]*>Open TensorBoard</a>', html)


@pytest.mark.parametrize("service_url", ["javascript:alert(1)", "obs://bucket/x", "", "//evil.example.com"])
def test_open_tensorboard_only_for_http_urls(alice_client, alice_credential, service_jobs, service_url):
    service_jobs.add(parse_job({**JOB, "service_url": service_url}))

    html = alice_client.get(detail_url()).content.decode()

    assert "Open TensorBoard" not in html
    assert f'href="{service_url}"' not in html or not service_url


def test_unknown_status_code_is_shown_as_unknown(alice_client, alice_credential, service_jobs):
    service_jobs.add(parse_job({**JOB, "status": 99}))

    html = alice_client.get(detail_url()).content.decode()

    assert "Unknown status (99)" in html


@pytest.mark.parametrize(
    ("status", "body", "page_status", "texts"),
    [
        (
            404,
            {"is_success": False, "error_code": "ModelArts.0104", "error_message": "Job 10086 does not exist."},
            404,
            ["No visualization job with this id", "ModelArts.0104", "Job 10086 does not exist."],
        ),
        (
            401,
            {"error_code": "APIGW.0301", "error_msg": "verify aksk signature fail", "request_id": "rq-9"},
            502,
            ["did not accept the stored credentials", "APIGW.0301", "rq-9"],
        ),
        (
            401,
            {"error_code": "APIGW.0303", "error_msg": "request time skew"},
            502,
            ["15 minutes", "Synchronise this server"],
        ),
        (403, {"error_code": "ModelArts.0108", "error_msg": "denied"}, 502, ["not allowed", "ModelArts.0108"]),
        (403, {"error_code": "ModelArts.0210", "error_msg": "mismatch"}, 502, ["project id does not belong"]),
        (429, {"error_code": "ModelArts.6101", "error_msg": "System busy"}, 503, ["busy", "ModelArts.6101"]),
        (500, {"error_code": "ModelArts.0010", "error_msg": "internal"}, 502, ["internal error", "ModelArts.0010"]),
        (503, {"error_code": "APIGW.0xxx", "error_msg": "unavailable"}, 503, ["busy"]),
        (504, {}, 504, ["did not answer in time"]),
        (200, {"is_success": False, "error_code": "ModelArts.0010", "error_msg": "bad"}, 502, ["ModelArts.0010"]),
    ],
)
@responses.activate
def test_upstream_errors_render_with_a_fitting_status(alice_client, alice_credential, status, body, page_status, texts):
    responses.get(f"{UPSTREAM}/10086", status=status, json=body)

    response = alice_client.get(detail_url())

    assert response.status_code == page_status
    html = response.content.decode()
    for text in texts:
        assert text in html
    assert "Traceback" not in html
    assert ALICE_SECRET not in html


@pytest.mark.parametrize(
    ("body", "content_type", "page_status", "text"),
    [
        ("<html><h1>502 Bad Gateway</h1></html>", "text/html", 502, "internal error"),
        ('{"is_success": true, "job_id": 1', "application/json", 502, "could not understand"),
    ],
)
@responses.activate
def test_non_json_answers(alice_client, alice_credential, body, content_type, page_status, text):
    responses.get(
        f"{UPSTREAM}/10086", status=502 if content_type == "text/html" else 200, body=body, content_type=content_type
    )

    response = alice_client.get(detail_url())

    assert response.status_code == page_status
    assert text in response.content.decode()


@responses.activate
def test_timeout_and_connection_failure(alice_client, alice_credential):
    responses.get(f"{UPSTREAM}/1", body=requests.ReadTimeout("slow"))
    responses.get(f"{UPSTREAM}/2", body=requests.ConnectionError("refused"))

    assert alice_client.get(detail_url(job_id=1)).status_code == 504
    response = alice_client.get(detail_url(job_id=2))
    assert response.status_code == 502
    assert "Could not connect to ModelArts" in response.content.decode()


@pytest.mark.parametrize("job_id", ["abc", "-1", "1.5", "0", "99999999999999999999", "9223372036854775808"])
def test_invalid_job_id_in_url_is_404_without_upstream_call(alice_client, alice_credential, service_jobs, job_id):
    response = alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/{job_id}/")

    assert response.status_code == 404
    assert service_jobs.asked == []


def test_invalid_project_id_in_url_is_404(alice_client, alice_credential):
    assert alice_client.get(detail_url(project_id="not-a-project")).status_code == 404
    assert alice_client.get(detail_url(project_id=PROJECT_A.upper())).status_code == 404


def test_project_without_credential_links_to_the_add_form(alice_client, alice_credential, service_jobs):
    response = alice_client.get(detail_url(project_id=PROJECT_B))

    assert response.status_code == 404
    assert f'href="/credentials/add/?project_id={PROJECT_B}"' in response.content.decode()
    assert service_jobs.asked == []


def test_other_user_gets_their_own_no_credential_page(bob_client, alice_credential, service_jobs):
    response = bob_client.get(detail_url())

    assert response.status_code == 404
    assert "You have no credential for this project" in response.content.decode()
    assert alice_credential.name not in response.content.decode()
    assert service_jobs.asked == []


@responses.activate
def test_each_viewer_uses_their_own_credential(alice_client, bob_client, alice_credential, bob):
    make_credential(bob, access_key="AKBOB000000000000000", secret="bob-secret")
    responses.get(f"{UPSTREAM}/10086", json=JOB)

    alice_client.get(detail_url())
    bob_client.get(detail_url())

    access_keys = [call.request.headers["Authorization"].split(",")[0] for call in responses.calls]
    assert responses.calls[0].request.headers["User-Agent"].startswith(f"modelarts-dashboard/{__version__} ")
    assert access_keys == ["SDK-HMAC-SHA256 Access=AKALICE0000000000000", "SDK-HMAC-SHA256 Access=AKBOB000000000000000"]


def test_undecryptable_secret_is_a_clear_page(alice_client, alice_credential, settings):
    settings.CREDENTIAL_KEYS = ["bmV3LWtleS1ub3QtdGhlLW9sZC1vbmUtMDAwMDAwMDA="]

    response = alice_client.get(detail_url())

    assert response.status_code == 503
    expected = escape(f"credential '{alice_credential.name}' (#{alice_credential.pk}) cannot be decrypted")
    assert expected in response.content.decode()


def test_a_missing_secret_is_a_409_page_that_names_the_endpoints(alice_client, alice_credential):
    """Cleared by an administrator: retrying never helps, its owner fixes it, knowing where the secret goes."""
    alice_credential.secret_ciphertext = ""
    alice_credential.save()

    response = alice_client.get(detail_url())

    html = response.content.decode()
    assert response.status_code == 409
    assert "No secret is stored for this credential" in html
    assert "<code>https://iam.cn-north-4.myhuaweicloud.com</code>" in html
    assert "<code>https://modelarts.cn-north-4.myhuaweicloud.com</code>" in html
    assert f'href="/credentials/{alice_credential.pk}/edit/"' in html


def test_login_required_with_next(client, alice_credential):
    response = client.get(detail_url())

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/projects/{PROJECT_A}/visualization-jobs/10086/"


@responses.activate
def test_login_brings_a_bookmarked_page_back(client, alice, alice_credential):
    responses.get(f"{UPSTREAM}/10086", json=JOB)
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "alice-login-password", "next": detail_url()},
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url()
    assert client.get(response["Location"]).status_code == 200


@responses.activate
def test_failure_shows_the_cached_row_with_its_age(alice_client, alice_credential):
    store_list(alice_credential, [make_job(10086, job_name="cached-name", status=8, train_url="obs://kept/")])
    responses.get(
        f"{UPSTREAM}/10086", status=503, json={"error_code": "APIGW.0201", "error_msg": "Backend unavailable."}
    )

    response = alice_client.get(detail_url())

    html = response.content.decode()
    assert response.status_code == 503
    assert re.search(r"Data from <time [^>]+>[^<]+</time>, ModelArts did not answer", html)
    assert "cached-name" in html and "obs://kept/" in html
    assert "APIGW.0201" in html


@responses.activate
def test_success_updates_the_cached_row(alice_client, alice_credential):
    store_list(alice_credential, [make_job(10086, job_name="old-name", status=7)])
    responses.get(f"{UPSTREAM}/10086", json=JOB)

    alice_client.get(detail_url())

    row = CachedJob.objects.get(job_id=10086)
    assert (row.job_name, row.status, row.status_group) == (JOB["job_name"], 8, "running")


@pytest.mark.parametrize(("status", "calls"), [(8, 2), (10, 1)])
@responses.activate
def test_details_are_reused_briefly_longer_for_final_statuses(alice_client, alice_credential, settings, status, calls):
    settings.DETAIL_CACHE_SECONDS = 0
    settings.DETAIL_CACHE_TERMINAL_SECONDS = 60
    responses.get(f"{UPSTREAM}/10086", json={**JOB, "status": status})

    alice_client.get(detail_url())
    alice_client.get(detail_url())

    assert len(responses.calls) == calls


@responses.activate
def test_viewers_within_the_cache_window_share_one_call(alice_client, alice_credential):
    responses.get(f"{UPSTREAM}/10086", json=JOB)

    for _ in range(5):
        assert alice_client.get(detail_url()).status_code == 200

    assert len(responses.calls) == 1


@pytest.mark.parametrize(("status", "live"), [(8, True), (7, True), (10, False), (11, False)])
def test_only_jobs_that_can_still_change_auto_refresh(alice_client, alice_credential, service_jobs, status, live):
    service_jobs.add(parse_job({**JOB, "status": status}))

    html = alice_client.get(detail_url()).content.decode()

    assert ('data-live-interval="5"' in html) is live


@responses.activate
def test_a_job_modelarts_no_longer_knows_shows_its_last_data_as_such(alice_client, alice_credential):
    store_list(alice_credential, [make_job(10086, job_name="deleted-since")])
    responses.get(f"{UPSTREAM}/10086", status=404, json={"error_code": "ModelArts.0104", "error_msg": "not exist"})

    response = alice_client.get(detail_url())

    html = response.content.decode()
    assert response.status_code == 404
    assert "ModelArts no longer knows this job" in html and "deleted-since" in html
    assert "ModelArts did not answer" not in html


def test_a_changed_answer_is_rendered_afresh(alice_client, alice_credential, service_jobs):
    service_jobs.add(parse_job(JOB))
    alice_client.get(detail_url())
    service_jobs.add(parse_job({**JOB, "status": 10, "job_name": "renamed", "duration": 1000}))

    html = alice_client.get(detail_url()).content.decode()

    assert "renamed" in html and "resnet-" not in html
    assert "Completed" in html and "JOBSTAT_RUNNING" not in html


def test_reused_fields_follow_the_language_and_the_credential(alice_client, alice_credential, service_jobs):
    service_jobs.add(parse_job(JOB))
    english = alice_client.get(detail_url()).content.decode()
    alice_credential.name = "Renamed project"
    alice_credential.save()

    chinese = alice_client.get(detail_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "Job ID" in english and "Job ID" not in chinese
    assert "Renamed project (<code>" in chinese
