"""Running the tests leaves the checkout as it was: the browser tests' screenshots go to a folder git
ignores, and only `make screenshots` writes the README's pictures in docs/screenshots/."""

import shutil
import subprocess

import pytest

from tests.e2e.pictures import CHECKOUT, README_SCREENSHOTS, screenshot_path


def git_ignores(path) -> bool:
    if shutil.which("git") is None or not (CHECKOUT / ".git").exists():
        pytest.skip("not a git checkout")
    relative = path.relative_to(CHECKOUT)
    return subprocess.run(["git", "check-ignore", "-q", str(relative)], cwd=CHECKOUT, check=False).returncode == 0


def test_a_test_run_saves_screenshots_where_git_does_not_look(monkeypatch):
    monkeypatch.delenv("UPDATE_SCREENSHOTS", raising=False)
    path = screenshot_path("detail")
    assert path.parent != README_SCREENSHOTS
    assert git_ignores(path)


def test_make_screenshots_refreshes_the_readme_pictures(monkeypatch):
    monkeypatch.setenv("UPDATE_SCREENSHOTS", "1")
    assert screenshot_path("detail") == README_SCREENSHOTS / "detail.png"
    assert not git_ignores(README_SCREENSHOTS / "detail.png")
    # A picture the README does not show stays out of docs/.
    assert git_ignores(screenshot_path("job-deleted"))
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    commands = subprocess.run(
        ["make", "--dry-run", "--always-make", "screenshots"], cwd=CHECKOUT, capture_output=True, text=True, check=True
    ).stdout
    assert "UPDATE_SCREENSHOTS=1 " in commands
    assert "-m pytest tests/e2e" in commands
