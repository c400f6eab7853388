"""How times are written on the pages: each language's DATETIME_FORMAT (dashboard/formats/), not a fixed pattern.

Chinese reads "2026年1月3日 04:05:06 UTC", English keeps "2026-01-03 04:05:06 UTC"; the browser script gets the
same pattern to write times in the reader's own zone; the JSON API keeps machine formats whatever the language.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import ApiToken
from jobs.actions import OPERATIONS, Outcome
from jobs.templatetags.jobs_tags import timestamp
from modelarts.client import parse_job
from tests.conftest import PROJECT_A, make_job, store_list

pytestmark = pytest.mark.django_db

CREATED = datetime(2026, 1, 3, 4, 5, 6, tzinfo=UTC)
FETCHED = datetime(2026, 1, 9, 21, 7, 8, tzinfo=UTC)
CHINESE = "2026年1月3日 04:05:06 UTC"
ENGLISH = "2026-01-03 04:05:06 UTC"
LIST_URL = f"/projects/{PROJECT_A}/visualization-jobs/"
DETAIL_URL = f"{LIST_URL}4242/"


def times(html: str) -> dict[str, str]:
    """Each <time> element's text by its datetime attribute."""
    return dict(re.findall(r'<time datetime="([^"]+)"[^>]*>([^<]*)</time>', html))


@pytest.fixture
def stored(alice_credential):
    """A stored list fetched long enough ago that its fetch time shows, with one job created at CREATED."""
    store_list(alice_credential, [make_job(4242, status=10, create_time=CREATED)], fetched_at=FETCHED)
    return alice_credential


def page(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "created", "fetched"),
    [("zh-hans", CHINESE, "2026年1月9日 21:07:08 UTC"), ("en", ENGLISH, "2026-01-09 21:07:08 UTC")],
)
@pytest.mark.parametrize("url", [LIST_URL, "/"], ids=["project list", "overview"])
def test_lists_write_times_as_the_language_does(alice_client, stored, url, language, created, fetched):
    shown = times(page(alice_client, url, language))

    assert shown["2026-01-03T04:05:06Z"] == created
    assert shown["2026-01-09T21:07:08Z"] == fetched  # when the list was fetched


@pytest.mark.parametrize(("language", "created"), [("zh-hans", CHINESE), ("en", ENGLISH)])
def test_the_detail_page_writes_the_created_time_as_the_language_does(
    alice_client, stored, service_jobs, language, created
):
    service_jobs.add(parse_job({"job_id": 4242, "job_name": "tb", "status": 10, "create_time": 1767413106000}))

    assert times(page(alice_client, DETAIL_URL, language))["2026-01-03T04:05:06Z"] == created


def test_chinese_pages_never_write_the_english_pattern(alice_client, stored, service_jobs):
    service_jobs.add(make_job(4242, status=10, create_time=CREATED))

    for url in (LIST_URL, "/", DETAIL_URL):
        html = page(alice_client, url, "zh-hans")
        assert "2026-01-03 04:05" not in html and "2026/01/03" not in html
        assert CHINESE in html


def test_times_follow_the_servers_time_zone_in_the_languages_pattern(alice_client, stored, settings):
    settings.TIME_ZONE = "Asia/Shanghai"

    assert times(page(alice_client, LIST_URL, "zh-hans"))["2026-01-03T04:05:06Z"] == "2026年1月3日 12:05:06 CST"
    assert times(page(alice_client, LIST_URL, "en"))["2026-01-03T04:05:06Z"] == "2026-01-03 12:05:06 CST"


@pytest.mark.parametrize(("language", "pattern"), [("zh-hans", "Y年n月j日 H:i:s T"), ("en", "Y-m-d H:i:s T")])
def test_the_browser_script_is_given_the_languages_pattern(alice_client, stored, language, pattern):
    html = page(alice_client, LIST_URL, language)

    assert re.search(rf'<script src="[^"]*local-time[^"]*" data-pattern="{pattern}" defer>', html)


def test_api_tokens_write_times_as_the_language_does(alice_client, alice):
    token = ApiToken.issue(alice, "nightly")[0]
    ApiToken.objects.filter(pk=token.pk).update(created=CREATED)

    assert times(page(alice_client, reverse("api-tokens"), "zh-hans"))["2026-01-03T04:05:06Z"] == CHINESE


def test_an_actions_notice_says_when_in_the_languages_pattern():
    outcome = Outcome(OPERATIONS["stop"], 4242, "tb", "alice", CREATED)

    with translation.override("zh-hans"):
        assert CHINESE in outcome.requested
    with translation.override("en"):
        assert ENGLISH in outcome.requested


def test_times_beyond_the_local_calendar_are_written_in_utc_in_the_languages_pattern(settings):
    settings.TIME_ZONE = "Asia/Shanghai"  # year 9999's last hours overflow there

    with translation.override("zh-hans"):
        assert timestamp(datetime(9999, 12, 31, 23, 0, tzinfo=UTC))["text"] == "9999年12月31日 23:00:00 UTC"


def test_the_json_list_keeps_machine_formats_in_chinese(alice_client, stored):
    english = alice_client.get(f"/api/projects/{PROJECT_A}/visualization-jobs", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = alice_client.get(f"/api/projects/{PROJECT_A}/visualization-jobs", HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert chinese == english
    assert chinese["jobs"][0]["create_time"] == 1767413106000
    assert chinese["fetched_at"] == "2026-01-09T21:07:08Z"


def test_a_recent_time_is_shown_too(alice_client, alice_credential):
    """Not only old fixtures: a list fetched a moment ago shows its fetch time in the Chinese pattern."""
    now = timezone.now().replace(microsecond=0)
    store_list(alice_credential, [make_job(1)], fetched_at=now - timedelta(seconds=5))

    fetched = timezone.localtime(now - timedelta(seconds=5))
    expected = f"{fetched.year}年{fetched.month}月{fetched.day}日 {fetched:%H:%M:%S} UTC"
    assert expected in page(alice_client, LIST_URL, "zh-hans")
