"""Health checks for load balancers and orchestrators. No login, no ModelArts."""

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answering. Touches nothing else, so it stays cheap and never flaps."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
@login_not_required
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database and the shared cache answer. ModelArts is not asked (an outage there
    must not take the dashboard out of the load balancer: it still shows cached lists)."""
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    ready = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            "checks": {name: "ok" if ok else "failing" for name, ok in checks.items()},
        },
        status=200 if ready else 503,
    )


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not ready"
        return False


def _cache_answers() -> bool:
    try:
        cache.set("readyz", "ok", 10)
        return cache.get("readyz") == "ok"
    except Exception:  # any failure means "not ready"
        return False
