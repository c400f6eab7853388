"""``python -m simulator``: run the ModelArts simulator until Ctrl-C.

Faults given here are part of the starting state (``POST /_simulator/reset`` brings them back). A fault is
a kind with optional parameters, ``KIND`` or ``KIND:name=value,name=value``, e.g. ``slow:delay_ms=800``,
``rate_limit:retry_after=5``, ``deeply_nested:depth=800`` or ``huge:size_bytes=20000000``; ``--fault-job``
limits one to a job's detail call: ``10101=http_500``. The kinds are described in simulator/faults.py.
"""

from __future__ import annotations

import argparse
import signal

from simulator.faults import KINDS, Fault
from simulator.seed import DEMO
from simulator.server import Simulator


def parse_fault(spec: str, job_id: str | None = None) -> Fault:
    """A Fault from ``KIND[:name=value,...]``; values made of digits become integers."""
    kind, _, param_text = spec.partition(":")
    params: dict[str, object] = {}
    for pair in filter(None, param_text.split(",")):
        name, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"fault parameter {pair!r} is not name=value")
        params[name] = int(value) if value.isdigit() else value
    return Fault(kind, job_id=job_id, params=params)


def parse_job_fault(spec: str) -> Fault:
    job_id, sep, fault_spec = spec.partition("=")
    if not sep or not job_id.isdigit():
        raise ValueError(f"{spec!r} is not JOB_ID=KIND")
    return parse_fault(fault_spec, job_id=job_id)


def _argument(parse):
    """Turn a parser's ValueError into argparse's usage error."""

    def convert(text: str):
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from error

    convert.__name__ = parse.__name__
    return convert


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=8001, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=60, help="jobs per project")
    parser.add_argument("--max-per-page", type=int, default=1000, help="100 imitates the older API")
    parser.add_argument("--latency-ms", type=float, default=0, help="added to every API call")
    for route in ("token", "list", "detail"):
        parser.add_argument(f"--{route}-latency-ms", type=float, default=0, help=f"added to every {route} call too")
    parser.add_argument(
        "--projects",
        type=int,
        default=0,
        help="also serve an account whose one AK/SK reaches this many projects (printed at start)",
    )
    parser.add_argument("--token-ttl", type=float, default=86400, help="IAM token lifetime in seconds")
    parser.add_argument("--clock-offset", type=float, default=0, help="seconds added to the simulator's clock")
    parser.add_argument(
        "--pace", type=float, default=2, help="seconds a job stays in each intermediate status after a write"
    )
    parser.add_argument("--running-quota", type=int, default=50, help="jobs that may be active at once")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        type=_argument(parse_fault),
        metavar="KIND[:name=value,...]",
        help=f"on every call; KIND is one of {', '.join(sorted(KINDS))}",
    )
    parser.add_argument(
        "--fault-job",
        action="append",
        default=[],
        type=_argument(parse_job_fault),
        metavar="JOB_ID=KIND",
        help="on one job's detail call",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser


def main(argv: list[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.projects < 0:
        parser.error("--projects must be 0 or more")
    if args.pace < 0 or args.running_quota < 0:
        parser.error("--pace and --running-quota must be 0 or more")
    try:
        sim = Simulator(
            host=args.host,
            port=args.port,
            seed=args.seed,
            jobs_per_project=args.jobs,
            max_per_page=args.max_per_page,
            latency_ms=args.latency_ms,
            token_latency_ms=args.token_latency_ms,
            list_latency_ms=args.list_latency_ms,
            detail_latency_ms=args.detail_latency_ms,
            token_ttl_seconds=args.token_ttl,
            clock_offset_seconds=args.clock_offset,
            pace_seconds=args.pace,
            running_quota=args.running_quota,
            faults=[*args.fault, *args.fault_job],
            projects=args.projects,
            verbose=args.verbose,
        )
    except OSError as error:  # typically: the port is taken, perhaps by a simulator still running
        parser.error(f"cannot listen on {args.host}:{args.port}: {error.strerror}")
    # A shell starting us in the background (as a Makefile recipe may) leaves SIGINT ignored; Ctrl-C must
    # still stop the simulator rather than leave it holding the port.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print(f"ModelArts simulator on {sim.url} (demo project {DEMO.project_id})", flush=True)
    if args.projects:
        multi = sim.tenants[-1]
        print(f"Account {multi.access_key}: projects {multi.project_id} to {multi.project_ids[-1]}", flush=True)
    try:
        sim.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
