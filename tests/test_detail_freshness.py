"""The job's page says how fresh its data is: "Fetched 14:02:31 · updates automatically", or, when ModelArts
failed or was not asked and the page shows the cached list's row, "Data from …, ModelArts did not answer".

Times are in the TIME_ZONE setting (the browser then shows them in its own), a time of day alone for today.
"""

import re
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
import responses
from django.utils import timezone

from jobs import details, upstream_limit
from jobs.models import CachedJob
from jobs.templatetags.jobs_tags import timestamp
from modelarts.client import parse_job
from tests.conftest import PROJECT_A, make_job, store_list

pytestmark = pytest.mark.django_db

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
JOB_ID = 10086
ANSWER = {"is_success": True, "job_id": JOB_ID, "job_name": "resnet-tb", "status": 8, "duration": 60000}
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def detail_url(job_id=JOB_ID):
    return f"/projects/{PROJECT_A}/visualization-jobs/{job_id}/"


def freshness(html: str) -> str:
    """The freshness line, its whitespace collapsed; empty when the page has none."""
    found = re.findall(r"<p class=\"[^\"]*freshness\"[^>]*>(.*?)</p>", html, re.S)
    assert len(found) <= 1, found
    return " ".join(found[0].split()) if found else ""


def time_element(moment: datetime, text: str) -> str:
    utc = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f'<time datetime="{utc}" title="UTC: {utc}" data-style="time">{text}</time>'


@pytest.fixture
def now() -> datetime:
    return timezone.now().replace(microsecond=0)


def test_a_running_job_says_when_it_was_fetched_in_the_servers_time_zone_and_that_it_updates(
    alice_client, alice_credential, service_jobs, settings, now
):
    settings.TIME_ZONE = "Asia/Shanghai"
    service_jobs.add(make_job(JOB_ID, status=8))
    service_jobs.fetched_at = now

    html = alice_client.get(detail_url()).content.decode()

    local = now.astimezone(SHANGHAI).strftime("%H:%M:%S")
    assert freshness(html) == f"Fetched {time_element(now, local)} · updates automatically"
    # live.js leaves the stamp out when it decides whether the page changed, and it is not read out each poll
    assert re.search(r'<p class="muted freshness" data-live-stamp aria-live="off">', html)
    assert 'data-live-interval="5"' in html


def test_a_finished_job_does_not_promise_updates(alice_client, alice_credential, service_jobs, now):
    service_jobs.add(make_job(JOB_ID, status=10))
    service_jobs.fetched_at = now

    html = alice_client.get(detail_url()).content.decode()

    assert freshness(html) == f"Fetched {time_element(now, now.strftime('%H:%M:%S'))}"
    assert "data-live-interval" not in html


def test_data_of_another_day_gives_its_date(alice_client, alice_credential, service_jobs, settings, now):
    settings.TIME_ZONE = "Asia/Shanghai"
    service_jobs.add(make_job(JOB_ID, status=10))
    service_jobs.fetched_at = earlier = now - timedelta(days=2)

    html = alice_client.get(detail_url()).content.decode()

    assert (
        freshness(html)
        == f"Fetched {time_element(earlier, earlier.astimezone(SHANGHAI).strftime('%Y-%m-%d %H:%M:%S CST'))}"
    )


@responses.activate
def test_the_time_is_when_modelarts_answered_not_when_the_shared_details_were_read(alice_client, alice_credential):
    responses.get(f"{UPSTREAM}/{JOB_ID}", json=ANSWER)
    first = freshness(alice_client.get(detail_url()).content.decode())

    shared = details.get_job(alice_credential, JOB_ID)
    again = freshness(alice_client.get(detail_url()).content.decode())

    assert len(responses.calls) == 1  # this read and the second view took the shared details
    utc = shared.fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f'datetime="{utc}"' in first
    assert again == first


@responses.activate
def test_a_fresh_answer_stamps_the_cached_row_with_the_same_time(alice_client, alice_credential, now):
    store_list(alice_credential, [make_job(JOB_ID, status=7)], fetched_at=now - timedelta(hours=1))
    responses.get(f"{UPSTREAM}/{JOB_ID}", json=ANSWER)

    alice_client.get(detail_url())

    row = CachedJob.objects.get(job_id=JOB_ID)
    assert row.fetched_at == details.get_job(alice_credential, JOB_ID).fetched_at
    assert row.fetched_at >= now


@responses.activate
def test_a_modelarts_failure_shows_the_rows_time_and_says_modelarts_did_not_answer(alice_client, alice_credential, now):
    listed_at = now - timedelta(minutes=7)
    store_list(alice_credential, [make_job(JOB_ID, status=8)], fetched_at=listed_at)
    responses.get(f"{UPSTREAM}/{JOB_ID}", status=503, json={"error_code": "APIGW.0201", "error_msg": "unavailable"})

    response = alice_client.get(detail_url())

    html = response.content.decode()
    assert response.status_code == 503
    time = time_element(listed_at, timezone.localtime(listed_at).strftime("%H:%M:%S"))
    assert freshness(html) == f"Data from {time}, ModelArts did not answer · updates automatically"
    assert '<p class="message message--warning freshness" data-live-stamp>' in html  # read out: it is news
    assert html.count("ModelArts did not answer") == 1


def test_a_busy_server_shows_the_rows_time_and_says_modelarts_did_not_answer(
    alice_client, alice_credential, monkeypatch, now
):
    listed_at = now - timedelta(minutes=3)
    store_list(alice_credential, [make_job(JOB_ID, status=8)], fetched_at=listed_at)

    def busy(credential, job_id):
        raise upstream_limit.UpstreamBusy(5)

    monkeypatch.setattr(details, "get_job", busy)

    response = alice_client.get(detail_url())

    assert response.status_code == 200
    time = time_element(listed_at, timezone.localtime(listed_at).strftime("%H:%M:%S"))
    assert freshness(response.content.decode()) == (
        f"Data from {time}, ModelArts did not answer · updates automatically"
    )


@responses.activate
def test_a_job_modelarts_no_longer_knows_says_its_age_once(alice_client, alice_credential, now):
    store_list(alice_credential, [make_job(JOB_ID, status=8)], fetched_at=now - timedelta(minutes=7))
    responses.get(f"{UPSTREAM}/{JOB_ID}", status=404, json={"error_code": "ModelArts.0104", "error_msg": "not exist"})

    html = alice_client.get(detail_url()).content.decode()

    assert "This is the last data the dashboard saw, from <time" in html
    assert freshness(html) == ""  # the warning says how old the data is


def test_another_users_project_says_nothing_of_the_job(bob_client, alice_credential, service_jobs):
    service_jobs.add(make_job(JOB_ID, status=8))

    response = bob_client.get(detail_url())

    assert response.status_code == 404
    assert freshness(response.content.decode()) == ""
    assert service_jobs.asked == []


def test_the_time_style_shows_the_date_outside_today(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = datetime(2026, 3, 1, 20, 0, 5, tzinfo=UTC)  # 04:00:05 on 2 March in Shanghai

    assert timestamp(moment, "time")["text"] == "2026-03-02 04:00:05 CST"
    assert timestamp(moment)["text"] == "2026-03-02 04:00:05 CST"
    today = timezone.now().replace(microsecond=0)
    assert timestamp(today, "time")["text"] == today.astimezone(SHANGHAI).strftime("%H:%M:%S")
    assert timestamp(today)["text"] != timestamp(today, "time")["text"]


def test_a_parsed_answer_is_stamped(alice_credential, now):
    stamped = details.FetchedJob.of(parse_job(ANSWER), now)

    assert (stamped.job_id, stamped.status, stamped.fetched_at) == (JOB_ID, 8, now)
