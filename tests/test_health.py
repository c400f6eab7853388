"""/healthz and /readyz: no login, never ModelArts."""

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
    monkeypatch.setattr("jobs.health.cache.get", lambda key: None)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failing"


def test_health_checks_are_get_only(client):
    assert client.post("/healthz").status_code == 405
