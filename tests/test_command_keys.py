"""Key management: generate_credential_key prints a key; rotate_credential_keys moves every secret onto the
newest key, row by row, names what it cannot read, and never prints a secret or a ciphertext."""

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command

from accounts import crypto
from accounts.management.commands import rotate_credential_keys
from accounts.models import Credential
from tests.conftest import PROJECT_A, PROJECT_B, make_credential

pytestmark = pytest.mark.django_db

SECRETS = {"alice-a": "alice-secret-A-0000000000", "alice-b": "alice-secret-B-1111111111", "bob-a": "bob-secret-2222"}


def run(*arguments):
    """(stdout, stderr, error message or None) of one rotate_credential_keys run."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("rotate_credential_keys", *arguments, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), str(exc)
    return out.getvalue(), err.getvalue(), None


def ciphertexts():
    return dict(Credential.objects.values_list("pk", "secret_ciphertext"))


@pytest.fixture
def credentials(alice, bob):
    """Three credentials encrypted with the current (soon old) key."""
    return [
        make_credential(alice, PROJECT_A, SECRETS["alice-a"], name="Alice A"),
        make_credential(alice, PROJECT_B, SECRETS["alice-b"], name="Alice B"),
        make_credential(bob, PROJECT_A, SECRETS["bob-a"], name="Bob A"),
    ]


@pytest.fixture
def new_key(settings):
    """Prepend a fresh key, as an operator would before rotating; returns it."""
    key = Fernet.generate_key().decode()
    settings.CREDENTIAL_KEYS = [key, *settings.CREDENTIAL_KEYS]
    return key


def plaintexts_with_only(settings, key):
    settings.CREDENTIAL_KEYS = [key]
    return {credential.name: credential.get_secret() for credential in Credential.objects.all()}


def test_generate_prints_one_valid_key_that_differs_each_time():
    outputs = []
    for _ in range(2):
        out = io.StringIO()
        call_command("generate_credential_key", stdout=out)
        outputs.append(out.getvalue())

    keys = [output.strip() for output in outputs]
    assert all(output == key + "\n" for output, key in zip(outputs, keys, strict=True))
    assert keys[0] != keys[1]
    crypto.validate_keys(keys)


def test_rotation_moves_every_row_onto_the_new_key(credentials, settings, new_key, monkeypatch):
    monkeypatch.setattr(rotate_credential_keys, "BATCH_SIZE", 2)  # more rows than one batch
    for credential in credentials:
        with pytest.raises(InvalidToken):
            Fernet(new_key).decrypt(credential.secret_ciphertext.encode())

    out, err, error = run()

    assert error is None
    assert err == ""
    assert "Re-encrypted 3 credential(s); 0 already on the newest key; 0 unreadable." in out
    assert plaintexts_with_only(settings, new_key) == {
        "Alice A": SECRETS["alice-a"],
        "Alice B": SECRETS["alice-b"],
        "Bob A": SECRETS["bob-a"],
    }


def test_second_run_finds_everything_current_and_writes_nothing(credentials, new_key):
    run()
    before = list(Credential.objects.values_list("pk", "secret_ciphertext", "updated"))

    out, _, error = run()

    assert error is None
    assert "Re-encrypted 0 credential(s); 3 already on the newest key; 0 unreadable." in out
    assert list(Credential.objects.values_list("pk", "secret_ciphertext", "updated")) == before


def test_unreadable_row_is_named_others_are_rotated_and_the_command_fails(alice, bob, settings):
    lost_key, old_key, new_key = (Fernet.generate_key().decode() for _ in range(3))
    settings.CREDENTIAL_KEYS = [lost_key]
    lost = make_credential(bob, PROJECT_B, "bob-secret-under-lost-key", name="Bob lost")  # lowest pk: first
    settings.CREDENTIAL_KEYS = [old_key]
    kept = [make_credential(alice, PROJECT_A, SECRETS["alice-a"], name="Alice A")]
    kept.append(make_credential(bob, PROJECT_A, SECRETS["bob-a"], name="Bob A"))
    lost_ciphertext = lost.secret_ciphertext
    settings.CREDENTIAL_KEYS = [new_key, old_key]

    out, err, error = run()

    assert f"credential #{lost.pk} 'Bob lost' of user bob" in err
    assert "Alice A" not in err and "Bob A" not in err
    assert error is not None and "1 credential(s) listed above cannot be decrypted" in error
    assert "Re-encrypted 2 credential(s); 0 already on the newest key; 1 unreadable." in out
    assert Credential.objects.get(pk=lost.pk).secret_ciphertext == lost_ciphertext
    settings.CREDENTIAL_KEYS = [new_key]
    assert [Credential.objects.get(pk=c.pk).get_secret() for c in kept] == [SECRETS["alice-a"], SECRETS["bob-a"]]


def test_dry_run_reports_and_writes_nothing(credentials, settings, new_key):
    before = ciphertexts()

    out, _, error = run("--dry-run")

    assert error is None
    assert "Would re-encrypt 3 credential(s); 0 already on the newest key; 0 unreadable." in out
    assert "nothing was written" in out
    assert ciphertexts() == before
    settings.CREDENTIAL_KEYS = [new_key]
    with pytest.raises(crypto.SecretUnreadable):
        Credential.objects.first().get_secret()


def test_dry_run_also_fails_on_unreadable_rows(credentials, settings):
    settings.CREDENTIAL_KEYS = [Fernet.generate_key().decode()]  # the old key is gone
    before = ciphertexts()

    out, err, error = run("--dry-run")

    assert error is not None
    assert "Would re-encrypt 0 credential(s); 0 already on the newest key; 3 unreadable." in out
    assert all(f"credential #{credential.pk} '{credential.name}'" in err for credential in credentials)
    assert ciphertexts() == before


def test_a_secret_edited_after_the_row_was_listed_is_not_overwritten(credentials, settings, new_key, monkeypatch):
    listed, old_key = rotate_credential_keys.credential_ids, settings.CREDENTIAL_KEYS[1]

    def edit_each_row_once_listed(batch_size):
        for pk in listed(batch_size):
            # Someone else (e.g. a web process still configured with only the old key) enters a new secret.
            edited = Fernet(old_key).encrypt(f"edited-{pk}".encode()).decode()
            Credential.objects.filter(pk=pk).update(secret_ciphertext=edited)
            yield pk

    monkeypatch.setattr(rotate_credential_keys, "credential_ids", edit_each_row_once_listed)

    run()

    settings.CREDENTIAL_KEYS = [new_key]
    assert [c.get_secret() for c in Credential.objects.order_by("pk")] == [f"edited-{c.pk}" for c in credentials]


def test_a_row_deleted_after_it_was_listed_is_skipped(credentials, new_key, monkeypatch):
    listed = rotate_credential_keys.credential_ids

    def delete_first_row_once_listed(batch_size):
        for pk in listed(batch_size):
            if pk == credentials[0].pk:
                Credential.objects.filter(pk=pk).delete()
            yield pk

    monkeypatch.setattr(rotate_credential_keys, "credential_ids", delete_first_row_once_listed)

    out, _, error = run()

    assert error is None
    assert "Re-encrypted 2 credential(s)" in out
    assert "1 deleted while running" in out


def test_output_never_contains_secrets_or_ciphertext(bob, settings, credentials, new_key):
    keys = settings.CREDENTIAL_KEYS
    settings.CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    make_credential(bob, PROJECT_B, "bob-secret-under-lost-key", name="Bob lost")
    settings.CREDENTIAL_KEYS = keys
    before = ciphertexts()

    transcript = "".join(part or "" for part in (*run("--dry-run"), *run()))

    after = ciphertexts()
    assert after != before  # something was actually re-encrypted
    for text in [*SECRETS.values(), "bob-secret-under-lost-key", *before.values(), *after.values()]:
        assert text not in transcript
    assert "gAAAAA" not in transcript  # no Fernet token at all
