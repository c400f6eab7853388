"""The API tokens page: /settings/api-tokens/ (create, show once, revoke)."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from tests.conftest import PROJECT_A, make_job, store_list

pytestmark = pytest.mark.django_db

PAGE = "/settings/api-tokens/"
API = f"/api/projects/{PROJECT_A}/visualization-jobs"
TOKEN_IN_PAGE = re.compile(r'<input id="new-token" type="text" value="([A-Za-z0-9_-]{43})"')


def create(client, name="nightly report") -> tuple:
    response = client.post(PAGE, {"name": name})
    match = TOKEN_IN_PAGE.search(response.content.decode())
    return response, match.group(1) if match else None


def test_login_required(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={PAGE}"


def test_lists_own_tokens_with_name_prefix_created_and_last_used(alice_client, alice, bob):
    mine = ApiToken.issue(alice, "nightly report")[0]
    ApiToken.objects.filter(pk=mine.pk).update(last_used=timezone.now() - timedelta(hours=2))
    theirs = ApiToken.issue(bob, "bob's secret script")[0]

    html = alice_client.get(PAGE).content.decode()

    assert "nightly report" in html
    assert f"<code>{mine.prefix}…</code>" in html
    assert html.count("<time datetime=") == 2  # created and last used
    assert "bob&#x27;s secret script" not in html and theirs.prefix not in html
    assert '<th scope="col">Last used</th>' in html
    assert '<label for="id_name">Name</label>' in html


def test_a_new_token_is_shown_once_and_stored_hashed(alice_client, alice):
    response, plaintext = create(alice_client)

    assert response.status_code == 200
    assert plaintext is not None
    assert "will not be shown again" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(owner=alice)
    assert token.name == "nightly report"
    assert token.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert token.prefix == plaintext[:8]
    stored = " ".join(str(value) for value in ApiToken.objects.values_list().get())
    assert plaintext not in stored
    assert all(plaintext not in session.session_data for session in Session.objects.all())

    again = alice_client.get(PAGE).content.decode()
    assert plaintext not in again
    assert f"<code>{plaintext[:8]}…</code>" in again


def test_the_new_token_works_on_the_api(alice_client, alice_credential):
    store_list(alice_credential, [make_job(7, job_name="visible")])
    _, plaintext = create(alice_client)

    response = Client().get(API, headers={"Authorization": f"Bearer {plaintext}"})

    assert response.status_code == 200
    assert [job["job_name"] for job in response.json()["jobs"]] == ["visible"]


@pytest.mark.parametrize(
    ("posted", "scope", "shown"),
    [
        ({"scope": "read"}, "read", "Read only"),
        ({"scope": "read-write"}, "read-write", "Read and write"),
        ({}, "read", "Read only"),
    ],
)
def test_a_token_gets_the_scope_chosen_read_only_unless_asked(alice_client, alice, posted, scope, shown):
    response = alice_client.post(PAGE, {"name": "deployer", **posted})

    assert response.status_code == 200
    assert ApiToken.objects.get(owner=alice).scope == scope
    assert f"<p>Scope: {shown}.</p>" in response.content.decode()


def test_the_form_offers_both_scopes_read_only_first_and_chosen(alice_client):
    html = alice_client.get(PAGE).content.decode()

    assert '<label for="id_scope">Scope</label>' in html
    assert re.search(
        r'<option value="read" selected>Read only</option>\s*<option value="read-write">Read and write', html
    )


def test_an_unknown_scope_is_refused(alice_client):
    response = alice_client.post(PAGE, {"name": "deployer", "scope": "admin"})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_list_shows_each_tokens_scope(alice_client, alice):
    ApiToken.issue(alice, "reader")
    ApiToken.issue(alice, "writer", ApiToken.Scope.READ_WRITE)

    html = alice_client.get(PAGE).content.decode()

    assert '<th scope="col">Scope</th>' in html
    rows = re.findall(r"<td>(reader|writer)</td>\s*<td[^>]*><code>[^<]*</code></td>\s*<td[^>]*>([^<]*)</td>", html)
    assert sorted(rows) == [("reader", "Read only"), ("writer", "Read and write")]


def test_each_token_is_different(alice_client):
    tokens = {create(alice_client)[1] for _ in range(3)}

    assert len(tokens) == 3


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_name_is_required_and_bounded(alice_client, name):
    response, plaintext = create(alice_client, name)

    assert response.status_code == 400
    assert plaintext is None
    assert 'class="errorlist' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_deletes_the_token_and_the_api_refuses_it(alice_client, alice, alice_credential):
    token, plaintext = ApiToken.issue(alice, "old script")

    response = alice_client.post(f"{PAGE}{token.pk}/revoke/")

    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert not ApiToken.objects.exists()
    assert "Revoked the token “old script”" in alice_client.get(PAGE).content.decode()
    assert Client().get(API, headers={"Authorization": f"Bearer {plaintext}"}).status_code == 401


def test_create_and_revoke_need_post_and_csrf(alice):
    """A GET of the revoke address only asks (tests/test_token_revoke_confirmation.py)."""
    token = ApiToken.issue(alice, "script")[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.get(f"{PAGE}{token.pk}/revoke/").status_code == 200
    assert client.post(f"{PAGE}{token.pk}/revoke/").status_code == 403
    assert client.post(PAGE, {"name": "sneaky"}).status_code == 403
    assert ApiToken.objects.count() == 1


def test_other_user_cannot_revoke_or_see(bob_client, alice):
    token = ApiToken.issue(alice, "alice's script")[0]

    assert bob_client.post(f"{PAGE}{token.pk}/revoke/").status_code == 404
    assert bob_client.post(f"{PAGE}999999/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert "alice&#x27;s script" not in bob_client.get(PAGE).content.decode()


def test_linked_from_the_header(alice_client):
    html = alice_client.get(PAGE).content.decode()

    assert f'<a href="{PAGE}">API tokens</a>' in html


def test_creating_and_revoking_tokens_is_audited(alice_client, alice):
    from accounts.models import ApiToken
    from audit.models import AuditEvent

    alice_client.post("/settings/api-tokens/", {"name": "ci"})
    token = ApiToken.objects.get(owner=alice)
    alice_client.post(f"/settings/api-tokens/{token.pk}/revoke/")

    actions = list(AuditEvent.objects.exclude(action="login").order_by("pk").values_list("action", "target"))
    assert actions == [("api_token_created", str(token)), ("api_token_revoked", str(token))]
