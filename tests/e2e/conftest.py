"""Browser tests: headless Chromium (Debian's chromium + chromium-driver) driven by Selenium.

One browser serves the whole run; each test starts with it logged out, in a 1280x900 window. Pages come
from pytest-django's ``live_server`` in this process, so the ``settings`` and ``simulator`` fixtures apply.
When Chromium cannot be used (not installed, Selenium missing, it fails to start) each browser test is
skipped with the reason, which ``-ra`` prints in the summary. ``tests/e2e/ensure_browser.sh`` installs it.
Under `make screenshots` (UPDATE_SCREENSHOTS=1) they fail instead: a skipped test would leave a stale picture.
"""

import shutil
import tempfile

import pytest

from tests.conftest import make_simulated_credential
from tests.e2e.people import PASSWORD, TEAM, USERNAME
from tests.e2e.pictures import updating_screenshots


@pytest.fixture(scope="session")
def _chromium(live_server):
    """(driver, "") or (None, why not), started once for the whole run (and closed before the server)."""
    try:
        from tests.e2e.browser import start_chromium
    except ImportError as exc:
        yield None, f"Selenium is not installed ({exc}): install the project's test extras"
        return
    profile = tempfile.mkdtemp(prefix="e2e-chromium-")
    driver, reason = start_chromium(profile)
    yield driver, reason
    if driver is not None:
        driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(_chromium, live_server):
    """The shared browser, logged out (no cookies), at 1280x900 on a blank page."""
    driver, reason = _chromium
    if driver is None and updating_screenshots():
        pytest.fail(f"cannot refresh the screenshots: {reason}")
    if driver is None:
        pytest.skip(reason)
    from tests.e2e.browser import reset

    reset(driver)
    yield driver
    # Leave the page: its polling must not reach the server while later tests use the database.
    driver.get("about:blank")


@pytest.fixture
def person(django_user_model):
    return django_user_model.objects.create_user(USERNAME, password=PASSWORD)


@pytest.fixture
def team_credential(person, simulator):
    """Mei's AK/SK credential for the simulator's demo tenant, as the credential form and an admin leave it."""
    return make_simulated_credential(person, simulator, name=TEAM)
