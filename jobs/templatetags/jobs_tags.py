"""Presentation of job fields: status badges from the status table, durations, times, safe links.

Everything shown in words is in the active language (English or Simplified Chinese).
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext_lazy

from ..status import group_label, status_for

register = template.Library()

DURATION_UNITS = (
    (pgettext_lazy("duration unit", "d"), 86400),
    (pgettext_lazy("duration unit", "h"), 3600),
    (pgettext_lazy("duration unit", "min"), 60),
    (pgettext_lazy("duration unit", "s"), 1),
)


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
        return f"0 {DURATION_UNITS[-1][0]}"
    parts = []
    for unit, size in DURATION_UNITS:
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount} {unit}")
    return " ".join(parts[:2])


@register.filter
def timespan(value: timedelta | None) -> str:
    """A timedelta in the same words as durations: '15 min'."""
    if value is None:
        return ""
    return duration(int(value.total_seconds() * 1000))


@register.inclusion_tag("jobs/_timestamp.html")
def timestamp(moment: datetime | None, style: str = "") -> dict:
    """Machine-readable UTC in the datetime attribute, local time as text (the browser refines it).

    The text is formatted here, not in the template: the template engine would convert a datetime to
    local time again, which overflows within hours of year 1 and year 9999. With style "time", a moment of
    today reads as its time of day alone (e.g. how fresh a page is); the browser decides "today" by its own
    clock again.
    """
    if moment is None:
        return {"utc": None}
    utc = moment.astimezone(UTC)
    try:
        local = timezone.localtime(moment)
        same_day = local.date() == timezone.localdate()
        text = date_format(local, "H:i:s" if style == "time" and same_day else "Y-m-d H:i:s T")
    except OverflowError:
        text = date_format(utc, "Y-m-d H:i:s") + " UTC"
    return {"utc": utc.replace(tzinfo=None).isoformat(timespec="seconds") + "Z", "text": text, "style": style}


@register.simple_tag
def time_html(moment: datetime | None, style: str = "") -> str:
    """The same <time> element as {% timestamp %}, as a value: ``{% time_html x as t %}`` can go inside
    a translated sentence, where each language puts it in its own place."""
    html = render_to_string("jobs/_timestamp.html", timestamp(moment, style))
    return mark_safe(html.strip())  # noqa: S308 (our template)


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


@register.filter
def status_openable(code: int) -> bool:
    return status_for(code).openable


@register.filter
def status_allows(code: int, operation: str) -> bool:
    """Whether ModelArts accepts the operation ("stop"...) in this status, as the status table says."""
    return operation in status_for(code).operations


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


@register.filter(name="group_label")
def group_label_filter(group: str) -> str:
    return group_label(group)


def _auto_stop_sentence(amount: int, unit: str) -> str:
    if unit == "MINUTES":
        return ngettext("Stops after %(count)s minute", "Stops after %(count)s minutes", amount) % {"count": amount}
    if unit == "DAYS":
        return ngettext("Stops after %(count)s day", "Stops after %(count)s days", amount) % {"count": amount}
    return ngettext("Stops after %(count)s hour", "Stops after %(count)s hours", amount) % {"count": amount}


@register.filter
def auto_stop(schedule) -> str:
    """ModelArts' auto-stop schedule in words; a schedule it does not describe is shown as it came."""
    if not isinstance(schedule, dict):
        return ""
    kind = schedule.get("type") or "stop"
    amount = schedule.get("duration")
    unit = schedule.get("time_unit")
    unit_name = unit.upper() if isinstance(unit, str) else ""
    known_unit = unit_name in ("MINUTES", "HOURS", "DAYS")
    if kind == "stop" and known_unit and isinstance(amount, int) and not isinstance(amount, bool) and amount >= 0:
        return _auto_stop_sentence(amount, unit_name)
    return gettext("%(kind)s after %(amount)s %(unit)s") % {
        "kind": kind,
        "amount": amount,
        "unit": str(unit or "").lower(),
    }


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key)
