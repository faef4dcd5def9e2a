"""Complaint use cases (SPEC §3). Services write: lock, transition, event, clocks, notices."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from complaints import permissions as perm
from complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    ComplaintReport,
    Escalation,
    Level,
    MonthlyAnalysis,
    Reminder,
    Severity,
)
from core.deadlines import deadline_cancel, deadline_running, deadline_start, deadline_stop
from core.errors import DomainError
from core.mail import single_line
from core.models import Notification
from core.notifications import notification_queue
from core.numbering import day_period, number_take
from core.uploads import check_image
from estates.roles import Role, is_company_level
from estates.selectors import users_with_roles

log = logging.getLogger(__name__)

E = ComplaintEvent.Kind
S = Complaint.Status
MAX_PHOTOS = 9
EMERGENCY_CLOCKS = ["complaint.emergency.notify", "complaint.emergency.company", "complaint.emergency.executive"]
LEVEL_ROLES = {
    Level.CS_SUPERVISOR: [Role.CS_SUPERVISOR],
    Level.SITE_DIRECTOR: [Role.SITE_DIRECTOR, Role.CENTER_HEAD],
    Level.COMPANY_LEADER: [Role.COMPANY_LEADER],
    Level.EXECUTIVE: [Role.EXECUTIVE],
}


def _user(actor: Any) -> Any:
    return getattr(actor, "user", actor)


def _staff(actor: Any) -> Any:
    if actor is None:
        return None
    if hasattr(actor, "is_authenticated"):
        return getattr(actor, "staff", None)
    return actor


def _require(ok: bool, message: str, code: str = "not_allowed") -> None:
    if not ok:
        raise DomainError(message, code=code)


def _lock(complaint: Complaint) -> Complaint:
    return (Complaint.objects.select_for_update(of=("self",))
            .select_related("site", "department", "received_by__user").get(pk=complaint.pk))


def _save(c: Complaint, *fields: str) -> None:
    c.save(update_fields=[*fields, "updated_at"])


def _front_desk(site_id: int) -> list:
    return list(users_with_roles(site_id=site_id, roles=[Role.FRONT_DESK, Role.CS_SUPERVISOR]))


def _department_people(c: Complaint, roles: Iterable[str] = (Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR,
                                                              Role.DEPT_STAFF)) -> list:
    if not c.department_id:
        return []
    return list(users_with_roles(site_id=c.site_id, roles=list(roles)).filter(staff__department_id=c.department_id))


def _inform_first_responder(c: Complaint, title: str, *, kind: str = "info", key: str = "") -> None:
    """C-01: the first-responder stays informed until closure."""
    user = c.received_by.user
    notification_queue(recipients=[user], title=f"{c.number} {title}", body=c.subject, url=c.get_absolute_url(),
                       kind=kind, site_id=c.site_id, subject=c,
                       dedupe_key=f"complaint:{c.pk}:fr:{key}" if key else "")


def complaint_number(site: Any, now: datetime) -> str:
    """TS<site code>YYYYMMDD-NNN, gapless per site and day from the shared locked counter (issue 23.1);
    the counter row stays locked until commit, so intake takes it last."""
    period = day_period(now)
    prefix = f"TS{site.code}{period}-"

    def seed() -> int:  # complaints numbered before the shared counter existed
        last = (Complaint.objects.filter(number__startswith=prefix).order_by("-number")
                .values_list("number", flat=True).first())
        return int(last.rsplit("-", 1)[1]) if last else 0

    n = number_take(site_id=site.pk, series="TS", period=period, seed=seed)
    return f"{prefix}{n:03d}"


def photo_check(f: Any) -> Any:
    """X-03 / C-01, issue 13: only pictures, judged by content and re-encoded (core.uploads)."""
    return check_image(f)


# ---------------------------------------------------------------- C-01 intake
@transaction.atomic
def complaint_receive(*, site: Any, actor: Any, subject: str, description: str = "", resident: Any = None,
                      unit: Any = None, address: str = "", phone: str = "", complainant_name: str = "",
                      channel: str = Complaint.Channel.VISIT, severity: str = Severity.NORMAL,
                      kind: str = Complaint.Kind.COMPLAINT, received_at: datetime | None = None,
                      photos: Iterable[Any] = (), now: datetime | None = None) -> Complaint:
    """Any employee records a complaint (C-01) and becomes its first-responder (首问责任人)."""
    now = now or timezone.now()
    staff = _staff(actor)
    user = _user(actor)
    _require(perm.can_receive(user) and staff is not None, _("Only employees can record complaints."))
    _require(staff.site_id == site.pk or is_company_level(user),
             _("You cannot record complaints for another site."))
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, code="photo_count")
    photos = [photo_check(f) for f in photos]
    if resident is not None:
        unit = unit or resident.unit
        complainant_name = complainant_name or resident.name
        phone = phone or resident.phone
        _require(resident.site_id == site.pk, _("The resident lives at another site."), "site")
    if unit is not None:
        _require(unit.site_id == site.pk, _("The unit belongs to another site."), "site")
        address = address or unit.code
    if not (subject or "").strip():
        raise DomainError(_("Enter the subject of the complaint."), code="subject")
    c = Complaint.objects.create(  # a placeholder number until the real one is taken, last
        site=site, number="~" + uuid.uuid4().hex[:20], kind=kind, channel=channel,
        received_at=received_at or now, received_by=staff, resident=resident, unit=unit,
        complainant_name=complainant_name, address=address, phone=phone, subject=single_line(subject),
        description=description, severity=severity)
    for f in photos:
        ComplaintPhoto.objects.create(complaint=c, file=f, uploaded_by=user)
    ComplaintEvent.record(c, actor=user, kind=E.RECEIVED, at=now,
                          data={"severity": severity, "channel": channel, "photos": len(photos)})
    if kind == Complaint.Kind.PRAISE:  # C-11: recorded like a complaint, without a deadline
        c.is_valid = True
        c.register(by=staff, at=now)
        c.close(at=now)
        ComplaintEvent.record(c, actor=user, kind=E.CLOSED, note=_("Praise recorded."), at=now)
        c.number = complaint_number(site, now)
        c.save()
        return c
    front_desk = perm.is_front_desk(user)
    if front_desk:
        _register(c, staff=staff, now=now)
    else:
        deadline_start(subject=c, code="complaint.forward", now=c.received_at, site_id=c.site_id)  # C-01
    if severity == Severity.EMERGENCY:
        _emergency_clocks(c)
    # Issue 23.1/13.11: the number last — its counter row stays locked until commit; only the
    # notices that quote it follow.
    c.number = complaint_number(site, now)
    c.save()
    if not front_desk:
        notification_queue(recipients=_front_desk(c.site_id), title=_("New complaint to register: %s") % c.number,
                           body=c.subject, url=c.get_absolute_url(), kind="info", site_id=c.site_id, subject=c,
                           dedupe_key=f"complaint:{c.pk}:forward")
    if severity == Severity.EMERGENCY:
        _emergency_notify(c, now=now)
        c.save()
    return c


def _register(c: Complaint, *, staff: Any, now: datetime) -> None:
    c.register(by=staff, at=now)
    deadline_stop(subject=c, code="complaint.forward", now=now)
    deadline_start(subject=c, code="complaint.first_contact", now=now, site_id=c.site_id)  # C-12
    deadline_start(subject=c, code="complaint.first_reply", now=now, site_id=c.site_id)  # C-12
    deadline_start(subject=c, code="complaint.dispatch", now=now, site_id=c.site_id)  # C-02
    ComplaintEvent.record(c, actor=staff.user if staff else None, kind=E.REGISTERED, at=now)


def _emergency_clocks(c: Complaint) -> None:
    """C-05: department within 3 min; resolved on site within 5 min of receipt, else the company leader."""
    deadline_start(subject=c, code="complaint.emergency.notify", now=c.received_at, site_id=c.site_id)
    deadline_start(subject=c, code="complaint.emergency.company", now=c.received_at, site_id=c.site_id)


def _emergency_notify(c: Complaint, *, now: datetime) -> None:
    notification_queue(recipients=users_with_roles(site_id=c.site_id, roles=[Role.FRONT_DESK, Role.CENTER_HEAD,
                                                                               Role.SITE_DIRECTOR]),
                       title=_("EMERGENCY complaint %s") % c.number, body=c.subject, url=c.get_absolute_url(),
                       kind="alert", site_id=c.site_id, subject=c, dedupe_key=f"complaint:{c.pk}:emergency")
    # C-06: major matters start at the site director
    complaint_escalate(complaint=c, level=Level.SITE_DIRECTOR, reason=_("Emergency complaint"), now=now)


@transaction.atomic
def complaint_register(*, complaint: Complaint, actor: Any, now: datetime | None = None) -> Complaint:
    """The front desk takes a complaint another employee received (stops the C-01 forward clock)."""
    now = now or timezone.now()
    c = _lock(complaint)
    _require(perm.can_register(_user(actor), c) and can_proceed(c.register),
             _("This complaint cannot be registered now."))
    _register(c, staff=_staff(actor), now=now)
    c.save()
    _inform_first_responder(c, _("taken by the front desk"), key="registered")
    return c


# ---------------------------------------------------------------- C-12 first contact
@transaction.atomic
def complaint_contact(*, complaint: Complaint, actor: Any, note: str = "", reply: bool = False,
                      now: datetime | None = None) -> Complaint:
    now = now or timezone.now()
    c = _lock(complaint)
    _require(perm.can_propose(_user(actor), c) or perm.can_work(_user(actor), c),
             _("You cannot record contact with the complainant."))
    _require(c.status != S.RECEIVED, _("The front desk must take the complaint first."), "state")
    fields = []
    if c.first_contact_at is None:
        c.first_contact_at = now
        fields.append("first_contact_at")
        deadline_stop(subject=c, code="complaint.first_contact", now=now)
    if reply and c.first_reply_at is None:
        c.first_reply_at = now
        fields.append("first_reply_at")
        deadline_stop(subject=c, code="complaint.first_reply", now=now)
    if fields:
        _save(c, *fields)
    ComplaintEvent.record(c, actor=_user(actor), kind=E.REPLIED if reply else E.CONTACTED, note=note, at=now)
    return c


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
def complaint_propose(*, complaint: Complaint, actor: Any, is_valid: bool, category: str,
                      severity: str = Severity.NORMAL, department: Any = None,
                      handling_deadline: datetime | None = None, cross_department: bool = False,
                      explanation: str = "", now: datetime | None = None) -> Complaint:
    """C-02: the front desk proposes the classification; the service-center head confirms it."""
    now = now or timezone.now()
    c = _lock(complaint)
    _require(perm.can_propose(_user(actor), c) and can_proceed(c.propose),
             _("The classification cannot be proposed now."))
    changes = _classify(c, is_valid=is_valid, category=category, severity=severity, department=department,
                        handling_deadline=handling_deadline, cross_department=cross_department,
                        explanation=explanation, now=now)
    c.propose(by=_staff(actor), at=now)
    c.save()
    ComplaintEvent.record(c, actor=_user(actor), kind=E.PROPOSED, at=now, data={"changes": changes},
                          note=c.invalid_explanation)
    heads = users_with_roles(site_id=c.site_id, roles=[Role.CENTER_HEAD])
    notification_queue(recipients=heads, title=_("Confirm the classification of %s") % c.number, body=c.subject,
                       url=c.get_absolute_url(), kind="info", site_id=c.site_id, subject=c,
                       dedupe_key=f"complaint:{c.pk}:propose:{now:%Y%m%d%H%M%S}")
    return c


@transaction.atomic
def complaint_confirm(*, complaint: Complaint, actor: Any, is_valid: bool, category: str,
                      severity: str = Severity.NORMAL, department: Any = None,
                      handling_deadline: datetime | None = None, cross_department: bool = False,
                      explanation: str = "", now: datetime | None = None) -> Complaint:
    """C-02/C-03: the service-center head confirms; valid → dispatched with a deadline, invalid → explained."""
    now = now or timezone.now()
    c = _lock(complaint)
    user = _user(actor)
    _require(perm.can_confirm(user, c), _("Only the service-center head confirms a classification."))
    changes = _classify(c, is_valid=is_valid, category=category, severity=severity, department=department,
                        handling_deadline=handling_deadline, cross_department=cross_department,
                        explanation=explanation, now=now)
    if is_valid:
        _require(can_proceed(c.dispatch), _("This complaint cannot be dispatched now."), "state")
        c.dispatch(by=_staff(actor), at=now)
        c.save()
        deadline_stop(subject=c, code="complaint.dispatch", now=now)
        _dispatch_clocks(c, now=now)
        ComplaintEvent.record(c, actor=user, kind=E.DISPATCHED, at=now, data={"changes": changes})
        notification_queue(recipients=_department_people(c), title=_("Complaint dispatched to you: %s") % c.number,
                           body=c.subject, url=c.get_absolute_url(), kind="info", site_id=c.site_id, subject=c,
                           dedupe_key=f"complaint:{c.pk}:dispatch:{c.reopen_count}")
        if c.severity in (Severity.MAJOR, Severity.EMERGENCY) or c.cross_department:  # C-06
            complaint_escalate(complaint=c, level=Level.SITE_DIRECTOR, now=now,
                               reason=_("Major or cross-department matter"))
        _inform_first_responder(c, _("classified and dispatched"), key="dispatched")
    else:
        _require(can_proceed(c.declare_invalid), _("This complaint cannot be declared invalid now."), "state")
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
def complaint_take_over(*, complaint: Complaint, actor: Any, department: Any, handling_deadline: datetime,
                        note: str = "", now: datetime | None = None) -> Complaint:
    """C-03: the resident is not persuaded; the department head takes the invalid complaint over."""
    now = now or timezone.now()
    c = _lock(complaint)
    _require(perm.can_take_over(_user(actor), c) and can_proceed(c.take_over),
             _("Only a department head can take over an invalid complaint."))
    if department is None or department.site_id != c.site_id:
        raise DomainError(_("Choose the responsible department."), code="department")
    if handling_deadline is None or handling_deadline <= now:
        raise DomainError(_("Set a handling deadline in the future."), code="deadline")
    c.take_over()
    c.department, c.handling_deadline = department, handling_deadline
    c.save()
    _dispatch_clocks(c, now=now)
    ComplaintEvent.record(c, actor=_user(actor), kind=E.TAKEN_OVER, note=note, at=now,
                          data={"department": department.name})
    return c


@transaction.atomic
def complaint_set_deadline(*, complaint: Complaint, actor: Any, handling_deadline: datetime, note: str = "",
                           now: datetime | None = None) -> Complaint:
    """A new handling deadline (after a reopen or a 'will be late' answer), set by the head."""
    now = now or timezone.now()
    c = _lock(complaint)
    _require(perm.can_confirm(_user(actor), c) or perm.can_take_over(_user(actor), c),
             _("Only the service-center head sets a new deadline."))
    _require(c.status == S.DISPATCHED, _("Only a complaint with the department has a handling deadline."), "state")
    if handling_deadline is None or handling_deadline <= now:
        raise DomainError(_("Set a handling deadline in the future."), code="deadline")
    old = c.handling_deadline
    c.handling_deadline = handling_deadline
    _save(c, "handling_deadline")
    deadline_start(subject=c, code="complaint.handling", now=now, site_id=c.site_id, due_at=handling_deadline)
    ComplaintEvent.record(c, actor=_user(actor), kind=E.NOTE, note=note or _("New handling deadline"), at=now,
                          data={"changes": {"handling_deadline": [str(old or ""), str(handling_deadline)]}})
    return c


# ---------------------------------------------------------------- C-05 emergency
@transaction.atomic
def complaint_notify_department(*, complaint: Complaint, actor: Any, department: Any, category: str = "",
                                note: str = "", now: datetime | None = None) -> Complaint:
    """C-05: the receiver notifies the responsible department of an emergency (within 3 minutes)."""
    now = now or timezone.now()
    c = _lock(complaint)
    user = _user(actor)
    _require(perm.can_notify_department(user, c) and c.is_open, _("You cannot notify a department now."))
    if department is None or department.site_id != c.site_id:
        raise DomainError(_("Choose the responsible department."), code="department")
    c.department = department
    c.dept_notified_at = now
    if c.status == S.RECEIVED:
        _register(c, staff=_staff(actor), now=now)
    if c.is_emergency and can_proceed(c.dispatch):
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


@transaction.atomic
def complaint_report_file(*, complaint: Complaint, actor: Any, kind: str, title: str, text: str,
                          now: datetime | None = None) -> ComplaintReport:
    """C-05: written reports in the app, attached to the complaint (stop the 24 h / 48 h clocks)."""
    now = now or timezone.now()
    c = _lock(complaint)
    _require(perm.can_write_report(_user(actor), c), _("You cannot file a report on this complaint."))
    if not (text or "").strip() or not (title or "").strip():
        raise DomainError(_("Write the report's title and text."), code="text")
    report = ComplaintReport.objects.create(complaint=c, kind=kind, author=_staff(actor), title=title.strip(),
                                            text=text.strip(), submitted_at=now)
    code = {ComplaintReport.Kind.COMPANY: "complaint.emergency.report24",
            ComplaintReport.Kind.EXECUTIVE: "complaint.emergency.report48"}.get(kind)
    if code:
        deadline_stop(subject=c, code=code, now=now)
    ComplaintEvent.record(c, actor=_user(actor), kind=E.REPORT, note=report.title, at=now,
                          data={"report": report.pk, "kind": kind})
    return report


# ---------------------------------------------------------------- C-04 department work
@transaction.atomic
def complaint_accept(*, complaint: Complaint, actor: Any, will_be_late: bool = False, late_reason: str = "",
                     expected_at: datetime | None = None, now: datetime | None = None) -> Complaint:
    """C-04: the department answers (within 2 h of dispatch) — on time, or why and when it will be late."""
    now = now or timezone.now()
    c = _lock(complaint)
    _require(perm.can_work(_user(actor), c) and c.status == S.DISPATCHED,
             _("Only the responsible department answers now."))
    if will_be_late and not (late_reason or "").strip():
        raise DomainError(_("Say why it will be late."), code="late_reason")
    c.accepted_at = now
    fields = ["accepted_at"]
    if will_be_late:
        c.late_reason, c.expected_at, c.was_late = late_reason.strip(), expected_at, True
        fields += ["late_reason", "expected_at", "was_late"]
    _save(c, *fields)
    deadline_stop(subject=c, code="complaint.dept.response", now=now)
    ComplaintEvent.record(c, actor=_user(actor), kind=E.LATE if will_be_late else E.ACCEPTED, at=now,
                          note=late_reason, data={"expected_at": str(expected_at or "")})
    if will_be_late:
        notification_queue(recipients=_front_desk(c.site_id), title=_("%s will be late") % c.number,
                           body=late_reason, url=c.get_absolute_url(), kind="reminder", site_id=c.site_id,
                           subject=c, dedupe_key=f"complaint:{c.pk}:late:{now:%Y%m%d%H%M%S}")
    return c


@transaction.atomic
def complaint_finish(*, complaint: Complaint, actor: Any, result: str = "", now: datetime | None = None) -> Complaint:
    """C-04: the department has finished; it must report to the front desk within 2 hours."""
    now = now or timezone.now()
    c = _lock(complaint)
    _require(perm.can_work(_user(actor), c) and can_proceed(c.finish), _("This complaint cannot be finished now."))
    c.finish(at=now)
    if result:
        c.handling_result = result
    c.save()
    deadline_stop(subject=c, code=["complaint.handling", "complaint.dept.response"], now=now)
    deadline_start(subject=c, code="complaint.dept.feedback", now=now, site_id=c.site_id)
    ComplaintEvent.record(c, actor=_user(actor), kind=E.FINISHED, note=result, at=now)
    return c


@transaction.atomic
def complaint_report_handled(*, complaint: Complaint, actor: Any, result: str, now: datetime | None = None
                             ) -> Complaint:
    """C-04 feedback to the front desk (for an emergency: resolved). Starts C-05 verification, C-08 and C-09."""
    now = now or timezone.now()
    c = _lock(complaint)
    _require(perm.can_work(_user(actor), c) and can_proceed(c.report_handled),
             _("This complaint cannot be reported handled now."))
    if not (result or c.handling_result).strip():
        raise DomainError(_("Describe how it was handled."), code="result")
    if c.handling_deadline and now > c.handling_deadline:
        c.was_late = True
    c.report_handled(at=now)
    c.handling_result = result or c.handling_result
    if c.severity in (Severity.MAJOR, Severity.EMERGENCY):
        c.resolved_at = now
    c.save()
    deadline_stop(subject=c, code=["complaint.handling", "complaint.dept.response", "complaint.dept.feedback",
                                   "complaint.emergency.company", "complaint.emergency.executive"], now=now)
    deadline_cancel(subject=c, code="complaint.emergency.notify", now=now, reason="resolved")
    ComplaintEvent.record(c, actor=_user(actor), kind=E.RESOLVED if c.is_emergency else E.HANDLED,
                          note=c.handling_result, at=now)
    if c.resolved_at:  # C-05: verification within 8 h
        deadline_start(subject=c, code="complaint.verify", now=now, site_id=c.site_id)
    # C-08: the first-responder is told (the clock stops when they acknowledge)
    deadline_start(subject=c, code="complaint.first_responder", now=now, site_id=c.site_id)
    _inform_first_responder(c, _("has been handled"), kind="reminder", key=f"handled:{c.reopen_count}")
    # C-09: callback within 2 working days (on the callbacks task when that app is installed)
    if not _request_callback(c, now=now, actor=actor):
        deadline_start(subject=c, code="complaint.callback", now=now, site_id=c.site_id)
    c.callback_requested_at = now
    _save(c, "callback_requested_at")
    ComplaintEvent.record(c, kind=E.CALLBACK_REQUESTED, at=now)
    return c


def _request_callback(c: Complaint, *, now: datetime, actor: Any = None) -> bool:
    """C-09 / CB-01: the callbacks app owns the callback task and its `complaint.callback` clock."""
    try:
        from callbacks.services import callback_request  # noqa: PLC0415
    except ImportError:
        return False
    try:
        with transaction.atomic():
            callback_request(subject=c, site_id=c.site_id, kind="complaint", policy_code="complaint.callback",
                             now=now, actor=_user(actor) if actor else None, unit=c.unit, resident=c.resident,
                             resident_name=c.complainant_name, phone=c.phone, summary=c.subject,
                             department_report=c.handling_result)
    except DomainError:  # the complaint keeps its own callback clock instead
        log.warning("callback request for complaint %s refused", c.pk, exc_info=True)
        return False
    return True


def open_callback(c: Complaint) -> Any:
    try:
        from callbacks.models import Callback  # noqa: PLC0415
    except ImportError:
        return None
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Complaint)
    return Callback.objects.filter(subject_type=ct, subject_id=c.pk, kind="complaint",
                                   status=Callback.Status.OPEN).first()


def callback_deadline(c: Complaint) -> Any:
    """The running complaint.callback clock: on the callbacks task, or on the complaint itself."""
    cb = open_callback(c)
    return deadline_running(cb if cb is not None else c, "complaint.callback")


@transaction.atomic
def complaint_callback_record(*, complaint: Complaint, actor: Any, result: str, number_dialled: str = "",
                              note: str = "", now: datetime | None = None) -> Complaint:
    """The complaint page's quick callback: recorded on the callbacks task (whose outcome handler then
    closes or reopens the complaint), or directly when there is no task."""
    now = now or timezone.now()
    _require(perm.can_record_callback(_user(actor), complaint), _("You cannot record the callback."))
    cb = open_callback(complaint)
    if cb is not None:
        from callbacks.services import callback_attempt_record  # noqa: PLC0415

        callback_attempt_record(callback=cb, actor=_user(actor), method="phone", result=result,
                                number_dialled=number_dialled or complaint.phone or cb.phone, comment=note,
                                now=now)
    elif result in ("satisfied", "basically", "unsatisfied"):
        complaint_callback_outcome(complaint=complaint, satisfied=result != "unsatisfied", actor=actor, note=note,
                                   now=now)
    else:
        ComplaintEvent.record(complaint, actor=_user(actor), kind=E.NOTE, note=note or result, at=now)
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def complaint_first_responder_ack(*, complaint: Complaint, actor: Any, now: datetime | None = None) -> Complaint:
    """C-08: the first-responder confirms being told of the result."""
    now = now or timezone.now()
    c = _lock(complaint)
    user = _user(actor)
    _require(c.received_by.user_id == user.pk or perm.can_remind(user, c), _("Only the first-responder confirms."))
    c.first_responder_told_at = c.first_responder_told_at or now
    _save(c, "first_responder_told_at")
    deadline_stop(subject=c, code="complaint.first_responder", now=now)
    ComplaintEvent.record(c, actor=user, kind=E.FIRST_RESPONDER, at=now)
    return c


@transaction.atomic
def complaint_verify(*, complaint: Complaint, actor: Any, note: str = "", now: datetime | None = None) -> Complaint:
    """C-05: the developer's CS and the company verify the resolution within 8 hours."""
    now = now or timezone.now()
    c = _lock(complaint)
    _require(perm.can_verify(_user(actor), c) and c.resolved_at is not None and c.verified_at is None,
             _("This resolution cannot be verified now."))
    c.verified_at, c.verified_by = now, _staff(actor)
    _save(c, "verified_at", "verified_by")
    deadline_stop(subject=c, code="complaint.verify", now=now)
    ComplaintEvent.record(c, actor=_user(actor), kind=E.VERIFIED, note=note, at=now)
    return c


@transaction.atomic
def complaint_form_return(*, complaint: Complaint, actor: Any, returned: bool = True, reason: str = "",
                          now: datetime | None = None) -> Complaint:
    """C-04: the written complaint form back within 3 working days, or the reason why not."""
    now = now or timezone.now()
    c = _lock(complaint)
    _require(perm.can_work(_user(actor), c) or perm.can_remind(_user(actor), c),
             _("You cannot record the written form."))
    if returned:
        c.form_returned_at = now
        _save(c, "form_returned_at")
        deadline_stop(subject=c, code="complaint.form.return", now=now)
        ComplaintEvent.record(c, actor=_user(actor), kind=E.FORM_RETURNED, at=now)
    else:
        if not (reason or "").strip():
            raise DomainError(_("Record why the form is not returned."), code="reason")
        c.form_missing_reason = reason.strip()
        _save(c, "form_missing_reason")
        deadline_stop(subject=c, code="complaint.form.return", now=now)
        ComplaintEvent.record(c, actor=_user(actor), kind=E.FORM_MISSING, note=reason, at=now)
    return c


@transaction.atomic
def complaint_work_order(*, complaint: Complaint, actor: Any, content: str = "", now: datetime | None = None) -> Any:
    """C-04: the repair part of a complaint becomes a linked work order (tickets)."""
    now = now or timezone.now()
    c = _lock(complaint)
    _require(perm.can_work(_user(actor), c) and c.is_open, _("You cannot create a work order from this complaint."))
    _require(c.work_order_id is None, _("A work order is already linked."), "exists")
    from tickets.models import WorkOrder  # noqa: PLC0415
    from tickets.services import work_order_register  # noqa: PLC0415

    category = _work_order_category(c)
    if category is None:
        raise DomainError(_("No work-order category fits this complaint."), code="category")
    channel = {Complaint.Channel.PHONE: WorkOrder.Channel.PHONE,
               Complaint.Channel.VISIT: WorkOrder.Channel.VISIT}.get(c.channel, WorkOrder.Channel.OTHER)
    order = work_order_register(site=c.site, category=category, content=content or c.description or c.subject,
                                actor=_user(actor), now=now, unit=c.unit, resident=c.resident,
                                reporter_name=c.complainant_name, phone=c.phone, channel=channel,
                                location="" if c.unit_id else (c.address or c.subject))
    c.work_order_id = order.pk
    _save(c, "work_order_id")
    ComplaintEvent.record(c, actor=_user(actor), kind=E.WORK_ORDER, at=now,
                          note=str(getattr(order, "number", order.pk)), data={"work_order": order.pk})
    return order


def _work_order_category(c: Complaint) -> Any:
    """The tickets category for the repair part: the responsible department's kind, non-emergency first."""
    from tickets.models import Category as TicketCategory  # noqa: PLC0415

    qs = TicketCategory.objects.filter(is_active=True).order_by("is_emergency", "sort", "pk")
    kind = c.department.kind if c.department_id else "engineering"
    return qs.filter(department_kind=kind).first() or qs.filter(department_kind="engineering").first()


def work_order_of(c: Complaint) -> Any:
    if not c.work_order_id:
        return None
    from tickets.models import WorkOrder  # noqa: PLC0415

    return WorkOrder.objects.filter(pk=c.work_order_id).first()


# ---------------------------------------------------------------- C-06 escalation
def escalation_recipients(c: Complaint, level: int) -> list:
    users = list(users_with_roles(site_id=c.site_id, roles=LEVEL_ROLES.get(Level(level), [])))
    if level == Level.CS_SUPERVISOR:  # the responsible department's supervisor is told at the same time
        users += _department_people(c, roles=(Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR))
    return list({u.pk: u for u in users}.values())


def complaint_escalate(*, complaint: Complaint, reason: str, level: int | None = None, now: datetime | None = None,
                       deadline: Any = None, actor: Any = None) -> Escalation | None:
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
    ComplaintEvent.record(c, actor=_user(actor) if actor else None, kind=E.ESCALATED, note=reason, at=now,
                          data={"level": target, "notified": [u.pk for u in recipients],
                                "deadline": getattr(deadline, "code", "")})
    return esc


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, actor: Any, now: datetime | None = None) -> Escalation:
    """C-06: each level must acknowledge."""
    now = now or timezone.now()
    user = _user(actor)
    esc = Escalation.objects.select_for_update(of=("self",)).select_related("complaint").get(pk=escalation.pk)
    allowed = esc.notified.filter(pk=user.pk).exists() or user.pk in {
        u.pk for u in escalation_recipients(esc.complaint, esc.level)} or getattr(user, "is_superuser", False)
    _require(allowed and perm.can_see(user, esc.complaint), _("This escalation is not addressed to you."))
    if esc.acknowledged_at is None:
        esc.acknowledged_at, esc.acknowledged_by = now, user
        esc.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        ComplaintEvent.record(esc.complaint, actor=user, kind=E.ACKNOWLEDGED, at=now, data={"level": esc.level})
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Complaint)
    Notification.objects.filter(recipient=user, subject_type=ct, subject_id=esc.complaint_id, requires_ack=True,
                                acknowledged_at__isnull=True).update(acknowledged_at=now, read_at=now)
    return esc


# ---------------------------------------------------------------- C-07 reminders and inquiries
@transaction.atomic
def reminder_issue(*, complaint: Complaint, actor: Any = None, text: str = "", automatic: bool = False,
                   deadline_code: str = "", now: datetime | None = None) -> Reminder:
    """C-07: a reminder (催办单) to the responsible department."""
    now = now or timezone.now()
    c = _lock(complaint)
    if not automatic:
        _require(perm.can_remind(_user(actor), c), _("You cannot issue reminders."))
        _require(c.is_open, _("The complaint is closed."), "state")
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
    ComplaintEvent.record(c, actor=_user(actor) if actor else None, kind=E.REMINDER, note=text, at=now,
                          data={"reminder": r.pk, "automatic": automatic})
    return r


@transaction.atomic
def inquiry_record(*, complaint: Complaint, actor: Any, delay_cause: str, now: datetime | None = None) -> Reminder:
    """C-07: after closure every late complaint gets an inquiry (洽办单) recording the cause of delay."""
    now = now or timezone.now()
    c = _lock(complaint)
    _require(perm.can_remind(_user(actor), c) or perm.can_work(_user(actor), c), _("You cannot record inquiries."))
    _require(c.status == S.CLOSED and c.was_late, _("Inquiries are recorded for late complaints after closure."),
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
    ComplaintEvent.record(c, actor=_user(actor), kind=E.INQUIRY, note=r.delay_cause, at=now)
    return r


# ---------------------------------------------------------------- C-09 callback outcome
@transaction.atomic
def complaint_callback_outcome(*, complaint: Complaint, satisfied: bool, actor: Any = None, note: str = "",
                               now: datetime | None = None) -> Complaint:
    """C-09: satisfied → closed and filed; unsatisfied → reopened and escalated one level."""
    now = now or timezone.now()
    c = _lock(complaint)
    if actor is not None:
        _require(perm.can_record_callback(_user(actor), c), _("You cannot record the callback."))
    _require(c.status == S.HANDLED, _("Only a handled complaint gets a callback."), "state")
    deadline_stop(subject=c, code="complaint.callback", now=now)
    if satisfied:
        c.close(at=now)
        c.save()
        ComplaintEvent.record(c, actor=_user(actor) if actor else None, kind=E.CLOSED, note=note, at=now)
        _inform_first_responder(c, _("closed"), key="closed")
        if c.was_late:  # C-07 inquiry for every late complaint
            Reminder.objects.get_or_create(complaint=c, kind=Reminder.Kind.INQUIRY, automatic=True,
                                           deadline_code="closure",
                                           defaults={"department": c.department, "issued_at": now})
            notification_queue(recipients=_front_desk(c.site_id) + _department_people(c, roles=(
                Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR)),
                title=_("Inquiry (洽办单) due: %s was late") % c.number, url=c.get_absolute_url(),
                kind="reminder", site_id=c.site_id, subject=c, dedupe_key=f"complaint:{c.pk}:inquiry")
        return c
    c.reopen()
    c.save()
    ComplaintEvent.record(c, actor=_user(actor) if actor else None, kind=E.REOPENED, note=note, at=now)
    deadline_start(subject=c, code="complaint.dept.response", now=now, site_id=c.site_id)
    complaint_escalate(complaint=c, reason=_("Unsatisfied callback"), now=now, actor=actor)
    notification_queue(recipients=_department_people(c), title=_("Complaint reopened: %s") % c.number,
                       body=note, url=c.get_absolute_url(), kind="alert", site_id=c.site_id, subject=c,
                       dedupe_key=f"complaint:{c.pk}:reopen:{c.reopen_count}")
    return c


# ---------------------------------------------------------------- C-10 monthly analysis
@transaction.atomic
def analysis_submit(*, site: Any, month: date, causes: str, proposals: str, actor: Any,
                    now: datetime | None = None) -> MonthlyAnalysis:
    now = now or timezone.now()
    _require(perm.can_write_analysis(_user(actor)), _("You cannot write the monthly analysis."))
    if not causes.strip() or not proposals.strip():
        raise DomainError(_("Write both the causes and the improvement proposals."), code="text")
    month = month.replace(day=1)
    row, _created = MonthlyAnalysis.objects.update_or_create(
        site=site, month=month, defaults={"causes": causes.strip(), "proposals": proposals.strip(),
                                          "author": _staff(actor), "submitted_at": now})
    return row


def running(complaint: Complaint, code: str) -> bool:
    return deadline_running(complaint, code) is not None
