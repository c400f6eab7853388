"""A real consumer process (``manage.py run_huey``) runs the list refreshes that pages queue, on each queue
storage a deployment may use: the SQLite file (always), Redis (skipped without Redis on 127.0.0.1:6379) and
the PostgreSQL database itself (skipped unless the suite runs on PostgreSQL, whose test database the
processes share). The web server and the consumer are processes of their own, speaking to the simulator over
real HTTP; its call counts show that pages never list jobs themselves: the consumer does."""

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from simulator.seed import DEMO
from tests.conftest import redis_answers
from tests.test_multiprocess import logged_in, manage, prepare_site, serving, site_environment
from tests.test_settings import ROOT

REDIS_DB = 6  # a database of its own, flushed by this test
LIST_PATH = f"/projects/{DEMO.project_id}/visualization-jobs/"
FIRST_TIME = "Fetching this project's jobs for the first time"
# What LIST_TTL (five minutes) does to a list: an hour on, it is stale, and no cooldown holds a refresh back.
AGE_THE_LISTS = (
    "from datetime import timedelta; from django.db.models import F; from jobs.models import JobListRefresh; "
    "JobListRefresh.objects.update(fetched_at=F('fetched_at') - timedelta(hours=1), "
    "finished_at=F('finished_at') - timedelta(hours=1), started_at=F('started_at') - timedelta(hours=1))"
)


def postgresql_url(database: dict) -> str:
    """A DATABASE_URL for the database these settings describe (the suite's test database)."""
    credentials = quote(database["USER"] or "", safe="") + ":" + quote(database["PASSWORD"] or "", safe="")
    return f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


@pytest.fixture(params=["sqlite", "redis", "postgresql"])
def queue_settings(request, tmp_path) -> dict[str, str]:
    """DATABASE_URL and TASK_QUEUE_URL of the dashboard's processes, for each queue storage."""
    sqlite = {"DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    if request.param == "sqlite":
        return sqlite
    if request.param == "redis":
        if not redis_answers():
            pytest.skip("needs Redis on 127.0.0.1:6379")
        import redis

        redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()
        return {**sqlite, "TASK_QUEUE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}"}
    if connection.vendor != "postgresql":
        pytest.skip("needs the suite on PostgreSQL (DATABASE_URL=postgres://…), whose test database the processes use")
    request.getfixturevalue("transactional_db")  # rows committed, so other processes see them; emptied after
    return {"DATABASE_URL": postgresql_url(connection.settings_dict)}


@contextmanager
def consumer(environment: dict, log: Path) -> Iterator[None]:
    """``manage.py run_huey`` as a deployment runs it, one worker thread; stopped as systemd stops it (SIGINT)."""
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--workers", "1", "--no-periodic"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)


def wait_for(condition: Callable[[], bool], what: str, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {seconds} s; the consumer's log:\n{log.read_text()}")
        time.sleep(0.1)


def test_pages_queue_refreshes_that_a_consumer_process_runs(queue_settings, simulator, tmp_path):
    environment = site_environment(simulator, **queue_settings)
    prepare_site(environment)
    log = tmp_path / "consumer.log"
    with serving(environment, workers=1) as (url, _):
        session = logged_in(url)

        def page() -> str:
            response = session.get(url + LIST_PATH, timeout=10)
            assert response.status_code == 200
            return response.text

        # Never fetched: the page answers at once, says the list is coming, and queues its first fetch.
        first = page()
        assert FIRST_TIME in first and "waiting for the background worker" in first
        assert simulator.calls["list"] == 0

        with consumer(environment, log):
            wait_for(lambda: "60 jobs" in page(), "no rows on the page", log)
            assert simulator.calls["list"] == 1  # the consumer's fetch; the pages polling it made none

            # Stale: the stored rows at once, "Refreshing…", while the consumer fetches (slowly) what changed.
            simulator.latency_ms = 500
            simulator.set_job(DEMO.project_id, max(simulator.job_ids(DEMO.project_id)) + 1, job_name="created-later")
            manage(environment, "shell", "-c", AGE_THE_LISTS)
            stale = page()
            assert "Refreshing…" in stale and "60 jobs" in stale and "created-later" not in stale

            wait_for(lambda: "61 jobs" in page(), "no new row on the page", log)

    assert simulator.calls["list"] == 2  # one per refresh, however many times the pages were viewed
