"""The admin: staff only, and secrets are neither shown nor editable there."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from accounts.crypto import SecretMissing
from accounts.models import Credential
from audit.models import AuditEvent
from simulator import seed
from simulator.seed import DEMO
from simulator.server import Simulator
from tests.conftest import ALICE_SECRET, make_simulated_credential, make_simulated_iam_credential

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="root-password")
    client = Client()
    client.force_login(admin)
    return client


def test_credential_pages_never_show_the_secret(staff_client, alice_credential):
    changelist = staff_client.get("/admin/accounts/credential/")
    change = staff_client.get(f"/admin/accounts/credential/{alice_credential.pk}/change/")

    for response in (changelist, change):
        html = response.content.decode()
        assert response.status_code == 200
        assert ALICE_SECRET not in html
        assert alice_credential.secret_ciphertext not in html
    assert "Secret stored" in change.content.decode()
    assert 'name="secret_ciphertext"' not in change.content.decode()


def change_form(credential, **changes) -> dict:
    """The admin's change form for ``credential`` as a browser would post it, with ``changes``."""
    fields = ["name", "region", "project_id", "auth_kind", "access_key", "iam_domain", "iam_user"]
    form = {name: getattr(credential, name) for name in [*fields, "modelarts_endpoint", "iam_endpoint"]}
    return {**form, **changes}


def test_admin_can_set_an_endpoint_override_but_it_is_validated(staff_client, alice_credential):
    url = f"/admin/accounts/credential/{alice_credential.pk}/change/"

    response = staff_client.post(url, change_form(alice_credential, modelarts_endpoint="http://internal.example.com"))

    assert response.status_code == 200
    assert "must use https" in response.content.decode()
    form = change_form(alice_credential, modelarts_endpoint="https://modelarts.hcs.example.com")
    assert staff_client.post(url, form).status_code == 302
    alice_credential.refresh_from_db()
    assert alice_credential.modelarts_endpoint == "https://modelarts.hcs.example.com"


@pytest.mark.parametrize("field", ["modelarts_endpoint", "iam_endpoint"])
def test_changing_an_endpoint_clears_the_secret_and_is_audited(staff_client, alice_credential, field):
    url = f"/admin/accounts/credential/{alice_credential.pk}/change/"

    staff_client.post(url, change_form(alice_credential, **{field: "https://harvest.example.net"}))

    alice_credential.refresh_from_db()
    assert not alice_credential.has_secret
    with pytest.raises(SecretMissing, match="administrator changed the credential's endpoint"):
        alice_credential.get_secret()
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREDENTIAL_CHANGED)
    assert event.username == "root" and f"#{alice_credential.pk}" in event.target
    assert f"{field} '' -> 'https://harvest.example.net'" in event.detail
    assert "the stored secret was cleared" in event.detail


def test_other_changes_keep_the_secret(staff_client, alice_credential):
    url = f"/admin/accounts/credential/{alice_credential.pk}/change/"

    staff_client.post(url, change_form(alice_credential, name="Renamed by staff"))

    alice_credential.refresh_from_db()
    assert alice_credential.name == "Renamed by staff"
    assert alice_credential.get_secret() == ALICE_SECRET
    assert not AuditEvent.objects.filter(detail__contains="cleared").exists()


def test_the_owner_cannot_be_changed_and_no_secret_can_be_set(staff_client, alice_credential, bob):
    url = f"/admin/accounts/credential/{alice_credential.pk}/change/"
    ciphertext = alice_credential.secret_ciphertext

    form = change_form(alice_credential, owner=bob.pk, secret_ciphertext="forged", secret="typed-in")
    assert staff_client.post(url, form).status_code == 302

    alice_credential.refresh_from_db()
    assert alice_credential.owner.username == "alice"
    assert alice_credential.secret_ciphertext == ciphertext


@pytest.mark.django_db(transaction=True)
def test_the_iam_password_never_goes_to_the_new_host(staff_client, alice, alice_client, simulator):
    """The owner's next page view sends nothing anywhere and says what to do."""
    credential = make_simulated_iam_credential(alice, simulator)
    url = f"/admin/accounts/credential/{credential.pk}/change/"
    elsewhere = Simulator(host="127.0.0.1", port=0)  # the host a staff member would like the password sent to
    elsewhere.start()
    try:
        staff_client.post(url, change_form(credential, iam_endpoint=elsewhere.url))
        page = alice_client.get(f"/projects/{credential.project_id}/visualization-jobs/{seed.DEMO_RUNNING_JOB_ID}/")
        listing = alice_client.get("/credentials/")
        edit = alice_client.get(f"/credentials/{credential.pk}/edit/")
    finally:
        elsewhere.stop()

    assert elsewhere.calls["token"] == 0 and simulator.calls["token"] == 0
    assert page.status_code == 409
    assert "No secret is stored for this credential" in page.content.decode()
    assert "missing: enter it again" in listing.content.decode()
    assert "it was cleared when an administrator changed" in edit.content.decode()
    for html in (page.content.decode(), edit.content.decode()):
        assert f"<code>{elsewhere.url}</code>" in html  # where the secret would go, before it is typed
    assert 'name="current_password"' in edit.content.decode() and 'name="trust_endpoints"' in edit.content.decode()


LOCKED_CHANGES = {
    "auth_kind": Credential.AuthKind.PASSWORD,
    "region": "cn-east-3",
    "project_id": "ab" * 16,
    "access_key": "AKSTAFF0000000000000",
    "iam_domain": "staff-domain",
    "iam_user": "staff-user",
}


@pytest.mark.parametrize(("field", "value"), LOCKED_CHANGES.items())
def test_nothing_else_about_how_a_credential_authenticates_can_be_changed(staff_client, alice_credential, field, value):
    url = f"/admin/accounts/credential/{alice_credential.pk}/change/"
    before = getattr(alice_credential, field)

    response = staff_client.post(url, change_form(alice_credential, **{field: value}))

    assert response.status_code == 302
    alice_credential.refresh_from_db()
    assert getattr(alice_credential, field) == before
    assert alice_credential.get_secret() == ALICE_SECRET
    assert f'name="{field}"' not in staff_client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_secret_key_typed_again_never_goes_to_the_new_iam_host_as_a_password(
    staff_client, alice, alice_client, simulator
):
    """The harvest: point IAM elsewhere (the secret is cleared), wait for the owner to type the secret key
    again, then switch the credential to password authentication so that the key is posted to that host."""
    credential = make_simulated_credential(alice, simulator)
    url = f"/admin/accounts/credential/{credential.pk}/change/"
    elsewhere = Simulator(host="127.0.0.1", port=0)
    elsewhere.start()
    try:
        staff_client.post(url, change_form(credential, iam_endpoint=elsewhere.url))
        credential.refresh_from_db()
        owner_form = {**change_form(credential), "secret": DEMO.secret_key, "trust_endpoints": "on"}
        owner_form["current_password"] = "alice-login-password"
        assert alice_client.post(f"/credentials/{credential.pk}/edit/", owner_form).status_code == 302
        staff_client.post(url, change_form(credential, auth_kind="password", iam_domain="d", iam_user="u"))
        page = alice_client.get(f"/projects/{credential.project_id}/visualization-jobs/{seed.DEMO_RUNNING_JOB_ID}/")
    finally:
        elsewhere.stop()

    assert page.status_code == 200  # signed with the secret key, as its owner meant
    assert elsewhere.calls["token"] == 0
    credential.refresh_from_db()
    assert (credential.auth_kind, credential.iam_domain, credential.iam_user) == ("aksk", "", "")
    staff_events = AuditEvent.objects.filter(action=AuditEvent.Action.CREDENTIAL_CHANGED, username="root")
    assert [event.detail for event in staff_events] == [
        f"changed in the admin: iam_endpoint '{simulator.url}' -> '{elsewhere.url}'; the stored secret was cleared"
    ]


def test_non_staff_users_are_sent_to_the_admin_login(alice_client):
    response = alice_client.get("/admin/accounts/credential/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_api_tokens_are_listed_without_their_hash(staff_client, alice):
    from accounts.models import ApiToken

    token, plaintext = ApiToken.issue(alice, "ci")

    changelist = staff_client.get("/admin/accounts/apitoken/").content.decode()
    change = staff_client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()

    assert "ci" in changelist and token.prefix in changelist
    for html in (changelist, change):
        assert plaintext not in html and token.token_hash not in html


def test_the_permission_to_operate_jobs_is_granted_to_a_group(staff_client, alice):
    """Administrators grant "Can operate visualization jobs" in the admin, to a group its members act through."""
    operate = Permission.objects.get(content_type__app_label="jobs", codename="operate_visualization_jobs")
    assert operate.name == "Can operate visualization jobs"

    response = staff_client.post("/admin/auth/group/add/", {"name": "Operators", "permissions": [operate.pk]})
    assert response.status_code == 302
    alice.groups.add(Group.objects.get(name="Operators"))

    assert User.objects.get(pk=alice.pk).has_perm("jobs.operate_visualization_jobs")
