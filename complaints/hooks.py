"""Wiring to the callbacks app (C-09): the final result of a complaint callback closes or reopens it."""

from __future__ import annotations

from typing import Any

from callbacks.hooks import outcome_handler
from complaints.models import Complaint, ComplaintEvent
from complaints.services import complaint_callback_outcome

SATISFIED = {"satisfied", "basically"}


def on_callback_outcome(*, callback: Any, result: str, now: Any, actor: Any) -> None:
    """satisfied / basically → closed and filed; unsatisfied → reopened one level up; unreachable → filed
    with the reason (CB-02). Quality-sampling re-visits (CB-06) do not reopen anything."""

    if getattr(callback, "kind", "complaint") == "sampling":
        return
    complaint = Complaint.objects.filter(pk=callback.subject_id).first()
    if complaint is None or complaint.status != Complaint.Status.HANDLED:
        return
    result = str(getattr(result, "value", result))
    if result == "unreachable":
        ComplaintEvent.record(complaint, actor=actor, kind=ComplaintEvent.Kind.NOTE, at=now,
                              note=getattr(callback, "close_reason", "") or result)
        complaint_callback_outcome(complaint=complaint, satisfied=True, note=result, now=now)
        return
    complaint_callback_outcome(complaint=complaint, satisfied=result in SATISFIED, now=now,
                               note=getattr(callback, "comment", "") or "")


def register() -> None:
    outcome_handler("complaints.complaint")(on_callback_outcome)
