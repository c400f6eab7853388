"""Who uses the browser tests' dashboard: the ``person`` fixture's login and the ``team_credential`` fixture's name
(tests/e2e/conftest.py), the demo job that runs, and the address of a demo job's page."""

from simulator.seed import DEMO, DEMO_RUNNING_JOB_ID

USERNAME = "mei"
PASSWORD = "mei-dashboard-Passw0rd"
TEAM = "Vision team"
RUNNING = DEMO_RUNNING_JOB_ID  # the demo job that runs, with an auto-stop


def detail_path(job_id: int) -> str:
    return f"/projects/{DEMO.project_id}/visualization-jobs/{job_id}/"
