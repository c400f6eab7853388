"""Injected faults: the ways the real service, its gateway or a proxy in between misbehave.

A rule applies to every call it matches (``route`` limits it to one of ``ROUTES``: "token", "list",
"detail" or a write, "create", "update", "stop", "restart" or "delete"; ``job_id`` to the detail call of
that job) until it has applied ``times`` times (forever if None).

Faults happen at one of two stages, as they would in real life:

- before authentication, on the way in (the network or a proxy in front of the gateway): ``timeout``,
  ``slow``, ``reset``, ``html``, ``http_502``, ``http_503``, ``http_504``. An unauthenticated request meets
  them too.
- after authentication, in ModelArts itself: ``http_500``, ``rate_limit``, ``malformed_json``,
  ``wrong_types``, ``deeply_nested``, ``huge``, ``is_success_false``, ``error``. A request the gateway
  refuses never reaches them, and does not use up their ``times``. ``wrong_types``, ``deeply_nested``,
  ``huge`` and ``is_success_false`` imitate ModelArts bodies, so they never apply to the IAM token route.

Bodies: ``http_500`` ModelArts.0010 JSON; ``http_502`` and ``http_504`` gateway JSON (APIGW.0201 "Backend
unavailable." / "Backend timeout."); ``http_503`` and ``html`` an nginx HTML page (503 and 502).
``deeply_nested`` and ``huge`` are well-formed answers of the asked-for job (the list: of that one job):
the first with its ``schedule`` nested ``depth`` levels deep (default 800), the second with a ``job_desc``
of ``size_bytes`` bytes (default 16 MiB, more than the dashboard reads by default).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any

from simulator.seed import new_job_fields
from simulator.wire import (
    DROP_CONNECTION,
    HTML_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    Reply,
    gateway_error,
    json_reply,
    modelarts_error,
)

ROUTES = frozenset({"token", "list", "detail", "create", "update", "stop", "restart", "delete"})
BEFORE_AUTH = frozenset({"timeout", "slow", "reset", "html", "http_502", "http_503", "http_504"})
AFTER_AUTH = frozenset(
    {"http_500", "rate_limit", "malformed_json", "wrong_types", "deeply_nested", "huge", "is_success_false", "error"}
)
KINDS = BEFORE_AUTH | AFTER_AUTH
MODELARTS_ONLY = frozenset({"wrong_types", "deeply_nested", "huge", "is_success_false"})

DEFAULT_DELAY_MS = {"timeout": 10_000, "slow": 2_000}
DEFAULT_DEPTH = 800
DEFAULT_SIZE_BYTES = 16 * 1024 * 1024
FALLBACK_JOB_ID = 1  # the job of a list answer, which asked for none

# A complete HTTP response whose JSON body stops half-way.
TRUNCATED_JSON = b'{"is_success": true, "job_total_count": 60, "jobs": [{"job_id": 10'

_NGINX_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


@dataclass
class Fault:
    kind: str
    job_id: int | str | None = None  # a str once checked: the URL's segment is what it is compared with
    route: str | None = None
    times: int | None = None
    params: dict[str, Any] = field(default_factory=dict)  # as given, often from JSON

    def __post_init__(self) -> None:
        """Refuse rules that could never apply, so a typo in a test fails loudly instead of silently."""
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {sorted(KINDS)}")
        if self.route is not None and self.route not in ROUTES:
            raise ValueError(f"unknown route {self.route!r}; expected one of {sorted(ROUTES)}")
        if self.job_id is not None:
            self.job_id = str(self.job_id)
            if self.route not in (None, "detail"):
                raise ValueError("a fault limited to a job_id only applies to the detail route")
        if self.times is not None and (not isinstance(self.times, int) or self.times < 1):
            raise ValueError("times must be a positive integer or None")
        if self.kind == "error" and not isinstance(self.params.get("http_status"), int):
            raise ValueError("an 'error' fault needs an integer http_status parameter")

    def matches(self, route: str, job_id: str | None) -> bool:
        if self.route is not None and self.route != route:
            return False
        if self.job_id is not None and (route != "detail" or self.job_id != job_id):
            return False
        return not (route == "token" and self.kind in MODELARTS_ONLY)

    def act(self, route: str, request_id: str, job_id: str | None = None) -> Reply | None:
        """Carry the fault out: a reply to send instead of the real one, or None to go on normally."""
        match self.kind:
            case "timeout" | "slow":
                time.sleep(self.params.get("delay_ms", DEFAULT_DELAY_MS[self.kind]) / 1000)
                return None
            case "reset":
                return DROP_CONNECTION
            case "html":
                return _nginx_page(502, "Bad Gateway")
            case "http_502":
                return gateway_error(502, "APIGW.0201", "Backend unavailable.", request_id)
            case "http_503":
                return _nginx_page(503, "Service Temporarily Unavailable")
            case "http_504":
                return gateway_error(504, "APIGW.0201", "Backend timeout.", request_id)
            case "http_500":
                return modelarts_error(500, "ModelArts.0010", "Internal error.")
            case "rate_limit":
                busy = modelarts_error(429, "ModelArts.6101", "System busy. Please try again later.")
                return replace(busy, headers=(("Retry-After", str(self.params.get("retry_after", 1))),))
            case "malformed_json":
                return Reply(200, TRUNCATED_JSON, JSON_CONTENT_TYPE)
            case "wrong_types":
                return _wrong_types(route)
            case "deeply_nested":
                return _deeply_nested(route, job_id, int(self.params.get("depth", DEFAULT_DEPTH)))
            case "huge":
                return _job_answer(route, job_id, job_desc="x" * int(self.params.get("size_bytes", DEFAULT_SIZE_BYTES)))
            case "is_success_false":
                return json_reply(
                    200, {"is_success": False, "error_code": "ModelArts.0010", "error_message": "Internal error."}
                )
            case _:
                return self._explicit_error(request_id)

    def _explicit_error(self, request_id: str) -> Reply:
        """The ``error`` kind: gateway shape for APIGW codes, ModelArts shape otherwise."""
        status = self.params["http_status"]
        code = str(self.params.get("error_code", "ModelArts.0010"))
        message = str(self.params.get("error_msg", "Injected error."))
        if code.startswith("APIGW."):
            return gateway_error(status, code, message, request_id)
        return modelarts_error(status, code, message, str(self.params.get("message_field", "error_msg")))


class FaultRules:
    """The active rules; taking one that applies also counts it against its ``times``, atomically."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._rules.append(replace(fault, params=dict(fault.params)))

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def take(self, kinds: frozenset[str], route: str, job_id: str | None) -> Fault | None:
        """The oldest rule of one of ``kinds`` that matches this call, used up if it has run out."""
        with self._lock:
            for fault in self._rules:
                if fault.kind in kinds and fault.matches(route, job_id):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times == 0:
                            self._rules.remove(fault)
                    return fault
        return None


def _nginx_page(status: int, reason: str) -> Reply:
    body = _NGINX_PAGE.format(status=status, reason=reason).encode("ascii")
    return Reply(status, body, HTML_CONTENT_TYPE)


def _wrong_types(route: str) -> Reply:
    """Well-formed JSON whose values have the wrong types; on the list route ``jobs`` is not a list."""
    job = {"job_id": None, "job_name": 12345, "status": "abc", "create_time": "yesterday", "duration": None}
    if route == "list":
        return json_reply(200, {"is_success": True, "job_total_count": "many", "quotas": None, "jobs": job})
    return json_reply(200, {"is_success": True, **job, "service_url": 42, "train_url": ["obs://x/"]})


def _deeply_nested(route: str, job_id: str | None, depth: int) -> Reply:
    """Written as text: json.dumps itself cannot nest as deep as a test may ask."""
    schedule = '{"schedule": ' * (depth - 1) + '{"type": "stop"}' + "}" * (depth - 1)
    reply = _job_answer(route, job_id, schedule=None)
    return replace(reply, body=reply.body.replace(b'"schedule": null', b'"schedule": ' + schedule.encode()))


def _job_answer(route: str, job_id: str | None, **fields: object) -> Reply:
    """A successful answer about one job (on the list route, a list of just it) with these fields, created as
    it is answered (the fault knows nothing of the simulator's clock offset, which no such test moves)."""
    number = int(job_id) if job_id and job_id.isdigit() else FALLBACK_JOB_ID
    job = {**new_job_fields(number, round(time.time() * 1000)), **fields}
    if route == "list":
        return json_reply(200, {"is_success": True, "job_total_count": 1, "jobs": [job]})
    return json_reply(200, {"is_success": True, **job})
