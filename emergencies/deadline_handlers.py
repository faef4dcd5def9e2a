"""Breach of `drill.plan`: the half year ended without a drill (dashboard; the engine notifies once)."""

from __future__ import annotations

from core.deadlines import breach_handler
from emergencies.services import drill_period_missed


@breach_handler("drill.plan")
def drill_missing(deadline, now) -> None:
    drill_period_missed(period_id=deadline.subject_id)
