import base64
import socket
from dataclasses import dataclass, field
from datetime import datetime

import pytest
import urllib3.util.connection
from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from huey.contrib.djhuey import HUEY

from accounts.models import Credential
from jobs import details, lookup_limit, refresh
from jobs.models import CachedJob, JobListRefresh
from modelarts import errors
from modelarts.client import VisualizationJob
from modelarts.regions import is_loopback_host
from simulator.seed import DEMO
from simulator.server import Simulator
from tests.urlconf import mail_configured

PROJECT_A = "0123456789abcdef0123456789abcdef"
PROJECT_B = "fedcba9876543210fedcba9876543210"
ALICE_SECRET = "alice-SECRET-key-0000000000000000000000"


def credential_form(**fields) -> dict:
    """The credential form as a person fills it for an AK/SK credential of project B; ``fields`` change or add
    some (the secret, the connection test box...)."""
    form = {
        "name": "Vision team",
        "region": "cn-north-4",
        "project_id": PROJECT_B,
        "auth_kind": "aksk",
        "access_key": "AKNEW000000000000000",
        "iam_domain": "",
        "iam_user": "",
        "secret": "brand-NEW-secret-value-1111111111111111",
    }
    return form | fields


# Tasks run where they are queued, in memory: a test sees their outcome at once, deterministically. Tests of a
# real consumer run it in another process (tests/test_worker.py).
HUEY.immediate = True


@pytest.fixture(autouse=True)
def _isolated(settings):
    """Each test starts with empty caches (tokens, sessions), without retry back-off sleeps, with fast
    hashing, and in the default language (a request in Chinese leaves Chinese on for the thread)."""
    settings.MODELARTS_RETRY_BACKOFF = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _clear_caches()
    yield
    _clear_caches()
    translation.deactivate()


def _clear_caches() -> None:
    for alias in caches:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """Tests talk to the simulator or to mocks, never to the real ModelArts (nor any other host)."""
    connect = urllib3.util.connection.create_connection

    def guarded(address, *args, **kwargs):
        if not is_loopback_host(address[0]):
            raise OSError(f"tests may not connect to {address[0]}")
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", guarded)


@pytest.fixture
def with_mail():
    """The site with mail set up, so with its password reset pages."""
    with mail_configured():
        yield


@pytest.fixture(scope="session")
def simulator_server():
    """One simulator for the whole run, on a free loopback port, spoken to over real HTTP."""
    sim = Simulator(host="127.0.0.1", port=0)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def simulator(simulator_server):
    """The shared simulator, reset to its seeded state (jobs, faults, tokens, call counts)."""
    simulator_server.reset()
    return simulator_server


class StoppedClock:
    """Time in the lookup limit stands still unless a test moves it, so no token refills while a test runs."""

    def __init__(self):
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> StoppedClock:
    stopped = StoppedClock()
    monkeypatch.setattr(lookup_limit, "time", stopped)
    return stopped


class DictStore:
    """What the client's token auth asks of its store (Django's cache API), in a dict, timeouts recorded.
    Values are text only, as in the encrypting store the dashboard passes."""

    def __init__(self):
        self.values, self.timeouts = {}, {}

    def get(self, key):
        return self.values.get(key)

    def set(self, key, value, timeout):
        assert isinstance(value, str)
        self.values[key], self.timeouts[key] = value, timeout

    def delete(self, key):
        self.values.pop(key, None)


def cache_contents() -> bytes:
    """Every key and value the default cache holds, as the bytes it stores (pickles keep text as UTF-8), to
    look for what must never be there in clear, whichever backend the run uses."""
    store = caches["default"]
    if isinstance(store, LocMemCache):
        return b"\n".join(key.encode() + b" " + value for key, value in store._cache.items())
    if isinstance(store, DatabaseCache):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key, value FROM {store._table}")  # noqa: S608 - the cache's own table
            return b"\n".join(key.encode() + b" " + base64.b64decode(value) for key, value in cursor.fetchall())
    client = store._cache.get_client()
    return b"\n".join(key + b" " + (client.get(key) or b"") for key in client.scan_iter())


def redis_answers() -> bool:
    """Whether a Redis server answers on the usual loopback port (tests that need one skip otherwise)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def unused_port():
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_credential(owner, project_id=PROJECT_A, secret=ALICE_SECRET, **fields) -> Credential:
    values = {"name": f"{owner.username}'s project", "region": "cn-north-4", "access_key": "AKALICE0000000000000"}
    values.update(fields)
    credential = Credential(owner=owner, project_id=project_id, **values)
    credential.set_secret(secret)
    credential.full_clean()
    credential.save()
    return credential


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="alice-login-password")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password="bob-login-password")


@pytest.fixture
def alice_client(alice):
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob):
    client = Client()
    client.force_login(bob)
    return client


@pytest.fixture
def alice_credential(alice) -> Credential:
    """AK/SK credential for PROJECT_A on the public cn-north-4 endpoint (mock it with responses)."""
    return make_credential(alice)


def make_simulated_credential(owner, simulator, **fields) -> Credential:
    """An AK/SK credential for the simulator's demo tenant, its endpoints set as an admin would."""
    values = {
        "project_id": DEMO.project_id,
        "secret": DEMO.secret_key,
        "access_key": DEMO.access_key,
        "region": DEMO.region,
        "modelarts_endpoint": simulator.url,
        "iam_endpoint": simulator.url,
    }
    return make_credential(owner, **{**values, **fields})


def make_simulated_iam_credential(owner, simulator, tenant=DEMO, **fields) -> Credential:
    """An IAM-password credential for a simulator tenant (the dashboard fetches tokens for it)."""
    values = {
        "auth_kind": Credential.AuthKind.PASSWORD,
        "access_key": "",
        "iam_domain": tenant.domain_name,
        "iam_user": tenant.user_name,
        "secret": tenant.password,
        "project_id": tenant.project_id,
    }
    return make_simulated_credential(owner, simulator, **{**values, **fields})


@pytest.fixture
def simulated_credential(alice, simulator) -> Credential:
    """Alice's AK/SK credential for the simulator's demo tenant."""
    return make_simulated_credential(alice, simulator)


def make_job(job_id: int, **fields) -> VisualizationJob:
    values = {
        "job_id": job_id,
        "job_name": f"job-{job_id}",
        "status": 10,
        "create_time": None,
        "duration_ms": 60_000,
        "job_desc": "",
        "service_url": "",
        "train_url": f"obs://bucket/{job_id}/",
        "resource_id": "",
        "remaining_duration_ms": None,
    }
    values.update(fields)
    return VisualizationJob(**values)


def list_answer(*jobs: dict) -> dict:
    """A successful list answer from ModelArts with these jobs (all of the project's)."""
    return {"is_success": True, "job_total_count": len(jobs), "jobs": list(jobs)}


def store_list(credential: Credential, jobs: list[VisualizationJob], fetched_at=None) -> JobListRefresh:
    """A cached list as a successful refresh would leave it, without asking anyone."""
    fetched_at = fetched_at or timezone.now()
    CachedJob.objects.filter(credential=credential).delete()
    CachedJob.objects.bulk_create(
        CachedJob(credential=credential, job_id=job.job_id, **refresh.row_fields(job, fetched_at)) for job in jobs
    )
    state, _ = JobListRefresh.objects.update_or_create(
        credential=credential, defaults={"fetched_at": fetched_at, "finished_at": fetched_at, "total": len(jobs)}
    )
    return state


@dataclass
class ServiceJobs:
    """What jobs.details.get_job answers in a view test: these jobs, NotFound for any other; and who asked.
    Each answer is fetched at fetched_at, or at the moment it is asked for."""

    jobs: dict[int, VisualizationJob] = field(default_factory=dict)
    asked: list[tuple[Credential, int]] = field(default_factory=list)
    fetched_at: datetime | None = None

    def add(self, job: VisualizationJob) -> None:
        self.jobs[job.job_id] = job

    def get_job(self, credential: Credential, job_id: int) -> details.FetchedJob:
        self.asked.append((credential, job_id))
        if job_id not in self.jobs:
            raise errors.NotFound(f"Visualization job {job_id} does not exist.", code="ModelArts.0104", http_status=404)
        return details.FetchedJob.of(self.jobs[job_id], self.fetched_at or timezone.now())


@pytest.fixture
def service_jobs(monkeypatch) -> ServiceJobs:
    """For view tests that need only a job: the service layer answers, nothing below it runs (no HTTP, no
    detail cache). Client and service tests mock the network with responses instead."""
    jobs = ServiceJobs()
    monkeypatch.setattr(details, "get_job", jobs.get_job)
    return jobs


def allow_operating(user) -> None:
    """Grant the user jobs.operate_visualization_jobs, as an administrator would (usually through a group)."""
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="jobs", codename="operate_visualization_jobs")
    )


@pytest.fixture
def operator(alice):
    """Alice, allowed to stop, restart, edit and delete jobs."""
    allow_operating(alice)
    return alice
