"""What the list-page tests share: alice's project list, a few stored jobs, and reading the page's rows and
controls back."""

import re
from datetime import UTC, datetime
from html import unescape

from tests.conftest import PROJECT_A, make_job, store_list

LIST_URL = f"/projects/{PROJECT_A}/visualization-jobs/"
HOME_URL = "/"


def created(day: int) -> datetime:
    return datetime(2026, 1, day, tzinfo=UTC)


def store_five(credential) -> None:
    """Five jobs of distinct names, statuses, creation days and durations."""
    store_list(
        credential,
        [
            make_job(101, job_name="ResNet-TB", status=8, create_time=created(1), duration_ms=30 * 3_600_000),
            make_job(102, job_name="bert-viz", status=8, create_time=created(2), duration_ms=3_600_000),
            make_job(103, job_name="yolo", status=10, create_time=created(3), duration_ms=7_200_000),
            make_job(104, job_name="图像分类", status=11, create_time=created(4), duration_ms=60_000),
            make_job(105, job_name="unknown-one", status=99, create_time=None, duration_ms=None),
        ],
    )


def store_many(credential, count: int) -> None:
    store_list(credential, [make_job(1000 + n, job_name=f"tb-{n:03}", status=8) for n in range(count)])


def names(response) -> list[str]:
    """The job names of the table's rows, in order."""
    return re.findall(
        r'<td><a href="/projects/[0-9a-f]{32}/visualization-jobs/\d+/">([^<]+)</a></td>', response.content.decode()
    )


def header(response, label: str) -> str:
    """The opening tag and content of the column header cell whose link reads ``label``."""
    html = response.content.decode()
    match = re.search(
        r'<th scope="col"[^>]*>\s*<a class="sort-link" href="[^"]*">' + re.escape(label) + r"<.*?</th>", html, re.S
    )
    assert match, f"no sortable header {label!r}"
    return match.group(0)


def header_href(response, label: str) -> str:
    return unescape(re.search(r'href="([^"]*)"', header(response, label)).group(1))


def aria_sort(response, label: str) -> str | None:
    found = re.search(r'aria-sort="(\w+)"', header(response, label).split(">", 1)[0])
    return found.group(1) if found else None
