"""Encryption of stored secrets (secret keys, IAM passwords) with dedicated keys, not SECRET_KEY.

CREDENTIAL_KEYS lists Fernet keys newest first: new secrets are encrypted with the first, and any of them
can decrypt, so keys can be rotated without losing what is stored.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretUnreadable(Exception):
    """A stored secret that no configured key can decrypt (a key was dropped too early, or data damaged)."""


class SecretMissing(SecretUnreadable):
    """No secret is stored: it was cleared when an administrator changed where the credential's requests go,
    so that it is never sent to a host its owner did not choose. The owner enters it again."""


def validate_keys(keys: list[str]) -> None:
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"CREDENTIAL_KEYS entry {position} is not a Fernet key (32 url-safe base64-encoded bytes)."
            ) from exc


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.CREDENTIAL_KEYS])


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str, what: str) -> str:
    """Decrypt or raise SecretUnreadable naming ``what``; never return ciphertext or an empty string."""
    try:
        plaintext = _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise SecretUnreadable(
            f"The stored secret of {what} cannot be decrypted with any key in CREDENTIAL_KEYS. "
            "Restore the key it was encrypted with, or enter the secret again."
        ) from exc
    if not plaintext:
        raise SecretUnreadable(f"The stored secret of {what} is empty; enter the secret again.")
    return plaintext


def is_current(token: str) -> bool:
    """Whether ``token`` is encrypted with the newest key (the first in CREDENTIAL_KEYS)."""
    try:
        Fernet(settings.CREDENTIAL_KEYS[0]).decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return False
    return True


def rotate(token: str) -> str:
    """``token`` re-encrypted with the newest key, or SecretUnreadable when no configured key decrypts it."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as exc:
        raise SecretUnreadable(
            "A stored secret cannot be decrypted with any key in CREDENTIAL_KEYS. "
            "Restore the key it was encrypted with, or enter the secret again."
        ) from exc


class EncryptedStore:
    """A cache whose values are encrypted with the credential keys, for what must not sit readable in a
    shared cache (IAM tokens: a token is as good as the password for a day). A value no configured key
    can decrypt any more, after a key was retired, reads as missing, so it is simply fetched again."""

    def __init__(self, cache):
        self.cache = cache

    def get(self, key: str) -> str | None:
        ciphertext = self.cache.get(key)
        if ciphertext is None:
            return None
        try:
            return decrypt(ciphertext, "a cached value")
        except SecretUnreadable:
            return None

    def set(self, key: str, value: str, timeout: float) -> None:
        self.cache.set(key, encrypt(value), timeout)

    def delete(self, key: str) -> None:
        self.cache.delete(key)
