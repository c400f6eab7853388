"""Settings, read once from the environment (and an optional .env file beside manage.py).

Every variable is documented in .env.example. Development needs none of them; with DEBUG off the app
refuses to start until the secrets are set, rather than running with development defaults.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from dashboard import DEFAULT_WEB_THREADS
from modelarts.regions import EndpointError, validate_endpoint_template

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
CREDENTIAL_KEYS = env.list("CREDENTIAL_KEYS", default=[])
_missing = [name for name, value in (("SECRET_KEY", SECRET_KEY), ("CREDENTIAL_KEYS", CREDENTIAL_KEYS)) if not value]
if _missing and not DEBUG:
    raise ImproperlyConfigured(
        f"{' and '.join(_missing)} must be set when DEBUG is off (see .env.example). "
        "Generate a credential key with: DEBUG=1 python manage.py generate_credential_key"
    )
# Development-only values: anything encrypted with them is readable by anyone with this source code.
SECRET_KEY = SECRET_KEY or "django-insecure-development-only-not-for-real-use"
CREDENTIAL_KEYS = CREDENTIAL_KEYS or ["ZGV2ZWxvcG1lbnQtb25seS1rZXktMDAwMDAwMDAwMDA="]

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])


def _endpoint_template(name: str) -> str:
    """Empty means: the public Huawei Cloud host of the credential's region."""
    template = env.str(name, default="")
    try:
        return validate_endpoint_template(template) if template else ""
    except EndpointError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc


MODELARTS_ENDPOINT = _endpoint_template("MODELARTS_ENDPOINT")
IAM_ENDPOINT = _endpoint_template("IAM_ENDPOINT")
MODELARTS_CONNECT_TIMEOUT = env.float("MODELARTS_CONNECT_TIMEOUT", default=3.05)
MODELARTS_READ_TIMEOUT = env.float("MODELARTS_READ_TIMEOUT", default=10.0)
MODELARTS_RETRIES = env.int("MODELARTS_RETRIES", default=2)
MODELARTS_RETRY_BACKOFF = env.float("MODELARTS_RETRY_BACKOFF", default=0.5)
MODELARTS_MAX_RESPONSE_BYTES = env.int("MODELARTS_MAX_RESPONSE_BYTES", default=10 * 1024 * 1024)

# Serving: threads per gunicorn worker (dashboard/gunicorn.py reads the same variable), and how many requests
# of one process may wait on ModelArts at once (jobs/upstream_limit.py). Beyond that bound a request does not
# wait: it gets the stored row or a 503 with Retry-After. The bound stays below the thread count, so a slow
# ModelArts always leaves threads for /healthz, cached pages and static files.
WEB_THREADS = env.int("WEB_THREADS", default=DEFAULT_WEB_THREADS)
UPSTREAM_CONCURRENCY = env.int("UPSTREAM_CONCURRENCY", default=max(1, WEB_THREADS // 2))
if WEB_THREADS < 2 or not 1 <= UPSTREAM_CONCURRENCY < WEB_THREADS:
    raise ImproperlyConfigured(
        "WEB_THREADS must be at least 2, and UPSTREAM_CONCURRENCY at least 1 and below WEB_THREADS, so that "
        "requests waiting on ModelArts never hold every thread."
    )

# Cached job lists and job details.
LIST_TTL = env.int("LIST_TTL", default=300)
LIST_BACKOFF_MAX_SECONDS = env.int("LIST_BACKOFF_MAX_SECONDS", default=3600)
LIST_REFRESH_LOCK_SECONDS = env.int("LIST_REFRESH_LOCK_SECONDS", default=120)
LIST_REFRESH_TIME_LIMIT = env.int("LIST_REFRESH_TIME_LIMIT", default=100)
if not 0 < LIST_REFRESH_TIME_LIMIT < LIST_REFRESH_LOCK_SECONDS:
    # A refresh still running when its lock expires could be joined by a second one fetching the same list.
    raise ImproperlyConfigured("LIST_REFRESH_TIME_LIMIT must be above 0 and below LIST_REFRESH_LOCK_SECONDS.")
KEEP_FRESH_DAYS = env.int("KEEP_FRESH_DAYS", default=7)
REFRESH_COOLDOWN_SECONDS = env.int("REFRESH_COOLDOWN_SECONDS", default=30)
LIST_REFRESH_QUEUED_SECONDS = env.int("LIST_REFRESH_QUEUED_SECONDS", default=900)
LONG_RUNNING_HOURS = env.float("LONG_RUNNING_HOURS", default=24)
DETAIL_CACHE_SECONDS = env.float("DETAIL_CACHE_SECONDS", default=5)
DETAIL_CACHE_TERMINAL_SECONDS = env.float("DETAIL_CACHE_TERMINAL_SECONDS", default=60)
# Stop, restart, edit and delete from the job pages (for users with jobs.operate_visualization_jobs); off for
# a read-only deployment.
JOB_ACTIONS_ENABLED = env.bool("JOB_ACTIONS_ENABLED", default=True)
# The projects' auto-stop policies (jobs/policies.py): at most this many jobs stopped per run of the periodic
# task (every 5 minutes), and a job that failed to stop is tried again after AUTO_STOP_RETRY_SECONDS, doubled
# after each further failure, at most AUTO_STOP_BACKOFF_MAX_SECONDS.
AUTO_STOP_MAX_STOPS_PER_RUN = env.int("AUTO_STOP_MAX_STOPS_PER_RUN", default=20)
AUTO_STOP_RETRY_SECONDS = env.int("AUTO_STOP_RETRY_SECONDS", default=300)
AUTO_STOP_BACKOFF_MAX_SECONDS = env.int("AUTO_STOP_BACKOFF_MAX_SECONDS", default=3600)

# Limits that keep one user from costing everyone (see .env.example).
MAX_CREDENTIALS_PER_USER = env.int("MAX_CREDENTIALS_PER_USER", default=50)
MAX_API_TOKENS_PER_USER = env.int("MAX_API_TOKENS_PER_USER", default=20)
DETAIL_LOOKUP_RATE = env.float("DETAIL_LOOKUP_RATE", default=60)  # per minute
DETAIL_LOOKUP_BURST = env.int("DETAIL_LOOKUP_BURST", default=30)
if DETAIL_LOOKUP_RATE <= 0 or DETAIL_LOOKUP_BURST < 1:
    raise ImproperlyConfigured("DETAIL_LOOKUP_RATE must be above 0 and DETAIL_LOOKUP_BURST at least 1.")
# Wrong IAM passwords per IAM user, from anyone, before IAM is not asked for that user for a while.
IAM_REFUSALS_BEFORE_PAUSE = env.int("IAM_REFUSALS_BEFORE_PAUSE", default=5)
IAM_REFUSAL_PAUSE_MINUTES = env.int("IAM_REFUSAL_PAUSE_MINUTES", default=15)
if IAM_REFUSALS_BEFORE_PAUSE < 1 or IAM_REFUSAL_PAUSE_MINUTES < 1:
    raise ImproperlyConfigured("IAM_REFUSALS_BEFORE_PAUSE and IAM_REFUSAL_PAUSE_MINUTES must be at least 1.")
# Days the audit log, and (shorter) records of failed logins, are kept (audit/retention.py).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
LOGIN_ATTEMPT_RETENTION_DAYS = env.int("LOGIN_ATTEMPT_RETENTION_DAYS", default=30)
if AUDIT_RETENTION_DAYS < 1 or LOGIN_ATTEMPT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS and LOGIN_ATTEMPT_RETENTION_DAYS must be at least 1.")

INSTALLED_APPS = [
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "accounts",
    "audit",
    "jobs",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "dashboard.middleware.HealthProbeMiddleware",  # first: probes come over plain HTTP, with any Host
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dashboard.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "dashboard.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dashboard.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dashboard.urls"
WSGI_APPLICATION = "dashboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jobs.context_processors.background_worker",
            ],
        },
    },
]

# An empty variable (as left by copying .env.example) means the default, like an unset one.
SQLITE_URL = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(env.str("DATABASE_URL", default="") or SQLITE_URL)}
# Keep database connections open between requests (a new PostgreSQL connection per page costs more than
# the page's queries: docs/performance.md, the trivial view took 33 ms with one), checked before reuse so a
# restarted database costs one retry, not an error page. Django keeps one connection per thread, so a host
# holds up to WEB_CONCURRENCY x WEB_THREADS of them, plus TASK_QUEUE_WORKERS per task consumer: their sum over
# all hosts must stay below the database's max_connections (PostgreSQL's default is 100). An idle thread's
# connection stays open until that thread's next request finds it older than CONN_MAX_AGE and replaces it.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers, each thread with a connection of its own, and the task consumer share one
    # file: in WAL mode readers go on while a list refresh writes, and IMMEDIATE transactions make writers
    # queue (up to sqlite3's 5 s busy timeout) instead of failing with "database is locked".
    # synchronous=NORMAL is WAL's usual setting: durable across process crashes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", transaction_mode="IMMEDIATE"
    )
CACHES = {"default": env.cache_url_config(env.str("CACHE_URL", default="") or "locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "dashboard.cache.RedisCache"  # one client per pool: half the CPU per call
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The task queue (huey) on which list refreshes run, outside page requests: Redis when TASK_QUEUE_URL is set;
# else the PostgreSQL database itself when DATABASE_URL is PostgreSQL (huey's own storage: consumers take tasks
# with row locks and SKIP LOCKED and wake on NOTIFY, so consumers on any number of hosts share it); else a SQLite
# file (TASK_QUEUE_PATH, default beside the SQLite database), which only processes of one host can share.
# Neither SQL storage makes its tables here (create_tables=False): `migrate` does (jobs.tasks.create_queue_tables).
TASK_QUEUE_URL = env.str("TASK_QUEUE_URL", default="")
if TASK_QUEUE_URL and not TASK_QUEUE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("TASK_QUEUE_URL must be a Redis URL (redis://, rediss:// or unix://).")
_is_sqlite = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
_is_postgresql = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
_queue_dir = Path(DATABASES["default"]["NAME"]).parent if _is_sqlite else BASE_DIR
TASK_QUEUE_PATH = Path(env.str("TASK_QUEUE_PATH", default="") or _queue_dir / "tasks.sqlite3")
if not TASK_QUEUE_URL and not (_is_sqlite or _is_postgresql) and not DEBUG:
    raise ImproperlyConfigured(
        "TASK_QUEUE_URL (Redis) must be set when DATABASE_URL is neither SQLite nor PostgreSQL: the queue would be "
        "a SQLite file, which consumers on other hosts cannot share."
    )


def _postgresql_parameters(database: dict) -> dict[str, str]:
    """psycopg's connection parameters for Django's database: the queue connects on its own (autocommit, LISTEN).

    Separate keys rather than a URL, so that error pages hide the password (its key names it), as they do
    DATABASES'. Options only Django understands are left out.
    """
    names = {"dbname": "NAME", "user": "USER", "password": "PASSWORD", "host": "HOST", "port": "PORT"}
    parameters = {key: str(database[name]) for key, name in names.items() if database.get(name)}
    django_only = {"isolation_level", "server_side_binding", "pool", "assume_role"}
    parameters.update({key: value for key, value in database.get("OPTIONS", {}).items() if key not in django_only})
    return parameters


if TASK_QUEUE_URL:
    _queue_storage: dict = {"huey_class": "huey.RedisHuey", "url": TASK_QUEUE_URL}
elif _is_postgresql:
    _queue_storage = {
        "huey_class": "huey.PostgresHuey",
        "connection": _postgresql_parameters(DATABASES["default"]),
        "create_tables": False,
    }
else:
    _queue_storage = {"huey_class": "huey.SqliteHuey", "filename": str(TASK_QUEUE_PATH), "create_tables": False}
HUEY = {
    "name": "modelarts-dashboard",
    **_queue_storage,
    "immediate": False,  # huey's default follows DEBUG, which would run refreshes inside page requests again
    "results": False,  # nobody reads a task's return value: its outcome is stored in JobListRefresh
    # max_delay: an idle consumer of the SQLite file looks for work at least every second, not every 10 s (huey's
    # default), so a queued first fetch starts at once; Redis and PostgreSQL wake a waiting consumer themselves.
    "consumer": {"workers": env.int("TASK_QUEUE_WORKERS", default=2), "worker_type": "thread", "max_delay": 1},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.DashboardBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# English is the default; a browser asking for Chinese (Accept-Language) or the language switch in the
# header (a cookie) selects Simplified Chinese. Catalogs live in locale/, compiled .mo files included.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
# Each language's way of writing a moment (dashboard/formats/), over Django's own locale formats.
FORMAT_MODULE_PATH = ["dashboard.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Production serves static files itself (whitenoise): compressed, with content hashes in their names so
# browsers may cache them forever. That needs `collectstatic` first, which `make serve` runs.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG  # development: serve straight from static/
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Sessions: cookies only over HTTPS in production, never readable by scripts; a session idle for
# SESSION_IDLE_MINUTES ends (activity pushes the expiry forward). Django rotates the session key at login.
# Sessions are stored in the database and read through the shared cache: a page view reads the cache (one
# database query fewer per page; docs/performance.md), and a restart of the cache loses no session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=120) * 60

# HTTPS. Behind a proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO so Django
# knows the original scheme; SECURE_SSL_REDIRECT=0 leaves redirecting to the proxy.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe without TLS: the health checks answer before this redirect (dashboard.middleware).
_proxy_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# A proxy that terminates TLS also does the redirect to HTTPS; Django's reminder would be noise.
SILENCED_SYSTEM_CHECKS = ["security.W008"] if SECURE_PROXY_SSL_HEADER and not SECURE_SSL_REDIRECT else []
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only our own files; no inline script or style anywhere (templates keep JavaScript in static files).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

# Password throttling (django-axes, accounts/throttle.py), for the login form and every other password check
# (replacing a stored secret, changing the password): after LOGIN_FAILURE_LIMIT failures for one user name
# from one client address, or LOGIN_ADDRESS_FAILURE_LIMIT failures for any user names from one address,
# that pair (or that address) is locked out until LOGIN_LOCKOUT_MINUTES have passed without a failure.
# TRUSTED_PROXY_COUNT is how many proxies in front of the app append to X-Forwarded-For; 0 (direct
# connections) trusts only the socket address.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.throttle.LoginThrottle"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Mail, for password reset links: EMAIL_URL such as smtp+tls://user:password@mail.example.com:587. Without
# it the password reset pages do not exist (nobody could receive the link). Each client address and each
# typed mail address may ask for PASSWORD_RESET_LIMIT reset mails an hour.
_email_url = env.str("EMAIL_URL", default="")  # lowercase: not a setting, so never shown with its password
PASSWORD_RESET_BY_EMAIL = bool(_email_url)
if PASSWORD_RESET_BY_EMAIL:
    globals().update(env.email_url_config(_email_url))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
PASSWORD_RESET_LIMIT = env.int("PASSWORD_RESET_LIMIT", default=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "dashboard.redaction.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
DEFAULT_EXCEPTION_REPORTER_FILTER = "dashboard.redaction.SecretHidingReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "dashboard.redaction.SecretHidingExceptionReporter"
