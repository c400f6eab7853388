"""Who may call the JSON API: a personal API token (``Authorization: Bearer <token>``) or the browser's session.

A request that carries an Authorization header is judged by it alone: a bad token is refused even beside a
valid session, so a script never silently acts as whoever is logged in in the browser. A request with
neither gets a 401 that says how to authenticate (RFC 6750), never the login page.
"""

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

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
    """A personal API token from the dashboard's API tokens page; for a write operation, one of scope read-write."""

    openapi_description = "A personal API token from the dashboard's API tokens page."

    def __init__(self, *, writes: bool = False):
        super().__init__()
        self.writes = writes

    @property
    def required_scopes(self) -> list[str]:
        """The token scope an operation needs, for its security requirement in the OpenAPI description."""
        return [ApiToken.Scope.READ_WRITE.value] if self.writes else []

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
        if self.writes and not api_token.can_write:
            raise ApiRefusal(
                403,
                "read_only_token",
                "This API token may only read. To change jobs, create a token with the scope 'Read and write' on "
                "the API tokens page.",
            )
        request.user = api_token.owner
        return api_token


class Session(APIKeyCookie):
    """The browser's session, as on the pages; a write needs the page's CSRF token too, as a form would.

    Checked here rather than by Django's middleware, which passes every ninja view: a token-authenticated
    script has no CSRF token, and needs none, since no browser sends its header by itself.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # ninja would check before knowing whether anyone is logged in

    def authenticate(self, request: HttpRequest, key: str | None) -> object | None:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:  # never for GET and the other safe methods
            raise ApiRefusal(
                403, "csrf_failed", "A change made with a browser session needs the page's CSRF token (X-CSRFToken)."
            )
        return request.user


# Every operation's authentication; a write operation's (create, stop, restart, edit, delete) refuses read-only
# tokens. Sessions can do what their user can do on the pages.
AUTH = [BearerToken(), Session()]
WRITE_AUTH = [BearerToken(writes=True), Session()]
