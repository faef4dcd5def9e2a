"""SPEC T-03 先作业后补单: an emergency worked first and registered afterwards with its real times.

Our choice (docs/tickets.md): the order carries the real received, dispatched (by phone), arrival and
completion times and `registered_late`; its number is taken on the day it is entered. Every clock runs
from the real call; one whose duty was already done is settled at the real time — met, or breached at its
due time — and recorded without a notice (nobody is alarmed today about a delay that is over). A job still
being worked keeps its completion clock running from the call, so an order already past its deadline is
overdue now and the sweep says so once, as for any order.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import compute_due, deadline_settle, deadline_start, policy_for, policy_limit
from core.service_kit import as_user, require
from estates.actors import Actor
from estates.models import Department, Staff
from tickets import permissions
from tickets.models import CompletionPolicy, WorkOrder, WorkOrderEvent
from tickets.services.completion import work_order_complete
from tickets.services.registration import COMPLETION_CODES, lock, save, work_order_register

E = WorkOrderEvent.Kind
SKEW = timedelta(minutes=1)  # a clock a little ahead of the server is not "the future"


def _minute(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0)


def check_late_times(*, site_id: int, received_at: datetime, dispatched_at: datetime, arrived_at: datetime,
                     completed_at: datetime | None, now: datetime) -> None:
    """In the past, in order: call ≤ dispatch ≤ arrival ≤ completion ≤ now; not older than the policy allows."""
    require(received_at <= now + SKEW, _("The time the call was received is in the future."), "received_at")
    latest = compute_due(policy_for("ticket.late.window", site_id), received_at, site_id=site_id)
    require(now <= latest, _("An order worked first is registered within %(limit)s of the call.")
            % {"limit": policy_limit("ticket.late.window", site_id)}, "received_at")
    require(_minute(dispatched_at) >= _minute(received_at),
            _("The department was called before the request was received."), "dispatched_at")
    require(_minute(arrived_at) >= _minute(dispatched_at),
            _("The arrival time is before the department was called."), "arrived_at")
    require(arrived_at <= now + SKEW, _("The arrival time is in the future."), "arrived_at")
    if completed_at is not None:
        require(completed_at >= arrived_at, _("The completion time is before the arrival time."), "completed_at")
        require(completed_at <= now + SKEW, _("The completion time is in the future."), "completed_at")


@transaction.atomic
def work_order_register_late(*, site, category, content: str, actor: Actor | None, received_at: datetime,
                             arrived_at: datetime,
                             department: Department, dispatched_at: datetime | None = None,
                             assignee: Staff | None = None, completed_at: datetime | None = None,
                             work_done: str = "", cause: str = "", labour_hours=None, now: datetime | None = None,
                             **fields) -> WorkOrder:
    """SPEC T-03: register work already done (or under way) with the real times; marked `registered_late`.
    `fields`: the registration fields of `work_order_register` (unit, resident, phone, channel, …)."""
    now = now or timezone.now()
    user = as_user(actor)
    require(user is None or permissions.can_register_late(user, site.pk),
            _("Only the front desk registers work done first."), "not_allowed")
    require(category.completion_policy not in (CompletionPolicy.SUPERVISOR, CompletionPolicy.AGREEMENT),
            _("Jobs with a department-set or agreed deadline are registered before the work."), "category")
    dispatched_at = dispatched_at or received_at
    check_late_times(site_id=site.pk, received_at=received_at, dispatched_at=dispatched_at, arrived_at=arrived_at,
                     completed_at=completed_at, now=now)
    require(department.site_id == site.pk, _("Choose the department of this site that did the work."), "department")
    require(assignee is None or (assignee.site_id == site.pk and assignee.department_id == department.pk),
            _("%(name)s is not in %(department)s: choose one of its workers.")
            % {"name": getattr(assignee, "name", ""), "department": department.name}, "assignee")
    if completed_at is not None:
        require(bool(work_done.strip()), _("Describe the work done."), "work_done")
    order = work_order_register(site=site, category=category, content=content, actor=actor, now=now,
                                received_at=received_at, registered_late=True, **fields)
    order = lock(order)
    # the phone call to the department was the dispatch (凭单做事 afterwards): its clock judged at that time
    deadline_settle(subject=order, code="ticket.emergency.dispatch", at=dispatched_at)
    order.dispatch(department=department, at=dispatched_at, assignee=assignee)
    order.arrive(at=arrived_at)
    save(order, ["department", "assignee", "dispatched_at", "arrived_at"])
    times = {"received_at": received_at.isoformat(), "dispatched_at": dispatched_at.isoformat(),
             "arrived_at": arrived_at.isoformat(),
             "completed_at": completed_at.isoformat() if completed_at else None}
    WorkOrderEvent.record(order, actor=user, kind=E.DISPATCHED, at=now, note=_("Registered afterwards"),
                          data={**times, "department": department.name, "late": True,
                                "assignee": assignee.name if assignee else None})
    WorkOrderEvent.record(order, actor=user, kind=E.ARRIVED, at=now, data={**times, "late": True})
    if completed_at is None:  # still being worked: progress follow-ups from now (T-10)
        deadline_start(subject=order, code=order.category.followup_policy, now=now, site_id=order.site_id)
        return order
    deadline_settle(subject=order, code=COMPLETION_CODES, at=completed_at)
    return work_order_complete(order=order, actor=actor, arrived_at=arrived_at, finished_at=completed_at,
                               cause=cause, work_done=work_done, labour_hours=labour_hours, now=now,
                               version=order.version)
