"""IAM is not a password-guessing oracle: after IAM_REFUSALS_BEFORE_PAUSE refusals for one IAM user within
IAM_REFUSAL_PAUSE_MINUTES, whoever asked and with whatever password, the dashboard stops asking IAM for that
user until the pause is over, and says so. Guesses through the dashboard stay below IAM's own lockout.
"""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import responses
from django.core.cache import cache

from jobs import failures
from modelarts import errors
from modelarts.auth import IamTokenAuth
from modelarts.http import Timeouts
from simulator.seed import DEMO, DEMO_RUNNING_JOB_ID, OTHER
from tests.conftest import DictStore, cache_contents, make_simulated_iam_credential

IAM = "https://iam.cn-north-4.myhuaweicloud.com"
TOKENS = f"{IAM}/v3/auth/tokens"
PROJECT = "0123456789abcdef0123456789abcdef"
START = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
REFUSED = {"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def iam_clock() -> Clock:
    return Clock()


@pytest.fixture
def store() -> DictStore:
    return DictStore()


@pytest.fixture
def auth(store, iam_clock):
    """IamTokenAuth for this store and clock; each call is another request, with any password or user."""

    def make(password="a-guess", user_name="alice", project_id=PROJECT) -> IamTokenAuth:
        return IamTokenAuth(
            iam_endpoint=IAM,
            domain_name="acme",
            user_name=user_name,
            password=password,
            project_id=project_id,
            store=store,
            binding_key=b"binding-key",
            timeouts=Timeouts(1, 1),
            user_agent="test-agent",
            clock=iam_clock,
        )

    return make


def token_requests() -> int:
    return len([call for call in responses.calls if call.request.url == TOKENS])


def refuse_passwords(auth, count: int, **identity) -> None:
    for guess in range(count):
        with pytest.raises(errors.AuthenticationFailed, match="username or password is wrong"):
            auth(password=f"guess-{guess}", **identity).token()


@responses.activate
def test_five_refusals_pause_asking_iam_for_that_user(auth, iam_clock):
    responses.post(TOKENS, status=401, json=REFUSED)
    refuse_passwords(auth, 5)
    iam_clock.now += timedelta(minutes=3)

    with pytest.raises(errors.IamRefusalPause) as paused:
        auth(password="the-sixth-guess").token()

    assert token_requests() == 5  # the sixth never reached IAM
    assert str(paused.value) == (
        "IAM refused the password for this IAM user 5 times in the last 15 minutes. So that IAM does not lock "
        "the user, the dashboard will not ask IAM for a token for it before 2026-11-26 12:15:00 UTC (in 12 min)."
    )
    assert paused.value.resume_at == START + timedelta(minutes=15)
    assert isinstance(paused.value, errors.AuthenticationFailed)
    assert failures.explain(paused.value).status == 503


@responses.activate
def test_the_count_is_per_iam_user_whatever_the_password_or_project(auth):
    responses.post(TOKENS, status=401, json=REFUSED)
    refuse_passwords(auth, 4)
    with pytest.raises(errors.AuthenticationFailed):
        auth(password="guess-for-another-project", project_id="f" * 32).token()

    with pytest.raises(errors.IamRefusalPause):
        auth(password="the-right-one-maybe").token()
    refuse_passwords(auth, 1, user_name="carol")  # another IAM user is still asked

    assert token_requests() == 6


@responses.activate
def test_spellings_of_one_name_in_other_cases_share_the_count(auth):
    responses.post(TOKENS, status=401, json=REFUSED)
    for user_name in ("alice", "Alice", "ALICE", "aLice", "alicE"):
        refuse_passwords(auth, 1, user_name=user_name)

    with pytest.raises(errors.IamRefusalPause):
        auth(user_name="ALice").token()


@responses.activate
def test_iam_is_asked_again_once_the_oldest_refusal_is_a_pause_ago(auth, iam_clock):
    responses.post(TOKENS, status=401, json=REFUSED)
    refuse_passwords(auth, 1)
    iam_clock.now += timedelta(minutes=10)
    refuse_passwords(auth, 4)

    iam_clock.now = START + timedelta(minutes=15, seconds=1)  # the first refusal no longer counts
    refuse_passwords(auth, 1)
    with pytest.raises(errors.IamRefusalPause, match=r"before 2026-11-26 12:25:00 UTC \(in 10 min\)"):
        auth().token()  # never more than five refusals in any fifteen minutes

    assert token_requests() == 6


@responses.activate
def test_a_token_already_earned_is_used_during_the_pause(auth):
    responses.post(TOKENS, status=201, headers={"X-Subject-Token": "tok-right"}, json=token_answer())
    assert auth(password="the-right-one").token() == "tok-right"
    responses.replace(responses.POST, TOKENS, status=401, json=REFUSED)
    refuse_passwords(auth, 5)

    assert auth(password="the-right-one").token() == "tok-right"
    with pytest.raises(errors.IamRefusalPause):
        auth(password="another-guess").token()


@responses.activate
def test_a_success_does_not_reset_the_count(auth, store):
    """Else a guesser could interleave with the owner's own logins and never be paused."""
    responses.post(TOKENS, status=401, json=REFUSED)
    refuse_passwords(auth, 4)
    responses.replace(responses.POST, TOKENS, status=201, headers={"X-Subject-Token": "tok"}, json=token_answer())
    auth(password="the-right-one").token()
    responses.replace(responses.POST, TOKENS, status=401, json=REFUSED)
    refuse_passwords(auth, 1)

    with pytest.raises(errors.IamRefusalPause):
        auth(password="one-more-guess").token()


@pytest.mark.parametrize("status", [400, 403, 500])
@responses.activate
def test_only_refused_passwords_count(auth, status):
    responses.post(TOKENS, status=status, json={"error": {"code": status, "message": "something else"}})
    for _ in range(6):
        with pytest.raises(errors.ModelArtsError) as raised:
            auth().token()
        assert not isinstance(raised.value, errors.IamRefusalPause)

    assert token_requests() == 6


@responses.activate
def test_the_stored_count_names_no_user_and_no_password(auth, store):
    responses.post(TOKENS, status=401, json=REFUSED)
    refuse_passwords(auth, 2)

    (key,) = store.values
    assert key == auth(password="anything").refusals_key  # one count for every password
    assert key != auth(user_name="carol").refusals_key
    stored = key + store.values[key]
    for unkeyed in ("acme", "alice", "guess-0", hashlib.sha256(b"alice").hexdigest()):
        assert unkeyed not in stored


def token_answer() -> dict:
    return {"token": {"expires_at": (START + timedelta(hours=24)).isoformat()}}


# Through the dashboard: bob guessing alice's IAM password with "Test connection"


def message_after_testing(client, credential) -> str:
    response = client.post(f"/credentials/{credential.pk}/test/", follow=True)
    return str(list(response.context["messages"])[-1])


@pytest.mark.django_db
def test_guessing_a_password_with_test_connection_stops_after_five(alice, alice_client, bob, bob_client, simulator):
    alice_credential = make_simulated_iam_credential(alice, simulator)
    detail = f"/projects/{DEMO.project_id}/visualization-jobs/{DEMO_RUNNING_JOB_ID}/"
    assert alice_client.get(detail).status_code == 200  # alice holds a token
    answers = []
    for guess in range(6):
        guessing = make_simulated_iam_credential(bob, simulator, secret=f"guess-{guess}")
        answers.append(message_after_testing(bob_client, guessing))
        guessing.delete()

    assert all("IAM refused to issue a token" in answer for answer in answers[:5])
    assert answers[5].startswith(
        "“bob's project”: The dashboard paused asking IAM for a token for this IAM user. "
        "IAM refused the password for this IAM user 5 times in the last 15 minutes."
    )
    assert "UTC (in 15 min)" in answers[5]
    assert simulator.calls["token"] == 1 + 5  # alice's token, and five guesses
    assert alice_client.get(detail).status_code == 200  # her token still works
    cache.delete(f"job-detail:{alice_credential.pk}:{alice_credential.auth_version}:{DEMO_RUNNING_JOB_ID}")
    assert alice_client.get(detail).status_code == 200
    other = make_simulated_iam_credential(bob, simulator, tenant=OTHER)
    assert "connected to ModelArts" in message_after_testing(bob_client, other)  # another IAM user is asked


@pytest.mark.django_db
def test_the_settings_set_the_count_and_the_pause(bob, bob_client, simulator, settings):
    settings.IAM_REFUSALS_BEFORE_PAUSE = 2
    settings.IAM_REFUSAL_PAUSE_MINUTES = 60
    guessing = make_simulated_iam_credential(bob, simulator, secret="a-guess")

    answers = [message_after_testing(bob_client, guessing) for _ in range(3)]

    assert "IAM refused the password for this IAM user 2 times in the last 60 minutes" in answers[2]
    assert "(in 60 min)" in answers[2]
    assert simulator.calls["token"] == 2
    stored = cache_contents()
    for name in (DEMO.domain_name, DEMO.user_name):
        assert name.encode() not in stored


@pytest.mark.django_db
def test_pages_and_the_api_say_the_pause_too(bob, bob_client, simulator, settings):
    settings.IAM_REFUSALS_BEFORE_PAUSE = 1
    guessing = make_simulated_iam_credential(bob, simulator, secret="a-guess")
    message_after_testing(bob_client, guessing)
    path = f"/projects/{DEMO.project_id}/visualization-jobs/{DEMO_RUNNING_JOB_ID}"

    page = bob_client.get(f"{path}/")
    api = bob_client.get(f"/api{path}")

    assert page.status_code == 503
    assert "The dashboard paused asking IAM for a token for this IAM user." in page.content.decode()
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "iam_refusal_pause"
    assert "IAM refused the password for this IAM user once in the last 15 minutes" in api.json()["error"]["message"]
    assert simulator.calls["token"] == 1
