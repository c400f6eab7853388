"""Every page of the project, read from the URLconf, for the tests that must visit them all.

A test that checks every page takes its pages from here, less an exclusion list of its own that says why
each excluded page does not apply; a page added later is visited (or must be excluded) rather than missed.
Tests that need more than a URL per page (a query budget, a fault case's setup) key it by URL name and call
``assert_every_page_decided``, so a new URL fails them until it gets one or an exclusion.
"""

import importlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from django.contrib.auth.models import AbstractBaseUser
from django.test import override_settings
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver, reverse

import accounts.auth_urls
import dashboard.urls
from accounts.models import Credential

# Patterns without a name cannot be reversed; none of them is a page of its own.
UNNAMED = {
    "schema/",  # the API schema with a trailing slash (the named one is visited)
    "docs/",  # the API reference with a trailing slash (the named one is visited)
    "projects/<project_id:project_id>/visualization-jobs/",  # API list, trailing slash
    "projects/<project_id:project_id>/visualization-jobs/<job_id:job_id>/",  # API detail, trailing slash
    "projects/<project_id:project_id>/visualization-jobs/<job_id:job_id>/stop/",  # API stop, trailing slash
    "projects/<project_id:project_id>/visualization-jobs/<job_id:job_id>/restart/",  # API restart, trailing slash
    "",  # the API's JSON 404 for everything else under /api/
    "^admin/jobs/(?P<rest>(?:credential|apitoken)/.*)$",  # redirects from the admin's old addresses
    "^admin/jobs/(?P<rest>auditevent/.*)$",
    "^admin/jobs/$",
    "admin/password_change/",  # the throttled form in place of the admin's, visited as admin:password_change
    "<path:object_id>/",  # the admin's redirect from an object's old URL to its change page
    "(?P<url>.*)$",  # the admin's catch-all redirect
}


def named_patterns() -> dict[str, URLPattern]:
    """Every named URL pattern by the name that reverses it (namespace included), walking into includes."""
    return dict(_walk(get_resolver().url_patterns, ""))


def _walk(patterns: list, namespace: str) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", pattern
        else:
            assert str(pattern.pattern) in UNNAMED, f"unnamed pattern {pattern.pattern}: name it or list it"


def pages(excluded: Mapping[str, str]) -> list[str]:
    """The name of every page but the excluded ones; an exclusion that names no page fails (it is stale)."""
    names = named_patterns()
    assert not set(excluded) - set(names), f"excluded, but no such URL name: {sorted(set(excluded) - set(names))}"
    return sorted(set(names) - set(excluded))


def assert_every_page_decided(decided: Iterable[str], excluded: Mapping[str, str]) -> None:
    """Each URL name is either decided (given a budget, a setup...) or excluded with a reason, not both."""
    decided = set(decided)
    assert not decided & set(excluded), f"both decided and excluded: {sorted(decided & set(excluded))}"
    assert not decided - set(named_patterns()), f"decided, but no such URL name: {sorted(decided - set(pages({})))}"
    undecided = set(pages(excluded)) - decided
    assert not undecided, f"new URLs {sorted(undecided)}: cover them in this test, or exclude them with a reason"


def sample_arguments(credential: Credential, user: AbstractBaseUser, job_id: int = 1) -> dict[str, object]:
    """A value for each argument name in the URLconf: the test's own objects where one is named."""
    return {
        "project_id": credential.project_id,
        "job_id": job_id,
        "pk": credential.pk,  # a credential's pages (an API token's revoke confirmation takes it too: a 404)
        "id": user.pk,  # the admin's password form for a user
        "object_id": credential.pk,  # the admin's pages for one object: the credential's, others' if they exist
        "app_label": "accounts",
        "model_name": "credential",
        "content_type_id": 1,
        "uidb64": "MQ",  # a password reset link (not a valid one: its page says so)
        "token": "set-password",
    }


def url(name: str, arguments: Mapping[str, object]) -> str:
    """The page's URL, each of its arguments taken by name from ``arguments``."""
    wanted = named_patterns()[name].pattern.regex.groupindex
    missing = set(wanted) - set(arguments)
    assert not missing, f"{name} takes {sorted(missing)}: add a sample value to sample_arguments()"
    return reverse(name, kwargs={argument: arguments[argument] for argument in wanted})


@contextmanager
def mail_configured() -> Iterator[None]:
    """The site as set up with EMAIL_URL: the password reset pages exist only then."""
    try:
        with override_settings(
            PASSWORD_RESET_BY_EMAIL=True, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
        ):
            _rebuild_urlconf()
            yield
    finally:
        _rebuild_urlconf()


def _rebuild_urlconf() -> None:
    """The reset pages are added when the URLconf is imported: import it again under the current settings."""
    importlib.reload(accounts.auth_urls)
    importlib.reload(dashboard.urls)
    clear_url_caches()


def admin_pages(reason: str) -> dict[str, str]:
    """An exclusion for each of the admin's pages: Django's own views over the models, for staff only."""
    return {name: reason for name in named_patterns() if name.startswith("admin:")}
