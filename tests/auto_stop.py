"""What the tests of the auto-stop policies share: running jobs in a cached list, and ModelArts' answers."""

from datetime import timedelta

import responses
from django.utils import timezone

from jobs.models import AutoStopPolicy
from tests.conftest import PROJECT_A, make_job, store_list

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
HOUR_MS = 3_600_000


def running(job_id: int, hours: float, status: int = 8, **fields):
    """A job that had run ``hours`` when the list was fetched (status 8: running)."""
    return make_job(job_id, status=status, duration_ms=int(hours * HOUR_MS), **fields)


def store_jobs(credential, *jobs, fetched_ago: timedelta = timedelta(minutes=1)):
    return store_list(credential, list(jobs), fetched_at=timezone.now() - fetched_ago)


def set_policy(credential, hours: int) -> AutoStopPolicy:
    return AutoStopPolicy.objects.create(credential=credential, hours=hours)


def mock_job(job_id: int, hours: float, status: int = 8, upstream: str = UPSTREAM) -> None:
    """ModelArts' detail answer: the job in this status, having run ``hours`` now."""
    responses.get(
        f"{upstream}/{job_id}",
        json={
            "is_success": True,
            "job_id": job_id,
            "job_name": f"job-{job_id}",
            "status": status,
            "duration": int(hours * HOUR_MS),
        },
    )


def mock_stop(job_id: int, upstream: str = UPSTREAM, **answer) -> None:
    responses.post(f"{upstream}/{job_id}/stop", **(answer or {"json": {"is_success": True}}))


def stops() -> list[str]:
    """The stop requests sent, by URL."""
    return [call.request.url for call in responses.calls if call.request.url.endswith("/stop")]
