"""What the gunicorn benchmarks and the load test share: a configured database and cache, the simulator,
a gunicorn server in production settings, logged-in HTTP clients, and latency statistics.

Everything listens on loopback only; every loop is bounded in time or count.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password"
SIMULATOR_LATENCY_MS = 50


@dataclass(frozen=True)
class Config:
    name: str
    database_url: str
    cache_url: str


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def configs(workdir: Path) -> list[Config]:
    """SQLite with the database cache (shared by the workers with an atomic add, nothing to install), and
    PostgreSQL with Redis where they answer on loopback."""
    found = [Config("SQLite + database cache", f"sqlite:///{workdir}/bench.sqlite3", "dbcache://dashboard_cache")]
    if answers(5432) and answers(6379):
        found.append(Config("PostgreSQL + Redis", fresh_postgres_database(), "redis://127.0.0.1:6379/8"))
    else:
        print("PostgreSQL or Redis does not answer on 127.0.0.1: measuring SQLite only.")
    return found


def fresh_postgres_database(name: str = "dashboard_bench") -> str:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(config: Config, simulator_url: str, workdir: Path, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off), without TLS: the load comes over plain loopback HTTP."""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "CACHE_URL", "DEBUG")}
    env.update(
        DEBUG="0",
        SECRET_KEY="benchmark-only-secret-key-" + "x" * 40,
        CREDENTIAL_KEYS="YmVuY2htYXJrLW9ubHkta2V5LTAwMDAwMDAwMDAwMDA=",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=config.database_url,
        CACHE_URL=config.cache_url,
        MODELARTS_ENDPOINT=simulator_url,
        IAM_ENDPOINT=simulator_url,
        STATIC_ROOT=str(workdir / "static"),
        LOG_LEVEL="WARNING",
        LOGIN_FAILURE_LIMIT="1000",
        DETAIL_LOOKUP_BURST="1000000",  # one user plays every client: the per-user limit is not what we measure
        **extra,
    )
    return env


def manage(env: dict[str, str], *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(arguments)} failed:\n{result.stderr}")
    return result.stdout


def prepare(env: dict[str, str], tenants) -> None:
    """Schema, an empty cache (a previous run's details must not answer for this one), static files,
    a user 'bench' and one AK/SK credential per simulator tenant."""
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput")
    code = (
        "from django.core.cache import cache; cache.clear(); "
        f"from django.contrib.auth.models import User; User.objects.create_user('bench', password='{PASSWORD}')"
    )
    manage(env, "shell", "-c", code)
    for tenant in tenants:
        manage(
            {**env, "MODELARTS_SECRET_KEY": tenant.secret_key},
            "add_credential",
            "--user",
            "bench",
            "--name",
            tenant.name,
            "--region",
            tenant.region,
            "--project-id",
            tenant.project_id,
            "--access-key",
            tenant.access_key,
        )


@contextmanager
def gunicorn(env: dict[str, str], workers: int) -> Iterator[tuple[str, subprocess.Popen]]:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "dashboard/gunicorn.py",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--max-requests",
            "0",
            "dashboard.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server, workers)
        yield url, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_up(url: str, server: subprocess.Popen, workers: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=5).ok and len(worker_pids(server.pid)) == workers:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def worker_pids(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def login(url: str) -> requests.Session:
    """A session for user 'bench'. DEBUG is off, so the cookies are marked Secure and a client would not
    send them back over plain HTTP: here they are sent by hand (loopback stands in for the TLS proxy)."""
    session = requests.Session()
    page = session.get(f"{url}/accounts/login/", timeout=10)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if found is None:
        raise RuntimeError(f"No CSRF token on the login page (HTTP {page.status_code}).")
    token = found.group(1)
    cookies = dict(page.cookies.items())
    response = session.post(
        f"{url}/accounts/login/",
        data={"username": "bench", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Cookie": _cookie_header(cookies)},
        allow_redirects=False,
        timeout=10,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login failed: HTTP {response.status_code}")
    cookies.update(response.cookies.items())
    session.cookies.clear()
    session.headers.update({"Cookie": _cookie_header(cookies), "X-CSRFToken": cookies["csrftoken"]})
    return session


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


class Browser:
    """Timed page views for one logged-in session, over plain http.client as a browser's own HTTP stack
    would make them. requests (used to log in, post and prepare) spends about 1.5 ms of CPU per call on
    this class of machine; on shared cores that would be counted as the server's latency."""

    def __init__(self, url: str, session: requests.Session):
        self.session = session
        self.headers = {"Cookie": session.headers["Cookie"]}
        self.connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=30)

    def get(self, path: str) -> tuple[float, int]:
        """Milliseconds until the whole page has arrived, and the HTTP status."""
        started = time.perf_counter()
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        response.read()
        return (time.perf_counter() - started) * 1000, response.status


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)] if ordered else float("nan")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
