"""python manage.py add_credential: secrets from the environment or stdin, never the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Credential
from tests.conftest import PROJECT_A

pytestmark = pytest.mark.django_db


def add(*arguments, stdin="", monkeypatch=None):
    out = io.StringIO()
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("add_credential", *arguments, stdout=out, stderr=io.StringIO())
    return out.getvalue()


BASE = ["--user", "alice", "--name", "Vision", "--region", "cn-north-4", "--project-id", PROJECT_A]


def test_aksk_secret_from_environment(alice, monkeypatch):
    monkeypatch.setenv("MODELARTS_SECRET_KEY", "sk-from-env")

    output = add(*BASE, "--access-key", "AKENV000000000000000")

    credential = Credential.objects.get(owner=alice)
    assert (credential.auth_kind, credential.access_key) == ("aksk", "AKENV000000000000000")
    assert credential.get_secret() == "sk-from-env"
    assert "Created credential" in output
    assert "sk-from-env" not in output


def test_aksk_secret_from_stdin(alice, monkeypatch):
    monkeypatch.delenv("MODELARTS_SECRET_KEY", raising=False)

    add(*BASE, "--access-key", "AKSTDIN0000000000000", stdin="sk-from-stdin\n", monkeypatch=monkeypatch)

    assert Credential.objects.get(owner=alice).get_secret() == "sk-from-stdin"


def test_iam_password_credential(alice, monkeypatch):
    monkeypatch.setenv("MODELARTS_PASSWORD", "iam-pw")

    add(*BASE, "--iam-domain", "acme", "--iam-user", "alice-iam")

    credential = Credential.objects.get(owner=alice)
    assert (credential.auth_kind, credential.iam_domain, credential.iam_user) == ("password", "acme", "alice-iam")
    assert credential.get_secret() == "iam-pw"


def test_existing_credential_for_user_and_project_is_updated(alice, monkeypatch):
    monkeypatch.setenv("MODELARTS_SECRET_KEY", "first")
    add(*BASE, "--access-key", "AKFIRST0000000000000")
    monkeypatch.setenv("MODELARTS_SECRET_KEY", "second")

    output = add(*BASE[:3], "Renamed", *BASE[4:], "--access-key", "AKSECOND000000000000")

    credential = Credential.objects.get(owner=alice)
    assert (credential.name, credential.access_key, credential.get_secret()) == (
        "Renamed",
        "AKSECOND000000000000",
        "second",
    )
    assert "Updated credential" in output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--user": "nobody"}, "No user named 'nobody'"),
        ({"--project-id": "xyz"}, "32 hexadecimal characters"),
        ({"--region": "mars-1"}, "Unknown region 'mars-1'"),
    ],
)
def test_clear_errors(alice, monkeypatch, change, message):
    monkeypatch.setenv("MODELARTS_SECRET_KEY", "sk")
    arguments = list(BASE)
    for option, value in change.items():
        arguments[arguments.index(option) + 1] = value

    with pytest.raises(CommandError, match=message):
        add(*arguments, "--access-key", "AK")

    assert not Credential.objects.exists()


def test_empty_secret_is_refused(alice, monkeypatch):
    monkeypatch.delenv("MODELARTS_SECRET_KEY", raising=False)

    with pytest.raises(CommandError, match="No secret key given"):
        add(*BASE, "--access-key", "AK", stdin="\n", monkeypatch=monkeypatch)


def test_iam_domain_needs_iam_user(alice, monkeypatch):
    monkeypatch.setenv("MODELARTS_PASSWORD", "pw")

    with pytest.raises(CommandError, match="--iam-domain needs --iam-user"):
        add(*BASE, "--iam-domain", "acme")


def test_secret_options_do_not_exist():
    with pytest.raises(CommandError):
        add(*BASE, "--access-key", "AK", "--secret-key", "on-the-command-line")
