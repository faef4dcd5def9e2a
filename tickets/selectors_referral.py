"""Reads of the capability checks (SPEC T-17): visibility decided once (STYLE §2)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from estates.selectors import site_ids_visible_to
from tickets.models import CapabilityReferral

S = CapabilityReferral.Status


def referral_list(user, params) -> QuerySet[CapabilityReferral]:
    """The capability checks of the user's sites; `status` filters (default: awaiting the head; `all`)."""
    qs = CapabilityReferral.objects.filter(site_id__in=site_ids_visible_to(user))
    status = params.get("status") or S.PENDING
    if status in S.values:
        qs = qs.filter(status=status)
    return qs.select_related("site", "unit", "category", "referred_by__staff", "decided_by__staff", "order")


def referral_get(user, pk: int) -> CapabilityReferral:
    return get_object_or_404(CapabilityReferral.objects.filter(site_id__in=site_ids_visible_to(user)).select_related(
        "site", "unit", "resident", "category", "referred_by__staff", "decided_by__staff", "order"), pk=pk)


def referrals_pending_count(site_ids) -> int:
    return CapabilityReferral.objects.filter(site_id__in=site_ids, status=S.PENDING).count()
