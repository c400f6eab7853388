"""Sending one HTTP request and turning every transport failure into a readable ModelArtsError."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from .errors import ConnectionFailed, ModelArtsError, UpstreamTimeout


@dataclass(frozen=True)
class Timeouts:
    connect: float = 3.05
    read: float = 10.0


def send(session: requests.Session, method: str, url: str, *, timeouts: Timeouts, **kwargs: Any) -> requests.Response:
    host = urlsplit(url).netloc
    try:
        # Never follow redirects: they would carry the signature or token to wherever ModelArts points.
        return session.request(method, url, timeout=(timeouts.connect, timeouts.read), allow_redirects=False, **kwargs)
    except requests.ConnectTimeout as exc:
        raise ConnectionFailed(f"Timed out connecting to {host} after {timeouts.connect:g} s.") from exc
    except requests.ReadTimeout as exc:
        raise UpstreamTimeout(f"{host} did not answer within {timeouts.read:g} s.") from exc
    except requests.ConnectionError as exc:
        raise ConnectionFailed(f"Could not connect to {host}{_reason(exc)}.") from exc
    except requests.RequestException as exc:
        raise ModelArtsError(f"The request to {host} failed: {type(exc).__name__}.") from exc


def _reason(exc: Exception) -> str:
    """The operating system's words ("Connection refused") buried in urllib3's long message."""
    match = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(exc))
    if match:
        return f": {match.group(1).strip()}"
    if "RemoteDisconnected" in str(exc) or "Connection aborted" in str(exc):
        return ": the connection was closed without an answer"
    return ""
