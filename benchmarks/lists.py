"""Cached job lists: list-page render time at 10, 1,000 and 10,000 jobs, and refreshing 10,000 jobs from
the simulator (wall time and upstream calls).

Runs on a throw-away SQLite database with the simulator in-process, over real HTTP.
Goals: the 10,000-job page within 1.5x of the 10-job page; 10 upstream calls for 10,000 jobs.
"""

import os
import statistics
import tempfile
import time

SIZES = (10, 1_000, 10_000)
REQUESTS_PER_SIZE = 40


def configure() -> None:
    workdir = tempfile.mkdtemp(prefix="dashboard-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["CACHE_URL"] = "locmemcache://"
    os.environ["LIST_TTL"] = "86400"  # pages read the stored list; nothing refreshes while we measure
    os.environ["DJANGO_SETTINGS_MODULE"] = "dashboard.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def median_ms(client, path: str, params: dict) -> float:
    for _ in range(3):
        client.get(path, params)  # warm-up: templates, query plans
    timings = []
    for _ in range(REQUESTS_PER_SIZE):
        started = time.perf_counter()
        response = client.get(path, params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(timings)


def main() -> None:
    configure()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.models import Credential
    from jobs import refresh
    from simulator.seed import DEMO
    from simulator.server import Simulator

    simulator = Simulator(port=0, jobs_per_project=10)
    simulator.start()
    user = get_user_model().objects.create_user("bench", password="bench")
    credential = Credential(
        owner=user,
        name="bench",
        region=DEMO.region,
        project_id=DEMO.project_id,
        access_key=DEMO.access_key,
        modelarts_endpoint=simulator.url,
    )
    credential.set_secret(DEMO.secret_key)
    credential.save()
    client = Client()
    client.force_login(user)
    path = f"/projects/{DEMO.project_id}/visualization-jobs/"
    # With 10 rows per page every size renders the same number of rows, so the ratio shows what the size
    # of the stored list costs; the other views show the costs of searching and of long pages.
    views = {
        "10 per page": {"per_page": "10"},
        "default (25 per page)": {},
        "search+filter+sort": {"q": "tb", "group": "running", "sort": "-duration", "per_page": "10"},
        "200 per page, page 3": {"per_page": "200", "page": "3"},
    }

    print("List page render time (median of", REQUESTS_PER_SIZE, "requests, milliseconds)")
    print(f"{'jobs':>8}  " + "  ".join(f"{name:>22}" for name in views))
    medians: dict[int, dict[str, float]] = {}
    for size in SIZES:
        simulator.set_job_count(DEMO.project_id, size)
        refresh.refresh_job_list(credential)
        medians[size] = {name: median_ms(client, path, params) for name, params in views.items()}
        print(f"{size:>8}  " + "  ".join(f"{medians[size][name]:>22.1f}" for name in views))
    for name in views:
        ratio = medians[SIZES[-1]][name] / medians[SIZES[0]][name]
        print(f"ratio {SIZES[-1]:,} / {SIZES[0]} jobs, {name}: {ratio:.2f}x")
    print("goal: the 10,000-job page within 1.5x of the 10-job page (the '10 per page' ratio)")

    simulator.set_job_count(DEMO.project_id, 10_000)
    before = simulator.calls["list"]
    started = time.perf_counter()
    result = refresh.refresh_job_list(credential)
    seconds = time.perf_counter() - started
    print()
    print(
        f"Refresh of 10,000 jobs from the simulator: {seconds:.2f} s, "
        f"{simulator.calls['list'] - before} upstream calls (goal 10), {result.jobs} jobs stored"
    )
    simulator.stop()


if __name__ == "__main__":
    main()
