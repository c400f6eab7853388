"""The list is fetched 1000 jobs a page; only when ModelArts refuses that page size does a credential fall
back to 100 a page, and only for a day: then 1000 is tried again."""

from datetime import timedelta

import pytest
import responses
from django.utils import timezone

from jobs import refresh
from jobs.models import JobListRefresh
from simulator.seed import DEMO
from tests.conftest import PROJECT_A

pytestmark = pytest.mark.django_db

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"


@pytest.fixture(autouse=True)
def _refresh_at_will(settings):
    settings.REFRESH_COOLDOWN_SECONDS = 0  # several refreshes in a row


@pytest.fixture
def old_api(simulator):
    """A project of 250 jobs on an API version that accepts at most 100 jobs a page."""
    simulator.set_job_count(DEMO.project_id, 250)
    simulator.max_per_page = 100
    return simulator


def fell_back(credential, ago: timedelta) -> None:
    JobListRefresh.objects.update_or_create(
        credential=credential, defaults={"page_size": 100, "page_size_fell_back_at": timezone.now() - ago}
    )


def test_falls_back_to_100_per_page_and_remembers_it(simulated_credential, old_api):
    first = refresh.refresh_job_list(simulated_credential)
    second = refresh.refresh_job_list(simulated_credential)

    assert (first.jobs, first.upstream_calls) == (250, 4)  # the refused 1000, then 3 pages of 100
    assert (second.jobs, second.upstream_calls) == (250, 3)
    state = JobListRefresh.objects.get(credential=simulated_credential)
    assert state.page_size == 100
    assert timezone.now() - state.page_size_fell_back_at < timedelta(minutes=1)


def test_another_invalid_parameter_does_not_change_the_page_size(alice_credential):
    with responses.RequestsMock() as upstream:
        upstream.get(
            UPSTREAM,
            status=400,
            json={"error_code": "ModelArts.0104", "error_msg": "Parameter sortBy should be one of job_id, job_name."},
        )

        result = refresh.refresh_job_list(alice_credential)

        assert len(upstream.calls) == 1  # not retried with 100 a page: it would be refused the same way
    assert result.error.message == "ModelArts.0104: Parameter sortBy should be one of job_id, job_name."
    state = JobListRefresh.objects.get(credential=alice_credential)
    assert (state.page_size, state.page_size_fell_back_at) == (1000, None)


def test_the_smaller_page_is_kept_for_a_day(simulated_credential, simulator):
    simulator.set_job_count(DEMO.project_id, 250)  # ModelArts accepts 1000 again, but we do not know yet
    fell_back(simulated_credential, timedelta(hours=23))

    result = refresh.refresh_job_list(simulated_credential)

    assert result.upstream_calls == 3
    assert JobListRefresh.objects.get(credential=simulated_credential).page_size == 100


def test_after_a_day_1000_is_tried_again_and_kept_when_accepted(simulated_credential, simulator):
    simulator.set_job_count(DEMO.project_id, 250)
    fell_back(simulated_credential, timedelta(hours=25))

    result = refresh.refresh_job_list(simulated_credential)

    assert (result.jobs, result.upstream_calls) == (250, 1)
    state = JobListRefresh.objects.get(credential=simulated_credential)
    assert (state.page_size, state.page_size_fell_back_at) == (1000, None)


def test_after_a_day_a_new_refusal_falls_back_for_another_day(simulated_credential, old_api):
    fell_back(simulated_credential, timedelta(hours=25))

    result = refresh.refresh_job_list(simulated_credential)

    assert (result.jobs, result.upstream_calls) == (250, 4)
    state = JobListRefresh.objects.get(credential=simulated_credential)
    assert state.page_size == 100
    assert timezone.now() - state.page_size_fell_back_at < timedelta(minutes=1)


def test_a_refresh_that_fails_after_falling_back_remembers_the_fallback(alice_credential):
    refusal = "Parameter per_page should be an integer [1,100], not '1000'."
    jobs = [{"job_id": job_id, "job_name": f"job-{job_id}", "status": 8} for job_id in range(1, 101)]
    with responses.RequestsMock() as upstream:
        upstream.get(UPSTREAM, status=400, json={"error_code": "ModelArts.0104", "error_msg": refusal})
        upstream.get(UPSTREAM, json={"is_success": True, "job_total_count": 250, "jobs": jobs})
        upstream.get(UPSTREAM, status=500, json={"error_code": "ModelArts.0010", "error_msg": "internal"})

        result = refresh.refresh_job_list(alice_credential)

    assert result.error.message == "ModelArts.0010: internal"
    state = JobListRefresh.objects.get(credential=alice_credential)
    assert state.page_size == 100
    assert state.page_size_fell_back_at is not None
