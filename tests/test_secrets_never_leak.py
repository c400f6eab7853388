"""Stored secrets never leave the encrypted column: not in the database in clear, not in any page (admin
included), not in logs at DEBUG level, not on Django's technical 500 page."""

import logging
import sqlite3

import pytest
from django.db import connection
from django.test import Client

from accounts.models import Credential
from dashboard.redaction import RedactSecretsFilter
from simulator import seed
from simulator.seed import DEMO, OTHER
from tests.conftest import make_simulated_credential, make_simulated_iam_credential

SECRETS = (DEMO.secret_key, OTHER.password)


@pytest.fixture
def stored(alice, simulator):
    """Alice's two credentials against the simulator: AK/SK, and IAM password (which fetches a token)."""
    aksk = make_simulated_credential(alice, simulator, name="AK/SK")
    iam = make_simulated_iam_credential(alice, simulator, tenant=OTHER, name="IAM")
    return aksk, iam


def visit_everything(client: Client, staff: Client, aksk: Credential, iam: Credential) -> list[str]:
    """Every page, and every action that reaches ModelArts; returns the HTML of each page."""
    pages = []

    def page(response):
        pages.append(response.content.decode())

    for credential in (aksk, iam):
        base = f"/projects/{credential.project_id}/visualization-jobs/"
        page(client.get(base))
        page(client.post(f"{base}refresh/", {"next": base}, follow=True))
        page(client.post(f"/credentials/{credential.pk}/test/", follow=True))
        page(client.get(f"/credentials/{credential.pk}/edit/"))
        page(client.post(f"/credentials/{credential.pk}/edit/", {"name": "", "secret": "x"}))
        page(client.get(f"/credentials/{credential.pk}/delete/"))
    page(client.get(f"/projects/{DEMO.project_id}/visualization-jobs/{seed.DEMO_RUNNING_JOB_ID}/"))
    page(client.get(f"/projects/{DEMO.project_id}/visualization-jobs/1/"))
    for path in ("/", "/credentials/", "/credentials/add/", "/lookup/?job_id=x"):
        page(client.get(path))
    for path in (
        "/admin/",
        "/admin/accounts/credential/",
        f"/admin/accounts/credential/{aksk.pk}/change/",
        f"/admin/accounts/credential/{iam.pk}/change/",
        "/admin/audit/auditevent/",
        "/admin/jobs/cachedjob/",
        "/admin/axes/accessattempt/",
    ):
        response = staff.get(path)
        assert response.status_code in (200, 404), path
        page(response)
    return pages


@pytest.fixture
def clients(alice, django_user_model):
    client = Client()
    client.post("/accounts/login/", {"username": "alice", "password": "alice-login-password"})
    staff = Client()
    staff.force_login(django_user_model.objects.create_superuser("root", password="root-password"))
    return client, staff


@pytest.mark.django_db(transaction=True)
def test_not_in_pages_logs_or_the_database(stored, clients, caplog, simulator):
    caplog.set_level(logging.DEBUG)
    aksk, iam = stored

    pages = visit_everything(*clients, aksk, iam)

    assert simulator.calls["token"] >= 1 and simulator.calls["list"] >= 2  # the secrets were really used
    tokens = simulator.issued_tokens()
    assert tokens
    for secret in (*SECRETS, *tokens):
        assert not [html for html in pages if secret in html]
        assert secret not in caplog.text
        assert secret not in dump_database()
    assert "Authorization: SDK-HMAC" not in caplog.text


def dump_database() -> str:
    """Every row of every table as text, and on SQLite the raw bytes of the database file too."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from the schema
            rows.append(repr(cursor.fetchall()))
    text = "\n".join(rows)
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:")
        connection.connection.backup(copy)
        text += "\n".join(copy.iterdump())
        text += bytes(copy.serialize()).decode("latin-1")
    return text


def failing_signature(secret_key, sdk_date, canonical):
    raise RuntimeError("unexpected")


def failing_send(session, method, url, *, timeouts, **kwargs):
    raise RuntimeError("unexpected")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("breaking", "replacement"),
    [("modelarts.signing.signature", failing_signature), ("modelarts.auth.send", failing_send)],
)
def test_not_on_the_technical_500_page(stored, clients, settings, monkeypatch, breaking, replacement):
    """A bug deep in the client, with the secret in a frame's variables (named as the real functions name it)."""
    settings.DEBUG = True
    monkeypatch.setattr(breaking, replacement)
    client = Client(raise_request_exception=False)
    client.force_login(stored[0].owner)
    aksk, iam = stored
    credential = aksk if "signing" in breaking else iam

    response = client.get(f"/projects/{credential.project_id}/visualization-jobs/{seed.DEMO_RUNNING_JOB_ID}/")

    html = response.content.decode()
    assert response.status_code == 500
    assert "RuntimeError" in html  # it is the technical page, with its frames and their variables
    for secret in SECRETS:
        assert secret not in html


@pytest.mark.parametrize(
    ("message", "hidden"),
    [
        ("headers: {'Authorization': 'SDK-HMAC-SHA256 Access=AK, Signature=abc123'}", "abc123"),
        ("X-Auth-Token: MIIabcdefTOKEN", "MIIabcdefTOKEN"),
        ("x-subject-token=MIIsubjectTOKEN", "MIIsubjectTOKEN"),
        ('{"password": "hunter2", "name": "alice"}', "hunter2"),
        ("secret_key=sk-value&other=1", "sk-value"),
    ],
)
def test_log_filter_masks_secret_headers_and_fields(message, hidden):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", (message,), None)

    assert RedactSecretsFilter().filter(record)

    assert hidden not in record.getMessage()
    assert "********" in record.getMessage()


def test_log_filter_is_installed_on_the_console_handler(settings):
    handler = settings.LOGGING["handlers"]["console"]

    assert "redact_secrets" in handler["filters"]
    assert settings.LOGGING["filters"]["redact_secrets"]["()"] == "dashboard.redaction.RedactSecretsFilter"
