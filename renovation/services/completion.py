"""Completion, acceptance within 7 working days, re-inspection and the deposit refund (R-07)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_cancel, deadline_start, deadline_stop
from core.errors import DomainError
from fees.services import deposit_held, deposit_refund
from renovation import permissions as perm
from renovation.models import ChecklistItem, Inspection, Renovation, Violation
from renovation.services.common import (
    ACCEPTANCE,
    PATROL,
    PERMIT_EXPIRY,
    event,
    lock,
    next_patrol_due,
    require_status,
)

K = Renovation.Status


@transaction.atomic
def completion_declare(*, renovation: Renovation, actor: User, now: datetime | None = None) -> Renovation:
    """The owner declares the work (or the rectification) complete; acceptance is due in 7 working days."""
    now = now or timezone.now()
    ren = lock(renovation)
    perm.check_register(actor, ren.site_id)
    require_status(ren, *Renovation.WORKING_STATES)
    ren.status, ren.completed_at = K.COMPLETED, now
    ren.save(update_fields=["status", "completed_at", "updated_at"])
    deadline_stop(subject=ren, code=PATROL, now=now)
    deadline_cancel(subject=ren, code=PERMIT_EXPIRY, now=now, reason="completed")
    deadline_start(subject=ren, code=ACCEPTANCE, now=now)  # 7 working days (policy)
    event(ren, "completed", actor=actor, at=now)
    return ren


@transaction.atomic
def acceptance_apply(*, renovation: Renovation, actor: User, now: datetime | None = None) -> Renovation:
    now = now or timezone.now()
    ren = lock(renovation)
    perm.check_register(actor, ren.site_id)
    require_status(ren, K.COMPLETED, message=_("Acceptance is applied for after completion is declared."))
    ren.status, ren.acceptance_applied_at = K.ACCEPTANCE_APPLIED, now
    ren.save(update_fields=["status", "acceptance_applied_at", "updated_at"])
    deadline_stop(subject=ren, code=ACCEPTANCE, now=now)
    event(ren, "acceptance_applied", actor=actor, at=now, data={"late": ren.acceptance_late})
    return ren


@transaction.atomic
def inspection_record(*, renovation: Renovation, results: dict[int, tuple[bool, str]], actor: User,
                      now: datetime | None = None) -> Inspection:
    """R-07: each item recorded; failed → rectification (work and patrols resume) and a re-inspection."""
    now = now or timezone.now()
    ren = lock(renovation)
    perm.check_inspect(actor, ren.site_id)
    require_status(ren, K.ACCEPTANCE_APPLIED, message=_("Acceptance is inspected once it has been applied for."))
    items = list(ChecklistItem.objects.filter(is_active=True))
    if any(i.pk not in results for i in items):
        raise DomainError(_("Record every item of the inspection."), code="incomplete")
    for i in items:
        if not results[i.pk][0] and not (results[i.pk][1] or "").strip():
            raise DomainError(_("Say what is wrong with “%(item)s”.") % {"item": i.title}, code="note")
    passed = all(results[i.pk][0] for i in items)
    insp = Inspection.objects.create(
        site_id=ren.site_id, renovation=ren, inspector=actor, at=now, passed=passed,
        results=[{"item": i.code, "title": i.title, "passed": results[i.pk][0], "note": results[i.pk][1] or ""}
                 for i in items])
    if passed:
        ren.status, ren.accepted_at = K.ACCEPTED, now
        ren.save(update_fields=["status", "accepted_at", "updated_at"])
    else:
        ren.status = K.RECTIFICATION
        ren.save(update_fields=["status", "updated_at"])
        deadline_start(subject=ren, code=PATROL, now=now, due_at=next_patrol_due(timezone.localdate(now), ren.site_id))
    event(ren, "inspected", actor=actor, at=now, data={"inspection": insp.pk, "passed": passed})
    return insp


def refund_due(ren: Renovation) -> Decimal:
    return deposit_held(ren.unit, ren.reference)


@transaction.atomic
def renovation_refund(*, renovation: Renovation, amount: Decimal | str | None = None, actor: User,
                      now: datetime | None = None):
    """R-07: after acceptance finance refunds the deposit held (taken minus deductions) through fees.

    A refund larger than what is held is refused by fees; recorded deductions are taken first."""
    now = now or timezone.now()
    ren = lock(renovation)
    require_status(ren, K.ACCEPTED, message=_("The deposit is refunded after the acceptance has passed."))
    if ren.violations.filter(measure=Violation.Measure.DEDUCTION, deducted_at__isnull=True).exists():
        raise DomainError(_("Take the recorded deductions first; then refund the rest."), code="deduction")
    held = refund_due(ren)
    amount = held if amount in (None, "") else amount
    move = deposit_refund(unit=ren.unit, amount=amount, actor=actor, reference=ren.reference, now=now,
                          reason=_("Renovation deposit refund %(number)s") % {"number": ren.number})
    event(ren, "refunded", actor=actor, at=now, data={"amount": str(move.amount), "movement": move.pk})
    if refund_due(ren) == 0:
        ren.status, ren.closed_at = K.CLOSED, now
        ren.save(update_fields=["status", "closed_at", "updated_at"])
    return move
