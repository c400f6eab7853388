"""Headers, production settings, and the rule that pages carry no inline script."""

import re
import subprocess
import sys

import pytest
import responses
from cryptography.fernet import Fernet
from django.test import Client

from accounts.models import Credential
from tests import urlconf
from tests.conftest import make_job, store_list
from tests.test_settings import ROOT, load_settings, settings_environment
from tests.urlconf import sample_arguments, url

pytestmark = pytest.mark.django_db

POST_ONLY = "an action: a GET gets an empty 405"
# Addresses whose answer to a GET is no page: the rule is about pages (test_cache_headers still checks
# their headers).
EXCLUDED = {
    "logout": POST_ONLY,
    "admin:logout": POST_ONLY,
    "refresh-all": POST_ONLY,
    "project-refresh": POST_ONLY,
    "credential-test": POST_ONLY,
    "set_language": "an action: a GET is sent back where it came from",
    "admin:view_on_site": "a redirect to the object's own page on the site",
}


@pytest.fixture
def pages(alice, alice_credential, service_jobs, with_mail):
    """Every page with alice's objects in it, the admin's too (she is staff), and the password reset's."""
    alice.is_staff = alice.is_superuser = True
    alice.save()
    job = make_job(1, status=8, service_url="https://tb.example.com/", remaining_duration_ms=60_000)
    store_list(alice_credential, [job])
    service_jobs.add(job)
    arguments = sample_arguments(alice_credential, alice, job_id=job.job_id)
    return [url(name, arguments) for name in urlconf.pages(EXCLUDED)]


def test_every_page_has_a_strict_content_security_policy_and_no_inline_script(alice_client, pages):
    assert {"/", "/credentials/add/", "/accounts/login/", "/admin/", "/accounts/password_reset/"} <= set(pages)
    for path in pages:
        response = alice_client.get(path)
        html = response.content.decode()

        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path  # every script is a file
        assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), path  # no inline event handlers
        assert " style=" not in html, path


def production(**extra) -> dict:
    return {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-value-" + "y" * 20,
        "CREDENTIAL_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "dash.example.com",
        **extra,
    }


def check_deploy(**variables) -> subprocess.CompletedProcess:
    environment = settings_environment(**variables)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_only_the_required_variables():
    result = check_deploy(**production())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PROXY = {"SECURE_SSL_REDIRECT": "0", "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO"}


def test_a_proxy_deployment_can_turn_the_redirect_off():
    result = check_deploy(**production(**PROXY, TRUSTED_PROXY_COUNT="1"))

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_proxy_without_a_trusted_proxy_count_is_warned_about():
    """Every login would seem to come from the proxy: the per-address lockout would lock everyone out."""
    result = check_deploy(**production(**PROXY))

    assert result.returncode == 1
    assert "accounts.W001" in result.stdout + result.stderr
    assert "TRUSTED_PROXY_COUNT" in result.stdout + result.stderr


def test_production_cookies_are_secure():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    environment = settings_environment(**production())
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)

    assert result.stdout.split() == ["True", "True", "True", "31536000"]


def test_development_still_starts_with_nothing_set():
    assert load_settings().returncode == 0


@pytest.mark.parametrize(
    "path",
    [
        "/credentials/{pk}/edit/",
        "/credentials/{pk}/delete/",
        "/credentials/{pk}/test/",
        "/projects/{project}/visualization-jobs/refresh/",
        "/projects/{project}/visualization-jobs/7/stop/",
        "/projects/{project}/visualization-jobs/7/restart/",
        "/projects/{project}/visualization-jobs/7/edit/",
        "/projects/{project}/visualization-jobs/7/delete/",
        "/projects/{project}/auto-stop/",
        "/projects/{project}/visualization-jobs/new/",
        "/projects/{project}/visualization-jobs/stop/",
        "/refresh/",
        "/credentials/add/",
        "/accounts/logout/",
    ],
)
def test_every_change_needs_a_csrf_token(alice, alice_credential, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(path.format(pk=alice_credential.pk, project=alice_credential.project_id))

    assert response.status_code == 403
    assert Credential.objects.filter(pk=alice_credential.pk).exists()


@responses.activate
def test_the_service_url_from_modelarts_is_never_fetched(alice_client, alice_credential):
    upstream = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{alice_credential.project_id}/visualization-jobs"
    responses.get(
        f"{upstream}/7",
        json={"job_id": 7, "job_name": "x", "status": 8, "service_url": "http://127.0.0.1:1/internal-admin"},
    )

    response = alice_client.get(f"/projects/{alice_credential.project_id}/visualization-jobs/7/")

    assert response.status_code == 200
    assert [call.request.url for call in responses.calls] == [f"{upstream}/7"]
