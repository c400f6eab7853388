"""Sorting a list by its column headers: a link per sortable column, a second click reverses, the current sort
marked (aria-sort on its cell, an arrow), and the sort select still there for keyboards and phones."""

from urllib.parse import parse_qs, urlsplit

import pytest

from jobs.listing import DEFAULT_SORT, SORT_CHOICES
from tests.conftest import PROJECT_B, make_credential, store_list
from tests.list_pages import HOME_URL, LIST_URL, aria_sort, header, header_href, names, store_five, store_many

pytestmark = pytest.mark.django_db


def sort_of(href: str) -> str:
    """The sort a header's link asks for (none: the default)."""
    return parse_qs(urlsplit(href).query).get("sort", [DEFAULT_SORT])[0]


NEWEST_FIRST = ["图像分类", "yolo", "bert-viz", "ResNet-TB", "unknown-one"]


@pytest.fixture
def jobs(alice_credential):
    store_five(alice_credential)


def test_the_default_sort_is_marked_on_the_created_header(alice_client, jobs):
    response = alice_client.get(LIST_URL)

    assert names(response) == NEWEST_FIRST
    assert aria_sort(response, "Created") == "descending"
    assert "▼" in header(response, "Created")
    for other in ("Name", "Status", "Duration"):
        assert aria_sort(response, other) is None
        assert "▼" not in header(response, other) and "▲" not in header(response, other)
    assert header_href(response, "Created") == "?sort=created"  # a click reverses: oldest first
    assert header_href(response, "Name") == "?sort=name"  # another column: its first direction
    assert header_href(response, "Duration") == "?sort=-duration"  # longest first


def test_clicking_a_header_twice_reverses_the_order(alice_client, jobs):
    first = alice_client.get(LIST_URL + header_href(alice_client.get(LIST_URL), "Name"))
    second = alice_client.get(LIST_URL + header_href(first, "Name"))
    third = alice_client.get(LIST_URL + header_href(second, "Name"))

    assert names(first) == ["bert-viz", "ResNet-TB", "unknown-one", "yolo", "图像分类"]
    assert (aria_sort(first, "Name"), aria_sort(first, "Created")) == ("ascending", None)
    assert "▲" in header(first, "Name")
    assert names(second) == ["图像分类", "yolo", "unknown-one", "ResNet-TB", "bert-viz"]
    assert aria_sort(second, "Name") == "descending"
    assert "▼" in header(second, "Name")
    assert names(third) == names(first)


def test_the_default_sort_link_leaves_the_address_clean(alice_client, jobs):
    oldest = alice_client.get(LIST_URL, {"sort": "created"})

    assert aria_sort(oldest, "Created") == "ascending"
    assert header_href(oldest, "Created") == "?"  # newest first is the default: no sort parameter


def test_header_links_keep_the_filters_and_page_size_and_go_to_the_first_page(alice_client, alice_credential):
    store_many(alice_credential, 45)

    response = alice_client.get(LIST_URL, {"q": "tb", "group": "running", "per_page": "10", "page": "3"})

    assert header_href(response, "Status") == "?q=tb&group=running&sort=status&per_page=10"


def test_each_header_sorts_by_a_sort_the_select_offers(alice_client, jobs):
    offered = {value for value, _label in SORT_CHOICES}
    response = alice_client.get(LIST_URL)
    html = response.content.decode()

    for label in ("Name", "Status", "Created", "Duration"):
        once = sort_of(header_href(response, label))
        twice = sort_of(header_href(alice_client.get(LIST_URL, {"sort": once}), label))
        assert {once, twice} <= offered
        assert once.lstrip("-") == twice.lstrip("-") and once != twice
    # The select stays, showing the sort in use.
    assert '<select name="sort" id="id_sort">' in html
    selected = alice_client.get(LIST_URL, {"sort": "-name"}).content.decode()
    assert '<option value="-name" selected>' in selected


def test_the_screen_reader_hears_what_a_click_does(alice_client, jobs):
    response = alice_client.get(LIST_URL, {"sort": "-duration"})

    assert '<span class="visually-hidden"> (sort: Shortest running)</span>' in header(response, "Duration")
    assert 'aria-hidden="true">▼</span>' in header(response, "Duration")


def test_the_overview_sorts_by_its_headers_too(alice_client, jobs):
    response = alice_client.get(HOME_URL, {"sort": "name"})

    assert names(response) == ["bert-viz", "ResNet-TB", "unknown-one", "yolo", "图像分类"]
    assert aria_sort(response, "Name") == "ascending"
    assert header_href(response, "Name") == "?sort=-name"


def test_another_users_project_is_404_whatever_the_sort(bob_client, jobs):
    assert bob_client.get(LIST_URL, {"sort": "name"}).status_code == 404


def test_bob_sorts_only_his_own_jobs(bob_client, bob, jobs):
    store_list(make_credential(bob, project_id=PROJECT_B), [])
    response = bob_client.get(HOME_URL, {"sort": "name"})

    assert response.status_code == 200
    assert names(response) == []
