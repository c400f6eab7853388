"""Property-based tests: the response parser, the signer and the views, fed generated input.

``make test`` runs a small sample of each property; ``HYPOTHESIS_PROFILE=fuzz`` (``make fuzz``) runs
thousands. Nothing is remembered between runs (no example database), and nothing leaves the process:
ModelArts is mocked with ``responses`` and every generated case runs in a rolled-back transaction.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import json
import os
import re
import types
import typing
from datetime import UTC, datetime
from urllib.parse import parse_qs, quote, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests
import responses
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.utils.html import escape
from hypothesis import HealthCheck, Phase, assume, event, example, given, settings
from hypothesis import strategies as st

from jobs import failures
from modelarts import signing
from modelarts.auth import SignatureAuth
from modelarts.client import ModelArtsClient, RetryPolicy, parse_body, parse_job, parse_job_list
from modelarts.errors import ModelArtsError
from modelarts.http import Timeouts
from tests import strategies as S
from tests.conftest import PROJECT_A, PROJECT_B

# `make test` draws the same cases every run, so a red build always means a change; `make fuzz` explores
# new ones each time. The slow "explain" phase is skipped: a failure's shrunk example is what we read.
_PHASES = [phase for phase in Phase if phase is not Phase.explain]
settings.register_profile(
    "default", max_examples=50, deadline=None, database=None, print_blob=True, derandomize=True, phases=_PHASES
)
settings.register_profile("fuzz", max_examples=1000, deadline=None, database=None, print_blob=True, phases=_PHASES)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Views share fixtures (a logged-in user with a credential) across generated cases; each case runs in its
# own rolled-back transaction with an empty cache, so sharing them is safe.
view_settings = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

ENDPOINT = "https://modelarts.cn-north-4.myhuaweicloud.com"  # alice_credential's region, public endpoint
UPSTREAM = re.compile(re.escape(ENDPOINT) + r"/.*")
PAGE_STATUSES = {404, 502, 503, 504}  # what a ModelArts failure may turn into on our pages


# The response parser


def conforms(value: typing.Any, annotation: typing.Any) -> bool:
    """Whether ``value`` has the declared type exactly: an int is an int (not a bool), a str a str,
    a datetime an aware datetime, a dataclass one whose fields conform in turn."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(conforms(value, arg) for arg in typing.get_args(annotation))
    if annotation is typing.Any:
        return True
    if annotation is type(None):
        return value is None
    if annotation is int:  # every integer is stored in a signed 64-bit column
        return type(value) is int and -(2**63) <= value < 2**63
    if annotation in (str, bool, float):
        return type(value) is annotation
    if annotation is datetime:
        return type(value) is datetime and value.tzinfo is not None
    if origin is list:
        (item,) = typing.get_args(annotation)
        return type(value) is list and all(conforms(element, item) for element in value)
    if origin is dict:
        key, item = typing.get_args(annotation)
        return type(value) is dict and all(conforms(k, key) and conforms(v, item) for k, v in value.items())
    if dataclasses.is_dataclass(annotation):
        hints = typing.get_type_hints(annotation)
        return type(value) is annotation and all(
            conforms(getattr(value, f.name), hints[f.name]) for f in dataclasses.fields(annotation)
        )
    raise AssertionError(f"conforms() does not know {annotation!r} yet: teach it")


def assert_typed(result: typing.Any) -> None:
    hints = typing.get_type_hints(type(result))
    for f in dataclasses.fields(result):
        value = getattr(result, f.name)
        assert conforms(value, hints[f.name]), f"{type(result).__name__}.{f.name} = {value!r}"


def assert_readable(error: ModelArtsError) -> None:
    """What the error page shows is all text, and the page answers with one of our failure statuses."""
    assert type(error.message) is str and type(error.code) is str and type(error.request_id) is str
    assert error.http_status is None or type(error.http_status) is int
    explanation = failures.explain(error)
    assert explanation.status in PAGE_STATUSES, type(error)
    assert isinstance(str(error), str) and isinstance(explanation.title, str) and isinstance(explanation.advice, str)


@given(S.valid_jobs() | S.job_shaped() | S.json_values())
def test_parse_job_gives_a_typed_job_or_a_modelarts_error(value):
    try:
        job = parse_job(value)
    except ModelArtsError as error:
        assert_readable(error)
        return
    assert_typed(job)
    assert job.job_id > 0  # the only ids our URLs take


@given(S.list_shaped() | st.dictionaries(S.json_keys, S.json_values(), max_size=6))  # parse_body gives it objects only
def test_parse_job_list_gives_typed_jobs_or_a_modelarts_error(value):
    try:
        listing = parse_job_list(value)
    except ModelArtsError as error:
        assert_readable(error)
        return
    assert_typed(listing)


def check_parse_body(answer: S.Answer) -> None:
    response = answer.as_response()
    try:
        body = parse_body(response)
    except ModelArtsError as error:
        assert_readable(error)
        if answer.status >= 400:
            assert error.http_status == answer.status
        return
    assert type(body) is dict
    assert answer.status < 400 and body.get("is_success") is not False


@given(S.http_answers(S.detail_bodies | S.list_bodies))
@example(S.Answer(200, {"Content-Type": "application/json"}, b"[" * 100_000))  # deeper than json can go
@example(S.Answer(200, {"Content-Type": "application/json"}, b'{"a":' * 100_000))
def test_parse_body_of_json_answers(answer):
    check_parse_body(answer)


@given(st.binary(max_size=200), st.integers(100, 999), S.answer_headers())
def test_parse_body_of_arbitrary_bytes(body, status, headers):
    check_parse_body(S.Answer(status=status, headers=headers, body=body))


def make_client() -> ModelArtsClient:
    return ModelArtsClient(
        endpoint=ENDPOINT,
        project_id=PROJECT_A,
        auth=SignatureAuth("AKALICE0000000000000", "SK"),
        user_agent="modelarts-dashboard/test",
        timeouts=Timeouts(connect=1, read=1),
        retry=RetryPolicy(attempts=3, backoff_seconds=0, max_retry_after_seconds=0),
    )


@contextlib.contextmanager
def mocked_upstream(detail: S.Answer, listing: S.Answer):
    """ModelArts answering every detail request with ``detail`` and a list's first page with ``listing``
    (later pages are empty, so one list refresh costs at most two calls plus retries)."""

    def answer(request):
        url = urlsplit(request.url)
        if url.path.rstrip("/").endswith("/visualization-jobs"):
            if parse_qs(url.query).get("page", ["1"]) != ["1"]:
                return (200, {"Content-Type": "application/json"}, b'{"jobs": []}')
            return listing.for_responses()
        return detail.for_responses()

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.GET, UPSTREAM, callback=answer, content_type=None)
        yield mock


METADATA_URL = "http://169.254.169.254/latest/meta-data/"


@given(S.detail_answers(10086), S.list_answers())
@example(S.Answer(302, {"Location": METADATA_URL}), S.Answer(307, {"Location": METADATA_URL}))
def test_client_gives_typed_results_or_a_modelarts_error(detail, listing):
    client = make_client()
    with mocked_upstream(detail, listing) as mock:
        for call in (lambda: client.get_visualization_job(10086), lambda: client.list_visualization_jobs(page=1)):
            try:
                result = call()
            except ModelArtsError as error:
                assert_readable(error)
            else:
                assert_typed(result)
        urls = upstream_urls(mock)
    # never a URL from an answer (a redirect's Location): the signature would go with it
    assert all(url.startswith(f"{ENDPOINT}/v1/{PROJECT_A}/visualization-jobs") for url in urls)


# The signer, against a plain reference of the documented algorithm

UNRESERVED = frozenset(S.UNRESERVED)
HEX = frozenset(b"0123456789abcdefABCDEF")
NOT_SIGNED = frozenset(name.lower() for name in S.HOP_BY_HOP) | {"content-length"}  # the body's digest covers it


def ref_encode(text: str) -> str:
    """Letters, digits and -_.~ as they are; every other character as %XX per UTF-8 byte."""
    return "".join(char if char in UNRESERVED else "".join(f"%{b:02X}" for b in char.encode()) for char in text)


def ref_decode(raw: str, *, plus_is_space: bool = False) -> str:
    """%XX sequences to bytes, the rest as UTF-8; bytes that are not UTF-8 become U+FFFD."""
    data = (raw.replace("+", " ") if plus_is_space else raw).encode()
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == ord("%") and len(data[i + 1 : i + 3]) == 2 and set(data[i + 1 : i + 3]) <= HEX:
            out.append(int(data[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(data[i])
            i += 1
    return out.decode("utf-8", errors="replace")


def ref_parse_query(raw: str) -> list[tuple[str, str]]:
    pieces = [piece.partition("=") for piece in raw.split("&") if piece]
    return [(ref_decode(name, plus_is_space=True), ref_decode(value, plus_is_space=True)) for name, _, value in pieces]


def ref_path(decoded: str) -> str:
    """The decoded path split on '/', each segment encoded, always ending in '/'."""
    path = "/".join(ref_encode(segment) for segment in decoded.split("/"))
    return path if path.endswith("/") else path + "/"


def ref_query(params: list[tuple[str, str]]) -> str:
    """Sorted by name, then value; both encoded like path segments."""
    return "&".join(f"{ref_encode(name)}={ref_encode(value)}" for name, value in sorted(params))


def ref_signed(headers: dict[str, str]) -> list[str]:
    return sorted(name for name in headers if name not in NOT_SIGNED)


def ref_canonical(method, decoded_path, params, headers, body) -> str:
    signed = ref_signed(headers)
    lines = "".join(f"{name}:{trim(headers[name])}\n" for name in signed)
    body = body.encode() if isinstance(body, str) else (body or b"")
    return "\n".join([method.upper(), ref_path(decoded_path), ref_query(params), lines, ";".join(signed), sha256(body)])


def trim(value: str) -> str:
    return value.strip(" \t")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ref_signature(secret_key: str, sdk_date: str, canonical: str) -> str:
    message = f"SDK-HMAC-SHA256\n{sdk_date}\n{sha256(canonical.encode())}"
    return hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).hexdigest()


methods = st.sampled_from(["GET", "get", "POST", "PUT", "DELETE", "PATCH", "HEAD"])
bodies = st.none() | st.binary(max_size=64) | st.text(max_size=32)
signed_header_names = S.header_names.filter(
    lambda name: name.lower() not in {"host", "x-sdk-date", "authorization", "content-length"}
)
header_sets = st.lists(st.tuples(signed_header_names, S.header_values), max_size=5, unique_by=lambda h: h[0].lower())


@given(methods, S.paths(), S.queries(), header_sets, bodies)
def test_canonical_request_matches_the_reference(method, path, query, header_list, body):
    decoded_path, raw_path = path
    params, raw_query = query
    headers = {name.lower(): value for name, value in header_list}
    headers.update({"host": "modelarts.example.com", "x-sdk-date": "20240101T000000Z"})

    canonical = signing.canonical_request(method, raw_path, raw_query, headers, ref_signed(headers), body)

    assert canonical == ref_canonical(method, decoded_path, params, headers, body)


@given(st.text(max_size=40), st.text(max_size=40))
def test_canonical_path_and_query_of_any_text(raw_path, raw_query):
    assert signing.canonical_path(raw_path) == ref_path(ref_decode(raw_path))
    assert signing.canonical_query(raw_query) == ref_query(ref_parse_query(raw_query))


# A '.' or '..' segment is removed by requests' URL normalisation, so build_path does not send what it
# was given; no caller builds such a path (project ids and job ids are validated first).
segment_texts = S.url_texts.filter(lambda segment: segment not in (".", ".."))


@given(
    method=methods,
    segments=st.lists(segment_texts, max_size=5),
    params=st.lists(st.tuples(S.url_texts, S.url_texts), max_size=5),
    header_list=header_sets,
    body=bodies,
    host=st.sampled_from(["modelarts.cn-north-4.myhuaweicloud.com", "127.0.0.1:8001"]),
    access_key=st.text(alphabet=S.UNRESERVED[:62], min_size=1, max_size=20),
    secret_key=st.text(min_size=1, max_size=40),
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.sampled_from([UTC, ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")]),
    ),
)
def test_the_request_sent_is_the_request_signed(
    method, segments, params, header_list, body, host, access_key, secret_key, moment
):
    path, query = signing.build_path(segments), signing.build_query(params)
    url = f"https://{host}{path}" + (f"?{query}" if query else "")
    prepared = requests.Request(method, url, headers=dict(header_list), data=body).prepare()

    signing.AkSkAuth(access_key, secret_key, clock=lambda: moment)(prepared)

    # requests sent the path and query exactly as built: nothing re-encoded, dropped or reordered
    sent = urlsplit(prepared.url)
    assert (sent.netloc, sent.path, sent.query) == (host, path, query)
    assert signing.canonical_path(sent.path) == ref_path("/" + "/".join(segments))
    assert signing.canonical_query(sent.query) == ref_query(params)
    # the headers sent are those given, plus Host, the date and the body's length
    sent_headers = {name.lower(): value for name, value in prepared.headers.items() if name.lower() != "authorization"}
    sdk_date = moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    expected = {name.lower(): value for name, value in header_list} | {"host": host, "x-sdk-date": sdk_date}
    if "content-length" in sent_headers:
        data = body.encode() if isinstance(body, str) else (body or b"")
        expected["content-length"] = str(len(data))
    assert sent_headers == expected
    # the signature verifies from the prepared request alone, and against the reference of what was meant
    fields = signing.parse_authorization(prepared.headers["Authorization"])
    assert fields is not None and fields["Access"] == access_key
    signed = fields["SignedHeaders"].split(";")
    assert signed == ref_signed(expected)
    canonical = signing.canonical_request(prepared.method, sent.path, sent.query, sent_headers, signed, prepared.body)
    assert fields["Signature"] == signing.signature(secret_key, sent_headers["x-sdk-date"], canonical)
    reference = ref_canonical(method, "/" + "/".join(segments), params, expected, body)
    assert fields["Signature"] == ref_signature(secret_key, sdk_date, reference)


# The views: no input gives a 500


@contextlib.contextmanager
def one_case():
    """Each generated case starts from the same database and an empty cache, and leaves nothing behind."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


TIME_ZONES = st.sampled_from(["UTC", "Asia/Shanghai", "America/New_York"])  # the TIME_ZONE setting


def upstream_urls(mock: responses.RequestsMock) -> list[str]:
    return [call.request.url for call in mock.calls]


DETAIL_PATH = re.compile(r"/projects/([0-9a-f]{32})/visualization-jobs/([0-9]{1,19})/")
EMPTY_LIST = S.Answer(200, {"Content-Type": "application/json"}, b'{"jobs": [], "job_total_count": 0}')


@pytest.mark.django_db
@view_settings
@given(
    project=st.just(PROJECT_A) | S.project_ids,
    job=S.valid_job_ids | S.job_id_texts,
    time_zone=TIME_ZONES,
    data=st.data(),
)
def test_job_detail_urls(alice_client, alice_credential, project, job, time_zone, data):
    path = f"/projects/{quote(project, safe='')}/visualization-jobs/{quote(job, safe='')}/"
    match = DETAIL_PATH.fullmatch(f"/projects/{project}/visualization-jobs/{job}/")
    valid = bool(match) and match[1] == alice_credential.project_id and 0 < int(match[2]) < 2**63
    detail = data.draw(S.detail_answers(int(match[2]) if valid else None), label="detail answer")
    listing = data.draw(st.none() | S.list_answers(), label="list answer, loaded first")

    with one_case(), override_settings(TIME_ZONE=time_zone), mocked_upstream(detail, listing or EMPTY_LIST) as mock:
        if listing is not None:  # a cached list: error pages show the job's last known fields from it
            alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/")
        calls_before = len(mock.calls)
        response = alice_client.get(path)
        urls = upstream_urls(mock)

    event(f"{'valid' if valid else 'invalid'} URL: {response.status_code}")
    if valid:
        assert response.status_code in {200, *PAGE_STATUSES}
    else:
        assert response.status_code == 404
        assert len(urls) == calls_before  # refused before any upstream call
    assert all(url.startswith(f"{ENDPOINT}/v1/{PROJECT_A}/visualization-jobs") for url in urls)  # no redirects


# Every page that reads its query string: (path, statuses it may answer, its own parameters and their
# values). A new page, or a new parameter, is one line here.
QUERY_PAGES = [
    ("/", {200, 400}, S.list_params),
    (f"/projects/{PROJECT_A}/visualization-jobs/", {200, 400, 502}, S.list_params),
    (f"/projects/{PROJECT_B}/visualization-jobs/", {404}, S.list_params),
    (
        "/lookup/",
        {302, 400},
        {"project_id": st.just(PROJECT_A) | S.project_ids, "job_id": S.valid_job_ids | S.job_id_texts},
    ),
    ("/credentials/", {200}, {}),
    ("/credentials/add/", {200}, {"project_id": S.project_ids}),
]


@pytest.mark.parametrize(("path", "statuses", "params"), QUERY_PAGES, ids=[page[0] for page in QUERY_PAGES])
@pytest.mark.django_db
@view_settings
@given(time_zone=TIME_ZONES, data=st.data())
def test_query_strings(alice_client, alice_credential, path, statuses, params, time_zone, data):
    query = data.draw(S.query_strings(params), label="QUERY_STRING")
    listing = data.draw(S.list_answers(), label="list answer")

    with one_case(), override_settings(TIME_ZONE=time_zone), mocked_upstream(EMPTY_LIST, listing):
        response = alice_client.get(path, QUERY_STRING=query)

    event(f"status {response.status_code}")
    assert response.status_code in statuses


def post_form(client, path: str, pairs: list[tuple[str, str]], multipart: bool):
    if multipart:
        data: dict[str, list[str]] = {}
        for name, value in pairs:
            data.setdefault(name, []).append(value)
        return client.post(path, data)
    return client.post(path, urlencode(pairs), content_type="application/x-www-form-urlencoded")


def check_credential_post(client, path: str, pairs, secret, multipart) -> None:
    if secret is not None:
        assume(not any(secret in name or secret in value for name, value in pairs))
        pairs = [*pairs, ("secret", secret)]

    with one_case():
        response = post_form(client, path, pairs, multipart)

    event(f"status {response.status_code}")
    assert response.status_code in {302, 400}
    if response.status_code == 302:
        assert response["Location"] == "/credentials/"
    if secret is not None:
        html = response.content.decode()
        assert secret not in html and escape(secret) not in html


@pytest.mark.django_db
@view_settings
@given(
    pairs=S.form_data(S.credential_fields, S.valid_credential),
    secret=S.secrets | S.secrets | st.none(),
    multipart=st.booleans(),
)
def test_credential_add_post(alice_client, alice_credential, pairs, secret, multipart):
    check_credential_post(alice_client, "/credentials/add/", pairs, secret, multipart)


@pytest.mark.django_db
@view_settings
@given(
    pairs=S.form_data(S.credential_fields, S.valid_credential),
    secret=S.secrets | S.secrets | st.none(),
    multipart=st.booleans(),
)
@example(pairs=[], secret=None, multipart=False)  # an empty POST is a 400 too, not the blank form
def test_credential_edit_post(alice_client, alice_credential, pairs, secret, multipart):
    check_credential_post(alice_client, f"/credentials/{alice_credential.pk}/edit/", pairs, secret, multipart)


# Bugs these properties found, kept as regression tests.


@pytest.mark.parametrize(
    ("time_zone", "create_time"), [("Asia/Shanghai", S.EPOCH_MS_MAX), ("America/New_York", S.EPOCH_MS_MIN)]
)
@pytest.mark.django_db
def test_extreme_times_show_in_any_time_zone(alice_client, alice_credential, time_zone, create_time):
    job = json.dumps({"job_id": 1, "status": 8, "create_time": create_time}).encode()

    with override_settings(TIME_ZONE=time_zone), mocked_upstream(S.Answer(200, {}, job), EMPTY_LIST):
        response = alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/1/")

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_schedule_with_infinity_is_refused(alice_client, alice_credential):
    body = b'{"jobs": [{"job_id": 1, "status": 8, "schedule": {"duration": Infinity}}]}'

    with mocked_upstream(EMPTY_LIST, S.Answer(200, {"Content-Type": "application/json"}, body)):
        response = alice_client.get(f"/projects/{PROJECT_A}/visualization-jobs/")

    assert response.status_code == 502
    assert "not valid JSON" in response.content.decode()
