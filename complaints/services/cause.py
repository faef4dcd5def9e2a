"""C-13: before a complaint closes, its cause with a corrective or preventive action (owner, due date,
done, verified) and the written reply to the resident (text, date, how delivered) are recorded.

A satisfied callback on a complaint whose records are incomplete does not close it: the complaint waits
(`callback_satisfied_at`) and closes when the last of them is recorded."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import permissions as perm
from complaints.models import Cause, Complaint, ComplaintEvent, ReplyMethod
from complaints.services._common import E, S, _lock, _save, _staff
from complaints.services.callback import complaint_close
from core.deadlines import deadline_stop
from core.errors import DomainError
from core.mail import single_line
from core.service_kit import as_user, require
from estates.actors import Actor

RECORDABLE = (S.DISPATCHED, S.FINISHED, S.HANDLED)


def _text(value: str, code: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, code=code)
    return value


def _close_if_ready(c: Complaint, *, now: datetime, actor: Actor | None) -> None:
    if c.status == S.HANDLED and c.callback_satisfied_at and c.cause_recorded and c.reply_recorded:
        complaint_close(c, now=now, actor=actor, note=_("Cause, action and written reply recorded."))


@transaction.atomic
def complaint_cause_record(*, complaint: Complaint, actor: Actor | None, cause_kind: str, cause: str,
                           corrective_action: str, action_owner: Any, action_due: date,
                           now: datetime | None = None) -> Complaint:
    """C-13: the cause and the corrective or preventive action with its owner and due date."""
    now = now or timezone.now()
    c = _lock(complaint)
    user = as_user(actor)
    require(perm.can_work(user, c) and c.kind == Complaint.Kind.COMPLAINT, _("You cannot record the cause."))
    require(c.status in RECORDABLE, _("The cause is recorded while the complaint is being handled."), "state")
    if cause_kind not in Cause.values:
        raise DomainError(_("Choose the kind of cause."), code="cause_kind")
    cause = _text(cause, "cause", _("Describe the cause."))
    corrective_action = _text(corrective_action, "corrective_action",
                              _("Describe the corrective or preventive action."))
    if action_owner is None or action_owner.site_id != c.site_id or not action_owner.is_active:
        raise DomainError(_("Choose who owns the action (staff of this site)."), code="action_owner")
    if action_due is None or action_due < timezone.localdate(c.received_at):
        raise DomainError(_("The action's due date cannot be before the complaint was received."), code="action_due")
    before = {"cause_kind": c.cause_kind, "cause": c.cause, "corrective_action": c.corrective_action,
              "action_owner": c.action_owner.name if c.action_owner is not None else "",
              "action_due": str(c.action_due or "")}
    c.cause_kind, c.cause, c.corrective_action = cause_kind, cause, corrective_action
    c.action_owner, c.action_due = action_owner, action_due
    _save(c, "cause_kind", "cause", "corrective_action", "action_owner", "action_due")
    after = {"cause_kind": cause_kind, "cause": cause, "corrective_action": corrective_action,
             "action_owner": action_owner.name, "action_due": str(action_due)}
    deadline_stop(subject=c, code="complaint.cause", now=now)
    ComplaintEvent.record(c, actor=user, kind=E.CAUSE, note=cause, at=now,
                          data={"changes": {k: [before[k], after[k]] for k in after if before[k] != after[k]}})
    _close_if_ready(c, now=now, actor=actor)
    return c


@transaction.atomic
def complaint_action_done(*, complaint: Complaint, actor: Actor | None, note: str = "", now: datetime | None = None
                          ) -> Complaint:
    """C-13: the action's owner (or the department) reports it done."""
    now = now or timezone.now()
    c = _lock(complaint)
    user = as_user(actor)
    staff = _staff(actor)
    owner = staff is not None and staff.pk == c.action_owner_id
    require((owner and perm.can_see(user, c)) or perm.can_work(user, c), _("You cannot report this action done."))
    require(c.cause_recorded and c.action_done_at is None, _("There is no open action to report done."), "state")
    c.action_done_at = now
    _save(c, "action_done_at")
    ComplaintEvent.record(c, actor=user, kind=E.ACTION_DONE, note=note, at=now)
    return c


@transaction.atomic
def complaint_action_verify(*, complaint: Complaint, actor: Actor | None, note: str = "", now: datetime | None = None
                            ) -> Complaint:
    """C-13: a supervisor other than the action's owner verifies it."""
    now = now or timezone.now()
    c = _lock(complaint)
    user = as_user(actor)
    staff = _staff(actor)
    require(perm.can_verify(user, c), _("Only a supervisor verifies the action."))
    require(c.action_done_at is not None and c.action_verified_at is None,
            _("The action must be reported done first."), "state")
    require(staff is None or staff.pk != c.action_owner_id, _("The action's owner cannot verify it."), "same_person")
    c.action_verified_at, c.action_verified_by = now, staff
    _save(c, "action_verified_at", "action_verified_by")
    ComplaintEvent.record(c, actor=user, kind=E.ACTION_VERIFIED, note=note, at=now)
    return c


@transaction.atomic
def complaint_reply_record(*, complaint: Complaint, actor: Actor | None, reply_text: str, reply_on: date,
                           reply_method: str, now: datetime | None = None) -> Complaint:
    """C-13: the written reply (书面回复) given to the resident: text, date, how it was delivered."""
    now = now or timezone.now()
    c = _lock(complaint)
    user = as_user(actor)
    require(perm.can_remind(user, c) and c.kind == Complaint.Kind.COMPLAINT, _("You cannot record the written reply."))
    require(c.status in RECORDABLE, _("The written reply is recorded before the complaint closes."), "state")
    reply_text = _text(reply_text, "reply_text", _("Write the text of the reply."))
    if reply_method not in ReplyMethod.values:
        raise DomainError(_("Choose how the reply was delivered."), code="reply_method")
    if reply_on is None or reply_on > timezone.localdate(now) or reply_on < timezone.localdate(c.received_at):
        raise DomainError(_("The reply date must be between the complaint's receipt and today."), code="reply_on")
    c.reply_text, c.reply_on, c.reply_method = reply_text, reply_on, reply_method
    c.reply_recorded_by = _staff(actor)
    _save(c, "reply_text", "reply_on", "reply_method", "reply_recorded_by")
    ComplaintEvent.record(c, actor=user, kind=E.WRITTEN_REPLY, note=single_line(reply_text)[:200], at=now,
                          data={"date": str(reply_on), "method": reply_method})
    _close_if_ready(c, now=now, actor=actor)
    return c
