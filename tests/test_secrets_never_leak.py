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
from tests import urlconf
from tests.conftest import make_simulated_credential, make_simulated_iam_credential
from tests.urlconf import sample_arguments, url

SECRETS = (DEMO.secret_key, OTHER.password)


@pytest.fixture
def stored(alice, simulator):
    """Alice's two credentials against the simulator: AK/SK, and IAM password (which fetches a token)."""
    aksk = make_simulated_credential(alice, simulator, name="AK/SK")
    iam = make_simulated_iam_credential(alice, simulator, tenant=OTHER, name="IAM")
    return aksk, iam


MISSING_JOB_ID = 1  # no job has this id in the simulator: the detail page's failure is visited too
# Actions visited by a POST besides every page's GET: each reaches ModelArts, or shows the form again.
POSTS = {
    "project-refresh": {},
    "refresh-all": {},
    "credential-test": {},
    "credential-edit": {"name": "", "secret": "x"},  # refused: the form comes back
}
EXCLUDED = {}  # every page: a GET that a page refuses shows nothing, and that is checked too


def visit_everything(client: Client, staff: Client, aksk: Credential, iam: Credential) -> list[str]:
    """Every page, and every action that reaches ModelArts, for each credential; returns the HTML of each.

    The admin's pages are the staff's; every other page is alice's."""
    pages = []
    for credential, job_id in ((aksk, seed.DEMO_RUNNING_JOB_ID), (iam, MISSING_JOB_ID)):
        arguments = sample_arguments(credential, credential.owner, job_id=job_id)
        for name in urlconf.pages(EXCLUDED):
            pages.append(visit(staff if name.startswith("admin:") else client, url(name, arguments)))
        for name, data in POSTS.items():
            pages.append(client.post(url(name, arguments), data, follow=True).content.decode())
    return pages


def visit(client: Client, path: str) -> str:
    """The page's HTML; it must answer without crashing and without sending the viewer to log in."""
    response = client.get(path)
    assert response.status_code in (200, 302, 400, 403, 404, 405), (path, response.status_code)
    assert "/login/" not in response.get("Location", ""), path
    return response.content.decode()


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
