"""Read side: what a user may see (another site's record is 404 through these querysets)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from estates.models import Building
from estates.selectors import visible
from handover.models import Defect, Inspection, MoveIn, Takeover


def takeover_list_visible_to(user: Any) -> QuerySet[Takeover]:
    return visible(Takeover.objects.select_related("site"), user)


def inspection_list_visible_to(user: Any) -> QuerySet[Inspection]:
    return visible(Inspection.objects.select_related("site", "takeover", "move_in", "unit"), user)


def defect_list_visible_to(user: Any) -> QuerySet[Defect]:
    return visible(Defect.objects.select_related("site", "unit", "takeover", "move_in", "work_order"), user)


def move_in_list_visible_to(user: Any) -> QuerySet[MoveIn]:
    return visible(MoveIn.objects.select_related("site", "unit__building", "resident"), user)


def defects_open(site_ids: list[int]) -> QuerySet[Defect]:
    return Defect.objects.filter(site_id__in=site_ids).exclude(status=Defect.Status.CLOSED)


def defects_overdue(site_ids: list[int], now: datetime) -> QuerySet[Defect]:
    return defects_open(site_ids).filter(status=Defect.Status.OPEN, due_at__lt=now)


def desk_by_building(site_ids: list[int]) -> list[dict]:
    """H-03: per building the units handed over, in progress, not started, and with open defects."""
    open_defect = Q(units__handover_defects__status__in=[Defect.Status.OPEN, Defect.Status.RECTIFIED])
    rows = (Building.objects.filter(site_id__in=site_ids).select_related("site").order_by("site_id", "number")
            .annotate(units_total=Count("units", filter=Q(units__archived=False), distinct=True),
                      handed=Count("units__move_ins", filter=Q(units__move_ins__step=MoveIn.Step.DONE), distinct=True),
                      in_progress=Count("units__move_ins", filter=~Q(units__move_ins__step__in=[
                          MoveIn.Step.DONE, MoveIn.Step.CANCELLED]), distinct=True),
                      with_defects=Count("units", filter=open_defect, distinct=True)))
    return [{"building": b, "total": b.units_total, "handed": b.handed, "in_progress": b.in_progress,
             "pending": max(b.units_total - b.handed - b.in_progress, 0), "with_defects": b.with_defects}
            for b in rows]
