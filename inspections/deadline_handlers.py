"""Breach reactions of the inspection clocks (the engine runs each exactly once)."""

from __future__ import annotations

from core.deadlines import breach_handler
from inspections.maintenance import occurrence_missed
from inspections.services import duty_missed


@breach_handler("inspection.zone.daily")
@breach_handler("inspection.zone.weekly")
@breach_handler("inspection.dept.daily")
@breach_handler("inspection.company.monthly")
def cadence_missed(deadline, now) -> None:
    """A-01 / A-04: the period ended without the inspection: the duty is marked missed (dashboard)."""
    duty_missed(deadline.subject_id)


@breach_handler("maintenance.plan")
def maintenance_missed(deadline, now) -> None:
    """O-05: the occurrence's due date passed without the work done: overdue on the dashboard."""
    occurrence_missed(deadline.subject_id)
