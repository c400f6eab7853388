"""What the gunicorn benchmarks and the load test share: a configured database, cache and task queue, the
simulator, a gunicorn server in production settings with a task-queue consumer beside it, logged-in HTTP
clients, the stored lists' refresh states, and latency statistics.

Everything listens on loopback only; every loop is bounded in time or count.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from simulator.seed import Tenant
from simulator.server import Simulator

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password"
SIMULATOR_LATENCY_MS = 50


@dataclass(frozen=True)
class Config:
    name: str
    database_url: str
    cache_url: str
    task_queue_url: str = ""  # empty: the SQLite queue file beside the SQLite database


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def configs(workdir: Path) -> list[Config]:
    """SQLite with the database cache (shared by the workers with an atomic add, nothing to install) and
    the SQLite task queue, and PostgreSQL with Redis (cache in database 8, task queue in 9) where they
    answer on loopback. BENCH_POSTGRES_DATABASE names the PostgreSQL database, dropped and made afresh."""
    found = [Config("SQLite + database cache", f"sqlite:///{workdir}/bench.sqlite3", "dbcache://dashboard_cache")]
    if answers(5432) and answers(6379):
        database = fresh_postgres_database(os.environ.get("BENCH_POSTGRES_DATABASE") or "dashboard_bench")
        found.append(Config("PostgreSQL + Redis", database, "redis://127.0.0.1:6379/8", "redis://127.0.0.1:6379/9"))
    else:
        print("PostgreSQL or Redis does not answer on 127.0.0.1: measuring SQLite only.")
    return found


def fresh_postgres_database(name: str) -> str:
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
    settings_given_here = ("DATABASE_URL", "CACHE_URL", "TASK_QUEUE_URL", "TASK_QUEUE_PATH", "DEBUG")
    env = {key: value for key, value in os.environ.items() if key not in settings_given_here}
    env.update(
        DEBUG="0",
        SECRET_KEY="benchmark-only-secret-key-" + "x" * 40,
        CREDENTIAL_KEYS="YmVuY2htYXJrLW9ubHkta2V5LTAwMDAwMDAwMDAwMDA=",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=config.database_url,
        CACHE_URL=config.cache_url,
        TASK_QUEUE_URL=config.task_queue_url,
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


def prepare(env: dict[str, str], tenants: Iterable[Tenant]) -> None:
    """Schema, an empty cache and task queue (a previous run's details or tasks must not answer for this
    one), static files, a user 'bench' and one AK/SK credential per project of each simulator tenant
    (named after the tenant, and after the project's number when the tenant has several)."""
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput")
    credentials = [
        (f"{tenant.name}-{number}" if tenant.more_project_ids else tenant.name, tenant, project_id)
        for tenant in tenants
        for number, project_id in enumerate(tenant.project_ids)
    ]
    # One process for all of them: a user watching 20 projects would otherwise cost 20 Django start-ups.
    code = "\n".join(
        [
            "import os",
            "from django.core.cache import cache",
            "from django.core.management import call_command",
            "from django.contrib.auth.models import User",
            "from huey.contrib.djhuey import HUEY",
            "cache.clear()",
            "HUEY.flush()",
            f"User.objects.create_user('bench', password='{PASSWORD}')",
            *(
                f"os.environ['MODELARTS_SECRET_KEY'] = {tenant.secret_key!r}\n"
                f"call_command('add_credential', user='bench', name={name!r}, region={tenant.region!r}, "
                f"project_id={project_id!r}, access_key={tenant.access_key!r})"
                for name, tenant, project_id in credentials
            ),
        ]
    )
    manage(env, "shell", "-c", code)


@contextmanager
def gunicorn(env: dict[str, str], workers: int) -> Iterator[tuple[str, subprocess.Popen]]:
    """gunicorn with ``workers`` workers and, as in production, a task-queue consumer beside it (list
    refreshes run there); yields the address and the gunicorn master."""
    with consumer(env):
        with _gunicorn(env, workers) as served:
            yield served


@contextmanager
def consumer(env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """``manage.py run_huey`` until the block ends, logging to dashboard-bench-huey-PID.log in the
    temporary directory."""
    log = open(Path(tempfile.gettempdir()) / f"dashboard-bench-huey-{os.getpid()}.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@contextmanager
def _gunicorn(env: dict[str, str], workers: int) -> Iterator[tuple[str, subprocess.Popen]]:
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

    def __init__(self, url: str, session: requests.Session, timeout: float = 30):
        self.session = session
        self.headers = {"Cookie": session.headers["Cookie"]}
        self.connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=timeout)

    def get(self, path: str) -> tuple[float, int]:
        """Milliseconds until the whole page has arrived, and the HTTP status."""
        started = time.perf_counter()
        status, _ = self._exchange("GET", path, self.headers)
        return (time.perf_counter() - started) * 1000, status

    def page(self, path: str) -> str:
        """The page's text, untimed."""
        return self._exchange("GET", path, self.headers)[1].decode("utf-8")

    def post(self, path: str) -> tuple[float, int]:
        """A form without fields (a button such as "Refresh now") posted to ``path``: milliseconds until
        the answer has arrived, and its status (a redirect, not followed)."""
        headers = {
            **self.headers,
            "X-CSRFToken": self.session.headers["X-CSRFToken"],
            "Content-Type": "application/x-www-form-urlencoded",
        }
        started = time.perf_counter()
        status, _ = self._exchange("POST", path, headers, b"")
        return (time.perf_counter() - started) * 1000, status

    def _exchange(
        self, method: str, path: str, headers: Mapping[str, str | bytes], body: bytes | None = None
    ) -> tuple[int, bytes]:
        """Status and body. A kept-alive connection the server closed while idle (threaded workers close
        one after a few seconds) is opened again and the request sent once more, as browsers do: the server
        closed it before reading the request, so nothing was done twice."""
        try:
            return self._send(method, path, headers, body)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.connection.close()
            return self._send(method, path, headers, body)

    def _send(
        self, method: str, path: str, headers: Mapping[str, str | bytes], body: bytes | None
    ) -> tuple[int, bytes]:
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read()


def query(config: Config, statement: str, params: Iterable[Any] = ()) -> list[tuple]:
    """Run one statement (``%s`` placeholders) on the configuration's database, from outside the server,
    as a script would: the benchmarks read refresh states there and age lists on purpose."""
    if config.database_url.startswith("sqlite:///"):
        path = config.database_url.removeprefix("sqlite:///")
        with closing(sqlite3.connect(path, timeout=30)) as connection, connection:
            return connection.execute(statement.replace("%s", "?"), tuple(params)).fetchall()
    import psycopg

    with psycopg.connect(config.database_url, autocommit=True) as postgres:
        cursor = postgres.execute(statement, tuple(params))
        return cursor.fetchall() if cursor.description else []


def database_time(config: Config, moment: datetime) -> datetime | str:
    """``moment`` as Django stores it: a naive UTC text on SQLite, an aware timestamp on PostgreSQL."""
    if config.database_url.startswith("sqlite:///"):
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    return moment


def stored_time(value: datetime | str | None) -> datetime | None:
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value


def refreshed(config: Config, project_ids: Iterable[str], since: datetime | None = None) -> bool:
    """Whether each of these projects' lists is stored (at or after ``since``, if given) and no refresh of
    it is queued or running any more."""
    rows = query(
        config,
        "SELECT c.project_id, r.fetched_at, r.queued_at FROM jobs_joblistrefresh r "
        "JOIN jobs_credential c ON c.id = r.credential_id",
    )
    states = {project_id: (stored_time(fetched_at), queued_at) for project_id, fetched_at, queued_at in rows}
    for project_id in project_ids:
        fetched_at, queued_at = states.get(project_id, (None, None))
        if fetched_at is None or (since is not None and fetched_at < since) or queued_at is not None:
            return False
    return True


def wait_until_refreshed(
    config: Config, project_ids: Iterable[str], since: datetime | None = None, timeout: float = 600
) -> None:
    """Until ``refreshed``, checking every 20 ms (the consumer runs the refreshes)."""
    project_ids = list(project_ids)
    deadline = time.monotonic() + timeout
    while not refreshed(config, project_ids, since):
        if time.monotonic() > deadline:
            raise RuntimeError(f"The lists were not refreshed within {timeout:.0f} s; is the consumer running?")
        time.sleep(0.02)


def run(simulator: Simulator, measure: Callable[[Config, Simulator], dict[str, float]], keys: Iterable[str]) -> None:
    """``measure`` on each configuration against the simulator (started here, stopped after), then ``report``."""
    simulator.start()
    results: dict[str, dict[str, float]] = {}
    try:
        for config in configs(workdir()):
            print(f"{config.name}:")
            results[config.name] = measure(config, simulator)
    finally:
        simulator.stop()
    report(results, keys)


def report(results: dict[str, dict[str, float]], keys: Iterable[str]) -> None:
    """Print the figures per configuration; with BENCH_OUT=file also add them to that JSON file, each key
    as the worse (larger) of the configurations plus every configuration's own figures. `make bench`
    empties the file first, so the benchmarks it runs fill one file together."""
    keys, names = list(keys), list(results)
    print()
    print(f"{'figure':<40}" + "".join(f"{name:>26}" for name in names))
    for key in keys:
        print(f"{key:<40}" + "".join(f"{results[name][key]:>26.2f}" for name in names))
    path = os.environ.get("BENCH_OUT")
    if not path:
        return
    output = Path(path)
    figures = json.loads(output.read_text(encoding="utf-8")) if output.is_file() and output.stat().st_size else {}
    figures.update({key: max(results[name][key] for name in names) for key in keys})
    configurations = figures.setdefault("configurations", {})
    for name in names:
        configurations.setdefault(name, {}).update(results[name])
    output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)] if ordered else float("nan")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
