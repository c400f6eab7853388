"""Certificates of ModelArts and IAM endpoints are always verified: an endpoint whose certificate no trusted
CA vouches for is refused with a connection error that says so, and REQUESTS_CA_BUNDLE (a private CA, as
Huawei Cloud Stack endpoints use) is how a deployment trusts it; nothing turns verification off."""

import pytest

from jobs.clients import check_connection, client_for
from modelarts import errors
from tests.conftest import make_simulated_credential, make_simulated_iam_credential
from tests.tls import https_simulator, without_outbound_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(tmp_path, monkeypatch):
    """The simulator on https with a self-signed certificate, and that certificate's file."""
    without_outbound_settings(monkeypatch)
    with https_simulator(tmp_path) as (simulator, certificate):
        yield simulator, certificate


def test_a_certificate_no_trusted_ca_signed_is_refused(alice, endpoint):
    simulator, _ = endpoint
    credential = make_simulated_credential(alice, simulator)
    with pytest.raises(errors.ConnectionFailed, match="certificate is not trusted .*self-signed certificate"):
        client_for(credential).list_visualization_jobs(page=1, per_page=1)
    assert sum(simulator.calls.values()) == 0


def test_the_connection_test_explains_the_refusal(alice, endpoint):
    simulator, _ = endpoint
    credential = make_simulated_credential(alice, simulator)
    failure = check_connection(credential)
    assert failure is not None
    assert failure.kind == "ConnectionFailed"
    assert "certificate is not trusted" in failure.message


def test_requests_ca_bundle_trusts_a_private_ca(alice, endpoint, monkeypatch):
    simulator, certificate = endpoint
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate))
    credential = make_simulated_credential(alice, simulator)
    jobs = client_for(credential).list_visualization_jobs(page=1, per_page=1)
    assert len(jobs.jobs) == 1


def test_iam_token_requests_trust_the_same_bundle(alice, endpoint, monkeypatch):
    simulator, certificate = endpoint
    credential = make_simulated_iam_credential(alice, simulator)
    with pytest.raises(errors.ConnectionFailed, match="certificate is not trusted"):
        client_for(credential).list_visualization_jobs(page=1, per_page=1)
    assert sum(simulator.calls.values()) == 0  # not even the token request (which carries the password)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate))
    assert len(client_for(credential).list_visualization_jobs(page=1, per_page=1).jobs) == 1


@pytest.mark.parametrize(
    ("setting", "refusal"),
    [("", "certificate is not trusted"), ("0", "cannot be read"), ("false", "cannot be read")],
)
def test_no_bundle_setting_turns_verification_off(alice, endpoint, monkeypatch, setting, refusal):
    """requests reads REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE as file names: an empty one means the default CAs,
    a "false" one a file that is not there, which is refused rather than taken as "do not verify"."""
    simulator, _ = endpoint
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", setting)
    monkeypatch.setenv("CURL_CA_BUNDLE", setting)
    credential = make_simulated_credential(alice, simulator)
    with pytest.raises(errors.ConnectionFailed, match=refusal):
        client_for(credential).list_visualization_jobs(page=1, per_page=1)
    assert sum(simulator.calls.values()) == 0
