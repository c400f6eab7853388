"""The simulator's signature check: Huawei's vectors accepted, any changed byte refused, bodies as received.

The check is the simulator's own reading of the gateway's rules; these tests hold it to vectors computed by
Huawei's signer, never to the dashboard's signer, so the two implementations keep each other honest.
"""

import contextlib
import dataclasses
import hashlib
import http.client
import re
from urllib.parse import quote, urlencode

import pytest
import requests

from modelarts import signing
from modelarts.signing import AkSkAuth
from simulator import seed, signature
from simulator.auth import TokenStore, authenticate
from simulator.seed import DEMO
from simulator.wire import Reply, Request
from tests.signing_vectors import VECTORS, vector_id

# ASCII letters and digits move to the next one of their kind (so an escape like %2F never just changes case),
# anything else becomes "x": every change gives a request that differs, not another spelling of the same one.
_NEXT = str.maketrans(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "1234567890bcdefghijklmnopqrstuvwxyzaBCDEFGHIJKLMNOPQRSTUVWXYZA",
)


def changed(text, index):
    char = text[index]
    replacement = char.translate(_NEXT) if char.isascii() and char.isalnum() else "x"
    return text[:index] + replacement + text[index + 1 :]


def tenant_of(vector):
    return dataclasses.replace(DEMO, access_key=vector.access_key, secret_key=vector.secret_key)


def received(vector, raw_query=None):
    """The vector's request as the simulator's server hands it over: raw path and query, lower-cased headers."""
    headers = {name.lower(): value for name, value in vector.headers.items()}
    headers["authorization"] = vector.authorization
    if raw_query is None:
        raw_query = urlencode(vector.query, quote_via=quote)
    return Request(vector.method, vector.path, raw_query, headers, vector.body, request_id="0")


def verdict(vector, request):
    """The tenant's project ids if the simulator accepts the request at the vector's time, else its refusal."""
    return authenticate(request, [tenant_of(vector)], TokenStore(), vector.signed_at.timestamp())


def assert_refused(vector, request):
    reply = verdict(vector, request)
    assert isinstance(reply, Reply), f"accepted: {request}"
    assert reply.status == 401


def canonical_of(request):
    fields = signature.parse_authorization(request.headers["authorization"])
    return signature.canonical_request(
        request.method, request.raw_path, request.raw_query, request.headers, fields.signed_headers, request.body
    )


# Huawei's vectors


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_vector_is_accepted(vector):
    assert verdict(vector, received(vector)) == DEMO.project_ids


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_canonical_request_and_signature_match_the_vector(vector):
    canonical = canonical_of(received(vector))

    if vector.canonical_request is not None:
        assert canonical == vector.canonical_request
    assert hashlib.sha256(canonical.encode()).hexdigest() == vector.canonical_request_sha256
    assert signature.expected_signature(vector.secret_key, vector.headers["X-Sdk-Date"], canonical) == (
        vector.signature
    )


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_authorization_header_is_read_as_sent(vector):
    fields = signature.parse_authorization(vector.authorization)

    assert fields == signature.Authorization(
        vector.access_key, ("content-type", "host", "x-sdk-date"), vector.signature
    )


@pytest.mark.parametrize(
    "spelling",
    [
        lambda query: urlencode(query),  # spaces as "+", as HTML forms and requests' params= send them
        lambda query: urlencode(query, quote_via=quote, safe="~"),
        lambda query: urlencode(query, quote_via=quote, safe="~").replace("~", "%7E"),
        lambda query: re.sub("%[0-9A-F]{2}", lambda escape: escape[0].lower(), urlencode(query, quote_via=quote)),
    ],
    ids=["plus for space", "percent-encoded", "tilde encoded", "lower-case escapes"],
)
def test_other_spellings_of_the_same_query_are_accepted(spelling):
    vector = next(vector for vector in VECTORS if vector.name.startswith("search with spaces"))
    raw_query = spelling(vector.query)

    assert verdict(vector, received(vector, raw_query)) == DEMO.project_ids


def test_signed_header_values_are_trimmed_and_unsigned_headers_ignored():
    vector = VECTORS[0]
    request = received(vector)
    headers = {**request.headers, "content-type": "  application/json\t", "user-agent": "not signed"}

    assert verdict(vector, dataclasses.replace(request, headers=headers)) == DEMO.project_ids


# Any changed byte is refused


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_changed_body_is_refused(vector):
    request = received(vector)
    body = vector.body or b"{}"
    variants = [body[:index] + bytes([body[index] ^ 1]) + body[index + 1 :] for index in range(len(body))]
    variants += [body + b" ", body[:-1]]
    if not vector.body:
        variants.append(body)
    for variant in variants:
        assert_refused(vector, dataclasses.replace(request, body=variant))


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_changed_path_is_refused(vector):
    request = received(vector)
    for index in range(len(vector.path)):
        assert_refused(vector, dataclasses.replace(request, raw_path=changed(vector.path, index)))
    assert_refused(vector, dataclasses.replace(request, raw_path=vector.path + "/x"))


@pytest.mark.parametrize("vector", [vector for vector in VECTORS if vector.query], ids=vector_id)
def test_changed_query_is_refused(vector):
    request = received(vector)
    for index in range(len(request.raw_query)):
        assert_refused(vector, dataclasses.replace(request, raw_query=changed(request.raw_query, index)))
    assert_refused(vector, dataclasses.replace(request, raw_query=request.raw_query + "&extra=1"))
    assert_refused(vector, dataclasses.replace(request, raw_query=""))


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_changed_signed_header_is_refused(vector):
    request = received(vector)
    for name in ("content-type", "host", "x-sdk-date"):
        value = request.headers[name]
        for index in range(len(value)):
            headers = {**request.headers, name: changed(value, index)}
            assert_refused(vector, dataclasses.replace(request, headers=headers))
        assert_refused(vector, dataclasses.replace(request, headers={**request.headers, name: value + "x"}))


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_changed_signature_or_method_is_refused(vector):
    request = received(vector)
    for index in range(len(vector.signature)):
        authorization = vector.authorization.replace(vector.signature, changed(vector.signature, index))
        assert_refused(
            vector, dataclasses.replace(request, headers={**request.headers, "authorization": authorization})
        )
    other_method = "PATCH" if vector.method != "PATCH" else "GET"
    assert_refused(vector, dataclasses.replace(request, method=other_method))


# Over HTTP: the bytes checked are the bytes received


def signed_request(sim, data=None, headers=None):
    url = f"{sim.url}/v1/{DEMO.project_id}/visualization-jobs"
    auth = AkSkAuth(DEMO.access_key, DEMO.secret_key)
    return requests.Request("GET", url, data=data, headers=headers, auth=auth).prepare()


@contextlib.contextmanager
def connection_to(sim):
    host, port = sim.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        yield connection
    finally:
        connection.close()


def exchange(connection, prepared, body=None, header_encoding="latin-1"):
    """Send a signed request as it is, or with another body or other header bytes; (status, response body)."""
    connection.putrequest(prepared.method, prepared.path_url, skip_host=True, skip_accept_encoding=True)
    for name, value in prepared.headers.items():
        connection.putheader(name, value.encode(header_encoding))
    connection.endheaders(prepared.body if body is None else body)
    response = connection.getresponse()
    return response.status, response.read()


def test_a_mistake_in_the_dashboards_signer_is_refused(simulator, monkeypatch):
    """The point of a separate implementation: a canonical-request bug in the client is not repeated here."""
    monkeypatch.setattr(signing, "canonical_query", lambda raw_query: raw_query)  # neither sorted nor re-encoded
    prepared = requests.Request(
        "GET",
        f"{simulator.url}/v1/{DEMO.project_id}/visualization-jobs",
        params=[("per_page", "5"), ("page", "1")],
        auth=AkSkAuth(DEMO.access_key, DEMO.secret_key),
    ).prepare()
    with connection_to(simulator) as connection:
        status, body = exchange(connection, prepared)
    assert status == 401
    assert b"verify aksk signature fail" in body


def test_body_received_is_the_body_checked(simulator):
    prepared = signed_request(simulator, data=b'{"job_desc": "a"}')
    with connection_to(simulator) as connection:
        assert exchange(connection, prepared)[0] == 200
        assert exchange(connection, prepared, body=b'{"job_desc": "b"}')[0] == 401


def test_next_request_on_the_connection_starts_after_the_body(simulator):
    with connection_to(simulator) as connection:
        assert exchange(connection, signed_request(simulator, data=b"x" * 100_000))[0] == 200
        assert exchange(connection, signed_request(simulator))[0] == 200


def test_utf8_header_value_is_checked_as_utf8(simulator):
    prepared = signed_request(simulator, headers={"X-Label": "可视化 ü"})
    with connection_to(simulator) as connection:
        assert exchange(connection, prepared, header_encoding="utf-8")[0] == 200


def test_header_sent_in_other_bytes_than_signed_is_refused_not_a_crash(simulator):
    prepared = signed_request(simulator, headers={"X-Label": "ü"})  # signed as UTF-8, sent as the byte 0xFC
    with connection_to(simulator) as connection:
        status, body = exchange(connection, prepared, header_encoding="latin-1")
    assert status == 401
    assert b"verify aksk signature fail" in body


@pytest.mark.parametrize(
    ("framing", "status"),
    [
        ((("Transfer-Encoding", "chunked"),), 501),
        ((("Content-Length", "abc"),), 400),
        ((("Content-Length", "-1"),), 400),
        ((("Content-Length", "\uff11"),), 400),  # a digit, but not an ASCII one
        ((("Content-Length", "1"), ("Content-Length", "2")), 400),
        ((("Content-Length", str(13 * 1024 * 1024)),), 413),
    ],
    ids=["chunked", "not a number", "negative", "fullwidth digit", "two lengths", "too large"],
)
def test_body_whose_end_cannot_be_found_is_refused_and_the_connection_closed(simulator, framing, status):
    prepared = signed_request(simulator)
    with connection_to(simulator) as connection:
        connection.putrequest("GET", prepared.path_url, skip_host=True, skip_accept_encoding=True)
        for name, value in [*prepared.headers.items(), *framing]:
            connection.putheader(name, value.encode("utf-8"))
        connection.endheaders()
        response = connection.getresponse()
        response.read()
    assert response.status == status
    assert response.will_close


# Writes: the vectors above include them; over HTTP a changed body does nothing


def test_the_vectors_cover_every_write():
    assert {(vector.method, vector.path.rsplit("/", 1)[-1]) for vector in VECTORS if vector.method != "GET"} == {
        ("POST", "visualization-jobs"),
        ("PUT", "10086"),
        ("POST", "stop"),
        ("POST", "restart"),
        ("DELETE", "10086"),
    }


def test_write_whose_body_changed_after_signing_is_refused_and_does_nothing(simulator):
    url = f"{simulator.url}/v1/{DEMO.project_id}/visualization-jobs/{seed.DEMO_HTML_JOB_ID}"
    auth = AkSkAuth(DEMO.access_key, DEMO.secret_key)
    prepared = requests.Request("PUT", url, data=b'{"job_desc":"signed"}', auth=auth).prepare()
    with connection_to(simulator) as connection:
        status, body = exchange(connection, prepared, body=b'{"job_desc":"forged"}')
        assert (status, b"verify aksk signature fail" in body) == (401, True)
        assert exchange(connection, prepared)[0] == 200
    assert requests.get(url, auth=auth, timeout=5).json()["job_desc"] == "signed"
