"""gunicorn settings for `make serve` and production (`gunicorn -c dashboard/gunicorn.py dashboard.wsgi`).

Workers come from WEB_CONCURRENCY (gunicorn's own convention), the address from BIND. Several workers
need a shared cache (CACHE_URL=redis://...) for IAM tokens, detail caching and refresh locks to be
shared; with the default local-memory cache each worker keeps its own, which is correct but costs more
upstream calls.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# Longer than one ModelArts call with its retries, so a slow upstream gives a page, not a killed worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak in any library cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
