"""C-02/C-03 classification and dispatch, take-over, deadline changes, C-05 department notice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from complaints import permissions as perm
from complaints.models import (
    Complaint,
    ComplaintEvent,
    Level,
    Severity,
)
from complaints.services._common import (
    E,
    S,
    _department_people,
    _inform_first_responder,
    _lock,
    _save,
    _staff,
)
from complaints.services.chain import chain_alert, chain_start
from complaints.services.escalation import complaint_escalate
from complaints.services.intake import _register
from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.notifications import notification_queue
from core.roles import Role
from core.service_kit import as_user, require
from estates.actors import Actor
from estates.selectors import users_with_roles


# ---------------------------------------------------------------- C-02 / C-03 classification
def _classify(c: Complaint, *, is_valid: bool, category: str, severity: str, department: Any,
              handling_deadline: datetime | None, cross_department: bool, explanation: str, now: datetime) -> dict:
    if not category:
        raise DomainError(_("Choose a category."), code="category")
    if is_valid:
        if department is None:
            raise DomainError(_("Choose the responsible department."), code="department")
        if department.site_id != c.site_id:
            raise DomainError(_("The department belongs to another site."), code="site")
        if handling_deadline is None or handling_deadline <= now:
            raise DomainError(_("Set a handling deadline in the future."), code="deadline")
    elif not (explanation or "").strip():
        raise DomainError(_("Record the explanation given to the resident."), code="explanation")
    before = {f: str(getattr(c, f) or "") for f in ("is_valid", "category", "severity", "department",
                                                     "handling_deadline", "cross_department")}
    c.is_valid, c.category, c.severity = is_valid, category, severity
    c.department = department if is_valid else department
    c.handling_deadline = handling_deadline if is_valid else None
    c.cross_department = cross_department
    c.invalid_explanation = "" if is_valid else explanation.strip()
    after = {f: str(getattr(c, f) or "") for f in before}
    return {k: [before[k], after[k]] for k in before if before[k] != after[k]}


@transaction.atomic
def complaint_propose(*, complaint: Complaint, actor: Actor | None, is_valid: bool, category: str,
                      severity: str = Severity.NORMAL, department: Any = None,
                      handling_deadline: datetime | None = None, cross_department: bool = False,
                      explanation: str = "", now: datetime | None = None) -> Complaint:
    """C-02: the front desk proposes the classification; the service-center head confirms it."""
    now = now or timezone.now()
    c = _lock(complaint)
    require(perm.can_propose(as_user(actor), c) and can_proceed(c.propose),
             _("The classification cannot be proposed now."))
    changes = _classify(c, is_valid=is_valid, category=category, severity=severity, department=department,
                        handling_deadline=handling_deadline, cross_department=cross_department,
                        explanation=explanation, now=now)
    c.propose(by=_staff(actor), at=now)
    c.save()
    ComplaintEvent.record(c, actor=as_user(actor), kind=E.PROPOSED, at=now, data={"changes": changes},
                          note=c.invalid_explanation)
    heads = users_with_roles(site_id=c.site_id, roles=[Role.CENTER_HEAD])
    notification_queue(recipients=heads, title=_("Confirm the classification of %s") % c.number, body=c.subject,
                       url=c.get_absolute_url(), kind="info", site_id=c.site_id, subject=c,
                       dedupe_key=f"complaint:{c.pk}:propose:{now:%Y%m%d%H%M%S}")
    return c


@transaction.atomic
def complaint_confirm(*, complaint: Complaint, actor: Actor | None, is_valid: bool, category: str,
                      severity: str = Severity.NORMAL, department: Any = None,
                      handling_deadline: datetime | None = None, cross_department: bool = False,
                      explanation: str = "", now: datetime | None = None) -> Complaint:
    """C-02/C-03: the service-center head confirms; valid → dispatched with a deadline, invalid → explained."""
    now = now or timezone.now()
    c = _lock(complaint)
    user = as_user(actor)
    require(perm.can_confirm(user, c), _("Only the service-center head confirms a classification."))
    changes = _classify(c, is_valid=is_valid, category=category, severity=severity, department=department,
                        handling_deadline=handling_deadline, cross_department=cross_department,
                        explanation=explanation, now=now)
    if is_valid:
        require(can_proceed(c.dispatch), _("This complaint cannot be dispatched now."), "state")
        c.dispatch(by=_staff(actor), at=now)
        c.save()
        deadline_stop(subject=c, code="complaint.dispatch", now=now)
        _dispatch_clocks(c, now=now)
        ComplaintEvent.record(c, actor=user, kind=E.DISPATCHED, at=now, data={"changes": changes})
        notification_queue(recipients=_department_people(c), title=_("Complaint dispatched to you: %s") % c.number,
                           body=c.subject, url=c.get_absolute_url(), kind="info", site_id=c.site_id, subject=c,
                           dedupe_key=f"complaint:{c.pk}:dispatch:{c.reopen_count}")
        if c.in_chain and c.chain_started_at is None:  # C-05: classified as emergency/major → chain from now
            c.dept_notified_at = c.dept_notified_at or now  # the dispatch notice below tells the department
            chain_start(c, now=now)
            _save(c, "chain_started_at", "dept_notified_at")
            chain_alert(c, now=now)
        elif c.in_chain or c.cross_department:  # C-06
            complaint_escalate(complaint=c, level=Level.SITE_DIRECTOR, now=now,
                               reason=_("Major or cross-department matter"))
        _inform_first_responder(c, _("classified and dispatched"), key="dispatched")
    else:
        require(can_proceed(c.declare_invalid), _("This complaint cannot be declared invalid now."), "state")
        c.declare_invalid(by=_staff(actor), at=now)
        c.save()
        deadline_stop(subject=c, code="complaint.dispatch", now=now)
        ComplaintEvent.record(c, actor=user, kind=E.INVALID, at=now, note=c.invalid_explanation,
                              data={"changes": changes})
        _inform_first_responder(c, _("declared invalid"), key="invalid")
    return c


def _dispatch_clocks(c: Complaint, *, now: datetime) -> None:
    deadline_start(subject=c, code="complaint.handling", now=now, site_id=c.site_id, due_at=c.handling_deadline)
    deadline_start(subject=c, code="complaint.dept.response", now=now, site_id=c.site_id)  # C-04
    if not c.form_returned_at:
        deadline_start(subject=c, code="complaint.form.return", now=now, site_id=c.site_id)  # C-04


@transaction.atomic
def complaint_take_over(*, complaint: Complaint, actor: Actor | None, department: Any, handling_deadline: datetime,
                        note: str = "", now: datetime | None = None) -> Complaint:
    """C-03: the resident is not persuaded; the department head takes the invalid complaint over."""
    now = now or timezone.now()
    c = _lock(complaint)
    require(perm.can_take_over(as_user(actor), c) and can_proceed(c.take_over),
             _("Only a department head can take over an invalid complaint."))
    if department is None or department.site_id != c.site_id:
        raise DomainError(_("Choose the responsible department."), code="department")
    if handling_deadline is None or handling_deadline <= now:
        raise DomainError(_("Set a handling deadline in the future."), code="deadline")
    c.take_over()
    c.department, c.handling_deadline = department, handling_deadline
    c.save()
    _dispatch_clocks(c, now=now)
    ComplaintEvent.record(c, actor=as_user(actor), kind=E.TAKEN_OVER, note=note, at=now,
                          data={"department": department.name})
    return c


@transaction.atomic
def complaint_set_deadline(*, complaint: Complaint, actor: Actor | None, handling_deadline: datetime, note: str = "",
                           now: datetime | None = None) -> Complaint:
    """A new handling deadline (after a reopen or a 'will be late' answer), set by the head."""
    now = now or timezone.now()
    c = _lock(complaint)
    require(perm.can_confirm(as_user(actor), c) or perm.can_take_over(as_user(actor), c),
             _("Only the service-center head sets a new deadline."))
    require(c.status == S.DISPATCHED, _("Only a complaint with the department has a handling deadline."), "state")
    if handling_deadline is None or handling_deadline <= now:
        raise DomainError(_("Set a handling deadline in the future."), code="deadline")
    old = c.handling_deadline
    c.handling_deadline = handling_deadline
    _save(c, "handling_deadline")
    deadline_start(subject=c, code="complaint.handling", now=now, site_id=c.site_id, due_at=handling_deadline)
    ComplaintEvent.record(c, actor=as_user(actor), kind=E.NOTE, note=note or _("New handling deadline"), at=now,
                          data={"changes": {"handling_deadline": [str(old or ""), str(handling_deadline)]}})
    return c


# ---------------------------------------------------------------- C-05 emergency
@transaction.atomic
def complaint_notify_department(*, complaint: Complaint, actor: Actor | None, department: Any, category: str = "",
                                note: str = "", now: datetime | None = None) -> Complaint:
    """C-05: the receiver notifies the responsible department of an emergency (within 3 minutes)."""
    now = now or timezone.now()
    c = _lock(complaint)
    user = as_user(actor)
    require(perm.can_notify_department(user, c) and c.is_open, _("You cannot notify a department now."))
    if department is None or department.site_id != c.site_id:
        raise DomainError(_("Choose the responsible department."), code="department")
    c.department = department
    c.dept_notified_at = now
    if c.status == S.RECEIVED:
        _register(c, staff=_staff(actor), now=now)
    if c.in_chain and can_proceed(c.dispatch):
        c.is_valid = True
        c.category = c.category or category or "other"
        c.dispatch(by=_staff(actor), at=now)
        deadline_stop(subject=c, code="complaint.dispatch", now=now)
        deadline_start(subject=c, code="complaint.dept.response", now=now, site_id=c.site_id)
        deadline_start(subject=c, code="complaint.form.return", now=now, site_id=c.site_id)
    c.save()
    deadline_stop(subject=c, code="complaint.emergency.notify", now=now)
    ComplaintEvent.record(c, actor=user, kind=E.DEPT_NOTIFIED, note=note, at=now,
                          data={"department": department.name})
    notification_queue(recipients=_department_people(c), title=_("EMERGENCY complaint %s") % c.number,
                       body=c.subject, url=c.get_absolute_url(), kind="alert", site_id=c.site_id, subject=c,
                       requires_ack=True, dedupe_key=f"complaint:{c.pk}:deptnotify:{department.pk}")
    return c
