"""AK/SK request signing for Huawei Cloud API Gateway (scheme ``SDK-HMAC-SHA256``).

The canonical request is computed from the request as it goes on the wire (the final, percent-encoded URL,
the headers actually sent and the body's bytes), so the request that is sent is by construction the request
that was signed. The simulator checks signatures with its own implementation of the gateway's rules, so a
mistake here shows up there as a refused signature rather than being repeated on both sides.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import requests

from .errors import CredentialMalformed

ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "X-Sdk-Date"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"

# Hop-by-hop headers may be rewritten by any proxy on the way, so they are never signed. Nor is the body's
# length: the body's digest already covers it, and Huawei's own signer leaves it out (its vectors sign a POST
# with content-type;host;x-sdk-date only).
UNSIGNED_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)


# Printable ASCII without spaces: a value made of these neither breaks a header line nor changes its meaning.
HEADER_WORD = re.compile(r"\A[!-~]+\Z")


def fits_in_header(value: str) -> bool:
    return bool(HEADER_WORD.match(value))


def encode(value: str) -> str:
    """Percent-encode everything except letters, digits and ``-_.~``, as the gateway does."""
    return quote(value, safe="~")


def canonical_path(raw_path: str) -> str:
    """Each segment of the decoded path encoded again, and always a trailing slash."""
    path = "/".join(encode(segment) for segment in unquote(raw_path).split("/"))
    return path if path.endswith("/") else path + "/"


def canonical_query(raw_query: str) -> str:
    """Parameters sorted by decoded name, then value (repeated names keep every value)."""
    pairs = sorted(parse_qsl(raw_query, keep_blank_values=True))
    return "&".join(f"{encode(name)}={encode(value)}" for name, value in pairs)


def build_query(params: Iterable[tuple[str, str]]) -> str:
    """The query string a client should send: already in canonical form, so nothing re-encodes it."""
    return "&".join(f"{encode(name)}={encode(value)}" for name, value in sorted(params))


def build_path(segments: Iterable[str]) -> str:
    return "/" + "/".join(encode(segment) for segment in segments)


def body_digest(body: bytes | str | None) -> str:
    if body is None:
        body = b""
    elif isinstance(body, str):
        body = body.encode("utf-8")
    return hashlib.sha256(body).hexdigest()


def canonical_request(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Mapping[str, str],
    signed_headers: list[str],
    body: bytes | str | None,
) -> str:
    """The six-part canonical request. ``headers`` must have lower-case names."""
    header_lines = "".join(f"{name}:{headers[name].strip()}\n" for name in signed_headers)
    return "\n".join(
        [
            method.upper(),
            canonical_path(raw_path),
            canonical_query(raw_query),
            header_lines,
            ";".join(signed_headers),
            body_digest(body),
        ]
    )


def string_to_sign(sdk_date: str, canonical: str) -> str:
    return f"{ALGORITHM}\n{sdk_date}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def signature(secret_key: str, sdk_date: str, canonical: str) -> str:
    """Keyed with the SK itself: this scheme has no key derivation."""
    message = string_to_sign(sdk_date, canonical).encode("utf-8")
    return hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def authorization_header(access_key: str, signed_headers: list[str], signature_hex: str) -> str:
    names = ";".join(signed_headers)
    return f"{ALGORITHM} Access={access_key}, SignedHeaders={names}, Signature={signature_hex}"


def parse_authorization(value: str) -> dict[str, str] | None:
    """``Access``, ``SignedHeaders`` and ``Signature`` from an Authorization header, or None if malformed."""
    scheme, _, rest = value.partition(" ")
    if scheme != ALGORITHM:
        return None
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, sep, field_value = part.strip().partition("=")
        if not sep:
            return None
        fields[name] = field_value
    if set(fields) != {"Access", "SignedHeaders", "Signature"}:
        return None
    return fields


def format_sdk_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(DATE_FORMAT)


class AkSkAuth(requests.auth.AuthBase):
    """Signs each prepared request with an access key and secret key.

    ``clock`` exists so tests can send a request from the past (clock-skew refusals). An access key that
    cannot stand in the Authorization header is refused here, before any request exists: sent, it would
    break the header (a line break), fail to encode (non-ASCII) or change the header's meaning (a space).
    """

    def __init__(self, access_key: str, secret_key: str, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        if not fits_in_header(access_key):
            raise CredentialMalformed(
                "The access key contains a space, a line break, a control character or a non-ASCII character."
            )
        self.access_key = access_key
        self._secret_key = secret_key
        self._clock = clock

    def __repr__(self) -> str:  # never show the secret key in logs or tracebacks
        return f"AkSkAuth(access_key={self.access_key!r})"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        assert request.url is not None  # requests prepares the URL before calling the auth object
        url = urlsplit(request.url)
        request.headers["Host"] = url.netloc
        request.headers[DATE_HEADER] = format_sdk_date(self._clock())
        headers = {name.lower(): str(value) for name, value in request.headers.items()}
        headers.pop("authorization", None)
        signed = sorted(name for name in headers if name not in UNSIGNED_HEADERS)
        canonical = canonical_request(
            request.method or "GET", url.path or "/", url.query, headers, signed, request.body
        )
        request.headers["Authorization"] = authorization_header(
            self.access_key, signed, signature(self._secret_key, headers[DATE_HEADER.lower()], canonical)
        )
        return request
