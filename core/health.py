"""Health (issue 13.14, 23.7): database, broker, workers per queue, age of the last deadline sweep.

`/healthz` (monitor) answers JSON with every check and HTTP 503 when one is red; `/healthz/web`
(load balancer) checks only this process and the database, so a stopped beat does not take every
web server out of rotation. `manage.py health` exits non-zero on red (docker-compose healthchecks).
Every check has a short timeout: a hung broker or worker makes the answer red, never slow.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.models import Heartbeat

SWEEP = "deadline-sweep"
# SPEC X-04 sweeps every 30 s; 3 minutes without one means beat or the deadline worker stopped.
SWEEP_MAX_AGE = timedelta(minutes=3)
QUEUES = ("deadlines", "mail", "celery")


def heartbeat_record(*, name: str, at: datetime | None = None) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"at": at or timezone.now()})


def sweep_status(*, now: datetime | None = None) -> dict[str, Any]:
    """Age of the last completed sweep; `ok` False when older than SWEEP_MAX_AGE or never run."""
    now = now or timezone.now()
    last = Heartbeat.objects.filter(name=SWEEP).values_list("at", flat=True).first()
    if last is None:
        return {"ok": False, "last": None, "age_seconds": None, "limit_seconds": int(SWEEP_MAX_AGE.total_seconds())}
    age = max((now - last).total_seconds(), 0.0)
    return {"ok": age <= SWEEP_MAX_AGE.total_seconds(), "last": last.isoformat(), "age_seconds": round(age),
            "limit_seconds": int(SWEEP_MAX_AGE.total_seconds())}


def _timed(fn) -> dict[str, Any]:
    start = time.monotonic()
    try:
        out = fn() or {}
    except Exception as err:  # a check reports, never raises
        out = {"ok": False, "error": f"{type(err).__name__}: {err}"[:300]}
    out.setdefault("ok", True)
    out["ms"] = round((time.monotonic() - start) * 1000, 1)
    return out


def check_database() -> dict[str, Any]:
    def run() -> None:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
    return _timed(run)


def check_broker(timeout: float = 2.0) -> dict[str, Any]:
    def run() -> None:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    return _timed(run)


def check_workers(timeout: float = 1.0) -> dict[str, Any]:
    """Ping the workers (one broadcast, `timeout` seconds) and report which queues have a consumer."""
    def run() -> dict[str, Any]:
        replies = current_app.control.inspect(timeout=timeout).active_queues() or {}
        served = {q["name"] for queues in replies.values() for q in queues}
        missing = [q for q in QUEUES if q not in served]
        return {"ok": not missing, "workers": sorted(replies), "missing_queues": missing}
    return _timed(run)


def check_sweep(now: datetime | None = None) -> dict[str, Any]:
    return _timed(lambda: sweep_status(now=now))


def health_report(*, scope: str = "all", now: datetime | None = None) -> dict[str, Any]:
    """`scope="web"`: database only (load balancer); `"all"`: everything (monitor)."""
    checks = {"database": check_database()}
    if scope == "all":
        checks["broker"] = check_broker()
        checks["workers"] = check_workers() if getattr(settings, "PROPSERV_HEALTH_PING_WORKERS", True) \
            else {"ok": True, "skipped": True}
        checks["sweep"] = check_sweep(now)
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks,
            "at": (now or timezone.now()).isoformat()}
