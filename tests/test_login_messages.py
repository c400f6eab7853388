"""What the login form says about why it is shown: sent there by a page, or after logging out."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ASKED = "Please log in to see this page."
LOGGED_OUT = "You have been logged out."


def test_a_bookmarked_page_sends_to_the_login_form_which_says_why(client):
    response = client.get("/credentials/", follow=True)

    assert response.redirect_chain == [(f"{LOGIN}?next=/credentials/", 302)]
    html = response.content.decode()
    assert ASKED in html
    assert 'name="next" value="/credentials/"' in html


def test_the_login_form_opened_directly_asks_nothing(client):
    assert ASKED not in client.get(LOGIN).content.decode()


def test_a_failed_login_shows_its_error_instead(client, alice):
    response = client.post(f"{LOGIN}?next=/credentials/", {"username": "alice", "password": "wrong", "next": "/x/"})

    html = response.content.decode()
    assert response.status_code == 200
    assert ASKED not in html
    assert "Please enter a correct username and password" in html


def test_logging_in_from_there_goes_back_to_the_page(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "alice-login-password", "next": "/credentials/"})

    assert response.status_code == 302 and response["Location"] == "/credentials/"


def test_logging_out_says_so_on_the_login_form(alice_client):
    response = alice_client.post("/accounts/logout/", follow=True)

    assert response.redirect_chain == [(LOGIN, 302)]
    html = response.content.decode()
    assert LOGGED_OUT in html
    assert ASKED not in html
    assert "_auth_user_id" not in alice_client.session


def test_the_logout_message_is_shown_once(alice_client):
    alice_client.post("/accounts/logout/", follow=True)

    assert LOGGED_OUT not in alice_client.get(LOGIN).content.decode()


def test_logging_out_needs_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post("/accounts/logout/")

    assert response.status_code == 403
    assert "_auth_user_id" in client.session


def test_the_messages_are_translated(client, alice_client):
    asked = client.get(f"{LOGIN}?next=/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    logged_out = alice_client.post("/accounts/logout/", follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert ASKED not in asked and "请登录" in asked
    assert LOGGED_OUT not in logged_out.content.decode() and "已退出登录" in logged_out.content.decode()


def test_logging_out_after_the_session_expired_lands_on_the_login_form(client, alice):
    """A page left open past its session: "Log out" must not ask to log in to come back to a logout (which,
    after logging in, would be a GET the logout view refuses)."""
    response = client.post("/accounts/logout/", follow=True)

    assert response.redirect_chain == [(LOGIN, 302)]
    html = response.content.decode()
    assert LOGGED_OUT in html and ASKED not in html
    assert 'name="next" value=""' in html
