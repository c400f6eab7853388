"""Who may call the JSON API: a personal API token (``Authorization: Bearer <token>``) or the browser's session.

A request that carries an Authorization header is judged by it alone: a bad token is refused even beside a
valid session, so a script never silently acts as whoever is logged in in the browser. A request with
neither gets a 401 that says how to authenticate (RFC 6750), never the login page.
"""

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from accounts.models import ApiToken


class ApiRefusal(Exception):
    """A request refused before its operation ran; answered with the API's JSON error shape (jobs.api)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def unauthenticated(*, token_refused: bool = False) -> ApiRefusal:
    if token_refused:
        # RFC 6750: a token that was sent and refused is "invalid_token"; no credentials at all get no error code.
        message = "The API token is missing, malformed, unknown or revoked."
        return ApiRefusal(
            401, "unauthenticated", message, {"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'}
        )
    message = "Log in, or send a personal API token as 'Authorization: Bearer <token>'."
    return ApiRefusal(401, "unauthenticated", message, {"WWW-Authenticate": 'Bearer realm="api"'})


class BearerToken(HttpBearer):
    """A personal API token from the dashboard's API tokens page."""

    openapi_description = "A personal API token from the dashboard's API tokens page."

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        """The token, with request.user its owner; None without an Authorization header (the session decides)."""
        header = request.headers.get("Authorization")
        if header is None:
            return None
        scheme, _, token = header.strip().partition(" ")
        return self.authenticate(request, token.strip() if scheme.lower() == "bearer" else "")

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        api_token = ApiToken.find(token)
        if api_token is None:
            raise unauthenticated(token_refused=True)
        request.user = api_token.owner
        return api_token


class Session(APIKeyCookie):
    """The browser's session, as on the pages."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> object | None:
        return request.user if request.user.is_authenticated else None


AUTH = [BearerToken(), Session()]
