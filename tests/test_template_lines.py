"""Template source stays readable in a review: no line over 160 characters (djhtml checks the indentation)."""

from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MAX_LINE = 160


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_the_templates_are_found():
    assert len(_templates()) > 20


@pytest.mark.parametrize("path", _templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_no_template_line_is_too_long(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    too_long = [f"line {number}: {len(line)}" for number, line in enumerate(lines, 1) if len(line) > MAX_LINE]
    assert not too_long, f"{path.relative_to(TEMPLATES)} has lines over {MAX_LINE} characters: {too_long}"
