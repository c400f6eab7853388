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
