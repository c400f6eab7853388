"""The ModelArts status-reference table: what each integer status means, how to show it, and which
operations a job in it accepts.

Copied from ModelArts' published table (codes 0-22). Templates never decide colours, icons or which
actions to offer: they ask this module, so one table drives every badge and every button.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language, gettext_lazy

# Group -> (CSS modifier, icon). The text label is always shown too: colour is never the only signal.
# Icons are symbols of the SVG sprite static/icons/status.svg (drawn in the badge's colour): pictures, not
# characters, since a browser with only its system's fonts showed some symbols as empty boxes.
ICON_SPRITE = "icons/status.svg"
GROUP_STYLES: dict[str, tuple[str, str]] = {
    "starting": ("info", "starting"),
    "queued": ("info", "queued"),
    "running": ("active", "running"),
    "stopping": ("warning", "stopping"),
    "succeeded": ("success", "succeeded"),
    "failed": ("danger", "failed"),
    "stopped": ("muted", "stopped"),
    "unknown": ("muted", "unknown"),
}
# The badge beside a job that has run longer than LONG_RUNNING_HOURS (billed while it runs).
LONG_RUNNING_STYLE = ("warning", "long-running")
GROUPS = tuple(GROUP_STYLES)
GROUP_LABELS = {
    "starting": gettext_lazy("Starting"),
    "queued": gettext_lazy("Queued"),
    "running": gettext_lazy("Running"),
    "stopping": gettext_lazy("Stopping"),
    "succeeded": gettext_lazy("Succeeded"),
    "failed": gettext_lazy("Failed"),
    "stopped": gettext_lazy("Stopped"),
    "unknown": gettext_lazy("Unknown"),
}
TERMINAL_GROUPS = frozenset({"succeeded", "failed", "stopped"})

# The operations on a job (jobs/actions.py), and the statuses in which ModelArts accepts each. ModelArts
# documents no table of its own; its refusals (ModelArts.0105, "operation not allowed in the job's status")
# and the console's rules say this much:
# - stop: only before the job has finished: starting (1, 2, 4, 18), queued (7) or running (8, 15, 19).
#   "This job can't be stop. job status: 10" is a documented refusal, and stopping is what ends the billing
#   of a job on its way to running as much as of a running one.
# - restart: only a finished job: completed (10), failed to run (11), canceled (12, 13). The console runs
#   a canceled job again; "This job can't be resubmit. job status: 8" refuses a running one. Other
#   failures (image, submission, mount...) never ran, so there is nothing to run again.
# - delete: at any time but while the job is being canceled ("This job can't be delete. job status: 9").
# - edit (the description): no refusal is documented for any status, so always offered.
# A status missing from the table (0, or a code beyond it) allows only what no status refuses: edit and
# delete. ModelArts still decides: what it refuses anyway is explained (jobs/failures.py).
STOPPABLE_STATUSES = frozenset({1, 2, 4, 18, 7, 8, 15, 19})
RESTARTABLE_STATUSES = frozenset({10, 11, 12, 13})
UNDELETABLE_STATUSES = frozenset({9})
# The console opens only a running job's TensorBoard: in any other status its service_url leads nowhere.
OPENABLE_STATUSES = frozenset({8})


@dataclass(frozen=True)
class Status:
    code: int
    constant: str
    label: str
    label_zh: str
    group: str

    @property
    def terminal(self) -> bool:
        """A job in a terminal status will not change by itself, so it can be cached for longer."""
        return self.group in TERMINAL_GROUPS

    @property
    def display_label(self) -> str:
        """The label in the active language: ModelArts' own Chinese wording for Chinese, else English."""
        return self.label_zh if _chinese_active() else self.label

    @property
    def other_label(self) -> str:
        """The label in the other language (a hover hint, and what colleagues using it will quote)."""
        return self.label if _chinese_active() else self.label_zh

    @property
    def operations(self) -> tuple[str, ...]:
        """The operations ModelArts accepts in this status, in the order the job's page offers them."""
        allowed = {
            "stop": self.code in STOPPABLE_STATUSES,
            "restart": self.code in RESTARTABLE_STATUSES,
            "edit": True,
            "delete": self.code not in UNDELETABLE_STATUSES,
        }
        return tuple(operation for operation, ok in allowed.items() if ok)

    @property
    def openable(self) -> bool:
        """Whether the job's TensorBoard (its service_url) can be opened now."""
        return self.code in OPENABLE_STATUSES

    @property
    def css_class(self) -> str:
        return GROUP_STYLES[self.group][0]

    @property
    def icon(self) -> str:
        return GROUP_STYLES[self.group][1]


_TABLE = [
    (0, "JOBSTAT_UNKNOWN", "Unknown status", "作业状态未知", "unknown"),
    (1, "JOBSTAT_INIT", "Being initialized", "作业初始化状态", "starting"),
    (2, "JOBSTAT_IMAGE_CREATING", "Job image being created", "作业镜像正在创建", "starting"),
    (3, "JOBSTAT_IMAGE_FAILED", "Failed to create job image", "作业镜像创建失败", "failed"),
    (4, "JOBSTAT_SUBMIT_TRYING", "Being submitted", "作业正在提交", "starting"),
    (5, "JOBSTAT_SUBMIT_FAILED", "Failed to submit", "作业提交失败", "failed"),
    (6, "JOBSTAT_DELETE_FAILED", "Failed to delete", "作业删除失败", "failed"),
    (7, "JOBSTAT_WAITING", "Queuing", "作业正在排队中", "queued"),
    (8, "JOBSTAT_RUNNING", "Running", "作业正在运行中", "running"),
    (9, "JOBSTAT_KILLING", "Being canceled", "作业正在取消", "stopping"),
    (10, "JOBSTAT_COMPLETED", "Completed", "作业已经完成", "succeeded"),
    (11, "JOBSTAT_FAILED", "Failed to run", "作业运行失败", "failed"),
    (12, "JOBSTAT_KILLED", "Canceled successfully", "作业取消成功", "stopped"),
    (13, "JOBSTAT_CANCELED", "Canceled", "作业取消", "stopped"),
    (14, "JOBSTAT_LOST", "Lost", "作业丢失", "failed"),
    (15, "JOBSTAT_SCALING", "Being scaled", "作业正在扩容", "running"),
    (16, "JOBSTAT_SUBMIT_MODEL_FAILED", "Failed to submit model", "提交模型失败", "failed"),
    (17, "JOBSTAT_DEPLOY_SERVICE_FAILED", "Failed to deploy service", "部署服务失败", "failed"),
    (18, "JOBSTAT_CHECK_INIT", "Review being initialized", "审核作业初始化", "starting"),
    (19, "JOBSTAT_CHECK_RUNNING", "Being reviewed", "审核作业正在运行中", "running"),
    (20, "JOBSTAT_CHECK_RUNNING_COMPLETED", "Review completed", "审核作业已经完成", "succeeded"),
    (21, "JOBSTAT_CHECK_FAILED", "Review failed", "审核作业失败", "failed"),
    (22, "MOUNT_FAILED", "Failed to mount", "挂载失败", "failed"),
]

STATUSES: dict[int, Status] = {row[0]: Status(*row) for row in _TABLE}


def _chinese_active() -> bool:
    return (get_language() or "").lower().startswith("zh")


def group_label(group: str) -> str:
    """A status group's name in the active language (the group key itself if it is not one of ours)."""
    return str(GROUP_LABELS.get(group, group))


def status_for(code: int) -> Status:
    """Known codes from the table; any other integer is shown as unknown, never an error."""
    known = STATUSES.get(code)
    if known:
        return known
    return Status(code, "", f"Unknown status ({code})", f"未知状态 ({code})", "unknown")
