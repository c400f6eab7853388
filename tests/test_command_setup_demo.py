"""The demo login of `make run`, which exists only while DEBUG is on."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from accounts.models import Credential
from simulator.seed import DEMO

pytestmark = pytest.mark.django_db


def test_creates_demo_user_and_simulator_credential(settings):
    settings.DEBUG = True

    call_command("setup_demo", "--simulator-url", "http://127.0.0.1:8123", stdout=io.StringIO())
    call_command("setup_demo", "--simulator-url", "http://127.0.0.1:8123", stdout=io.StringIO())  # idempotent

    credential = Credential.objects.get()
    assert credential.owner.username == "demo"
    assert credential.project_id == DEMO.project_id
    assert credential.modelarts_endpoint == credential.iam_endpoint == "http://127.0.0.1:8123"
    assert credential.get_secret() == DEMO.secret_key
    assert authenticate(RequestFactory().post("/accounts/login/"), username="demo", password="demo") == credential.owner


def test_refused_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only while DEBUG is on"):
        call_command("setup_demo", stdout=io.StringIO())


def test_demo_login_stops_working_when_debug_is_off(settings, django_user_model):
    django_user_model.objects.create_user("demo", password="demo")
    settings.DEBUG = False

    assert authenticate(RequestFactory().post("/accounts/login/"), username="demo", password="demo") is None


def test_other_users_are_unaffected(settings, alice):
    settings.DEBUG = False

    assert (
        authenticate(RequestFactory().post("/accounts/login/"), username="alice", password="alice-login-password")
        == alice
    )


def test_the_demo_user_may_act_on_the_simulators_jobs(settings):
    settings.DEBUG = True

    call_command("setup_demo", stdout=io.StringIO())

    assert Credential.objects.get().owner.has_perm("jobs.operate_visualization_jobs")
