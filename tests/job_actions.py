"""What the tests of the job actions share: alice's job in ModelArts as mocked answers, and the action URLs."""

import json

import responses

from jobs.models import CachedJob
from modelarts.client import parse_job
from tests.conftest import PROJECT_A, store_list

UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
JOB_ID = 10086
JOB_URL = f"{UPSTREAM}/{JOB_ID}"
OPERATIONS = ("stop", "restart", "edit", "delete")
ACCEPTED = {"is_success": True}


def job_answer(status: int, **fields) -> dict:
    """ModelArts' detail answer for alice's job in this status."""
    return {
        "is_success": True,
        "job_id": JOB_ID,
        "job_name": "resnet-tb",
        "job_desc": "loss curves",
        "status": status,
        "create_time": 1700000000000,
        "duration": 60000,
        "service_url": "https://tensorboard.example.com/10086/" if status == 8 else "",
        "train_url": "obs://bucket/resnet/logs/",
        **fields,
    }


def store_job(credential, status: int, **fields) -> CachedJob:
    """The job as the cached list holds it."""
    store_list(credential, [parse_job(job_answer(status, **fields))])
    return CachedJob.objects.get(credential=credential, job_id=JOB_ID)


def mock_detail(status: int, **fields) -> None:
    responses.get(JOB_URL, json=job_answer(status, **fields))


def refusal(message: str, code: str = "ModelArts.0105") -> dict:
    """ModelArts refusing a write: the reference's write pages spell the message field error_message."""
    return {"is_success": False, "error_code": code, "error_message": message}


def action_url(operation: str, project_id: str = PROJECT_A, job_id: int = JOB_ID) -> str:
    return f"/projects/{project_id}/visualization-jobs/{job_id}/{operation}/"


def detail_url(project_id: str = PROJECT_A, job_id: int = JOB_ID) -> str:
    return f"/projects/{project_id}/visualization-jobs/{job_id}/"


def sent_body(call) -> dict | None:
    body = call.request.body
    return json.loads(body) if body else None


def writes() -> list:
    """The calls that were not reads."""
    return [call for call in responses.calls if call.request.method != "GET"]
