"""The named queries through which requests reach credentials and cached rows: only the user's own."""

import pytest

from accounts.models import Credential
from jobs.models import CachedJob
from tests.conftest import PROJECT_A, PROJECT_B, make_credential, make_job, store_list

pytestmark = pytest.mark.django_db


def test_for_user_is_the_users_own_credentials(alice, bob, alice_credential):
    bobs = make_credential(bob, project_id=PROJECT_B)
    also_alices = make_credential(alice, project_id=PROJECT_B, name="second")

    assert set(Credential.objects.for_user(alice)) == {alice_credential, also_alices}
    assert list(Credential.objects.for_user(bob)) == [bobs]


def test_for_project_finds_only_the_users_own(alice, bob, alice_credential):
    assert Credential.objects.for_project(alice, PROJECT_A) == alice_credential
    assert Credential.objects.for_project(bob, PROJECT_A) is None
    assert Credential.objects.for_project(alice, PROJECT_B) is None


def test_cached_rows_for_a_user_and_for_a_job(alice, bob, alice_credential):
    bobs = make_credential(bob)
    store_list(alice_credential, [make_job(1), make_job(2)])
    store_list(bobs, [make_job(1)])

    assert {row.credential_id for row in CachedJob.objects.for_user(alice)} == {alice_credential.pk}
    assert CachedJob.objects.for_user(alice).count() == 2
    assert [row.credential_id for row in CachedJob.objects.for_job(bobs, 1)] == [bobs.pk]
    assert not CachedJob.objects.for_job(bobs, 2).exists()
