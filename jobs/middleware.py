import time

from django.conf import settings

LAST_SEEN = "_last_seen"


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header (Django 5.2 has no built-in one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class IdleSessionMiddleware:
    """Ends sessions left idle for SESSION_COOKIE_AGE: activity pushes the expiry forward.

    Django's SESSION_SAVE_EVERY_REQUEST would write the session on every request; this writes it at most
    once a minute (or a tenth of the idle window), which keeps page views read-only for the database.
    Views that need no login (health checks, the login page) leave the session alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "login_required", True) and request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(LAST_SEEN, 0) >= min(60, settings.SESSION_COOKIE_AGE // 10):
                request.session[LAST_SEEN] = now  # modified: saved with a fresh expiry
