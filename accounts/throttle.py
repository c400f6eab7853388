"""Password throttling: one lock (django-axes' records) for every place that checks a dashboard password.

Axes counts failures per user name and client address (``AXES_FAILURE_LIMIT``). Guessing one password
per user name from one address would slip under that, so the failures of all user names from an address
are counted too, against a higher limit of their own (``LOGIN_ADDRESS_FAILURE_LIMIT``): axes compares
every lockout parameter combination with the same limit, so it cannot do this by configuration alone.
"""

from datetime import datetime, timedelta
from http import HTTPStatus
from math import ceil
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


class AxesRequest(HttpRequest):
    """A request as axes hands it to its handler and lockout callable, with the attributes its middleware sets
    (``AxesProxyHandler.update_request``); only an annotation, for the type checker."""

    axes_locked_out: bool
    axes_credentials: dict[str, Any] | None
    axes_ip_address: str


class LoginThrottle(AxesDatabaseHandler):
    """Axes' database handler, plus the per-address limit.

    The address count is read from the same records axes keeps per user name and address, so it lapses
    with them after the cool-off. A successful login resets only that user name's records from the
    address: logging in to one's own account does not clear the failures on other names.
    """

    def is_locked(self, request: AxesRequest, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or _address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request: AxesRequest | None = None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not request.axes_locked_out and _address_locked(request):
            # What axes does when a user name reaches its limit: AxesMiddleware answers with the lockout page.
            request.axes_locked_out = True
            request.axes_credentials = credentials


def _address_attempts(request: AxesRequest) -> QuerySet:
    """Failures from the request's address, under any user name, within the cool-off period."""
    return AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )


def _address_locked(request: AxesRequest) -> bool:
    failures = _address_attempts(request).aggregate(total=Sum("failures_since_start"))["total"] or 0
    return failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def _lock_ends(request: HttpRequest, attempts: QuerySet, limit: int) -> datetime | None:
    """When ``attempts`` drop below ``limit``: failures count for one cool-off period after their record's
    last attempt, so the lock lapses when the record that brought the newest failures to the limit does."""
    counted = 0
    newest_first = attempts.order_by("-attempt_time").values_list("attempt_time", "failures_since_start")
    for attempt_time, failures in newest_first[:limit]:  # every record holds at least one failure
        counted += failures
        if counted >= limit:
            return attempt_time + get_cool_off(request)
    return None


def locked_until(request: AxesRequest, credentials: dict | None) -> tuple[datetime, bool]:
    """When the request's lock ends, and whether it is the address's lock (all user names) that lasts."""
    user_attempts = AxesProxyHandler.get_implementation().get_user_attempts(request, credentials)
    user_ends = [_lock_ends(request, attempts, settings.AXES_FAILURE_LIMIT) for attempts in user_attempts]
    user_end = max((end for end in user_ends if end), default=None)
    address_end = _lock_ends(request, _address_attempts(request), settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    if address_end and (user_end is None or address_end > user_end):
        return address_end, True
    return user_end or timezone.now() + get_cool_off(request), False


def lockout_response(request: AxesRequest, original_response: HttpResponse, credentials: dict | None) -> HttpResponse:
    """The lockout page (AXES_LOCKOUT_CALLABLE): 429, saying when to try again, also as Retry-After."""
    until, address_wide = locked_until(request, credentials)
    wait = max(until - timezone.now(), timedelta(0))
    context = {
        "until": until,
        "minutes": max(ceil(wait.total_seconds() / 60), 1),
        "address_wide": address_wide,
        "failure_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT if address_wide else settings.AXES_FAILURE_LIMIT,
    }
    response = render(request, "registration/locked_out.html", context, status=HTTPStatus.TOO_MANY_REQUESTS)
    response["Retry-After"] = str(ceil(wait.total_seconds()))
    return response


def confirm_password(request: HttpRequest, password: str) -> bool:
    """Whether ``password`` is the signed-in user's, checked exactly like a login.

    Going through ``authenticate`` puts axes in front of the check: a locked-out user name is refused
    even with the right password, and a wrong one is a failed login for the lockout (and the audit log).
    A success logs nobody in, so it resets no failure count.
    """
    user = authenticate(request, username=request.user.get_username(), password=password)
    return user is not None and user.pk == request.user.pk
