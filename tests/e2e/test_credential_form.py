"""The credential form in a real browser: choosing the authentication shows only its fields, saving tests
the connection, and with JavaScript switched off every field shows and the form still works.

The second case runs a second headless Chromium whose content settings block JavaScript (the managed
`javascript: 2` preference), so the page is exactly what a browser without scripts gets.
"""

import shutil
import tempfile

import pytest

pytest.importorskip("selenium", reason="Selenium is not installed: install the project's test extras")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from accounts.models import Credential  # noqa: E402
from simulator.seed import DEMO  # noqa: E402
from tests.e2e.browser import (  # noqa: E402
    CHROMEDRIVER,
    CHROMIUM,
    CHROMIUM_ARGS,
    WINDOW,
    click,
    find,
    find_all,
    open_logged_in,
    screenshot,
    text_of,
    type_into,
    wait,
    wait_for_page,
    wait_for_text,
)
from tests.e2e.people import TEAM  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

AKSK_ONLY = ("#id_access_key",)
PASSWORD_ONLY = ("#id_iam_domain", "#id_iam_user")


def shown(driver, css: str) -> bool:
    return driver.find_element(By.CSS_SELECTOR, css).is_displayed()


def secret_label(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, "label[for=id_secret]").text


@pytest.fixture
def browser_without_javascript(browser, live_server):
    """A second headless Chromium, its own profile, with JavaScript blocked for every page. (Asking for
    ``browser`` first skips this test wherever the first one cannot start either.)"""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="e2e-chromium-nojs-")
    for argument in (*CHROMIUM_ARGS, f"--user-data-dir={profile}", "--window-size={},{}".format(*WINDOW)):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs", {"intl.accept_languages": "en-US,en", "profile.managed_default_content_settings.javascript": 2}
    )
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_choosing_the_authentication_shows_only_its_fields(browser, live_server, person):
    open_logged_in(browser, live_server, "/credentials/add/")

    # The form starts with AK/SK chosen: only the access key, and the secret is the secret key.
    wait(browser).until(lambda driver: not shown(driver, "#id_iam_user"))
    assert all(shown(browser, css) for css in AKSK_ONLY)
    assert not any(shown(browser, css) for css in PASSWORD_ONLY)
    assert secret_label(browser) == "Secret key"
    assert not shown(browser, "fieldset[data-auth-kind=password] legend")

    click(browser, "#id_auth_kind_1")  # IAM user name and password

    wait(browser).until(lambda driver: shown(driver, "#id_iam_user"))
    assert all(shown(browser, css) for css in PASSWORD_ONLY)
    assert not any(shown(browser, css) for css in AKSK_ONLY)
    assert secret_label(browser) == "IAM user's password"
    screenshot(browser, "credential-form-iam")

    click(browser, "#id_auth_kind_0")
    wait(browser).until(lambda driver: shown(driver, "#id_access_key"))
    assert not shown(browser, "#id_iam_domain")


def test_a_form_sent_back_with_errors_starts_at_the_first_field_to_correct(browser, live_server, person):
    open_logged_in(browser, live_server, "/credentials/add/")
    find(browser, "main form button[type=submit]").click()

    wait_for_text(browser, ".errorlist", "This field is required.")
    focused = browser.execute_script("return document.activeElement;")
    assert focused.get_attribute("aria-invalid") == "true"
    assert focused == find_all(browser, "main [aria-invalid='true']")[0]


def test_the_form_fits_a_phone(browser, live_server, person):
    open_logged_in(browser, live_server, "/credentials/add/")
    screen = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": False}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", screen)
    browser.refresh()
    find(browser, "#id_access_key")

    assert browser.execute_script("return document.documentElement.scrollWidth <= innerWidth")
    group = browser.find_element(By.CSS_SELECTOR, "fieldset[data-auth-kind=aksk]")
    assert group.rect["x"] + group.rect["width"] <= 390


def test_saving_tests_the_connection_and_the_credentials_page_says_so(browser, live_server, team_credential):
    open_logged_in(browser, live_server, f"/credentials/{team_credential.pk}/edit/")
    assert find(browser, "#id_test_connection").is_selected()  # ticked by default

    type_into(browser, "#id_name", "Renamed team")
    click(browser, "form.stacked button[type=submit]")

    wait_for_page(browser, "/credentials/")
    wait_for_text(browser, ".messages", "“Renamed team”: connected to ModelArts.")
    assert "✔ OK" in text_of(browser, "main table tbody tr")


def test_without_javascript_every_field_shows_and_the_form_works(browser_without_javascript, live_server, person):
    driver = browser_without_javascript
    open_logged_in(driver, live_server, "/credentials/add/")
    # No script ran: copy.js, which every page loads, marks the page when it does.
    assert "can-copy" not in (driver.find_element(By.TAG_NAME, "html").get_attribute("class") or "")

    assert all(shown(driver, css) for css in (*AKSK_ONLY, *PASSWORD_ONLY, "#id_secret"))
    legends = [element.text for element in driver.find_elements(By.CSS_SELECTOR, "fieldset.auth-group legend")]
    assert legends == [
        "Only for access key and secret key (AK/SK) authentication",
        "Only for IAM user name and password authentication",
    ]
    assert secret_label(driver) == "Secret key or password"
    screenshot(driver, "credential-form-without-javascript")

    type_into(driver, "#id_name", TEAM)
    driver.find_element(By.CSS_SELECTOR, f"#id_region option[value='{DEMO.region}']").click()
    type_into(driver, "#id_project_id", DEMO.project_id)
    click(driver, "#id_auth_kind_1")
    type_into(driver, "#id_access_key", "typed-into-the-wrong-group")
    type_into(driver, "#id_iam_domain", "acme")
    type_into(driver, "#id_iam_user", "mei-iam")
    type_into(driver, "#id_secret", "the-IAM-password-1")
    click(driver, "#id_test_connection")  # untick: nothing answers for this project in the tests
    click(driver, "form.stacked button[type=submit]")

    wait_for_page(driver, "/credentials/")
    assert f"Saved credential “{TEAM}”." in text_of(driver, ".messages")
    assert "IAM user mei-iam @ acme" in text_of(driver, "main table tbody tr")
    credential = Credential.objects.get(owner=person)
    assert (credential.auth_kind, credential.access_key) == ("password", "")
    assert "the-IAM-password-1" not in driver.page_source
