"""SPEC CB-08: relationship maintenance — the monthly plan, its tasks per zone, recorded when done."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callbacks.models import RelationshipEvent, RelationshipPlan, RelationshipTask
from callbacks.permissions import can_plan_relationship, can_record_relationship_task
from core.errors import DomainError
from core.service_kit import as_user, lock_row
from estates.actors import Actor

MAX_HOUSEHOLDS = 100_000


def _deny(message: str) -> DomainError:
    return DomainError(message, code="not_allowed")


@transaction.atomic
def relationship_plan_create(*, site: Any, month: date, actor: Actor | None, notes: str = "",
                             now: datetime | None = None) -> RelationshipPlan:
    """One plan per site and month, made by the CS supervisor."""
    user = as_user(actor)
    if user is None or not can_plan_relationship(user, site.pk):
        raise _deny(_("Only the CS supervisor or the heads of the site plan relationship maintenance."))
    month = month.replace(day=1)
    if RelationshipPlan.objects.filter(site=site, month=month).exists():
        raise DomainError(_("This month already has a plan."), code="exists")
    try:
        with transaction.atomic():
            return RelationshipPlan.objects.create(site=site, month=month, made_by=user, notes=notes.strip())
    except IntegrityError as err:  # two supervisors at once
        raise DomainError(_("This month already has a plan."), code="exists") from err


@transaction.atomic
def relationship_task_add(*, plan: RelationshipPlan, zone: Any, kind: str, title: str, due_date: date,
                          actor: Actor | None,
                          now: datetime | None = None) -> RelationshipTask:
    user = as_user(actor)
    plan = lock_row(plan)
    if not can_plan_relationship(user, plan.site_id):
        raise _deny(_("Only the CS supervisor or the heads of the site plan relationship maintenance."))
    if zone is None or zone.site_id != plan.site_id:
        raise DomainError(_("Choose a zone of this site."), code="zone")
    if kind not in RelationshipTask.Kind.values:
        raise DomainError(_("Choose the kind of task."), code="kind")
    if not title.strip():
        raise DomainError(_("Describe the task."), code="title")
    if (due_date.year, due_date.month) != (plan.month.year, plan.month.month):
        raise DomainError(_("The due date is in the plan's month."), code="due_date")
    task = RelationshipTask.objects.create(plan=plan, site_id=plan.site_id, zone=zone, kind=kind,
                                           title=title.strip(), due_date=due_date)
    RelationshipEvent.record(task, actor=user, kind="created", at=now or timezone.now(),
                             data={"zone": zone.name, "kind": kind, "due": f"{due_date:%Y-%m-%d}"})
    return task


@transaction.atomic
def relationship_task_record(*, task: RelationshipTask, actor: Actor | None, result: str, households: Any = 0,
                             now: datetime | None = None) -> RelationshipTask:
    """Zone staff record what was done (how many households reached)."""
    now = now or timezone.now()
    user = as_user(actor)
    task = lock_row(task)
    if not can_record_relationship_task(user, task):
        raise _deny(_("Only the staff of the task's zone record it, while it is to do."))
    if not result.strip():
        raise DomainError(_("Say what was done."), code="result")
    try:
        reached = int(households or 0)
    except (TypeError, ValueError):
        reached = -1
    if not 0 <= reached <= MAX_HOUSEHOLDS:  # issue 13.3: numbers bounded
        raise DomainError(_("Enter the households reached as a whole number from 0 to %(max)d.")
                          % {"max": MAX_HOUSEHOLDS}, code="households")
    task.households = reached
    task.status, task.done_at, task.done_by, task.result = RelationshipTask.Status.DONE, now, user, result.strip()
    task.save(update_fields=["status", "done_at", "done_by", "result", "households", "updated_at"])
    RelationshipEvent.record(task, actor=user, kind="done", at=now, note=task.result,
                             data={"changes": {"status": ["open", "done"]}, "households": task.households})
    return task


@transaction.atomic
def relationship_task_cancel(*, task: RelationshipTask, actor: Actor | None, reason: str,
                             now: datetime | None = None) -> RelationshipTask:
    """X-01: a task is never deleted: cancelled with a reason by the planners."""
    now = now or timezone.now()
    user = as_user(actor)
    task = lock_row(task)
    if not can_plan_relationship(user, task.site_id):
        raise _deny(_("Only the CS supervisor or the heads of the site plan relationship maintenance."))
    if task.status != RelationshipTask.Status.OPEN:
        raise DomainError(_("Only a task still to do can be cancelled."), code="bad_state")
    if not reason.strip():
        raise DomainError(_("Give the reason for cancelling."), code="reason_required")
    task.status, task.cancel_reason = RelationshipTask.Status.CANCELLED, reason.strip()
    task.save(update_fields=["status", "cancel_reason", "updated_at"])
    RelationshipEvent.record(task, actor=user, kind="cancelled", at=now, note=task.cancel_reason,
                             data={"changes": {"status": ["open", "cancelled"]}})
    return task
