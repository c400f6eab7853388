"""Replacing or deleting a credential (or its owner) works while the shared cache is down: dropping the
credential's IAM token is a second line of defence, so its failure is logged, not a 500."""

import logging

import pytest
import redis
from django.core.cache.backends.locmem import LocMemCache

from accounts.models import Credential
from tests.conftest import make_credential

pytestmark = pytest.mark.django_db

PASSWORD = "iam-PASSWORD-of-alice"


class DeleteFails(LocMemCache):
    """A cache that answers reads and writes but fails to delete, as Redis does when it goes away."""

    def delete(self, key, version=None):
        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": f"{__name__}.DeleteFails", "LOCATION": "down"}}


@pytest.fixture
def iam_credential(alice) -> Credential:
    fields = {"auth_kind": Credential.AuthKind.PASSWORD, "access_key": "", "iam_domain": "acme", "iam_user": "alice"}
    return make_credential(alice, secret=PASSWORD, **fields)


def test_deleting_a_credential_works_and_the_failure_is_logged(alice_client, iam_credential, cache_down, caplog):
    caplog.set_level(logging.WARNING, logger="jobs.signals")

    response = alice_client.post(f"/credentials/{iam_credential.pk}/delete/")

    assert response.status_code == 302
    assert not Credential.objects.filter(pk=iam_credential.pk).exists()
    assert caplog.messages == [
        f"Could not drop the cached IAM token of credential {iam_credential.pk} (ConnectionError); "
        "it expires by itself."
    ]
    assert PASSWORD not in caplog.text


def test_deleting_the_owner_deletes_their_credentials(alice, iam_credential, cache_down):
    alice.delete()

    assert not Credential.objects.filter(pk=iam_credential.pk).exists()


def test_replacing_the_password_is_saved(iam_credential, cache_down):
    iam_credential.set_secret("a-new-password")
    iam_credential.save()

    assert Credential.objects.get(pk=iam_credential.pk).get_secret() == "a-new-password"
