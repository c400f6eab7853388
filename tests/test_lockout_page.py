"""The lockout page: when to try again, from the throttle's records, and the way back to the login form."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def fail(username="alice", client=None):
    return (client or Client()).post(LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR="203.0.113.9")


def shown_until(html: str) -> datetime:
    return datetime.fromisoformat(re.search(r'<time datetime="([^"]+)Z"', html).group(1)).replace(tzinfo=UTC)


@pytest.fixture
def locked(alice, settings):
    """Alice's name locked from one address by two failures, the last of them six minutes ago."""
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    fail()
    fail()
    last = timezone.now() - timedelta(minutes=6)
    AccessAttempt.objects.filter(username="alice").update(attempt_time=last)
    return last


def test_the_page_links_back_to_the_login_form(locked):
    response = fail()

    assert response.status_code == 429
    html = response.content.decode()
    assert f'<a href="{LOGIN}">Back to the login page</a>' in html


def test_it_says_when_the_lock_ends_as_the_records_have_it(locked):
    """Another failure while locked restarts the wait: the page reads the updated record."""
    before = timezone.now()
    response = fail()

    html = response.content.decode()
    assert abs(shown_until(html) - (before + timedelta(minutes=15))).total_seconds() < 5
    assert "in about 15 minutes" in html
    assert 899 <= int(response["Retry-After"]) <= 900


def test_the_wait_counts_from_the_recorded_failures_not_from_now(alice, settings):
    """An address lock lapses when the failure that brought its count to the limit is a cool-off old: with
    failures ten and five minutes old, the third one locks the address for five minutes, not fifteen."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    for name, minutes_ago in (("first", 10), ("second", 5)):
        fail(name)
        AccessAttempt.objects.filter(username=name).update(attempt_time=timezone.now() - timedelta(minutes=minutes_ago))
    first = AccessAttempt.objects.get(username="first").attempt_time

    response = fail("third")

    html = response.content.decode()
    assert response.status_code == 429
    assert shown_until(html) == (first + timedelta(minutes=15)).replace(microsecond=0)
    assert "in about 5 minutes" in html
    assert f'<a href="{LOGIN}">Back to the login page</a>' in html


def test_an_unlocked_name_gets_the_form(locked):
    response = Client().post(LOGIN, {"username": "bob", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 200
    assert "Too many failed logins" not in response.content.decode()


def test_the_page_is_translated(locked):
    response = Client().post(
        LOGIN, {"username": "alice", "password": "wrong"}, REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    html = response.content.decode()
    assert response.status_code == 429
    assert "Back to the login page" not in html and f'<a href="{LOGIN}">' in html
