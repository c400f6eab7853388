"""Seeded tenants and their visualization jobs.

Everything here is a pure function of its arguments: no wall clock, no global random state. Times are placed
before ``now_ms``, the simulator's clock when it seeds (or reseeds) a project, so a demo's jobs were created
hours or days ago whenever it starts, and two projects seeded at the same moment with the same seed are
identical.

The demo tenant's project always contains a fixed set of curated jobs whose ids are the ``DEMO_*``
constants below (whatever the seed, as long as the project has at least ``len(DEMO_CURATED_JOB_IDS)``
jobs), so that tests and demos elsewhere can name them:

- ``DEMO_STATUS_JOB_IDS[code]``: a job in each status 0-22 and in the unknown status 99.
- ``DEMO_RUNNING_JOB_ID``: running (8), created 4 hours ago, https ``service_url``, auto-stop ``schedule`` (8 hours)
  and ``remaining_duration``.
- ``DEMO_RUNNING_JOB_IDS``: the curated jobs in statuses 8, 15 and 19, each with an https ``service_url``.
- ``DEMO_UNKNOWN_STATUS_JOB_ID``: status 99, beyond the documented table.
- ``DEMO_UNICODE_JOB_ID``: Chinese name and description.
- ``DEMO_HTML_JOB_ID``: name and description full of HTML (``<script>alert(1)</script>``) for escaping tests.
- ``DEMO_LONG_DESC_JOB_ID``: a description of exactly 256 characters, the documented maximum.
- ``DEMO_UNSAFE_SERVICE_URL_JOB_ID``: running, but its ``service_url`` is ``javascript:alert(1)``.
- ``DEMO_STRING_NUMBERS_JOB_ID``: serialized with ``job_id``, ``status``, ``create_time`` and ``duration`` as strings.
- ``DEMO_MISSING_FIELDS_JOB_ID``: stopped, and its ``job_desc`` and ``service_url`` keys are absent altogether.

Generated (non-curated) jobs add variety: about one in twenty is serialized with numbers as strings, some
carry ``remaining_duration`` (an integer while auto-stop is armed, else ``null``), some use the bare
``/bucket/path/`` form of ``train_url`` seen in the official samples instead of ``obs://bucket/path/``, and
the auto-stop ``schedule`` of those with an even id comes in the list sample's form, a one-element array
with ``timeUnit``, instead of the reference table's object with ``time_unit``.

A seeded job's status never changes by itself, but a running one runs on, as on ModelArts: its ``running_since``
is a few minutes after its ``create_time``, so its ``duration`` (and ``remaining_duration``) is counted from then
to the clock at every answer (``simulator.lifecycle.as_of``), and its auto-stop ends it when its hours are used
up. Finished jobs keep the fixed ``duration`` of their run, which ended before now. Everything else moves only
as a write sets it in motion (see ``simulator.lifecycle``), which is why ``Job`` can carry planned ``steps``.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

import demo

REGION = demo.REGION
FIRST_JOB_ID = 10_000

RUNNING_STATUSES = frozenset({8, 15, 19})
NOT_STARTED_STATUSES = frozenset({0, 1, 2, 4, 7, 18})
KNOWN_STATUSES = tuple(range(23))
UNKNOWN_STATUS = 99

# Jobs whose numbers are serialized as strings get these fields as strings.
STRINGLY_FIELDS = ("job_id", "status", "create_time", "duration")

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
AUTOSTOP_HOURS = (2, 4, 8, 24, 48)  # running jobs started at most two days before they are seeded
AUTOSTOP_MARGIN_MS = HOUR_MS  # a seeded auto-stop leaves at least this much, so no demo job stops at once
DEMO_RUNNING_FOR_MS = 4 * HOUR_MS  # how long the curated running job was created before it is seeded
STARTUP_MS = 120_000  # from its creation to running, for the curated running job


@dataclass(frozen=True)
class Tenant:
    """One account: IAM password login, an AK/SK pair, and its projects in one region.

    As on Huawei Cloud, the account's AK/SK reaches every one of its projects; an IAM token is scoped to
    the one project it was asked for. ``project_id`` is the first project, the only one of most tenants.
    """

    name: str
    domain_name: str
    user_name: str
    password: str
    access_key: str
    secret_key: str
    project_id: str
    region: str
    more_project_ids: tuple[str, ...] = ()

    @property
    def project_ids(self) -> tuple[str, ...]:
        return (self.project_id, *self.more_project_ids)

    def project_name(self, project_id: str) -> str:
        """IAM's name of one of the tenant's projects: the region for the first, as for Huawei's default project,
        ``{region}_{n}`` for the others, as sub-projects are named."""
        index = self.project_ids.index(project_id)
        return self.region if index == 0 else f"{self.region}_{index}"

    @property
    def domain_id(self) -> str:
        return _stable_hex("domain", self.domain_name)

    @property
    def user_id(self) -> str:
        return _stable_hex("user", self.domain_name, self.user_name)


def _stable_hex(*parts: str) -> str:
    """32 hex digits derived from names, shaped like IAM's ids."""
    return hashlib.sha256("/".join(parts).encode("utf-8")).hexdigest()[:32]


DEMO = Tenant(
    name="demo",
    domain_name=demo.DOMAIN_NAME,
    user_name=demo.USER_NAME,
    password=demo.PASSWORD,
    access_key=demo.ACCESS_KEY,
    secret_key=demo.SECRET_KEY,
    project_id=demo.PROJECT_ID,
    region=demo.REGION,
)
OTHER = Tenant(
    name="other",
    domain_name="other-account",
    user_name="other-user",
    password="Other-Passw0rd!",
    access_key="OTHERAK0SIMULATOR002",
    secret_key="OtherSecretKey0ForTheModelArtsSimulator2",
    project_id="5a1e0000000000000000000000000002",
    region=REGION,
)
TENANTS = (DEMO, OTHER)
ACCOUNT_PROJECT_PREFIX = "acc0"


def account(projects: int) -> Tenant:
    """An account with ``projects`` projects, all reached by one AK/SK (a user who watches many projects);
    project ``n`` (from 0) has the id ``acc0`` followed by ``n`` in 28 hex digits."""
    if projects < 1:
        raise ValueError("an account has at least one project")
    project_ids = tuple(f"{ACCOUNT_PROJECT_PREFIX}{index:028x}" for index in range(projects))
    return Tenant(
        name="account",
        domain_name="multi-project-account",
        user_name="multi-project-user",
        password="Account-Passw0rd!",
        access_key="ACCOUNTAK0SIMULATOR3",
        secret_key="AccountSecretKey0ForTheModelArtsSimulatr",
        project_id=project_ids[0],
        region=REGION,
        more_project_ids=project_ids[1:],
    )


# One curated job per status, ids spaced 211 apart from 10007 so they interleave with generated ones.
DEMO_STATUS_JOB_IDS = {status: 10_007 + 211 * index for index, status in enumerate((*KNOWN_STATUSES, UNKNOWN_STATUS))}
DEMO_RUNNING_JOB_ID = DEMO_STATUS_JOB_IDS[8]
DEMO_RUNNING_JOB_IDS = tuple(DEMO_STATUS_JOB_IDS[status] for status in sorted(RUNNING_STATUSES))
DEMO_UNKNOWN_STATUS_JOB_ID = DEMO_STATUS_JOB_IDS[UNKNOWN_STATUS]
DEMO_UNICODE_JOB_ID = 10_101
DEMO_HTML_JOB_ID = 10_202
DEMO_LONG_DESC_JOB_ID = 10_303
DEMO_UNSAFE_SERVICE_URL_JOB_ID = 10_404
DEMO_STRING_NUMBERS_JOB_ID = 10_505
DEMO_MISSING_FIELDS_JOB_ID = 10_606

HTML_JOB_NAME = "<script>alert(1)</script>"
UNSAFE_SERVICE_URL = "javascript:alert(1)"
LONG_DESCRIPTION = ("A description at the documented limit of 256 characters. " * 5)[:256]


@dataclass(frozen=True)
class Step:
    """A change a write planned for a job: at ``at`` (the simulator's clock, in seconds) its fields take these
    values, or it is gone if ``removes``."""

    at: float
    fields: dict[str, Any] = field(default_factory=dict)
    removes: bool = False


@dataclass
class Job:
    """One job's fields as the API names them, whether its numbers go out as strings, and, for a job a write set
    in motion, the changes still ahead of it and since when it has been running (its duration counts from then).
    """

    fields: dict[str, Any]
    numbers_as_strings: bool = False
    steps: tuple[Step, ...] = ()
    running_since: float | None = None  # the simulator's clock, in seconds
    job_type: str = "tensorboard"  # the tool its service_url leads to once running

    @property
    def job_id(self) -> int:
        return self.fields["job_id"]

    def render(self) -> dict[str, Any]:
        """The JSON object the API sends for this job."""
        rendered = dict(self.fields)
        if self.numbers_as_strings:
            for name in STRINGLY_FIELDS:
                if isinstance(rendered.get(name), int):
                    rendered[name] = str(rendered[name])
        return rendered


def _curated_demo_jobs() -> dict[int, dict[str, Any]]:
    """The fixed part of each curated job; the generator fills in times, paths and resource ids."""
    curated: dict[int, dict[str, Any]] = {
        job_id: {"status": status, "job_name": f"status-{status:02d}", "job_desc": f"Seeded in status {status}."}
        for status, job_id in DEMO_STATUS_JOB_IDS.items()
    }
    curated[DEMO_RUNNING_JOB_ID]["job_name"] = "running-with-autostop"
    curated[DEMO_UNKNOWN_STATUS_JOB_ID]["job_name"] = "status-unknown-99"
    curated[DEMO_UNICODE_JOB_ID] = {
        "status": 10,
        "job_name": "图像分类-可视化",
        "job_desc": "ResNet-50 训练日志的可视化（TensorBoard）",
    }
    curated[DEMO_HTML_JOB_ID] = {
        "status": 11,
        "job_name": HTML_JOB_NAME,
        "job_desc": "<img src=x onerror=\"alert(2)\"> & <b>bold</b> 'quoted'",
    }
    curated[DEMO_LONG_DESC_JOB_ID] = {"status": 12, "job_name": "long-description", "job_desc": LONG_DESCRIPTION}
    curated[DEMO_UNSAFE_SERVICE_URL_JOB_ID] = {
        "status": 8,
        "job_name": "unsafe-service-url",
        "job_desc": "Running, but its service_url is not a web address.",
        "service_url": UNSAFE_SERVICE_URL,
    }
    curated[DEMO_STRING_NUMBERS_JOB_ID] = {
        "status": 10,
        "job_name": "string-numbers",
        "job_desc": "Numbers in this job are serialized as strings.",
    }
    curated[DEMO_MISSING_FIELDS_JOB_ID] = {"status": 13, "job_name": "missing-fields"}
    return curated


_CURATED_DEMO_JOBS = _curated_demo_jobs()
DEMO_CURATED_JOB_IDS = tuple(sorted(_CURATED_DEMO_JOBS))

_STATUS_WEIGHTS = {8: 25, 10: 20, 12: 10, 11: 8, 7: 5, 13: 5, 15: 3, 19: 3, 1: 3, 2: 2, 4: 2, 3: 2, 5: 2}
_PREFIXES = ("tb", "mi", "viz", "TB", "Viz")
_MODELS = ("resnet50", "bert-base", "yolov8", "vit-b16", "unet", "lstm-ner", "gpt2-small", "mobilenet")
_CHINESE_TOPICS = ("图像分类", "目标检测", "语义分割", "文本分类")
_DESCRIPTIONS = (
    "",
    "Learning-rate sweep, batch 256",
    "Baseline for the weekly report",
    "Compare optimizers: Adam vs SGD",
    "MindSpore summary logs",
    "复现论文结果",
)
_BUCKETS = ("ml-team-logs", "modelarts-demo", "research-runs")


def generate_jobs(seed: int, project_id: str, count: int, now_ms: int, region: str = REGION) -> dict[int, Job]:
    """``count`` jobs for one project as they are at ``now_ms``, a pure function of the arguments.

    The demo project starts with the curated jobs (as many as fit in ``count``); the rest are random.
    """
    rng = random.Random(f"{seed}/{project_id}")  # noqa: S311 (seeded test data, not secrets)
    curated = _CURATED_DEMO_JOBS if project_id == DEMO.project_id else {}
    curated_ids = sorted(curated)[:count]
    job_ids = sorted(curated_ids + _random_ids(rng, count - len(curated_ids), set(curated)))
    jobs = {}
    for job_id in job_ids:
        overrides = curated.get(job_id)
        if overrides is None:
            jobs[job_id] = _random_job(rng, job_id, project_id, region, now_ms)
        else:
            jobs[job_id] = _curated_job(rng, job_id, project_id, region, now_ms, overrides)
    return jobs


def _random_ids(rng: random.Random, count: int, taken: set[int]) -> list[int]:
    """Distinct ids spread over 5-6 digits (real ids are not 1..N)."""
    span = max(6_000, count * 50)
    candidates = rng.sample(range(FIRST_JOB_ID, FIRST_JOB_ID + span), count + len(taken))
    return [job_id for job_id in candidates if job_id not in taken][:count]


def _random_job(rng: random.Random, job_id: int, project_id: str, region: str, now_ms: int) -> Job:
    status = rng.choices(list(_STATUS_WEIGHTS), weights=list(_STATUS_WEIGHTS.values()))[0]
    model = rng.choice(_MODELS)
    if rng.random() < 0.05:
        name = f"{rng.choice(_CHINESE_TOPICS)}-{model}"
    else:
        name = f"{rng.choice(_PREFIXES)}-{model}-{rng.randint(1, 999):03d}"
    fields = _base_fields(rng, job_id, project_id, region, status, model, now_ms)
    fields.update(job_name=name, job_desc=rng.choice(_DESCRIPTIONS))
    if status in RUNNING_STATUSES and rng.random() < 0.5:
        _arm_autostop(fields, array_form=job_id % 2 == 0)
    elif rng.random() < 0.3:
        fields["remaining_duration"] = None
    return _job(fields, now_ms, numbers_as_strings=rng.random() < 0.05)


def _curated_job(
    rng: random.Random, job_id: int, project_id: str, region: str, now_ms: int, overrides: dict[str, Any]
) -> Job:
    status = overrides["status"]
    fields = _base_fields(rng, job_id, project_id, region, status, rng.choice(_MODELS), now_ms)
    fields.update(overrides)
    if job_id == DEMO_RUNNING_JOB_ID:  # whatever the seed: created 4 hours ago, running since
        fields.update(create_time=now_ms - DEMO_RUNNING_FOR_MS, duration=DEMO_RUNNING_FOR_MS - STARTUP_MS)
        _arm_autostop(fields, array_form=False)
    if job_id == DEMO_MISSING_FIELDS_JOB_ID:
        del fields["job_desc"], fields["service_url"]
    return _job(fields, now_ms, numbers_as_strings=job_id == DEMO_STRING_NUMBERS_JOB_ID)


def _job(fields: dict[str, Any], now_ms: int, numbers_as_strings: bool) -> Job:
    """A running job runs on from ``now_ms``: it has been running for its ``duration``."""
    running_since = (now_ms - fields["duration"]) / 1000 if fields["status"] in RUNNING_STATUSES else None
    return Job(fields, numbers_as_strings=numbers_as_strings, running_since=running_since)


def _base_fields(
    rng: random.Random, job_id: int, project_id: str, region: str, status: int, model: str, now_ms: int
) -> dict[str, Any]:
    """Times consistent with the status and the clock: running jobs started lately, a few minutes after they
    were created, and have run since; pending ones have not run; finished ones ran for a while after they were
    created, and ended before now."""
    if status in RUNNING_STATUSES:
        create_time = now_ms - rng.randint(HOUR_MS // 4, 2 * DAY_MS)
        duration = now_ms - create_time - rng.randint(30_000, 300_000)
    elif status in NOT_STARTED_STATUSES or status not in KNOWN_STATUSES:
        create_time = now_ms - rng.randint(60_000, 6 * HOUR_MS)
        duration = 0
    else:
        create_time = now_ms - rng.randint(HOUR_MS, 180 * DAY_MS)
        duration = min(rng.randint(60_000, 12 * HOUR_MS), now_ms - create_time - 60_000)
    bucket = rng.choice(_BUCKETS)
    run_path = f"{bucket}/{model}/run-{rng.randint(1, 9999):04d}/logs/"
    train_url = f"/{run_path}" if rng.random() < 0.15 else f"obs://{run_path}"
    tool = rng.choice(("tensorboard", "mindinsight"))
    service_url = visualization_url(region, tool, project_id, job_id) if status in RUNNING_STATUSES else ""
    return {
        "job_id": job_id,
        "job_name": "",
        "job_desc": "",
        "status": status,
        "create_time": create_time,
        "duration": duration,
        "service_url": service_url,
        "train_url": train_url,
        "resource_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    }


def visualization_url(region: str, tool: str, project_id: str, job_id: int) -> str:
    """Where a running job's TensorBoard or MindInsight is served."""
    return f"https://modelarts-visual.{region}.example.com/modelarts2/{tool}/{project_id}/{job_id}/"


def _arm_autostop(fields: dict[str, Any], array_form: bool) -> None:
    """The shortest auto-stop schedule the job has not yet reached (it would have stopped otherwise), with at
    least ``AUTOSTOP_MARGIN_MS`` left; a job that has run too long for any has none."""
    hours = next((hours for hours in AUTOSTOP_HOURS if hours * HOUR_MS >= fields["duration"] + AUTOSTOP_MARGIN_MS), 0)
    if not hours:
        return
    if array_form:
        fields["schedule"] = [{"type": "stop", "timeUnit": "HOURS", "duration": hours}]
    else:
        fields["schedule"] = {"type": "stop", "time_unit": "HOURS", "duration": hours}
    fields["remaining_duration"] = max(0, hours * HOUR_MS - fields["duration"])


def new_job_fields(job_id: int, create_time_ms: int) -> dict[str, Any]:
    """Defaults for a job inserted by hand (set_job on an unknown id): not started, nothing to show."""
    return {
        "job_id": job_id,
        "job_name": f"job-{job_id}",
        "job_desc": "",
        "status": 1,
        "create_time": create_time_ms,
        "duration": 0,
        "service_url": "",
        "train_url": f"obs://modelarts-demo/job-{job_id}/logs/",
        "resource_id": str(uuid.UUID(int=job_id, version=4)),
    }
