"""Presentation of job fields: status badges from the status table, durations, times, safe links."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils import timezone

from ..status import status_for

register = template.Library()

DURATION_UNITS = (("d", 86400), ("h", 3600), ("min", 60), ("s", 1))


@register.inclusion_tag("jobs/_status_badge.html")
def status_badge(code: int) -> dict:
    return {"status": status_for(code)}


@register.filter
def duration(milliseconds: int | None) -> str:
    """Two largest units are enough to read at a glance: '3 d 4 h', '5 min 2 s'."""
    if milliseconds is None:
        return ""
    seconds = max(int(milliseconds) // 1000, 0)
    if seconds == 0:
        return "0 s"
    parts = []
    for unit, size in DURATION_UNITS:
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount} {unit}")
    return " ".join(parts[:2])


@register.inclusion_tag("jobs/_timestamp.html")
def timestamp(moment: datetime | None) -> dict:
    """Machine-readable UTC in the datetime attribute, local time as text (the browser refines it)."""
    if moment is None:
        return {"moment": None}
    utc = moment.astimezone(UTC)
    try:
        local = timezone.localtime(moment)
    except OverflowError:  # within a few hours of year 1 or 9999: show it in UTC
        local = utc
    return {"moment": local, "utc": utc.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"}


@register.filter
def web_url(value: str) -> str:
    """The URL if it is one a browser may follow (http or https), else an empty string."""
    try:
        parts = urlsplit(value or "")
    except ValueError:
        return ""
    return value if parts.scheme in ("http", "https") and parts.netloc else ""


@register.filter
def status_terminal(code: int) -> bool:
    return status_for(code).terminal


@register.simple_tag
def long_running_hours() -> str:
    return f"{settings.LONG_RUNNING_HOURS:g}"


def _running_for_ms(job) -> int | None:
    """How long a running job has run by now: stored rows know when it started, fresh answers say."""
    if status_for(job.status).group != "running":
        return None
    since = getattr(job, "running_since", None)
    if since is not None:
        return int((timezone.now() - since).total_seconds() * 1000)
    return job.duration_ms


@register.filter
def current_duration(job) -> int | None:
    running_for = _running_for_ms(job)
    return job.duration_ms if running_for is None else running_for


@register.filter
def long_running(job) -> bool:
    running_for = _running_for_ms(job)
    return running_for is not None and running_for >= settings.LONG_RUNNING_HOURS * 3_600_000


@register.simple_tag
def querystring_for(query, **changes) -> str:
    """The list's query string with some values changed (the page, usually), as the link's href."""
    return query.querystring(**changes)


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key)
