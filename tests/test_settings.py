"""Settings come from the environment; production refuses to start without its secrets."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


def settings_environment(**variables) -> dict[str, str]:
    """This process's environment without any setting the dashboard reads, plus ``variables``."""
    documented = set(re.findall(r"^#? ?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    environment = {key: value for key, value in os.environ.items() if key not in documented}
    environment.update(variables, DJANGO_SETTINGS_MODULE="dashboard.settings")
    return environment


def load_settings(printing: str = "settings.DEBUG", **variables) -> subprocess.CompletedProcess:
    """Start Django in a process of its own with ``variables`` and print the expression ``printing``."""
    code = f"import django; django.setup(); from django.conf import settings; print({printing})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=settings_environment(**variables), capture_output=True, text=True
    )


def test_development_needs_no_variables():
    result = load_settings()

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize(
    ("variables", "missing"),
    [
        ({}, "SECRET_KEY and CREDENTIAL_KEYS must be set"),
        ({"SECRET_KEY": "x" * 50}, "CREDENTIAL_KEYS must be set"),
        ({"CREDENTIAL_KEYS": Fernet.generate_key().decode()}, "SECRET_KEY must be set"),
    ],
)
def test_production_refuses_to_start_without_secrets(variables, missing):
    result = load_settings(DEBUG="0", **variables)

    assert result.returncode != 0
    assert missing in result.stderr


def test_production_starts_with_its_secrets():
    result = load_settings(DEBUG="0", SECRET_KEY="x" * 50, CREDENTIAL_KEYS=Fernet.generate_key().decode())

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"MODELARTS_ENDPOINT": "http://modelarts.example.com"}, "MODELARTS_ENDPOINT: "),
        ({"IAM_ENDPOINT": "ftp://iam.{region}.example.com"}, "IAM_ENDPOINT: "),
        ({"MODELARTS_ENDPOINT": "https://{zone}.example.com"}, "not a valid endpoint template"),
        ({"CREDENTIAL_KEYS": "not-a-key"}, "CREDENTIAL_KEYS entry 1 is not a Fernet key"),
        ({"DETAIL_LOOKUP_RATE": "0"}, "DETAIL_LOOKUP_RATE must be above 0"),
        ({"DETAIL_LOOKUP_BURST": "0"}, "DETAIL_LOOKUP_BURST at least 1"),
        ({"AUDIT_RETENTION_DAYS": "0"}, "AUDIT_RETENTION_DAYS and LOGIN_ATTEMPT_RETENTION_DAYS must be at least 1"),
        ({"WEB_THREADS": "1"}, "WEB_THREADS must be at least 2"),
        ({"UPSTREAM_CONCURRENCY": "0"}, "UPSTREAM_CONCURRENCY at least 1 and below WEB_THREADS"),
        ({"WEB_THREADS": "4", "UPSTREAM_CONCURRENCY": "4"}, "UPSTREAM_CONCURRENCY at least 1 and below WEB_THREADS"),
        ({"LIST_REFRESH_TIME_LIMIT": "120"}, "LIST_REFRESH_TIME_LIMIT must be above 0 and below LIST_REFRESH_LOCK"),
        ({"LIST_REFRESH_TIME_LIMIT": "0"}, "LIST_REFRESH_TIME_LIMIT must be above 0 and below LIST_REFRESH_LOCK"),
    ],
)
def test_bad_values_are_refused_with_the_variable_named(variables, message):
    result = load_settings(**variables)

    assert result.returncode != 0
    assert message in result.stderr


def test_loopback_http_endpoint_and_region_template_are_accepted():
    result = load_settings(MODELARTS_ENDPOINT="http://127.0.0.1:8001", IAM_ENDPOINT="https://iam.{region}.hcs.example")

    assert result.returncode == 0, result.stderr


def test_env_example_documents_every_variable():
    read = set(re.findall(r'env\.\w+\("([A-Z_]+)"', (ROOT / "dashboard" / "settings.py").read_text()))
    documented = set(re.findall(r"^#? ?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))

    assert read
    assert read <= documented, read - documented


def test_env_example_copied_as_is_still_starts():
    variables = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            variables[name] = value

    result = load_settings(**variables)

    assert result.returncode == 0, result.stderr


def test_sqlite_files_are_shared_safely_by_several_processes(tmp_path):
    """Write-ahead logging (readers go on during a list refresh) and writers that queue for the lock."""
    code = (
        "import django; django.setup(); from django.db import connection; "
        "print(connection.cursor().execute('PRAGMA journal_mode').fetchone()[0], connection.transaction_mode)"
    )
    environment = settings_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "IMMEDIATE"]
