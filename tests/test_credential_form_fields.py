"""The credential form groups the fields of each authentication in a fieldset whose legend says which it is
for: without JavaScript every field shows and works, and a script (a file, as the CSP wants) hides the other
group. What was typed into the other group is not stored. After an error, the secret fields, which are never
sent back, say they must be typed again."""

import re

import pytest
from django.test import Client

from accounts.models import Credential
from tests.conftest import ALICE_SECRET, PROJECT_A, credential_form

pytestmark = pytest.mark.django_db

NEW_SECRET = "typed-SECRET-in-form-3333333333333333"
RETYPE_SECRET = "Type the secret again"
RETYPE_PASSWORD = "Type your dashboard password again"


def new_credential(**overrides):
    return credential_form(secret=NEW_SECRET) | overrides


def fieldset(html: str, kind: str) -> str:
    match = re.search(rf'<fieldset class="auth-group" data-auth-kind="{kind}">(.*?)</fieldset>', html, re.S)
    assert match, kind
    return match.group(1)


def help_of(html: str, name: str) -> str:
    match = re.search(rf'<small class="help" id="id_{name}_helptext">(.*?)</small>', html, re.S)
    return match.group(1) if match else ""


@pytest.mark.parametrize("path", ["/credentials/add/", "/credentials/{pk}/edit/"])
def test_each_authentications_fields_are_grouped_under_a_legend_saying_which(alice_client, alice_credential, path):
    html = alice_client.get(path.format(pk=alice_credential.pk)).content.decode()

    aksk, password = fieldset(html, "aksk"), fieldset(html, "password")
    assert "Only for access key and secret key (AK/SK) authentication" in aksk
    assert 'name="access_key"' in aksk and 'name="iam_user"' not in aksk
    assert "Only for IAM user name and password authentication" in password
    assert 'name="iam_domain"' in password and 'name="iam_user"' in password and 'name="access_key"' not in password


def test_without_javascript_every_field_shows_and_the_choice_is_a_radio_group(alice_client):
    html = alice_client.get("/credentials/add/").content.decode()

    assert " hidden" not in html.split("data-auth-form>")[1].split("</form>")[0]  # only the script hides
    assert re.search(r"<fieldset[^>]*>\s*<legend>Authentication</legend>", html)
    assert 'type="radio" name="auth_kind" value="aksk"' in html
    assert 'type="radio" name="auth_kind" value="password"' in html
    # The secret field belongs to both: it is named for both, and the script renames it for the choice.
    assert 'data-label-aksk="Secret key"' in html and "data-label-password=" in html


def test_the_script_is_a_file_loaded_by_the_form_page(alice_client):
    html = alice_client.get("/credentials/add/").content.decode()

    assert re.search(r'<script src="/static/js/credential-form\.js" defer></script>', html)
    assert "credential-form.js" not in alice_client.get("/credentials/").content.decode()


def test_a_password_credential_ignores_an_access_key_typed_in_the_other_group(alice_client, alice):
    data = new_credential(auth_kind="password", iam_domain="acme", iam_user="alice-iam", access_key="AKTYPED")

    assert alice_client.post("/credentials/add/", data).status_code == 302

    credential = Credential.objects.get(owner=alice)
    assert (credential.iam_domain, credential.iam_user, credential.access_key) == ("acme", "alice-iam", "")


def test_switching_to_aksk_drops_the_iam_names(alice_client, alice):
    alice_client.post("/credentials/add/", new_credential(auth_kind="password", iam_domain="acme", iam_user="u"))
    credential = Credential.objects.get(owner=alice)

    response = alice_client.post(
        f"/credentials/{credential.pk}/edit/",
        new_credential(iam_domain="acme", iam_user="u", current_password="alice-login-password"),
    )

    assert response.status_code == 302
    credential.refresh_from_db()
    assert (credential.auth_kind, credential.access_key, credential.iam_domain, credential.iam_user) == (
        "aksk",
        "AKNEW000000000000000",
        "",
        "",
    )


def test_the_chosen_groups_fields_are_still_required(alice_client):
    response = alice_client.post("/credentials/add/", new_credential(auth_kind="password", access_key="AKX"))

    assert response.status_code == 400
    assert "Required for IAM password authentication" in response.content.decode()
    assert not Credential.objects.exists()


def test_after_an_error_a_typed_secret_must_be_typed_again(alice_client):
    response = alice_client.post("/credentials/add/", new_credential(project_id="not-a-project"))

    html = response.content.decode()
    assert response.status_code == 400
    assert RETYPE_SECRET in help_of(html, "secret")
    assert re.search(r'<input type="password" name="secret"(?![^>]*value=)[^>]*>', html)
    assert NEW_SECRET not in html


def test_a_secret_left_empty_gets_its_own_error_not_the_retype_note(alice_client):
    response = alice_client.post("/credentials/add/", new_credential(secret=""))

    html = response.content.decode()
    assert "Enter the secret key or password." in html
    assert RETYPE_SECRET not in html


def test_a_valid_form_shows_no_retype_note(alice_client):
    assert RETYPE_SECRET not in alice_client.get("/credentials/add/").content.decode()


def test_after_an_error_in_the_edit_form_both_secrets_must_be_typed_again(alice_client, alice_credential):
    data = new_credential(project_id=PROJECT_A, name="", current_password="alice-login-password")

    response = alice_client.post(f"/credentials/{alice_credential.pk}/edit/", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert RETYPE_SECRET in help_of(html, "secret")
    assert RETYPE_PASSWORD in help_of(html, "current_password")
    assert NEW_SECRET not in html and "alice-login-password" not in html
    alice_credential.refresh_from_db()
    assert alice_credential.get_secret() == ALICE_SECRET


def test_another_users_credential_form_is_404(bob_client, alice_credential):
    assert bob_client.get(f"/credentials/{alice_credential.pk}/edit/").status_code == 404
    response = bob_client.post(f"/credentials/{alice_credential.pk}/edit/", new_credential(auth_kind="password"))
    assert response.status_code == 404
    alice_credential.refresh_from_db()
    assert alice_credential.auth_kind == "aksk"


def test_adding_without_csrf_token_is_refused(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post("/credentials/add/", new_credential()).status_code == 403
    assert not Credential.objects.exists()


def test_the_page_renders_every_field_of_the_form(alice_client, alice_credential):
    """The page places each field by hand: one added to the form must not be left out of it."""
    Credential.objects.filter(pk=alice_credential.pk).update(modelarts_endpoint="https://ma.example.com")
    response = alice_client.get(f"/credentials/{alice_credential.pk}/edit/")

    html = response.content.decode()
    names = [field.name for field in response.context["form"].visible_fields()]
    assert {"trust_endpoints", "current_password", "test_connection"} <= set(names)
    for name in names:
        assert f'name="{name}"' in html, name


def test_a_checkbox_sits_inside_its_label_before_the_words(alice_client):
    """As the list filters' box: a box alone on a line below its words reads as belonging to the next field."""
    html = alice_client.get("/credentials/add/").content.decode()

    field = re.search(r'<div class="field field--checkbox">(.*?)</div>', html, re.S)
    assert field, "the test-on-save box is not laid out as a checkbox"
    assert re.search(
        r'<label for="id_test_connection">\s*<input type="checkbox" name="test_connection"[^>]*checked[^>]*>'
        r"\s*Test the connection after saving\s*</label>",
        field.group(1),
    )
    assert field.group(1).count("<label") == 1
