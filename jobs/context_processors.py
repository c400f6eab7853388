"""What base.html needs on every signed-in page."""

from functools import partial

from django.http import HttpRequest

from . import heartbeat


def background_worker(request: HttpRequest) -> dict:
    """Whether to say that lists are not being refreshed, as a callable: the template calls it only on a
    signed-in page, so other pages (and the sign-in page) cost no query."""
    return {"background_worker_missing": partial(heartbeat.worker_missing_for, request.user)}
