"""Reminders (催缴, F-03): a task for the unit's zone staff with a deadline from the policy table
(`fees.reminder`), its outcome recorded; the deadline stops when the outcome is in."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.notifications import notification_queue
from core.roles import Role
from estates.models import Staff, Unit
from fees import permissions
from fees.models import Bill, Reminder

POLICY = "fees.reminder"


def _zone_staff(unit: Unit) -> Staff | None:
    zone_id = unit.building.zone_id
    qs = Staff.objects.filter(site_id=unit.site_id, is_active=True, user__groups__name=Role.ZONE_STAFF)
    return (qs.filter(zone_id=zone_id).order_by("pk").first() if zone_id else None) or qs.order_by("pk").first()


@transaction.atomic
def reminder_create(*, unit: Unit, actor: User, now: datetime | None = None) -> Reminder:
    now = now or timezone.now()
    permissions.check_manage_reminders(actor, unit.site_id)
    owed = Bill.objects.filter(unit=unit, status=Bill.Status.OPEN).aggregate(s=Sum("total"), p=Sum("paid"),
                                                                           oldest=Min("period"))
    if not owed["s"] or owed["s"] - owed["p"] <= 0:
        raise DomainError(_("This unit owes nothing."), code="nothing_owed")
    if Reminder.objects.filter(unit=unit, outcome="").exists():
        raise DomainError(_("This unit already has an open reminder."), code="open_reminder")
    staff = _zone_staff(unit)
    reminder = Reminder.objects.create(site_id=unit.site_id, unit=unit, assigned_to=staff,
                                       amount=owed["s"] - owed["p"], oldest_period=owed["oldest"], created_by=actor)
    deadline_start(subject=reminder, code=POLICY, now=now, site_id=unit.site_id)
    if staff is not None:
        notification_queue(recipients=[staff.user], title=_("Payment reminder: %(unit)s owes %(amount)s")
                           % {"unit": unit.code, "amount": reminder.amount}, url=reminder.get_absolute_url(),
                           site_id=unit.site_id)
    return reminder


@transaction.atomic
def reminder_record_outcome(*, reminder: Reminder, outcome: str, note: str, actor: User,
                            now: datetime | None = None) -> Reminder:
    now = now or timezone.now()
    reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
    permissions.check_reminder_outcome(actor, reminder)
    if outcome not in Reminder.Outcome.values or not outcome:
        raise DomainError(_("Choose the outcome."), code="outcome")
    reminder.outcome, reminder.outcome_note, reminder.done_at = outcome, (note or "")[:200], now
    reminder.save(update_fields=["outcome", "outcome_note", "done_at", "updated_at"])
    deadline_stop(subject=reminder, code=POLICY, now=now)
    return reminder
