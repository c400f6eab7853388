"""AK/SK signing: the published vector, and the canonical request's edge cases."""

import hashlib
from datetime import UTC, datetime

import pytest
import requests

from jobs.modelarts import signing

# Huawei Cloud API Gateway's published worked example (SDK-HMAC-SHA256).
VECTOR = {
    "access_key": "QTWAOYTTINDUT2QVKYUC",
    "secret_key": "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
    "url": "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs"
    "?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
    "headers": {
        "Content-Type": "application/json",
        "Host": "service.region.example.com",
        "X-Sdk-Date": "20191115T033655Z",
    },
    "canonical_request_sha256": "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a",
    "signature": "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
    "authorization": "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, "
    "Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
}
VECTOR_TIME = datetime(2019, 11, 15, 3, 36, 55, tzinfo=UTC)


def test_published_vector_canonical_request_and_signature():
    headers = {name.lower(): value for name, value in VECTOR["headers"].items()}
    path, _, query = VECTOR["url"].partition("//")[2].partition("/")[2].partition("?")
    canonical = signing.canonical_request("GET", "/" + path, query, headers, sorted(headers), b"")

    assert hashlib.sha256(canonical.encode()).hexdigest() == VECTOR["canonical_request_sha256"]
    assert signing.signature(VECTOR["secret_key"], "20191115T033655Z", canonical) == VECTOR["signature"]


def test_published_vector_through_the_requests_auth_object():
    prepared = requests.Request("GET", VECTOR["url"], headers={"Content-Type": "application/json"}).prepare()
    signing.AkSkAuth(VECTOR["access_key"], VECTOR["secret_key"], clock=lambda: VECTOR_TIME)(prepared)

    assert prepared.headers["Authorization"] == VECTOR["authorization"]
    assert prepared.headers["X-Sdk-Date"] == "20191115T033655Z"
    assert prepared.headers["Host"] == "service.region.example.com"
    assert prepared.url == VECTOR["url"]  # the request sent is the request signed


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
