"""Shared plumbing of the benchmarks: a scratch PostgreSQL database and Django set up against it."""

from __future__ import annotations

import os
import subprocess
import tempfile
from urllib.parse import urlparse


def pg(url: str, *cmd: str) -> None:
    """Run a PostgreSQL client command (createdb, dropdb, …) against the server of `url`."""
    u = urlparse(url)
    args = [cmd[0], "-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres",
            *cmd[1:]]
    subprocess.run(args, check=False, capture_output=True)


def setup_django(url: str) -> None:
    """Django on the scratch database, with var/ and media in a temporary folder and no Redis:
    delivery messages go to a scratch filesystem queue."""
    os.environ["DATABASE_URL"] = url
    var = tempfile.mkdtemp(prefix="propserv-bench-")
    for sub in ("celery/queue", "celery/processed", "celery/control", "mail", "cache", "media"):
        os.makedirs(os.path.join(var, sub), exist_ok=True)
    os.environ["PROPSERV_VAR_DIR"] = var
    os.environ["MEDIA_ROOT"] = os.path.join(var, "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "propserv.settings.base"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
