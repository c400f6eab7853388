"""A list's pages: first, previous, the page numbers around the current one (gaps elided), next and last,
above and below a long table; the links keep the list's filters, sort and page size."""

import re
from html import unescape

import pytest

from tests.conftest import PROJECT_B, make_credential, make_job, store_list
from tests.list_pages import HOME_URL, LIST_URL, names, store_many

pytestmark = pytest.mark.django_db


def navs(response) -> list[str]:
    return re.findall(r'<nav class="pagination".*?</nav>', response.content.decode(), re.S)


def numbers(nav: str) -> list[str]:
    """The page numbers a pagination shows, the current one in [brackets], gaps as "…"."""
    shown = []
    for item in re.findall(r"<li>(.*?)</li>", nav, re.S):
        number = re.sub(r"<span class=\"visually-hidden\">.*?</span>|<[^>]+>|\s", "", item)
        shown.append(f"[{number}]" if 'aria-current="page"' in item else number)
    return shown


def links(nav: str) -> dict[str, str]:
    """The first/previous/next/last links, by their rel."""
    return {rel: unescape(href) for href, rel in re.findall(r'<a href="([^"]*)" rel="(\w+)">', nav)}


def test_page_numbers_around_the_current_page_with_first_previous_next_last(alice_client, alice_credential):
    store_many(alice_credential, 300)  # 12 pages of 25

    response = alice_client.get(LIST_URL, {"q": "tb", "sort": "name", "page": "6"})

    above, below = navs(response)
    assert above == below.replace("below the table", "above the table")
    assert numbers(below) == ["1", "…", "4", "5", "[6]", "7", "8", "…", "12"]
    assert links(below) == {
        "first": "?q=tb&sort=name",
        "prev": "?q=tb&sort=name&page=5",
        "next": "?q=tb&sort=name&page=7",
        "last": "?q=tb&sort=name&page=12",
    }
    assert '<a href="?q=tb&amp;sort=name&amp;page=4">' in below
    assert names(response) == [f"tb-{n:03}" for n in range(125, 150)]


def test_the_two_paginations_are_told_apart(alice_client, alice_credential):
    store_many(alice_credential, 60)

    above, below = navs(alice_client.get(LIST_URL))

    assert 'aria-label="Pages of the list, above the table"' in above
    assert 'aria-label="Pages of the list, below the table"' in below


def test_on_the_first_page_first_and_previous_are_not_links(alice_client, alice_credential):
    store_many(alice_credential, 60)

    nav = navs(alice_client.get(LIST_URL))[-1]

    assert numbers(nav) == ["[1]", "2", "3"]
    assert set(links(nav)) == {"next", "last"}
    assert '<span class="pagination__off" aria-disabled="true">« First</span>' in nav
    assert '<span class="pagination__off" aria-disabled="true">‹ Previous</span>' in nav


def test_on_the_last_page_next_and_last_are_not_links(alice_client, alice_credential):
    store_many(alice_credential, 60)

    response = alice_client.get(LIST_URL, {"page": "3"})

    assert len(navs(response)) == 1  # 10 rows: a short table has its pages below it only
    nav = navs(response)[0]
    assert numbers(nav) == ["1", "2", "[3]"]
    assert set(links(nav)) == {"first", "prev"}
    assert '<span class="pagination__off" aria-disabled="true">Last »</span>' in nav


def test_a_page_beyond_the_last_shows_the_last(alice_client, alice_credential):
    store_many(alice_credential, 60)

    nav = navs(alice_client.get(LIST_URL, {"page": "99"}))[0]

    assert numbers(nav) == ["1", "2", "[3]"]


def test_a_list_on_one_page_has_no_pagination(alice_client, alice_credential):
    store_many(alice_credential, 25)

    assert navs(alice_client.get(LIST_URL)) == []


def test_the_overview_paginates_the_combined_list(alice_client, alice, alice_credential):
    store_many(alice_credential, 30)
    store_list(make_credential(alice, project_id=PROJECT_B), [make_job(9000 + n) for n in range(30)])

    response = alice_client.get(HOME_URL, {"per_page": "10", "page": "2"})

    [below] = navs(response)  # ten rows: not long enough for a second pagination above them
    assert numbers(below) == ["1", "[2]", "3", "4", "5", "6"]
    assert links(below)["next"] == "?per_page=10&page=3"


def test_another_users_project_is_404_on_any_page(bob_client, alice_credential):
    store_many(alice_credential, 60)

    assert bob_client.get(LIST_URL, {"page": "2"}).status_code == 404
    assert navs(bob_client.get(HOME_URL, {"page": "2"})) == []
