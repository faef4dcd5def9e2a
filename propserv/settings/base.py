"""All settings, read from the environment (django-environ).

Nothing set → SQLite and a filesystem Celery broker under var/ (no server needed).
DATABASE_URL → PostgreSQL; REDIS_URL → Redis as Celery broker and cache.
Production differs only by environment (see docs/deployment.md).
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("PROPSERV_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
ENV_FILE = Path(env.str("PROPSERV_ENV_FILE", default=str(BASE_DIR / ".env")))
env.read_env(ENV_FILE) if ENV_FILE.exists() else None

DEBUG = env.bool("DEBUG", default=False)
# SECRET_KEY: required outside development (issue 13.8). A checkout gets its own random key in
# var/secret_key from bin/bootstrap (make run / make test); DEBUG=true alone may use a built-in key.
# Production (DEBUG false, no key file) refuses to start rather than sign sessions with a known key.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"  # noqa: S105 (refused below)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and (VAR_DIR / "secret_key").is_file():
    SECRET_KEY = (VAR_DIR / "secret_key").read_text().strip()
if not SECRET_KEY and DEBUG:
    SECRET_KEY = DEV_SECRET_KEY
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY == DEV_SECRET_KEY
                  or SECRET_KEY.startswith("django-insecure-")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "SECRET_KEY is missing or not a real secret (needs at least 50 random characters). Set it in the "
        "environment or .env, e.g. SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))'); "
        "DEBUG=true allows a built-in development key. See docs/deployment.md."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The address the app is served on: QR codes and links in printed forms and mails (issue 20.7).
# `make run` sets it from its HOST/PORT (PORT=8103 → http://127.0.0.1:8103); production sets it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "pgtrigger",  # issue 16: append-only payments, receipts and ledger rows enforced in PostgreSQL
    # ours: imports point down (domain apps → estates → core)
    "core",
    "estates",
    "callbacks",
    "tickets",
    "reception",
    "complaints",
    "surveys",
    "fees",
    "keys",
    "renovation",
    "inspections",
    "handover",
    "suggestions",
    "emergencies",
    "meetings",
    "reports",
    "portal",  # issue 22: resident pages
    # last, so our catalogs win where the same English word is translated (e.g. "Filter" → 筛选)
    "core.admin_site.PropservAdminConfig",  # django.contrib.admin whose site deletes nothing of ours
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # issue 13.2: Content-Security-Policy on every response
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.ResidentsStayInPortal",  # issue 22: a resident login reaches no staff page
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.LoginRequiredEverywhere",  # SPEC X-02: every page requires login
    "core.unavailable.DatabaseUnavailable",  # issue 13.11: a lost DB connection is a 503 "try again"
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "propserv.urls"
WSGI_APPLICATION = "propserv.wsgi.application"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'propserv.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Keep a connection per web/worker process (a new one costs several ms a request), checked
    # before reuse; plain cursors for form choices (a server-side cursor is 3 round trips, and
    # breaks behind a transaction-pooling pgbouncer).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # issue 23.3: an unreachable database fails a request or task in seconds instead of hanging it
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout so web, worker and beat can share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # every outbound connection has a timeout (issue 23.3): a hung Redis fails fast instead of freezing
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_timeout": 5, "socket_connect_timeout": 3}}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # failed-login throttling (SPEC X-02)
    # ModelBackend whose get_user is one cache read: user + roles + visible sites (issue 21.2)
    "estates.auth.CachedModelBackend",
]
# The session comes from the cache (Redis when configured, else the shared file cache) and is written
# through to the database, so the request floor is no query at all on a cache hit (issue 21.2).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
AUTH_USER_CACHE_SECONDS = env.int("AUTH_USER_CACHE_SECONDS", default=300)
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# SPEC W-01, X-05
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads, stored printed forms and monthly reports go through Django's storage API only (issue 13.13,
# core/storage.py): the filesystem under MEDIA_ROOT by default; AWS_STORAGE_BUCKET_NAME selects an
# S3-compatible object store (AWS S3, MinIO, OSS/COS S3 endpoints) shared by every web and worker machine.
# Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (read by boto3 from the environment).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    from botocore.config import Config as S3ClientConfig

    MEDIA_STORAGE = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "location": env.str("AWS_LOCATION", default=""),  # a key prefix, e.g. one per installation
        "default_acl": None,  # private: files leave only through the permission-checked views
        "file_overwrite": False,  # like the filesystem: a clash gets another name
        # a slow or unreachable store fails a request in seconds instead of hanging a web process
        "client_config": S3ClientConfig(
            connect_timeout=env.float("AWS_S3_CONNECT_TIMEOUT", default=5),
            read_timeout=env.float("AWS_S3_READ_TIMEOUT", default=30),
            retries={"max_attempts": 3, "mode": "standard"},
            s3={"addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="auto")},
        ),
    }}
else:
    MEDIA_STORAGE = {"BACKEND": "core.storage.AtomicFileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# issue 20.8: fonts are not compressed by collectstatic. The two CJK fonts (7 MB, used by the PDF
# renderer, not by browsers) took 2½ minutes of brotli/gzip on a first `make run`; images and
# archives are already compressed. Whitenoise's own list plus the font formats it leaves out.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    "jpg", "jpeg", "png", "gif", "webp", "ico", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br",
    "woff", "woff2", "ttf", "otf", "ttc", "eot", "mp4", "webm", "pdf",
)
# /favicon.ico (asked by every browser, before any login) is served from here by whitenoise
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "/media/"  # never served directly: attachments go through access-checked views
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# SPEC X-03, issue 13: every upload is judged by content in core/uploads.py (docs/security.md).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)  # the cap over every kind
UPLOAD_LIMITS = {  # bytes per kind (≤ the cap), checked on UploadedFile.size before a byte is read
    "image": env.int("UPLOAD_IMAGE_MAX_BYTES", default=10 * 1024 * 1024),
    "document": env.int("UPLOAD_DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024),
    "table": env.int("UPLOAD_TABLE_MAX_BYTES", default=10 * 1024 * 1024),
}
UPLOAD_IMAGE_MAX_PIXELS = 40_000_000  # a 12 MP phone photo is far below; a decompression bomb is refused
# form fields only (the signature pad's data URL is the largest, < 3 MB); files are not counted here
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# larger uploads are spooled to a temporary file, so a big upload never sits in memory
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# a whole upload request above this (more than 9 photos at their limit) is refused unread with a 400
UPLOAD_REQUEST_MAX_BYTES = env.int("UPLOAD_REQUEST_MAX_BYTES", default=100 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "core.uploads.RequestSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: EMAIL_URL=smtp://user:pass@host:587 (or smtp+tls://); default writes .eml files under var/mail.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
# A mail server that accepts and never answers must not hang a worker (issue 23.3): every SMTP
# connect/read gives up after this many seconds and the message stays pending for the next attempt.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="propserv <noreply@propserv.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: no long ETAs — clocks are rows in core.Deadline, swept by beat (SPEC X-04).
# Lost work (a killed worker's unacknowledged messages) re-runs after the visibility timeout; no task
# may run longer than it (hard limit = timeout - 60 s), else a live task would be delivered twice.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=300)
CELERY_TASK_TIME_LIMIT = CELERY_VISIBILITY_TIMEOUT - 60
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_BROKER_CONNECTION_TIMEOUT = 5
# Three queues (issue 13.9): the deadline sweep and its notices never wait behind PDF rendering,
# reports or imports (default queue "celery"), nor behind mail (queue "mail"); each queue has its own
# worker (Procfile.dev, docker-compose.yml; docs/deployment.md).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "core.tasks.deadline_sweep_task": {"queue": "deadlines"},
    "core.tasks.notice_fanout_task": {"queue": "deadlines"},
    "core.tasks.notification_deliver_task": {"queue": "mail"},
    "core.tasks.notification_deliver_batch_task": {"queue": "mail"},
    "core.tasks.notification_resend_pending_task": {"queue": "mail"},
    "reports.tasks.email_send_task": {"queue": "mail"},
    "reports.tasks.mailing_message_send_task": {"queue": "mail"},
    "reports.tasks.mailing_resend_pending_task": {"queue": "mail"},
}
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
        # the folder is polled: at the default 1 s a backlog (the demo's first notices) drains at ~2/s
        "polling_interval": 0.2,
    }
else:
    # A message taken by a worker that dies (kill -9) goes back to the queue after this long; every
    # task's hard time limit is shorter (below), so no live task is ever handed out twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
                                       "socket_timeout": 10, "socket_connect_timeout": 5}
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 600_000  # KiB: recycle a child after a big PDF batch
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}  # filled below by propserv/schedule.py
from propserv.schedule import BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE

# Security; `manage.py check --deploy` passes with the production variables in docs/deployment.md.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
# Issue 13.2: scripts only from this site's static files (no inline script, no eval, no event-handler
# attributes), never framed, no plugins. Styles allow inline `style=` attributes (templates use them,
# htmx adds its indicator style); images allow data: for drawn signatures, QR codes and Bootstrap's
# SVG icons. Uploaded files carry a stricter policy of their own (core/uploads.py: serve).
from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = 12 * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

# Chinese font for WeasyPrint PDFs (installed by bin/bootstrap; checked at start-up, see core/pdf.py).
PDF_FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", sans-serif'

# core knows no domain: who holds a role at a site is answered by estates.
PROPSERV_ROLE_RESOLVER = "estates.selectors.users_with_roles"
# A sweep batch with more breaches than this writes one fan-out outbox row instead of one notice per
# role holder inside its locking transaction (core.models.NoticeFanout; docs/deadlines.md).
PROPSERV_SWEEP_INLINE_NOTICES = env.int("PROPSERV_SWEEP_INLINE_NOTICES", default=200)
# Email outbox (core/mail.py): a sender's claim outlives any task (so a live sender is never
# overtaken), and a message that failed this many times is marked failed (delivery problems page).
PROPSERV_EMAIL_CLAIM_SECONDS = CELERY_TASK_TIME_LIMIT + 60
PROPSERV_EMAIL_MAX_ATTEMPTS = env.int("PROPSERV_EMAIL_MAX_ATTEMPTS", default=20)
# Render a work order's printed form in the worker after each change (tickets/printing.py).
PROPSERV_PDF_PRERENDER = env.bool("PROPSERV_PDF_PRERENDER", default=True)
# Worker processes laying out a batch of printed forms at once (core/pdf_worker.py); 0: one per CPU, up to 4.
PROPSERV_PDF_PROCESSES = env.int("PROPSERV_PDF_PROCESSES", default=0)
