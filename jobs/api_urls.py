"""The JSON API, under /api/. Operation URLs work with and without a trailing slash; anything else is a JSON 404.

The operations' URLs are those django-ninja makes from jobs.api (named as they are declared), each also with a
trailing slash (unnamed, undescribed), and without ninja's own root URL: /api/ itself is a JSON 404.
"""

from django.urls import URLPattern, path, re_path

from . import urls as _page_urls  # noqa: F401  registers the project_id and job_id converters
from .api import api, api_view, not_found, openapi_schema

operations = [pattern for pattern in api.urls[0] if isinstance(pattern, URLPattern) and pattern.name != "api-root"]

urlpatterns = [
    path("schema", openapi_schema, name="api-schema"),
    path("schema/", openapi_schema),
    *(path(str(pattern.pattern), api_view(pattern.callback), name=pattern.name) for pattern in operations),
    *(path(f"{pattern.pattern}/", api_view(pattern.callback)) for pattern in operations),
    re_path(r"", not_found),
]
