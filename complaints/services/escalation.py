"""C-06 escalation and C-07 reminders and inquiries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import permissions as perm
from complaints.models import (
    Complaint,
    ComplaintEvent,
    Escalation,
    Level,
    Reminder,
)
from complaints.permissions import LEVEL_ROLES
from complaints.services._common import E, S, _department_people, _lock, _staff
from core.errors import DomainError
from core.models import Notification
from core.notifications import notification_queue
from core.roles import Role
from core.service_kit import as_user, require
from estates.actors import Actor
from estates.selectors import users_with_roles


# ---------------------------------------------------------------- C-06 escalation
def escalation_recipients(c: Complaint, level: int) -> list:
    users = list(users_with_roles(site_id=c.site_id, roles=LEVEL_ROLES.get(Level(level), [])))
    if level == Level.CS_SUPERVISOR:  # the responsible department's supervisor is told at the same time
        users += _department_people(c, roles=(Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR))
    return list({u.pk: u for u in users}.values())


def complaint_escalate(*, complaint: Complaint, reason: str, level: int | None = None, now: datetime | None = None,
                       deadline: Any = None, actor: Actor | None = None) -> Escalation | None:
    """C-06: climb to `level` (default: one above the current). Exactly once per level."""
    now = now or timezone.now()
    c = complaint
    target = min(int(level if level is not None else c.level + 1), int(Level.EXECUTIVE))
    if target <= Level.FRONT_DESK:
        return None
    existing = Escalation.objects.filter(complaint=c, level=target).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            esc = Escalation.objects.create(complaint=c, site_id=c.site_id, level=target, reason=reason[:200],
                                            at=now, deadline_code=getattr(deadline, "code", ""))
    except IntegrityError:
        return Escalation.objects.get(complaint=c, level=target)
    recipients = escalation_recipients(c, target)
    esc.notified.set(recipients)
    if target > c.level:
        Complaint.objects.filter(pk=c.pk).update(level=target, updated_at=now)
        c.level = target
    # same key as the engine's generic breach notice: each person is told once per breach
    key = f"deadline:{deadline.pk}:breach" if deadline is not None else f"complaint:{c.pk}:escalation:{target}"
    notification_queue(recipients=recipients, title=_("Complaint escalated to you: %s") % c.number,
                       body=f"{Level(target).label}: {reason}", url=c.get_absolute_url(), kind="escalation",
                       site_id=c.site_id, subject=c, deadline=deadline, requires_ack=True, dedupe_key=key)
    ComplaintEvent.record(c, actor=as_user(actor) if actor else None, kind=E.ESCALATED, note=reason, at=now,
                          data={"level": target, "notified": [u.pk for u in recipients],
                                "deadline": getattr(deadline, "code", "")})
    return esc


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, actor: Actor | None, now: datetime | None = None) -> Escalation:
    """C-06: each level must acknowledge."""
    now = now or timezone.now()
    user = as_user(actor)
    require(user is not None, _("This escalation is not addressed to you."))
    assert user is not None  # for the type checker: require() refused None
    esc = Escalation.objects.select_for_update(of=("self",)).select_related("complaint").get(pk=escalation.pk)
    require(perm.can_acknowledge_escalation(user, esc), _("This escalation is not addressed to you."))
    if esc.acknowledged_at is None:
        esc.acknowledged_at, esc.acknowledged_by = now, user
        esc.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        ComplaintEvent.record(esc.complaint, actor=user, kind=E.ACKNOWLEDGED, at=now, data={"level": esc.level})

    ct = ContentType.objects.get_for_model(Complaint)
    Notification.objects.filter(recipient=user, subject_type=ct, subject_id=esc.complaint_id, requires_ack=True,
                                acknowledged_at__isnull=True).update(acknowledged_at=now, read_at=now)
    return esc


# ---------------------------------------------------------------- C-07 reminders and inquiries
@transaction.atomic
def reminder_issue(*, complaint: Complaint, actor: Actor | None = None, text: str = "", automatic: bool = False,
                   deadline_code: str = "", now: datetime | None = None) -> Reminder:
    """C-07: a reminder (催办单) to the responsible department."""
    now = now or timezone.now()
    c = _lock(complaint)
    if not automatic:
        require(perm.can_remind(as_user(actor), c), _("You cannot issue reminders."))
        require(c.is_open, _("The complaint is closed."), "state")
    if automatic:
        found = Reminder.objects.filter(complaint=c, kind=Reminder.Kind.REMINDER, automatic=True,
                                        deadline_code=deadline_code).first()
        if found:
            return found
    r = Reminder.objects.create(complaint=c, kind=Reminder.Kind.REMINDER, department=c.department, issued_at=now,
                                issued_by=_staff(actor), automatic=automatic, text=text,
                                deadline_code=deadline_code)
    notification_queue(recipients=_department_people(c), title=_("Reminder (催办单): %s") % c.number,
                       body=text or c.subject, url=c.get_absolute_url(), kind="reminder", site_id=c.site_id,
                       subject=c, dedupe_key=f"complaint:reminder:{r.pk}")
    ComplaintEvent.record(c, actor=as_user(actor) if actor else None, kind=E.REMINDER, note=text, at=now,
                          data={"reminder": r.pk, "automatic": automatic})
    return r


@transaction.atomic
def inquiry_record(*, complaint: Complaint, actor: Actor | None, delay_cause: str,
                   now: datetime | None = None) -> Reminder:
    """C-07: after closure every late complaint gets an inquiry (洽办单) recording the cause of delay."""
    now = now or timezone.now()
    c = _lock(complaint)
    require(perm.can_remind(as_user(actor), c) or perm.can_work(as_user(actor), c), _("You cannot record inquiries."))
    require(c.status == S.CLOSED and c.was_late, _("Inquiries are recorded for late complaints after closure."),
             "state")
    if not (delay_cause or "").strip():
        raise DomainError(_("Record the cause of the delay."), code="delay_cause")
    r = Reminder.objects.filter(complaint=c, kind=Reminder.Kind.INQUIRY).first()
    if r is None:
        r = Reminder.objects.create(complaint=c, kind=Reminder.Kind.INQUIRY, department=c.department,
                                    issued_at=now, issued_by=_staff(actor))
    r.delay_cause = delay_cause.strip()
    r.issued_by = r.issued_by or _staff(actor)
    r.save(update_fields=["delay_cause", "issued_by", "updated_at"])
    ComplaintEvent.record(c, actor=as_user(actor), kind=E.INQUIRY, note=r.delay_cause, at=now)
    return r
