"""Password reset by mail: absent without EMAIL_URL, throttled per client and per mail address with it."""

from hashlib import sha256

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.conftest import cache_contents
from tests.test_settings import load_settings

pytestmark = pytest.mark.django_db

RESET_PAGES = ["/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/done/"]


@pytest.fixture
def alice_with_mail(alice):
    alice.email = "alice@example.com"
    alice.save()
    return alice


def ask_for_reset(email, address="203.0.113.5"):
    return Client().post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)


@pytest.mark.parametrize("path", [*RESET_PAGES, "/accounts/reset/MQ/set-password/"])
def test_without_mail_there_are_no_reset_pages(client, path):
    assert client.get(path).status_code == 404
    with pytest.raises(NoReverseMatch):
        reverse("password_reset")


def test_without_mail_the_login_page_has_no_reset_link(client):
    assert "password_reset" not in client.get("/accounts/login/").content.decode()


def test_with_mail_the_login_page_links_to_the_reset_page(with_mail):
    html = Client().get("/accounts/login/").content.decode()

    assert 'href="/accounts/password_reset/"' in html
    assert Client().get("/accounts/password_reset/").status_code == 200


def test_with_mail_a_reset_sends_a_link(alice_with_mail, with_mail):
    response = ask_for_reset("alice@example.com")

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_reset_requests_are_limited_per_mail_address(alice_with_mail, with_mail, settings):
    settings.PASSWORD_RESET_LIMIT = 2
    for number in range(2):
        assert ask_for_reset("alice@example.com", address=f"198.51.100.{number}").status_code == 302

    refused = ask_for_reset("Alice@Example.com", address="198.51.100.9")

    assert refused.status_code == 429
    assert "Too many reset requests. Try again in" in refused.content.decode()
    assert len(mail.outbox) == 2


def test_reset_requests_are_limited_per_client_address(alice_with_mail, with_mail, settings):
    settings.PASSWORD_RESET_LIMIT = 2
    for number in range(2):
        ask_for_reset(f"nobody{number}@example.com")

    assert ask_for_reset("alice@example.com").status_code == 429
    assert ask_for_reset("alice@example.com", address="198.51.100.7").status_code == 302
    assert len(mail.outbox) == 1


def test_a_count_the_cache_dropped_starts_again_instead_of_failing(alice_with_mail, with_mail, settings, monkeypatch):
    """The database cache culls, and any cache may expire a key between the add and the increment."""
    settings.PASSWORD_RESET_LIMIT = 2
    default = caches["default"]
    increment = default.incr

    def incr_after_a_cull(key, *args, **kwargs):
        default.delete(key)
        return increment(key, *args, **kwargs)

    monkeypatch.setattr(default, "incr", incr_after_a_cull)

    assert [ask_for_reset("alice@example.com").status_code for _ in range(3)] == [302, 302, 302]
    assert len(mail.outbox) == 3


def test_the_cache_holds_no_reversible_trace_of_the_addresses(alice_with_mail, with_mail):
    ask_for_reset("alice@example.com", address="198.51.100.1")

    stored = cache_contents()
    assert b"password-reset:email:" in stored
    for value in ("alice@example.com", "198.51.100.1"):
        assert value.encode() not in stored and sha256(value.encode()).hexdigest().encode() not in stored


def test_email_url_configures_mail_and_the_reset_pages():
    printing = "settings.PASSWORD_RESET_BY_EMAIL, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS"
    result = load_settings(printing, EMAIL_URL="smtp+tls://dash:mail-pass@mail.example.com:587")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "mail.example.com", "587", "True"]


def test_without_email_url_there_is_no_reset():
    assert load_settings("settings.PASSWORD_RESET_BY_EMAIL").stdout.strip() == "False"
