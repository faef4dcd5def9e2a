"""Celery tasks: ids in, one service call, safe to run twice."""

from celery import shared_task

from surveys.services import routine_campaigns_propose


@shared_task(acks_late=True)
def propose_routine_campaigns_task() -> int:
    """Daily (beat): SPEC S-02 — propose a routine campaign where the last one is ≥ 6 months old."""
    return len(routine_campaigns_propose())
