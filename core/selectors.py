"""Reads for the engine's supervisor pages; every list starts from the user's visible sites (SPEC X-02)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.models import Deadline, DeadlinePolicy
from core.scope import visible


def company_policies() -> QuerySet[DeadlinePolicy]:
    return DeadlinePolicy.objects.filter(site__isnull=True).order_by("code")


def overrides_visible_to(user: Any) -> QuerySet[DeadlinePolicy]:
    """Per-site rows of the sites the user sees (another site's override is a 404)."""
    return visible(DeadlinePolicy.objects.filter(site__isnull=False), user).select_related("site")


def policy_table_for(user: Any) -> list[dict]:
    """Each company row with the overrides the user may see."""
    overrides: dict[str, list[DeadlinePolicy]] = {}
    for row in overrides_visible_to(user).order_by("site__name"):
        overrides.setdefault(row.code, []).append(row)
    return [{"policy": p, "overrides": overrides.get(p.code, [])} for p in company_policies()]


def deadlines_visible_to(user: Any) -> QuerySet[Deadline]:
    return visible(Deadline.objects.all(), user).select_related("policy", "site", "subject_type")


def deadline_list(user: Any, *, state: str = "", code: str = "", site: str = "", overdue: bool = False,
                  subject_type: str = "", now: datetime | None = None) -> QuerySet[Deadline]:
    """The timers page: filters state, code, site, overdue, subject type; most urgent first."""
    now = now or timezone.now()
    qs = deadlines_visible_to(user)
    if state in Deadline.State.values:
        qs = qs.filter(state=state)
    if code:
        qs = qs.filter(code=code)
    if site.isdigit():
        qs = qs.filter(site_id=int(site))
    if subject_type.isdigit():
        qs = qs.filter(subject_type_id=int(subject_type))
    if overdue:
        qs = qs.filter(Q(state=Deadline.State.BREACHED) | Q(state=Deadline.State.RUNNING, due_at__lte=now))
    return qs.order_by("due_at", "id")


def deadline_counts(user: Any, *, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    qs = deadlines_visible_to(user)
    return {
        "running": qs.filter(state=Deadline.State.RUNNING).count(),
        "overdue": qs.filter(Q(state=Deadline.State.BREACHED) | Q(state=Deadline.State.RUNNING, due_at__lte=now))
        .count(),
    }
