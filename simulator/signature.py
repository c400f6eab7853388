"""The API gateway's check of an AK/SK signature (scheme ``SDK-HMAC-SHA256``), written from the gateway's rules.

It shares no code with the dashboard's signer on purpose: were both sides computed by one function, a mistake
in the canonical request would be made identically when signing and when verifying, and every test against
the simulator would pass. Everything here is derived from the request exactly as it arrived: the raw path
and query, the received header values and the body's bytes.

The canonical request is six parts joined by newlines:

1. the method, upper-cased;
2. the path, percent-decoded, split at ``/``, each segment percent-encoded again, always ending in ``/``;
3. the query's name=value pairs, each name and value percent-decoded and encoded again, sorted by name and then
   value, joined with ``&``;
4. one ``name:value`` line per signed header, in the order of the Authorization header, values trimmed;
5. the signed header names joined with ``;``;
6. the hex SHA-256 of the body.

Percent-encoding leaves letters, digits and ``-_.~`` alone and writes every other UTF-8 byte as ``%XX``.
Decoding works on bytes, so escapes of bytes that are not UTF-8 keep their identity instead of all becoming
U+FFFD. In a query ``+`` stands for a space, as servers read query strings.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

SCHEME = "SDK-HMAC-SHA256"
DATE_HEADER = "x-sdk-date"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"

_UNRESERVED = frozenset((string.ascii_letters + string.digits + "-_.~").encode("ascii"))
_AUTHORIZATION_FIELD = re.compile(r"\s*(Access|SignedHeaders|Signature)=([^,\s]+)\s*")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110's token


@dataclass(frozen=True)
class Authorization:
    """The three fields of an ``Authorization: SDK-HMAC-SHA256 ...`` header."""

    access_key: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(value: str) -> Authorization | None:
    """The header's fields, or None unless it is the scheme followed by each of the three fields exactly once,
    the signed headers being header names separated by ``;``."""
    scheme, _, rest = value.partition(" ")
    if scheme != SCHEME:
        return None
    fields: dict[str, str] = {}
    for part in rest.split(","):
        match = _AUTHORIZATION_FIELD.fullmatch(part)
        if match is None or match[1] in fields:
            return None
        fields[match[1]] = match[2]
    if len(fields) != 3:
        return None
    signed_headers = tuple(fields["SignedHeaders"].split(";"))
    if not all(_HEADER_NAME.fullmatch(name) for name in signed_headers):
        return None
    return Authorization(fields["Access"], signed_headers, fields["Signature"])


def percent_encode(raw: bytes) -> str:
    return "".join(chr(byte) if byte in _UNRESERVED else f"%{byte:02X}" for byte in raw)


def canonical_path(raw_path: str) -> str:
    segments = unquote_to_bytes(raw_path).split(b"/")
    path = "/".join(percent_encode(segment) for segment in segments)
    return path if path.endswith("/") else f"{path}/"


def canonical_query(raw_query: str) -> str:
    pairs = []
    for item in raw_query.split("&"):
        if not item:
            continue  # "a=1&&b=2" and a trailing "&" hold no parameter
        name, _, value = item.replace("+", " ").partition("=")
        pairs.append((unquote_to_bytes(name), unquote_to_bytes(value)))
    return "&".join(f"{percent_encode(name)}={percent_encode(value)}" for name, value in sorted(pairs))


def canonical_request(
    method: str, raw_path: str, raw_query: str, headers: Mapping[str, str], signed_headers: tuple[str, ...], body: bytes
) -> str:
    """The canonical form of a received request. ``headers`` has lower-case names and holds every signed one."""
    header_lines = "".join(f"{name}:{headers[name].strip()}\n" for name in signed_headers)
    parts = (
        method.upper(),
        canonical_path(raw_path),
        canonical_query(raw_query),
        header_lines,
        ";".join(signed_headers),
        hashlib.sha256(body).hexdigest(),
    )
    return "\n".join(parts)


def expected_signature(secret_key: str, sdk_date: str, canonical: str) -> str:
    """HMAC-SHA256, keyed with the secret key itself, of the scheme, the date and the canonical request's digest.

    Header values may hold bytes that are not UTF-8 (kept as surrogates when the request was read); they are
    hashed as the very bytes received.
    """
    digest = hashlib.sha256(canonical.encode("utf-8", "surrogateescape")).hexdigest()
    string_to_sign = f"{SCHEME}\n{sdk_date}\n{digest}"
    message = string_to_sign.encode("utf-8", "surrogateescape")
    return hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest()
