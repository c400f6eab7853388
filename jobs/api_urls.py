"""The JSON API, under /api/. Job URLs work with and without a trailing slash; anything else is a JSON 404."""

from django.urls import path, re_path

from . import api
from . import urls as _page_urls  # noqa: F401  registers the project_id and job_id converters

urlpatterns = [
    path("schema", api.openapi_schema, name="api-schema"),
    path("schema/", api.openapi_schema),
    path("projects/<project_id:project_id>/visualization-jobs", api.job_list, name="api-job-list"),
    path("projects/<project_id:project_id>/visualization-jobs/", api.job_list),
    path("projects/<project_id:project_id>/visualization-jobs/<job_id:job_id>", api.job_detail, name="api-job-detail"),
    path("projects/<project_id:project_id>/visualization-jobs/<job_id:job_id>/", api.job_detail),
    re_path(r"", api.not_found),
]
