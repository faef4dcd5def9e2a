"""Deadline queue isolation under a render backlog (issue 13.9; SPEC X-04: breach ≤ 60 s after due).

    python -m bench deadline_queue [--renders 500] [--clocks 12] [--spread 120] [--topology split|shared|single]

A scratch PostgreSQL database (propserv_bench_queue; override with BENCH_QUEUE_DATABASE_URL) with
one site and 5,000 work orders; Redis at BENCH_REDIS_URL (default redis://127.0.0.1:6379/15,
flushed). Starts real processes as `make run` does — a default worker (2 children), a deadline
worker (1 child), a mail worker and beat — queues `--renders` real work-order prerenders (WeasyPrint,
~0.3–2 s each), then starts `--clocks` deadlines due over the next `--spread` seconds and measures
how long after its due time each breach is recorded. For comparison, `--topology shared` runs one
worker (2 children) consuming all three queues, and `--topology single` the old set-up: one FIFO
queue for everything (a worker on "celery" only; the bench sends the sweep into that queue every
30 s, as beat did before the routes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from urllib.parse import urlparse

from bench.common import pg

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/propserv_bench_queue"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench deadline_queue")
    ap.add_argument("--renders", type=int, default=500)
    ap.add_argument("--clocks", type=int, default=12)
    ap.add_argument("--spread", type=int, default=120, help="seconds over which the clocks fall due")
    ap.add_argument("--topology", choices=["split", "shared", "single"], default="split")
    ap.add_argument("--timeout", type=int, default=400)
    args = ap.parse_args()
    url = os.environ.get("BENCH_QUEUE_DATABASE_URL", DEFAULT_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    dbname = urlparse(url).path.lstrip("/")
    var = tempfile.mkdtemp(prefix="propserv-queue-")
    for sub in ("mail", "cache", "media"):
        os.makedirs(os.path.join(var, sub), exist_ok=True)
    env = dict(os.environ, DATABASE_URL=url, REDIS_URL=redis_url, PROPSERV_VAR_DIR=var,
               MEDIA_ROOT=os.path.join(var, "media"), DJANGO_SETTINGS_MODULE="propserv.settings.base",
               DEBUG="true", EMAIL_URL="", LOG_LEVEL="WARNING", PROPSERV_PDF_PRERENDER="false")
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "PROPSERV_VAR_DIR", "MEDIA_ROOT",
                                           "DJANGO_SETTINGS_MODULE", "DEBUG", "PROPSERV_PDF_PRERENDER")})
    import redis

    broker = redis.Redis.from_url(redis_url)
    broker.flushdb()
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

        from bench.tickets import _fixtures, _load
        from core.deadlines import deadline_start
        from core.models import Deadline, DeadlinePolicy
        from estates.models import Staff
        from tickets.models import WorkOrder
        from tickets.printing import PRERENDER_STATUSES
        from tickets.tasks import work_order_prerender_task

        call_command("migrate", verbosity=0)
        site, zones, depts, units, _staff = _fixtures()
        _load(5000, site, zones, depts, units)
        user = User.objects.create_user("bench_queue", "bench_queue@example.com", "x")
        user.groups.add(Group.objects.get_or_create(name="cs_supervisor")[0])
        Staff.objects.create(user=user, site=site, name="Bench")
        DeadlinePolicy.objects.create(code="bench.queue", name="Bench queue", amount=0, unit="set",
                                      action="notify", notify_roles="cs_supervisor")
        ids = list(WorkOrder.objects.filter(status__in=PRERENDER_STATUSES).order_by("pk")
                   .values_list("pk", flat=True)[:args.renders])
        ids = (ids * (args.renders // max(len(ids), 1) + 1))[:args.renders]
        for pk in ids:
            work_order_prerender_task.apply_async(args=[pk])
        print(f"queued {len(ids)} work-order renders; render queue holds {broker.llen('celery')}")

        celery = [sys.executable, "-m", "celery", "-A", "propserv"]
        quiet = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        if args.topology == "single":
            procs.append(subprocess.Popen([*celery, "worker", "-Q", "celery", "-n", "all@%h", "-c", "2",
                                           "-l", "WARNING"], **quiet))
        elif args.topology == "shared":
            procs.append(subprocess.Popen([*celery, "worker", "-Q", "celery,deadlines,mail", "-n", "all@%h",
                                           "-c", "2", "-l", "WARNING"], **quiet))
        else:
            procs.append(subprocess.Popen([*celery, "worker", "-Q", "celery", "-n", "default@%h", "-c", "2",
                                           "-l", "WARNING"], **quiet))
            procs.append(subprocess.Popen([*celery, "worker", "-Q", "deadlines", "-n", "deadlines@%h", "-c", "1",
                                           "-l", "WARNING"], **quiet))
            procs.append(subprocess.Popen([*celery, "worker", "-Q", "mail", "-n", "mail@%h", "-c", "1",
                                           "-l", "WARNING"], **quiet))
        if args.topology != "single":
            procs.append(subprocess.Popen([*celery, "beat", "-l", "WARNING", "-s", os.path.join(var, "beat")],
                                          **quiet))
        time.sleep(10)  # workers and beat connect; the render backlog starts draining
        now = timezone.now()
        step = args.spread / max(args.clocks - 1, 1)
        clocks = [deadline_start(subject=units[i], code="bench.queue", site_id=site.pk,
                                 due_at=now + timedelta(seconds=10 + i * step), data={"i": i})
                  for i in range(args.clocks)]
        pks = [d.pk for d in clocks]
        end = time.time() + args.timeout
        next_sweep = time.time()
        while time.time() < end:
            if args.topology == "single" and time.time() >= next_sweep:  # the old beat: one FIFO queue
                from core.tasks import deadline_sweep_task

                deadline_sweep_task.apply_async(queue="celery")
                next_sweep += 30
            if not Deadline.objects.filter(pk__in=pks, state=Deadline.State.RUNNING).exists():
                break
            time.sleep(1)
        rows = list(Deadline.objects.filter(pk__in=pks).values_list("due_at", "breached_at"))
        late = sorted((b - d).total_seconds() for d, b in rows if b is not None)
        missing = len(rows) - len(late)
        left = broker.llen("celery")
        mode = {"split": "separate queues and workers", "shared": "one worker on all queues",
                "single": "one FIFO queue (before)"}[args.topology]
        print(f"{mode}: {len(late)} of {len(rows)} clocks breached; renders still queued at the end: {left}")
        if late:
            print(f"breach after due: median {statistics.median(late):.1f} s, max {max(late):.1f} s")
        ok = not missing and late and max(late) <= 60
        print("all within 60 s:", bool(ok))
        connection.close()
        return 0 if ok else 1
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        broker.flushdb()
        pg(url, "dropdb", "--if-exists", dbname)


if __name__ == "__main__":
    sys.exit(main())
