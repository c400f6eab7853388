"""The stylesheet's blocks close where they should: a rule meant for every screen must not end up inside a
phone-only @media block because the block above it was left open (the API reference's desktop styles once did,
and applied only on phones)."""

import re
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "app.css"


def blocks(css: str) -> list[tuple[str, int]]:
    """Each block's prelude (selector or at-rule) and its nesting depth, comments left out."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found, depth, start = [], 0, 0
    for index, char in enumerate(css):
        if char == "{":
            found.append((css[start:index].strip(), depth))
            depth += 1
            start = index + 1
        elif char == "}":
            depth -= 1
            assert depth >= 0, f"a '}}' closes nothing near {css[max(0, index - 60) : index]!r}"
            start = index + 1
        elif char == ";" and depth == 0:
            start = index + 1
    assert depth == 0, "a block is left open"
    return found


def test_every_block_is_closed():
    blocks(STYLESHEET.read_text())


def test_no_media_query_sits_inside_another():
    nested = [prelude for prelude, depth in blocks(STYLESHEET.read_text()) if prelude.startswith("@") and depth]
    assert nested == []


def test_the_checks_see_an_unclosed_media_block():
    """The test above would notice the mistake it is for."""
    broken = "@media (max-width: 40rem) {\n  .a { color: red; }\n.b { color: blue; }\n@media print { .c {} }\n}"
    assert ("@media print", 1) in blocks(broken)
