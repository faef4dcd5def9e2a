"""SPEC T-16 and T-12: developer warranty repairs, re-inspection, joint inspection, contractor review."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.approvals import approval_request
from core.deadlines import (
    deadline_cancel,
    deadline_start,
    deadline_stop,
)
from core.service_kit import require
from estates.actors import Actor
from estates.models import Department, Staff
from tickets import permissions
from tickets.hooks import steps_announce
from tickets.models import (
    WorkOrder,
    WorkOrderEvent,
)
from tickets.services._steps import E, S
from tickets.services.registration import COMPLETION_CODES, as_user, lock, refuse, save, start_completion_clock

JOINT_CS, JOINT_ENGINEER = "ticket.joint_inspection.cs", "ticket.joint_inspection.engineer"  # SPEC T-09, T-18


@transaction.atomic
def work_order_route_developer(*, order: WorkOrder, actor: Actor | None, due_at: datetime, note: str = "",
                               now: datetime | None = None, version: int | None = None) -> WorkOrder:
    """SPEC T-16: a verified warranty defect (major) goes to the developer with a deadline."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_route_to_developer(user, order), _("You may not route orders to the developer."))
    require(due_at > now, _("The developer's deadline must be in the future."), "due_at")
    refuse(order, order.route_to_developer)
    order.route_to_developer()
    deadline_cancel(subject=order, code=[*COMPLETION_CODES, "ticket.emergency.dispatch", "ticket.extension.request"],
                    now=now, reason="developer")
    deadline_start(subject=order, code="ticket.developer.repair", now=now, site_id=order.site_id, due_at=due_at)
    order.due_at = due_at
    save(order, ["is_warranty", "warranty_route", "due_at"])
    WorkOrderEvent.record(order, actor=user, kind=E.DEVELOPER, note=note, at=now)
    return order


@transaction.atomic
def work_order_developer_repaired(*, order: WorkOrder, actor: Actor | None, note: str = "", now: datetime | None = None,
                                  version: int | None = None) -> WorkOrder:
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_record_agreement(user, order), _("You may not record the developer's repair."))
    refuse(order, order.developer_repaired)
    order.developer_repaired(at=now)
    deadline_stop(subject=order, code="ticket.developer.repair", now=now)
    save(order, ["completed_at"])
    WorkOrderEvent.record(order, actor=user, kind=E.DEVELOPER_DONE, note=note, at=now)
    steps_announce(order=order, kind=E.DEVELOPER_DONE, now=now)  # e.g. a maintenance occurrence (inspections)
    return order


@transaction.atomic
def work_order_reinspect(*, order: WorkOrder, actor: Actor | None, passed: bool, note: str,
                         new_due_at: datetime | None = None,
                         now: datetime | None = None, version: int | None = None) -> WorkOrder:
    """SPEC T-16: a warranty order closes only after re-inspection; a failed one goes back."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_reinspect(user, order), _("You may not re-inspect."))
    require(order.status == S.REINSPECTION, _("This order is not waiting for re-inspection."), "bad_state")
    require(bool(note.strip()), _("Record what the re-inspection found."), "note")
    WorkOrderEvent.record(order, actor=user, kind=E.REINSPECTED, note=note, at=now, data={"passed": passed})
    if passed:
        order.reinspected_at, order.reinspected_by = now, user
        order.close(at=now)
        save(order, ["reinspected_at", "reinspected_by", "closed_at"])
        WorkOrderEvent.record(order, actor=user, kind=E.CLOSED, at=now)
        return order
    if order.warranty_route == "developer":
        require(new_due_at is not None and new_due_at > now, _("Give the developer a new deadline."), "due_at")
        order.route_to_developer()
        deadline_start(subject=order, code="ticket.developer.repair", now=now, site_id=order.site_id,
                       due_at=new_due_at)
        order.due_at = new_due_at
        save(order, ["due_at"])
        return order
    # in-house repair at the contractor's cost: back to the department
    order.send_rework()
    start_completion_clock(order, now)
    save(order, ["rework_count", "completed_at", "returned_at", "due_at"])
    WorkOrderEvent.record(order, actor=user, kind=E.REWORK, note=note, at=now)
    return order


@transaction.atomic
def work_order_joint_inspection(*, order: WorkOrder, actor: Actor | None, cs_staff: Staff, engineer: Staff, note: str,
                                at: datetime | None = None, now: datetime | None = None,
                                version: int | None = None) -> WorkOrder:
    """SPEC T-09: owner not moved in → CS staff and an engineer inspect together on the owner's behalf."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_record_inspection(user, order), _("You may not record the joint inspection."))
    require(cs_staff.pk != engineer.pk, _("The joint inspection needs two different people."), "same_person")
    require(cs_staff.site_id == order.site_id and engineer.site_id == order.site_id,
          _("Both inspectors must belong to this site."), "site")
    require(engineer.department is not None and engineer.department.kind == Department.Kind.ENGINEERING,
          _("One inspector must be an engineer."), "engineer")
    require(engineer.department_id is None or cs_staff.department is None or
          cs_staff.department.kind == Department.Kind.CUSTOMER_SERVICE,
          _("One inspector must be customer-service staff."), "cs")
    require(bool(note.strip()), _("Record the findings."), "note")
    order.joint_inspection_at, order.joint_inspection_note = at or now, note
    order.joint_inspection_cs, order.joint_inspection_engineer = cs_staff, engineer
    save(order, ["joint_inspection_at", "joint_inspection_note", "joint_inspection_cs", "joint_inspection_engineer"])
    WorkOrderEvent.record(order, actor=user, kind=E.JOINT_INSPECTION, note=note, at=now,
                          data={"cs": cs_staff.name, "engineer": engineer.name})
    # SPEC T-18: the two inspectors confirm in their own login (the one recording it, by recording)
    summary = _("Joint inspection of %(number)s") % {"number": order.number}
    approval_request(kind=JOINT_CS, subject=order, actor=user, summary=summary, reason=note, now=now)
    approval_request(kind=JOINT_ENGINEER, subject=order, actor=user, summary=summary, reason=note, now=now)
    return order


@transaction.atomic
def work_order_contractor_review(*, order: WorkOrder, actor: Actor | None, contractor_name: str, review: str,
                                 now: datetime | None = None, version: int | None = None) -> WorkOrder:
    """SPEC T-12: the special contractor's review record is kept."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_record_inspection(user, order), _("You may not record the contractor review."))
    require(order.category.is_contractor, _("This is not a special-contractor order."), "not_contractor")
    require(bool(review.strip()) and bool(contractor_name.strip()), _("Name the contractor and record the review."),
          "review")
    order.contractor_name, order.contractor_review = contractor_name, review
    save(order, ["contractor_name", "contractor_review"])
    WorkOrderEvent.record(order, actor=user, kind=E.CONTRACTOR_REVIEW, note=review, at=now)
    return order
