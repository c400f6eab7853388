"""Status icons are pictures from static/icons/status.svg, and the status table (jobs/status.py) picks them.

A symbol character showed as an empty box in a browser with only its system's fonts, so every badge draws a
symbol of the sprite instead; which one is the status table's decision, never a template's.
"""

import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils import timezone

from jobs import status as status_table
from jobs.status import GROUP_STYLES, ICON_SPRITE, LONG_RUNNING_STYLE, STATUSES, status_for
from tests.conftest import PROJECT_A, make_job, store_list

pytestmark = pytest.mark.django_db

LIST_URL = f"/projects/{PROJECT_A}/visualization-jobs/"
SPRITE_URL = static(ICON_SPRITE)
ROW = re.compile(r"<tr>.*?visualization-jobs/(\d+)/\">.*?</tr>", re.S)
ICON = re.compile(r'<svg class="icon" aria-hidden="true" focusable="false"><use href="([^"#]+)#([a-z-]+)"></use></svg>')
SYMBOL_CHARACTERS = "◔⋯▶◼✔✖■⏱"
UNKNOWN_CODE = 99


@pytest.fixture
def one_job_per_status(alice_credential):
    """Job 1000 + code in each status of the table and one beyond it; the running ones long-running."""
    now = timezone.now()
    codes = [*STATUSES, UNKNOWN_CODE]
    jobs = [make_job(1000 + code, status=code, duration_ms=30 * 3_600_000) for code in codes]
    store_list(alice_credential, jobs, fetched_at=now - timedelta(minutes=1))
    return codes


def icons_by_job(html: str) -> dict[int, list[tuple[str, str]]]:
    """Each row's icons, as (sprite URL, symbol), by the job id its name links to."""
    return {int(row.group(1)): ICON.findall(row.group(0)) for row in ROW.finditer(html)}


def sprite_symbols() -> set[str]:
    path = finders.find(ICON_SPRITE)
    assert path, f"static/{ICON_SPRITE} is missing"
    tree = ElementTree.parse(path)
    return {element.get("id") for element in tree.iter("{http://www.w3.org/2000/svg}symbol")}


def test_every_status_badge_draws_the_icon_its_group_has_in_the_table(alice_client, one_job_per_status):
    html = alice_client.get(LIST_URL, {"per_page": 50}).content.decode()

    rows = icons_by_job(html)
    assert set(rows) == {1000 + code for code in one_job_per_status}
    for code in one_job_per_status:
        status_icon = rows[1000 + code][0]
        assert status_icon == (SPRITE_URL, status_for(code).icon), code
    assert not set(SYMBOL_CHARACTERS) & set(html)


def test_the_long_running_badge_draws_the_tables_long_running_icon(alice_client, one_job_per_status):
    html = alice_client.get(LIST_URL, {"per_page": 50}).content.decode()

    css_class, icon = LONG_RUNNING_STYLE
    rows = icons_by_job(html)
    running = [code for code in one_job_per_status if status_for(code).group == "running"]
    assert running
    for code in running:
        assert rows[1000 + code][1:] == [(SPRITE_URL, icon)], code
    assert html.count(f'<span class="badge badge--{css_class}" title="Running for more than') == len(running)
    others = [codes for job_id, codes in rows.items() if status_for(job_id - 1000).group != "running"]
    assert all(len(codes) == 1 for codes in others)


def test_changing_the_table_changes_the_badges(alice_client, one_job_per_status, monkeypatch):
    """The templates ask the table: give running jobs another icon there and every running badge follows."""
    monkeypatch.setitem(GROUP_STYLES, "running", ("active", "queued"))
    monkeypatch.setattr(status_table, "LONG_RUNNING_STYLE", ("danger", "failed"))
    monkeypatch.setattr("jobs.templatetags.jobs_tags.LONG_RUNNING_STYLE", ("danger", "failed"))

    rows = icons_by_job(alice_client.get(LIST_URL, {"per_page": 50}).content.decode())

    assert rows[1008] == [(SPRITE_URL, "queued"), (SPRITE_URL, "failed")]


def test_the_overview_draws_the_same_icons(alice_client, one_job_per_status):
    html = alice_client.get("/", {"per_page": 50}).content.decode()

    rows = icons_by_job(html)
    assert rows[1008] == [(SPRITE_URL, status_for(8).icon), (SPRITE_URL, LONG_RUNNING_STYLE[1])]
    assert rows[1000 + UNKNOWN_CODE] == [(SPRITE_URL, "unknown")]


def test_the_sprite_has_a_symbol_for_every_icon_the_table_names():
    named = {icon for _css, icon in GROUP_STYLES.values()} | {LONG_RUNNING_STYLE[1]}
    assert named <= sprite_symbols()
