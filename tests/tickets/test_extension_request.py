"""SPEC T-05, §15 `ticket.extension.request`: an order gone overdue must have its extension applied for within
24 hours; the clock starts when the completion clock breaches and stops when an extension is asked for."""

from datetime import timedelta

import pytest
import time_machine

from core.deadlines import deadline_breach_due, deadline_running
from core.models import Deadline, DeadlinePolicy, Notification
from tests.tickets.helpers import T0, complete, dispatch, register
from tickets import services
from tickets.models import WorkOrderEvent

pytestmark = pytest.mark.django_db
CODE = "ticket.extension.request"
D = Deadline.State


def _clocks(order):
    return Deadline.objects.filter(subject_id=order.pk, code=CODE).order_by("pk")


def _overdue_drain(site):
    """A 24-hour item (blocked drain) received at T0, overdue at T0 + 24 h, the sweep run a little later."""
    order = dispatch(site, register(site, "drain"))
    deadline_breach_due(now=T0 + timedelta(hours=24, minutes=5))
    return order


# SPEC T-05 / §15: the clock is a policy row (data), 24 hours, breach → notify
def test_policy_row():
    p = DeadlinePolicy.objects.get(code=CODE, site__isnull=True)
    assert (p.amount, p.unit, p.action) == (24, "hours", "notify")
    assert "cs_supervisor" in p.roles


# SPEC T-05 / §15: started when the order goes overdue, counted from that moment (not from the sweep)
def test_started_when_the_order_goes_overdue(site_a):
    order = dispatch(site_a, register(site_a, "drain"))
    assert deadline_running(order, CODE) is None  # not overdue yet
    deadline_breach_due(now=T0 + timedelta(hours=23))
    assert deadline_running(order, CODE) is None
    deadline_breach_due(now=T0 + timedelta(hours=24, minutes=5))
    clock = deadline_running(order, CODE)
    assert clock is not None
    assert clock.started_at == T0 + timedelta(hours=24) and clock.due_at == T0 + timedelta(hours=48)
    deadline_breach_due(now=T0 + timedelta(hours=25))  # the sweep again: still one clock
    assert _clocks(order).count() == 1


# SPEC T-05 / §15: asking for an extension within 24 h stops it (met); nobody is told
def test_extension_asked_in_time_stops_it(site_a):
    order = _overdue_drain(site_a)
    at = T0 + timedelta(hours=40)
    with time_machine.travel(at, tick=False):
        services.work_order_extend(order=order, actor=site_a.users["front_desk"], new_due_at=T0 + timedelta(days=4),
                                   reason="配件需订购", resident_consent=True, now=at)
    clock = _clocks(order).get()
    assert clock.state == D.MET and clock.stopped_at == at
    deadline_breach_due(now=T0 + timedelta(hours=49))
    assert not Notification.objects.filter(deadline=clock).exists()


# SPEC T-05 / §15: no extension applied for within 24 h → breached once, the CS supervisor notified, history
def test_breach_notifies_once(site_a):
    order = _overdue_drain(site_a)
    deadline_breach_due(now=T0 + timedelta(hours=47))
    assert _clocks(order).get().state == D.RUNNING
    deadline_breach_due(now=T0 + timedelta(hours=48, minutes=1))
    clock = _clocks(order).get()
    assert clock.state == D.BREACHED
    notes = Notification.objects.filter(deadline=clock)
    assert notes.filter(recipient=site_a.users["cs_supervisor"]).count() == 1
    assert notes.filter(recipient=site_a.users["front_desk"]).count() == 1
    assert WorkOrderEvent.objects.filter(order=order, kind="chased", data__code=CODE).count() == 1
    deadline_breach_due(now=T0 + timedelta(hours=60))  # runs twice: told once
    assert Notification.objects.filter(deadline=clock).count() == notes.count()
    assert WorkOrderEvent.objects.filter(order=order, kind="chased", data__code=CODE).count() == 1


# SPEC T-05 / §15: the order completed late ends the duty to apply
def test_completion_ends_it(site_a):
    order = _overdue_drain(site_a)
    complete(site_a, order, now=T0 + timedelta(hours=30))
    assert _clocks(order).get().state == D.CANCELLED
    deadline_breach_due(now=T0 + timedelta(hours=49))
    assert not Notification.objects.filter(deadline__code=CODE).exists()


# SPEC T-05: an extension already asked for (waiting for the head) before the order went overdue: no clock
def test_not_started_while_an_extension_waits(site_a):
    order = dispatch(site_a, register(site_a, "drain"))
    services.work_order_extend(order=order, actor=site_a.users["front_desk"], new_due_at=T0 + timedelta(days=3),
                               reason="配件需订购", resident_consent=True, now=T0 + timedelta(hours=20))
    deadline_breach_due(now=T0 + timedelta(hours=24, minutes=5))
    assert not _clocks(order).exists()


# SPEC T-05 / §15: the limit is read from the policy row (editable), never from the code
def test_follows_the_edited_policy(site_a):
    DeadlinePolicy.objects.filter(code=CODE).update(amount=4)
    order = _overdue_drain(site_a)
    assert deadline_running(order, CODE).due_at == T0 + timedelta(hours=28)
