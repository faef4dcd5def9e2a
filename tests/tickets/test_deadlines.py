"""SPEC T-04, W-03, W-04, T-05, T-10, T-11, T-14: clocks with a frozen clock (`now=`)."""

from datetime import datetime, timedelta

import pytest

from core.deadlines import deadline_breach_due, deadline_running
from core.errors import DomainError
from core.models import Deadline, Notification
from core.worktime import TZ
from tests.tickets.helpers import T0, complete, dispatch, register
from tickets import services
from tickets.models import WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db


# SPEC T-04: blocked drain → 24 hours wall clock
def test_drain_24_hours(site_a):
    order = register(site_a, "drain")
    assert order.due_at == T0 + timedelta(hours=24)
    assert deadline_running(order, "ticket.urgent.complete").due_at == order.due_at


# SPEC T-04, W-04: a lamp (24 h, working day) reported on a Sunday starts at Monday's opening
def test_lamp_24h_wd_arriving_on_sunday(site_a):
    sunday = datetime(2026, 11, 22, 10, 0, tzinfo=TZ)
    order = register(site_a, "lamp", now=sunday)
    assert order.due_at == datetime(2026, 11, 24, 8, 30, tzinfo=TZ)


# SPEC T-04, W-03: 3 working days across Golden Week 2026 (Oct 8, 9 and the adjusted Sat Oct 10)
def test_three_working_days_across_golden_week(site_a):
    order = register(site_a, "repair", now=datetime(2026, 9, 30, 10, 0, tzinfo=TZ))
    assert order.due_at == datetime(2026, 10, 10, 18, 0, tzinfo=TZ)


# SPEC T-04: supervisor-set deadline, recorded at dispatch and then enforced
def test_supervisor_sets_deadline_at_dispatch(site_a):
    order = register(site_a, "internal-equipment", unit=None, location="水泵房")
    assert order.due_at is None
    with pytest.raises(DomainError) as err:
        dispatch(site_a, order)
    assert err.value.code == "due_at"
    due = T0 + timedelta(days=5)
    order = dispatch(site_a, order, due_at=due)
    assert order.due_at == due and deadline_running(order, "ticket.supervisor.complete").due_at == due


# SPEC T-11: no completion report by the deadline → chase (催办) the department, CS supervisor notified
def test_overdue_order_is_chased(site_a):
    order = dispatch(site_a, register(site_a, "drain"))
    deadline_breach_due(now=T0 + timedelta(hours=25))
    assert WorkOrderEvent.objects.filter(order=order, kind="chased").exists()
    notes = Notification.objects.filter(subject_id=order.pk)
    assert notes.filter(recipient=site_a.users["cs_supervisor"]).exists()
    assert notes.filter(recipient=site_a.users["dept_supervisor"], kind="reminder").exists()
    # runs once
    deadline_breach_due(now=T0 + timedelta(hours=26))
    assert WorkOrderEvent.objects.filter(order=order, kind="chased").count() == 1
    # and the list's overdue filter finds it
    from django.http import QueryDict

    from tickets.selectors import work_order_filter
    assert list(work_order_filter(WorkOrder.objects.all(), QueryDict("overdue=1"), now=T0 + timedelta(hours=25))) \
        == [order]


# SPEC T-10: follow-up weekly for engineering, every 3 days for property orders; recording restarts it
def test_followup_clocks(site_a):
    eng = dispatch(site_a, register(site_a, "repair"))
    prop = dispatch(site_a, register(site_a, "cleaning"), assignee=None)
    at = eng.dispatched_at
    assert deadline_running(eng, "ticket.followup.engineering").due_at == at + timedelta(days=7)
    assert deadline_running(prop, "ticket.followup.property").due_at == prop.dispatched_at + timedelta(days=3)
    deadline_breach_due(now=prop.dispatched_at + timedelta(days=3, minutes=1))
    assert WorkOrderEvent.objects.filter(order=prop, kind="followup_due").count() == 1
    # re-armed (repeat) for the next 3 days
    assert deadline_running(prop, "ticket.followup.property").due_at == prop.dispatched_at + timedelta(days=6)
    later = at + timedelta(days=2)
    services.work_order_followup(order=eng, actor=site_a.users["front_desk"], note="已联系工程部，明日更换", now=later)
    assert deadline_running(eng, "ticket.followup.engineering").due_at == later + timedelta(days=7)


# SPEC T-14: order/cleaning orders need a status report within 3 working days of dispatch
def test_status_report_clock(site_a):
    order = dispatch(site_a, register(site_a, "cleaning"), assignee=None)
    d = deadline_running(order, "ticket.status.report")
    assert d is not None and d.due_at == datetime(2026, 11, 21, 18, 0, tzinfo=TZ) + timedelta(days=2)  # Mon 23rd
    head = site_a.users["center_head"]
    services.work_order_status_report(order=order, actor=head, note="业主周末不在家，约周一",
                                      now=T0 + timedelta(hours=3))
    assert deadline_running(order, "ticket.status.report") is None
    assert Deadline.objects.get(subject_id=order.pk, code="ticket.status.report").state == "met"
    # engineering orders have no such clock
    eng = dispatch(site_a, register(site_a, "repair"))
    assert deadline_running(eng, "ticket.status.report") is None


# SPEC T-04, T-07: completion stops the completion and follow-up clocks
def test_completion_stops_clocks(site_a):
    order = complete(site_a, dispatch(site_a, register(site_a, "drain")))
    assert deadline_running(order, "ticket.urgent.complete") is None
    assert deadline_running(order, "ticket.followup.engineering") is None
    assert Deadline.objects.get(subject_id=order.pk, code="ticket.urgent.complete").state == "met"
