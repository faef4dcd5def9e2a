"""Settings come from the environment: nothing set → embedded defaults (SPEC W-01, X-05)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = ("import json,django;django.setup();from django.conf import settings as s;"
         "print(json.dumps([s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'],"
         " s.DEBUG, s.TIME_ZONE, s.LANGUAGE_CODE]))")


def _settings(**env):
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**base, "DJANGO_SETTINGS_MODULE": "propserv.settings.base", **env})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_no_configuration_means_sqlite_and_a_serverless_broker():
    engine, broker, cache, debug, tz, lang = _settings()
    assert engine == "django.db.backends.sqlite3"
    assert broker == "filesystem://"
    assert "filebased" in cache
    assert debug is False
    assert tz == "Asia/Shanghai" and lang == "zh-hans"


def test_urls_select_postgresql_and_redis():
    engine, broker, cache, debug, *_ = _settings(DATABASE_URL="postgres://u@db:5432/x", REDIS_URL="redis://r:6379/0",
                                                  DEBUG="true")
    assert engine == "django.db.backends.postgresql"
    assert broker == "redis://r:6379/0"
    assert "redis" in cache.lower()
    assert debug is True
