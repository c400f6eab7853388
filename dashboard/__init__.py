__version__ = "0.1.0"

# Threads per gunicorn worker when WEB_THREADS is unset, read by dashboard/gunicorn.py and by the settings
# (whose default UPSTREAM_CONCURRENCY is half of it). Requests mostly wait (ModelArts, the database, the
# cache), so a process serves several at once; more threads add no CPU (one interpreter lock per process)
# but one more database connection each, and eight keeps a host's connections at workers x 8.
DEFAULT_WEB_THREADS = 8
