"""The client and the pages against the simulator, over real HTTP: signing, tokens, errors, faults."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from jobs import clients
from jobs.status import status_for
from modelarts import errors
from modelarts.auth import IamTokenAuth, SignatureAuth
from modelarts.client import ModelArtsClient, RetryPolicy
from modelarts.http import Timeouts
from simulator import seed
from simulator.seed import DEMO, OTHER
from tests.conftest import make_credential, make_simulated_iam_credential

pytestmark = pytest.mark.django_db


def aksk_client(simulator, tenant=DEMO, project_id=None, clock=None, **kwargs):
    auth = SignatureAuth(tenant.access_key, tenant.secret_key, **({"clock": clock} if clock else {}))
    return ModelArtsClient(
        endpoint=simulator.url,
        project_id=project_id or tenant.project_id,
        auth=auth,
        user_agent="tests",
        timeouts=kwargs.pop("timeouts", Timeouts(connect=1, read=2)),
        retry=kwargs.pop("retry", RetryPolicy(attempts=3, backoff_seconds=0)),
    )


def token_client(simulator, password=DEMO.password):
    auth = IamTokenAuth(
        iam_endpoint=simulator.url,
        domain_name=DEMO.domain_name,
        user_name=DEMO.user_name,
        password=password,
        project_id=DEMO.project_id,
        store=cache,
        binding_key=b"tests",
        timeouts=Timeouts(1, 2),
        user_agent="tests",
    )
    return ModelArtsClient(endpoint=simulator.url, project_id=DEMO.project_id, auth=auth, user_agent="tests")


def test_signed_detail_and_list(simulator):
    client = aksk_client(simulator)

    job = client.get_visualization_job(seed.DEMO_RUNNING_JOB_ID)
    listing = client.list_visualization_jobs(per_page=5, sort_by="create_time", order="desc", search="tb")

    assert (job.job_id, job.status) == (seed.DEMO_RUNNING_JOB_ID, 8)
    assert job.service_url.startswith("https://")
    assert 0 < len(listing.jobs) <= 5
    assert listing.total >= len(listing.jobs)
    assert all("tb" in item.job_name.lower() for item in listing.jobs)


def test_unicode_search_is_signed_correctly(simulator):
    listing = aksk_client(simulator).list_visualization_jobs(search="图像 分类", per_page=1000)

    assert listing.total == len(listing.jobs)


def test_string_numbers_from_the_simulator(simulator):
    job = aksk_client(simulator).get_visualization_job(seed.DEMO_STRING_NUMBERS_JOB_ID)

    assert isinstance(job.job_id, int)
    assert isinstance(job.status, int)


def test_unknown_job_is_not_found(simulator):
    with pytest.raises(errors.NotFound):
        aksk_client(simulator).get_visualization_job(1)


def test_wrong_secret_key_is_refused(simulator):
    client = ModelArtsClient(
        endpoint=simulator.url,
        project_id=DEMO.project_id,
        auth=SignatureAuth(DEMO.access_key, "wrong-secret"),
        user_agent="tests",
    )

    with pytest.raises(errors.AuthenticationFailed, match="APIGW.0301"):
        client.get_visualization_job(seed.DEMO_RUNNING_JOB_ID)


@pytest.mark.parametrize(
    ("skew", "refused"), [(timedelta(minutes=16), True), (timedelta(minutes=-16), True), (timedelta(minutes=14), False)]
)
def test_clock_skew(simulator, skew, refused):
    client = aksk_client(simulator, clock=lambda: datetime.now(UTC) + skew)

    if refused:
        with pytest.raises(errors.ClockSkew):
            client.get_visualization_job(seed.DEMO_RUNNING_JOB_ID)
    else:
        assert client.get_visualization_job(seed.DEMO_RUNNING_JOB_ID).job_id == seed.DEMO_RUNNING_JOB_ID


def test_project_not_matching_the_credential(simulator):
    with pytest.raises(errors.ProjectMismatch):
        aksk_client(simulator, tenant=DEMO, project_id=OTHER.project_id).list_visualization_jobs()


def test_iam_token_is_issued_once_and_reused(simulator):
    token_client(simulator).get_visualization_job(seed.DEMO_RUNNING_JOB_ID)
    token_client(simulator).list_visualization_jobs()

    assert simulator.calls["token"] == 1


def test_expired_token_is_renewed_once(simulator):
    token_client(simulator).get_visualization_job(seed.DEMO_RUNNING_JOB_ID)
    simulator.expire_tokens()

    assert token_client(simulator).get_visualization_job(seed.DEMO_RUNNING_JOB_ID).status == 8
    assert simulator.calls["token"] == 2


def test_wrong_iam_password(simulator):
    with pytest.raises(errors.AuthenticationFailed, match="IAM refused"):
        token_client(simulator, password="nope").list_visualization_jobs()


def test_503_once_is_retried(simulator):
    simulator.add_fault("http_503", job_id=seed.DEMO_RUNNING_JOB_ID, times=1)

    assert aksk_client(simulator).get_visualization_job(seed.DEMO_RUNNING_JOB_ID).status == 8
    assert simulator.calls["detail"] == 2


def test_slow_answer_past_the_read_timeout(simulator):
    simulator.add_fault("timeout", job_id=seed.DEMO_RUNNING_JOB_ID, delay_ms=1500)

    with pytest.raises(errors.UpstreamTimeout):
        aksk_client(simulator, timeouts=Timeouts(connect=1, read=0.3)).get_visualization_job(seed.DEMO_RUNNING_JOB_ID)

    assert simulator.calls["detail"] == 1  # a read timeout is not retried


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("http_500", errors.ServiceError),
        ("html", errors.ServiceError),
        ("malformed_json", errors.BadResponse),
        ("wrong_types", errors.BadResponse),
        ("is_success_false", errors.ServiceError),
        ("rate_limit", errors.Busy),
        ("reset", errors.ConnectionFailed),
    ],
)
def test_faults_become_readable_errors(simulator, fault, expected):
    simulator.add_fault(fault, job_id=seed.DEMO_RUNNING_JOB_ID, retry_after=0)

    with pytest.raises(expected):
        aksk_client(simulator, retry=RetryPolicy(attempts=2, backoff_seconds=0)).get_visualization_job(
            seed.DEMO_RUNNING_JOB_ID
        )


# Pages against the simulator


def test_detail_page(alice_client, simulated_credential):
    response = alice_client.get(f"/projects/{DEMO.project_id}/visualization-jobs/{seed.DEMO_RUNNING_JOB_ID}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Running · <code>JOBSTAT_RUNNING</code>" in html
    assert "Open TensorBoard" in html


def test_detail_page_escapes_html_from_modelarts(alice_client, simulated_credential):
    response = alice_client.get(f"/projects/{DEMO.project_id}/visualization-jobs/{seed.DEMO_HTML_JOB_ID}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert seed.HTML_JOB_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_detail_page_never_links_an_unsafe_service_url(alice_client, simulated_credential):
    path = f"/projects/{DEMO.project_id}/visualization-jobs/{seed.DEMO_UNSAFE_SERVICE_URL_JOB_ID}/"

    html = alice_client.get(path).content.decode()

    assert "Open TensorBoard" not in html
    assert 'href="javascript:' not in html


@pytest.mark.parametrize("code", [*range(23), 99])
def test_every_status_renders(alice_client, simulated_credential, code):
    path = f"/projects/{DEMO.project_id}/visualization-jobs/{seed.DEMO_STATUS_JOB_IDS[code]}/"

    response = alice_client.get(path)

    assert response.status_code == 200
    assert status_for(code).label in response.content.decode()


def test_missing_job_page_is_404(alice_client, simulated_credential):
    response = alice_client.get(f"/projects/{DEMO.project_id}/visualization-jobs/1/")

    assert response.status_code == 404
    assert "No visualization job with this id" in response.content.decode()


@pytest.mark.parametrize(
    ("fault", "status"),
    [
        ("http_503", 503),
        ("http_504", 504),
        ("http_500", 502),
        ("html", 502),
        ("malformed_json", 502),
        ("rate_limit", 503),
    ],
)
def test_detail_page_upstream_faults(alice_client, simulated_credential, simulator, settings, fault, status):
    settings.MODELARTS_RETRIES = 0
    simulator.add_fault(fault, job_id=seed.DEMO_RUNNING_JOB_ID)

    response = alice_client.get(f"/projects/{DEMO.project_id}/visualization-jobs/{seed.DEMO_RUNNING_JOB_ID}/")

    assert response.status_code == status
    assert "Traceback" not in response.content.decode()


def test_detail_page_with_iam_password_credential(alice_client, alice, simulator):
    make_simulated_iam_credential(alice, simulator)

    for _ in range(3):
        path = f"/projects/{DEMO.project_id}/visualization-jobs/{seed.DEMO_RUNNING_JOB_ID}/"
        assert alice_client.get(path).status_code == 200

    assert simulator.calls["token"] == 1


def test_connection_check_against_the_simulator(simulated_credential):
    assert clients.check_connection(simulated_credential) is None
    simulated_credential.refresh_from_db()
    assert simulated_credential.last_check_ok


def test_connection_refused_page(alice_client, alice, unused_port):
    make_credential(alice, modelarts_endpoint=f"http://127.0.0.1:{unused_port}")

    response = alice_client.get(f"/projects/{alice.credentials.get().project_id}/visualization-jobs/5/")

    assert response.status_code == 502
    assert "Connection refused" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_viewers_of_one_job_cause_one_upstream_call(simulated_credential, simulator, alice, settings):
    settings.UPSTREAM_CONCURRENCY = 8  # every viewer may wait (test_upstream_concurrency.py tests the bound)
    simulator.latency_ms = 200
    clients = [Client() for _ in range(8)]
    for client in clients:
        client.force_login(alice)
        client.get("/credentials/")  # the session's first touch, a write, before the threads: SQLite has one writer
    start = threading.Barrier(len(clients), timeout=10)
    statuses = []

    def view(client):
        start.wait()
        try:
            path = f"/projects/{DEMO.project_id}/visualization-jobs/{seed.DEMO_RUNNING_JOB_ID}/"
            statuses.append(client.get(path).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=view, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statuses == [200] * len(clients)
    assert simulator.calls["detail"] == 1
