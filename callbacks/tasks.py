"""Celery tasks: ids in, one service call, safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from callbacks.hooks import sampling_candidates
from callbacks.services import sampling_draw, visit_plan_generate
from estates.models import Site


@shared_task(acks_late=True)
def visit_plans_monthly_task() -> int:
    """SPEC CB-04: at the start of every month propose the households (beat: 1st of the month, 00:30).

    Idempotent: plans already made for a visitor this month are kept, so a doubled beat is harmless.
    """
    now = timezone.now()
    made = 0
    for site in Site.objects.all().order_by("pk"):
        made += len(visit_plan_generate(site=site, month=timezone.localdate(now).replace(day=1), now=now))
    return made


@shared_task(acks_late=True)
def sampling_monthly_task() -> int:
    """SPEC CB-06: at the start of every month draw last month's closed complaints for quality re-visits
    (beat: 1st of the month, 01:00). Candidates come from `@sampling_candidates_provider` functions
    (registered by complaints). Idempotent: one draw per site and period."""
    now = timezone.now()
    end = timezone.localdate(now).replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    drawn = 0
    for site in Site.objects.all().order_by("pk"):
        candidates = sampling_candidates(site=site, period_start=start, period_end=end)
        if candidates:
            drawn += sampling_draw(site=site, period_start=start, period_end=end, candidates=candidates, now=now).drawn
    return drawn
