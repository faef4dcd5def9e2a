"""Breach latency with a real worker and beat (SPEC X-04: recorded within 60 s of the due time).

    python -m bench deadline_latency [--timeout 120]

Creates a scratch PostgreSQL database (propserv_bench_latency; override with
BENCH_LATENCY_DATABASE_URL), migrates it, starts `celery worker` and `celery beat` as subprocesses
against Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/14), starts one deadline due in
5 s and polls until the breach and its notification are recorded. Stops its subprocesses and drops
the database when done; gives up after --timeout seconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from urllib.parse import urlparse

from bench.common import pg

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/propserv_bench_latency"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench deadline_latency")
    ap.add_argument("--timeout", type=int, default=120)
    args = ap.parse_args()
    url = os.environ.get("BENCH_LATENCY_DATABASE_URL", DEFAULT_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    dbname = urlparse(url).path.lstrip("/")
    var = tempfile.mkdtemp(prefix="propserv-latency-")
    env = dict(os.environ, DATABASE_URL=url, REDIS_URL=redis_url, PROPSERV_VAR_DIR=var,
               DJANGO_SETTINGS_MODULE="propserv.settings.base", EMAIL_URL="", LOG_LEVEL="WARNING")
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "PROPSERV_VAR_DIR",
                                           "DJANGO_SETTINGS_MODULE")})
    for sub in ("mail", "cache"):
        os.makedirs(os.path.join(var, sub), exist_ok=True)
    pg(url, "dropdb", "--if-exists", dbname)
    pg(url, "createdb", dbname)
    procs: list[subprocess.Popen] = []
    try:
        import django

        django.setup()
        from django.contrib.auth.models import Group, User
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from core.deadlines import deadline_start
        from core.models import Deadline, DeadlinePolicy, Notification
        from estates.models import Company, Site, Staff

        call_command("migrate", verbosity=0)
        site = Site.objects.create(company=Company.objects.create(name="Bench"), name="Bench", code="BLAT")
        user = User.objects.create_user("bench_lat", "bench_lat@example.com", "x")
        user.groups.add(Group.objects.get_or_create(name="cs_supervisor")[0])
        Staff.objects.create(user=user, site=site, name="Bench")
        DeadlinePolicy.objects.create(code="bench.latency", name="Bench latency", amount=0, unit="set",
                                      action="notify", notify_roles="cs_supervisor")
        celery = [sys.executable, "-m", "celery", "-A", "propserv"]
        procs.append(subprocess.Popen([*celery, "worker", "-P", "solo", "-l", "WARNING"], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen([*celery, "beat", "-l", "WARNING", "-s", os.path.join(var, "beat")],
                                      env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(8)  # let worker and beat connect
        due = timezone.now() + timedelta(seconds=5)
        d = deadline_start(subject=site, code="bench.latency", site_id=site.pk, due_at=due)
        deadline_at = time.time() + args.timeout
        seen = None
        while time.time() < deadline_at:
            d.refresh_from_db()
            if d.state == Deadline.State.BREACHED and Notification.objects.filter(deadline=d).exists():
                seen = timezone.now()
                break
            time.sleep(0.5)
        if seen is None:
            print(f"no breach recorded within {args.timeout} s")
            return 1
        n = Notification.objects.get(deadline=d)
        recorded = (d.breached_at - due).total_seconds()
        queued = (n.created_at - due).total_seconds()
        print(f"breach recorded {recorded:.1f} s after its due time (observed after "
              f"{(seen - due).total_seconds():.1f} s); notification queued at +{queued:.1f} s")
        for _ in range(40):  # the worker delivers the email after commit
            n.refresh_from_db()
            if n.email_sent_at:
                print(f"email sent {(n.email_sent_at - due).total_seconds():.1f} s after the due time")
                break
            time.sleep(0.5)
        print("within 60 s:", recorded < 60)
        connection.close()
        return 0 if recorded < 60 else 1
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        pg(url, "dropdb", "--if-exists", dbname)


if __name__ == "__main__":
    sys.exit(main())
