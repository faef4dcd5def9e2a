"""Breach of `drill.plan`: the half year ended without a drill (dashboard; the engine notifies once)."""

from __future__ import annotations

from core.deadlines import breach_handler


@breach_handler("drill.plan")
def drill_missing(deadline, now) -> None:
    from emergencies.services import drill_period_missed  # noqa: PLC0415

    drill_period_missed(period_id=deadline.subject_id)
