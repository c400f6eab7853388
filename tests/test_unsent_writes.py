"""Which failures of a write prove that it never left (``ModelArtsError.unsent``), and so that ModelArts cannot
have acted on it: no connection made, or no IAM token to send it with. After any other failure the write may
have been carried out (jobs.actions.may_have_acted), and the "New job" form is not sent again."""

import pytest

from jobs import actions, clients
from modelarts import errors
from simulator.seed import DEMO_RUNNING_JOB_ID
from tests.conftest import make_simulated_credential, make_simulated_iam_credential

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick(settings):
    settings.MODELARTS_RETRIES = 0
    settings.MODELARTS_READ_TIMEOUT = 0.3


def stop_fails(credential) -> errors.ModelArtsError:
    with pytest.raises(errors.ModelArtsError) as failure:
        clients.client_for(credential).stop(DEMO_RUNNING_JOB_ID)
    return failure.value


def test_a_refused_connection_sent_nothing(alice, simulator, unused_port):
    closed = f"http://127.0.0.1:{unused_port}"
    error = stop_fails(make_simulated_credential(alice, simulator, modelarts_endpoint=closed))

    assert isinstance(error, errors.ConnectionFailed) and error.unsent
    assert not actions.may_have_acted(error)


def test_a_connection_closed_without_an_answer_may_have_carried_the_write(alice, simulator):
    simulator.add_fault("reset", route="stop")

    error = stop_fails(make_simulated_credential(alice, simulator))

    assert isinstance(error, errors.ConnectionFailed) and not error.unsent
    assert actions.may_have_acted(error)
    assert simulator.calls["stop"] == 1


@pytest.mark.parametrize("kind", ["timeout", "http_500", "malformed_json"])
def test_a_lost_or_unreadable_answer_may_hide_an_accepted_write(alice, simulator, kind):
    simulator.add_fault(kind, route="stop", delay_ms=600)

    error = stop_fails(make_simulated_credential(alice, simulator))

    assert not error.unsent and actions.may_have_acted(error)


def test_without_an_iam_token_the_write_never_left(alice, simulator):
    simulator.add_fault("timeout", route="token", delay_ms=600)

    error = stop_fails(make_simulated_iam_credential(alice, simulator))

    assert isinstance(error, errors.UpstreamTimeout) and error.unsent
    assert not actions.may_have_acted(error)
    assert simulator.calls["stop"] == 0


def test_a_refusal_did_nothing(alice, simulator):
    simulator.add_fault("rate_limit", route="stop")

    error = stop_fails(make_simulated_credential(alice, simulator))

    assert isinstance(error, errors.Busy) and not actions.may_have_acted(error)
