"""The JSON API, under /api/. Operation URLs work with and without a trailing slash; anything else is a JSON 404.

The operations' URLs are those django-ninja makes from jobs.api (one per address, named as its first operation
is declared), each also with a trailing slash (unnamed, undescribed), and without ninja's own root URL: /api/
itself is a JSON 404.
"""

from django.urls import URLPattern, path, re_path

from . import urls as _page_urls  # noqa: F401  registers the project_id and job_id converters
from .api import api, api_docs, api_view, not_found, openapi_schema

# ninja gives a pattern per operation; operations at one address (GET and POST, or GET, PATCH and DELETE) share
# a view that dispatches on the method, so each address keeps its first pattern, named as its read.
operations: dict[str, URLPattern] = {}
for pattern in api.urls[0]:
    if isinstance(pattern, URLPattern) and pattern.name != "api-root":
        operations.setdefault(str(pattern.pattern), pattern)

urlpatterns = [
    path("schema", openapi_schema, name="api-schema"),
    path("schema/", openapi_schema),
    path("docs", api_docs, name="api-docs"),  # the schema as a page for people
    path("docs/", api_docs),
    *(path(str(pattern.pattern), api_view(pattern.callback), name=pattern.name) for pattern in operations.values()),
    *(path(f"{pattern.pattern}/", api_view(pattern.callback)) for pattern in operations.values()),
    re_path(r"", not_found),
]
