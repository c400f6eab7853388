"""AK/SK signing: Huawei's vectors reproduced byte for byte, and the canonical request's edge cases."""

import hashlib
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import requests

from modelarts import signing
from tests.signing_vectors import VECTORS, vector_id

VECTOR_TIME = datetime(2019, 11, 15, 3, 36, 55, tzinfo=UTC)


def signed_vector_request(vector):
    """The vector's request as the client prepares it (query in the vector's order), signed at the vector's time."""
    headers = {name: value for name, value in vector.headers.items() if name not in ("Host", "X-Sdk-Date")}
    prepared = requests.Request(
        vector.method,
        f"https://{vector.host}{vector.path}",
        params=list(vector.query),
        headers=headers,
        data=vector.body,
    ).prepare()
    return signing.AkSkAuth(vector.access_key, vector.secret_key, clock=lambda: vector.signed_at)(prepared)


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_signer_reproduces_the_vector(vector):
    prepared = signed_vector_request(vector)

    assert prepared.headers["Authorization"] == vector.authorization
    assert prepared.headers["X-Sdk-Date"] == vector.headers["X-Sdk-Date"]
    assert prepared.headers["Host"] == vector.host
    assert (prepared.body or b"") == vector.body  # the bytes sent are the bytes whose digest was signed


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_canonical_request_of_the_request_as_sent_matches_the_vector(vector):
    prepared = signed_vector_request(vector)
    url = urlsplit(prepared.url)
    headers = {name.lower(): value for name, value in prepared.headers.items()}
    signed_headers = signing.parse_authorization(prepared.headers["Authorization"])["SignedHeaders"].split(";")
    canonical = signing.canonical_request(prepared.method, url.path, url.query, headers, signed_headers, prepared.body)

    if vector.canonical_request is not None:
        assert canonical == vector.canonical_request
    assert hashlib.sha256(canonical.encode()).hexdigest() == vector.canonical_request_sha256
    assert signing.signature(vector.secret_key, vector.headers["X-Sdk-Date"], canonical) == vector.signature


def test_vectors_cover_reads_and_every_kind_of_write():
    assert {vector.method for vector in VECTORS} == {"GET", "POST", "PUT", "DELETE"}
    assert any(vector.body and not vector.body.isascii() for vector in VECTORS)


def test_the_length_of_a_body_is_not_signed():
    """The body's digest already covers it, and Huawei's signer leaves Content-Length out (the vectors)."""
    vector = next(vector for vector in VECTORS if vector.body)
    prepared = signed_vector_request(vector)

    assert prepared.headers["Content-Length"] == str(len(vector.body))
    assert "content-length" not in signing.parse_authorization(prepared.headers["Authorization"])["SignedHeaders"]


def test_canonical_request_layout():
    canonical = signing.canonical_request(
        "get", "/v1/p/jobs", "", {"host": "h", "x-sdk-date": "d"}, ["host", "x-sdk-date"], None
    )

    assert canonical.split("\n") == [
        "GET",
        "/v1/p/jobs/",
        "",
        "host:h",
        "x-sdk-date:d",
        "",
        "host;x-sdk-date",
        hashlib.sha256(b"").hexdigest(),
    ]


@pytest.mark.parametrize(
    ("raw_query", "expected"),
    [
        ("b=2&a=1", "a=1&b=2"),
        ("a=2&a=1&a=10", "a=1&a=10&a=2"),  # repeated names keep every value, sorted
        ("empty=&flag=", "empty=&flag="),
        ("q=a%20b", "q=a%20b"),
        ("q=a+b", "q=a%20b"),  # '+' in a query means a space
        ("q=%7E~", "q=~~"),  # '~' is never encoded
        ("q=a%2Fb%3D", "q=a%2Fb%3D"),  # reserved characters stay encoded
        ("n%C3%A4me=%E4%B8%AD", "n%C3%A4me=%E4%B8%AD"),
        ("z=1&%C3%A9=2&~=3", "z=1&~=3&%C3%A9=2"),  # sorted by decoded name (code points), not by encoding
        ("", ""),
    ],
)
def test_canonical_query(raw_query, expected):
    assert signing.canonical_query(raw_query) == expected


@pytest.mark.parametrize(
    ("raw_path", "expected"),
    [
        ("/v1/p/visualization-jobs", "/v1/p/visualization-jobs/"),
        ("/v1/p/visualization-jobs/", "/v1/p/visualization-jobs/"),  # a trailing slash is not doubled
        ("/", "/"),
        ("/a%20b/c", "/a%20b/c/"),
        ("/%E4%B8%AD%E6%96%87", "/%E4%B8%AD%E6%96%87/"),
        ("/a:b@c", "/a%3Ab%40c/"),
    ],
)
def test_canonical_path(raw_path, expected):
    assert signing.canonical_path(raw_path) == expected


def test_header_values_are_trimmed_and_names_lowercased():
    prepared = requests.Request("GET", "https://h.example/x", headers={"X-Custom": "spaced  "}).prepare()
    signing.AkSkAuth("AK", "SK", clock=lambda: VECTOR_TIME)(prepared)
    fields = signing.parse_authorization(prepared.headers["Authorization"])

    assert fields["SignedHeaders"] == "host;x-custom;x-sdk-date"
    headers = {name.lower(): value for name, value in prepared.headers.items()}
    canonical = signing.canonical_request("GET", "/x", "", headers, fields["SignedHeaders"].split(";"), None)
    assert "x-custom:spaced\n" in canonical
    assert fields["Signature"] == signing.signature("SK", "20191115T033655Z", canonical)


def test_body_is_part_of_the_signature():
    def signed(body):
        prepared = requests.Request("POST", "https://h.example/x", data=body).prepare()
        signing.AkSkAuth("AK", "SK", clock=lambda: VECTOR_TIME)(prepared)
        return prepared.headers["Authorization"]

    assert signed(b'{"a": 1}') != signed(b'{"a": 2}')


def test_hop_by_hop_headers_are_not_signed():
    prepared = requests.Request("GET", "https://h.example/x", headers={"Connection": "keep-alive"}).prepare()
    signing.AkSkAuth("AK", "SK", clock=lambda: VECTOR_TIME)(prepared)

    assert "connection" not in signing.parse_authorization(prepared.headers["Authorization"])["SignedHeaders"]


def test_secret_key_is_not_in_repr():
    assert "SK-SECRET" not in repr(signing.AkSkAuth("AK", "SK-SECRET"))


@pytest.mark.parametrize(
    "header",
    [
        "Basic abc",
        "SDK-HMAC-SHA256 Access=a, SignedHeaders=host",
        "SDK-HMAC-SHA256 Access=a SignedHeaders=host Signature=x",
        "",
    ],
)
def test_parse_authorization_rejects_malformed(header):
    assert signing.parse_authorization(header) is None


def test_build_path_and_query_are_already_canonical():
    path = signing.build_path(["v1", "p", "a b/c"])
    query = signing.build_query([("search_content", "张 三"), ("page", "1")])

    assert path == "/v1/p/a%20b%2Fc"
    assert signing.canonical_query(query) == query
