import re

from modelarts.client import MAX_JOB_ID


class ProjectIdConverter:
    regex = "[0-9a-f]{32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class JobIdConverter:
    """Only ids ModelArts could have (positive Longs): anything else is a 404 before any upstream call."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        job_id = int(value)
        if not 0 < job_id <= MAX_JOB_ID:
            raise ValueError("not a job id")
        return job_id

    def to_url(self, value: int) -> str:
        return str(value)


class AnyJobIdConverter:
    """Any path segment, for a job's pages: a job id as JobIdConverter takes it, or else the text as given.

    A segment no converter takes leaves the address unresolved, and with DEBUG on Django answers that with its
    technical page listing every URL pattern; with this one, the view (views.job_id_required) answers the
    site's own 404 page instead, in every mode. The fixed addresses beside a job's (new/, stop/, refresh/)
    come first in the URLconf, so they stay theirs.
    """

    regex = "[^/]+"

    def to_python(self, value: str) -> int | str:
        if re.fullmatch(JobIdConverter.regex, value):
            try:
                return JobIdConverter().to_python(value)
            except ValueError:  # 0, or beyond a Long
                pass
        return value

    def to_url(self, value: int | str) -> str:
        return str(value)
