"""Celery tasks: one service call per site, safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from estates.models import Site
from inspections.maintenance import occurrences_generate
from inspections.models import AssessmentMonth
from inspections.services import duties_open, ranking_draft


@shared_task(acks_late=True)
def inspection_duties_task() -> int:
    """A-01 / A-04: open today's cadence duties (beat: daily 00:10). Idempotent."""
    now = timezone.now()
    return sum(duties_open(site=site, day=timezone.localdate(now), now=now) for site in Site.objects.order_by("pk"))


@shared_task(acks_late=True)
def ranking_draft_task() -> int:
    """A-02: at month start draft last month's zone ranking of every site (beat: the 1st, 02:00).

    Idempotent: a re-run re-drafts an unlocked month and leaves a locked one alone."""
    now = timezone.now()
    month = (timezone.localdate(now).replace(day=1) - timedelta(days=1)).replace(day=1)
    locked = set(AssessmentMonth.objects.filter(month=month, locked_at__isnull=False).values_list("site_id", flat=True))
    made = 0
    for site in Site.objects.exclude(pk__in=locked).order_by("pk"):
        ranking_draft(site=site, month=month, now=now)
        made += 1
    return made


@shared_task(acks_late=True)
def maintenance_generate_task() -> int:
    """O-05: issue the work orders of plan occurrences due within 30 days (beat: daily 00:20). Idempotent."""
    now = timezone.now()
    return sum(len(occurrences_generate(site=site, today=timezone.localdate(now), now=now))
               for site in Site.objects.order_by("pk"))
