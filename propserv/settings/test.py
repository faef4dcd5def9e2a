"""Test settings: the base settings, made fast and deterministic."""

import os
import tempfile

# the base settings refuse to start without a real key outside development (issue 13.8)
os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz")

from .base import *  # noqa: F403
from .base import DATABASES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process unless a test exercises the broker itself.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Forms are rendered when printed; tests of rendering ahead switch this on.
PROPSERV_PDF_PRERENDER = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="propserv-media-")
STORAGES = {
    "default": {"BACKEND": "core.storage.AtomicFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# test threads (live server, concurrency tests) must not keep connections that block dropping the test DB
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].pop("OPTIONS", None)
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
# The test database is built from the models (no replay of every migration in each test process,
# issue 14.8); tests/conftest.py then runs the data migrations' seeds, and
# tests/project/test_migrations.py proves the real migration history builds the same schema.
DATABASES["default"].setdefault("TEST", {})["MIGRATE"] = env.bool("TEST_MIGRATE", default=False)
# without migrations, the append-only triggers (fees) are installed after the tables are made
PGTRIGGER_INSTALL_ON_MIGRATE = True
STATIC_ROOT = tempfile.mkdtemp(prefix="propserv-static-")
WHITENOISE_USE_FINDERS = True
