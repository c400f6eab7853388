"""Logging in: throttling per user name and client address, session rotation, logout, idle expiry."""

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


def login(client, password, username="alice", address="203.0.113.5", **headers):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def test_repeated_failures_lock_the_user_name_from_that_address(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert login(client, "wrong").status_code == 200  # the form again, with its error
    assert login(client, "wrong").status_code == 429  # the third failure locks

    locked = login(client, "alice-login-password")

    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_address_and_per_user_name(alice, bob, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        login(Client(), "wrong")

    assert login(Client(), "alice-login-password", address="198.51.100.7").status_code == 302
    assert login(Client(), "bob-login-password", username="bob").status_code == 302


def test_forwarded_for_is_ignored_without_a_trusted_proxy(alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for number in range(2):
        login(Client(), "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    # Rotating a spoofed header does not dodge the lockout: the socket address is what counts.
    assert login(Client(), "alice-login-password", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_address_counts(alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    proxy = "10.0.0.2"
    for _ in range(2):
        login(Client(), "wrong", address=proxy, HTTP_X_FORWARDED_FOR=f"198.51.100.1, {proxy}")

    locked = login(Client(), "alice-login-password", address=proxy, HTTP_X_FORWARDED_FOR=f"198.51.100.1, {proxy}")
    other = login(Client(), "alice-login-password", address=proxy, HTTP_X_FORWARDED_FOR=f"198.51.100.2, {proxy}")

    assert locked.status_code == 429
    assert other.status_code == 302


def test_a_success_resets_the_failure_count(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 3
    login(client, "wrong")
    login(client, "wrong")
    assert login(client, "alice-login-password").status_code == 302
    client.post("/accounts/logout/")

    login(client, "wrong")
    login(client, "wrong")
    assert login(client, "alice-login-password").status_code == 302


def test_session_key_changes_at_login_and_logout_ends_the_session(client, alice):
    client.get("/accounts/login/")
    client.session.save()
    anonymous_key = client.session.session_key

    login(client, "alice-login-password")
    logged_in_key = client.session.session_key
    assert logged_in_key != anonymous_key

    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=logged_in_key).exists()
    assert client.get("/").status_code == 302


def test_session_cookie_flags(client, alice):
    response = login(client, "alice-login-password")

    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 120 * 60


def test_activity_pushes_the_idle_expiry_forward(alice_client, settings, monkeypatch):
    alice_client.get("/credentials/")
    first_expiry = Session.objects.get().expire_date

    later = time.time() + 600
    monkeypatch.setattr("dashboard.middleware.time.time", lambda: later)
    alice_client.get("/credentials/")

    assert Session.objects.get().expire_date > first_expiry


def test_failures_across_many_user_names_lock_the_address(alice, settings):
    """Four guesses at each of 30 names stay under the per-name limit, but not under the address's."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 30
    answers = [login(Client(), "wrong", username=f"user{number}").status_code for number in range(30) for _ in range(4)]

    assert answers.index(429) == 29  # the 30th failure from the address locks it
    assert login(Client(), "alice-login-password").status_code == 429  # every name, even with the right password
    assert login(Client(), "alice-login-password", address="198.51.100.7").status_code == 302


def test_a_login_does_not_clear_the_failures_of_other_names_from_its_address(alice, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    for number in range(3):
        login(Client(), "wrong", username=f"user{number}")
    assert login(Client(), "alice-login-password").status_code == 302

    assert login(Client(), "wrong", username="user9").status_code == 429


def test_the_lockout_page_says_when_to_try_again(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    login(client, "wrong")
    started = timezone.now()
    response = login(client, "wrong")

    html = response.content.decode()
    assert response.status_code == 429
    assert 899 <= int(response["Retry-After"]) <= 900  # LOGIN_LOCKOUT_MINUTES after the last failure
    until = re.search(r'<time datetime="([^"]+)Z"', html).group(1)
    assert abs(datetime.fromisoformat(until).replace(tzinfo=UTC) - (started + timedelta(minutes=15))).seconds < 5
    assert "in about 15 minutes" in html
    assert "locked for logins from your address after 2 failed" in html
    assert 'href="/accounts/login/"' in html


def test_the_lockout_page_of_an_address_lock_says_so(alice, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for number in range(3):
        response = login(Client(), "wrong", username=f"user{number}")

    assert response.status_code == 429
    assert "Logins from your address are locked after 3 failed" in response.content.decode()


def test_an_address_lock_ends_when_enough_of_its_failures_are_old(alice, settings):
    """Not when all of them are: the failure that brought the count to the limit decides."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for name, minutes_ago in (("first", 10), ("second", 5)):
        login(Client(), "wrong", username=name)
        AccessAttempt.objects.filter(username=name).update(attempt_time=timezone.now() - timedelta(minutes=minutes_ago))

    response = login(Client(), "wrong", username="third")

    assert response.status_code == 429
    assert 299 <= int(response["Retry-After"]) <= 300  # "first" is 15 minutes old then
