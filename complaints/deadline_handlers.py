"""Domain reactions to complaint deadline breaches (SPEC §15). Each runs once per breach, inside the
engine's sweep transaction; the engine has already notified the policy's roles. A handler finds the
complaint and calls a service (`complaints/services/breaches.py`); it saves nothing itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from complaints import services as svc
from complaints.models import Complaint
from core.deadlines import breach_handler
from core.models import Deadline


def _run(service: Callable[..., None], deadline: Deadline, now: datetime) -> None:
    """Find the complaint of the breached clock and let the service act on it."""
    c = _complaint(deadline)
    if c is not None:
        service(complaint=c, deadline=deadline, now=now)


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
    _run(svc.complaint_overdue_record, deadline, now)


@breach_handler("complaint.dispatch")
@breach_handler("complaint.callback")
def escalate_one_level(deadline: Deadline, now: datetime) -> None:
    _run(svc.complaint_missed_escalate, deadline, now)


@breach_handler("complaint.handling")
@breach_handler("complaint.dept.response")
def department_late(deadline: Deadline, now: datetime) -> None:
    _run(svc.complaint_department_late, deadline, now)


@breach_handler("complaint.dept.feedback")
def feedback_late(deadline: Deadline, now: datetime) -> None:
    _run(svc.complaint_feedback_late, deadline, now)


@breach_handler("complaint.cause")
def cause_missing(deadline: Deadline, now: datetime) -> None:
    _run(svc.complaint_cause_remind, deadline, now)


@breach_handler("complaint.first_responder")
def first_responder_late(deadline: Deadline, now: datetime) -> None:
    _run(svc.complaint_first_responder_remind, deadline, now)


@breach_handler("complaint.emergency.company")
def emergency_to_company(deadline: Deadline, now: datetime) -> None:
    _run(svc.complaint_emergency_to_company, deadline, now)


@breach_handler("complaint.emergency.executive")
def emergency_to_executive(deadline: Deadline, now: datetime) -> None:
    _run(svc.complaint_emergency_to_executive, deadline, now)
