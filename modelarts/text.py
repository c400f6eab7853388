"""Text from ModelArts made storable: any database takes it, and PostgreSQL refuses NUL characters and
unpaired surrogates (which JSON can spell as \\u0000 and \\ud800), so those never leave the client."""

from typing import Any


def clean(text: str) -> str:
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def clean_json(value: Any) -> Any:
    """The same for every string (keys included) inside a parsed JSON value."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(str(key)): clean_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    return value
