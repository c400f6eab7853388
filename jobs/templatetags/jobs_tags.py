"""Presentation of job fields: status badges from the status table, durations, times, safe links."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from django import template
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
    return {
        "moment": timezone.localtime(moment),
        "utc": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


@register.filter
def web_url(value: str) -> str:
    """The URL if it is one a browser may follow (http or https), else an empty string."""
    try:
        parts = urlsplit(value or "")
    except ValueError:
        return ""
    return value if parts.scheme in ("http", "https") and parts.netloc else ""
