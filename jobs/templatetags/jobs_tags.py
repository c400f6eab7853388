"""Presentation of job fields: status badges from the status table, durations, times, safe links.

Everything shown in words is in the active language (English or Simplified Chinese).
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext_lazy

from ..listing import DEFAULT_SORT, SORT_CHOICES
from ..status import ICON_SPRITE, LONG_RUNNING_STYLE, group_label, status_for

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


@register.simple_tag
def status_icon(name: str) -> SafeString:
    """An icon of the status sprite, by the name the status table gives it (status.icon).

    A picture rather than a symbol character: it looks the same whatever fonts the browser has. Decorative,
    since the badge's words say the same."""
    return format_html(
        '<svg class="icon" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        static(ICON_SPRITE),
        name,
    )


@register.inclusion_tag("jobs/_long_running_badge.html")
def long_running_badge(text: str, hint: str = "") -> dict:
    """The long-running badge, its colour and icon from the status table like every status badge's."""
    css_class, icon = LONG_RUNNING_STYLE
    return {"text": text, "hint": hint, "css_class": css_class, "icon": icon}


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


TIME_OF_DAY = "H:i:s"  # static/js/local-time.js writes the same


@register.inclusion_tag("jobs/_timestamp.html")
def timestamp(moment: datetime | None, style: str = "") -> dict:
    """Machine-readable UTC in the datetime attribute, local time as text in the active language's
    ``DATETIME_FORMAT`` (dashboard/formats/; the browser writes the same pattern in its own time zone). With
    style "time", a moment of today reads as its time of day alone (how fresh a page is); the browser decides
    "today" by its own clock again.

    The text is formatted here, not in the template: the template engine would convert a datetime to
    local time again, which overflows within hours of year 1 and year 9999 (those are shown in UTC).
    """
    if moment is None:
        return {"utc": None}
    utc = moment.astimezone(UTC)
    try:
        local = timezone.localtime(moment)
        today = style == "time" and local.date() == timezone.localdate()
        text = formats.date_format(local, TIME_OF_DAY if today else "DATETIME_FORMAT")
    except OverflowError:
        text = formats.date_format(utc, "DATETIME_FORMAT")
    return {"utc": utc.replace(tzinfo=None).isoformat(timespec="seconds") + "Z", "text": text, "style": style}


@register.simple_tag
def datetime_pattern() -> str:
    """The active language's ``DATETIME_FORMAT``, for the browser to write times the way the server does."""
    return formats.get_format("DATETIME_FORMAT")


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
def current_remaining(job) -> int | None:
    """Time left before an auto-stop by now: what ModelArts said, less what the job has run since it said it
    (a stored row's answer is as old as its list)."""
    remaining = job.remaining_duration_ms
    running_for = _running_for_ms(job)
    if remaining is None or running_for is None or job.duration_ms is None:
        return remaining
    return max(0, remaining - max(0, running_for - job.duration_ms))


@register.filter
def long_running(job) -> bool:
    running_for = _running_for_ms(job)
    return running_for is not None and running_for >= settings.LONG_RUNNING_HOURS * 3_600_000


@register.simple_tag
def querystring_for(query, **changes) -> str:
    """The list's query string with some values changed (the page, usually), as the link's href."""
    return query.querystring(**changes)


@register.inclusion_tag("jobs/_sort_header.html")
def sort_header(query, column: str, label: str) -> dict:
    """A sortable column's header cell: a link sorting by the column (the other way round when the list is
    sorted by it already, on the first page), the current sort marked, and aria-sort on the cell."""
    direction, sort = query.column_sort(column)
    return {
        "label": label,
        "direction": direction,
        "href": query.querystring(sort="" if sort == DEFAULT_SORT else sort, page=1),
        "sort_label": dict(SORT_CHOICES)[sort],
    }


@register.simple_tag
def page_numbers(page) -> list:
    """The page numbers a pagination shows: the first, the last and two either side of the current one, the
    gaps as Paginator.ELLIPSIS."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


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
