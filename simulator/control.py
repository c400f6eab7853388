"""HTTP control endpoints under ``/_simulator/``, for a simulator running as a separate process.

They mirror the in-process methods of ``Simulator`` (demos, benchmarks and browser tests cannot call
those). Not part of the real API, so no authentication: the simulator binds loopback by default.
Bodies are JSON; a bad request is a 400 ``{"error": "..."}``.

- ``POST /_simulator/reset``
- ``POST /_simulator/faults`` ``{"kind": .., "job_id": .., "route": .., "times": .., <params>}``
- ``DELETE /_simulator/faults``
- ``PATCH /_simulator/projects/<project_id>/jobs/<job_id>`` ``{<fields>}`` (answers the job as served)
- ``PUT /_simulator/projects/<project_id>/job-count`` ``{"count": N}``
- ``POST /_simulator/tokens/expire``
- ``GET /_simulator/calls`` (answers ``{"token": n, "list": n, "detail": n, "create": n, ...}``, every route)
- ``PUT /_simulator/settings`` with any of ``SETTINGS`` (answers all settings); ``latency_ms`` delays every
  API call, ``token_latency_ms``, ``list_latency_ms`` and ``detail_latency_ms`` add to it on their route;
  ``pace_seconds`` is how long a job stays in each intermediate status after a write (from the next write
  on), ``running_quota`` how many jobs may be active at once
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from simulator.faults import ROUTES
from simulator.wire import Reply, Request, json_reply

if TYPE_CHECKING:
    from simulator.server import Simulator

SETTINGS = (
    "latency_ms",
    "token_latency_ms",
    "list_latency_ms",
    "detail_latency_ms",
    "max_per_page",
    "token_ttl_seconds",
    "clock_offset_seconds",
    "pace_seconds",
    "running_quota",
)

_JOB = re.compile(r"/_simulator/projects/(?P<project_id>[^/]+)/jobs/(?P<job_id>\d+)")
_JOB_COUNT = re.compile(r"/_simulator/projects/(?P<project_id>[^/]+)/job-count")


class _BadRequest(ValueError):
    pass


def handle(sim: Simulator, request: Request) -> Reply:
    try:
        return _route(sim, request)
    except ValueError as error:  # from here or from the Simulator's own argument checks
        return json_reply(400, {"error": str(error)})
    except KeyError as error:  # an unknown project
        return json_reply(404, {"error": f"unknown project {error.args[0]}"})


def _route(sim: Simulator, request: Request) -> Reply:
    endpoint = (request.method, request.raw_path)
    if endpoint == ("POST", "/_simulator/reset"):
        sim.reset()
    elif endpoint == ("POST", "/_simulator/faults"):
        _add_fault(sim, _object_body(request))
    elif endpoint == ("DELETE", "/_simulator/faults"):
        sim.clear_faults()
    elif endpoint == ("POST", "/_simulator/tokens/expire"):
        sim.expire_tokens()
    elif endpoint == ("GET", "/_simulator/calls"):
        return json_reply(200, {route: sim.calls[route] for route in sorted(ROUTES)})
    elif endpoint == ("PUT", "/_simulator/settings"):
        return json_reply(200, _update_settings(sim, _object_body(request)))
    elif request.method == "PATCH" and (match := _JOB.fullmatch(request.raw_path)):
        job = sim.set_job(match["project_id"], int(match["job_id"]), **_object_body(request))
        return json_reply(200, job)
    elif request.method == "PUT" and (match := _JOB_COUNT.fullmatch(request.raw_path)):
        count = _object_body(request).get("count")
        if not isinstance(count, int) or count < 0:
            raise _BadRequest("count must be a non-negative integer")
        sim.set_job_count(match["project_id"], count)
    else:
        return json_reply(404, {"error": f"no simulator control endpoint {request.method} {request.raw_path}"})
    return json_reply(200, {"ok": True})


def _object_body(request: Request) -> dict[str, Any]:
    try:
        body = request.json_body()
    except ValueError as error:
        raise _BadRequest(f"the body is not JSON: {error}") from error
    if not isinstance(body, dict):
        raise _BadRequest("the body must be a JSON object")
    return body


def _add_fault(sim: Simulator, body: dict[str, Any]) -> None:
    if "kind" not in body:
        raise _BadRequest("a fault needs a kind")
    sim.add_fault(**body)


def _update_settings(sim: Simulator, body: dict[str, object]) -> dict[str, object]:
    unknown = sorted(set(body) - set(SETTINGS))
    if unknown:
        raise _BadRequest(f"unknown settings {unknown}; expected some of {list(SETTINGS)}")
    for name, value in body.items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise _BadRequest(f"{name} must be a number")
    pace, quota = body.get("pace_seconds", 0), body.get("running_quota", 0)
    if not isinstance(pace, int | float) or pace < 0:
        raise _BadRequest("pace_seconds must not be negative")
    if not isinstance(quota, int) or quota < 0:
        raise _BadRequest("running_quota must be a non-negative integer")
    for name, value in body.items():
        setattr(sim, name, value)
    return {name: getattr(sim, name) for name in SETTINGS}
