"""C-09 callback: the callbacks task, the quick callback and its outcome."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callbacks.selectors import callback_open_for
from callbacks.services import callback_attempt_record, callback_request
from complaints import permissions as perm
from complaints.models import (
    Complaint,
    ComplaintEvent,
    Reminder,
)
from complaints.services._common import (
    E,
    S,
    _department_people,
    _front_desk,
    _inform_first_responder,
    _lock,
)
from complaints.services.escalation import complaint_escalate
from core.deadlines import deadline_running, deadline_start, deadline_stop
from core.errors import DomainError
from core.notifications import notification_queue
from core.roles import Role
from core.service_kit import as_user, require
from estates.actors import Actor

log = logging.getLogger(__name__)


def _request_callback(c: Complaint, *, now: datetime, actor: Actor | None = None) -> bool:
    """C-09 / CB-01: the callbacks app owns the callback task and its `complaint.callback` clock."""
    try:
        with transaction.atomic():
            callback_request(subject=c, site_id=c.site_id, kind="complaint", policy_code="complaint.callback",
                             now=now, actor=as_user(actor) if actor else None, unit=c.unit, resident=c.resident,
                             resident_name=c.complainant_name, phone=c.phone, summary=c.subject,
                             department_report=c.handling_result)
    except DomainError:  # the complaint keeps its own callback clock instead
        log.warning("callback request for complaint %s refused", c.pk, exc_info=True)
        return False
    return True


def open_callback(c: Complaint) -> Any:
    return callback_open_for(c, kind="complaint")


def callback_deadline(c: Complaint) -> Any:
    """The running complaint.callback clock: on the callbacks task, or on the complaint itself."""
    cb = open_callback(c)
    return deadline_running(cb if cb is not None else c, "complaint.callback")


@transaction.atomic
def complaint_callback_record(*, complaint: Complaint, actor: Actor | None, result: str, number_dialled: str = "",
                              note: str = "", now: datetime | None = None) -> Complaint:
    """The complaint page's quick callback: recorded on the callbacks task (whose outcome handler then
    closes or reopens the complaint), or directly when there is no task."""
    now = now or timezone.now()
    require(perm.can_record_callback(as_user(actor), complaint), _("You cannot record the callback."))
    cb = open_callback(complaint)
    if cb is not None:
        callback_attempt_record(callback=cb, actor=as_user(actor), method="phone", result=result,
                                number_dialled=number_dialled or complaint.phone or cb.phone, comment=note,
                                now=now)
    elif result in ("satisfied", "basically", "unsatisfied"):
        complaint_callback_outcome(complaint=complaint, satisfied=result != "unsatisfied", actor=actor, note=note,
                                   now=now)
    else:
        ComplaintEvent.record(complaint, actor=as_user(actor), kind=E.NOTE, note=note or result, at=now)
    complaint.refresh_from_db()
    return complaint


def complaint_close(c: Complaint, *, now: datetime, actor: Actor | None = None, note: str = "") -> None:
    """Close and file a handled complaint (the caller holds the lock); every late one gets its inquiry (C-07)."""
    c.close(at=now)
    c.save()
    ComplaintEvent.record(c, actor=as_user(actor) if actor else None, kind=E.CLOSED, note=note, at=now)
    _inform_first_responder(c, _("closed"), key="closed")
    if c.was_late:  # C-07 inquiry for every late complaint
        Reminder.objects.get_or_create(complaint=c, kind=Reminder.Kind.INQUIRY, automatic=True,
                                       deadline_code="closure",
                                       defaults={"department": c.department, "issued_at": now})
        notification_queue(recipients=_front_desk(c.site_id) + _department_people(c, roles=(
            Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR)),
            title=_("Inquiry (洽办单) due: %s was late") % c.number, url=c.get_absolute_url(),
            kind="reminder", site_id=c.site_id, subject=c, dedupe_key=f"complaint:{c.pk}:inquiry")


# ---------------------------------------------------------------- C-09 callback outcome
@transaction.atomic
def complaint_callback_outcome(*, complaint: Complaint, satisfied: bool, actor: Actor | None = None, note: str = "",
                               now: datetime | None = None) -> Complaint:
    """C-09: satisfied → closed and filed; unsatisfied → reopened and escalated one level."""
    now = now or timezone.now()
    c = _lock(complaint)
    if actor is not None:
        require(perm.can_record_callback(as_user(actor), c), _("You cannot record the callback."))
    require(c.status == S.HANDLED, _("Only a handled complaint gets a callback."), "state")
    deadline_stop(subject=c, code="complaint.callback", now=now)
    if satisfied:
        if not (c.cause_recorded and c.reply_recorded):  # C-13: closes once both are recorded
            c.callback_satisfied_at = now
            c.save(update_fields=["callback_satisfied_at", "updated_at"])
            ComplaintEvent.record(c, actor=as_user(actor) if actor else None, kind=E.NOTE, at=now,
                                  note=_("Callback satisfied. The complaint closes when its cause, corrective "
                                         "action and written reply are recorded.") + (f" {note}" if note else ""))
            notification_queue(recipients=_front_desk(c.site_id) + _department_people(c, roles=(
                Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR)),
                title=_("%s: record the cause and the written reply to close it") % c.number,
                url=c.get_absolute_url(), kind="reminder", site_id=c.site_id, subject=c,
                dedupe_key=f"complaint:{c.pk}:c13:{c.reopen_count}")
            return c
        complaint_close(c, now=now, actor=actor, note=note)
        return c
    c.callback_satisfied_at = None
    c.reopen()
    c.save()
    ComplaintEvent.record(c, actor=as_user(actor) if actor else None, kind=E.REOPENED, note=note, at=now)
    deadline_start(subject=c, code="complaint.dept.response", now=now, site_id=c.site_id)
    complaint_escalate(complaint=c, reason=_("Unsatisfied callback"), now=now, actor=actor)
    notification_queue(recipients=_department_people(c), title=_("Complaint reopened: %s") % c.number,
                       body=note, url=c.get_absolute_url(), kind="alert", site_id=c.site_id, subject=c,
                       dedupe_key=f"complaint:{c.pk}:reopen:{c.reopen_count}")
    return c
