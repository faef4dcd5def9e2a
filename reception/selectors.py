from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from estates.selectors import visible
from reception.models import HandoverItem, ReceptionEntry, WorkLog


def entry_list_visible_to(user: Any) -> QuerySet[ReceptionEntry]:
    return visible(ReceptionEntry.objects.select_related("site", "unit", "recorded_by__staff"), user)


def work_log_list_visible_to(user: Any) -> QuerySet[WorkLog]:
    return visible(WorkLog.objects.select_related("site", "author__staff"), user).prefetch_related("handovers")


def handover_list_visible_to(user: Any) -> QuerySet[HandoverItem]:
    return visible(HandoverItem.objects.select_related("log__author__staff", "acknowledged_by__staff"), user)


def handovers_open(user: Any) -> QuerySet[HandoverItem]:
    return handover_list_visible_to(user).filter(status=HandoverItem.Status.OPEN).order_by("created_at")
