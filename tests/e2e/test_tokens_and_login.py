"""API tokens, the login messages and the API reference in a real browser: the new token's Copy button (and
what it does where the clipboard cannot be used), revoking in a dialog, the login form saying why it is shown."""

import pytest

pytest.importorskip("selenium", reason="Selenium is not installed: install the project's test extras")

from accounts.models import ApiToken  # noqa: E402
from tests.e2e.browser import (  # noqa: E402
    click,
    find,
    log_in,
    open_logged_in,
    phone_screenshot,
    screenshot,
    text_of,
    type_into,
    wait,
    wait_for_page,
    wait_for_text,
)
from tests.e2e.people import PASSWORD, USERNAME  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

TOKENS = "/settings/api-tokens/"


def create_token(browser, live_server, name: str = "nightly report") -> str:
    open_logged_in(browser, live_server, TOKENS)
    type_into(browser, "#id_name", name)
    click(browser, text="Create token")
    wait_for_text(browser, "#new-token-heading", name)
    return find(browser, "#new-token").get_attribute("value")


def clipboard_text(browser) -> str:
    script = "var done = arguments[0]; navigator.clipboard.readText().then(done, function (e) { done('!' + e); });"
    return browser.execute_async_script(script)


def test_the_copy_button_puts_the_new_token_on_the_clipboard(browser, live_server, person):
    browser.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": live_server.url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    token = create_token(browser, live_server)
    assert len(token) == 43

    click(browser, "#new-token + button.copy")

    wait_for_text(browser, "#new-token + button.copy", "Copied")
    assert clipboard_text(browser) == token
    wait(browser).until(
        lambda driver: driver.find_element("id", "copy-status").get_attribute("textContent") == "Copied"
    )
    screenshot(browser, "api-token-created")


def test_without_a_clipboard_the_token_is_left_selected(browser, live_server, person):
    token = create_token(browser, live_server)
    # A browser with neither the Clipboard API nor a working copy command (e.g. an old one over plain http).
    browser.execute_script(
        "Object.defineProperty(navigator, 'clipboard', {value: undefined});"
        "document.execCommand = function () { return false; };"
    )

    click(browser, "#new-token + button.copy")

    wait_for_text(browser, "#new-token + button.copy", "Could not copy")
    selected = browser.execute_script(
        "var field = document.getElementById('new-token');"
        "return document.activeElement === field"
        " ? field.value.substring(field.selectionStart, field.selectionEnd) : null;"
    )
    assert selected == token


def test_revoke_asks_in_a_dialog_and_cancel_keeps_the_token(browser, live_server, person):
    token = ApiToken.issue(person, "old script")[0]
    open_logged_in(browser, live_server, TOKENS)

    click(browser, f'a[data-dialog="revoke-{token.pk}"]')

    dialog = find(browser, f"#revoke-{token.pk}")
    assert dialog.get_attribute("open") is not None
    assert "Revoke the token “old script”?" in dialog.text
    assert browser.current_url == live_server.url + TOKENS  # asked on the page, not on another one
    screenshot(browser, "api-token-revoke-dialog")
    click(browser, f"#revoke-{token.pk} a[data-dialog-close]")
    wait(browser).until(lambda driver: dialog.get_attribute("open") is None)
    assert ApiToken.objects.filter(pk=token.pk).exists()

    click(browser, f'a[data-dialog="revoke-{token.pk}"]')
    click(browser, f"#revoke-{token.pk} button[type=submit]")

    wait_for_page(browser, TOKENS)
    wait_for_text(browser, ".messages", "Revoked the token “old script”")
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert "No tokens yet." in text_of(browser, "main")


def test_the_login_form_says_why_it_is_shown(browser, live_server, person):
    browser.get(live_server.url + TOKENS)  # a bookmark, before logging in
    wait_for_page(browser, "/accounts/login/")
    assert text_of(browser, "main .message") == "Please log in to see this page."

    log_in(browser, USERNAME, PASSWORD)
    wait_for_page(browser, TOKENS)
    click(browser, text=f"Log out {USERNAME}")

    wait_for_page(browser, "/accounts/login/")
    assert text_of(browser, "main .message") == "You have been logged out."
    screenshot(browser, "logged-out")
    browser.refresh()
    assert not browser.find_elements("css selector", "main .message")


def test_the_api_reference_reads_on_a_desktop_and_a_phone(browser, live_server):
    browser.get(live_server.url + "/api/docs")

    assert text_of(browser, "h1") == "API reference"
    click(browser, 'nav.api-toc a[href="#createVisualizationJob"]')
    wait(browser).until(lambda driver: driver.execute_script("return location.hash") == "#createVisualizationJob")
    screenshot(browser, "api-reference")
    phone_screenshot(browser, "api-reference-phone")
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    )
    browser.refresh()
    wait(browser).until(lambda driver: driver.execute_script("return document.readyState") == "complete")
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
