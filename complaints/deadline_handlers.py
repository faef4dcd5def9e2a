"""Domain reactions to complaint deadline breaches (SPEC §15). Each runs once per breach, inside the
engine's sweep transaction; the engine has already notified the policy's roles."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintEvent, Level
from complaints.services import complaint_escalate, reminder_issue
from core.deadlines import breach_handler, deadline_start
from core.models import Deadline
from core.notifications import notification_queue

E = ComplaintEvent.Kind


def _complaint(deadline: Deadline) -> Complaint | None:
    subject = deadline.subject
    if not isinstance(subject, Complaint):
        # the callbacks task carries the complaint.callback clock; its subject is the complaint
        inner = getattr(subject, "subject", None)
        if not isinstance(inner, Complaint):
            return None
        subject = inner
    return (Complaint.objects.select_for_update(of=("self",))
            .select_related("received_by__user", "department").get(pk=subject.pk))


def _overdue(c: Complaint, deadline: Deadline, now: datetime) -> None:
    ComplaintEvent.record(c, kind=E.OVERDUE, note=deadline.policy.name, at=now, data={"deadline": deadline.code})


@breach_handler("complaint.forward")
@breach_handler("complaint.first_contact")
@breach_handler("complaint.first_reply")
@breach_handler("complaint.form.return")
@breach_handler("complaint.emergency.notify")
@breach_handler("complaint.emergency.report24")
@breach_handler("complaint.emergency.report48")
@breach_handler("complaint.verify")
def overdue_recorded(deadline: Deadline, now: datetime) -> None:
    """The engine notified the policy's roles; the complaint's history shows the miss."""
    c = _complaint(deadline)
    if c is not None:
        _overdue(c, deadline, now)


@breach_handler("complaint.dispatch")
@breach_handler("complaint.callback")
def escalate_one_level(deadline: Deadline, now: datetime) -> None:
    """C-06: a missed deadline climbs one level."""
    c = _complaint(deadline)
    if c is None:
        return
    _overdue(c, deadline, now)
    complaint_escalate(complaint=c, reason=_("Missed: %s") % deadline.policy.name, now=now, deadline=deadline)


@breach_handler("complaint.handling")
@breach_handler("complaint.dept.response")
def department_late(deadline: Deadline, now: datetime) -> None:
    """C-07: an automatic reminder 催办单 to the department, and one level up (C-06)."""
    c = _complaint(deadline)
    if c is None:
        return
    _overdue(c, deadline, now)
    if deadline.code == "complaint.handling" and not c.was_late:
        c.was_late = True
        c.save(update_fields=["was_late", "updated_at"])
    reminder_issue(complaint=c, automatic=True, deadline_code=f"{deadline.code}:{deadline.pk}", now=now,
                   text=_("Overdue: %s") % deadline.policy.name)
    complaint_escalate(complaint=c, reason=_("Missed: %s") % deadline.policy.name, now=now, deadline=deadline)


@breach_handler("complaint.dept.feedback")
def feedback_late(deadline: Deadline, now: datetime) -> None:
    c = _complaint(deadline)
    if c is None:
        return
    _overdue(c, deadline, now)
    reminder_issue(complaint=c, automatic=True, deadline_code=f"{deadline.code}:{deadline.pk}", now=now,
                   text=_("Report the completion to the front desk."))


@breach_handler("complaint.first_responder")
def first_responder_late(deadline: Deadline, now: datetime) -> None:
    """C-08: tell the first-responder (again) with an alert."""
    c = _complaint(deadline)
    if c is None:
        return
    _overdue(c, deadline, now)
    notification_queue(recipients=[c.received_by.user], title=_("%s has been handled") % c.number,
                       body=c.handling_result, url=c.get_absolute_url(), kind="alert", site_id=c.site_id,
                       subject=c, deadline=deadline, dedupe_key=f"deadline:{deadline.pk}:breach")


@breach_handler("complaint.emergency.company")
def emergency_to_company(deadline: Deadline, now: datetime) -> None:
    """C-05: not resolved within 5 min of receipt → company leader, written report due in 24 h,
    and the leader's own 10-minute clock starts from his notice."""
    c = _complaint(deadline)
    if c is None or not c.is_open or c.resolved_at:
        return
    c.company_notified_at = now
    c.was_late = True
    c.save(update_fields=["company_notified_at", "was_late", "updated_at"])
    complaint_escalate(complaint=c, level=Level.COMPANY_LEADER, now=now, deadline=deadline,
                       reason=_("Emergency not resolved on site within 5 minutes"))
    deadline_start(subject=c, code="complaint.emergency.report24", now=now, site_id=c.site_id)
    deadline_start(subject=c, code="complaint.emergency.executive", now=now, site_id=c.site_id)


@breach_handler("complaint.emergency.executive")
def emergency_to_executive(deadline: Deadline, now: datetime) -> None:
    """C-05: the company leader did not resolve it within 10 min of his notice → executive, report in 48 h."""
    c = _complaint(deadline)
    if c is None or not c.is_open or c.resolved_at:
        return
    c.executive_notified_at = now
    c.save(update_fields=["executive_notified_at", "updated_at"])
    complaint_escalate(complaint=c, level=Level.EXECUTIVE, now=now, deadline=deadline,
                       reason=_("Emergency not resolved by the company leader within 10 minutes"))
    deadline_start(subject=c, code="complaint.emergency.report48", now=now, site_id=c.site_id)
