"""Reads for key custody; every query starts from the user's visible sites (SPEC X-02)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least

from estates.selectors import visible
from keys.models import (
    KeyCabinet,
    KeyDeposit,
    KeyEvent,
    KeyIncident,
    KeyReconciliation,
    KeySlot,
    KeyUse,
    KeyUseItem,
    SealRecord,
)


def deposit_list_visible_to(user) -> QuerySet[KeyDeposit]:
    return visible(KeyDeposit.objects.select_related("site", "unit", "resident", "slot__cabinet", "registered_by"),
                   user)


def use_list_visible_to(user) -> QuerySet[KeyUse]:
    return visible(KeyUse.objects.select_related("site", "deposit__unit", "deposit__slot__cabinet", "requester",
                                                 "property_staff", "security_staff"), user)


def item_list_visible_to(user) -> QuerySet[KeyUseItem]:
    return visible(KeyUseItem.objects.select_related("use"), user)


def seal_list_visible_to(user) -> QuerySet[SealRecord]:
    return visible(SealRecord.objects.select_related("deposit__unit", "sealed_by", "sealed_with", "site"), user)


def reconciliation_list_visible_to(user) -> QuerySet[KeyReconciliation]:
    return visible(KeyReconciliation.objects.select_related("site", "performed_by"), user)


def incident_list_visible_to(user) -> QuerySet[KeyIncident]:
    return visible(KeyIncident.objects.select_related("site", "deposit__unit", "closed_by"), user)


def cabinet_list_visible_to_site(site_id: int) -> QuerySet[KeyCabinet]:
    """Cabinets of one site (the caller already holds a record of that site it may see)."""
    return KeyCabinet.objects.filter(site_id=site_id).select_related("custodian")


def free_slots(site_id: int) -> QuerySet[KeySlot]:
    taken = KeyDeposit.objects.filter(site_id=site_id, status__in=KeyDeposit.IN_CUSTODY, slot__isnull=False)
    return (KeySlot.objects.filter(site_id=site_id).exclude(pk__in=taken.values("slot_id"))
            .select_related("cabinet").order_by("cabinet__name", "number"))


def deposit_history(deposit: KeyDeposit) -> QuerySet[KeyEvent]:
    return deposit.events.select_related("actor__staff").order_by("at", "id")


def key_monthly_summary(*, site_ids: list[int], start: datetime, end: datetime) -> dict:
    """SPEC K-07 / D-02: key custody for the monthly report, for [start, end), all in the database.

    Counts by state now, deposits registered and returned in the period, uses requested and taken
    out, minutes out (clipped to the period), overdue returns, end-of-day escalations, incidents.
    """
    deposits = KeyDeposit.objects.filter(site_id__in=site_ids)
    by_state = {s.value: 0 for s in KeyDeposit.Status}
    for row in deposits.values("status").annotate(n=Count("id")).order_by():
        by_state[row["status"]] = row["n"]
    uses = KeyUse.objects.filter(site_id__in=site_ids)
    out_in_period = uses.filter(taken_out_at__lt=end).filter(Q(returned_at__isnull=True) | Q(returned_at__gte=start))
    period_end = Value(end, output_field=DateTimeField())
    period_start = Value(start, output_field=DateTimeField())
    duration = ExpressionWrapper(
        Least(Coalesce(F("returned_at"), period_end), period_end) - Greatest(F("taken_out_at"), period_start),
        output_field=DurationField())
    total = out_in_period.aggregate(t=Sum(duration))["t"] or timedelta(0)
    late_return = Q(returned_at__gte=start, returned_at__lt=end, returned_at__gt=F("planned_return"))
    incidents = KeyIncident.objects.filter(site_id__in=site_ids)
    return {
        "by_state": by_state,
        "in_custody": by_state[KeyDeposit.Status.STORED] + by_state[KeyDeposit.Status.OUT],
        "registered": deposits.filter(registered_at__gte=start, registered_at__lt=end).count(),
        "returned_to_residents": deposits.filter(returned_at__gte=start, returned_at__lt=end).count(),
        "uses_requested": uses.filter(requested_at__gte=start, requested_at__lt=end).count(),
        "uses_taken_out": uses.filter(taken_out_at__gte=start, taken_out_at__lt=end).count(),
        "minutes_out": max(0, int(total.total_seconds() // 60)),
        "overdue_returns": uses.filter(Q(overdue_at__gte=start, overdue_at__lt=end) | late_return).count(),
        "escalations": uses.filter(escalated_at__gte=start, escalated_at__lt=end).count(),
        "reconciliations": KeyReconciliation.objects.filter(site_id__in=site_ids, performed_at__gte=start,
                                                            performed_at__lt=end).count(),
        "incidents_opened": incidents.filter(opened_at__gte=start, opened_at__lt=end).count(),
        "incidents_open": incidents.filter(status=KeyIncident.Status.OPEN).count(),
    }


def unit_keys_held(unit_id: int) -> bool:
    """A deposit of the unit is registered and not yet returned or cancelled (one custody per unit, K-01)."""
    return KeyDeposit.objects.filter(unit_id=unit_id).exclude(
        status__in=[KeyDeposit.Status.RETURNED, KeyDeposit.Status.CANCELLED]).exists()


def unit_key_in_cabinet(unit_id: int) -> KeyDeposit | None:
    """The unit's first deposit stored in the cabinet (the keys returned at the move-in, H-02 / K-07)."""
    return KeyDeposit.objects.filter(unit_id=unit_id, status=KeyDeposit.Status.STORED).order_by("id").first()
