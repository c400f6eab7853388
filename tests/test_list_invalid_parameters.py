"""Invalid list parameters in the address. What can be corrected is (a sort or page size the list does not
offer), with one notice saying what was replaced; a filter that cannot be used is a 400 that still shows the
form, the wrong field marked (aria-invalid and its message), and a way back (Clear filters). The JSON list
refuses every invalid value, as before."""

import re
from html import unescape

import pytest
import responses

from tests.conftest import PROJECT_A
from tests.list_pages import HOME_URL, LIST_URL, names, store_five

pytestmark = pytest.mark.django_db

API_LIST_URL = f"/api/projects/{PROJECT_A}/visualization-jobs"
NEWEST_FIRST = ["图像分类", "yolo", "bert-viz", "ResNet-TB", "unknown-one"]
NOT_SHOWN = "The list is not shown: the address asks for a filter that cannot be used."


@pytest.fixture
def jobs(alice_credential):
    store_five(alice_credential)


def notices(response) -> list[str]:
    return re.findall(r'<p class="message" role="status">(.*?)</p>', response.content.decode(), re.S)


def field_box(response, name: str) -> str:
    """The form's box for one parameter: its label, control and error."""
    html = response.content.decode()
    found = re.search(
        r'<div class="field[^"]*">\s*<label[^>]*>(?:(?!</div>).)*?name="' + name + r'".*?</div>', html, re.S
    )
    assert found, f"no field {name}"
    return found.group(0)


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"sort": "bogus"}, "Replaced what this list does not offer: sort “bogus” by “Newest first”."),
        ({"per_page": "7"}, "Replaced what this list does not offer: 7 jobs per page by 25."),
        ({"per_page": "1000000"}, "Replaced what this list does not offer: 1000000 jobs per page by 25."),
        (
            {"sort": "bogus", "per_page": "abc"},
            "Replaced what this list does not offer: sort “bogus” by “Newest first”, abc jobs per page by 25.",
        ),
    ],
)
def test_a_sort_or_page_size_not_offered_is_replaced_with_one_notice(alice_client, jobs, params, notice):
    response = alice_client.get(LIST_URL, params)

    html = response.content.decode()
    assert response.status_code == 200
    assert names(response) == NEWEST_FIRST
    assert notices(response) == [notice]
    assert 'class="errorlist"' not in html and "aria-invalid" not in html  # said once, in the notice
    # The controls show the view in use, so that "Apply" keeps it.
    assert '<option value="-created" selected>' in html
    assert '<option value="25" selected>' in html


def test_a_long_wrong_value_is_shortened_in_the_notice(alice_client, jobs):
    [notice] = notices(alice_client.get(LIST_URL, {"sort": "x" * 500}))

    assert "x" * 29 + "…" in notice and "x" * 30 not in notice


@pytest.mark.parametrize("page", ["abc", "-3", "0", "99999999999999999999999"])
def test_an_unreadable_page_is_the_first_or_last_without_a_notice(alice_client, jobs, page):
    response = alice_client.get(LIST_URL, {"page": page})

    assert response.status_code == 200
    assert names(response) == NEWEST_FIRST
    assert notices(response) == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"group": "sleeping"}, "group", "Select a valid choice. sleeping is not one of the available choices."),
        ({"status": "abc"}, "status", "Select a valid choice"),
        ({"status": "99999999999"}, "status", "Select a valid choice"),
        ({"q": "x" * 65}, "q", "Ensure this value has at most 64 characters (it has 65)."),
        ({"long_running": "maybe"}, "long_running", "“maybe” is neither yes nor no: tick the box or leave it empty."),
    ],
)
@responses.activate
def test_an_unusable_filter_is_a_400_with_the_form_the_field_marked_and_a_way_back(
    alice_client, jobs, params, field, message
):
    response = alice_client.get(LIST_URL, {**params, "sort": "name"})

    html = response.content.decode()
    box = field_box(response, field)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in box
    assert f'aria-describedby="id_{field}_error"' in box
    assert f'<ul class="errorlist" id="id_{field}_error"><li>{message}' in box
    assert html.count('aria-invalid="true"') == 1  # only the wrong field
    assert NOT_SHOWN in html
    assert '<a href="?sort=name">Clear filters</a>' in html  # the way back keeps the sort
    assert '<option value="name" selected>' in html  # the rest of the form as asked
    assert '<table class="jobs">' not in html
    assert len(responses.calls) == 0  # nothing was refreshed for an unusable address


def test_a_400_also_names_what_it_corrected_once(alice_client, jobs):
    response = alice_client.get(LIST_URL, {"group": "sleeping", "sort": "bogus", "per_page": "50"})

    assert response.status_code == 400
    assert notices(response) == ["Replaced what this list does not offer: sort “bogus” by “Newest first”."]
    assert '<a href="?per_page=50">Clear filters</a>' in response.content.decode()


def test_clear_filters_after_a_400_lists_every_job(alice_client, jobs):
    html = alice_client.get(LIST_URL, {"long_running": "maybe", "q": "yolo"}).content.decode()
    href = re.search(r'<a href="([^"]*)">Clear filters</a>', html).group(1)

    response = alice_client.get(LIST_URL + unescape(href))
    assert response.status_code == 200
    assert names(response) == NEWEST_FIRST


def test_long_running_maybe_is_not_a_yes(alice_client, jobs):
    response = alice_client.get(LIST_URL, {"long_running": "maybe"})

    box = field_box(response, "long_running")
    assert response.status_code == 400
    assert "checked" not in box
    assert 'value="maybe"' not in box  # ticking the box sends "on", not the refused word again


@pytest.mark.parametrize("word", ["1", "on", "true", "yes", "YES", "True"])
def test_long_running_yes_words_filter(alice_client, jobs, word):
    response = alice_client.get(LIST_URL, {"long_running": word})

    assert response.status_code == 200
    assert names(response) == ["ResNet-TB"]
    assert "checked" in field_box(response, "long_running")


@pytest.mark.parametrize("word", ["", "0", "off", "false", "no"])
def test_long_running_no_words_do_not_filter(alice_client, jobs, word):
    response = alice_client.get(LIST_URL, {"long_running": word})

    assert response.status_code == 200
    assert names(response) == NEWEST_FIRST
    assert "checked" not in field_box(response, "long_running")


def test_the_overview_shows_the_form_on_a_400_too(alice_client, jobs):
    response = alice_client.get(HOME_URL, {"group": "sleeping", "q": "tb"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in field_box(response, "group")
    assert 'value="tb"' in field_box(response, "q")
    assert NOT_SHOWN in html
    assert '<a href="?">Clear filters</a>' in html


@pytest.mark.parametrize(
    ("params", "field"),
    [({"long_running": "maybe"}, "long_running"), ({"per_page": "7"}, "per_page"), ({"sort": "bogus"}, "sort")],
)
def test_the_json_list_still_refuses_what_the_page_corrects_or_refuses(alice_client, jobs, params, field):
    response = alice_client.get(API_LIST_URL, params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_query"
    assert list(error["fields"]) == [field]


def test_another_users_project_is_404_even_with_a_bad_address(bob_client, jobs):
    assert bob_client.get(LIST_URL, {"group": "sleeping"}).status_code == 404
    assert bob_client.get(LIST_URL, {"sort": "bogus"}).status_code == 404
