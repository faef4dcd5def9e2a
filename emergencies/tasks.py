"""Celery tasks: one service call, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from emergencies.services import drill_periods_ensure_all


@shared_task(acks_late=True)
def drill_periods_task() -> int:
    """E-02: every site's current half year with its `drill.plan` clock (beat: daily 00:30). Idempotent."""
    return drill_periods_ensure_all()
