"""Presentation helpers: durations, timestamps, safe links, long-running jobs."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from jobs.templatetags import jobs_tags
from tests.conftest import make_job


@pytest.mark.parametrize(
    ("milliseconds", "text"),
    [
        (None, ""),
        (0, "0 s"),
        (999, "0 s"),
        (59_000, "59 s"),
        (3_723_000, "1 h 2 min"),
        (93_784_000, "1 d 2 h"),
        (86_400_000, "1 d"),
        (-5, "0 s"),
    ],
)
def test_duration(milliseconds, text):
    assert jobs_tags.duration(milliseconds) == text


@pytest.mark.parametrize(
    ("moment", "utc"),
    [
        (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00Z"),
        (datetime(2026, 11, 26, 8, 5, 3, 999, tzinfo=UTC), "2026-11-26T08:05:03Z"),
        (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "9999-12-31T23:59:00Z"),
    ],
)
def test_timestamp_at_the_ends_of_time(settings, moment, utc):
    settings.TIME_ZONE = "Asia/Shanghai" if moment.year == 9999 else "America/New_York"
    timezone.activate(settings.TIME_ZONE)
    try:
        context = jobs_tags.timestamp(moment)
    finally:
        timezone.deactivate()

    assert context["utc"] == utc


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://tb.example.com/x", True),
        ("http://tb.example.com", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("//evil.example.com", False),
        ("obs://bucket/x", False),
        ("https://", False),
        ("http://[::1", False),
        ("", False),
    ],
)
def test_web_url(url, safe):
    assert jobs_tags.web_url(url) == (url if safe else "")


def test_long_running_from_a_fresh_answer_and_from_a_stored_row(settings):
    settings.LONG_RUNNING_HOURS = 24
    day = 24 * 3_600_000

    assert jobs_tags.long_running(make_job(1, status=8, duration_ms=day))
    assert not jobs_tags.long_running(make_job(1, status=8, duration_ms=day - 1))
    assert not jobs_tags.long_running(make_job(1, status=10, duration_ms=10 * day))

    class Row:
        status, duration_ms = 8, 1000
        running_since = timezone.now() - timedelta(hours=25)

    assert jobs_tags.long_running(Row())
    assert jobs_tags.current_duration(Row()) >= 25 * 3_600_000
