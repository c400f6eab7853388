"""The request type of the pages and API calls that only a signed-in user reaches, for type checking."""

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """A request that LoginRequiredMiddleware or the API's token check let through: its user is never anonymous.

    Only an annotation: views declare it so the type checker knows ``request.user`` is a ``User``.
    """

    user: User
