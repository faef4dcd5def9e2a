"""Read side of renovation: what a user may see (site scope) and the board's counts (SPEC R-08 screens)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from core.scope import visible
from renovation.models import GateEntry, Renovation

S = Renovation.Status
# the board's columns: (key, label source, filter)
BOARD = {
    "applied": Q(status__in=[S.DRAFT]),
    "in_review": Q(status__in=[S.IN_REVIEW, S.CHANGES_REQUIRED, S.REVIEWED, S.APPROVED]),
    "active": Q(status__in=[S.ACTIVE, S.RECTIFICATION]),
    "overdue_patrol": Q(status__in=[S.ACTIVE, S.RECTIFICATION], patrol_overdue_at__isnull=False),
    "awaiting_acceptance": Q(status__in=[S.COMPLETED, S.ACCEPTANCE_APPLIED, S.ACCEPTED]),
    "closed": Q(status__in=[S.CLOSED, S.REJECTED]),
}


def renovation_list_visible_to(user) -> QuerySet[Renovation]:
    return visible(Renovation.objects.select_related("site", "unit", "owner"), user)


def board_counts(user, site_id: int | None = None) -> dict[str, int]:
    qs = renovation_list_visible_to(user)
    if site_id:
        qs = qs.filter(site_id=site_id)
    return qs.aggregate(**{k: Count("id", filter=q) for k, q in BOARD.items()})


def filter_board(qs: QuerySet[Renovation], key: str) -> QuerySet[Renovation]:
    return qs.filter(BOARD[key]) if key in BOARD else qs


def open_gate_entries(ren: Renovation) -> QuerySet[GateEntry]:
    return ren.gate_entries.filter(left_at__isnull=True).select_related("worker")
