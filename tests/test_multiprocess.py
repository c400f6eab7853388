"""Nothing depends on per-process memory: with two gunicorn workers sharing a cache, IAM tokens and the detail
cache are shared, twelve viewers of a never-fetched list queue one refresh (the claim is in the database), and
a "New job" form sent eight times at once creates one job (its token is in the database).
Both shared caches a deployment may use: Redis (skipped, visibly, without Redis on 127.0.0.1:6379), and the
database cache of a single host on SQLite."""

import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from simulator import seed
from simulator.seed import DEMO
from tests.conftest import redis_answers
from tests.test_settings import ROOT, settings_environment

REDIS_DB = 7  # a database of its own, flushed by this test


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(environment: dict, *arguments: str, stdin: str = "") -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def worker_cpu_ticks(master: int) -> dict[int, int]:
    """CPU time used so far by each worker (a child of the gunicorn master)."""
    ticks = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            ticks[int(stat.parent.name)] = int(fields[11]) + int(fields[12])
    return ticks


@pytest.fixture(params=["redis", "database"])
def shared_cache_url(request) -> str:
    if request.param == "database":
        return "dbcache://dashboard_cache"
    if not redis_answers():
        pytest.skip("needs Redis on 127.0.0.1:6379")
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()
    return f"redis://127.0.0.1:6379/{REDIS_DB}"


def prepare_site(environment: dict) -> None:
    """A migrated database (and cache table) with alice, password "pw", and her IAM credential for the
    simulator's demo tenant (the endpoints and password come from ``environment``)."""
    manage(environment, "migrate", "--noinput")
    manage(environment, "createcachetable")
    manage(
        environment,
        "shell",
        "-c",
        "from django.contrib.auth.models import Permission, User; "
        "User.objects.create_user('alice', password='pw').user_permissions.add("
        "Permission.objects.get(codename='operate_visualization_jobs'))",
    )
    manage(
        environment,
        "add_credential",
        "--user",
        "alice",
        "--name",
        "Demo",
        "--region",
        DEMO.region,
        "--project-id",
        DEMO.project_id,
        "--iam-domain",
        DEMO.domain_name,
        "--iam-user",
        DEMO.user_name,
    )


def site_environment(simulator, **variables: str) -> dict[str, str]:
    """Settings for the dashboard's processes: the simulator as ModelArts and IAM, the demo tenant's password."""
    return settings_environment(
        MODELARTS_ENDPOINT=simulator.url, IAM_ENDPOINT=simulator.url, MODELARTS_PASSWORD=DEMO.password, **variables
    )


@contextmanager
def serving(environment: dict, workers: int) -> Iterator[tuple[str, int]]:
    """gunicorn with ``workers`` workers on a free port, once they all answer: its URL and the master's pid."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "30"]
        + ["dashboard.wsgi"],
        cwd=ROOT,
        env={**environment, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/healthz", timeout=5).ok and len(worker_cpu_ticks(server.pid)) == workers:
                    break
            except requests.RequestException:  # not listening yet, or still importing
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        yield url, server.pid
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def gunicorn(tmp_path, simulator, shared_cache_url):
    environment = site_environment(
        simulator,
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        CACHE_URL=shared_cache_url,
        DETAIL_CACHE_SECONDS="30",
    )
    prepare_site(environment)
    with serving(environment, workers=2) as server:
        yield server


def logged_in(url: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{url}/accounts/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{url}/accounts/login/", data={"username": "alice", "password": "pw", "csrfmiddlewaretoken": token}
    )
    assert response.url == f"{url}/", "login failed"
    return session


def burst(url: str, sessions: list[requests.Session], path: str) -> list[int]:
    with ThreadPoolExecutor(len(sessions)) as pool:
        return list(pool.map(lambda session: session.get(f"{url}{path}", timeout=30).status_code, sessions))


def queued_tasks(queue_file: Path) -> int:
    with sqlite3.connect(queue_file) as queue:
        return queue.execute("SELECT count(*) FROM task").fetchone()[0]


def test_two_workers_share_tokens_detail_cache_and_refresh_claim(gunicorn, simulator, tmp_path):
    url, master = gunicorn
    simulator.latency_ms = 300  # every request of a burst arrives while the first upstream call is in flight
    sessions = [logged_in(url) for _ in range(12)]
    before = worker_cpu_ticks(master)

    detail = burst(url, sessions, f"/projects/{DEMO.project_id}/visualization-jobs/{seed.DEMO_RUNNING_JOB_ID}/")
    listing = burst(url, sessions, f"/projects/{DEMO.project_id}/visualization-jobs/")

    after = worker_cpu_ticks(master)
    assert detail == [200] * 12 and listing == [200] * 12
    assert all(after[pid] > before[pid] for pid in before), "both workers served requests"
    assert simulator.calls["token"] == 1  # one IAM token, reused by both workers
    assert simulator.calls["detail"] == 1  # one upstream call for twelve viewers
    assert simulator.calls["list"] == 0  # pages never fetch a list: they queue a refresh for the worker
    assert queued_tasks(tmp_path / "tasks.sqlite3") == 1  # one refresh of the never-fetched list, for twelve


@pytest.mark.parametrize("shared_cache_url", ["database"], indirect=True)  # the claim is in the database anyway
def test_a_new_job_form_sent_many_times_at_once_to_two_workers_creates_one_job(gunicorn, simulator):
    url, master = gunicorn
    simulator.latency_ms = 300  # every sending arrives while the first create is in flight
    new = f"{url}/projects/{DEMO.project_id}/visualization-jobs/new/"
    sessions = [logged_in(url) for _ in range(8)]
    pages = [session.get(new).text for session in sessions]
    form_token = re.search(r'name="token" value="([^"]+)"', pages[0]).group(1)
    form = {"token": form_token, "job_name": "once", "train_url": "obs://demo-bucket/once/", "job_type": "tensorboard"}

    def send(session: requests.Session, page: str) -> requests.Response:
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return session.post(new, data={**form, "csrfmiddlewaretoken": csrf}, allow_redirects=False, timeout=30)

    before = worker_cpu_ticks(master)
    with ThreadPoolExecutor(len(sessions)) as pool:
        answers = list(pool.map(send, sessions, pages))

    assert all(after > before[pid] for pid, after in worker_cpu_ticks(master).items()), "both workers served"
    assert simulator.calls["create"] == 1
    landed = {answer.headers["Location"] for answer in answers if answer.status_code == 302}
    assert len(landed) == 1  # the job's page, for the first and for any sent after it was created
    assert all(answer.status_code in (302, 409) for answer in answers)  # 409: sent while the first was asked
