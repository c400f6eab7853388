"""A URL added to the project cannot be forgotten by the tests that check every page: those that visit
every page visit it too, and those that keep something per page (a query budget, a fault case's setup)
fail until it has one, or an exclusion with a reason."""

import types

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path

import dashboard.urls
from tests import test_cache_headers, test_fault_matrix, test_query_budgets, test_secrets_never_leak, test_security
from tests.urlconf import assert_every_page_decided, named_patterns, pages, url


def report(request: HttpRequest, **arguments) -> HttpResponse:
    return HttpResponse()


def add_to_urlconf(settings, pattern: URLPattern) -> None:
    """The project's URLconf with one more pattern, as the next feature would add it."""
    extended = types.ModuleType("extended_urls")
    extended.urlpatterns = [*dashboard.urls.urlpatterns, pattern]
    settings.ROOT_URLCONF = extended


@pytest.mark.parametrize("test", [test_security, test_secrets_never_leak, test_cache_headers])
def test_a_new_page_is_visited_by_the_checks_of_every_page(settings, with_mail, test):
    add_to_urlconf(settings, path("reports/", report, name="reports"))

    assert "reports" in pages(test.EXCLUDED)


@pytest.mark.parametrize(
    ("decided", "excluded"),
    [
        (test_query_budgets.BUDGETS, test_query_budgets.EXCLUDED),
        (test_fault_matrix.covered(), test_fault_matrix.EXCLUDED),
    ],
    ids=["query-budgets", "fault-matrix"],
)
def test_a_new_page_fails_the_tests_that_keep_something_per_page(settings, with_mail, decided, excluded):
    assert_every_page_decided(decided, excluded)
    add_to_urlconf(settings, path("reports/", report, name="reports"))

    with pytest.raises(AssertionError, match=r"new URLs \['reports'\]: cover them in this test, or exclude them"):
        assert_every_page_decided(decided, excluded)


def test_an_exclusion_for_a_page_that_is_gone_fails():
    with pytest.raises(AssertionError, match=r"no such URL name: \['reports'\]"):
        pages({"reports": "removed since"})


def test_an_unnamed_pattern_is_named_or_listed(settings):
    add_to_urlconf(settings, path("reports/", report))

    with pytest.raises(AssertionError, match="unnamed pattern reports/: name it or list it"):
        named_patterns()


def test_a_new_argument_needs_a_sample_value(settings):
    add_to_urlconf(settings, path("reports/<int:report_id>/", report, name="report"))

    with pytest.raises(AssertionError, match=r"report takes \['report_id'\]: add a sample value"):
        url("report", {"pk": 1})
