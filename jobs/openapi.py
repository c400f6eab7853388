"""The OpenAPI 3.1 description of the JSON API, served at /api/schema.

Written by hand as a plain dict: two endpoints do not need a generator. Enumerations come from the modules
that define them (status groups, sorts, page sizes), so the description cannot drift from what the list
endpoint accepts; tests compare the documented fields with real answers.
"""

from django.conf import settings

from dashboard import __version__
from modelarts.client import MAX_INTEGER, MAX_JOB_ID

from .converters import ProjectIdConverter
from .listing import DEFAULT_PAGE_SIZE, DEFAULT_SORT, MAX_SEARCH, PAGE_SIZES, SORT_CHOICES
from .status import GROUPS


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _nullable_integer(description: str) -> dict:
    return {"type": ["integer", "null"], "format": "int64", "description": description}


def _json(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("schemas", schema_name)}}}


JOB = {
    "type": "object",
    "description": "A visualization job: the fields of the old SDK's get_visualization_job_info, typed.",
    "required": [
        "job_id",
        "job_name",
        "job_desc",
        "status",
        "status_label",
        "status_group",
        "create_time",
        "duration",
        "train_url",
        "service_url",
        "resource_id",
        "remaining_duration",
    ],
    "properties": {
        "job_id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_JOB_ID},
        "job_name": {"type": "string"},
        "job_desc": {"type": "string"},
        "status": {
            "type": "integer",
            "format": "int32",
            "minimum": -MAX_INTEGER,
            "maximum": MAX_INTEGER,
            "description": "ModelArts' status code (0-22 in its status table; other codes are reported as unknown).",
        },
        "status_label": {"type": "string", "description": "The status in words, e.g. 'Running'."},
        "status_group": {"type": "string", "enum": list(GROUPS), "description": "What the status amounts to."},
        "create_time": _nullable_integer("Creation time in milliseconds since 1970-01-01T00:00:00Z."),
        "duration": _nullable_integer("How long the job has run, in milliseconds."),
        "train_url": {"type": "string", "description": "The OBS path of the training logs."},
        "service_url": {
            "type": "string",
            "description": "Where TensorBoard or MindInsight is served, as ModelArts reports it (unchecked).",
        },
        "resource_id": {"type": "string"},
        "remaining_duration": _nullable_integer("Time left before the job stops by itself, in milliseconds."),
    },
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": (
                        "unauthenticated, not_found, invalid_query, too_many_parameters, bad_request, "
                        "method_not_allowed, rate_limited, upstream_busy, secret_missing, secret_unreadable, "
                        "credential_malformed, list_unavailable, server_error; "
                        "for other ModelArts failures its own code (e.g. ModelArts.0108, APIGW.0301) or, when "
                        "it gave none, the kind of failure (e.g. upstream_timeout, connection_failed, busy, "
                        "bad_response)."
                    ),
                },
                "message": {"type": "string", "description": "What happened; for ModelArts failures its words."},
                "title": {"type": "string", "description": "What happened, for people."},
                "advice": {"type": "string", "description": "What to do about it."},
                "request_id": {"type": "string", "description": "ModelArts' request id, for Huawei support."},
                "modelarts_code": {"type": "string", "description": "ModelArts' error code verbatim, or empty."},
                "retry_after": {
                    "type": "integer",
                    "description": "For rate_limited and upstream_busy: seconds until a new try.",
                },
                "fields": {
                    "type": "object",
                    "description": "For invalid_query: the errors of each query parameter.",
                    "additionalProperties": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"message": {"type": "string"}, "code": {"type": "string"}},
                        },
                    },
                },
            },
        }
    },
}

SCHEMA = {
    "openapi": "3.1.0",
    "info": {
        "title": "ModelArts dashboard API",
        "version": __version__,
        "description": (
            "Read-only access for scripts to the visualization jobs of the projects you hold a credential "
            "for, with your own credential. Authenticate with a personal API token (created on the "
            "dashboard's API tokens page) sent as 'Authorization: Bearer <token>', or with a logged-in "
            "browser session. Every answer, failures included, is JSON."
        ),
    },
    "security": [{"bearerToken": []}, {"session": []}],
    "paths": {
        "/api/projects/{project_id}/visualization-jobs": {
            "get": {
                "operationId": "listVisualizationJobs",
                "summary": "A project's job list, as cached by the dashboard",
                "description": (
                    "The project's whole list is cached; when it is older than a few minutes it is served as "
                    "stored while the background worker refreshes it (see refresh). A failed refresh keeps the "
                    "previous list and is reported in last_error. Filtering, sorting and paging are those of the "
                    "list page; an invalid value is a 400."
                ),
                "parameters": [
                    _ref("parameters", "ProjectId"),
                    {
                        "name": "q",
                        "in": "query",
                        "description": "Name substring (case-insensitive) or exact job id.",
                        "schema": {"type": "string", "maxLength": MAX_SEARCH},
                    },
                    {"name": "group", "in": "query", "schema": {"type": "string", "enum": list(GROUPS)}},
                    {
                        "name": "status",
                        "in": "query",
                        "description": "An exact status code.",
                        "schema": {"type": "integer", "minimum": -MAX_INTEGER, "maximum": MAX_INTEGER},
                    },
                    {
                        "name": "long_running",
                        "in": "query",
                        "description": "true or false: only running jobs that ran longer than the threshold.",
                        "schema": {"type": "boolean", "default": False},
                    },
                    {
                        "name": "sort",
                        "in": "query",
                        "description": "; ".join(f"{value}: {label}" for value, label in SORT_CHOICES),
                        "schema": {
                            "type": "string",
                            "enum": [value for value, _ in SORT_CHOICES],
                            "default": DEFAULT_SORT,
                        },
                    },
                    {
                        "name": "per_page",
                        "in": "query",
                        "schema": {"type": "integer", "enum": list(PAGE_SIZES), "default": DEFAULT_PAGE_SIZE},
                    },
                    {
                        "name": "page",
                        "in": "query",
                        "description": "1-based; a page beyond the last gives the last page.",
                        "schema": {"type": "integer", "minimum": 1, "default": 1},
                    },
                ],
                "responses": {
                    "200": _json("JobList", "One page of the list."),
                    "400": _json(
                        "Error",
                        "An invalid query parameter (code invalid_query, with fields), or a request the dashboard "
                        "cannot read (see BadRequest).",
                    ),
                    "401": _ref("responses", "Unauthenticated"),
                    "404": _ref("responses", "NotFound"),
                    "500": _ref("responses", "ServerError"),
                    "502": _json("Error", "The list was never fetched and the first fetch failed."),
                },
            }
        },
        "/api/projects/{project_id}/visualization-jobs/{job_id}": {
            "get": {
                "operationId": "getVisualizationJob",
                "summary": "One job's details, fresh from ModelArts",
                "description": (
                    "Asked of ModelArts with your credential for the project; shared for a few seconds by "
                    "everyone asking for the same job with the same credential. When the server is already "
                    "waiting on ModelArts for as many requests as it lets wait, it does not ask: a job in the "
                    "project's cached list comes from there, marked by notice; any other is a 503 upstream_busy."
                ),
                "parameters": [_ref("parameters", "ProjectId"), _ref("parameters", "JobId")],
                "responses": {
                    "200": _json("JobDetail", "The job."),
                    "400": _ref("responses", "BadRequest"),
                    "401": _ref("responses", "Unauthenticated"),
                    "404": _ref("responses", "NotFound"),
                    "409": _json(
                        "Error",
                        "The stored credential is malformed (code credential_malformed), or has no secret since an "
                        "administrator changed its endpoint (code secret_missing); edit it. Nothing was sent.",
                    ),
                    "429": {
                        "description": (
                            "Too many lookups that needed ModelArts lately (code rate_limited, with retry_after "
                            "in seconds, also sent as the Retry-After header). Only lookups of jobs missing from "
                            "the project's cached list count, and not those answered from the short cache."
                        ),
                        "headers": {
                            "Retry-After": {
                                "description": "Seconds to wait.",
                                "schema": {"type": "integer", "minimum": 1},
                            }
                        },
                        "content": {"application/json": {"schema": _ref("schemas", "Error")}},
                    },
                    "500": _ref("responses", "ServerError"),
                    "502": _json("Error", "ModelArts failed or refused (credentials, permissions, errors)."),
                    "503": {
                        "description": (
                            "ModelArts is busy (code busy, or its own code); the server is already waiting on "
                            "ModelArts for as many requests as it lets wait and the job is not in the cached list "
                            "(code upstream_busy, with retry_after, also sent as the Retry-After header); or the "
                            "stored secret cannot be decrypted (code secret_unreadable)."
                        ),
                        "headers": {
                            "Retry-After": {
                                "description": "Seconds to wait (with upstream_busy).",
                                "schema": {"type": "integer", "minimum": 1},
                            }
                        },
                        "content": {"application/json": {"schema": _ref("schemas", "Error")}},
                    },
                    "504": _json("Error", "ModelArts did not answer in time."),
                },
            }
        },
    },
    "components": {
        "securitySchemes": {
            "bearerToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal API token from the dashboard's API tokens page.",
            },
            "session": {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME},
        },
        "parameters": {
            "ProjectId": {
                "name": "project_id",
                "in": "path",
                "required": True,
                "description": "The ModelArts project id (you need a credential for it).",
                "schema": {"type": "string", "pattern": f"^{ProjectIdConverter.regex}$"},
            },
            "JobId": {
                "name": "job_id",
                "in": "path",
                "required": True,
                "schema": {
                    "type": "integer",
                    "format": "int64",
                    "minimum": 1,
                    "maximum": MAX_JOB_ID,
                },
            },
        },
        "responses": {
            "Unauthenticated": {
                "description": "No session and no valid token (code unauthenticated).",
                "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
                "content": {"application/json": {"schema": _ref("schemas", "Error")}},
            },
            "NotFound": _json("Error", "No credential of yours for this project, or no such job (code not_found)."),
            "BadRequest": _json(
                "Error",
                "A request the dashboard cannot read: too many query parameters (code too_many_parameters) or, "
                "e.g., a Host header it does not serve (code bad_request).",
            ),
            "ServerError": _json("Error", "An unexpected failure of the dashboard, logged (code server_error)."),
        },
        "schemas": {
            "Job": JOB,
            "JobDetail": {
                "allOf": [
                    _ref("schemas", "Job"),
                    {
                        "type": "object",
                        "required": ["is_success"],
                        "properties": {"is_success": {"const": True}, "notice": _ref("schemas", "Notice")},
                    },
                ]
            },
            "Notice": {
                "type": "object",
                "description": (
                    "Present only when ModelArts was not asked: the job's fields are those of the project's cached "
                    "list, from fetched_at, because the server was already waiting on ModelArts for as many "
                    "requests as it lets wait (code upstream_busy)."
                ),
                "required": ["code", "message", "fetched_at", "retry_after"],
                "properties": {
                    "code": {"const": "upstream_busy"},
                    "message": {"type": "string"},
                    "fetched_at": {"type": "string", "format": "date-time", "description": "When the row was fetched."},
                    "retry_after": {"type": "integer", "minimum": 1, "description": "Seconds until current details."},
                },
            },
            "JobList": {
                "type": "object",
                "required": ["jobs", "page", "per_page", "pages", "total", "fetched_at", "last_error", "refresh"],
                "properties": {
                    "jobs": {"type": "array", "items": _ref("schemas", "Job")},
                    "page": {"type": "integer", "minimum": 1},
                    "per_page": {"type": "integer", "enum": list(PAGE_SIZES)},
                    "pages": {"type": "integer", "minimum": 1},
                    "total": {"type": "integer", "minimum": 0, "description": "Jobs matching the filters."},
                    "fetched_at": {
                        "type": ["string", "null"],
                        "format": "date-time",
                        "description": "When the list was last fetched from ModelArts (UTC); null if never.",
                    },
                    "last_error": {"oneOf": [_ref("schemas", "RefreshError"), {"type": "null"}]},
                    "refresh": _ref("schemas", "Refresh"),
                },
            },
            "Refresh": {
                "type": "object",
                "description": (
                    "What the background worker does with the list: a stale or never-fetched list is served as "
                    "stored while a refresh is queued, and the next answers show its progress."
                ),
                "required": [
                    "state",
                    "queued_at",
                    "started_at",
                    "progress",
                    "last_error",
                    "consecutive_failures",
                    "failing_since",
                    "next_try",
                ],
                "properties": {
                    "state": {"type": "string", "enum": ["idle", "queued", "running"]},
                    "queued_at": {
                        "type": ["string", "null"],
                        "format": "date-time",
                        "description": (
                            "When the refresh queued or running was queued, or is due if the periodic refresh "
                            "scheduled it for later (UTC); null when idle."
                        ),
                    },
                    "started_at": {
                        "type": ["string", "null"],
                        "format": "date-time",
                        "description": "When the refresh running, or else the last one, started (UTC).",
                    },
                    "progress": {
                        "type": "object",
                        "required": ["pages_fetched", "pages_expected"],
                        "properties": {
                            "pages_fetched": {"type": "integer", "minimum": 0},
                            "pages_expected": _nullable_integer("Pages the list has; null until ModelArts answered."),
                        },
                    },
                    "last_error": {"oneOf": [_ref("schemas", "RefreshError"), {"type": "null"}]},
                    "consecutive_failures": {
                        "type": "integer",
                        "minimum": 0,
                        "description": "Refreshes failed in a row; 0 when the last one succeeded.",
                    },
                    "failing_since": {
                        "type": ["string", "null"],
                        "format": "date-time",
                        "description": "When the first of those failures happened (UTC); null when not failing.",
                    },
                    "next_try": {
                        "type": ["string", "null"],
                        "format": "date-time",
                        "description": (
                            "A failing list is refreshed automatically again only from this time on (UTC): "
                            "LIST_TTL doubled after each failure in a row, at most an hour by default. "
                            "Null when not failing."
                        ),
                    },
                },
            },
            "RefreshError": {
                "type": "object",
                "description": "Why the last refresh failed; the list shown is the one from fetched_at.",
                "required": ["title", "message", "advice", "at"],
                "properties": {
                    "title": {"type": "string"},
                    "message": {"type": "string"},
                    "advice": {"type": "string"},
                    "at": {"type": ["string", "null"], "format": "date-time"},
                },
            },
            "Error": ERROR,
        },
    },
}
