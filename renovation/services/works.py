"""While the work runs: gate log (R-04), daily patrols (R-09), violations and measures (R-05),
changes of scope (R-08) and extensions (R-06)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.uploads import check_image
from fees import permissions as fees_perm
from fees.services import deposit_deduct, deposit_held
from renovation import permissions as perm
from renovation.models import Change, FollowUp, GateEntry, Patrol, Photo, Renovation, Violation, Worker
from renovation.services.application import permit_issue
from renovation.services.common import CHANGE, PATROL, event, lock, next_patrol_due, require_status

K = Renovation.Status


def _photos(ren: Renovation, photos, *, at: datetime, patrol=None, violation=None) -> None:
    for f in photos or []:
        checked = check_image(f)
        p = Photo(site_id=ren.site_id, renovation=ren, patrol=patrol, violation=violation, at=at)
        p.file.save(str(checked.name), checked, save=False)
        p.save()


# ---- gate
@transaction.atomic
def gate_enter(*, renovation: Renovation, pass_number: str, tools: str, actor: User,
               now: datetime | None = None) -> GateEntry:
    """A worker entering with destructive tools is logged; an expired or foreign pass is refused."""
    now = now or timezone.now()
    ren = lock(renovation)
    perm.check_gate(actor, ren.site_id)
    pass_number = (pass_number or "").strip().upper()
    worker = Worker.objects.filter(site_id=ren.site_id, pass_number__iexact=pass_number).first()
    if worker is None:
        raise DomainError(_("No pass %(number)s at this site: refused.") % {"number": pass_number}, code="no_pass")
    if worker.renovation_id != ren.pk:
        raise DomainError(_("Pass %(number)s belongs to another renovation: refused.") % {"number": pass_number},
                          code="foreign_pass")
    today = timezone.localdate(now)
    if not worker.is_active or worker.valid_until is None or worker.valid_until < today \
            or ren.status not in Renovation.WORKING_STATES:
        raise DomainError(_("Pass %(number)s has expired: refused.") % {"number": pass_number}, code="expired_pass")
    if not (tools or "").strip():
        raise DomainError(_("Name the destructive tools carried (e.g. core drill, sledgehammer)."), code="tools")
    entry = GateEntry.objects.create(site_id=ren.site_id, renovation=ren, worker=worker, tools=tools.strip()[:200],
                                     entered_at=now, entered_logged_by=actor)
    event(ren, "gate", actor=actor, at=now, data={"worker": worker.name, "tools": entry.tools})
    return entry


@transaction.atomic
def gate_leave(*, entry: GateEntry, actor: User, now: datetime | None = None) -> GateEntry:
    now = now or timezone.now()
    entry = GateEntry.objects.select_for_update().get(pk=entry.pk)
    perm.check_gate(actor, entry.site_id)
    if entry.left_at:
        raise DomainError(_("Already logged out."), code="bad_state")
    entry.left_at, entry.left_logged_by = now, actor
    entry.save(update_fields=["left_at", "left_logged_by", "updated_at"])
    return entry


# ---- patrols
def permit_expired(ren: Renovation, day: date) -> bool:
    return ren.status == K.ACTIVE and day > ren.end_date


@transaction.atomic
def patrol_record(*, renovation: Renovation, checked: str, team: str = "", all_in_order: bool = True,
                  photos=None, actor: User, now: datetime | None = None) -> Patrol:
    """The daily joint patrol's record; stops today's clock and starts the next working day's.

    Work seen on an expired permit is recorded as a violation (R-06)."""
    now = now or timezone.now()
    ren = lock(renovation)
    perm.check_patrol(actor, ren.site_id)
    require_status(ren, *Renovation.WORKING_STATES, message=_("Only a renovation with work on site is patrolled."))
    if not (checked or "").strip():
        raise DomainError(_("Note what the patrol checked."), code="required")
    day = timezone.localdate(now)
    patrol = Patrol.objects.create(site_id=ren.site_id, renovation=ren, day=day, at=now, by=actor,
                                   team=(team or "").strip()[:200], checked=checked.strip(),
                                   all_in_order=all_in_order)
    _photos(ren, photos, at=now, patrol=patrol)
    deadline_stop(subject=ren, code=PATROL, now=now)
    deadline_start(subject=ren, code=PATROL, now=now, due_at=next_patrol_due(day, ren.site_id))
    if ren.patrol_overdue_at:
        ren.patrol_overdue_at = None
        ren.save(update_fields=["patrol_overdue_at", "updated_at"])
    event(ren, "patrol", actor=actor, at=now, data={"patrol": patrol.pk})
    if permit_expired(ren, day) and not ren.violations.filter(rule=Violation.Rule.EXPIRED_PERMIT,
                                                                status=Violation.Status.OPEN).exists():
        violation_record(renovation=ren, patrol=patrol, rule=Violation.Rule.EXPIRED_PERMIT,
                         description=_("Work on a permit that ended on %(day)s without an extension.")
                         % {"day": f"{ren.end_date:%Y-%m-%d}"},
                         measure=Violation.Measure.STOP_ORDER, actor=actor, now=now)
    return patrol


def _deduction_pending(ren: Renovation) -> Decimal:
    amounts = ren.violations.filter(measure=Violation.Measure.DEDUCTION, deducted_at__isnull=True) \
        .values_list("deduction_amount", flat=True)
    return sum((a for a in amounts if a is not None), Decimal("0"))


@transaction.atomic
def violation_record(*, renovation: Renovation, rule: str, description: str, measure: str,
                     deduction_amount: Decimal | None = None, patrol: Patrol | None = None, photos=None, actor: User,
                     now: datetime | None = None) -> Violation:
    """R-05: the rule broken, photos and the measure; a deduction names its amount (taken by finance)."""
    now = now or timezone.now()
    ren = lock(renovation)
    perm.check_patrol(actor, ren.site_id)
    if ren.status in (K.DRAFT, K.IN_REVIEW, K.CHANGES_REQUIRED, K.REVIEWED, K.REJECTED, K.CLOSED):
        raise DomainError(_("Violations are recorded while the renovation is under way."), code="bad_state")
    if rule not in Violation.Rule.values or measure not in Violation.Measure.values:
        raise DomainError(_("Choose the rule broken and the measure."), code="required")
    if not (description or "").strip():
        raise DomainError(_("Describe what was found."), code="required")
    if measure == Violation.Measure.DEDUCTION:
        if deduction_amount is None or Decimal(deduction_amount) <= 0:
            raise DomainError(_("A deposit deduction needs an amount above zero."), code="amount")
        held = deposit_held(ren.unit, ren.reference) - _deduction_pending(ren)
        if Decimal(deduction_amount) > held:
            raise DomainError(_("Only %(held)s of the deposit is left to deduct from.") % {"held": held},
                              code="more_than_held")
    else:
        deduction_amount = None
    v = Violation.objects.create(site_id=ren.site_id, renovation=ren, patrol=patrol, rule=rule,
                                 description=description.strip(), measure=measure,
                                 deduction_amount=deduction_amount, recorded_by=actor, recorded_at=now)
    _photos(ren, photos, at=now, violation=v)
    event(ren, "violation", actor=actor, at=now, data={"violation": v.pk, "rule": rule, "measure": measure})
    return v


@transaction.atomic
def violation_follow_up(*, violation: Violation, note: str, closes: bool = False, actor: User,
                        now: datetime | None = None) -> Violation:
    """R-05: follow-up until closed; a deduction is closed only once finance has taken it."""
    now = now or timezone.now()
    v = Violation.objects.select_for_update().select_related("renovation").get(pk=violation.pk)
    perm.check_patrol(actor, v.site_id)
    if v.status == Violation.Status.CLOSED:
        raise DomainError(_("This violation is closed."), code="bad_state")
    if not (note or "").strip():
        raise DomainError(_("Write the follow-up."), code="required")
    if closes and v.measure == Violation.Measure.DEDUCTION and not v.deducted_at:
        raise DomainError(_("Finance takes the deduction before the violation is closed."), code="deduction")
    FollowUp.objects.create(violation=v, at=now, by=actor, note=note.strip(), closes=closes)
    if closes:
        v.status, v.closed_at = Violation.Status.CLOSED, now
        v.save(update_fields=["status", "closed_at", "updated_at"])
    event(v.renovation, "follow_up", actor=actor, at=now, note=note.strip(),
          data={"violation": v.pk, "closed": closes})
    return v


@transaction.atomic
def violation_deduct(*, violation: Violation, actor: User, now: datetime | None = None) -> Violation:
    """R-05: finance deducts the recorded amount from the deposit held in fees, with the reason."""
    now = now or timezone.now()
    v = Violation.objects.select_for_update().select_related("renovation__unit").get(pk=violation.pk)
    fees_perm.check_finance(actor, v.site_id)  # finance takes it, in their own login (asked again by fees)
    if v.measure != Violation.Measure.DEDUCTION or v.deducted_at:
        raise DomainError(_("There is no deduction to take for this violation."), code="bad_state")
    ren = v.renovation
    move = deposit_deduct(unit=ren.unit, amount=v.deduction_amount, actor=actor, reference=ren.reference, now=now,
                          reason=f"{ren.number} {v.get_rule_display()}: {v.description}"[:200])
    v.deducted_at = now
    v.save(update_fields=["deducted_at", "updated_at"])
    event(ren, "deducted", actor=actor, at=now, data={"violation": v.pk, "amount": str(move.amount),
                                                      "movement": move.pk})
    return v


# ---- changes and extensions
@transaction.atomic
def change_apply(*, renovation: Renovation, kind: str, reason: str, new_scope: str = "",
                 new_end_date: date | None = None, actor: User, now: datetime | None = None) -> Change:
    now = now or timezone.now()
    ren = lock(renovation)
    perm.check_register(actor, ren.site_id)
    require_status(ren, K.ACTIVE, K.APPROVED, message=_("Changes and extensions are applied for on an approved "
                                                         "renovation."))
    if ren.changes.filter(status=Change.Status.APPLIED).exists():
        raise DomainError(_("A change is already waiting for a decision."), code="pending")
    if not (reason or "").strip():
        raise DomainError(_("Give the reason."), code="reason")
    if kind == Change.Kind.SCOPE:
        if not (new_scope or "").strip() or new_scope.strip() == ren.scope:
            raise DomainError(_("Describe the changed scope."), code="scope")
        new_end_date = None
    elif kind == Change.Kind.EXTENSION:
        if new_end_date is None or new_end_date <= ren.end_date:
            raise DomainError(_("The new end date must be after %(end)s.") % {"end": f"{ren.end_date:%Y-%m-%d}"},
                              code="date")
        new_scope = ""
    else:
        raise DomainError(_("Choose the kind of change."), code="kind")
    ch = Change.objects.create(site_id=ren.site_id, renovation=ren, kind=kind, reason=reason.strip(),
                               new_scope=(new_scope or "").strip(), new_end_date=new_end_date, applied_by=actor,
                               applied_at=now)
    deadline_start(subject=ch, code=CHANGE, now=now)
    event(ren, "change_applied", actor=actor, at=now, data={"change": ch.pk, "kind": kind})
    return ch


@transaction.atomic
def change_decide(*, change: Change, approve: bool, note: str = "", actor: User,
                  now: datetime | None = None) -> Change:
    """R-08: the head approves the changed scope before the changed work starts; R-06: an approved extension
    reissues the permit and the passes with the new end date."""
    now = now or timezone.now()
    ch = Change.objects.select_for_update().get(pk=change.pk)
    ren = lock(ch.renovation)
    perm.check_approve(actor, ren.site_id)
    if ch.status != Change.Status.APPLIED:
        raise DomainError(_("This change has been decided."), code="bad_state")
    if not approve and not (note or "").strip():
        raise DomainError(_("Give the reason."), code="reason")
    ch.status = Change.Status.APPROVED if approve else Change.Status.REJECTED
    ch.decided_by, ch.decided_at, ch.decision_note = actor, now, (note or "").strip()[:300]
    ch.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    deadline_stop(subject=ch, code=CHANGE, now=now)
    event(ren, "change_decided", actor=actor, at=now, note=ch.decision_note,
          data={"change": ch.pk, "kind": ch.kind, "approved": approve})
    if approve and ch.kind == Change.Kind.SCOPE:
        ren.scope, ren.plan_version = ch.new_scope, ren.plan_version + 1
        ren.save(update_fields=["scope", "plan_version", "updated_at"])
    if approve and ch.kind == Change.Kind.EXTENSION and ch.new_end_date is not None:
        ren.end_date = ch.new_end_date
        ren.save(update_fields=["end_date", "updated_at"])
        if ren.permit_version:
            permit_issue(renovation=ren, actor=actor, now=now)
    return ch
