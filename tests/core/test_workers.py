"""Real Celery workers against Redis and the test database (issues 13.9, 13.10, 23.3).

Each test starts `celery worker` subprocesses on the test's PostgreSQL database and its own Redis
database (flushed first), so it needs PostgreSQL and Redis on 127.0.0.1 (CI starts both).
"""

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.utils import timezone

from core.deadlines import deadline_start
from core.health import SWEEP
from core.models import Deadline, DeadlinePolicy, Heartbeat, Notification
from core.notifications import notification_resend_pending
from tests.core.test_mail_delivery import SilentServer, _free_port, _smtp

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(django_settings.BASE_DIR)


def _redis(db: int):
    import redis

    url = f"redis://127.0.0.1:6379/{db}"
    client = redis.Redis.from_url(url, socket_timeout=5)
    client.flushdb()
    return url, client


def _database_url() -> str:
    db = django_settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """`celery worker` subprocesses, each in its own process group (so a kill takes its children too)."""

    def __init__(self, redis_url: str, smtp_port: int, email_timeout: int = 10):
        self.var = tempfile.mkdtemp(prefix="propserv-worker-")
        self.env = dict(os.environ, DJANGO_SETTINGS_MODULE="propserv.settings.base", DEBUG="true",
                        DATABASE_URL=_database_url(), REDIS_URL=redis_url, PROPSERV_VAR_DIR=self.var,
                        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}", EMAIL_TIMEOUT=str(email_timeout),
                        LOG_LEVEL="WARNING", CONN_MAX_AGE="0")
        self.procs: list[subprocess.Popen] = []

    def start(self, queue: str) -> subprocess.Popen:
        cmd = [sys.executable, "-m", "celery", "-A", "propserv", "worker", "-Q", queue, "-n", f"{queue}@%h",
               "-P", "solo", "-l", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        log = open(Path(self.var) / f"{queue}.log", "wb")  # noqa: SIM115 — closed with the process
        proc = subprocess.Popen(cmd, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                self.kill(p)
                p.wait(5)


def _producer(redis_url: str):
    """A plain Celery client on Redis (the test settings run tasks eagerly in-process)."""
    from celery import Celery

    return Celery("producer", broker=redis_url, set_as_current=False)


def _wait(predicate, timeout: float, step: float = 0.2) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return False


class KillingSink:
    """An SMTP server that records each message; at the `kill_at`-th it kills the sending worker
    *before* answering, so that message is delivered but the worker never learns it."""

    def __init__(self, kill_at: int):
        self.kill_at = kill_at
        self.messages: list[bytes] = []
        self.kill = None
        self.killed = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.original_content)
        if len(self.messages) == self.kill_at and self.kill:
            self.kill()
            self.killed.set()
            return "451 gone"
        return "250 OK"


# issue 13.10: kill -9 of a worker mid-batch → after recovery every notice is delivered; the only
# duplicate is the message in flight at the kill, with the same Message-ID
def test_killed_worker_mid_batch_each_notice_delivered_same_message_id(site_a, settings):
    user = site_a.users["cs_supervisor"]
    ids = [Notification.objects.create(recipient=user, title=f"批量通知 {i}", send_email=True).pk for i in range(8)]
    redis_url, _client = _redis(11)
    sink = KillingSink(kill_at=3)
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    workers = Workers(redis_url, controller.port)
    try:
        mail_worker = workers.start("mail")
        sink.kill = lambda: workers.kill(mail_worker)
        _producer(redis_url).send_task("core.tasks.notification_deliver_batch_task", args=[ids], queue="mail")
        assert sink.killed.wait(60), (Path(workers.var) / "mail.log").read_text()
        mail_worker.wait(10)
        rows = Notification.objects.filter(pk__in=ids).order_by("pk")
        assert [r.email_sent_at is not None for r in rows] == [True, True] + [False] * 6
        assert rows[2].email_claimed_at is not None  # the dead sender's claim: nobody else sends it yet
        _smtp(settings, controller.port)  # the resend job (beat, every minute) sends to the same server
        assert notification_resend_pending(older_than=timedelta(0)) == 5  # claim still live: 3rd waits
        # the claim expires (PROPSERV_EMAIL_CLAIM_SECONDS after the crash): the resend job sends it
        later = timezone.now() + timedelta(seconds=django_settings.PROPSERV_EMAIL_CLAIM_SECONDS + 1)
        assert notification_resend_pending(now=later, older_than=timedelta(0)) == 1
    finally:
        workers.stop()
        controller.stop()
    assert not Notification.objects.filter(pk__in=ids, email_sent_at__isnull=True).exists()
    message_ids = [message_from_bytes(m, policy=policy.default)["Message-ID"] for m in sink.messages]
    assert sorted(set(message_ids)) == sorted(f"<propserv.notice.{pk}@propserv.local>" for pk in ids)
    assert len(message_ids) == 9  # one duplicate: the message in flight, under its own Message-ID
    assert message_ids.count(f"<propserv.notice.{ids[2]}@propserv.local>") == 2


# issues 13.9 + 23.3: the mail server hangs (mail worker stuck) and 500 renders wait in the default
# queue → the sweep, on its own queue and worker, still breaches a due clock at once
def test_sweep_runs_on_time_while_mail_hangs_and_render_queue_is_full(site_a):
    DeadlinePolicy.objects.create(code="test.isolation", name="isolation", amount=0, unit="set", action="notify",
                                  notify_roles="cs_supervisor")
    for i in range(3):  # the mail worker will hang on these (the server accepts and never answers)
        Notification.objects.create(recipient=site_a.users["cs_supervisor"], title=f"挂起 {i}", send_email=True)
    redis_url, client = _redis(12)
    smtp = SilentServer()
    workers = Workers(redis_url, smtp.port, email_timeout=30)
    producer = _producer(redis_url)
    try:
        for n in range(500):
            producer.send_task("tickets.tasks.work_order_prerender_task", args=[10_000_000 + n], queue="celery")
        producer.send_task("core.tasks.notification_deliver_batch_task",
                           args=[list(Notification.objects.values_list("pk", flat=True))], queue="mail")
        workers.start("mail")
        workers.start("deadlines")
        assert _wait(lambda: len(smtp.conns) >= 1, 60)  # the mail worker is now stuck in SMTP
        deadline = deadline_start(subject=site_a.site, code="test.isolation", site_id=site_a.site.pk,
                                  due_at=timezone.now())
        sent = time.monotonic()
        producer.send_task("core.tasks.deadline_sweep_task", queue="deadlines")  # what beat sends every 30 s
        assert _wait(lambda: Deadline.objects.get(pk=deadline.pk).state == Deadline.State.BREACHED, 60), \
            (Path(workers.var) / "deadlines.log").read_text()
        latency = time.monotonic() - sent
        assert latency < 30
        assert Heartbeat.objects.filter(name=SWEEP).exists()
        assert client.llen("celery") == 500  # the renders still wait: the sweep never queued behind them
        assert not Notification.objects.filter(title__startswith="挂起", email_sent_at__isnull=False).exists()
    finally:
        workers.stop()
        smtp.close()
