"""Health view, sweep heartbeat, queues and time limits (issues 13.9, 13.10, 13.14, 23.7)."""

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from core import health
from core.health import SWEEP, heartbeat_record
from core.mail import claim_ttl
from core.models import Heartbeat
from core.tasks import deadline_sweep_task
from core.worktime import TZ

pytestmark = pytest.mark.django_db
LAST_SWEEP = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)


@pytest.fixture
def reachable(monkeypatch):
    """Broker and workers answer (their real checks are exercised below and in test_workers.py)."""
    monkeypatch.setattr(health, "check_broker", lambda timeout=2.0: {"ok": True, "ms": 1})
    monkeypatch.setattr(health, "check_workers", lambda timeout=1.0: {"ok": True, "workers": ["w"], "ms": 1})


def test_sweep_task_records_its_heartbeat():
    with time_machine.travel(LAST_SWEEP, tick=False):
        deadline_sweep_task()
    assert Heartbeat.objects.get(name=SWEEP).at == LAST_SWEEP


# issue 23.7 / 13.14: the sweep stops → 4 minutes later the health view is red (503) with the age
def test_health_red_when_last_sweep_older_than_3_minutes(client, reachable):
    heartbeat_record(name=SWEEP, at=LAST_SWEEP)
    with time_machine.travel(LAST_SWEEP + timedelta(minutes=1), tick=False):
        ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.json()["ok"] is True
    assert ok.json()["checks"]["sweep"]["age_seconds"] == 60
    with time_machine.travel(LAST_SWEEP + timedelta(minutes=4), tick=False):
        red = client.get("/healthz")
        web = client.get("/healthz/web")  # the load balancer's check: this process and the database
    assert red.status_code == 503
    body = red.json()
    assert body["ok"] is False and body["checks"]["sweep"]["ok"] is False
    assert body["checks"]["sweep"]["age_seconds"] == 240 and body["checks"]["database"]["ok"] is True
    assert web.status_code == 200 and set(web.json()["checks"]) == {"database"}


def test_health_red_when_no_sweep_ever_ran(client, reachable):
    resp = client.get("/healthz")
    assert resp.status_code == 503 and resp.json()["checks"]["sweep"]["last"] is None


def test_health_red_when_workers_do_not_answer(client, monkeypatch):
    heartbeat_record(name=SWEEP)
    monkeypatch.setattr(health, "check_broker", lambda timeout=2.0: {"ok": True, "ms": 1})
    resp = client.get("/healthz")  # no worker runs in the test: the ping times out quickly
    assert resp.status_code == 503
    workers = resp.json()["checks"]["workers"]
    assert workers["ok"] is False and workers["ms"] < 5000


def test_health_command_for_compose_healthchecks(capsys):
    heartbeat_record(name=SWEEP, at=LAST_SWEEP)
    with time_machine.travel(LAST_SWEEP + timedelta(minutes=2), tick=False):
        call_command("health", scope="sweep")
    assert json.loads(capsys.readouterr().out)["ok"] is True
    with time_machine.travel(LAST_SWEEP + timedelta(minutes=4), tick=False), pytest.raises(CommandError):
        call_command("health", scope="sweep")


# issue 23.7: the supervisor dashboard shows the age of the last sweep and turns red after 3 minutes
def test_dashboard_shows_sweep_age_and_warns_after_3_minutes(client, site_a):
    heartbeat_record(name=SWEEP, at=LAST_SWEEP)
    client.force_login(site_a.users["cs_supervisor"])
    with time_machine.travel(LAST_SWEEP + timedelta(seconds=40), tick=False):
        fresh = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-testid="sweep-age"' in fresh and "40" in fresh and 'data-testid="sweep-warning"' not in fresh
    with time_machine.travel(LAST_SWEEP + timedelta(minutes=4), tick=False):
        stale = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-testid="sweep-warning"' in stale and "240" in stale
    assert "超时检查" in stale  # in Chinese


# issue 13.9: the sweep and its notices go to their own queue, mail to another, the rest to "celery"
def test_task_routes_separate_deadlines_from_mail_and_rendering():
    from propserv.celery import app

    def queue(name: str) -> str:
        return app.amqp.router.route({}, name)["queue"].name

    assert queue("core.tasks.deadline_sweep_task") == "deadlines"
    assert queue("core.tasks.notice_fanout_task") == "deadlines"
    assert queue("core.tasks.notification_deliver_batch_task") == "mail"
    assert queue("reports.tasks.mailing_message_send_task") == "mail"
    assert queue("reports.tasks.mailing_resend_pending_task") == "mail"
    for other in ("tickets.tasks.work_order_prerender_task", "tickets.tasks.batch_print_task",
                  "reports.tasks.monthly_report_generate_task", "estates.tasks.import_job_run_task",
                  "reports.tasks.mailing_run_task"):
        assert queue(other) == "celery"


# issue 13.10: no task may outlive the broker's visibility timeout (else a live task is handed out twice)
def test_time_limits_below_visibility_timeout(settings):
    from propserv.celery import app

    vt = settings.CELERY_VISIBILITY_TIMEOUT
    assert vt <= 600  # lost work re-runs within minutes
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < vt
    app.loader.import_default_modules()
    for name, task in app.tasks.items():
        if name.startswith(("core.", "tickets.", "reports.", "estates.", "complaints.", "callbacks.", "keys.",
                            "surveys.")):
            assert (task.time_limit or settings.CELERY_TASK_TIME_LIMIT) < vt, name
    # the mail claim outlives any send (a live sender is never overtaken by a second one)
    assert claim_ttl().total_seconds() >= settings.CELERY_TASK_TIME_LIMIT


def test_every_outbound_connection_has_a_timeout(settings):
    # issue 23.3: SMTP, the Redis broker and cache
    import os
    import subprocess
    import sys

    env = dict(os.environ, REDIS_URL="redis://127.0.0.1:6379/9", DEBUG="true",
               DJANGO_SETTINGS_MODULE="propserv.settings.base", EMAIL_URL="smtp://mail.example:25",
               DATABASE_URL="postgres://u@db.example:5432/x")
    code = ("from django.conf import settings as s; print(s.EMAIL_TIMEOUT, s.CELERY_BROKER_CONNECTION_TIMEOUT, "
            "s.CELERY_BROKER_TRANSPORT_OPTIONS['socket_timeout'], s.CACHES['default']['OPTIONS']['socket_timeout'], "
            "s.DATABASES['default']['OPTIONS']['connect_timeout'])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=settings.BASE_DIR, timeout=60).stdout.split()
    assert all(0 < float(v) <= 30 for v in out) and len(out) == 5
