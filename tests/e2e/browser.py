"""Driving headless Chromium the way a person uses a page: type, choose, click, read what is visible.

Every step waits explicitly (WebDriverWait) for what it needs instead of sleeping.
"""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.e2e.people import PASSWORD, USERNAME
from tests.e2e.pictures import screenshot_path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=en-US",
)
WINDOW = (1280, 900)
PHONE = (390, 844)
WAIT_SECONDS = 10
HOW_TO_INSTALL = "install the Debian packages chromium and chromium-driver (tests/e2e/ensure_browser.sh does, as root)"

LIVE_POLL_SECONDS = 5  # static/js/live.js: the first poll of a page's live region


def start_chromium(profile: str) -> tuple[WebDriver | None, str]:
    """Headless Chromium with a fresh profile, or None and the reason it cannot be used."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).is_file()]
    if missing:
        return None, f"Chromium is not available ({', '.join(missing)} missing): {HOW_TO_INSTALL}"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # both paths given: Selenium never looks for, or downloads, a browser
    for argument in (*CHROMIUM_ARGS, f"--user-data-dir={profile}", "--window-size={},{}".format(*WINDOW)):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})  # pages start in English
    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    except Exception as exc:  # whatever stops it from starting means: no usable browser here
        message = exc.msg if isinstance(exc, WebDriverException) and exc.msg else str(exc)
        lines = message.strip().splitlines()
        return None, f"Chromium did not start: {lines[0] if lines else repr(exc)}"
    driver.set_page_load_timeout(30)
    return driver, ""


def reset(driver: WebDriver) -> None:
    """No cookies (logged out, default language), a 1280x900 desktop screen, a blank page."""
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.set_window_size(*WINDOW)
    _screen(driver, WINDOW, mobile=False)
    driver.get("about:blank")


def _screen(driver: WebDriver, size: tuple[int, int], mobile: bool) -> None:
    """Lay pages out for exactly this screen size (the page area, without the window's own bars)."""
    width, height = size
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


class _Wait(WebDriverWait):
    """Conditions are tried again when an element went stale: live regions and page loads replace them.
    Chromium sometimes reports that as an "inspector error" about a node no longer in the document
    rather than as a stale element; that counts as stale too."""

    def until(self, method, message: str = ""):
        def tolerant(driver):
            try:
                return method(driver)
            except WebDriverException as error:
                if "does not belong to the document" in (error.msg or ""):
                    return False
                raise

        return super().until(tolerant, message)


def wait(driver: WebDriver, seconds: float = WAIT_SECONDS) -> WebDriverWait:
    return _Wait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,))


def find(driver: WebDriver, css: str):
    """The element, once it is visible."""
    return wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def find_all(driver: WebDriver, css: str) -> list:
    return driver.find_elements(By.CSS_SELECTOR, css)


def click(driver: WebDriver, css: str = "", *, text: str = "") -> None:
    """Click a link or button given by CSS selector, or by its visible text."""
    if text:
        locator = (By.XPATH, f"//*[self::a or self::button][normalize-space()={_xpath_literal(text)}]")
    else:
        locator = (By.CSS_SELECTOR, css)
    wait(driver).until(EC.element_to_be_clickable(locator)).click()


def type_into(driver: WebDriver, css: str, value: str) -> None:
    field = find(driver, css)
    field.clear()
    field.send_keys(value)


def choose(driver: WebDriver, css: str, *, label: str = "", value: str = "") -> None:
    select = Select(find(driver, css))
    if label:
        select.select_by_visible_text(label)
    else:
        select.select_by_value(value)


def text_of(driver: WebDriver, css: str) -> str:
    """The element's visible text, read again if live.js replaced the element in the meantime."""

    def visible_text(driver: WebDriver) -> str | bool:
        element = driver.find_element(By.CSS_SELECTOR, css)
        return element.is_displayed() and (element.text or " ")  # " ": shown but empty, still an answer

    return wait(driver).until(visible_text).strip()


def wait_for_text(driver: WebDriver, css: str, text: str, seconds: float = WAIT_SECONDS) -> str:
    """Wait until the element's visible text contains ``text``; returns all of its visible text."""
    wait(driver, seconds).until(
        EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text), f"no {text!r} in {css} within {seconds} s"
    )
    return driver.find_element(By.CSS_SELECTOR, css).text


def wait_for_page(driver: WebDriver, path: str) -> None:
    """Wait until the browser has loaded the page at ``path`` (the query string too, when given)."""

    def arrived(driver: WebDriver) -> bool:
        url = urlsplit(driver.current_url)
        shown = f"{url.path}?{url.query}" if "?" in path else url.path
        return shown == path and driver.execute_script("return document.readyState") == "complete"

    wait(driver).until(arrived, f"did not arrive at {path}; the browser shows {driver.current_url}")


def wait_for_query(driver: WebDriver, path: str, **params: str) -> None:
    """Wait until the browser has loaded the page at ``path`` with (at least) these query parameters."""

    def arrived(driver: WebDriver) -> bool:
        url = urlsplit(driver.current_url)
        shown = {name: values[-1] for name, values in parse_qs(url.query).items()}
        return (
            url.path == path
            and params.items() <= shown.items()
            and driver.execute_script("return document.readyState") == "complete"
        )

    wait(driver).until(arrived, f"did not arrive at {path} with {params}; the browser shows {driver.current_url}")


def log_in(driver: WebDriver, username: str, password: str) -> None:
    """Fill in the login form on the current page and submit it."""
    type_into(driver, "#id_username", username)
    type_into(driver, "#id_password", password)
    click(driver, "form[action$='/accounts/login/'] button[type=submit]")


def screenshot(driver: WebDriver, name: str) -> None:
    """<name>.png where this run keeps it (tests/e2e/pictures.py), replaced on every run."""
    path = screenshot_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))


def phone_screenshot(driver: WebDriver, name: str) -> None:
    """The current page laid out for a 390x844 phone screen."""
    _screen(driver, PHONE, mobile=True)
    try:
        driver.refresh()
        wait(driver).until(lambda driver: driver.execute_script("return document.readyState") == "complete")
        screenshot(driver, name)
    finally:
        _screen(driver, WINDOW, mobile=False)


def _xpath_literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in text.split("'")) + ")"


def open_logged_in(driver: WebDriver, live_server, path: str) -> None:
    """Open a page as the ``person`` fixture; the dashboard asks to log in first and then shows that page."""
    driver.get(live_server.url + path)
    wait_for_page(driver, "/accounts/login/")
    log_in(driver, USERNAME, PASSWORD)
    wait_for_page(driver, path)
