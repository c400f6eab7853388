"""Revoking an API token asks first: a page for a GET (without JavaScript), a dialog on the tokens page (with
it), both sending the same form; only its POST revokes. The tokens page's Copy button for a new token."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db

PAGE = "/settings/api-tokens/"


def revoke_url(token: ApiToken) -> str:
    return f"{PAGE}{token.pk}/revoke/"


@pytest.fixture
def token(alice) -> ApiToken:
    return ApiToken.issue(alice, "nightly report")[0]


def revoke_form(html: str, token: ApiToken) -> str:
    match = re.search(rf'<form method="post" action="{revoke_url(token)}" class="action-form">.*?</form>', html, re.S)
    assert match, html
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', match.group(0))


def test_a_get_asks_and_revokes_nothing(alice_client, token):
    response = alice_client.get(revoke_url(token))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Revoke the token “nightly report”?</h1>" in html
    assert f"<code>{token.prefix}</code>" in html and "cannot be undone" in html
    form = revoke_form(html, token)
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<button type="submit" class="danger">Revoke</button>' in form
    assert f'<a href="{PAGE}" data-dialog-close autofocus>Cancel</a>' in form  # Enter at once revokes nothing
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_confirmed_post_revokes(alice_client, token):
    response = alice_client.post(revoke_url(token), follow=True)

    assert response.redirect_chain == [(PAGE, 302)]
    assert "Revoked the token “nightly report”" in response.content.decode()
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_the_tokens_page_offers_revoke_as_a_destructive_link_with_its_dialog(alice_client, token):
    html = alice_client.get(PAGE).content.decode()

    link = re.search(
        rf'<a class="button button--danger" href="{revoke_url(token)}" data-dialog="revoke-{token.pk}"', html
    )
    assert link, "Revoke opens the confirmation page, or with JavaScript the dialog"
    dialog = re.search(rf'<dialog id="revoke-{token.pk}" class="confirm-dialog".*?</dialog>', html, re.S)
    assert dialog
    assert "Revoke the token “nightly report”?" in dialog.group(0)
    assert revoke_form(dialog.group(0), token) == revoke_form(
        alice_client.get(revoke_url(token)).content.decode(), token
    )


def test_another_users_token_is_a_404(bob_client, token):
    assert bob_client.get(revoke_url(token)).status_code == 404
    assert bob_client.post(revoke_url(token)).status_code == 404
    assert bob_client.get(f"{PAGE}999999/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert "nightly report" not in bob_client.get(revoke_url(token)).content.decode()


def test_the_post_needs_the_csrf_token(alice, token):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.get(revoke_url(token)).status_code == 200
    assert client.post(revoke_url(token)).status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_other_methods_are_refused(alice_client, token):
    assert alice_client.put(revoke_url(token)).status_code == 405
    assert alice_client.delete(revoke_url(token)).status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_signed_out_visitors_are_sent_to_log_in(client, token):
    response = client.get(revoke_url(token))

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_a_new_token_has_a_copy_button_for_its_field(alice_client):
    html = alice_client.post(PAGE, {"name": "ci"}).content.decode()

    plaintext = re.search(r'<input id="new-token" type="text" value="([^"]+)"', html).group(1)
    assert '<button type="button" class="copy" data-copy-from="new-token">Copy</button>' in html
    assert html.count(plaintext) == 1  # copied from the field, not repeated in the button
    assert "Copy" not in alice_client.get(PAGE).content.decode().split("<h2>Your tokens</h2>")[0].split("</h1>")[1]


def test_the_confirmation_is_translated(alice_client, token):
    html = alice_client.get(revoke_url(token), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "Revoke the token" not in html and "cannot be undone" not in html
    assert "nightly report" in html


def test_the_confirmation_page_has_a_query_budget_that_does_not_grow(alice_client, alice, token):
    def count() -> int:
        alice_client.get(revoke_url(token))  # the session's first touch of the minute is not the page's
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(revoke_url(token)).status_code == 200
        return len(captured)

    few = count()
    for number in range(10):
        ApiToken.issue(alice, f"token {number}")

    assert count() == few <= 6
