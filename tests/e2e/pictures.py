"""Where the browser tests save their screenshots.

`make test` must leave the checkout as it was, so a normal run writes them into tests/e2e/screenshots/,
which git ignores (look there after a run). `make screenshots` sets UPDATE_SCREENSHOTS=1 to refresh the
README's pictures in docs/screenshots/ on purpose.
"""

import os
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
README_SCREENSHOTS = CHECKOUT / "docs" / "screenshots"
RUN_SCREENSHOTS = CHECKOUT / "tests" / "e2e" / "screenshots"


def updating_screenshots() -> bool:
    """Whether this run refreshes the README's screenshots (`make screenshots`)."""
    return os.environ.get("UPDATE_SCREENSHOTS", "") == "1"


def screenshot_folder() -> Path:
    return README_SCREENSHOTS if updating_screenshots() else RUN_SCREENSHOTS
