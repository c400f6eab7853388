"""Each user's job lookups that reach ModelArts are limited (a token bucket in the shared cache): beyond the
burst, the detail page and the JSON API answer 429 with when to try again; cached details do not count."""

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import ApiToken
from jobs import lookup_limit
from simulator.seed import DEMO, DEMO_RUNNING_JOB_ID
from tests.conftest import make_job, make_simulated_credential, store_list

pytestmark = pytest.mark.django_db

PAGE = f"/projects/{DEMO.project_id}/visualization-jobs/"
API = f"/api/projects/{DEMO.project_id}/visualization-jobs/"
UNKNOWN_IDS = range(1, 101)  # ModelArts is asked about each, and answers 404


@pytest.fixture
def token_client(alice) -> Client:
    _, plaintext = ApiToken.issue(alice, "a script")
    return Client(headers={"Authorization": f"Bearer {plaintext}"})


def test_a_hundred_api_lookups_of_different_ids_cost_at_most_the_burst(
    token_client, simulated_credential, simulator, clock
):
    statuses = [token_client.get(f"{API}{job_id}").status_code for job_id in UNKNOWN_IDS]

    assert statuses == [404] * 30 + [429] * 70  # DETAIL_LOOKUP_BURST lookups, then none
    assert simulator.calls["detail"] == 30


def test_the_api_says_rate_limited_in_json_with_retry_after(
    token_client, simulated_credential, simulator, clock, settings
):
    settings.DETAIL_LOOKUP_BURST = 2
    settings.DETAIL_LOOKUP_RATE = 6  # a token every 10 s
    for job_id in (1, 2):
        token_client.get(f"{API}{job_id}")

    response = token_client.get(f"{API}3")

    assert response.status_code == 429
    assert response["Retry-After"] == "10"
    assert response.json() == {
        "error": {
            "code": "rate_limited",
            "message": "Too many lookups of jobs that were not cached: ModelArts is not asked for more of yours "
            "just now. Try again in 10 seconds.",
            "retry_after": 10,
        }
    }
    assert "no-store" in response["Cache-Control"]


def test_the_page_answers_429_saying_when_to_try_again(alice_client, simulated_credential, simulator, clock, settings):
    settings.DETAIL_LOOKUP_BURST = 1
    settings.DETAIL_LOOKUP_RATE = 2  # a token every 30 s
    alice_client.get(f"{PAGE}1/")

    response = alice_client.get(f"{PAGE}2/")

    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert "<title>Too many job lookups" in html
    assert "Try again in 30 seconds." in html
    assert f'href="/projects/{DEMO.project_id}/visualization-jobs/2/">Try again</a>' in html
    assert "<h1>Job 2</h1>" in html
    assert 'id="live"' not in html  # a page refreshing itself keeps what it shows, and slows down
    assert simulator.calls["detail"] == 1


def test_details_served_from_the_cache_cost_no_token(token_client, simulated_credential, simulator, clock, settings):
    settings.DETAIL_LOOKUP_BURST = 3
    statuses = [token_client.get(f"{API}{DEMO_RUNNING_JOB_ID}").status_code for _ in range(50)]
    statuses += [token_client.get(f"{API}{job_id}").status_code for job_id in (1, 2, 3)]

    assert statuses == [200] * 50 + [404, 404, 429]  # the cached job took one token of three
    assert simulator.calls["detail"] == 3


def test_the_bucket_refills_at_the_rate(token_client, simulated_credential, simulator, clock, settings):
    settings.DETAIL_LOOKUP_BURST = 2
    settings.DETAIL_LOOKUP_RATE = 6
    assert [token_client.get(f"{API}{job_id}").status_code for job_id in (1, 2, 3)] == [404, 404, 429]

    clock.now += 10  # one token back
    assert [token_client.get(f"{API}{job_id}").status_code for job_id in (4, 5)] == [404, 429]

    clock.now += 3600  # never more than the burst
    assert [token_client.get(f"{API}{job_id}").status_code for job_id in (6, 7, 8)] == [404, 404, 429]


def test_each_user_has_a_bucket_of_their_own(
    alice_client, bob_client, bob, simulated_credential, simulator, clock, settings
):
    settings.DETAIL_LOOKUP_BURST = 1
    make_simulated_credential(bob, simulator)

    assert alice_client.get(f"{PAGE}{DEMO_RUNNING_JOB_ID}/").status_code == 200
    assert alice_client.get(f"{PAGE}2/").status_code == 429
    assert bob_client.get(f"{PAGE}2/").status_code == 404  # asked ModelArts: no such job


def test_another_users_project_is_404_and_costs_nothing(bob_client, simulated_credential, simulator, clock):
    for path in (f"{PAGE}1/", f"{API}1"):
        assert bob_client.get(path).status_code == 404
    assert simulator.calls["detail"] == 0
    assert cache.get(f"detail-lookups:{simulated_credential.owner_id}") is None


def test_a_lookup_that_cannot_get_the_buckets_lock_is_told_to_try_again_in_a_second(simulated_credential, clock):
    """A holder that died leaves the lock for at most a second; going ahead without a token meanwhile would let
    any number of simultaneous lookups through."""
    cache.add(f"detail-lookups:{simulated_credential.owner_id}:lock", "a dead holder", 60)

    with pytest.raises(lookup_limit.LookupRateLimited) as limited:
        lookup_limit.take_detail_lookup(simulated_credential.owner_id)

    assert limited.value.retry_after == 1
    assert clock.now >= 1_000_000.0 + lookup_limit.LOOKUP_LOCK_SECONDS  # it waited for the lock first


def test_polling_jobs_in_the_cached_list_costs_no_token(
    alice_client, token_client, simulated_credential, simulator, clock, settings
):
    """A running job's page polls every 5 s, past the short detail cache: six open tabs are no enumeration."""
    settings.DETAIL_LOOKUP_BURST = 2
    settings.DETAIL_CACHE_SECONDS = 0  # every poll asks ModelArts
    store_list(simulated_credential, [make_job(DEMO_RUNNING_JOB_ID)])

    polls = [alice_client.get(f"{PAGE}{DEMO_RUNNING_JOB_ID}/").status_code for _ in range(30)]
    polls += [token_client.get(f"{API}{DEMO_RUNNING_JOB_ID}").status_code for _ in range(30)]
    made_up = [token_client.get(f"{API}{job_id}").status_code for job_id in (1, 2, 3)]

    assert polls == [200] * 60
    assert made_up == [404, 404, 429]  # ids missing from the list still cost a token each
    assert simulator.calls["detail"] == 62
