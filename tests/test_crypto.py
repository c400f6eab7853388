"""Secrets at rest: Fernet encryption with rotatable keys, loud failures, nothing readable in the database."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from accounts import crypto
from tests.conftest import ALICE_SECRET

pytestmark = pytest.mark.django_db


def test_round_trip_and_ciphertext_differs_each_time():
    first, second = crypto.encrypt("s3cret"), crypto.encrypt("s3cret")

    assert first != second
    assert "s3cret" not in first
    assert crypto.decrypt(first, "x") == crypto.decrypt(second, "x") == "s3cret"


def test_old_keys_still_decrypt_after_a_new_key_is_prepended(settings):
    old = settings.CREDENTIAL_KEYS[0]
    token = crypto.encrypt("s3cret")
    settings.CREDENTIAL_KEYS = [Fernet.generate_key().decode(), old]

    assert crypto.decrypt(token, "x") == "s3cret"


def test_unknown_key_raises_a_clear_error_naming_the_credential(alice_credential, settings):
    settings.CREDENTIAL_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(crypto.SecretUnreadable) as caught:
        alice_credential.get_secret()

    message = str(caught.value)
    assert f"credential '{alice_credential.name}' (#{alice_credential.pk})" in message
    assert alice_credential.secret_ciphertext not in message


@pytest.mark.parametrize("garbage", ["", "not-a-token", "gAAAAAB" + "A" * 80])
def test_damaged_ciphertext_is_never_returned(garbage):
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(garbage, "credential 'x' (#1)")


def test_empty_plaintext_is_refused_both_ways():
    with pytest.raises(crypto.SecretUnreadable, match="empty"):
        crypto.decrypt(crypto.encrypt(""), "x")


def test_secret_is_not_stored_in_plaintext(alice_credential):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM jobs_credential")
        rows = cursor.fetchall()

    assert ALICE_SECRET not in repr(rows)
    assert crypto.decrypt(alice_credential.secret_ciphertext, "x") == ALICE_SECRET


@pytest.mark.parametrize("keys", [["short"], [Fernet.generate_key().decode(), "bad key"]])
def test_invalid_keys_are_refused_naming_the_entry(keys):
    with pytest.raises(ImproperlyConfigured, match=f"entry {len(keys)} is not a Fernet key"):
        crypto.validate_keys(keys)
