"""/healthz and /readyz: no login, never ModelArts, plain HTTP and any Host header accepted."""

import pytest
import responses
from django.db import connection


@pytest.mark.django_db
@responses.activate
def test_healthz_answers_without_login_and_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert len(responses.calls) == 0


@pytest.mark.django_db
@responses.activate
def test_healthz_with_a_session_cookie_writes_nothing(alice_client, django_assert_max_num_queries):
    """Django's LoginRequiredMiddleware reads the session of a browser that sends one; nothing is written."""
    with django_assert_max_num_queries(2) as queries:
        assert alice_client.get("/healthz").status_code == 200

    assert all(query["sql"].startswith("SELECT") for query in queries.captured_queries)


@pytest.mark.django_db
@responses.activate
def test_readyz_checks_database_and_cache(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert len(responses.calls) == 0


@pytest.mark.django_db
def test_readyz_fails_when_the_database_does_not_answer(client, monkeypatch):
    def broken(*args, **kwargs):
        raise connection.Database.OperationalError("server closed the connection")

    monkeypatch.setattr(connection, "cursor", broken)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "failing", "cache": "ok"}


@pytest.mark.django_db
def test_readyz_fails_when_the_cache_does_not_answer(client, monkeypatch):
    monkeypatch.setattr("dashboard.health.cache.get", lambda key: None)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failing"


def test_health_checks_are_get_only(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_on_plain_http_when_everything_else_redirects(client, settings, path):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(path).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_pages_still_redirect_to_https(client, settings, path):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(path)

    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{path}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_a_load_balancer_that_sends_its_own_host(client, settings, path):
    """Probes come addressed to the instance (its IP as Host); they show nothing that depends on it."""
    settings.ALLOWED_HOSTS = ["dash.example.com"]

    assert client.get(path, HTTP_HOST="10.0.3.7:8000").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/healthz/"])
def test_other_paths_still_refuse_hosts_that_are_not_allowed(client, settings, path):
    settings.ALLOWED_HOSTS = ["dash.example.com"]

    assert client.get(path, HTTP_HOST="10.0.3.7:8000").status_code == 400
