"""What a desktop screen shows of rules a stylesheet mistake once kept for phones: the API reference's sections
and one-line type names."""

import pytest

pytest.importorskip("selenium", reason="Selenium is not installed: install the project's test extras")

from tests.e2e.browser import _screen, find, find_all  # noqa: E402

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
