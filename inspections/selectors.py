"""Reads for inspections (site-scoped through estates.selectors.visible)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from estates.selectors import visible
from inspections.models import (
    AssessmentMonth,
    Inspection,
    InspectionDuty,
    InspectionPhoto,
    Rectification,
    ZoneScore,
)


def inspection_list_visible_to(user: Any) -> QuerySet[Inspection]:
    return visible(Inspection.objects.select_related("site", "zone", "building", "department", "template",
                                                     "inspector__staff"), user)


def photo_list_visible_to(user: Any) -> QuerySet[InspectionPhoto]:
    return visible(InspectionPhoto.objects.select_related("inspection"), user, "inspection__site_id")


def rectification_list_visible_to(user: Any) -> QuerySet[Rectification]:
    return visible(Rectification.objects.select_related("site", "inspection", "owner", "result__item"), user)


def rectification_filter(qs: QuerySet[Rectification], *, state: str, user: Any,
                         now: datetime | None = None) -> QuerySet[Rectification]:
    now = now or timezone.now()
    if state == "mine":
        return qs.filter(owner__user=user).exclude(status=Rectification.Status.VERIFIED)
    if state == "verify":
        return qs.filter(status=Rectification.Status.DONE)
    if state == "overdue":
        return qs.filter(status=Rectification.Status.OPEN, due_at__lt=now)
    if state == "closed":
        return qs.filter(status=Rectification.Status.VERIFIED).order_by("-verified_at")
    return qs.exclude(status=Rectification.Status.VERIFIED)


def duty_list_visible_to(user: Any) -> QuerySet[InspectionDuty]:
    return visible(InspectionDuty.objects.select_related("site", "zone", "department", "inspection"), user)


def duties_missed(*, site_ids: list[int]) -> QuerySet[InspectionDuty]:
    """A-01: cadence duties whose period ended without the inspection (overdue on the dashboard)."""
    return InspectionDuty.objects.filter(site_id__in=site_ids, missed=True)


def rectifications_overdue(*, site_ids: list[int], now: datetime) -> QuerySet[Rectification]:
    return Rectification.objects.filter(site_id__in=site_ids, status=Rectification.Status.OPEN, due_at__lt=now)


def month_list_visible_to(user: Any) -> QuerySet[AssessmentMonth]:
    return visible(AssessmentMonth.objects.select_related("site", "locked_by__staff"), user)


def ranking_rows(month: AssessmentMonth) -> list[ZoneScore]:
    return list(ZoneScore.objects.filter(month=month).select_related("zone").prefetch_related(
        "adjustments__by__staff").order_by("rank", "zone_id"))
