"""Access keys that cannot go in a header, and IAM names with control characters: refused when entered (form,
command, model), and a row stored before that validation gets a page saying what is wrong, never a 500."""

import io
import json
from html import unescape

import pytest
import responses
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from accounts.models import Credential
from jobs import failures
from modelarts import errors
from modelarts.auth import SignatureAuth
from simulator import seed
from simulator.seed import DEMO
from tests.conftest import PROJECT_A, make_credential, make_simulated_credential
from tests.test_view_credentials import aksk_form

pytestmark = pytest.mark.django_db

MALFORMED_KEYS = ["AKAK\r\nX-Injected: 1", "AKAK中文", "AKAK AKAK", "AKAK\tAKAK", "AKAK\x00"]
CONTROL_NAMES = ["acme\nadmin", "ac\rme", "ac\tme", "acme\x7f", "ac\u2028me"]  # inside: forms strip the ends
MALFORMED_TITLE = failures.FAILURES[errors.CredentialMalformed].title
DETAIL = f"/projects/{DEMO.project_id}/visualization-jobs/{seed.DEMO_RUNNING_JOB_ID}/"
LIST = f"/projects/{DEMO.project_id}/visualization-jobs/"


# Refused when entered


@pytest.mark.parametrize("access_key", MALFORMED_KEYS[:-1])  # Django's forms refuse NUL with words of their own
def test_the_form_refuses_an_access_key_that_cannot_go_in_a_header(alice_client, access_key):
    response = alice_client.post("/credentials/add/", aksk_form(access_key=access_key))

    assert response.status_code == 400
    assert "An access key has only printable ASCII characters" in unescape(response.content.decode())
    assert not Credential.objects.exists()


@pytest.mark.parametrize("field", ["iam_domain", "iam_user"])
@pytest.mark.parametrize("name", CONTROL_NAMES)
def test_the_form_refuses_iam_names_with_control_characters(alice_client, field, name):
    data = aksk_form(auth_kind="password", access_key="", iam_domain="acme", iam_user="alice-iam")

    response = alice_client.post("/credentials/add/", {**data, field: name})

    assert response.status_code == 400
    assert "control character" in response.content.decode()
    assert not Credential.objects.exists()


@pytest.mark.parametrize("name", ["财务部", "Jane Doe", "acme.cloud_1-2"])
def test_iam_names_may_have_spaces_and_any_script(alice, name):
    credential = Credential(
        owner=alice, name="x", region="cn-north-4", project_id=PROJECT_A, auth_kind="password", iam_domain=name
    )
    credential.iam_user = name
    credential.set_secret("pw")

    credential.full_clean()


@pytest.mark.parametrize("access_key", MALFORMED_KEYS)
def test_model_validation_refuses_the_access_key(alice, access_key):
    with pytest.raises(ValidationError) as refused:
        make_credential(alice, access_key=access_key)

    assert list(refused.value.message_dict) == ["access_key"]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        (["--access-key", "AKAK\r\nAKAK"], "access_key"),
        (["--access-key", "AKAK中文"], "access_key"),
        (["--access-key", "AKAK AKAK"], "access_key"),
        (["--iam-domain", "acme\nadmin", "--iam-user", "alice"], "iam_domain"),
        (["--iam-domain", "acme", "--iam-user", "alice\t"], "iam_user"),
    ],
)
def test_the_command_refuses_them(alice, monkeypatch, arguments, field):
    monkeypatch.setenv("MODELARTS_SECRET_KEY", "sk")
    monkeypatch.setenv("MODELARTS_PASSWORD", "pw")
    base = ["--user", "alice", "--name", "Vision", "--region", "cn-north-4", "--project-id", PROJECT_A]

    with pytest.raises(CommandError, match=f"{field}: .*(printable ASCII|control character)"):
        call_command("add_credential", *base, *arguments, stdout=io.StringIO(), stderr=io.StringIO())

    assert not Credential.objects.exists()


@pytest.mark.parametrize("access_key", MALFORMED_KEYS)
@responses.activate
def test_the_signer_refuses_before_anything_is_sent(access_key):
    with pytest.raises(errors.CredentialMalformed) as refused:
        SignatureAuth(access_key, "sk")

    assert access_key not in str(refused.value)
    assert len(responses.calls) == 0


# A row stored before the validation existed


@pytest.fixture
def stored_malformed(alice, simulator, request) -> Credential:
    """Alice's simulator credential, its access key then overwritten without validation (as old rows were)."""
    if "\x00" in request.param and connection.vendor == "postgresql":
        pytest.skip("PostgreSQL cannot store a NUL in text, so no such row can exist there")
    credential = make_simulated_credential(alice, simulator)
    Credential.objects.filter(pk=credential.pk).update(access_key=request.param)
    return credential


@pytest.fixture
def viewer(alice) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def assert_explains_the_malformed_key(response, status: int) -> str:
    text = unescape(response.content.decode())
    assert response.status_code == status
    assert MALFORMED_TITLE in text
    assert "Edit the credential" in text
    return text


malformed = pytest.mark.parametrize("stored_malformed", MALFORMED_KEYS, indirect=True)


@malformed
def test_detail_page(viewer, stored_malformed, simulator):
    response = viewer.get(DETAIL)

    text = assert_explains_the_malformed_key(response, 409)
    assert f'href="/credentials/{stored_malformed.pk}/edit/"' in text
    assert simulator.calls["detail"] == 0


@malformed
def test_list_page_refresh(viewer, stored_malformed, simulator):
    response = viewer.get(LIST)

    text = assert_explains_the_malformed_key(response, 502)  # the list page: there is no list to show
    assert "There is no earlier list to show" in text
    assert simulator.calls["list"] == 0


@malformed
def test_refresh_now(viewer, stored_malformed):
    response = viewer.post(f"{LIST}refresh/", follow=True)

    assert_explains_the_malformed_key(response, 502)  # back on the list page, which has no list to show
    assert "The last refresh failed" in unescape(response.content.decode())  # queued, run, shown on the list


@malformed
def test_test_connection(viewer, stored_malformed):
    response = viewer.post(f"/credentials/{stored_malformed.pk}/test/", follow=True)

    assert_explains_the_malformed_key(response, 200)
    stored_malformed.refresh_from_db()
    assert stored_malformed.last_check_ok is False


@malformed
def test_api_detail_answers_json(viewer, stored_malformed):
    response = viewer.get(f"/api/projects/{DEMO.project_id}/visualization-jobs/{seed.DEMO_RUNNING_JOB_ID}")

    assert response.status_code == 409
    error = json.loads(response.content)["error"]
    assert error["code"] == "credential_malformed"
    assert error["title"] == MALFORMED_TITLE
    assert "Edit the credential" in error["advice"]


@malformed
def test_api_list_answers_json(viewer, stored_malformed):
    response = viewer.get(f"/api/projects/{DEMO.project_id}/visualization-jobs")

    assert response.status_code == 502
    error = json.loads(response.content)["error"]
    assert error["code"] == "list_unavailable"
    assert error["title"] == MALFORMED_TITLE


@malformed
def test_refresh_command(stored_malformed):
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 1 refresh"):
        call_command("refresh_job_lists", stdout=out)

    assert "FAILED after 0 call(s)" in out.getvalue()  # nothing was sent
    assert MALFORMED_TITLE in out.getvalue()


@malformed
def test_another_user_still_gets_404(bob_client, stored_malformed):
    assert bob_client.get(DETAIL).status_code == 404
    assert bob_client.post(f"/credentials/{stored_malformed.pk}/test/").status_code == 404
