"""What a missed complaint clock does to the complaint (SPEC C-05..C-07, §15). The engine's breach
handlers (`complaints/deadline_handlers.py`) find the complaint and call these; they run inside the
sweep's transaction, on the row the handler locked, with no actor (the system acts)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintEvent
from complaints.services._common import E, _department_people, _save
from complaints.services.chain import chain_timeout
from complaints.services.escalation import complaint_escalate, reminder_issue
from core.models import Deadline
from core.notifications import notification_queue
from core.roles import Role


def complaint_overdue_record(*, complaint: Complaint, deadline: Deadline, now: datetime) -> None:
    """The complaint's history shows the miss (the engine has notified the policy's roles)."""
    ComplaintEvent.record(complaint, kind=E.OVERDUE, note=_(deadline.policy.name), at=now,
                          data={"deadline": deadline.code})


def complaint_missed_escalate(*, complaint: Complaint, deadline: Deadline, now: datetime) -> None:
    """C-06: a missed deadline climbs one level."""
    complaint_overdue_record(complaint=complaint, deadline=deadline, now=now)
    complaint_escalate(complaint=complaint, reason=_("Missed: %s") % _(deadline.policy.name), now=now,
                       deadline=deadline)


def complaint_department_late(*, complaint: Complaint, deadline: Deadline, now: datetime) -> None:
    """C-07: an automatic reminder 催办单 to the department, and one level up (C-06); a missed handling
    deadline makes the complaint late."""
    c = complaint
    complaint_overdue_record(complaint=c, deadline=deadline, now=now)
    if deadline.code == "complaint.handling" and not c.was_late:
        c.was_late = True
        _save(c, "was_late")
    reminder_issue(complaint=c, automatic=True, deadline_code=f"{deadline.code}:{deadline.pk}", now=now,
                   text=_("Overdue: %s") % _(deadline.policy.name))
    complaint_escalate(complaint=c, reason=_("Missed: %s") % _(deadline.policy.name), now=now, deadline=deadline)


def complaint_feedback_late(*, complaint: Complaint, deadline: Deadline, now: datetime) -> None:
    complaint_overdue_record(complaint=complaint, deadline=deadline, now=now)
    reminder_issue(complaint=complaint, automatic=True, deadline_code=f"{deadline.code}:{deadline.pk}", now=now,
                   text=_("Report the completion to the front desk."))


def complaint_cause_remind(*, complaint: Complaint, deadline: Deadline, now: datetime) -> None:
    """C-13: the cause and corrective action are missing → the handling department is reminded."""
    c = complaint
    complaint_overdue_record(complaint=c, deadline=deadline, now=now)
    notification_queue(recipients=_department_people(c, roles=(Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR)),
                       title=_("%s: record the cause and the corrective action") % c.number,
                       url=c.get_absolute_url(), kind="reminder", site_id=c.site_id, subject=c, deadline=deadline,
                       dedupe_key=f"deadline:{deadline.pk}:breach")


def complaint_first_responder_remind(*, complaint: Complaint, deadline: Deadline, now: datetime) -> None:
    """C-08: tell the first-responder (again) with an alert."""
    c = complaint
    complaint_overdue_record(complaint=c, deadline=deadline, now=now)
    notification_queue(recipients=[c.received_by.user], title=_("%s has been handled") % c.number,
                       body=c.handling_result, url=c.get_absolute_url(), kind="alert", site_id=c.site_id,
                       subject=c, deadline=deadline, dedupe_key=f"deadline:{deadline.pk}:breach")


def complaint_emergency_to_company(*, complaint: Complaint, deadline: Deadline, now: datetime) -> None:
    """C-05: the site head did not decide in time → the system escalates to the company leader and says so."""
    chain_timeout(complaint=complaint, deadline=deadline, now=now)


def complaint_emergency_to_executive(*, complaint: Complaint, deadline: Deadline, now: datetime) -> None:
    """C-05: the company leader did not decide in time → the system escalates to the executive and says so."""
    chain_timeout(complaint=complaint, deadline=deadline, now=now)
