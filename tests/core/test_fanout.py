"""Large sweep batches: breach notices through a fan-out outbox row (SPEC X-04)."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.test import TestCase

from core.deadlines import deadline_breach_due, deadline_start, notice_fanout_pending, notice_fanout_run
from core.deadlines import sweep as engine  # the sweep module itself: its helpers are patched below
from core.models import Deadline, NoticeFanout, Notification
from core.worktime import TZ
from tests.concurrency import errors_of, run_at_once

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 23, 9, tzinfo=TZ)
AFTER = START + timedelta(minutes=10)


def start_emergencies(site, n):
    """n emergency dispatch clocks (3 minutes, notify cs_supervisor + site_director)."""
    return [deadline_start(subject=u, code="ticket.emergency.dispatch", now=START) for u in site.units[:n]]


def breach_keys():
    return sorted(Notification.objects.values_list("dedupe_key", "recipient_id"))


def inline_keys(site, n, settings):
    """What the small-batch path writes for the same breaches (the reference)."""
    settings.PROPSERV_SWEEP_INLINE_NOTICES = 1000
    start_emergencies(site, n)
    deadline_breach_due(now=AFTER)
    keys = breach_keys()
    Notification.objects.all().delete()
    Deadline.objects.all().delete()
    return keys


# SPEC X-04: a big batch writes one outbox row in the sweep's transaction; the fan-out writes the
# same notices the inline path would, exactly once however often it runs
def test_big_batch_fans_out_the_same_notices_once(site_a, settings):
    expected = inline_keys(site_a, 3, settings)
    assert len(expected) == 6  # 3 breaches × (cs_supervisor, site_director)
    settings.PROPSERV_SWEEP_INLINE_NOTICES = 2
    start_emergencies(site_a, 3)
    assert deadline_breach_due(now=AFTER) == 3
    assert Notification.objects.count() == 0
    fanout = NoticeFanout.objects.get()
    assert fanout.done_at is None and len(fanout.deadline_ids) == 3
    assert notice_fanout_run(fanout_id=fanout.pk) == 3
    assert len(breach_keys()) == len(expected)
    assert {r for _, r in breach_keys()} == {r for _, r in expected}
    assert Notification.objects.filter(created_at=AFTER, kind="alert").count() == 6
    assert notice_fanout_run(fanout_id=fanout.pk) == 0  # done: nothing added
    fanout.done_at = None
    fanout.save()
    assert notice_fanout_run(fanout_id=fanout.pk) == 3 and Notification.objects.count() == 6  # dedupe key


# SPEC X-04: after commit the fan-out task runs and the emails go out
def test_fanout_runs_after_commit_and_emails(site_a, settings):
    settings.PROPSERV_SWEEP_INLINE_NOTICES = 1
    start_emergencies(site_a, 2)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert deadline_breach_due(now=AFTER) == 2
    assert NoticeFanout.objects.get().done_at is not None
    assert Notification.objects.count() == 4
    assert len(mail.outbox) == 4


# SPEC X-04: the task is lost (broker down, worker killed) → the resend job fans out once
def test_lost_fanout_is_run_by_the_resend_job(site_a, settings, monkeypatch):
    settings.PROPSERV_SWEEP_INLINE_NOTICES = 1
    monkeypatch.setattr(engine, "_enqueue_fanout", lambda pk: None)
    start_emergencies(site_a, 2)
    with TestCase.captureOnCommitCallbacks(execute=True):
        deadline_breach_due(now=AFTER)
    assert Notification.objects.count() == 0
    assert notice_fanout_pending(now=AFTER) == 0  # too fresh: the task may still be under way
    assert notice_fanout_pending(now=AFTER + timedelta(minutes=1)) == 2
    assert notice_fanout_pending(now=AFTER + timedelta(minutes=2)) == 0
    assert Notification.objects.count() == 4


# SPEC X-04: a fan-out that fails rolls back whole and stays pending
def test_failing_fanout_stays_pending(site_a, settings, monkeypatch):
    settings.PROPSERV_SWEEP_INLINE_NOTICES = 1
    start_emergencies(site_a, 2)
    deadline_breach_due(now=AFTER)
    fanout = NoticeFanout.objects.get()

    def broken(rows):
        raise RuntimeError("database went away")

    monkeypatch.setattr(engine, "_insert_notifications", broken)
    with pytest.raises(RuntimeError):
        notice_fanout_run(fanout_id=fanout.pk)
    fanout.refresh_from_db()
    assert fanout.done_at is None and Notification.objects.count() == 0


# SPEC X-04: two workers run the same fan-out at once on PostgreSQL → each notice once
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_fanouts_write_each_notice_once(site_a, settings, monkeypatch):
    settings.PROPSERV_SWEEP_INLINE_NOTICES = 1
    monkeypatch.setattr(engine, "_enqueue_fanout", lambda pk: None)  # both runs are ours
    start_emergencies(site_a, 3)
    deadline_breach_due(now=AFTER)
    fanout = NoticeFanout.objects.get()
    outcomes = run_at_once([lambda: notice_fanout_run(fanout_id=fanout.pk)] * 2)
    assert errors_of(outcomes) == [] and sorted(outcomes) == [0, 3]
    keys = breach_keys()
    assert len(keys) == 6 and len(set(keys)) == 6
