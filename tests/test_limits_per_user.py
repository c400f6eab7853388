"""How many credentials and API tokens one user may store: the add form, the add_credential command and
the API tokens page refuse one more with a clear message; editing a stored credential still works."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiToken, Credential
from tests.conftest import ALICE_SECRET, PROJECT_A, PROJECT_B, credential_form, make_credential

pytestmark = pytest.mark.django_db

CREDENTIAL_LIMIT = "You already have 2 credentials, the most one user may store. Delete one you no longer use first."
TOKEN_LIMIT = "You already have 2 API tokens, the most one user may hold. Revoke one you no longer use first."


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.MAX_CREDENTIALS_PER_USER = 2
    settings.MAX_API_TOKENS_PER_USER = 2


def new_credential_form(project_id: str = PROJECT_B, **overrides) -> dict:
    return credential_form(project_id=project_id) | overrides


def fill_credentials(owner, count: int = 2) -> list[Credential]:
    return [make_credential(owner, project_id=f"{index:032x}") for index in range(count)]


def test_the_add_form_refuses_a_credential_beyond_the_limit(alice_client, alice):
    fill_credentials(alice)

    response = alice_client.post("/credentials/add/", new_credential_form())

    assert response.status_code == 400
    assert CREDENTIAL_LIMIT in response.content.decode()
    assert Credential.objects.filter(owner=alice).count() == 2


def test_the_add_form_accepts_the_last_free_place(alice_client, alice):
    fill_credentials(alice, 1)

    assert alice_client.post("/credentials/add/", new_credential_form()).status_code == 302
    assert Credential.objects.filter(owner=alice).count() == 2


def test_a_credential_at_the_limit_can_still_be_edited(alice_client, alice):
    first, _ = fill_credentials(alice)
    form = new_credential_form(first.project_id, name="Renamed", access_key=first.access_key, secret="")

    response = alice_client.post(f"/credentials/{first.pk}/edit/", form)

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.name == "Renamed"
    assert first.get_secret() == ALICE_SECRET


def test_the_limit_is_per_user(alice_client, bob_client, bob):
    fill_credentials(bob)

    assert alice_client.post("/credentials/add/", new_credential_form()).status_code == 302
    assert bob_client.post("/credentials/add/", new_credential_form()).status_code == 400


def add_credential(project_id: str, monkeypatch) -> str:
    monkeypatch.setenv("MODELARTS_SECRET_KEY", "sk-from-env")
    out = io.StringIO()
    arguments = ["--user", "alice", "--name", "Vision", "--region", "cn-north-4", "--project-id", project_id]
    call_command("add_credential", *arguments, "--access-key", "AKENV000000000000000", stdout=out)
    return out.getvalue()


def test_the_command_refuses_a_credential_beyond_the_limit(alice, monkeypatch):
    fill_credentials(alice)

    with pytest.raises(CommandError, match=re.escape(CREDENTIAL_LIMIT)):
        add_credential(PROJECT_B, monkeypatch)

    assert not Credential.objects.filter(owner=alice, project_id=PROJECT_B).exists()


def test_the_command_still_updates_a_stored_credential_at_the_limit(alice, monkeypatch):
    make_credential(alice, project_id=PROJECT_A)
    make_credential(alice, project_id=PROJECT_B)

    assert "Updated credential" in add_credential(PROJECT_A, monkeypatch)
    assert Credential.objects.get(owner=alice, project_id=PROJECT_A).get_secret() == "sk-from-env"


def test_the_tokens_page_refuses_a_token_beyond_the_limit(alice_client, alice):
    for name in ("one", "two"):
        ApiToken.issue(alice, name)

    response = alice_client.post("/settings/api-tokens/", {"name": "three"})

    html = response.content.decode()
    assert response.status_code == 400
    assert TOKEN_LIMIT in html
    assert 'id="new-token"' not in html
    assert sorted(ApiToken.objects.filter(owner=alice).values_list("name", flat=True)) == ["one", "two"]


def test_a_revoked_token_frees_its_place(alice_client, alice):
    ApiToken.issue(alice, "one")
    revoked, _ = ApiToken.issue(alice, "two")
    alice_client.post(f"/settings/api-tokens/{revoked.pk}/revoke/")

    response = alice_client.post("/settings/api-tokens/", {"name": "three"})

    assert response.status_code == 200
    assert 'id="new-token"' in response.content.decode()


def test_other_users_tokens_do_not_count(alice_client, bob):
    for name in ("one", "two"):
        ApiToken.issue(bob, name)

    assert alice_client.post("/settings/api-tokens/", {"name": "mine"}).status_code == 200
