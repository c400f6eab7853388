"""The audit log: credential changes and tests, logins, key rotations, actions on jobs. Who, when, from where,
outcome."""

from axes.helpers import get_client_ip_address
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.models import Credential
from dashboard.redaction import redact

from .models import AuditEvent

Action = AuditEvent.Action


def describe(credential: Credential) -> str:
    return f"credential #{credential.pk} “{credential.name}” ({credential.project_id})"


def record(
    action: str,
    request=None,
    *,
    user=None,
    username: str = "",
    target: str = "",
    success: bool = True,
    detail: str = "",
    project_id: str = "",
    job_id: int | None = None,
    origin: str = "",
    job_hours: int | None = None,
) -> AuditEvent:
    requester = getattr(request, "user", None)
    if user is None and requester is not None and requester.is_authenticated:
        user = requester
    return AuditEvent.objects.create(
        actor=user,
        username=(username or (user.get_username() if user else ""))[:150],
        action=action,
        target=target[:200],
        client_address=get_client_ip_address(request) if request is not None else None,
        success=success,
        detail=redact(detail)[:500],
        project_id=project_id,
        job_id=job_id,
        origin=origin,
        job_hours=job_hours,
    )


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(Action.LOGIN, request, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Action.LOGOUT, request, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    """Also a wrong password typed to confirm a change (accounts.throttle): the path tells which form."""
    username = str(credentials.get("username", ""))
    record(Action.LOGIN_FAILED, request, username=username, success=False, detail=request.path if request else "")
