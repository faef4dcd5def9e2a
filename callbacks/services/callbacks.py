"""Callback tasks: request (CB-01), attempts (CB-02), site check (CB-03), outcome hook."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from callbacks.hooks import outcome_run
from callbacks.models import MAX_UNREACHABLE_ATTEMPTS, Callback, CallbackAttempt, CallbackEvent, Method, Result
from callbacks.permissions import can_check_mismatch, can_manage_callbacks, can_work_callback
from core.deadlines import deadline_cancel, deadline_start, deadline_stop
from core.errors import DomainError
from core.notifications import notification_queue
from core.roles import Role
from core.service_kit import as_user
from estates.actors import Actor
from estates.selectors import users_with_roles


def default_assignee(*, site_id: int, unit: Any = None) -> Any:
    """The zone staff (片区客服) of the unit's zone; else the zone manager; else None (site queue)."""

    zone_id = getattr(getattr(unit, "building", None), "zone_id", None) if unit is not None else None
    if zone_id is None:
        return None
    User = get_user_model()
    for role in (Role.ZONE_STAFF, Role.ZONE_MANAGER):
        user = (User.objects.filter(is_active=True, groups__name=role, staff__site_id=site_id,
                                    staff__zone_id=zone_id, staff__is_active=True).order_by("pk").first())
        if user is not None:
            return user
    return None


@transaction.atomic
def callback_request(*, subject: Any, site_id: int, kind: str, policy_code: str, now: datetime | None = None,
                     actor: Actor | None = None, unit: Any = None, resident: Any = None, resident_name: str = "",
                     phone: str = "", summary: str = "", department_report: str = "",
                     assigned_to: Any = None, due_at: datetime | None = None) -> Callback:
    """SPEC CB-01: create the callback task and start its clock `policy_code` on the Callback.

    ticket.callback = 1 working day from the receipt's return, complaint.callback = 2 working days
    from handling. An open callback of the same kind about the same subject is returned as is
    (calling twice does not double the task). `policy_code=""` creates a task without a clock.
    """
    now = now or timezone.now()
    ct = ContentType.objects.get_for_model(subject, for_concrete_model=True)
    existing = (Callback.objects.select_for_update()
                .filter(subject_type=ct, subject_id=subject.pk, kind=kind,
                        status__in=[Callback.Status.OPEN, Callback.Status.MISMATCH_CHECK]).first())
    if existing is not None:
        return existing
    if resident is not None:
        unit = unit or resident.unit
        resident_name = resident_name or resident.name
        phone = phone or resident.phone
    if unit is not None and not resident_name:
        first = unit.residents.filter(is_active=True).order_by("pk").first()
        if first is not None:
            resident = resident or first
            resident_name = first.name
            phone = phone or first.phone
    cb = Callback(site_id=site_id, kind=kind, subject_type=ct, subject_id=subject.pk, policy_code=policy_code,
                  unit=unit, resident=resident, resident_name=resident_name[:60], phone=phone[:30],
                  summary=summary, department_report=department_report,
                  assigned_to=as_user(assigned_to) or default_assignee(site_id=site_id, unit=unit))
    cb.save()
    if policy_code:
        deadline = deadline_start(subject=cb, code=policy_code, now=now, site_id=site_id, due_at=due_at)
        cb.due_at = deadline.due_at
        cb.save(update_fields=["due_at", "updated_at"])
    elif due_at is not None:
        cb.due_at = due_at
        cb.save(update_fields=["due_at", "updated_at"])
    CallbackEvent.record(cb, actor=as_user(actor), kind=CallbackEvent.Kind.CREATED, at=now,
                         data={"subject": f"{ct.app_label}.{ct.model}:{subject.pk}", "policy": policy_code})
    return cb


def _locked(callback: Callback) -> Callback:
    return Callback.objects.select_for_update().get(pk=callback.pk)


def _outcome(cb: Callback, *, result: str, now: datetime, actor: User | None) -> None:
    """Run the subject app's outcome handler exactly once (guarded by `outcome_at`)."""
    if cb.outcome_at is not None:
        return
    cb.outcome_at = now
    cb.save(update_fields=["outcome_at", "updated_at"])
    outcome_run(callback=cb, result=result, now=now, actor=actor)


def _finish(cb: Callback, *, result: str, now: datetime, actor: User | None, note: str = "") -> None:
    cb.finish(result=result, at=now, by=actor)
    cb.save(update_fields=["status", "result", "answered_at", "closed_at", "closed_by", "updated_at"])
    CallbackEvent.record(cb, actor=actor, kind=CallbackEvent.Kind.DONE, at=now, note=note,
                         data={"result": result})
    _outcome(cb, result=result, now=now, actor=actor)


@transaction.atomic
def callback_attempt_record(*, callback: Callback, actor: Actor | None, method: str, result: str,
                            number_dialled: str = "", comment: str = "", now: datetime | None = None,
                            signed_on_paper: bool = False, signer_name: str = "", signature: str = "",
                            mismatch: bool = False, mismatch_note: str = "") -> CallbackAttempt:
    """SPEC CB-02 / CB-03: record one attempt.

    unreachable → the attempt is counted; the third closes the task as unreachable (with the reason).
    a result → the task is done and the subject's outcome handler runs, unless the caller flags that
    the resident's account differs from the department's report: then the zone manager must check on
    site and record the finding before the task closes (CB-03).
    """
    now = now or timezone.now()
    actor = as_user(actor)
    cb = _locked(callback)
    if actor is None or not can_work_callback(actor, cb):
        raise DomainError(_("You may not record callbacks of this site."), code="not_allowed")
    if cb.status != Callback.Status.OPEN:
        raise DomainError(_("This callback is not open."), code="not_open")
    if method not in Method.values:
        raise DomainError(_("Choose how the resident was contacted."), code="method")
    if result not in Result.values:
        raise DomainError(_("Choose a result."), code="result")
    number_dialled = number_dialled.strip()
    if method == Method.PHONE and not number_dialled:
        raise DomainError(_("Enter the number dialled."), code="number_required")
    if method == Method.VISIT and result != Result.UNREACHABLE and not (
            (signed_on_paper and signer_name.strip()) or signature):
        raise DomainError(_("An on-site visit needs the resident's signature (signed on paper with the "
                            "signer's name, or drawn)."), code="signature_required")
    if cb.in_person_required and result != Result.UNREACHABLE and method != Method.VISIT:
        # SPEC CB-06: this sampled re-visit belongs to the in-person share
        raise DomainError(_("This re-visit must be made in person with the resident's signature."),
                          code="in_person_required")
    if mismatch and result == Result.UNREACHABLE:
        raise DomainError(_("A site check needs the resident's account: the resident was not reached."),
                          code="mismatch_unreachable")
    if mismatch and not mismatch_note.strip():
        raise DomainError(_("Describe how the resident's account differs from the department's report."),
                          code="mismatch_note")
    attempt = CallbackAttempt.objects.create(
        callback=cb, method=method, number_dialled=number_dialled[:30], at=now, staff=actor, result=result,
        comment=comment, signed_on_paper=signed_on_paper, signer_name=signer_name.strip()[:60],
        signature=signature)
    cb.attempts += 1
    cb.save(update_fields=["attempts", "updated_at"])
    CallbackEvent.record(cb, actor=actor, kind=CallbackEvent.Kind.ATTEMPT, at=now, note=comment,
                         data={"method": method, "number": number_dialled, "result": result,
                               "attempt": cb.attempts})
    if result == Result.UNREACHABLE:
        if cb.attempts >= MAX_UNREACHABLE_ATTEMPTS:
            reason = _("Unreachable after %(n)d attempts") % {"n": cb.attempts}
            if comment:
                reason = f"{reason}: {comment}"
            cb.close_unreachable(reason=reason, at=now, by=actor)
            cb.save(update_fields=["status", "result", "answered_at", "closed_at", "closed_by", "close_reason",
                                   "updated_at"])
            deadline_stop(subject=cb, code=cb.policy_code, now=now) if cb.policy_code else None
            CallbackEvent.record(cb, actor=actor, kind=CallbackEvent.Kind.UNREACHABLE, at=now, note=reason)
            _outcome(cb, result=Result.UNREACHABLE, now=now, actor=actor)
        return attempt
    # the resident was reached: the callback itself was made in time or not
    if cb.policy_code:
        deadline_stop(subject=cb, code=cb.policy_code, now=now)
    if mismatch:
        checker = _zone_manager(cb)
        cb.to_mismatch_check(result=result, note=mismatch_note.strip(), checker=checker, at=now)
        cb.save(update_fields=["status", "result", "mismatch_note", "mismatch_checker", "answered_at",
                               "updated_at"])
        CallbackEvent.record(cb, actor=actor, kind=CallbackEvent.Kind.MISMATCH, at=now, note=mismatch_note,
                             data={"checker": getattr(checker, "pk", None)})
        recipients = [checker] if checker is not None else []
        if not recipients:

            recipients = list(users_with_roles(site_id=cb.site_id, roles=[Role.ZONE_MANAGER, Role.CS_SUPERVISOR]))
        notification_queue(recipients=recipients, kind="alert", site_id=cb.site_id, subject=cb,
                           title=_("Site check needed: %(unit)s") % {"unit": cb.unit or cb.resident_name},
                           body=mismatch_note, url=cb.get_absolute_url(), dedupe_key=f"callback:{cb.pk}:mismatch")
        return attempt
    _finish(cb, result=result, now=now, actor=actor)
    return attempt


@transaction.atomic
def callback_site_check_request(*, callback: Callback, note: str, now: datetime | None = None,
                                actor: Actor | None = None) -> Callback:
    """SPEC CB-03 / C-06 before the call (issue 22): the resident said online that the work is unsatisfactory,
    so the account already differs from the department's report. The zone manager is sent to check on site
    now and the CS supervisor (one level up) is told; the callback stays open so the phone callback (CB-01)
    still happens, and its page shows the resident's account (`mismatch_note`) to the caller."""
    now = now or timezone.now()
    cb = _locked(callback)
    if cb.status != Callback.Status.OPEN:
        return cb
    checker = _zone_manager(cb)
    cb.mismatch_note = note.strip()
    cb.mismatch_checker = checker
    cb.save(update_fields=["mismatch_note", "mismatch_checker", "updated_at"])
    CallbackEvent.record(cb, actor=as_user(actor), kind=CallbackEvent.Kind.MISMATCH, at=now, note=note,
                         data={"checker": getattr(checker, "pk", None), "online": True})
    recipients = [checker, *users_with_roles(site_id=cb.site_id, roles=[Role.CS_SUPERVISOR])]
    if checker is None:
        recipients += list(users_with_roles(site_id=cb.site_id, roles=[Role.ZONE_MANAGER]))
    notification_queue(recipients=recipients, kind="alert", site_id=cb.site_id, subject=cb,
                       title=_("Site check needed: %(unit)s") % {"unit": cb.unit or cb.resident_name},
                       body=note, url=cb.get_absolute_url(), dedupe_key=f"callback:{cb.pk}:online-unsatisfied")
    return cb


def _zone_manager(cb: Callback) -> Any:
    zone = getattr(getattr(cb.unit, "building", None), "zone", None) if cb.unit_id else None
    if zone is not None and zone.manager_id:
        return zone.manager.user
    return None


@transaction.atomic
def callback_mismatch_finding_record(*, callback: Callback, actor: Actor | None, finding: str,
                                     now: datetime | None = None) -> Callback:
    """SPEC CB-03: the zone manager's finding on site; only then the callback closes."""
    now = now or timezone.now()
    actor = as_user(actor)
    cb = _locked(callback)
    if cb.status != Callback.Status.MISMATCH_CHECK:
        raise DomainError(_("No site check is pending for this callback."), code="no_check")
    if not can_check_mismatch(actor, cb):
        raise DomainError(_("Only the zone manager (or a supervisor) records the site check."),
                          code="not_allowed")
    if not finding.strip():
        raise DomainError(_("Record what the site check found."), code="finding_required")
    cb.mismatch_finding = finding.strip()
    cb.mismatch_checked_at = now
    cb.mismatch_checker = actor
    cb.save(update_fields=["mismatch_finding", "mismatch_checked_at", "mismatch_checker", "updated_at"])
    CallbackEvent.record(cb, actor=actor, kind=CallbackEvent.Kind.FINDING, at=now, note=finding)
    _finish(cb, result=cb.result, now=now, actor=actor)
    return cb


@transaction.atomic
def callback_cancel(*, callback: Callback, actor: Actor | None, reason: str, now: datetime | None = None) -> Callback:
    """No longer needed (e.g. the work order was cancelled). Reason required; the clock is cancelled."""
    now = now or timezone.now()
    actor = as_user(actor)
    cb = _locked(callback)
    if not can_manage_callbacks(actor, cb.site_id):  # issue 14.2: the service asks the predicate itself
        raise DomainError(_("Only the site's supervisors cancel callbacks."), code="not_allowed")
    if not reason.strip():
        raise DomainError(_("Give a reason."), code="reason_required")
    if not can_proceed(cb.cancel):
        raise DomainError(_("This callback is already closed."), code="closed")
    cb.cancel(reason=reason.strip(), at=now, by=actor)
    cb.save(update_fields=["status", "closed_at", "closed_by", "close_reason", "updated_at"])
    deadline_cancel(subject=cb, now=now, reason=reason)
    CallbackEvent.record(cb, actor=actor, kind=CallbackEvent.Kind.CANCELLED, at=now, note=reason)
    return cb


@transaction.atomic
def callback_reassign(*, callback: Callback, actor: Actor | None, assignee: Any,
                      now: datetime | None = None) -> Callback:
    now = now or timezone.now()
    actor = as_user(actor)
    cb = _locked(callback)
    if not can_manage_callbacks(actor, cb.site_id):  # issue 14.2
        raise DomainError(_("Only the site's supervisors reassign callbacks."), code="not_allowed")
    if cb.is_closed:
        raise DomainError(_("This callback is already closed."), code="closed")
    before = cb.assigned_to_id
    cb.assigned_to = as_user(assignee)
    cb.save(update_fields=["assigned_to", "updated_at"])
    CallbackEvent.record(cb, actor=actor, kind=CallbackEvent.Kind.REASSIGNED, at=now,
                         data={"changes": {"assigned_to": [before, cb.assigned_to_id]}})
    return cb
