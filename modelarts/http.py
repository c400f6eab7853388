"""Sending one HTTP request and reading its answer, turning every transport failure into a readable
ModelArtsError, and every answer too large or too deep to handle safely into a BadResponse."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3

from .errors import BadResponse, ConnectionFailed, ModelArtsError, ResponseTooLarge, UpstreamTimeout

DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024  # a list page of 1000 jobs is well under 2 MiB
READ_CHUNK_BYTES = 64 * 1024
# ModelArts' deepest answer (a list, its jobs, a job's schedule) is four levels; everything after the
# client (cleaning, storing, caching, rendering) walks values recursively and must never meet a deep one.
MAX_JSON_DEPTH = 32


@dataclass(frozen=True)
class Timeouts:
    connect: float = 3.05
    read: float = 10.0


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    timeouts: Timeouts,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    **kwargs: Any,
) -> requests.Response:
    """The answer, its body read (at most ``max_response_bytes`` of it)."""
    host = urlsplit(url).netloc
    try:
        # Never follow redirects: they would carry the signature or token to wherever ModelArts points.
        response = session.request(
            method, url, timeout=(timeouts.connect, timeouts.read), allow_redirects=False, stream=True, **kwargs
        )
        _read_body(response, max_response_bytes, host)
        return response
    except requests.ConnectTimeout as exc:
        message = f"Timed out connecting to {host} after {timeouts.connect:g} s."
        raise ConnectionFailed(message, unsent=True) from exc
    except requests.ReadTimeout as exc:
        raise UpstreamTimeout(f"{host} did not answer within {timeouts.read:g} s.") from exc
    except requests.ConnectionError as exc:
        raise ConnectionFailed(f"Could not connect to {host}{_reason(exc)}.", unsent=_never_connected(exc)) from exc
    except (requests.RequestException, ValueError) as exc:  # ValueError: http.client refusing a header
        failure = type(exc).__name__
    except OSError as exc:  # requests' own refusal to start: the CA bundle named in REQUESTS_CA_BUNDLE is missing
        raise ConnectionFailed(
            f"Could not connect to {host}: the CA bundle in REQUESTS_CA_BUNDLE cannot be read.", unsent=True
        ) from exc
    # Raised outside the handler, so that neither __cause__ nor __context__ keeps the original: its text
    # quotes the offending header value, which may be an Authorization header or a token.
    raise ModelArtsError(f"The request to {host} failed: {failure}.")


def _read_body(response: requests.Response, limit: int, host: str) -> None:
    """Reads the body in chunks and stops past ``limit`` bytes, so a huge answer never fills memory. The
    body is then the response's content, as if requests had read it."""
    try:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(response, limit, host)
        body = bytearray()
        for chunk in response.iter_content(READ_CHUNK_BYTES):
            body += chunk
            if len(body) > limit:
                raise _too_large(response, limit, host)
        response._content = bytes(body)
    finally:
        response.close()  # back to the pool when read to the end; otherwise the connection is dropped


def _too_large(response: requests.Response, limit: int, host: str) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"The answer from {host} is larger than {limit} bytes, the most the dashboard reads.",
        http_status=response.status_code,
    )


def json_body(response: requests.Response) -> Any:
    """The answer's JSON value, or None when it is not JSON; raises BadResponse when it nests deeper than
    MAX_JSON_DEPTH."""
    try:
        value = response.json(parse_constant=_refuse_non_finite)
    except RecursionError:  # deeper than the parser goes
        raise _too_deep(response) from None
    except ValueError:
        return None
    if _nests_deeper_than(value, MAX_JSON_DEPTH):
        raise _too_deep(response)
    return value


def _refuse_non_finite(constant: str) -> float:
    """NaN and Infinity are not JSON; Python's parser accepts them, databases' JSON columns do not."""
    raise ValueError(f"{constant} is not valid JSON")


def _nests_deeper_than(value: Any, limit: int) -> bool:
    """Iterative, so that measuring a deep value cannot exhaust the stack itself."""
    pending = [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict | list):
            if level > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, level + 1) for child in children)
    return False


def _too_deep(response: requests.Response) -> BadResponse:
    return BadResponse(
        f"The answer is nested more than {MAX_JSON_DEPTH} levels deep.", http_status=response.status_code
    )


def _never_connected(exc: requests.ConnectionError) -> bool:
    """Whether the connection itself failed (refused, unresolvable, its TLS refused), before any of the request
    was sent; rather than closed without an answer, after the request may have gone."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.SSLError))


def _reason(exc: Exception) -> str:
    """The operating system's words ("Connection refused") buried in urllib3's long message, or why the
    endpoint's TLS certificate was refused (verification is never turned off: see the README's deployment
    section for a private CA)."""
    match = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(exc))
    if match:
        return f": {match.group(1).strip()}"
    match = re.search(r"certificate verify failed: ([^'\"(]+)", str(exc))
    if match:
        return f": its TLS certificate is not trusted ({match.group(1).strip()})"
    if "RemoteDisconnected" in str(exc) or "Connection aborted" in str(exc):
        return ": the connection was closed without an answer"
    return ""
