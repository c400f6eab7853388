import time

from django.conf import settings
from django.utils.cache import patch_cache_control

from . import health

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


class NoStoreForSignedInMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in user: on a shared computer neither the
    browser's cache nor its back button shows the pages after logout.

    A response that already forbids storing (the API, the health probes) is left as it is, and without
    reading the session. Static files never get here: whitenoise answers them earlier.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", "") and request.user.is_authenticated:
            patch_cache_control(response, no_store=True)
        return response


class HealthProbeMiddleware:
    """Answers /healthz and /readyz, the only place that routes them, before anything else looks at the request.

    A load balancer or orchestrator probes an instance over plain HTTP and by its own address (Kubernetes
    sends the pod's IP as Host). Pages rightly redirect the first to HTTPS and refuse the second
    (ALLOWED_HOSTS); the probes show nothing that depends on either, so they answer first, and every other
    path goes through SecurityMiddleware and host validation as before.
    """

    PROBES = {"/healthz": health.healthz, "/readyz": health.readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = self.PROBES.get(request.path_info)
        return probe(request) if probe else self.get_response(request)
