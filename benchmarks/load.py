"""A bounded load: 60 s of 50 concurrent clients on loopback, mixing job details, list pages, searches and
"Refresh now", against gunicorn + PostgreSQL + Redis + the simulator (50 ms latency). Prints requests,
errors and latency percentiles. Goal: 0 errors, 0 5xx.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from benchmarks import harness
from simulator import seed
from simulator.seed import DEMO, OTHER
from simulator.server import Simulator

SECONDS = 60
CONNECTIONS = 50
WORKERS = 4


def workload(other_jobs: list[int]) -> list[tuple[str, str, str, int]]:
    """(kind, method, path, weight): what people do most, and now and then a forced refresh."""
    demo = f"/projects/{DEMO.project_id}/visualization-jobs/"
    other = f"/projects/{OTHER.project_id}/visualization-jobs/"
    work = [("detail", "GET", f"{demo}{job_id}/", 10) for job_id in seed.DEMO_RUNNING_JOB_IDS]
    work += [("detail", "GET", f"{other}{job_id}/", 1) for job_id in other_jobs[:200]]
    work += [
        ("list", "GET", demo, 10),
        ("list", "GET", f"{other}?sort=-duration&per_page=50", 10),
        ("list", "GET", f"{other}?group=running&page=3", 10),
        ("search", "GET", f"{other}?q=tb", 10),
        ("search", "GET", f"{other}?q=resnet&status=8", 10),
        ("search", "GET", "/?q=bert&sort=name", 5),
        ("refresh", "POST", f"{demo}refresh/", 1),
    ]
    return work


def log_in_everyone(url: str) -> list:
    """One session per connection, made before the clock starts: a log-in hashes a password on purpose
    slowly, and 50 of them at once would be a test of that, not of the pages."""
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(lambda _: harness.login(url), range(CONNECTIONS)))


def run(url: str, sessions: list, work, deadline: float) -> tuple[dict[str, list[float]], Counter, list[str]]:
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: Counter = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    weights = [weight for *_, weight in work]

    def client(number: int) -> None:
        session = sessions[number]
        chooser = random.Random(number)
        while time.monotonic() < deadline:
            kind, method, path, _ = chooser.choices(work, weights)[0]
            started = time.perf_counter()
            try:
                response = session.request(method, f"{url}{path}", timeout=30, allow_redirects=False)
            except Exception as exc:  # a failed request is a result to count, not a crash
                with lock:
                    errors.append(f"{kind} {path}: {type(exc).__name__}")
                continue
            with lock:
                latencies[kind].append((time.perf_counter() - started) * 1000)
                statuses[response.status_code] += 1

    with ThreadPoolExecutor(CONNECTIONS) as pool:
        list(pool.map(client, range(CONNECTIONS)))
    return latencies, statuses, errors


def main() -> None:
    simulator = Simulator(port=0, latency_ms=harness.SIMULATOR_LATENCY_MS)
    simulator.start()
    workdir = harness.workdir()
    config = harness.configs(workdir)[-1]  # PostgreSQL + Redis where they answer
    env = harness.environment(config, simulator.url, workdir)
    simulator.set_job_count(OTHER.project_id, 10_000)
    harness.prepare(env, [DEMO, OTHER])
    try:
        with harness.gunicorn(env, WORKERS) as (url, _server):
            warm = harness.login(url)
            since = datetime.now(UTC)
            for tenant in (DEMO, OTHER):  # the first view of each project queues a fetch of its list
                warm.get(f"{url}/projects/{tenant.project_id}/visualization-jobs/", timeout=120)
            harness.wait_until_refreshed(config, [DEMO.project_id, OTHER.project_id], since)
            sessions = log_in_everyone(url)
            print(f"{config.name}: {CONNECTIONS} connections for {SECONDS} s against {url} ...")
            work = workload(simulator.job_ids(OTHER.project_id))
            latencies, statuses, errors = run(url, sessions, work, time.monotonic() + SECONDS)
    finally:
        simulator.stop()
    report(latencies, statuses, errors, simulator)


def report(latencies, statuses, errors, simulator: Simulator) -> None:
    total = sum(statuses.values())
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    print(f"requests: {total} ({total / SECONDS:.0f}/s), errors: {len(errors)}, 5xx: {server_errors}")
    print(f"statuses: {dict(sorted(statuses.items()))}")
    print(f"{'kind':<10}{'count':>8}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    everything = [value for values in latencies.values() for value in values]
    for kind, values in [*sorted(latencies.items()), ("all", everything)]:
        cells = [harness.percentile(values, share) for share in (0.5, 0.9, 0.99)] + [max(values, default=float("nan"))]
        print(f"{kind:<10}{len(values):>8}" + "".join(f"{cell:>10.1f}" for cell in cells))
    print(f"upstream calls: {dict(simulator.calls)}")
    for error in errors[:10]:
        print(f"  error: {error}")


if __name__ == "__main__":
    main()
