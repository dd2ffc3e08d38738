"""Settings for the customer-focus QMS.

The only module that reads the environment. With no variable set it runs the
embedded default: SQLite and a filesystem Celery broker under ``var/``, email to
the console, a local-memory cache and ``DEBUG`` on. Production sets ``DEBUG=False``
and the variables listed in ``.env.example`` and the README.

One module on purpose (ARCHITECTURE.md: one settings module reads the environment),
hence its length.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django_guid.integrations import CeleryIntegration as GuidCeleryIntegration
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# pytest-xdist names each test worker gw0, gw1, ...; every worker gets its own
# broker folder and Redis databases so that no worker takes another's tasks.
TEST_WORKER = env("PYTEST_XDIST_WORKER", default="")
TEST_WORKER_INDEX = int(TEST_WORKER[2:]) if TEST_WORKER.startswith("gw") else 0

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off: set it to a random string of "
            "50 characters or more."
        )
    # Only while DEBUG is on: production refuses to start without its own key.
    SECRET_KEY = "insecure-embedded-default-key-for-local-use-only-never-in-production"  # noqa: S105  # nosec B105

SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_IS_HTTPS = SITE_URL.startswith("https://")
_site_host = urlsplit(SITE_URL).hostname or "127.0.0.1"
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=[_site_host, "127.0.0.1", "localhost", "[::1]"] if DEBUG else [_site_host],
)
if DEBUG:
    # The Django test client and pytest-django's live server use these names.
    ALLOWED_HOSTS += ["testserver", "localhost"]

INSTALLED_APPS = [
    "core.apps.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_guid",
    "axes",
    "simple_history",
    "bootstrap",
    "django_countries",
    "django_filters",
    "core.apps.CoreConfig",
    "customers.apps.CustomersConfig",
    "feedback.apps.FeedbackConfig",
    "surveys.apps.SurveysConfig",
    "improvements.apps.ImprovementsConfig",
    "qms.apps.QmsConfig",
]

# A refused CSRF check: under /p/ the public layout in the visitor's language.
CSRF_FAILURE_VIEW = "core.public.csrf_failure"
MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Pages under /p/ (no account): their language, a rate limit on posts, and
    # headers that keep them out of caches, referrers and search engines.
    "core.public.PublicPagesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records the signed-in user on every history row a request writes.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qms.urls"
WSGI_APPLICATION = "qms.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

# Database ----------------------------------------------------------------------

if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A database that does not answer must not hold a request (or /healthz) long.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the
                # timeout instead of failing with "database is locked" mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # A file, not memory, so that a Celery worker thread in a test sees the
            # rows the test wrote; pytest-django adds the xdist worker's suffix.
            "TEST": {"NAME": VAR_DIR / "test-db.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache -------------------------------------------------------------------------

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
BROKER_IS_REDIS = CELERY_BROKER_URL.startswith(("redis://", "rediss://"))


def _redis_db(url: str) -> int:
    path = urlsplit(url).path.strip("/")
    return int(path) if path.isdigit() else 0


def _with_redis_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{db}").geturl()


if TEST_WORKER and BROKER_IS_REDIS:
    CELERY_BROKER_URL = _with_redis_db(CELERY_BROKER_URL, 2 + 2 * TEST_WORKER_INDEX)
# Celery prefers the CELERY_BROKER_URL environment variable to this setting; naming
# the read and write URLs makes it use the URL worked out here.
CELERY_BROKER_READ_URL = CELERY_BROKER_WRITE_URL = CELERY_BROKER_URL

CACHE_URL = env("CACHE_URL", default="")
if CACHE_URL:
    if CACHE_URL.startswith(("redis://", "rediss://")):
        # The broker uses database 0 unless told otherwise: the cache takes database 1.
        if not urlsplit(CACHE_URL).path.strip("/"):
            CACHE_URL = _with_redis_db(CACHE_URL, 1)
        if TEST_WORKER:
            CACHE_URL = _with_redis_db(CACHE_URL, 3 + 2 * TEST_WORKER_INDEX)
        cache_parts, broker_parts = urlsplit(CACHE_URL), urlsplit(CELERY_BROKER_URL)
        if BROKER_IS_REDIS and (cache_parts.netloc, _redis_db(CACHE_URL)) == (
            broker_parts.netloc,
            _redis_db(CELERY_BROKER_URL),
        ):
            raise ImproperlyConfigured(
                "CACHE_URL and CELERY_BROKER_URL use the same Redis database: give the "
                "cache its own, for example redis://host:6379/1."
            )
    CACHES = {"default": env.cache_url_config(CACHE_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery ------------------------------------------------------------------------

BROKER_DIR = Path(env("BROKER_DIR", default=str(VAR_DIR / "broker")))
if TEST_WORKER:
    BROKER_DIR = BROKER_DIR / TEST_WORKER
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=5 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=6 * 60)
# No task is scheduled with a countdown longer than this: retries are rows picked up
# by beat jobs, so the broker never has to hold a message for long.
CELERY_MAX_COUNTDOWN = 15 * 60

if CELERY_BROKER_URL.startswith("filesystem://"):
    BROKER_QUEUE_DIR = BROKER_DIR / "queue"
    BROKER_CONTROL_DIR = BROKER_DIR / "control"
    for _folder in (BROKER_QUEUE_DIR, BROKER_CONTROL_DIR):
        _folder.mkdir(parents=True, exist_ok=True)
    # kombu's filesystem transport, with a worker that stops as soon as it is asked;
    # its timer thread, too, checks ten times a second rather than once, so that
    # Ctrl-C on `make run` stops the worker well inside honcho's five seconds.
    CELERY_BROKER_TRANSPORT = "core.broker:FilesystemTransport"
    CELERY_WORKER_TIMER_PRECISION = 0.1
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # One folder for in and out: the worker reads where the web process writes.
        "data_folder_in": str(BROKER_QUEUE_DIR),
        "data_folder_out": str(BROKER_QUEUE_DIR),
        "control_folder": str(BROKER_CONTROL_DIR),
        "store_processed": False,
    }
elif BROKER_IS_REDIS:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Above the longest countdown and time limit, or Redis hands a message that is
        # still being worked on to a second worker.
        "visibility_timeout": 2 * max(CELERY_MAX_COUNTDOWN, CELERY_TASK_TIME_LIMIT),
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }

CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_DEFAULT_QUEUE = "default"
# Every queue a worker consumes unless told otherwise; `make run` starts one worker
# for all of them.
CELERY_TASK_QUEUES = [Queue("default")]
CELERY_TIMEZONE = "UTC"
# Set by the Procfile (`make run`): each process stops when the one that started it
# has gone (qms/processes.py), so none is left behind when honcho is killed.
EXIT_WITH_PARENT = env.bool("EXIT_WITH_PARENT", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "core.tasks.heartbeat", "schedule": 60.0},
    "clear-expired-sessions": {
        "task": "core.tasks.clear_expired_sessions",
        "schedule": 24 * 60 * 60.0,
    },
    "retry-due-emails": {"task": "core.tasks.retry_due_emails", "schedule": 60.0},
    "reclaim-stale-imports": {"task": "customers.tasks.reclaim_stale_imports", "schedule": 60.0},
    "purge-email-bodies": {
        "task": "core.tasks.purge_email_bodies",
        "schedule": 24 * 60 * 60.0,
    },
    "purge-login-records": {
        "task": "core.tasks.purge_login_records",
        "schedule": 24 * 60 * 60.0,
    },
    # Also deletes the file of an import that held an erased person once the import
    # ends, so it runs often; with nothing to delete it costs three small queries.
    "purge-import-files": {
        "task": "customers.tasks.purge_import_files",
        "schedule": 15 * 60.0,
    },
    # The home page's count of contacts, kept 15 minutes (customers.register.selectors).
    "refresh-contact-figures": {
        "task": "customers.tasks.refresh_contact_figures",
        "schedule": 5 * 60.0,
    },
    # Each due date reminds its owner once, so running hourly sends nothing twice.
    "remind-requirement-rechecks": {
        "task": "customers.tasks.remind_requirement_rechecks",
        "schedule": 60 * 60.0,
    },
    # An item is escalated again only after ESCALATION_REPEAT_HOURS, so running every
    # 15 minutes escalates promptly and never twice.
    "escalate-overdue-feedback": {
        "task": "feedback.complaints.tasks.escalate_overdue_feedback",
        "schedule": 15 * 60.0,
    },
    # Planned communications past their due date: each due date reminds its
    # responsible person once, so running hourly sends nothing twice.
    "remind-overdue-communications": {
        "task": "feedback.tasks.remind_overdue_communications",
        "schedule": 60 * 60.0,
    },
}

# Email -------------------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="QMS <qms@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds to wait before each further attempt at a failed email; once they are used
# up the email is marked failed with the reason.
EMAIL_RETRY_DELAYS = [60, 5 * 60, 30 * 60, 2 * 60 * 60]
EMAIL_BODY_RETENTION_DAYS = env.int("EMAIL_BODY_RETENTION_DAYS", default=730)
# Keep survey links clickable in the stored email bodies (a newcomer follows them from
# the communication log); production removes them once sent. Password reset links are
# removed always.
COMMUNICATION_LOG_KEEP_LINKS = env.bool("COMMUNICATION_LOG_KEEP_LINKS", default=DEBUG)

# Uploads -------------------------------------------------------------------------

# The largest CSV file an import takes; the form, the job and the reader check it.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# An uploaded file (names, addresses) is deleted this many days after upload by the
# purge-import-files beat job; the import's counts stay as its record.
IMPORT_FILE_RETENTION_DAYS = env.int("IMPORT_FILE_RETENTION_DAYS", default=30)
if IMPORT_FILE_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("IMPORT_FILE_RETENTION_DAYS must be at least 1.")

# Feedback and complaints (feedback/) -----------------------------------------------

# A complaint is acknowledged within this many hours of being received (ISO 10002);
# the acknowledgement email goes out at once, so this target is met unless the
# customer left no address.
FEEDBACK_ACKNOWLEDGE_HOURS = env.int("FEEDBACK_ACKNOWLEDGE_HOURS", default=48)
# Days from receipt to closing a complaint, by the severity its assessment gives it;
# until it is assessed the "medium" target holds.
COMPLAINT_TARGET_DAYS = {
    "low": env.int("COMPLAINT_TARGET_DAYS_LOW", default=30),
    "medium": env.int("COMPLAINT_TARGET_DAYS_MEDIUM", default=20),
    "high": env.int("COMPLAINT_TARGET_DAYS_HIGH", default=10),
    "critical": env.int("COMPLAINT_TARGET_DAYS_CRITICAL", default=3),
}
# Days to answer a follow-up (a call back after a low survey score).
FOLLOW_UP_TARGET_DAYS = env.int("FOLLOW_UP_TARGET_DAYS", default=5)
# An overdue item is escalated again after this many hours if it is still overdue.
ESCALATION_REPEAT_HOURS = env.int("ESCALATION_REPEAT_HOURS", default=24)
# Attachments to feedback: at most this many per item, each at most this size, of
# these types (checked on the content, not only the name).
FEEDBACK_ATTACHMENT_MAX_BYTES = env.int("FEEDBACK_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
FEEDBACK_ATTACHMENT_MAX_FILES = env.int("FEEDBACK_ATTACHMENT_MAX_FILES", default=3)
FEEDBACK_ATTACHMENT_TYPES = ["application/pdf", "image/jpeg", "image/png", "text/plain"]
# The name the public pages (under /p/) and customer emails show as their sender.
ORGANISATION_NAME = env("ORGANISATION_NAME", default="Example Manufacturing Ltd")
# How long an emailed link to the feedback form identifies its contact.
FEEDBACK_LINK_VALID_DAYS = env.int("FEEDBACK_LINK_VALID_DAYS", default=90)

# Surveys -------------------------------------------------------------------------
# How long the link in each survey email (the invitation, each reminder) works.
SURVEY_LINK_VALID_DAYS = env.int("SURVEY_LINK_VALID_DAYS", default=30)
# How long the unsubscribe links in a survey email work (mail clients keep offering
# the one-click header long after the survey is over).
UNSUBSCRIBE_LINK_VALID_DAYS = env.int("UNSUBSCRIBE_LINK_VALID_DAYS", default=365)
# The longest free-text answer a customer can send, in characters.
SURVEY_TEXT_MAX_LENGTH = env.int("SURVEY_TEXT_MAX_LENGTH", default=2000)

# Accounts, passwords and sessions --------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username and address never reach the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = 60 * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): a username and an address together are locked out
# after AXES_FAILURE_LIMIT failures for a 15-minute cool-off, never for good.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "core.auth.axes_username"
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Masked in the failure records axes keeps (the password change form's fields too).
AXES_SENSITIVE_PARAMETERS = ["password", "old_password", "new_password1", "new_password2"]
# The number of proxies in front of the app that append to X-Forwarded-For; 0 trusts
# no header. Login throttling and the public forms' rate limits both read it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Rate limits kept in the cache (core/throttle.py): name -> (how many, per seconds).
# Each window is fixed on the clock and ends by itself. Failed logins from one client
# address across all accounts (django-axes counts them per account and address);
# password reset requests per email address (past it the page answers as usual and
# sends nothing) and per client address (past it the page says when to try again).
RATE_LIMITS = {
    "login.client_failures": (env.int("LOGIN_CLIENT_FAILURE_LIMIT", default=30), 60 * 60),
    "password_reset.address": (3, 60 * 60),
    "password_reset.client": (20, 60 * 60),
    # The public feedback form: posts per client address (GETs are not counted).
    "public.feedback": (env.int("PUBLIC_FEEDBACK_LIMIT", default=10), 60 * 60),
    # Survey answer pages: each page of a longer questionnaire is a post.
    "public.survey": (env.int("PUBLIC_SURVEY_LIMIT", default=60), 60 * 60),
    # The unsubscribe page's confirmation.
    "public.unsubscribe": (env.int("PUBLIC_UNSUBSCRIBE_LIMIT", default=20), 60 * 60),
    # RFC 8058 one-click requests come from mail providers' servers, many people's
    # through one address: a higher limit.
    "public.one_click": (env.int("PUBLIC_ONE_CLICK_LIMIT", default=600), 60 * 60),
    # Any other post under /p/ whose page names no limit of its own.
    "public.posts": (env.int("PUBLIC_POST_LIMIT", default=30), 60 * 60),
}
# Login records (successful logins, failures) are kept this long, then purged.
LOGIN_RECORD_RETENTION_DAYS = env.int("LOGIN_RECORD_RETENTION_DAYS", default=365)

# Security headers --------------------------------------------------------------------

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if SITE_IS_HTTPS:
    # On exactly when the site is served over HTTPS.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are sent only over HTTPS, for this host and path "/".
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = True
    # The load balancer probes over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# "HTTP_X_FORWARDED_PROTO,https" when a proxy in front terminates TLS.
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER takes a header and a value, such as "
            "HTTP_X_FORWARDED_PROTO,https."
        )
    SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header[0], _proxy_ssl_header[1])

# Internationalisation ------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hi", "हिन्दी")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# Static and media files ----------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Private: uploads are served only through permission-checked views, never by URL.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# History: never revert a record from its history in the admin (7.5).
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Forms -------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Logging -----------------------------------------------------------------------

LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {
            "()": "django_guid.log_filters.CorrelationId",
            "correlation_id_field": "request_id",
        },
        # No secret of a link (a survey's, an unsubscribe's) reaches a log line.
        "hide_tokens": {"()": "core.logs.HideLinkTokens"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id", "hide_tokens"],
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's default "django" logger, which would print each line twice.
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # The development server's request lines, through the same handler (and filter).
        "django.server": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "celery": {"level": LOG_LEVEL},
        # It logs every request that arrives without an X-Request-ID at INFO.
        "django_guid": {"level": "WARNING"},
        # It logs its configuration and every login at INFO; lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}

# Every log line of a request, and of the tasks it enqueues, carries one id; a
# proxy's X-Request-ID is kept when it is a valid UUID.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "INTEGRATIONS": [GuidCeleryIntegration(use_django_logging=True, log_parent=False)],
}

# Error reporting -----------------------------------------------------------------

SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration as SentryCeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), SentryCeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
