"""The audit log: who did what, when, from where, with what outcome; read-only for staff."""

import io

import pytest
import responses
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import Client

from accounts.models import Credential
from audit.models import AuditEvent
from tests.conftest import ALICE_SECRET, PROJECT_A, PROJECT_B

pytestmark = pytest.mark.django_db

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
NEW_SECRET = "another-SECRET-value-22222222222222222"


def events():
    return list(AuditEvent.objects.order_by("pk").values_list("username", "action", "success", "client_address"))


def test_logins_succeeded_and_failed(alice):
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.post("/accounts/login/", {"username": "alice", "password": "nope"}, REMOTE_ADDR="203.0.113.9")
    client.post("/accounts/login/", {"username": "ghost", "password": "nope"}, REMOTE_ADDR="203.0.113.9")
    client.post(
        "/accounts/login/", {"username": "alice", "password": "alice-login-password"}, REMOTE_ADDR="203.0.113.9"
    )
    client.post("/accounts/logout/", REMOTE_ADDR="203.0.113.9")

    assert events() == [
        ("alice", "login_failed", False, "203.0.113.9"),
        ("ghost", "login_failed", False, "203.0.113.9"),
        ("alice", "login", True, "203.0.113.9"),
        ("alice", "logout", True, "203.0.113.9"),
    ]
    assert "nope" not in repr(list(AuditEvent.objects.values()))


def test_credential_lifecycle(alice_client, alice):
    form = {
        "name": "Vision",
        "region": "cn-north-4",
        "project_id": PROJECT_B,
        "auth_kind": "aksk",
        "access_key": "AKNEW000000000000000",
        "secret": NEW_SECRET,
    }
    alice_client.post("/credentials/add/", form)
    credential = Credential.objects.get(owner=alice)
    alice_client.post(f"/credentials/{credential.pk}/edit/", {**form, "name": "Vision 2", "secret": ""})
    alice_client.post(f"/credentials/{credential.pk}/edit/", {**form, "secret": ALICE_SECRET, "current_password": "x"})
    alice_client.post(
        f"/credentials/{credential.pk}/edit/",
        {**form, "secret": ALICE_SECRET, "current_password": "alice-login-password"},
    )
    alice_client.post(f"/credentials/{credential.pk}/delete/")

    rows = list(
        AuditEvent.objects.exclude(action="login").order_by("pk").values_list("action", "success", "target", "detail")
    )
    target = f"credential #{credential.pk} “Vision” ({PROJECT_B})"
    assert rows == [
        ("credential_created", True, target, ""),
        ("credential_changed", True, target.replace("Vision", "Vision 2"), "name"),
        ("login_failed", False, "", f"/credentials/{credential.pk}/edit/"),  # counts toward the login lockout
        (
            "credential_changed",
            False,
            target.replace("Vision", "Vision 2"),
            "refused: wrong or missing dashboard password for entering a secret",
        ),
        ("credential_changed", True, target, "name, secret replaced"),
        ("credential_deleted", True, target, ""),
    ]
    dump = repr(list(AuditEvent.objects.values()))
    assert NEW_SECRET not in dump and ALICE_SECRET not in dump
    assert all(
        event.username == "alice" and event.client_address == "127.0.0.1"
        for event in AuditEvent.objects.exclude(action="login")
    )


@responses.activate
def test_connection_tests_are_recorded_with_their_outcome(alice_client, alice_credential):
    responses.get(UPSTREAM, json={"is_success": True, "job_total_count": 0, "jobs": []})
    responses.get(UPSTREAM, status=401, json={"error_code": "APIGW.0301", "error_msg": "verify aksk signature fail"})

    alice_client.post(f"/credentials/{alice_credential.pk}/test/")
    alice_client.post(f"/credentials/{alice_credential.pk}/test/")

    rows = list(AuditEvent.objects.exclude(action="login").order_by("pk").values_list("action", "success", "detail"))
    assert rows == [
        ("credential_tested", True, ""),
        ("credential_tested", False, "APIGW.0301: verify aksk signature fail"),
    ]


def test_key_rotation_is_recorded(alice_credential, settings):
    settings.CREDENTIAL_KEYS = [Fernet.generate_key().decode(), *settings.CREDENTIAL_KEYS]

    call_command("rotate_credential_keys", stdout=io.StringIO())

    event = AuditEvent.objects.get(action="keys_rotated")
    assert (event.username, event.success) == ("(command line)", True)
    assert "Re-encrypted 1 credential(s)" in event.detail


def test_details_are_redacted():
    from audit import log as audit

    event = audit.record(audit.Action.CREDENTIAL_TESTED, detail='password="hunter2" Authorization: SDK-HMAC-SHA256 x')

    assert "hunter2" not in event.detail and "SDK-HMAC" not in event.detail


@pytest.fixture
def staff_client(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", password="root-password"))
    return client


def test_staff_read_the_log_in_the_admin_but_nobody_edits_it(staff_client, alice_client):
    alice_client.get("/")
    event = AuditEvent.objects.create(username="alice", action="login")

    assert "alice" in staff_client.get("/admin/audit/auditevent/").content.decode()
    change = staff_client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert change.status_code == 200 and 'type="submit"' not in change.content.decode().split("<form")[-1]
    assert staff_client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"username": "x"}).status_code == 403
    assert staff_client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert staff_client.get("/admin/audit/auditevent/add/").status_code == 403
    assert alice_client.get("/admin/audit/auditevent/").status_code == 302
    assert AuditEvent.objects.get(pk=event.pk).username == "alice"
