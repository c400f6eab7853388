"""The demo agrees with the clock: seeded jobs were created hours or days before the simulator seeds them, a
running one has run since shortly after its creation and runs on (its duration counted to the clock at every
answer, as ModelArts counts it), a finished one keeps the duration of its run, which ended before now; and the
pages show the same, growing, duration for a running job in the list (from the stored row) and on its page.

Nothing sleeps: the simulator's clock moves (``clock_offset_seconds``), and where the dashboard must see the
same moment its clock (``django.utils.timezone.now``) moves by the same amount.
"""

import io
from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Credential
from jobs import refresh
from jobs.models import CachedJob, JobListRefresh
from jobs.templatetags import jobs_tags
from modelarts.auth import SignatureAuth
from simulator import seed
from simulator.seed import DEMO, DEMO_RUNNING_JOB_ID, HOUR_MS, RUNNING_STATUSES, generate_jobs
from tests.conftest import make_job, store_list
from tests.job_actions import detail_url

STARTUP_MS = 300_000  # a seeded running job was running at most this long after its creation
FINISHED = seed.DEMO_STATUS_JOB_IDS[10]
MOVE_SECONDS = 600  # within the 15 minutes of clock skew a signature is allowed


def now_ms(sim) -> int:
    return round(sim.now() * 1000)


def ask(sim, path: str = "", **params) -> dict:
    """The simulator's answer, signed at the simulator's clock (which a test may have moved)."""

    def clock():
        return datetime.now(UTC) + timedelta(seconds=sim.clock_offset_seconds)

    response = requests.get(
        f"{sim.url}/v1/{DEMO.project_id}/visualization-jobs{path}",
        params=params,
        auth=SignatureAuth(DEMO.access_key, DEMO.secret_key, clock=clock),
        timeout=5,
    )
    assert response.status_code == 200, response.text
    return response.json()


def detail(sim, job_id: int = DEMO_RUNNING_JOB_ID) -> dict:
    return ask(sim, f"/{job_id}")


def seeded_jobs(sim) -> list[dict]:
    return [
        {name: int(value) if name in seed.STRINGLY_FIELDS else value for name, value in job.items()}
        for job in ask(sim, per_page=1000)["jobs"]
    ]


# The simulator's answers


def test_the_curated_running_job_was_created_about_four_hours_ago_and_has_run_since(simulator):
    job, now = detail(simulator), now_ms(simulator)

    assert job["status"] == 8
    assert abs(now - job["create_time"] - 4 * HOUR_MS) < 60_000
    assert 0 <= (now - job["create_time"]) - job["duration"] <= STARTUP_MS
    assert job["remaining_duration"] == 8 * HOUR_MS - job["duration"]  # its 8-hour auto-stop


def test_every_running_seeded_job_has_run_since_shortly_after_its_creation(simulator):
    jobs, now = seeded_jobs(simulator), now_ms(simulator)
    running = [job for job in jobs if job["status"] in RUNNING_STATUSES]

    assert len(running) >= 3
    for job in running:
        assert 0 <= (now - job["create_time"]) - job["duration"] <= STARTUP_MS, job


def test_finished_and_pending_seeded_jobs_agree_with_the_clock(simulator):
    jobs, now = seeded_jobs(simulator), now_ms(simulator)

    for job in jobs:
        assert job["create_time"] < now, job
        assert 0 <= job["duration"] <= now - job["create_time"], job  # no run longer than the job's life


def test_a_running_jobs_duration_grows_with_the_clock_and_its_remaining_time_shrinks(simulator):
    before = detail(simulator)
    simulator.clock_offset_seconds += MOVE_SECONDS
    after = detail(simulator)

    grown = after["duration"] - before["duration"]
    assert MOVE_SECONDS * 1000 <= grown < MOVE_SECONDS * 1000 + 5_000  # plus the real time the test took
    assert before["remaining_duration"] - after["remaining_duration"] == grown
    assert after["create_time"] == before["create_time"]


def test_a_finished_jobs_duration_stays(simulator):
    before = detail(simulator, FINISHED)
    simulator.clock_offset_seconds += MOVE_SECONDS

    assert detail(simulator, FINISHED) == before


def test_a_seeded_auto_stop_ends_the_run_when_its_hours_are_used_up(simulator):
    remaining = detail(simulator)["remaining_duration"]
    simulator.clock_offset_seconds += remaining / 1000 + simulator.pace_seconds + 1
    stopped = detail(simulator)

    assert stopped["status"] == 13
    assert stopped["duration"] == 8 * HOUR_MS and stopped["remaining_duration"] == 0


def test_seeding_is_a_function_of_the_seed_and_the_clock():
    first = generate_jobs(1, DEMO.project_id, 60, 1_800_000_000_000)
    again = generate_jobs(1, DEMO.project_id, 60, 1_800_000_000_000)
    later = generate_jobs(1, DEMO.project_id, 60, 1_800_000_000_000 + HOUR_MS)

    assert [job.render() for job in first.values()] == [job.render() for job in again.values()]
    for job_id, job in first.items():
        assert later[job_id].fields["create_time"] == job.fields["create_time"] + HOUR_MS
        assert later[job_id].fields["duration"] == job.fields["duration"]  # as long, as of its own seeding


def test_a_project_seeded_later_has_its_jobs_created_later(simulator):
    before = detail(simulator)["create_time"]
    simulator.clock_offset_seconds += 3600
    simulator.set_job_count(DEMO.project_id, simulator.jobs_per_project)

    assert 3600 * 1000 <= detail(simulator)["create_time"] - before < 3600 * 1000 + 5_000


# The pages


@pytest.fixture
def fetched(simulated_credential, simulator, settings):
    """The demo project's list fetched from the simulator; job pages always ask it afresh."""
    settings.DETAIL_CACHE_SECONDS = settings.DETAIL_CACHE_TERMINAL_SECONDS = 0
    assert refresh.refresh_job_list(simulated_credential).error is None
    return simulated_credential


def list_page(client, credential, job_name: str = "running-with-autostop") -> str:
    """The project list searched for one job, so every duration on it is that job's."""
    response = client.get(f"/projects/{credential.project_id}/visualization-jobs/", {"q": job_name})
    html = response.content.decode()
    assert f">{job_name}</a>" in html
    return html


def detail_page(client, credential, job_id: int = DEMO_RUNNING_JOB_ID) -> str:
    return client.get(detail_url(credential.project_id, job_id)).content.decode()


@pytest.mark.django_db
def test_a_running_job_created_four_hours_ago_has_run_about_four_hours_in_the_list_and_on_its_page(
    alice_client, fetched
):
    assert ">3 h 58 min<" in list_page(alice_client, fetched)
    assert ">3 h 58 min<" in detail_page(alice_client, fetched)


@pytest.mark.django_db
def test_the_shown_duration_grows_with_the_clock(alice_client, fetched, simulator, monkeypatch):
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=MOVE_SECONDS))
    simulator.clock_offset_seconds += MOVE_SECONDS

    assert ">4 h 8 min<" in detail_page(alice_client, fetched)  # ModelArts' answer, counted to its clock
    assert ">4 h 8 min<" in list_page(alice_client, fetched)  # the stored row, counted to the dashboard's


@pytest.mark.django_db
def test_a_stored_running_row_counts_from_when_its_run_started_not_from_its_creation(alice_client, alice_credential):
    """ModelArts' duration is the run's, which a restart starts again: a job created days ago and restarted five
    minutes before the list was fetched has run five minutes (and counting), not days."""
    fetched_at = timezone.now() - timedelta(minutes=10)
    created = fetched_at - timedelta(days=3)
    restarted = make_job(7, job_name="restarted", status=8, create_time=created, duration_ms=5 * 60_000)
    store_list(alice_credential, [restarted], fetched_at=fetched_at)

    assert ">15 min<" in list_page(alice_client, alice_credential, "restarted")


@pytest.mark.django_db
def test_setup_demo_forgets_the_list_of_an_earlier_simulator_run(settings):
    """`make run` seeds a new simulator after setup_demo: the list stored from the last run is not shown."""
    settings.DEBUG = True
    call_command("setup_demo", stdout=io.StringIO())
    credential = Credential.objects.get(owner__username="demo")
    store_list(credential, [make_job(DEMO_RUNNING_JOB_ID, status=8), make_job(123456, job_name="made-last-run")])

    call_command("setup_demo", stdout=io.StringIO())

    assert not CachedJob.objects.filter(credential=credential).exists()
    assert not JobListRefresh.objects.filter(credential=credential).exists()


@pytest.mark.django_db
def test_a_stored_running_rows_remaining_time_shrinks_as_its_duration_grows(alice_credential):
    """A row is as old as its list: what it ran since, it no longer has left (the job's page shows a row when
    ModelArts does not answer)."""
    fetched_at = timezone.now() - timedelta(minutes=10)
    job = make_job(7, status=8, duration_ms=HOUR_MS, remaining_duration_ms=HOUR_MS)
    store_list(alice_credential, [job, make_job(8, status=8, duration_ms=HOUR_MS, remaining_duration_ms=60_000)])
    row, nearly_stopped = CachedJob.objects.filter(credential=alice_credential).order_by("job_id")
    CachedJob.objects.filter(credential=alice_credential).update(fetched_at=fetched_at)
    row.running_since = nearly_stopped.running_since = fetched_at - timedelta(hours=1)

    assert 50 * 60_000 - 5_000 < jobs_tags.current_remaining(row) <= 50 * 60_000
    assert jobs_tags.current_remaining(nearly_stopped) == 0
    assert jobs_tags.current_remaining(job) == HOUR_MS  # an answer just given: as ModelArts said
    assert jobs_tags.current_remaining(make_job(9, status=10, remaining_duration_ms=HOUR_MS)) == HOUR_MS
