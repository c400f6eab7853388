"""The simulator's write operations, through the dashboard's own client over real HTTP: every transition at
the simulator's pace, every refusal in ModelArts' shape and words, and the quotas.

Nothing here sleeps: the tests move the simulator's clock (``clock_offset_seconds``), and the client's signing
clock moves with it, as a client's and a gateway's clocks agree in real life.
"""

from datetime import UTC, datetime, timedelta

import pytest
import requests

from modelarts import errors
from modelarts.auth import SignatureAuth
from modelarts.client import ModelArtsClient, RetryPolicy, Schedule
from modelarts.http import Timeouts
from simulator import seed
from simulator.__main__ import build_parser, main
from simulator.seed import DEMO, HOUR_MS
from simulator.server import Simulator

PACE = 60  # seconds in each intermediate status; far more than a test takes between two calls
RUNNING_JOB = seed.DEMO_RUNNING_JOB_ID  # running, auto-stop armed
COMPLETED_JOB = seed.DEMO_STATUS_JOB_IDS[10]
UNKNOWN_JOB = 99_999_999


@pytest.fixture
def sim(simulator):
    simulator.pace_seconds = PACE
    return simulator


def client_for(sim):
    """The dashboard's client, its signing clock following the simulator's."""

    def clock():
        return datetime.now(UTC) + timedelta(seconds=sim.clock_offset_seconds)

    return ModelArtsClient(
        endpoint=sim.url,
        project_id=DEMO.project_id,
        auth=SignatureAuth(DEMO.access_key, DEMO.secret_key, clock=clock),
        user_agent="modelarts-dashboard/test",
        timeouts=Timeouts(connect=2, read=5),
        retry=RetryPolicy(attempts=1),
    )


@pytest.fixture
def client(sim):
    return client_for(sim)


def later(sim, seconds):
    sim.clock_offset_seconds += seconds


def send(sim, method, path="", body=None, job_id=None):
    """A signed write as raw HTTP, for the exact answer; ``body`` is bytes as sent, or JSON."""
    url = f"{sim.url}/v1/{DEMO.project_id}/visualization-jobs"
    if job_id is not None:
        url += f"/{job_id}"
    data = body if isinstance(body, bytes) or body is None else None
    return requests.request(
        method,
        url + path,
        data=data,
        json=None if data is not None or body is None else body,
        auth=SignatureAuth(DEMO.access_key, DEMO.secret_key),
        timeout=5,
    )


def create_body(**fields):
    return {"job_name": "tb-run", "job_desc": "", "train_url": "obs://bucket/run/", "job_type": "tensorboard", **fields}


def assert_refused(response, status, code, message=None):
    """ModelArts' error shape on the visualization-job APIs: the message is named ``error_message``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"is_success", "error_code", "error_message"}
    assert (body["is_success"], body["error_code"]) == (False, code)
    if message is not None:
        assert body["error_message"] == message
    return body["error_message"]


def status_of(client, job_id):
    return client.get_visualization_job(job_id).status


def total(client):
    return client.list_visualization_jobs().total


# Create


def test_created_job_is_initialized_then_queued_then_running_with_a_service_url(sim, client):
    created = client.create_visualization_job("tb-run", "obs://bucket/run/", description="first try")

    assert created.status == 1 and created.service_url == ""
    job = client.get_visualization_job(created.job_id)
    assert (job.status, job.job_name, job.job_desc, job.train_url, job.service_url) == (
        1,
        "tb-run",
        "first try",
        "obs://bucket/run/",
        "",
    )
    later(sim, PACE)
    assert (status_of(client, created.job_id), client.get_visualization_job(created.job_id).service_url) == (7, "")
    later(sim, PACE)
    running = client.get_visualization_job(created.job_id)
    assert running.status == 8
    assert running.service_url.startswith("https://") and running.service_url.endswith(f"/{created.job_id}/")
    later(sim, 90)
    assert client.get_visualization_job(created.job_id).duration_ms == pytest.approx(90_000, abs=5_000)


def test_mindinsight_job_is_served_by_mindinsight(sim, client):
    created = client.create_visualization_job("mi-run", "/bucket/run/", job_type="mindinsight")
    later(sim, 2 * PACE)
    assert "/mindinsight/" in client.get_visualization_job(created.job_id).service_url


def test_create_answers_the_documented_fields_with_numbers_as_strings(sim):
    before = round(sim.now() * 1000)
    response = send(sim, "POST", body=create_body(job_name="tb_可视化-01"))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"is_success", "job_id", "job_name", "status", "create_time", "service_url"}
    assert (body["is_success"], body["job_name"], body["status"], body["service_url"]) == (
        True,
        "tb_可视化-01",
        "1",
        "",
    )
    assert body["job_id"].isdigit() and int(body["job_id"]) > max(seed.DEMO_CURATED_JOB_IDS)
    assert before <= int(body["create_time"]) <= round(sim.now() * 1000)


def test_new_ids_are_never_reused(sim, client):
    first = client.create_visualization_job("one", "/bucket/a/").job_id
    client.delete(first)
    later(sim, PACE)
    second = client.create_visualization_job("two", "/bucket/b/").job_id
    assert second > first


def test_the_signing_vectors_create_is_accepted(sim, client):
    """The request Huawei's signer signed in the vectors (unicode name, schedule, flavor) is one ModelArts takes."""
    created = client.create_visualization_job(
        "tb_可视化-01",
        "/bucket/runs/exp-01/",
        "tensorboard",
        "损失曲线 / loss curves",
        Schedule(4),
        "modelarts.vm.cpu.2u",
    )
    job = client.get_visualization_job(created.job_id)
    assert (job.job_name, job.job_desc, job.schedule) == (
        "tb_可视化-01",
        "损失曲线 / loss curves",
        {"type": "stop", "time_unit": "HOURS", "duration": 4},
    )
    assert job.remaining_duration_ms == 4 * HOUR_MS


def test_schedule_is_shown_back_as_the_list_sample_shows_it(sim):
    job_id = send(sim, "POST", body=create_body(schedule={"type": "stop", "time_unit": "HOURS", "duration": 2}))
    detail = send(sim, "GET", job_id=job_id.json()["job_id"]).json()
    assert detail["schedule"] == [{"type": "stop", "timeUnit": "HOURS", "duration": 2}]


@pytest.mark.parametrize("name", ["a", "a" * 20, "A-b_9", "tb_可视化-01", "图像分类-可视化"])
def test_names_of_letters_digits_underscores_and_hyphens_are_accepted(sim, name):
    assert send(sim, "POST", body=create_body(job_name=name)).status_code == 200


@pytest.mark.parametrize("name", ["", "a" * 21, "%%123", "has space", "dot.name", "slash/name", 123, None])
def test_other_names_are_refused(sim, name):
    message = assert_refused(send(sim, "POST", body=create_body(job_name=name)), 400, "ModelArts.0104")
    assert message.startswith("Illegal name: ")


def test_a_bad_name_is_refused_in_modelarts_words(sim, client):
    assert_refused(send(sim, "POST", body=create_body(job_name="%%123")), 400, "ModelArts.0104", "Illegal name: %%123")
    with pytest.raises(errors.InvalidRequest) as refused:
        client.create_visualization_job("%%123", "/bucket/run/")
    assert refused.value.code == "ModelArts.0104"


def test_a_missing_name_is_refused(sim):
    body = create_body()
    del body["job_name"]
    assert_refused(send(sim, "POST", body=body), 400, "ModelArts.0104")


@pytest.mark.parametrize(("length", "accepted"), [(0, True), (256, True), (257, False)])
def test_description_length_on_create(sim, length, accepted):
    response = send(sim, "POST", body=create_body(job_desc="描" * length))
    if accepted:
        assert response.status_code == 200
    else:
        assert "job_desc" in assert_refused(response, 400, "ModelArts.0104")


@pytest.mark.parametrize(
    ("fields", "parameter"),
    [
        ({"train_url": None}, "train_url"),
        ({"train_url": ""}, "train_url"),
        ({"train_url": "bucket/run/"}, "train_url"),
        ({"train_url": "https://example.com/run/"}, "train_url"),
        ({"job_type": "jupyter"}, "job_type"),
        ({"job_type": None}, "job_type"),
        ({"job_desc": None}, "job_desc"),
        ({"flavor": "modelarts.vm.cpu.2u"}, "flavor"),
        ({"flavor": {}}, "flavor"),
        ({"schedule": {"type": "stop", "time_unit": "HOURS", "duration": 25}}, "schedule.duration"),
        ({"schedule": {"type": "stop", "time_unit": "HOURS", "duration": -1}}, "schedule.duration"),
        ({"schedule": {"type": "stop", "time_unit": "HOURS", "duration": "4"}}, "schedule.duration"),
        ({"schedule": {"type": "stop", "time_unit": "HOURS", "duration": True}}, "schedule.duration"),
        ({"schedule": {"type": "stop", "time_unit": "HOURS", "duration": 1.5}}, "schedule.duration"),
        ({"schedule": {"type": "stop", "time_unit": "MINUTES", "duration": 30}}, "schedule.time_unit"),
        ({"schedule": {"type": "stop", "duration": 2}}, "schedule.time_unit"),
        ({"schedule": {"type": "pause", "time_unit": "HOURS", "duration": 2}}, "schedule"),
        ({"schedule": []}, "schedule"),
        ({"schedule": [{"type": "stop", "timeUnit": "HOURS", "duration": 1}] * 2}, "schedule"),
    ],
)
def test_bad_create_fields_are_refused_naming_the_parameter(sim, fields, parameter):
    before = total(client_for(sim))
    message = assert_refused(send(sim, "POST", body=create_body(**fields)), 400, "ModelArts.0104")
    assert parameter in message
    assert total(client_for(sim)) == before


@pytest.mark.parametrize(
    "schedule",
    [
        {"type": "stop", "time_unit": "HOURS", "duration": 0},
        {"type": "stop", "time_unit": "HOURS", "duration": 24},
        [{"type": "stop", "timeUnit": "HOURS", "duration": 6}],
    ],
)
def test_schedules_in_every_documented_form_and_range_are_accepted(sim, schedule):
    assert send(sim, "POST", body=create_body(schedule=schedule)).status_code == 200


@pytest.mark.parametrize("body", [b"{", b"[]", b'"job"', b"\xff"])
def test_a_body_that_is_not_a_json_object_is_refused(sim, body):
    assert_refused(send(sim, "POST", body=body), 400, "ModelArts.0101")


def test_unknown_fields_are_ignored(sim):
    assert send(sim, "POST", body=create_body(workspace_id="0", note="ignored")).status_code == 200


# Stop, restart, delete, update


def test_stop_cancels_a_running_job(sim, client):
    client.stop(RUNNING_JOB)

    stopping = client.get_visualization_job(RUNNING_JOB)
    assert (stopping.status, stopping.service_url) == (9, "")
    later(sim, PACE)
    assert status_of(client, RUNNING_JOB) == 13


def test_stop_answers_is_success_only(sim):
    response = send(sim, "POST", "/stop", body={}, job_id=RUNNING_JOB)
    assert (response.status_code, response.json()) == (200, {"is_success": True})


def test_stop_of_a_queued_job_cancels_it_before_it_runs(sim, client):
    created = client.create_visualization_job("tb-run", "/bucket/run/")
    later(sim, PACE)
    client.stop(created.job_id)
    later(sim, 3 * PACE)
    job = client.get_visualization_job(created.job_id)
    assert (job.status, job.service_url, job.duration_ms) == (13, "", 0)


def test_a_stopped_run_keeps_its_duration(sim, client):
    created = client.create_visualization_job("tb-run", "/bucket/run/")
    later(sim, 2 * PACE + 300)
    client.stop(created.job_id)
    later(sim, 600)
    assert client.get_visualization_job(created.job_id).duration_ms == pytest.approx(300_000, abs=5_000)


@pytest.mark.parametrize("status", [10, 11, 12, 13])
def test_restart_of_a_finished_job_queues_it_then_runs_it(sim, client, status):
    job_id = seed.DEMO_STATUS_JOB_IDS[status]
    client.restart(job_id)

    queued = client.get_visualization_job(job_id)
    assert (queued.status, queued.duration_ms, queued.service_url) == (7, 0, "")
    later(sim, PACE)
    running = client.get_visualization_job(job_id)
    assert running.status == 8 and running.service_url.startswith("https://")


def test_a_stopped_job_can_be_restarted_and_stopped_again(sim, client):
    client.stop(RUNNING_JOB)
    later(sim, PACE)
    client.restart(RUNNING_JOB)
    later(sim, PACE)
    assert status_of(client, RUNNING_JOB) == 8
    client.stop(RUNNING_JOB)
    assert status_of(client, RUNNING_JOB) == 9


def test_delete_removes_the_job_after_a_moment(sim, client):
    before = client.list_visualization_jobs()
    client.delete(COMPLETED_JOB)

    assert status_of(client, COMPLETED_JOB) == 10  # still there, as it was
    later(sim, PACE)
    with pytest.raises(errors.NotFound):
        client.get_visualization_job(COMPLETED_JOB)
    after = client.list_visualization_jobs()
    assert (after.total, after.job_count_limit) == (before.total - 1, before.job_count_limit + 1)
    assert COMPLETED_JOB not in sim.job_ids(DEMO.project_id)


def test_delete_of_a_running_job_and_of_a_job_being_deleted(sim, client):
    client.delete(RUNNING_JOB)
    later(sim, PACE / 2)
    client.delete(RUNNING_JOB)  # asked again: still gone when the first deletion said
    later(sim, PACE / 2)
    with pytest.raises(errors.NotFound):
        client.get_visualization_job(RUNNING_JOB)


def test_a_job_deleted_while_it_starts_never_runs(sim, client):
    created = client.create_visualization_job("tb-run", "/bucket/run/")
    client.delete(created.job_id)
    later(sim, PACE)
    with pytest.raises(errors.NotFound):
        client.get_visualization_job(created.job_id)


def test_a_job_stopped_while_being_deleted_is_still_deleted(sim, client):
    client.delete(RUNNING_JOB)
    client.stop(RUNNING_JOB)
    later(sim, PACE)
    assert RUNNING_JOB not in sim.job_ids(DEMO.project_id)


@pytest.mark.parametrize("job_id", [RUNNING_JOB, COMPLETED_JOB, seed.DEMO_STATUS_JOB_IDS[9]])
def test_update_description_changes_it_at_once_in_any_status(sim, client, job_id):
    status = status_of(client, job_id)
    client.update_description(job_id, "moved to the new bucket")
    job = client.get_visualization_job(job_id)
    assert (job.job_desc, job.status) == ("moved to the new bucket", status)


@pytest.mark.parametrize(
    ("body", "accepted"),
    [({"job_desc": ""}, True), ({"job_desc": "x" * 256}, True), ({"job_desc": "x" * 257}, False), ({}, False)],
)
def test_update_description_checks_its_body(sim, body, accepted):
    response = send(sim, "PUT", body=body, job_id=COMPLETED_JOB)
    if accepted:
        assert (response.status_code, response.json()) == (200, {"is_success": True})
    else:
        assert "job_desc" in assert_refused(response, 400, "ModelArts.0104")


# Refusals in the job's status


@pytest.mark.parametrize(
    ("operation", "status", "message"),
    [
        ("stop", 10, "This job can't be stop. job status: 10"),
        ("delete", 9, "This job can't be delete. job status: 9"),
        ("restart", 8, "This job can't be resubmit. job status: 8"),
        ("stop", 13, "This job can't be stop. job status: 13"),
        ("stop", 9, "This job can't be stop. job status: 9"),
        ("restart", 7, "This job can't be resubmit. job status: 7"),
        ("restart", 1, "This job can't be resubmit. job status: 1"),
    ],
)
def test_operations_the_status_does_not_allow_are_refused_in_modelarts_words(sim, client, operation, status, message):
    job_id = seed.DEMO_STATUS_JOB_IDS[status]
    path = "" if operation == "delete" else f"/{operation}"
    response = send(sim, "DELETE" if operation == "delete" else "POST", path, job_id=job_id)

    assert_refused(response, 400, "ModelArts.0105", message)
    with pytest.raises(errors.NotAllowedInStatus) as refused:
        getattr(client, operation)(job_id)
    assert (refused.value.code, refused.value.message) == ("ModelArts.0105", message)
    assert status_of(client, job_id) == status


WRITES = {
    "update": ("PUT", "", {"job_desc": "x"}),
    "stop": ("POST", "/stop", {}),
    "restart": ("POST", "/restart", None),
    "delete": ("DELETE", "", None),
}


@pytest.mark.parametrize("write", WRITES)
def test_writes_to_an_unknown_job_are_404(sim, write):
    method, path, body = WRITES[write]
    message = assert_refused(send(sim, method, path, body, job_id=UNKNOWN_JOB), 404, "ModelArts.0104")
    assert message == f"Visualization job {UNKNOWN_JOB} does not exist."


@pytest.mark.parametrize("write", WRITES)
def test_writes_to_a_job_id_that_is_not_a_number_are_400(sim, write):
    method, path, body = WRITES[write]
    assert_refused(send(sim, method, path, body, job_id="abc"), 400, "ModelArts.0104")


@pytest.mark.parametrize("write", ["stop", "restart", "delete"])
def test_a_write_body_that_is_not_a_json_object_is_refused(sim, write):
    method, path, _ = WRITES[write]
    assert_refused(send(sim, method, path, b"[1]", job_id=COMPLETED_JOB), 400, "ModelArts.0101")


def test_writes_of_another_tenants_project_are_forbidden(sim):
    url = f"{sim.url}/v1/{seed.OTHER.project_id}/visualization-jobs"
    response = requests.post(url, json=create_body(), auth=SignatureAuth(DEMO.access_key, DEMO.secret_key), timeout=5)
    assert response.status_code == 403
    assert response.json()["error_code"] == "ModelArts.0210"


# Quotas


def test_job_count_limit_counts_down_and_none_left_refuses_creation(sim, client):
    before = client.list_visualization_jobs().job_count_limit
    client.create_visualization_job("tb-run", "/bucket/run/")
    assert client.list_visualization_jobs().job_count_limit == before - 1

    sim.set_job_count(DEMO.project_id, 1000)
    assert client.list_visualization_jobs().job_count_limit == 0
    refused = send(sim, "POST", body=create_body())
    assert "quota" in assert_refused(refused, 400, "ModelArts.0116")
    assert total(client) == 1000


def active_jobs(client):
    jobs = client.list_visualization_jobs(per_page=1000).jobs
    return sum(job.status in (1, 2, 4, 7, 8, 15, 18, 19) for job in jobs)


def test_creating_or_restarting_beyond_the_running_quota_is_refused(sim, client):
    sim.running_quota = active_jobs(client) + 1
    assert client.list_visualization_jobs().quotas == sim.running_quota
    client.create_visualization_job("last-one", "/bucket/run/")

    assert "running" in assert_refused(send(sim, "POST", body=create_body()), 400, "ModelArts.0116")
    assert_refused(send(sim, "POST", "/restart", job_id=COMPLETED_JOB), 400, "ModelArts.0116")
    assert status_of(client, COMPLETED_JOB) == 10

    client.stop(RUNNING_JOB)  # a job being canceled no longer counts
    client.restart(COMPLETED_JOB)
    assert status_of(client, COMPLETED_JOB) == 7


# Auto-stop


def test_auto_stop_stops_a_running_job_when_its_hours_are_used_up(sim, client):
    created = client.create_visualization_job("tb-run", "/bucket/run/", schedule=Schedule(1))
    assert client.get_visualization_job(created.job_id).remaining_duration_ms == HOUR_MS
    later(sim, 2 * PACE + 600)
    running = client.get_visualization_job(created.job_id)
    assert running.status == 8
    assert running.remaining_duration_ms == pytest.approx(HOUR_MS - 600_000, abs=5_000)
    assert running.duration_ms + running.remaining_duration_ms == HOUR_MS

    later(sim, 3000)
    stopping = client.get_visualization_job(created.job_id)
    assert (stopping.status, stopping.service_url, stopping.duration_ms, stopping.remaining_duration_ms) == (
        9,
        "",
        HOUR_MS,
        0,
    )
    later(sim, PACE)
    assert status_of(client, created.job_id) == 13


def test_a_restart_runs_the_whole_schedule_again(sim, client):
    created = client.create_visualization_job("tb-run", "/bucket/run/", schedule=Schedule(1))
    later(sim, 2 * PACE + 2 * 3600)
    assert status_of(client, created.job_id) == 13
    client.restart(created.job_id)
    assert client.get_visualization_job(created.job_id).remaining_duration_ms == HOUR_MS
    later(sim, PACE + 1800)
    assert status_of(client, created.job_id) == 8
    later(sim, 1800)
    assert status_of(client, created.job_id) == 9


def test_a_job_stopped_by_hand_is_not_stopped_again_by_its_schedule(sim, client):
    created = client.create_visualization_job("tb-run", "/bucket/run/", schedule=Schedule(1))
    later(sim, 2 * PACE)
    client.stop(created.job_id)
    later(sim, PACE)
    client.restart(created.job_id)  # planned again from here: the first run's plan is gone
    later(sim, PACE + 1800)
    assert status_of(client, created.job_id) == 8


def test_a_schedule_of_zero_hours_stops_nothing(sim, client):
    created = client.create_visualization_job("tb-run", "/bucket/run/", schedule=Schedule(0))
    later(sim, 2 * PACE + 30 * 3600)
    assert status_of(client, created.job_id) == 8


def test_seeded_finished_jobs_stand_still(sim, client):
    """A finished job's run is over: its duration stays, whatever the clock says (running ones run on:
    tests/test_demo_clock.py)."""
    before = client.get_visualization_job(COMPLETED_JOB)
    later(sim, 48 * 3600)
    assert client.get_visualization_job(COMPLETED_JOB) == before


# The pace, set three ways


def test_pace_zero_makes_every_step_at_once(sim, client):
    sim.pace_seconds = 0
    created = client.create_visualization_job("tb-run", "/bucket/run/")
    assert status_of(client, created.job_id) == 8
    client.stop(created.job_id)
    assert status_of(client, created.job_id) == 13
    client.delete(created.job_id)
    with pytest.raises(errors.NotFound):
        client.get_visualization_job(created.job_id)


def test_pace_from_the_constructor_and_back_after_reset():
    sim = Simulator(pace_seconds=5)
    try:
        assert sim.pace_seconds == 5
        sim.pace_seconds = 1
        sim.reset()
        assert sim.pace_seconds == 5
    finally:
        sim.stop()


def test_pace_and_running_quota_from_the_command_line():
    args = build_parser().parse_args(["--pace", "0.5", "--running-quota", "3"])
    assert (args.pace, args.running_quota) == (0.5, 3)
    assert build_parser().parse_args([]).pace == 2


@pytest.mark.parametrize("argv", [["--pace", "-1"], ["--running-quota", "-1"]])
def test_negative_pace_or_quota_on_the_command_line_is_refused(argv):
    with pytest.raises(SystemExit):
        main([*argv, "--port", "0"])


def control_settings(sim, settings):
    return requests.put(f"{sim.url}/_simulator/settings", json=settings, timeout=5)


def test_pace_and_running_quota_from_the_control_endpoint(sim, client):
    answer = control_settings(sim, {"pace_seconds": 10, "running_quota": 7})
    assert (answer.status_code, answer.json()["pace_seconds"], answer.json()["running_quota"]) == (200, 10, 7)
    assert client.list_visualization_jobs().quotas == 7
    sim.running_quota = 100
    created = client.create_visualization_job("tb-run", "/bucket/run/")
    later(sim, 10)
    assert status_of(client, created.job_id) == 7


@pytest.mark.parametrize("change", [{"pace_seconds": -1}, {"running_quota": -1}, {"running_quota": 1.5}])
def test_control_endpoint_refuses_impossible_pace_or_quota(sim, change):
    assert control_settings(sim, change).status_code == 400


# Routes: counted, and open to faults like any other


def test_each_write_is_counted_on_its_own_route(sim, client):
    created = client.create_visualization_job("tb-run", "/bucket/run/")
    client.update_description(created.job_id, "x")
    client.stop(created.job_id)
    later(sim, PACE)
    client.restart(created.job_id)
    client.delete(COMPLETED_JOB)
    assert {route: sim.calls[route] for route in ("create", "update", "stop", "restart", "delete")} == dict.fromkeys(
        ("create", "update", "stop", "restart", "delete"), 1
    )


def test_a_fault_on_a_write_route(sim, client):
    sim.add_fault("http_500", route="create", times=1)
    before = total(client)
    with pytest.raises(errors.ServiceError):
        client.create_visualization_job("tb-run", "/bucket/run/")
    assert total(client) == before
    client.create_visualization_job("tb-run", "/bucket/run/")
    assert total(client) == before + 1


def test_a_refused_signature_changes_nothing(sim):
    response = requests.post(
        f"{sim.url}/v1/{DEMO.project_id}/visualization-jobs/{RUNNING_JOB}/stop",
        json={},
        auth=SignatureAuth(DEMO.access_key, "wrong" + DEMO.secret_key[5:]),
        timeout=5,
    )
    assert response.status_code == 401
    assert response.json()["error_code"] == "APIGW.0301"
    assert status_of(client_for(sim), RUNNING_JOB) == 8
