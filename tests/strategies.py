"""Hypothesis strategies for the property tests: JSON values, ModelArts answers, URL and form pieces.

Everything here is plain data; nothing touches the network or the database.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from jobs.status import GROUPS
from modelarts.errors import CODES
from modelarts.regions import REGIONS
from tests.conftest import PROJECT_A, PROJECT_B

MAX_LONG = 2**63 - 1
EPOCH_MS_MIN = -62_135_596_800_000  # 0001-01-01T00:00:00Z, the first instant a datetime can hold
EPOCH_MS_MAX = 253_402_300_799_000  # 9999-12-31T23:59:59Z, the last whole second
BOUNDARY_INTS = (
    0,
    1,
    -1,
    2**31 - 1,
    2**31,
    -(2**31),
    2**53,
    MAX_LONG,
    MAX_LONG + 1,
    -MAX_LONG,
    -(2**63),
    2**64,
    10**19,
    10**100,
    EPOCH_MS_MIN,
    EPOCH_MS_MIN - 1,
    EPOCH_MS_MAX,
    EPOCH_MS_MAX + 1000,
)

JOB_FIELDS = (
    "job_id",
    "job_name",
    "status",
    "create_time",
    "duration",
    "job_desc",
    "service_url",
    "train_url",
    "resource_id",
    "remaining_duration",
    "schedule",
)
LIST_FIELDS = ("jobs", "job_total_count", "job_count_limit", "quotas", "is_success")
ERROR_FIELDS = ("error_code", "error_msg", "error_message", "request_id", "error", "is_success")

# JSON values

json_keys = st.text(max_size=8) | st.sampled_from(JOB_FIELDS + LIST_FIELDS + ERROR_FIELDS)
# Python's json reads ints of up to 4300 digits
huge_integers = st.sampled_from([300, 4000]).map(lambda digits: 10**digits)
json_integers = st.integers() | st.sampled_from(BOUNDARY_INTS) | st.integers(-(2**70), 2**70) | huge_integers
json_scalars = st.none() | st.booleans() | json_integers | st.floats() | st.text(max_size=20)


def json_values(max_leaves: int = 12) -> st.SearchStrategy:
    """Anything ``json.loads`` can return: nested lists and objects of scalars, NaN and huge ints included."""
    return st.recursive(
        json_scalars,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(json_keys, children, max_size=4),
        max_leaves=max_leaves,
    )


# Values as ModelArts sends them, or garbles them: numbers as numbers, as strings, as floats, as nonsense.
integer_texts = st.one_of(
    json_integers.map(str),
    st.builds(
        lambda pad_left, number, pad_right: f"{pad_left}{number}{pad_right}",
        st.sampled_from(["", " ", "\t", "\n", "\u00a0", "\u3000"]),
        st.integers(-(2**64), 2**64),
        st.sampled_from(["", " ", "\n", "\u2003"]),
    ),
    st.sampled_from(["", " ", "-", "+1", "--1", "1e3", "0x10", "1_000", "1.0", "²", "١٢٣", "٣", "𝟙", "-0"]),
    st.text(alphabet="0123456789 -+.eE_", max_size=24),
)
epoch_ms = st.integers(EPOCH_MS_MIN - 10**6, EPOCH_MS_MAX + 10**6) | st.integers(0, 4_102_444_800_000)
integer_likes = st.one_of(
    json_integers,
    epoch_ms,
    integer_texts,
    st.floats(),
    st.integers(-(2**70), 2**70).map(float),
    st.booleans(),
    st.none(),
)
urls = st.one_of(
    st.sampled_from(
        [
            "https://tensorboard.example.com/10086/",
            "http://127.0.0.1:6006/",
            "javascript:alert(1)",
            "//evil.example.com",
            "obs://bucket/run/",
            "http://[::1",  # urlsplit raises ValueError on this
            "https://",
        ]
    ),
    st.text(max_size=30),
    st.builds("https://{}/{}".format, st.text(max_size=10), st.text(max_size=10)),
)
field_values = st.one_of(integer_likes, urls, st.text(), json_values(6))


def job_shaped() -> st.SearchStrategy:
    """A dict with some of a job's fields, each holding a value of any type, plus unexpected keys."""
    return st.builds(
        lambda fields, extra: {**extra, **fields},
        st.fixed_dictionaries({}, optional=dict.fromkeys(JOB_FIELDS, field_values)),
        st.dictionaries(st.text(max_size=8), json_values(4), max_size=2),
    )


def valid_jobs(job_id: st.SearchStrategy | None = None) -> st.SearchStrategy:
    """Jobs ModelArts could really send, with values at the edges of what they may hold."""
    number = st.integers(0, MAX_LONG)
    return st.fixed_dictionaries(
        {
            "job_id": job_id if job_id is not None else st.integers(1, MAX_LONG) | st.integers(0, 99_999),
            "status": st.integers(0, 22) | st.integers(-(2**31) + 1, 2**31 - 1),
        },
        optional={
            "job_name": st.text(max_size=300),
            "create_time": st.integers(EPOCH_MS_MIN, EPOCH_MS_MAX) | st.integers(1_500_000_000_000, 1_900_000_000_000),
            "duration": number | number.map(str),
            "remaining_duration": number,
            "job_desc": st.text(max_size=300),
            "service_url": urls,
            "train_url": st.text(max_size=50),
            "resource_id": st.text(max_size=300),
            "schedule": st.dictionaries(st.text(max_size=8), json_values(4), max_size=3),
            "is_success": st.just(True),
        },
    )


error_bodies = st.fixed_dictionaries(
    {},
    optional={
        "is_success": st.just(False) | json_scalars,
        "error_code": st.sampled_from(sorted(CODES)) | st.text(max_size=16) | json_scalars,
        "error_msg": st.sampled_from(["Job 1 does not exist.", "not found", "busy"]) | json_values(4),
        "error_message": st.text(max_size=40) | json_scalars,
        "request_id": st.text(max_size=40) | json_scalars,
        "error": st.fixed_dictionaries({}, optional=dict.fromkeys(("code", "message", "title"), json_scalars))
        | json_values(4),
    },
)


def list_shaped(jobs: st.SearchStrategy | None = None) -> st.SearchStrategy:
    item = jobs if jobs is not None else (valid_jobs() | job_shaped() | json_values(4))
    return st.fixed_dictionaries(
        {},
        optional={
            "is_success": st.booleans() | json_scalars,
            "jobs": st.lists(item, max_size=4) | json_values(4),
            "job_total_count": integer_likes,
            "job_count_limit": integer_likes,
            "quotas": integer_likes,
        },
    )


def valid_lists() -> st.SearchStrategy:
    """A page of the list as ModelArts would send it."""
    return st.fixed_dictionaries(
        {"jobs": st.lists(valid_jobs(), max_size=5, unique_by=lambda job: job["job_id"])},
        optional={
            "is_success": st.just(True),
            "job_total_count": st.integers(0, 10**6) | st.integers(0, 10**6).map(str),
            "job_count_limit": st.integers(0, 100),
            "quotas": st.integers(0, 100),
        },
    )


# Answers: what comes back over HTTP

COMMON_STATUSES = (200, 201, 204, 301, 302, 400, 401, 403, 404, 408, 429, 500, 502, 503, 504)
STATUS_CODES = st.sampled_from(COMMON_STATUSES) | st.integers(100, 599)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json;charset=UTF-8",
        "application/json; charset=latin-1",
        "application/json; charset=no-such-charset",
        "application/json; charset=idna",
        "text/html",
        "text/plain; charset=utf-16",
        "application/octet-stream",
    ]
)
header_texts = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)


def encoded_json(values: st.SearchStrategy) -> st.SearchStrategy:
    """JSON text as bytes, in the encodings requests may be asked to guess, sometimes cut short."""

    def encode(value, ensure_ascii, encoding, cut):
        data = json.dumps(value, ensure_ascii=ensure_ascii).encode(encoding)
        return data[:cut] if cut is not None else data

    return st.builds(
        encode,
        values,
        st.booleans(),
        st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "utf-32-le", "utf-8-sig"]),
        st.none() | st.none() | st.none() | st.integers(0, 40),
    )


@dataclass(frozen=True)
class Answer:
    """One upstream answer: a status, headers and a body, or a transport failure instead of any answer."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    failure: Exception | None = None

    def as_response(self, url: str = "https://modelarts.example.com/v1/p/visualization-jobs/1") -> requests.Response:
        """A requests.Response as the transport adapter builds it (encoding from the Content-Type)."""
        response = requests.models.Response()
        response.status_code = self.status
        response.headers = CaseInsensitiveDict(self.headers)
        response._content = self.body
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        response.url = url
        return response

    def for_responses(self):
        """The tuple (or exception) a responses callback returns."""
        if self.failure is not None:
            return self.failure
        return (self.status, dict(self.headers), self.body)


FAILURES = st.sampled_from(
    [
        requests.ConnectionError("connection refused"),
        requests.ConnectTimeout("connect timeout"),
        requests.ReadTimeout("read timeout"),
        requests.exceptions.ChunkedEncodingError("broken chunk"),
        requests.exceptions.ContentDecodingError("bad gzip"),
        requests.exceptions.SSLError("certificate verify failed"),
        requests.exceptions.TooManyRedirects("loop"),
    ]
)


@st.composite
def answer_headers(draw) -> dict[str, str]:
    headers = {}
    content_type = draw(st.none() | CONTENT_TYPES)
    if content_type is not None:
        headers["Content-Type"] = content_type
    extra = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "X-Request-Id": header_texts,
                "Retry-After": st.sampled_from(["0", "1", "3600", "Wed, 21 Oct 2015 07:28:00 GMT", "soon"]),
                "Location": st.sampled_from(
                    [
                        "/v1/0123456789abcdef0123456789abcdef/visualization-jobs/1",
                        "https://elsewhere.example.com/",
                        "http://169.254.169.254/latest/meta-data/",
                        "",
                    ]
                ),
            },
        )
    )
    headers.update(extra)
    return headers


def http_answers(bodies: st.SearchStrategy, statuses: st.SearchStrategy = STATUS_CODES) -> st.SearchStrategy:
    """HTTP answers carrying the given JSON bodies (encoded, maybe cut short), or any bytes at all."""
    body_bytes = st.one_of(
        encoded_json(bodies),
        encoded_json(bodies),
        encoded_json(bodies),
        st.binary(max_size=64),
        st.sampled_from([b"", b"null", b"<html><title>502 Bad Gateway</title></html>", b"\xef\xbb\xbf{}", b"{"]),
    )
    return st.builds(Answer, status=statuses, headers=answer_headers(), body=body_bytes)


def answers(bodies: st.SearchStrategy) -> st.SearchStrategy:
    """HTTP answers, and now and then no answer at all (a transport failure)."""
    answer = http_answers(bodies)
    return answer | answer | answer | st.builds(Answer, failure=FAILURES)


def _ok(bodies: st.SearchStrategy) -> st.SearchStrategy:
    """A plain successful answer."""
    body = bodies.map(lambda value: json.dumps(value).encode())
    return st.builds(Answer, status=st.just(200), headers=st.just({"Content-Type": "application/json"}), body=body)


detail_bodies = valid_jobs() | job_shaped() | error_bodies | json_values()
list_bodies = list_shaped() | error_bodies | json_values()


def detail_answers(job_id: int | None = None) -> st.SearchStrategy:
    """Answers to a job's detail request: the job asked for, broken jobs, errors, anything."""
    own = valid_jobs(st.just(job_id)) if job_id is not None else valid_jobs()
    return _ok(own) | _ok(own) | answers(own | detail_bodies)


def list_answers() -> st.SearchStrategy:
    """Answers to a list request: plausible pages of jobs, broken ones, errors, anything."""
    return _ok(valid_lists()) | _ok(valid_lists()) | answers(valid_lists() | list_bodies)


# Signing: paths, queries and headers

UNRESERVED = string.ascii_letters + string.digits + "-_.~"
TOKEN_CHARS = string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~"  # RFC 9110 header-name characters
HOP_BY_HOP = ("Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Proxy-Authorization")

url_texts = st.text(max_size=12) | st.sampled_from(["", "a b", "a/b", "%", "%2F", "+", "~", "中文", "?#&=", "名 字"])
# Printable header values: no control characters, no separators other than space and tab, no leading blank.
header_values = st.text(
    alphabet=st.characters(exclude_categories=("C", "Z")) | st.sampled_from(" \t"), max_size=30
).map(lambda value: value.lstrip(" \t"))
header_names = st.text(alphabet=TOKEN_CHARS, min_size=1, max_size=16) | st.sampled_from(
    HOP_BY_HOP + ("Content-Type", "User-Agent", "X-Project-Id", "Accept")
)


def percent(char: str, lower: bool = False) -> str:
    return "".join(f"%{byte:02x}" if lower else f"%{byte:02X}" for byte in char.encode("utf-8"))


@st.composite
def wire_encoded(draw, text: str, *, query: bool) -> str:
    """``text`` as some client might put it on the wire: any valid mix of literal and percent-encoded
    characters, lower- or upper-case hex, '+' for spaces in a query."""
    out = []
    for char in text:
        options = [percent(char), percent(char, lower=True)]
        if char in UNRESERVED:
            options.append(char)
        elif char == " " and query:
            options.append("+")
        elif char not in "%?#" and not (query and char in "&=+") and char.isprintable() and not char.isspace():
            options.append(char)  # reserved or non-ASCII characters left as they are
        out.append(draw(st.sampled_from(options)))
    return "".join(out)


@st.composite
def paths(draw) -> tuple[str, str]:
    """(the decoded path, the raw path as sent): arbitrary segments, empty ones included."""
    segments = draw(st.lists(url_texts, max_size=5))
    decoded = "/" + "/".join(segments)
    raw = "/" + "/".join([draw(wire_encoded(segment, query=False)) for segment in segments])
    return decoded, raw


@st.composite
def queries(draw) -> tuple[list[tuple[str, str]], str]:
    """(the parameters meant, the raw query string): repeated names, empty values, any order."""
    names = st.sampled_from(["page", "a", "名", ""]) | url_texts
    params = draw(st.lists(st.tuples(names, url_texts), max_size=6))
    pieces = [
        draw(wire_encoded(name, query=True)) + "=" + draw(wire_encoded(value, query=True)) for name, value in params
    ]
    pieces += [""] * draw(st.integers(0, 2))  # stray '&'s carry no parameter
    return params, "&".join(draw(st.permutations(pieces)))


# Django views: URLs, query strings and form data

project_ids = st.one_of(
    st.sampled_from([PROJECT_A, PROJECT_B, PROJECT_A.upper(), f" {PROJECT_A} ", PROJECT_A[:-1], PROJECT_A + "0"]),
    st.from_regex(r"[0-9a-f]{32}", fullmatch=True),
    st.text(max_size=40),
)
valid_job_ids = st.integers(1, MAX_LONG).map(str) | st.integers(1, 99_999).map(str)
job_id_texts = st.one_of(
    st.integers(1, MAX_LONG).map(str),
    st.integers(-5, 2**64).map(str),
    st.from_regex(r"[0-9]{1,21}", fullmatch=True),
    st.sampled_from(["0", "00010086", "10086 ", "1e3", "١٢٣", "²", "-1", str(MAX_LONG), str(MAX_LONG + 1)]),
    st.text(max_size=25),
)
form_texts = st.text(max_size=40) | st.sampled_from(["", " ", "\x00", "a\x00b", "x" * 300])
SORTS = ("created", "-created", "name", "-name", "status", "-status", "duration", "-duration")
list_params = {
    "q": form_texts | st.integers(0, 2**64).map(str),
    "group": st.sampled_from(GROUPS) | form_texts,
    "status": st.integers(-(2**63), 2**63).map(str) | st.integers(-3, 25).map(str) | form_texts,
    "long_running": st.sampled_from(["1", "on", "true", "false", "0", ""]) | form_texts,
    "sort": st.sampled_from(SORTS) | form_texts,
    "per_page": st.sampled_from(["10", "25", "200", "0", "-1", "1000000"]) | form_texts,
    "page": st.integers(-(2**64), 2**64).map(str) | st.sampled_from(["last", "1.5"]) | form_texts,
}
credential_fields = {
    "name": form_texts | st.just("Vision team"),
    "region": st.sampled_from(REGIONS) | form_texts,
    "project_id": project_ids,
    "auth_kind": st.sampled_from(["aksk", "password"]) | form_texts,
    "access_key": st.just("AKALICE0000000000000") | form_texts,
    "iam_domain": st.just("acme") | form_texts,
    "iam_user": st.just("alice") | form_texts,
}
valid_credential = {
    "name": "Vision team",
    "region": "cn-north-4",
    "project_id": "00112233445566778899aabbccddeeff",
    "auth_kind": "aksk",
    "access_key": "AKALICE0000000000000",
}
# A distinctive prefix, so finding the secret in a page can only mean the page shows it.
secrets = st.builds("Sk-{}-{}".format, st.text(min_size=4, max_size=300), st.text(max_size=8))


@st.composite
def query_strings(draw, known: dict[str, st.SearchStrategy]) -> str:
    """A QUERY_STRING as WSGI hands it over (bytes as latin-1): the page's own parameters with good and
    bad values, unknown parameters, repeated ones, or bytes that are no query at all."""
    names = st.sampled_from(sorted(known)) if known else st.nothing()
    name = names | names | st.text(max_size=10)
    pairs = []
    for key in draw(st.lists(name, max_size=6)):
        value = draw((known[key] | form_texts) if key in known else form_texts)
        pairs.append((key, value))
    encoded = st.just(urlencode(pairs).encode("ascii"))
    raw = draw(encoded | encoded | encoded | st.binary(max_size=40))
    return raw.decode("iso-8859-1")


@st.composite
def form_data(draw, fields: dict[str, st.SearchStrategy], valid: dict[str, str]) -> list[tuple[str, str]]:
    """POST data: often a valid form with a few fields changed, dropped or repeated; otherwise the form's
    fields with any values, some missing, some repeated; and now and then fields the form does not know."""
    base = draw(st.sampled_from([valid, valid, {}]))
    pairs = []
    for name, values in fields.items():
        kept = [base[name]] if name in base else []
        changed = st.lists(values, max_size=2)
        pairs += [(name, value) for value in draw(st.one_of([st.just(kept)] * 6 + [changed]))]
    pairs += draw(st.lists(st.tuples(st.text(max_size=10), form_texts), max_size=2))
    return draw(st.permutations(pairs))
