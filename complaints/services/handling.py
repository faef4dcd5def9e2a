"""C-04/C-05/C-08 department work: reports, accept, finish, handled, verify, written form."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from complaints import permissions as perm
from complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintReport,
    Severity,
)
from complaints.services._common import (
    E,
    S,
    _front_desk,
    _inform_first_responder,
    _lock,
    _save,
    _staff,
)
from complaints.services.callback import _request_callback
from core.deadlines import deadline_cancel, deadline_start, deadline_stop
from core.errors import DomainError
from core.notifications import notification_queue
from core.service_kit import as_user, require
from estates.actors import Actor


@transaction.atomic
def complaint_report_file(*, complaint: Complaint, actor: Actor | None, kind: str, title: str, text: str,
                          now: datetime | None = None) -> ComplaintReport:
    """C-05: written reports in the app, attached to the complaint (stop the 24 h / 48 h clocks)."""
    now = now or timezone.now()
    c = _lock(complaint)
    require(perm.can_write_report(as_user(actor), c), _("You cannot file a report on this complaint."))
    if not (text or "").strip() or not (title or "").strip():
        raise DomainError(_("Write the report's title and text."), code="text")
    report = ComplaintReport.objects.create(complaint=c, kind=kind, author=_staff(actor), title=title.strip(),
                                            text=text.strip(), submitted_at=now)
    codes: dict[str, str] = {ComplaintReport.Kind.COMPANY: "complaint.emergency.report24",
                             ComplaintReport.Kind.EXECUTIVE: "complaint.emergency.report48"}
    code = codes.get(kind)
    if code:
        deadline_stop(subject=c, code=code, now=now)
    ComplaintEvent.record(c, actor=as_user(actor), kind=E.REPORT, note=report.title, at=now,
                          data={"report": report.pk, "kind": kind})
    return report


# ---------------------------------------------------------------- C-04 department work
@transaction.atomic
def complaint_accept(*, complaint: Complaint, actor: Actor | None, will_be_late: bool = False, late_reason: str = "",
                     expected_at: datetime | None = None, now: datetime | None = None) -> Complaint:
    """C-04: the department answers (within 2 h of dispatch) — on time, or why and when it will be late."""
    now = now or timezone.now()
    c = _lock(complaint)
    require(perm.can_work(as_user(actor), c) and c.status == S.DISPATCHED,
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
    ComplaintEvent.record(c, actor=as_user(actor), kind=E.LATE if will_be_late else E.ACCEPTED, at=now,
                          note=late_reason, data={"expected_at": str(expected_at or "")})
    if will_be_late:
        notification_queue(recipients=_front_desk(c.site_id), title=_("%s will be late") % c.number,
                           body=late_reason, url=c.get_absolute_url(), kind="reminder", site_id=c.site_id,
                           subject=c, dedupe_key=f"complaint:{c.pk}:late:{now:%Y%m%d%H%M%S}")
    return c


@transaction.atomic
def complaint_finish(*, complaint: Complaint, actor: Actor | None, result: str = "",
                     now: datetime | None = None) -> Complaint:
    """C-04: the department has finished; it must report to the front desk within 2 hours."""
    now = now or timezone.now()
    c = _lock(complaint)
    require(perm.can_work(as_user(actor), c) and can_proceed(c.finish), _("This complaint cannot be finished now."))
    c.finish(at=now)
    if result:
        c.handling_result = result
    c.save()
    deadline_stop(subject=c, code=["complaint.handling", "complaint.dept.response"], now=now)
    deadline_start(subject=c, code="complaint.dept.feedback", now=now, site_id=c.site_id)
    ComplaintEvent.record(c, actor=as_user(actor), kind=E.FINISHED, note=result, at=now)
    return c


@transaction.atomic
def complaint_report_handled(*, complaint: Complaint, actor: Actor | None, result: str, now: datetime | None = None
                             ) -> Complaint:
    """C-04 feedback to the front desk (for an emergency: resolved). Starts C-05 verification, C-08 and C-09."""
    now = now or timezone.now()
    c = _lock(complaint)
    require(perm.can_work(as_user(actor), c) and can_proceed(c.report_handled),
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
    ComplaintEvent.record(c, actor=as_user(actor), kind=E.RESOLVED if c.is_emergency else E.HANDLED,
                          note=c.handling_result, at=now)
    if c.resolved_at:  # C-05: verification within 8 h
        deadline_start(subject=c, code="complaint.verify", now=now, site_id=c.site_id)
    if not c.cause_recorded and c.kind == Complaint.Kind.COMPLAINT:  # C-13: cause + action within its clock
        deadline_start(subject=c, code="complaint.cause", now=now, site_id=c.site_id)
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


@transaction.atomic
def complaint_first_responder_ack(*, complaint: Complaint, actor: Actor | None,
                                  now: datetime | None = None) -> Complaint:
    """C-08: the first-responder confirms being told of the result."""
    now = now or timezone.now()
    c = _lock(complaint)
    user = as_user(actor)
    require(perm.can_ack_first_responder(user, c), _("Only the first-responder confirms."))
    c.first_responder_told_at = c.first_responder_told_at or now
    _save(c, "first_responder_told_at")
    deadline_stop(subject=c, code="complaint.first_responder", now=now)
    ComplaintEvent.record(c, actor=user, kind=E.FIRST_RESPONDER, at=now)
    return c


@transaction.atomic
def complaint_verify(*, complaint: Complaint, actor: Actor | None, note: str = "",
                     now: datetime | None = None) -> Complaint:
    """C-05: the developer's CS and the company verify the resolution within 8 hours."""
    now = now or timezone.now()
    c = _lock(complaint)
    require(perm.can_verify(as_user(actor), c) and c.resolved_at is not None and c.verified_at is None,
             _("This resolution cannot be verified now."))
    c.verified_at, c.verified_by = now, _staff(actor)
    _save(c, "verified_at", "verified_by")
    deadline_stop(subject=c, code="complaint.verify", now=now)
    ComplaintEvent.record(c, actor=as_user(actor), kind=E.VERIFIED, note=note, at=now)
    return c


@transaction.atomic
def complaint_form_return(*, complaint: Complaint, actor: Actor | None, returned: bool = True, reason: str = "",
                          now: datetime | None = None) -> Complaint:
    """C-04: the written complaint form back within 3 working days, or the reason why not."""
    now = now or timezone.now()
    c = _lock(complaint)
    require(perm.can_work(as_user(actor), c) or perm.can_remind(as_user(actor), c),
             _("You cannot record the written form."))
    if returned:
        c.form_returned_at = now
        _save(c, "form_returned_at")
        deadline_stop(subject=c, code="complaint.form.return", now=now)
        ComplaintEvent.record(c, actor=as_user(actor), kind=E.FORM_RETURNED, at=now)
    else:
        if not (reason or "").strip():
            raise DomainError(_("Record why the form is not returned."), code="reason")
        c.form_missing_reason = reason.strip()
        _save(c, "form_missing_reason")
        deadline_stop(subject=c, code="complaint.form.return", now=now)
        ComplaintEvent.record(c, actor=as_user(actor), kind=E.FORM_MISSING, note=reason, at=now)
    return c
