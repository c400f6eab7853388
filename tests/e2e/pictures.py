"""Where the browser tests save their screenshots.

`make test` must leave the checkout as it was, so a normal run writes them into tests/e2e/screenshots/,
which git ignores (look there after a run). `make screenshots` sets UPDATE_SCREENSHOTS=1 to refresh the
README's pictures in docs/screenshots/ on purpose: those the README shows go there, the others still to the
ignored folder, so that docs/ holds no picture nobody sees.
"""

import os
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
README_SCREENSHOTS = CHECKOUT / "docs" / "screenshots"
RUN_SCREENSHOTS = CHECKOUT / "tests" / "e2e" / "screenshots"


def updating_screenshots() -> bool:
    """Whether this run refreshes the README's screenshots (`make screenshots`)."""
    return os.environ.get("UPDATE_SCREENSHOTS", "") == "1"


def screenshot_path(name: str) -> Path:
    """Where the screenshot called ``name`` goes in this run."""
    shown = f"docs/screenshots/{name}.png" in (CHECKOUT / "README.md").read_text()
    folder = README_SCREENSHOTS if updating_screenshots() and shown else RUN_SCREENSHOTS
    return folder / f"{name}.png"
