"""Breach reactions of the handover clocks (the engine notifies the policy's roles exactly once)."""

from __future__ import annotations

from core.deadlines import breach_handler
from handover.services import defect_overdue_record


@breach_handler("handover.defect")
def defect_overdue(deadline, now) -> None:
    """H-01/T-16: the agreed date passed: the defect's history says the developer is reminded."""
    defect_overdue_record(defect_id=deadline.subject_id, now=now)
