"""The simulator: IAM and ModelArts (behind its API gateway) on one HTTP port, with controllable faults.

A call goes through the stages the real one would: the gateway routes it (unknown path or method: 404
APIGW.0101), the added latency (``latency_ms`` on every call, plus the route's own ``token_latency_ms``,
``list_latency_ms`` or ``detail_latency_ms``) and the before-authentication faults apply, the gateway checks
the credential (see ``simulator.auth``) and that the project in the URL is one the credential reaches (else
403 ModelArts.0210), then the after-authentication faults apply, and finally ModelArts answers
(``simulator.api``). Every call that was routed is counted in ``calls``, refused or not.

The routes: ``token`` (IAM), ``list`` and ``detail`` (GET), ``create`` (POST on the list), ``update`` (PUT on
a job), ``delete`` (DELETE on a job), ``stop`` and ``restart`` (POST on a job's ``/stop`` or ``/restart``).
Writes take effect at the pace ``pace_seconds`` sets (see ``simulator.lifecycle``): each call first brings
its project's jobs to the simulator's clock, ``now()``.

All state sits behind one lock and job objects are replaced rather than changed, so readers work on
consistent snapshots while tests change jobs from other threads.
"""

from __future__ import annotations

import re
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from simulator import api, control, lifecycle
from simulator.auth import TokenStore, authenticate, issue_token
from simulator.faults import AFTER_AUTH, BEFORE_AUTH, Fault, FaultRules
from simulator.seed import FIRST_JOB_ID, TENANTS, Job, Tenant, account, generate_jobs, new_job_fields
from simulator.wire import Reply, Request, gateway_error, modelarts_error

TOKEN_PATH = "/v3/auth/tokens"
CONTROL_PREFIX = "/_simulator/"
API_PATH = re.compile(r"/v1/(?P<project_id>[^/]+)/visualization-jobs(?:/(?P<job_id>[^/]+)(?:/(?P<action>[^/]+))?)?")
# (method, whether the path names a job, what follows the job id) -> route
API_ROUTES = {
    ("GET", False, None): "list",
    ("GET", True, None): "detail",
    ("POST", False, None): "create",
    ("PUT", True, None): "update",
    ("DELETE", True, None): "delete",
    ("POST", True, "stop"): "stop",
    ("POST", True, "restart"): "restart",
}
LATENCY_ROUTES = frozenset({"token", "list", "detail"})  # the routes with a latency setting of their own
MAX_BODY_BYTES = 12 * 1024 * 1024  # a bound, so a bogus Content-Length cannot make the simulator allocate gigabytes
SHUTDOWN_POLL_SECONDS = 0.05  # how soon stop() takes effect; tests start and stop simulators often
NO_SUCH_API = "The API does not exist or has not been published in the environment"


class Simulator:
    """A seeded, in-process ModelArts + IAM server. ``reset()`` returns to the state given here."""

    # Settings: given at creation, restored by reset(), changed by tests and the control API.
    max_per_page: int
    latency_ms: float
    token_latency_ms: float
    list_latency_ms: float
    detail_latency_ms: float
    token_ttl_seconds: float
    clock_offset_seconds: float
    pace_seconds: float
    running_quota: int

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 1,
        jobs_per_project: int = 60,
        max_per_page: int = 1000,
        latency_ms: float = 0,
        token_latency_ms: float = 0,
        list_latency_ms: float = 0,
        detail_latency_ms: float = 0,
        token_ttl_seconds: float = 86400,
        clock_offset_seconds: float = 0,
        pace_seconds: float = 2,
        running_quota: int = 50,
        faults: Iterable[Fault] = (),
        projects: int = 0,
        verbose: bool = False,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """``projects``: also serve ``seed.account(projects)``, one AK/SK reaching that many projects.
        ``tls``: a server context to speak https with (its certificate), as the real endpoints do.
        ``pace_seconds``: how long a job stays in each intermediate status after a write (0: no time at all).
        ``running_quota``: the list's ``quotas``, how many jobs may be starting, queued or running at once
        (the seeded projects hold fewer than 50)."""
        self.seed = seed
        self.jobs_per_project = jobs_per_project
        self.tenants: tuple[Tenant, ...] = (*TENANTS, account(projects)) if projects else TENANTS
        self._initial_settings = {
            "max_per_page": max_per_page,
            "latency_ms": latency_ms,
            "token_latency_ms": token_latency_ms,
            "list_latency_ms": list_latency_ms,
            "detail_latency_ms": detail_latency_ms,
            "token_ttl_seconds": token_ttl_seconds,
            "clock_offset_seconds": clock_offset_seconds,
            "pace_seconds": pace_seconds,
            "running_quota": running_quota,
        }
        self._initial_faults = tuple(faults)
        self._lock = threading.Lock()
        self._faults = FaultRules()
        self._tokens = TokenStore()
        self._projects: dict[str, dict[int, Job]] = {}
        self._last_job_ids: dict[str, int] = {}  # the last id given to a created job, per project
        self.calls: Counter[str] = Counter()
        self.reset()
        self._server = _Server((host, port), self, verbose)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._scheme = "http" if tls is None else "https"
        self._address: tuple[str, int] = self._server.socket.getsockname()[:2]  # the port, once bound
        self._thread: threading.Thread | None = None

    # Lifecycle

    @property
    def url(self) -> str:
        host, port = self._address
        return f"{self._scheme}://{host}:{port}"

    def start(self) -> None:
        """Serve from a daemon thread, so a test run never hangs on it."""
        self._thread = threading.Thread(target=self.serve_forever, name="modelarts-simulator", daemon=True)
        self._thread.start()

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=SHUTDOWN_POLL_SECONDS)

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    # Control

    def reset(self) -> None:
        """Back to the seeded state: jobs, faults, tokens, call counts and the settings given at creation."""
        with self._lock:
            for name, value in self._initial_settings.items():
                setattr(self, name, value)
            self._projects = {
                project_id: self._seeded(project_id, self.jobs_per_project, tenant.region)
                for tenant in self.tenants
                for project_id in tenant.project_ids
            }
            self._last_job_ids.clear()
            self._tokens.clear()
            self.calls.clear()
            self._faults.clear()
            for fault in self._initial_faults:
                self._faults.add(fault)

    def add_fault(
        self,
        kind: str,
        job_id: int | str | None = None,
        route: str | None = None,
        times: int | None = None,
        **params: Any,
    ) -> None:
        self._faults.add(Fault(kind, job_id, route, times, params))

    def clear_faults(self) -> None:
        self._faults.clear()

    def set_job(self, project_id: str, job_id: int, /, **fields: Any) -> dict[str, Any]:
        """Change a job's fields, or insert a job with defaults for the fields not given; returns it as served.

        A job set by hand stays as set: whatever a write had planned for it is dropped."""
        if "job_id" in fields:
            raise ValueError("job_id is the job's key and cannot be changed")
        job_id = int(job_id)
        with self._lock:
            now = self.now()
            jobs = self._settled(project_id, now)  # KeyError for a project no tenant owns
            old = jobs.get(job_id)
            if old is None:
                job = Job({**new_job_fields(job_id, self._created_ms_ago(fields.get("duration"))), **fields})
            else:  # a running job stops counting: its run time as of now, unless given
                job = Job({**lifecycle.as_of(old, now).fields, **fields}, old.numbers_as_strings)
            jobs[job_id] = job
        return job.render()

    def _created_ms_ago(self, duration: Any) -> int:
        """When a job inserted by hand was created: as long before now as it has run, if it says (in ms)."""
        now_ms = round(self.now() * 1000)
        return now_ms - duration if isinstance(duration, int) and not isinstance(duration, bool) else now_ms

    def set_job_count(self, project_id: str, count: int) -> None:
        """Regenerate the project's jobs from the seed, ``count`` of them."""
        if not isinstance(count, int) or count < 0:
            raise ValueError("count must be a non-negative integer")
        tenant = next((tenant for tenant in self.tenants if project_id in tenant.project_ids), None)
        if tenant is None:
            raise KeyError(project_id)
        with self._lock:
            self._projects[project_id] = self._seeded(project_id, count, tenant.region)

    def _seeded(self, project_id: str, count: int, region: str) -> dict[int, Job]:
        """The project's seeded jobs as they are now, its running ones running on (their auto-stops planned)."""
        jobs = generate_jobs(self.seed, project_id, count, round(self.now() * 1000), region)
        return {job_id: lifecycle.seeded(job, self.pace_seconds) for job_id, job in jobs.items()}

    def job_ids(self, project_id: str) -> list[int]:
        """The ids of the project's jobs, in id order (benchmarks pick jobs nobody asked for yet)."""
        with self._lock:
            return sorted(self._settled(project_id))

    def issued_tokens(self) -> list[str]:
        """Every token handed out since the last reset (tests check that none of them leaks)."""
        return self._tokens.issued()

    def expire_tokens(self) -> None:
        self._tokens.expire_all(self.now())

    def now(self) -> float:
        """The simulator's clock, which a test may set apart from the client's (clock-skew refusals)."""
        return time.time() + self.clock_offset_seconds

    # Serving

    def handle(self, request: Request) -> Reply:
        """The reply to one request, after whatever delays the settings and faults call for."""
        if request.raw_path.startswith(CONTROL_PREFIX):
            return control.handle(self, request)
        if request.raw_path == TOKEN_PATH and request.method == "POST":
            return self._call("token", request)
        match = API_PATH.fullmatch(request.raw_path)
        route = match and API_ROUTES.get((request.method, match["job_id"] is not None, match["action"]))
        if match and route:
            job_id = match["job_id"] and unquote(match["job_id"])
            return self._call(route, request, unquote(match["project_id"]), job_id)
        return gateway_error(404, "APIGW.0101", NO_SUCH_API, request.request_id)

    def _call(self, route: str, request: Request, project_id: str = "", job_id: str | None = None) -> Reply:
        with self._lock:
            self.calls[route] += 1
        delay_ms = self.latency_ms + (getattr(self, f"{route}_latency_ms") if route in LATENCY_ROUTES else 0)
        if delay_ms:
            time.sleep(delay_ms / 1000)
        reply = self._fault(BEFORE_AUTH, route, job_id, request)
        if reply is not None:
            return reply
        if route == "token":
            return self._fault(AFTER_AUTH, route, job_id, request) or issue_token(
                request, self.tenants, self._tokens, self.now(), self.token_ttl_seconds
            )
        scope = authenticate(request, self.tenants, self._tokens, self.now())
        if isinstance(scope, Reply):
            return scope
        if project_id not in scope:
            return modelarts_error(
                403, "ModelArts.0210", f"The project id {project_id} in the URL does not match the credential."
            )
        return self._fault(AFTER_AUTH, route, job_id, request) or self._answer(route, request, project_id, job_id)

    def _fault(self, kinds: frozenset[str], route: str, job_id: str | None, request: Request) -> Reply | None:
        fault = self._faults.take(kinds, route, job_id)
        return fault.act(route, request.request_id, job_id) if fault is not None else None

    def _answer(self, route: str, request: Request, project_id: str, raw_job_id: str | None) -> Reply:
        with self._lock:
            now = self.now()
            jobs = self._settled(project_id, now)
            if route == "list":
                snapshot = list(jobs.values())
            elif route == "create":
                project = self._project(project_id)
                reply = api.create_job(jobs, request, project)
                if project.new_job_id in jobs:  # created: that id is taken for good, even once deleted
                    self._last_job_ids[project_id] = project.new_job_id
                return reply
            else:
                assert raw_job_id is not None  # every other route has a job id in its path
                return self._answer_about_job(route, request, project_id, raw_job_id, jobs, now)
        return api.list_jobs(snapshot, request.query_params(), self.max_per_page, self.running_quota, now)

    def _answer_about_job(
        self, route: str, request: Request, project_id: str, raw_job_id: str, jobs: dict[int, Job], now: float
    ) -> Reply:
        """Detail or a write about one job; called with the lock held."""
        if route == "detail":
            return api.job_detail(jobs.get, raw_job_id, now)
        if route == "update":
            return api.update_job(jobs, raw_job_id, request)
        write = {"stop": api.stop_job, "restart": api.restart_job, "delete": api.delete_job}[route]
        return write(jobs, raw_job_id, request, self._project(project_id))

    def _settled(self, project_id: str, now: float | None = None) -> dict[int, Job]:
        """The project's jobs brought to the simulator's clock (or ``now``); called with the lock held."""
        jobs = self._projects[project_id]
        lifecycle.settle_all(jobs, self.now() if now is None else now)
        return jobs

    def _project(self, project_id: str) -> api.Project:
        """What a write in this project needs to know; called with the lock held."""
        new_job_id = max(self._last_job_ids.get(project_id, FIRST_JOB_ID), *self._projects[project_id]) + 1
        tenant = next(tenant for tenant in self.tenants if project_id in tenant.project_ids)
        return api.Project(project_id, tenant.region, self.now(), self.pace_seconds, self.running_quota, new_job_id)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], simulator: Simulator, verbose: bool) -> None:
        self.simulator = simulator
        self.verbose = verbose
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address) -> None:
        """A client that hung up (say, after its own timeout) is normal here, not worth a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Reads the request as received and writes the reply, keeping the connection alive (HTTP/1.1)."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes; with Nagle's algorithm a kept-alive connection would stall
    # each answer for the client's delayed ACK (about 40 ms, docs/performance.md), which no real gateway does.
    disable_nagle_algorithm = True
    server_version = "api-gateway"
    timeout = 120  # idle keep-alive connections are closed eventually, as a real gateway does
    server: _Server

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._respond()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _respond(self) -> None:
        request = self._read_request()
        if request is None:
            return
        try:
            reply = self.server.simulator.handle(request)
        except Exception:
            traceback.print_exc()
            reply = modelarts_error(500, "ModelArts.0010", "Simulator bug; see its log.")
        if reply.drop_connection:
            self._reset_connection()
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("X-Request-Id", request.request_id)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def _read_request(self) -> Request | None:
        """The request as received, or None if it was refused (or abandoned) before its body could be read.

        The body is exactly the Content-Length bytes after the headers: those are the bytes the signature
        covers, and reading neither more nor fewer keeps the next request on a kept-alive connection intact.
        """
        length = self._body_length()
        if length is None:
            return None
        body = self.rfile.read(length)
        if len(body) < length:  # the client hung up mid-body: there is no request to answer
            self.close_connection = True
            return None
        raw_path, _, raw_query = self.path.partition("?")
        headers = {name.lower(): _as_utf8(value) for name, value in self.headers.items()}
        return Request(self.command, raw_path, raw_query, headers, body, uuid.uuid4().hex)

    def _body_length(self) -> int | None:
        """Content-Length, 0 without one; None after refusing a body whose end cannot be found.

        A refusal closes the connection, since whatever follows on it could be the rest of the body.
        """
        if "Transfer-Encoding" in self.headers:
            self.send_error(501, "Transfer-Encoding is not supported; send a Content-Length")
            return None
        lengths = set(self.headers.get_all("Content-Length", []))
        if not lengths:
            return 0
        length = lengths.pop()
        if lengths or not (length.isascii() and length.isdigit()):
            self.send_error(400, "Invalid Content-Length")
            return None
        if int(length) > MAX_BODY_BYTES:
            self.send_error(413, f"The body may have at most {MAX_BODY_BYTES} bytes")
            return None
        return int(length)

    def _reset_connection(self) -> None:
        """Hang up without a word: linger 0 makes the close send a TCP reset."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def log_message(self, format: str, *args) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


def _as_utf8(header_value: str) -> str:
    """A header value read as UTF-8, as the gateway reads it (http.server decodes the bytes as Latin-1).

    Bytes that are not UTF-8 become surrogates, so the signature check still hashes the very bytes received.
    """
    return header_value.encode("latin-1").decode("utf-8", "surrogateescape")
