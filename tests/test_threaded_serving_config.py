"""gunicorn serves with threads (gthread): workers from WEB_CONCURRENCY, threads from WEB_THREADS, and a
timeout longer than a ModelArts call with its retries; requests that may wait on ModelArts are bounded below
the thread count (UPSTREAM_CONCURRENCY, by default half of it)."""

import runpy

import pytest
from django.conf import settings
from gunicorn.config import Config

from dashboard import DEFAULT_WEB_THREADS
from tests.test_settings import ROOT, load_settings

SERVING_VARIABLES = ("WEB_CONCURRENCY", "WEB_THREADS", "BIND", "GUNICORN_TIMEOUT", "FORWARDED_ALLOW_IPS")


def gunicorn_config(monkeypatch, **variables: str) -> Config:
    """dashboard/gunicorn.py as gunicorn reads it, with only ``variables`` set among those it reads."""
    for name in SERVING_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(ROOT / "dashboard" / "gunicorn.py")).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_workers_and_their_threads_come_from_the_environment(monkeypatch):
    config = gunicorn_config(monkeypatch, WEB_CONCURRENCY="3", WEB_THREADS="12")

    assert config.worker_class_str == "gthread"
    assert (config.workers, config.threads) == (3, 12)


def test_by_default_two_workers_of_eight_threads(monkeypatch):
    config = gunicorn_config(monkeypatch)

    assert config.worker_class_str == "gthread"
    assert (config.workers, config.threads) == (2, DEFAULT_WEB_THREADS) == (2, 8)


def test_the_timeout_outlasts_a_modelarts_call_with_its_retries(monkeypatch):
    attempts = settings.MODELARTS_RETRIES + 1
    call = settings.MODELARTS_CONNECT_TIMEOUT + settings.MODELARTS_READ_TIMEOUT
    backoff = sum(settings.MODELARTS_RETRY_BACKOFF * 2**retry for retry in range(settings.MODELARTS_RETRIES))

    assert gunicorn_config(monkeypatch).timeout > attempts * call + backoff


@pytest.mark.parametrize(("threads", "bound"), [("12", 6), ("3", 1)])
def test_the_upstream_bound_leaves_threads_free_by_default(threads, bound):
    result = load_settings("settings.UPSTREAM_CONCURRENCY", WEB_THREADS=threads)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(bound)
