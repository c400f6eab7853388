"""An IAM token is used only by requests that hold the password that earned it, on every shared cache the
dashboard runs with, and it sits in no cache readable.

Two users store the same IAM domain, user and project: alice with the right password, bob with a wrong one.
Whatever alice's requests left in the shared cache, bob's requests go to IAM and fail.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from accounts.models import Credential
from simulator import seed
from simulator.seed import DEMO
from tests.conftest import cache_contents, make_simulated_iam_credential, redis_answers

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/2"  # a database of its own: the tests clear it
JOB = seed.DEMO_RUNNING_JOB_ID
WRONG_PASSWORD = "a-guess-at-the-password"


BACKENDS = {
    "local memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "isolation"},
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "isolation_cache"},
    "redis": {"BACKEND": "dashboard.cache.RedisCache", "LOCATION": REDIS_URL},
}


@pytest.fixture(params=list(BACKENDS))
def shared_cache(request, settings):
    """The default cache replaced by each real backend (the database's table made, Redis emptied)."""
    if request.param == "redis" and not redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    settings.CACHES = {**settings.CACHES, "default": BACKENDS[request.param]}
    if request.param == "database":
        call_command("createcachetable", verbosity=0)
    cache.clear()
    yield request.param
    cache.clear()


def detail(client, credential):
    return client.get(f"/projects/{credential.project_id}/visualization-jobs/{JOB}/")


@pytest.fixture
def alice_has_a_token(alice, alice_client, simulator, shared_cache):
    credential = make_simulated_iam_credential(alice, simulator)
    response = detail(alice_client, credential)
    assert response.status_code == 200
    assert simulator.calls["token"] == 1
    credential.job_seen = response.context["job"]
    return credential


def test_a_wrong_password_gets_the_iam_error_on_every_page_and_the_api(alice_has_a_token, bob, bob_client, simulator):
    credential = make_simulated_iam_credential(bob, simulator, secret=WRONG_PASSWORD)
    base = f"/projects/{credential.project_id}/visualization-jobs/"

    page = detail(bob_client, credential)
    listing = bob_client.get(base)
    api_detail = bob_client.get(f"/api{base}{JOB}")
    api_list = bob_client.get(f"/api{base}")
    tested = bob_client.post(f"/credentials/{credential.pk}/test/", follow=True)

    assert page.status_code == 502 and "IAM refused to issue a token" in page.content.decode()
    assert page.context["job"] is None
    assert alice_has_a_token.job_seen.service_url not in page.content.decode()
    assert listing.status_code == 502 and not listing.context["page"]
    assert api_detail.status_code == 502 and "job_name" not in api_detail.json()
    assert api_list.status_code == 502 and "jobs" not in api_list.json()
    assert "IAM refused to issue a token" in tested.content.decode()
    credential.refresh_from_db()
    assert credential.last_check_ok is False
    assert simulator.calls["token"] >= 3  # bob's requests asked IAM, which refused them


def test_the_wrong_password_still_fails_after_the_right_one_is_deleted(alice_has_a_token, bob, bob_client, simulator):
    alice_has_a_token.delete()
    credential = make_simulated_iam_credential(bob, simulator, secret=WRONG_PASSWORD)

    assert detail(bob_client, credential).status_code == 502


def test_replacing_the_password_ends_the_old_token_at_once(alice_has_a_token, alice_client, simulator):
    credential = alice_has_a_token
    credential.set_secret(WRONG_PASSWORD)
    credential.save()

    response = detail(alice_client, credential)  # within the detail cache's lifetime, too

    assert response.status_code == 502
    assert simulator.calls["token"] == 2


def test_deleting_the_credential_drops_its_token(alice_has_a_token, alice, bob, bob_client, simulator):
    alice_has_a_token.delete()
    again = make_simulated_iam_credential(bob, simulator)  # the right password: a token of its own

    assert detail(bob_client, again).status_code == 200
    assert simulator.calls["token"] == 2


def test_changing_the_identity_alone_drops_the_token(alice_has_a_token, alice_client, simulator):
    credential = Credential.objects.get(pk=alice_has_a_token.pk)
    credential.iam_user = "someone-else"
    credential.save()

    assert detail(alice_client, credential).status_code == 502  # IAM knows no such user with that password


def test_the_same_password_shares_one_token(alice_has_a_token, bob, bob_client, simulator):
    """Sharing is right when the password is the same: both hold the secret, and IAM is asked once."""
    credential = make_simulated_iam_credential(bob, simulator)

    assert detail(bob_client, credential).status_code == 200
    assert simulator.calls["token"] == 1


def test_no_token_or_password_is_readable_in_the_cache(alice_has_a_token, simulator):
    (token,) = simulator.issued_tokens()
    stored = cache_contents()

    assert stored  # the token is in there, encrypted
    for secret in (token, DEMO.password):
        assert secret.encode() not in stored
