import pytest

from jobs.status import GROUPS, STATUSES, status_for


def test_table_covers_codes_0_to_22():
    assert sorted(STATUSES) == list(range(23))
    assert all(status.group in GROUPS for status in STATUSES.values())


@pytest.mark.parametrize(
    ("code", "constant", "label", "group", "terminal"),
    [
        (0, "JOBSTAT_UNKNOWN", "Unknown status", "unknown", False),
        (1, "JOBSTAT_INIT", "Being initialized", "starting", False),
        (7, "JOBSTAT_WAITING", "Queuing", "queued", False),
        (8, "JOBSTAT_RUNNING", "Running", "running", False),
        (9, "JOBSTAT_KILLING", "Being canceled", "stopping", False),
        (10, "JOBSTAT_COMPLETED", "Completed", "succeeded", True),
        (11, "JOBSTAT_FAILED", "Failed to run", "failed", True),
        (13, "JOBSTAT_CANCELED", "Canceled", "stopped", True),
        (15, "JOBSTAT_SCALING", "Being scaled", "running", False),
        (22, "MOUNT_FAILED", "Failed to mount", "failed", True),
    ],
)
def test_known_codes(code, constant, label, group, terminal):
    status = status_for(code)

    assert (status.constant, status.label, status.group, status.terminal) == (constant, label, group, terminal)
    assert status.label_zh


@pytest.mark.parametrize("code", [-1, 23, 99, 10**12])
def test_any_other_integer_is_an_unknown_status(code):
    status = status_for(code)

    assert status.label == f"Unknown status ({code})"
    assert status.group == "unknown"
    assert not status.terminal


def test_colour_and_icon_come_from_the_group():
    assert status_for(8).css_class == status_for(15).css_class == "active"
    assert status_for(11).icon == status_for(22).icon
    assert status_for(10).css_class != status_for(11).css_class


@pytest.mark.parametrize(
    ("operation", "code"),
    [("stop", 10), ("delete", 9), ("restart", 8)],  # "This job can't be stop. job status: 10" and the others
)
def test_the_documented_refusals_are_not_offered(operation, code):
    assert operation not in status_for(code).operations


def test_a_status_beyond_the_table_offers_what_no_status_refuses():
    assert status_for(99).operations == ("edit", "delete")
    assert not status_for(99).openable
