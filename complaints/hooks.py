"""Wiring to the callbacks app: the final result of a complaint callback closes or reopens it (C-09);
closed complaints are the source of the monthly quality sampling (CB-06)."""

from __future__ import annotations

from typing import Any

from callbacks.hooks import outcome_handler, sampling_candidates_provider
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


def closed_complaints(*, site: Any, period_start: Any, period_end: Any) -> list:
    """SPEC CB-06: the complaints of `site` closed in [period_start, period_end] (local dates), with a
    resident to re-visit: [(complaint, unit, resident)]. Praise and invalid records are not sampled."""

    rows = (Complaint.objects.filter(site=site, status=Complaint.Status.CLOSED, kind=Complaint.Kind.COMPLAINT,
                                     closed_at__date__gte=period_start, closed_at__date__lte=period_end)
            .select_related("unit", "resident").order_by("pk"))
    return [(c, c.unit, c.resident) for c in rows if c.unit_id or c.resident_id]


def register() -> None:
    outcome_handler("complaints.complaint")(on_callback_outcome)
    sampling_candidates_provider(closed_complaints)
