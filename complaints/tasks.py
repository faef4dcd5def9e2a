"""Celery tasks: ids in, one service call, safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from complaints.services import month_records_open
from estates.models import Site


@shared_task(acks_late=True)
def complaint_month_records_task() -> int:
    """SPEC C-10, C-16: on the 1st open last month's analysis (due by the 5th, the director approves) and
    responsibility review (due by the 10th) of every site, each with its clock. Idempotent (one per month)."""
    now = timezone.now()
    last_month = (timezone.localdate(now).replace(day=1) - timedelta(days=1)).replace(day=1)
    opened = 0
    for site in Site.objects.order_by("pk"):
        month_records_open(site=site, month=last_month, now=now)
        opened += 1
    return opened
