"""The deadline engine: breach → action, re-arming, cancelling, per-site overrides (SPEC §15, X-04)."""

from datetime import datetime, timedelta

import pytest
from django.core import mail

from core import deadlines as engine
from core.deadlines import (
    breach_handler,
    deadline_breach_due,
    deadline_cancel,
    deadline_running,
    deadline_start,
    deadline_stop,
    deadlines_of,
)
from core.models import Deadline, DeadlinePolicy, Notification
from core.worktime import TZ

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def handler_calls():
    calls = []
    engine._handlers.setdefault("complaint.dispatch", [])

    def record(deadline, now):
        calls.append((deadline.pk, deadline.subject, deadline.level, now))

    engine._handlers["complaint.dispatch"].append(record)
    yield calls
    engine._handlers["complaint.dispatch"].remove(record)


# SPEC X-04, §15
def test_breach_notifies_the_policys_roles_at_the_site_and_calls_the_handler_once(site_a, site_b, handler_calls):
    unit = site_a.units[0]
    start = at(2026, 11, 23, 9)  # Monday
    d = deadline_start(subject=unit, code="complaint.dispatch", now=start)  # 12 h, escalate
    assert d.due_at == start + timedelta(hours=12)
    DeadlinePolicy.objects.filter(code="complaint.dispatch", site__isnull=True).update(
        notify_roles="cs_supervisor,site_director")

    assert deadline_breach_due(now=start + timedelta(hours=11)) == 0
    with django_capture_on_commit():
        assert deadline_breach_due(now=start + timedelta(hours=12, seconds=1)) == 1
    assert deadline_breach_due(now=start + timedelta(hours=13)) == 0  # never twice

    d.refresh_from_db()
    assert d.state == Deadline.State.BREACHED and d.level == 1  # escalated one level
    assert len(handler_calls) == 1 and handler_calls[0][1] == unit and handler_calls[0][2] == 1
    notes = Notification.objects.filter(deadline=d)
    assert {n.recipient for n in notes} == {site_a.users["cs_supervisor"], site_a.users["site_director"]}
    assert all(n.requires_ack and n.kind == "escalation" for n in notes)
    assert not Notification.objects.filter(recipient__in=site_b.users.values()).exists()  # site isolation
    assert {m.to[0] for m in mail.outbox} == {n.recipient.email for n in notes}


def django_capture_on_commit():
    """Run on_commit callbacks in a TestCase-style transaction (pytest-django fixture not needed)."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


# SPEC X-04
def test_email_has_text_and_html_parts_and_a_chinese_subject(site_a):
    unit = site_a.units[0]
    deadline_start(subject=unit, code="ticket.emergency.dispatch", now=at(2026, 11, 23, 9))
    with django_capture_on_commit():
        deadline_breach_due(now=at(2026, 11, 23, 9, 4))
    msg = mail.outbox[0]
    assert msg.subject.startswith("[物业服务]")
    assert msg.alternatives and msg.alternatives[0][1] == "text/html"
    assert "逾期" in msg.subject


# SPEC T-10, §15: repeating policies re-arm from the old due time
def test_repeating_followup_rearms(site_a):
    unit = site_a.units[0]
    start = at(2026, 11, 2, 10)
    deadline_start(subject=unit, code="ticket.followup.property", now=start)  # every 3 days
    assert deadline_breach_due(now=start + timedelta(days=3, minutes=1)) == 1
    nxt = deadline_running(unit, "ticket.followup.property")
    assert nxt is not None and nxt.started_at == start + timedelta(days=3)
    assert nxt.due_at == start + timedelta(days=6)
    # a sweep that was down for a week catches up with one reminder, not a burst
    assert deadline_breach_due(now=start + timedelta(days=13)) == 1
    nxt = deadline_running(unit, "ticket.followup.property")
    assert nxt.due_at == start + timedelta(days=15)
    assert deadlines_of(unit).filter(state=Deadline.State.BREACHED).count() == 2
    deadline_stop(subject=unit, code="ticket.followup.property", now=start + timedelta(days=14))
    assert deadline_running(unit, "ticket.followup.property") is None
    assert deadline_breach_due(now=start + timedelta(days=30)) == 0


# SPEC X-04
def test_cancelling_stops_a_timer(site_a, handler_calls):
    unit = site_a.units[0]
    start = at(2026, 11, 23, 9)
    deadline_start(subject=unit, code="complaint.dispatch", now=start)
    assert deadline_cancel(subject=unit, code="complaint.dispatch", now=start, reason="withdrawn") == 1
    assert deadline_breach_due(now=start + timedelta(days=2)) == 0
    assert handler_calls == []
    assert deadlines_of(unit).get().state == Deadline.State.CANCELLED
    assert not Notification.objects.exists()


def test_stop_is_met_and_restart_replaces(site_a):
    unit = site_a.units[0]
    start = at(2026, 11, 23, 9)
    first = deadline_start(subject=unit, code="complaint.forward", now=start)
    second = deadline_start(subject=unit, code="complaint.forward", now=start + timedelta(hours=1))
    first.refresh_from_db()
    assert first.state == Deadline.State.CANCELLED and second.state == Deadline.State.RUNNING
    assert deadline_stop(subject=unit, code="complaint.forward", now=start + timedelta(hours=2)) == 1
    assert deadline_running(unit, "complaint.forward") is None


# SPEC §15 ✎: a site's override beats the company row
def test_site_override_beats_company_row(site_a, site_b):
    company = DeadlinePolicy.objects.get(code="ticket.urgent.complete", site__isnull=True)
    DeadlinePolicy.objects.create(code=company.code, site=site_a.site, name=company.name, amount=12,
                                  unit="hours", action=company.action, notify_roles=company.notify_roles,
                                  site_editable=True)
    start = at(2026, 11, 23, 9)
    a = deadline_start(subject=site_a.units[0], code="ticket.urgent.complete", now=start)
    b = deadline_start(subject=site_b.units[0], code="ticket.urgent.complete", now=start)
    assert a.due_at == start + timedelta(hours=12)
    assert b.due_at == start + timedelta(hours=24)
    assert a.policy.site_id == site_a.site.pk and b.policy.site_id is None


# SPEC W-03 via the engine: working days end at the site's closing time
def test_working_day_policy_uses_the_sites_office_hours(site_a):
    from datetime import time

    site_a.site.office_close = time(17, 30)
    site_a.site.save()
    d = deadline_start(subject=site_a.units[0], code="ticket.normal.complete", now=at(2026, 9, 30, 10))
    assert d.due_at == at(2026, 10, 10, 17, 30)


def test_failing_handler_rolls_back_only_its_own_row_and_is_retried(site_a):
    calls = []

    @breach_handler("complaint.callback")
    def boom(deadline, now):
        calls.append(deadline.pk)
        if len(calls) == 1:
            raise RuntimeError("app bug")

    try:
        start = at(2026, 11, 23, 9)
        bad = deadline_start(subject=site_a.units[0], code="complaint.callback", now=start)
        good = deadline_start(subject=site_a.units[1], code="complaint.forward", now=start)
        later = start + timedelta(days=10)
        assert deadline_breach_due(now=later) == 1
        bad.refresh_from_db()
        good.refresh_from_db()
        assert bad.state == Deadline.State.RUNNING and bad.level == 0
        assert good.state == Deadline.State.BREACHED
        assert not Notification.objects.filter(deadline=bad).exists()
        assert deadline_breach_due(now=later) == 1  # the next sweep retries it
        bad.refresh_from_db()
        assert bad.state == Deadline.State.BREACHED and bad.level == 1
        assert Notification.objects.filter(deadline=bad).count() == 1  # cs_supervisor
    finally:
        engine._handlers["complaint.callback"].remove(boom)


def test_set_policy_needs_due_at(site_a):
    from core.errors import DomainError

    with pytest.raises(DomainError):
        deadline_start(subject=site_a.units[0], code="key.use.return", now=at(2026, 11, 23, 9))
    d = deadline_start(subject=site_a.units[0], code="key.use.return", now=at(2026, 11, 23, 9),
                       due_at=at(2026, 11, 23, 11))
    assert d.due_at == at(2026, 11, 23, 11)


def test_sweep_query_uses_the_partial_index(is_postgres):
    plan = engine.deadline_sweep_explain(now=at(2026, 11, 23, 9))
    assert "core_deadline" in plan
    if is_postgres:
        assert "Seq Scan on core_deadline" not in plan or "deadline_running_due" in plan
