"""What a desktop screen shows of rules a stylesheet mistake once kept for phones: the API reference's sections
and one-line type names, and the credential form's test-on-save box beside its words."""

import pytest

pytest.importorskip("selenium", reason="Selenium is not installed: install the project's test extras")

from tests.e2e.browser import _screen, find, find_all, open_logged_in  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = (1366, 900)


def style(browser, element, name: str) -> str:
    return browser.execute_script("return getComputedStyle(arguments[0])[arguments[1]]", element, name)


def test_the_api_reference_keeps_its_desktop_styles(browser, live_server):
    _screen(browser, DESKTOP, mobile=False)
    browser.get(live_server.url + "/api/docs")

    assert style(browser, find(browser, ".api-operation"), "borderTopWidth") == "1px"
    assert style(browser, find(browser, ".api-operation .method"), "fontWeight") == "700"
    words = [code for code in find_all(browser, ".api-fields td > code") if " " not in code.text]  # "integer"
    assert words
    line = 1.6 * float(style(browser, words[0], "fontSize").removesuffix("px"))
    assert [code.text for code in words if code.size["height"] > line] == []  # "string", not "strin" above "g"


def test_the_test_on_save_box_sits_before_its_words(browser, live_server, person):
    open_logged_in(browser, live_server, "/credentials/add/")
    _screen(browser, DESKTOP, mobile=False)
    browser.refresh()

    box = find(browser, "#id_test_connection")
    label = find(browser, "label[for=id_test_connection]")
    assert box.location["x"] - label.location["x"] < 8  # at the label's start, not the field's middle
    assert abs(box.location["y"] - label.location["y"]) < label.size["height"]  # on the same line
