"""A slow ModelArts does not take the whole server: gunicorn with the project's settings (gthread), one worker
of four threads, two of which may wait on ModelArts. While two detail requests wait on a simulator that takes
seconds to answer, /healthz answers at once, and so do detail requests beyond the bound (503: their jobs are
in no cached list). With sync workers, or without the bound, each of them would wait its turn."""

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from simulator.seed import DEMO
from tests.test_multiprocess import free_port, logged_in, manage
from tests.test_settings import ROOT, settings_environment

LATENCY_SECONDS = 3
PROMPT_SECONDS = 1  # far below the latency, far above what /healthz takes on a loaded machine
SETUP = f"""
from django.contrib.auth.models import User
from django.core.management import call_command
call_command("migrate", verbosity=0)
User.objects.create_user("alice", password="pw")
call_command("add_credential", user="alice", name="Demo", region="{DEMO.region}", project_id="{DEMO.project_id}",
             access_key="{DEMO.access_key}")
"""


@pytest.fixture
def server(tmp_path, simulator):
    port = free_port()
    environment = settings_environment(
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        MODELARTS_ENDPOINT=simulator.url,
        IAM_ENDPOINT=simulator.url,
        MODELARTS_SECRET_KEY=DEMO.secret_key,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        WEB_THREADS="4",
        UPSTREAM_CONCURRENCY="2",
    )
    manage(environment, "shell", "-c", SETUP)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "dashboard/gunicorn.py", "dashboard.wsgi"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=5).ok:
                break
        except requests.RequestException:  # not listening yet, or still importing
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("gunicorn did not start")
    yield url
    server.terminate()
    server.wait(timeout=30)


def timed_get(session: requests.Session | None, url: str) -> tuple[int, float]:
    """The status of a GET and the seconds it took."""
    start = time.monotonic()
    status = (session or requests).get(url, timeout=30).status_code
    return status, time.monotonic() - start


def test_healthz_and_requests_beyond_the_bound_answer_at_once_while_details_wait_on_modelarts(server, simulator):
    sessions = [logged_in(server) for _ in range(4)]
    pages = [
        f"{server}/projects/{DEMO.project_id}/visualization-jobs/{job_id}/"
        for job_id in simulator.job_ids(DEMO.project_id)[:4]
    ]
    simulator.latency_ms = LATENCY_SECONDS * 1000

    with ThreadPoolExecutor(2) as pool:
        held = [pool.submit(timed_get, session, page) for session, page in zip(sessions[:2], pages[:2], strict=True)]
        deadline = time.monotonic() + 10
        while simulator.calls["detail"] < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        beyond = [timed_get(session, page) for session, page in zip(sessions[2:], pages[2:], strict=True)]
        probes = [timed_get(None, f"{server}/healthz") for _ in range(10)]
        waited = [future.result() for future in held]

    assert [status for status, _ in waited] == [200, 200]
    assert all(seconds >= LATENCY_SECONDS * 0.9 for _, seconds in waited), "the first two did wait on ModelArts"
    assert [status for status, _ in beyond] == [503, 503]
    assert [status for status, _ in probes] == [200] * 10
    assert max(seconds for _, seconds in beyond + probes) < PROMPT_SECONDS
    assert simulator.calls["detail"] == 2
