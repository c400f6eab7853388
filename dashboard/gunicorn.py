"""gunicorn settings for `make serve` and production (`gunicorn -c dashboard/gunicorn.py dashboard.wsgi`).

Workers come from WEB_CONCURRENCY (gunicorn's own convention), threads per worker from WEB_THREADS, the
address from BIND. Several workers need a shared cache (CACHE_URL=redis://...) for IAM tokens, detail
caching and refresh locks to be shared; with the default local-memory cache each worker keeps its own, which
is correct but costs more upstream calls.

Each worker serves requests from a pool of threads (gthread), so a request waiting on a slow ModelArts holds
one thread, not the whole process; at most UPSTREAM_CONCURRENCY requests per worker wait on ModelArts
(jobs/upstream_limit.py), and the other threads go on answering /healthz, cached pages and static files.
Each thread keeps a database connection of its own: a host opens up to WEB_CONCURRENCY x WEB_THREADS.
"""

import os

from dashboard import DEFAULT_WEB_THREADS

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", DEFAULT_WEB_THREADS))
# Longer than one ModelArts call with its retries. A gthread worker reports itself alive from its main loop
# while its threads wait, so this only replaces a worker that stopped working altogether; a request that
# waits on ModelArts ends by the ModelArts client's own timeouts, never by a killed worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak in any library cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
