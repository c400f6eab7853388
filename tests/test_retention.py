"""Audit events and django-axes' login records past their retention are deleted by the list refresh command,
which says how many; failed logins, which anyone can cause, are kept for a shorter time."""

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def audit_event(action: str, days_ago: float) -> AuditEvent:
    event = AuditEvent.objects.create(action=action, username="alice")
    AuditEvent.objects.filter(pk=event.pk).update(created=timezone.now() - timedelta(days=days_ago))
    return event


def axes_record(model, age: timedelta, **fields):
    record = model.objects.create(**{"username": "mallory", "ip_address": "192.0.2.1", "user_agent": "x", **fields})
    model.objects.filter(pk=record.pk).update(attempt_time=timezone.now() - age)
    return record


def run_command(*arguments: str) -> str:
    out = io.StringIO()
    call_command("refresh_job_lists", *arguments, stdout=out)
    return out.getvalue()


def test_audit_events_older_than_the_retention_are_deleted():
    kept = [audit_event(Action.CREDENTIAL_CHANGED, 179), audit_event(Action.LOGIN, 10)]
    audit_event(Action.CREDENTIAL_CHANGED, 181)
    audit_event(Action.LOGIN, 200)

    output = run_command()

    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {event.pk for event in kept}
    assert "Retention: deleted 2 audit events older than 180 days, 0 failed-login audit events" in output


def test_failed_logins_in_the_audit_log_are_kept_for_the_shorter_time():
    recent = audit_event(Action.LOGIN_FAILED, 29)
    audit_event(Action.LOGIN_FAILED, 31)
    audit_event(Action.LOGIN_FAILED, 100)
    older_login = audit_event(Action.LOGIN, 31)

    output = run_command()

    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {recent.pk, older_login.pk}
    assert "0 audit events older than 180 days, 2 failed-login audit events older than 30 days" in output


def test_axes_records_past_their_retention_are_deleted():
    counter = {"get_data": "", "post_data": "", "failures_since_start": 3}
    live_counter = axes_record(AccessAttempt, timedelta(minutes=5), **counter)
    axes_record(AccessAttempt, timedelta(minutes=20), **{**counter, "user_agent": "y"})  # lockout over (15 min)
    recent_log = axes_record(AccessLog, timedelta(days=29))
    axes_record(AccessLog, timedelta(days=31))
    recent_failure = axes_record(AccessFailureLog, timedelta(days=29))
    axes_record(AccessFailureLog, timedelta(days=31))

    output = run_command()

    assert list(AccessAttempt.objects.all()) == [live_counter]
    assert list(AccessLog.objects.all()) == [recent_log]
    assert list(AccessFailureLog.objects.all()) == [recent_failure]
    assert output.strip().endswith(
        "1 expired login-failure counters, 1 login records older than 30 days, "
        "1 login-failure records older than 30 days."
    )


def test_a_lockout_still_holds_after_the_cleanup(alice):
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})

    run_command()

    response = client.post("/accounts/login/", {"username": "alice", "password": "alice-login-password"})
    assert response.status_code == 429


def test_retention_is_a_setting(settings):
    settings.AUDIT_RETENTION_DAYS = 7
    settings.LOGIN_ATTEMPT_RETENTION_DAYS = 2
    audit_event(Action.CREDENTIAL_DELETED, 8)
    audit_event(Action.LOGIN_FAILED, 3)
    axes_record(AccessLog, timedelta(days=3))

    output = run_command()

    assert not AuditEvent.objects.exists() and not AccessLog.objects.exists()
    assert "1 audit events older than 7 days, 1 failed-login audit events older than 2 days" in output


def test_a_run_for_some_lists_only_deletes_nothing(alice):
    audit_event(Action.LOGIN, 400)

    output = run_command("--user", "alice")

    assert AuditEvent.objects.count() == 1
    assert "Retention" not in output
