"""Exactly-once breach handling and the notification outbox (SPEC X-04)."""

import threading
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import TestCase, override_settings

from core import deadlines as engine
from core import notifications
from core.deadlines import deadline_breach_due, deadline_start
from core.models import Deadline, Notification
from core.notifications import notification_queue, notification_resend_pending
from core.worktime import TZ
from tests.concurrency import errors_of, run_at_once

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=TZ)


START = at(2026, 11, 23, 9)


def on_commit():
    return TestCase.captureOnCommitCallbacks(execute=True)


# SPEC X-04: worker killed after marking but before delivering → the resend job delivers once
def test_task_that_never_runs_is_delivered_once_by_the_resend_job(site_a, monkeypatch):
    monkeypatch.setattr(notifications, "_enqueue_delivery", lambda ids: None)  # the task is lost
    deadline_start(subject=site_a.units[0], code="ticket.emergency.dispatch", now=START)
    with on_commit():
        assert deadline_breach_due(now=START + timedelta(minutes=4)) == 1
    pending = Notification.objects.filter(email_sent_at__isnull=True, send_email=True)
    assert pending.count() == 2 and mail.outbox == []  # cs_supervisor + site_director
    # too fresh: the after-commit hand-over may still be under way
    assert notification_resend_pending(now=START + timedelta(minutes=4)) == 0
    assert notification_resend_pending(now=START + timedelta(minutes=6)) == 2
    assert notification_resend_pending(now=START + timedelta(minutes=8)) == 0
    assert len(mail.outbox) == 2
    assert not pending.exists()


# SPEC X-04: a sweep that dies halfway (process killed) leaves its rows for the next sweep
def test_sweep_killed_halfway_loses_nothing_and_doubles_nothing(site_a):
    class Killed(BaseException):
        pass

    calls = []

    def dies_once(deadline, now):
        calls.append(deadline.pk)
        if len(calls) == 1:
            raise Killed

    engine._handlers.setdefault("complaint.dispatch", []).append(dies_once)
    try:
        ds = [deadline_start(subject=u, code="complaint.dispatch", now=START) for u in site_a.units]
        with pytest.raises(Killed):
            deadline_breach_due(now=START + timedelta(days=1))
        assert Deadline.objects.filter(state="running").count() == 3
        assert not Notification.objects.exists()
        assert deadline_breach_due(now=START + timedelta(days=1)) == 3
        assert deadline_breach_due(now=START + timedelta(days=1)) == 0
        assert sorted(calls[1:]) == sorted(d.pk for d in ds)
    finally:
        engine._handlers["complaint.dispatch"].remove(dies_once)


# SPEC X-04: a duplicate notice is never written (dedupe key, whoever calls twice)
def test_dedupe_key_gives_one_notice_per_recipient(site_a):
    users = [site_a.users["front_desk"], site_a.users["cs_supervisor"]]
    notification_queue(recipients=users, title="t", dedupe_key="x:1")
    notification_queue(recipients=users + [site_a.users["site_director"]], title="t", dedupe_key="x:1")
    assert Notification.objects.filter(dedupe_key="x:1").count() == 3


# SPEC X-04: SMTP outage delays with backoff, never loses
def test_smtp_outage_backs_off_and_delivers_later(site_a, monkeypatch):
    from smtplib import SMTPException

    user = site_a.users["cs_supervisor"]
    with override_settings(EMAIL_BACKEND="tests.core.test_outbox.BrokenBackend"):
        with on_commit():
            [n] = notification_queue(recipients=[user], title="hello")
        n.refresh_from_db()
        assert n.email_sent_at is None and n.email_attempts == 1 and n.email_next_at is not None
        t = n.created_at + timedelta(seconds=40)
        assert notification_resend_pending(now=t) == 0  # waiting for its backoff
    assert SMTPException
    assert notification_resend_pending(now=n.email_next_at + timedelta(seconds=1)) == 1
    n.refresh_from_db()
    assert n.email_sent_at is not None and len(mail.outbox) == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        from smtplib import SMTPServerDisconnected

        raise SMTPServerDisconnected("smtp down")


# SPEC X-04: "Redis stopped" — records and breaches still work, rows stay pending; back → delivered
def test_broker_down_keeps_rows_pending_and_resend_delivers_when_back(site_a):
    from propserv.celery import app as celery_app

    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    closed = "redis://127.0.0.1:6399/0"
    try:
        with override_settings(CELERY_BROKER_URL=closed, CELERY_TASK_ALWAYS_EAGER=False):
            celery_app.conf.broker_url = closed
            celery_app.conf.task_always_eager = False
            celery_app._pool = None
            with on_commit(), transaction.atomic():
                notification_queue(recipients=[site_a.users["front_desk"]], title="new order")
                deadline_start(subject=site_a.units[0], code="ticket.emergency.dispatch", now=START)
            with on_commit():
                assert deadline_breach_due(now=START + timedelta(minutes=5)) == 1
            assert Notification.objects.count() == 3
            assert Notification.objects.filter(email_sent_at__isnull=True).count() == 3
            assert mail.outbox == []
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
        celery_app._pool = None
    later = START + timedelta(days=1)
    Notification.objects.update(created_at=START)
    assert notification_resend_pending(now=later) == 3
    assert len(mail.outbox) == 3


# SPEC X-04: two sweeps at once on PostgreSQL → each breach handled exactly once
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_handle_each_breach_once(site_a):
    n = 120
    subjects = [site_a.units[i % 3] for i in range(n)]
    codes = ["complaint.dispatch", "complaint.callback", "complaint.dept.response"]
    ids = []
    for i in range(n):
        # distinct (subject, code) pairs: use the deadline's note to vary; one running per subject+code
        d = deadline_start(subject=site_a.residents[i % 3] if i >= 60 else subjects[i],
                           code=f"{codes[i % 3]}", now=START - timedelta(minutes=i))
        ids.append(d.pk)
    running = list(Deadline.objects.filter(state="running").values_list("pk", flat=True))
    calls, lock = [], threading.Lock()

    def handler(deadline, now):
        with lock:
            calls.append(deadline.pk)

    for code in codes:
        engine._handlers.setdefault(code, []).append(handler)
    try:
        outcomes = run_at_once([lambda: deadline_breach_due(now=START + timedelta(days=3), batch=2)] * 2)
    finally:
        for code in codes:
            engine._handlers[code].remove(handler)
    errors, results = errors_of(outcomes), outcomes
    assert errors == []
    assert sum(results) == len(running)
    assert sorted(calls) == sorted(running)  # each once, none lost
    assert Deadline.objects.filter(pk__in=running, state="breached").count() == len(running)
    keys = list(Notification.objects.values_list("dedupe_key", "recipient_id"))
    assert len(keys) == len(set(keys)) and keys
