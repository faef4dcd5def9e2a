from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from emergencies.models import Drill, DutyMember, EmergencyEvent, SupplyItem
from estates.selectors import visible


def event_list_visible_to(user: Any) -> QuerySet[EmergencyEvent]:
    return visible(EmergencyEvent.objects.select_related("site", "commander"), user)


def drill_list_visible_to(user: Any) -> QuerySet[Drill]:
    return visible(Drill.objects.select_related("site"), user)


def duty_list_visible_to(user: Any) -> QuerySet[DutyMember]:
    return visible(DutyMember.objects.filter(is_active=True).select_related("site", "staff"), user)


def supply_list_visible_to(user: Any) -> QuerySet[SupplyItem]:
    return visible(SupplyItem.objects.filter(is_active=True).select_related("site"), user)
