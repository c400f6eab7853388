"""The client's writes (create, update description, stop, restart, delete): the request on the wire byte for
byte, typed results, refusals as errors, and no automatic retry once anything may have reached ModelArts."""

import http.server
import threading
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import requests
import responses
from urllib3.util import connection

from modelarts import errors
from modelarts.auth import SignatureAuth
from modelarts.client import CreatedJob, ModelArtsClient, RetryPolicy, Schedule
from modelarts.http import Timeouts
from tests.conftest import DictStore
from tests.signing_vectors import VECTORS
from tests.test_auth_token import add_token, make_auth
from tests.test_client import JOBS_URL, make_client

JOB_URL = f"{JOBS_URL}/10086"
SUCCESS = {"is_success": True}

# Each write the signing vectors record, as a call to the client.
VECTOR_CALLS = {
    "create with a JSON body holding unicode": lambda client: client.create_visualization_job(
        "tb_可视化-01",
        "/bucket/runs/exp-01/",
        "tensorboard",
        "损失曲线 / loss curves",
        Schedule(duration=4),
        "modelarts.vm.cpu.2u",
    ),
    "update description": lambda client: client.update_description(10086, "moved to the new bucket"),
    "stop, empty JSON object body": lambda client: client.stop(10086),
    "restart, no body": lambda client: client.restart(10086),
    "delete, no body": lambda client: client.delete(10086),
}
WRITE_VECTORS = [vector for vector in VECTORS if vector.method != "GET"]

# Every write, for the behaviour they share: name -> (method, URL, call).
WRITES = {
    "create": ("POST", JOBS_URL, lambda client: client.create_visualization_job("tb-run", "/bucket/run/")),
    "update": ("PUT", JOB_URL, lambda client: client.update_description(10086, "new words")),
    "stop": ("POST", f"{JOB_URL}/stop", lambda client: client.stop(10086)),
    "restart": ("POST", f"{JOB_URL}/restart", lambda client: client.restart(10086)),
    "delete": ("DELETE", JOB_URL, lambda client: client.delete(10086)),
}
WRITE_CALLS = [call for _, _, call in WRITES.values()]


def test_every_write_vector_has_a_client_call():
    assert {vector.name for vector in WRITE_VECTORS} == set(VECTOR_CALLS)


@pytest.mark.parametrize("vector", WRITE_VECTORS, ids=lambda vector: vector.name)
@responses.activate
def test_client_sends_the_vector_request_byte_for_byte(vector):
    """The client, not just the signer: the body it builds is the vector's and the Authorization matches. Its
    session sends only the vector's headers (the real one adds User-Agent and Accept, which are signed too)."""
    responses.add(vector.method, f"https://{vector.host}{vector.path}", json={"is_success": True, "job_id": 1})
    session = requests.Session()
    session.headers.clear()
    session.headers["Content-Type"] = "application/json"
    client = ModelArtsClient(
        endpoint=f"https://{vector.host}",
        project_id=vector.path.split("/")[2],
        auth=SignatureAuth(vector.access_key, vector.secret_key, clock=lambda: vector.signed_at),
        user_agent="unused",
        session=session,
    )

    VECTOR_CALLS[vector.name](client)

    sent = responses.calls[0].request
    assert (sent.method, urlsplit(sent.url).path) == (vector.method, vector.path)
    assert (sent.body or b"") == vector.body
    assert sent.headers["X-Sdk-Date"] == vector.headers["X-Sdk-Date"]
    assert sent.headers["Authorization"] == vector.authorization


@responses.activate
def test_create_sends_only_what_it_is_given_and_reads_numbers_sent_as_strings():
    answer = {
        "is_success": True,
        "job_id": "10",
        "job_name": "tb-run",
        "status": "1",
        "create_time": "1524189990635",
        "service_url": "",
    }
    responses.post(JOBS_URL, json=answer)

    created = make_client().create_visualization_job("tb-run", "/bucket/run/", job_type="mindinsight")

    assert responses.calls[0].request.body == (
        b'{"job_name":"tb-run","job_desc":"","train_url":"/bucket/run/","job_type":"mindinsight"}'
    )
    assert responses.calls[0].request.headers["Content-Type"] == "application/json"
    assert created == CreatedJob(
        job_id=10,
        job_name="tb-run",
        status=1,
        create_time=datetime(2018, 4, 20, 2, 6, 30, 635000, tzinfo=UTC),
        service_url="",
    )


@responses.activate
def test_create_answer_without_details_is_still_a_created_job():
    responses.post(JOBS_URL, json={"is_success": True, "job_id": 11})

    created = make_client().create_visualization_job("tb-run", "/bucket/run/")

    assert (created.job_id, created.status, created.create_time, created.job_name) == (11, None, None, "")


@pytest.mark.parametrize("job_id", [None, "ten", 0])
@responses.activate
def test_create_answer_without_a_usable_job_id_is_a_bad_response(job_id):
    responses.post(JOBS_URL, json={"is_success": True, "job_id": job_id})

    with pytest.raises(errors.BadResponse, match="job_id"):
        make_client().create_visualization_job("tb-run", "/bucket/run/")


@pytest.mark.parametrize("name", ["update", "stop", "restart", "delete"])
@responses.activate
def test_other_writes_return_nothing_on_success(name):
    method, url, call = WRITES[name]
    responses.add(method, url, json=SUCCESS)

    assert call(make_client()) is None
    assert (responses.calls[0].request.method, responses.calls[0].request.url) == (method, url)


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.create_visualization_job("tb", "/b/", description="half a pair: \ud800"),
        lambda client: client.create_visualization_job("tb", "/b/", schedule=Schedule(duration=float("nan"))),
        lambda client: client.update_description(1, "\udfff"),
    ],
    ids=["unpaired surrogate", "NaN", "surrogate in update"],
)
@responses.activate
def test_a_body_that_is_not_valid_json_in_utf8_is_never_sent(call):
    with pytest.raises(ValueError):
        call(make_client())

    assert len(responses.calls) == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("stop", "This job can't be stop. job status: 10"),
        ("delete", "This job can't be delete. job status: 9"),
        ("restart", "This job can't be resubmit. job status: 8"),
    ],
)
@responses.activate
def test_refusal_in_the_jobs_status_is_its_own_error(name, message):
    method, url, call = WRITES[name]
    responses.add(method, url, json={"is_success": False, "error_code": "ModelArts.0105", "error_message": message})

    with pytest.raises(errors.NotAllowedInStatus) as caught:
        call(make_client())

    assert (caught.value.code, caught.value.message, caught.value.http_status) == ("ModelArts.0105", message, 200)
    assert isinstance(caught.value, errors.InvalidRequest)  # told to people as a refused request, with its advice


@pytest.mark.parametrize(
    ("http_status", "code", "message", "expected"),
    [
        (200, "ModelArts.0104", "Illegal name: %%123", errors.InvalidRequest),
        (400, "ModelArts.0104", "Illegal name: %%123", errors.InvalidRequest),
        (403, "ModelArts.0108", "not allowed to perform this operation", errors.IamPermissionDenied),
    ],
)
@responses.activate
def test_create_refusals_keep_code_and_message(http_status, code, message, expected):
    body = {"is_success": False, "error_code": code, "error_message": message}
    responses.post(JOBS_URL, status=http_status, json=body)

    with pytest.raises(expected) as caught:
        make_client().create_visualization_job("%%123", "/bucket/run/")

    assert type(caught.value) is expected
    assert (caught.value.code, caught.value.message) == (code, message)


@pytest.mark.parametrize(("method", "url", "call"), WRITES.values(), ids=WRITES)
@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [(500, {}, errors.ServiceError), (503, {}, errors.Busy), (429, {"Retry-After": "0"}, errors.Busy)],
)
@responses.activate
def test_writes_are_not_retried_after_an_answer(method, url, call, status, headers, expected):
    """GET is retried on these (tests/test_client.py); a write may already have been done."""
    responses.add(method, url, status=status, headers=headers, json={"error_code": "", "error_msg": "busy"})
    responses.add(method, url, json={"is_success": True, "job_id": 1})

    with pytest.raises(expected):
        call(make_client(retry=RetryPolicy(attempts=3, backoff_seconds=0)))

    assert len(responses.calls) == 1


class Upstream(http.server.BaseHTTPRequestHandler):
    """A real server, so that urllib3's retries run as in production. ``behaviour`` is "answer", "slow"
    (says nothing until after the client's read timeout) or "drop" (closes the connection without a word)."""

    behaviour = "answer"
    received: list[tuple[str, str, bytes]]

    def _handle(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.received.append((self.command, self.path, body))
        if self.behaviour == "slow":
            time.sleep(1)
        if self.behaviour != "answer":
            self.close_connection = True
            return
        answer = b'{"is_success":true,"job_id":1}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_POST = do_PUT = do_DELETE = _handle

    def log_message(self, *args):
        pass


@pytest.fixture
def upstream():
    """Starts the server with a behaviour; returns its URL and the requests it received."""
    servers = []

    def start(behaviour):
        handler = type("Handler", (Upstream,), {"behaviour": behaviour, "received": []})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}", handler.received

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def real_client(endpoint):
    return make_client(
        endpoint=endpoint,
        timeouts=Timeouts(connect=1, read=0.3),
        retry=RetryPolicy(attempts=3, backoff_seconds=0),
    )


@pytest.mark.parametrize(
    ("behaviour", "expected"), [("slow", errors.UpstreamTimeout), ("drop", errors.ConnectionFailed)]
)
@pytest.mark.parametrize("call", WRITE_CALLS, ids=WRITES)
def test_a_write_that_reached_the_server_is_not_retried(upstream, behaviour, expected, call):
    endpoint, received = upstream(behaviour)

    with pytest.raises(expected):
        call(real_client(endpoint))

    assert len(received) == 1


@pytest.mark.parametrize("call", WRITE_CALLS, ids=WRITES)
def test_a_write_whose_connection_was_refused_is_sent_on_the_retry(upstream, monkeypatch, call):
    endpoint, received = upstream("answer")
    attempts = []
    connect = connection.create_connection

    def refuse_the_first(*args, **kwargs):
        attempts.append(args[0])
        if len(attempts) == 1:
            raise ConnectionRefusedError(111, "Connection refused")
        return connect(*args, **kwargs)

    monkeypatch.setattr(connection, "create_connection", refuse_the_first)

    call(real_client(endpoint))

    assert len(attempts) == 2
    assert len(received) == 1


def test_a_write_is_given_up_when_every_connection_is_refused(unused_port):
    client = make_client(endpoint=f"http://127.0.0.1:{unused_port}", retry=RetryPolicy(attempts=2, backoff_seconds=0))

    with pytest.raises(errors.ConnectionFailed, match="Connection refused"):
        client.stop(10086)


@responses.activate
def test_iam_token_writes_are_sent_again_once_with_a_fresh_token_after_a_401():
    """A 401 means nothing was done, so the same bytes go again with a new token."""
    add_token("tok-old")
    add_token("tok-new")
    responses.put(JOB_URL, status=401, json={"error_code": "ModelArts.0202", "error_message": "token expired"})
    responses.put(JOB_URL, json=SUCCESS)
    client = make_client(auth=make_auth(DictStore()))

    client.update_description(10086, "说明")

    writes = [call.request for call in responses.calls if call.request.method == "PUT"]
    assert [request.headers["X-Auth-Token"] for request in writes] == ["tok-old", "tok-new"]
    assert [request.body for request in writes] == ['{"job_desc":"说明"}'.encode()] * 2
    assert all("Authorization" not in request.headers for request in writes)
