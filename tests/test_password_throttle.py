"""Every password check shares the login's lockout: replacing a stored secret and changing the password."""

import pytest
from django.test import Client

from tests.conftest import ALICE_SECRET, PROJECT_A
from tests.test_login import login
from tests.test_view_credentials import NEW_SECRET, aksk_form

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.5"  # the address tests.test_login.login uses
PASSWORD = "alice-login-password"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


@pytest.fixture
def alice_here(alice):
    """Alice, logged in from ADDRESS."""
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(alice)
    return client


def replace_secret(client, credential, password):
    form = aksk_form(project_id=PROJECT_A, access_key=credential.access_key, current_password=password)
    return client.post(f"/credentials/{credential.pk}/edit/", form)


def change_password(client, old_password, new_password="a-New-password-4321", path="/accounts/password_change/"):
    form = {"old_password": old_password, "new_password1": new_password, "new_password2": new_password}
    return client.post(path, form)


def test_wrong_passwords_when_replacing_a_secret_lock_out_even_the_right_one(alice_here, alice_credential):
    for _ in range(2):
        assert replace_secret(alice_here, alice_credential, "wrong").status_code == 400
    assert replace_secret(alice_here, alice_credential, "wrong").status_code == 429  # the limit is reached

    locked = replace_secret(alice_here, alice_credential, PASSWORD)

    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    alice_credential.refresh_from_db()
    assert alice_credential.get_secret() == ALICE_SECRET
    assert login(Client(), PASSWORD).status_code == 429  # the same lock as the login form


def test_entering_a_cleared_secret_is_throttled_too(alice_here, alice_credential):
    alice_credential.secret_ciphertext = ""  # as the admin leaves it after an endpoint change
    alice_credential.save()
    for _ in range(3):
        replace_secret(alice_here, alice_credential, "wrong")

    assert replace_secret(alice_here, alice_credential, PASSWORD).status_code == 429
    alice_credential.refresh_from_db()
    assert not alice_credential.has_secret


@pytest.mark.parametrize("path", ["/accounts/password_change/", "/admin/password_change/"])
def test_wrong_passwords_on_the_change_form_lock_out_even_the_right_one(alice_here, alice, path):
    alice.is_staff = True
    alice.save()
    for _ in range(2):
        assert change_password(alice_here, "wrong", path=path).status_code == 200  # the form, with its error
    assert change_password(alice_here, "wrong", path=path).status_code == 429

    locked = change_password(alice_here, PASSWORD, path=path)

    assert locked.status_code == 429
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert login(Client(), PASSWORD).status_code == 429


def test_the_right_old_password_changes_it(alice_here, alice):
    assert change_password(alice_here, PASSWORD).status_code == 302

    alice.refresh_from_db()
    assert alice.check_password("a-New-password-4321")


def test_failed_logins_count_toward_the_lock_of_the_password_checks(alice_here, alice_credential):
    for _ in range(3):
        login(Client(), "wrong")

    assert replace_secret(alice_here, alice_credential, PASSWORD).status_code == 429
    assert change_password(alice_here, PASSWORD).status_code == 429
    alice_credential.refresh_from_db()
    assert alice_credential.get_secret() == ALICE_SECRET


def test_the_lock_is_per_address_for_the_password_checks_too(alice, alice_credential):
    here = Client(REMOTE_ADDR=ADDRESS)
    here.force_login(alice)
    for _ in range(3):
        replace_secret(here, alice_credential, "wrong")
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    elsewhere.force_login(alice)

    assert replace_secret(elsewhere, alice_credential, PASSWORD).status_code == 302


def test_a_right_password_check_does_not_clear_earlier_failures(alice_here, alice_credential):
    """Only a login resets the count: confirming one's password between guesses must not extend the budget."""
    login(Client(), "wrong")
    login(Client(), "wrong")
    assert replace_secret(alice_here, alice_credential, PASSWORD).status_code == 302

    assert login(Client(), "wrong").status_code == 429


def test_the_lockout_page_of_a_logged_in_user_links_back_to_the_dashboard(alice_here, alice_credential):
    for _ in range(3):
        response = replace_secret(alice_here, alice_credential, "wrong")

    html = response.content.decode()
    assert 'href="/"' in html and "Back to the dashboard" in html
    assert NEW_SECRET not in html and PASSWORD not in html
