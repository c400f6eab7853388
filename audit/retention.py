"""Old rows out of the tables that only ever grow: the audit log and django-axes' login records.

Failed logins are written by anyone who can reach the login page, account or not, so they are kept for
the shorter LOGIN_ATTEMPT_RETENTION_DAYS, in the audit log as in axes' tables: long enough to notice and
look into a guessing campaign. The rest of the audit log (logins, credential and token changes, key
rotations) is written only by people with an account, and kept for AUDIT_RETENTION_DAYS. The list
refresh command runs this, so a deployment that refreshes from cron needs nothing more.
"""

from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from .models import AuditEvent


def purge_old_records() -> list[tuple[str, int]]:
    """Delete what is past its retention; returns how many of each kind of record went, described."""
    now = timezone.now()
    audit_days, attempt_days = settings.AUDIT_RETENTION_DAYS, settings.LOGIN_ATTEMPT_RETENTION_DAYS
    audit_events = AuditEvent.objects.filter(created__lt=now - timedelta(days=audit_days))
    failed_logins = AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN_FAILED, created__lt=now - timedelta(days=attempt_days)
    )
    # The failure counters behind lockouts stop counting after the lockout time, and axes deletes those
    # at the next login attempt; its helper for that needs a request, so the same filter is here.
    expired_counters = AccessAttempt.objects.filter(attempt_time__lt=now - settings.AXES_COOLOFF_TIME)
    return [
        (f"audit events older than {audit_days} days", audit_events.delete()[0]),
        (f"failed-login audit events older than {attempt_days} days", failed_logins.delete()[0]),
        ("expired login-failure counters", expired_counters.delete()[0]),
        (f"login records older than {attempt_days} days", AxesProxyHandler.reset_logs(age_days=attempt_days)),
        (
            f"login-failure records older than {attempt_days} days",
            AxesProxyHandler.reset_failure_logs(age_days=attempt_days),
        ),
    ]
