"""Fees reads: site-scoped lists (another site's record is 404), the unit account, arrears aging and the
collection rate. Aggregates run in the database (indexes on bill (site, status, period) and ledger
(unit, account, at)), so the arrears page and the account page stay fast at millions of rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from estates.models import Unit
from estates.selectors import site_ids_visible_to, unit_list_visible_to
from fees import permissions
from fees.models import (
    ZERO,
    ArrearsCell,
    ArrearsUnit,
    BankBatch,
    Bill,
    BillLine,
    BillRun,
    DepositMovement,
    LedgerEntry,
    MeterReading,
    Payment,
    Receipt,
    Reminder,
)
from fees.services.common import fen
from tickets.selectors import settlement as tickets_settlement

M = DecimalField(max_digits=14, decimal_places=2)
# SPEC F-03 aging buckets: months a bill is past its month (1, 2, 3, 4–6, 7–12, more than 12)
BUCKETS = [("m1", 0, 1), ("m2", 2, 2), ("m3", 3, 3), ("m6", 4, 6), ("m12", 7, 12), ("m12p", 13, 10**6)]


def _visible(qs: QuerySet, user, field: str = "site_id") -> QuerySet:
    return qs.filter(**{f"{field}__in": site_ids_visible_to(user)})


def unit_get(user, pk: int) -> Unit:

    return get_object_or_404(unit_list_visible_to(user), pk=pk)


def bill_list_visible_to(user) -> QuerySet[Bill]:
    return _visible(Bill.objects.select_related("unit", "site"), user)


def payment_list_visible_to(user) -> QuerySet[Payment]:
    return _visible(Payment.objects.select_related("unit", "site", "receipt", "received_by"), user)


def receipt_list_visible_to(user) -> QuerySet[Receipt]:
    return _visible(Receipt.objects.select_related("payment__unit", "site", "issued_by"), user)


def bill_run_list_visible_to(user) -> QuerySet[BillRun]:
    return _visible(BillRun.objects.select_related("site", "unit"), user)


def reminder_list_visible_to(user) -> QuerySet[Reminder]:
    qs = _visible(Reminder.objects.select_related("unit__building", "assigned_to", "site"), user)
    zone = permissions.zone_limited(user)
    if zone is not None:
        qs = qs.filter(unit__building__zone_id=zone)
    return qs


def bank_batch_list_visible_to(user) -> QuerySet[BankBatch]:
    return _visible(BankBatch.objects.select_related("site"), user)


def _sum_of(qs: QuerySet, expr) -> Subquery:
    return Subquery(qs.order_by().values("unit_id").annotate(s=Sum(expr, output_field=M)).values("s")[:1],
                    output_field=M)


def unit_account(unit: Unit) -> dict:
    """The unit's account: balance (sum of its ledger), deposit held, what its open bills still owe — one
    query (the account page stays within 10 at millions of ledger rows); `open_bills` is read if used."""
    ledger = LedgerEntry.objects.filter(unit_id=OuterRef("pk"))
    sums: Any = Unit.objects.filter(pk=unit.pk).annotate(
        balance=_sum_of(ledger.filter(account=LedgerEntry.Account.RECEIVABLE), F("amount")),
        deposit=_sum_of(ledger.filter(account=LedgerEntry.Account.DEPOSIT), F("amount")),
        outstanding=_sum_of(Bill.objects.filter(unit_id=OuterRef("pk"), status=Bill.Status.OPEN),
                            F("total") - F("paid")),
    ).values("balance", "deposit", "outstanding").first() or {}
    return {"balance": fen(sums.get("balance")), "deposit": fen(sums.get("deposit")),
            "outstanding": fen(sums.get("outstanding")),
            "open_bills": Bill.objects.filter(unit=unit, status=Bill.Status.OPEN).order_by("period", "pk")}


def _age_expr(as_of: date):
    """Months between a bill's month and `as_of`, as a Case over the few months that matter."""
    whens = []
    for key, low, high in BUCKETS:
        # periods whose age falls in [low, high] months
        newest = _shift(as_of, -low)
        oldest = _shift(as_of, -high) if high < 10**6 else date(1900, 1, 1)
        whens.append((key, oldest, newest))
    return whens


def _shift(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, 1)


GROUPS = {
    "unit": ("unit_id", "unit__code", "unit__building__zone__name"),
    "building": ("unit__building_id", "unit__building__number", "unit__building__zone__name"),
    "zone": ("unit__building__zone_id", "unit__building__zone__name", "site__name"),
    "site": ("site_id", "site__name", "site__code"),
}


def _aging_buckets(as_of: date, owed) -> dict:
    return {name: Coalesce(Sum(Case(When(period__gte=oldest, period__lte=newest, then=owed), default=Value(ZERO),
                                    output_field=M)), Value(ZERO), output_field=M)
            for name, oldest, newest in _age_expr(as_of)}


def _open_bills(user, *, as_of: date, site_id: int | None, zone_id: int | None) -> QuerySet[Bill]:
    qs = bill_list_visible_to(user).filter(status=Bill.Status.OPEN, period__lte=as_of)
    limited = permissions.zone_limited(user)
    if limited is not None:
        qs = qs.filter(unit__building__zone_id=limited)
    if site_id:
        qs = qs.filter(site_id=site_id)
    if zone_id:
        qs = qs.filter(unit__building__zone_id=zone_id)
    return qs


def _from_bills(user, *, as_of: date, group: str, site_id: int | None, zone_id: int | None) -> QuerySet:
    key, label, extra = GROUPS[group]
    owed = F("total") - F("paid")
    return (_open_bills(user, as_of=as_of, site_id=site_id, zone_id=zone_id).values(key, label, extra)
            .annotate(owed=Sum(owed, output_field=M), bills=Sum(Value(1), output_field=IntegerField()),
                      **_aging_buckets(as_of, owed))
            .order_by("-owed", key))


# the same groups read from the per-building-and-month summary (fees.ArrearsCell)
CELL_GROUPS = {
    "building": ("building_id", "building__number", "building__zone__name"),
    "zone": ("building__zone_id", "building__zone__name", "site__name"),
    "site": ("site_id", "site__name", "site__code"),
}


def _from_cells(user, *, as_of: date, group: str, site_id: int | None, zone_id: int | None) -> list[dict]:
    """Building, zone or site aging from the summary kept by the bill triggers: a few thousand cells
    instead of every open bill (issue 16 benchmark: < 100 ms at millions of ledger rows)."""
    qs = ArrearsCell.objects.filter(site_id__in=site_ids_visible_to(user), period__lte=as_of)
    limited = permissions.zone_limited(user)
    if limited is not None:
        qs = qs.filter(building__zone_id=limited)
    if site_id:
        qs = qs.filter(site_id=site_id)
    if zone_id:
        qs = qs.filter(building__zone_id=zone_id)
    names = dict(zip(CELL_GROUPS[group], GROUPS[group], strict=True))
    rows = (qs.values(*names).annotate(sum_owed=Sum("owed"), sum_bills=Sum("bills"),
                                       **_aging_buckets(as_of, F("owed")))
            .filter(sum_bills__gt=0).order_by("-sum_owed", CELL_GROUPS[group][0]))
    out = []
    for r in rows:
        row = {names.get(k, k): v for k, v in r.items()}
        row["owed"], row["bills"] = row.pop("sum_owed"), row.pop("sum_bills")
        out.append(row)
    return out


def _open_after(user, as_of: date) -> bool:
    """Does any visible site have an open bill of a later month? If not, what a unit owes now is what it
    owed as of that month, and the per-unit summary orders the page (one indexed EXISTS)."""
    return ArrearsCell.objects.filter(site_id__in=site_ids_visible_to(user), period__gt=as_of, bills__gt=0).exists()


class _UnitArrears:
    """The per-unit aging as a lazy list for the paginator: the count and the page's order come from the
    per-unit summary (fees.ArrearsUnit, indexed by owed), the page's buckets from those units' bills."""

    def __init__(self, user, *, as_of: date, site_id: int | None, zone_id: int | None) -> None:
        self.user, self.as_of, self.site_id, self.zone_id = user, as_of, site_id, zone_id
        qs = ArrearsUnit.objects.filter(site_id__in=site_ids_visible_to(user), bills__gt=0)
        limited = permissions.zone_limited(user)
        if limited is not None:
            qs = qs.filter(unit__building__zone_id=limited)
        if site_id:
            qs = qs.filter(site_id=site_id)
        if zone_id:
            qs = qs.filter(unit__building__zone_id=zone_id)
        self.qs = qs.order_by("-owed", "unit_id")

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        ids = list(self.qs.values_list("unit_id", flat=True)[index])
        rows = {r["unit_id"]: r for r in _from_bills(self.user, as_of=self.as_of, group="unit", site_id=self.site_id,
                                                     zone_id=self.zone_id).filter(unit_id__in=ids)}
        return [rows[i] for i in ids if i in rows]


def arrears_aging(user, *, as_of: date, group: str = "unit", site_id: int | None = None,
                  zone_id: int | None = None):
    """SPEC F-03: what is owed, by age of the bill's month, per unit / building / zone / site.

    On PostgreSQL the summaries kept by the bill triggers answer (building, zone and site exactly for any
    month; per unit, the order by what is owed now — for this month or later, or an earlier month after
    which no bill is open); elsewhere, or otherwise, the open bills are grouped directly."""
    group = group if group in GROUPS else "unit"
    kw: dict[str, Any] = {"as_of": as_of, "site_id": site_id, "zone_id": zone_id}
    if connection.vendor == "postgresql":
        if group in CELL_GROUPS:
            return _from_cells(user, group=group, **kw)
        if as_of >= timezone.localdate().replace(day=1) or not _open_after(user, as_of):
            return _UnitArrears(user, **kw)
    return _from_bills(user, group=group, **kw)


def collection_rate(*, site_ids: list[int], period: date) -> list[dict]:
    """SPEC F-03/D-02: per zone, the month's billed total and what of it is collected (now)."""
    rows = (Bill.objects.filter(site_id__in=site_ids, period=period).exclude(status=Bill.Status.VOID)
            .values("site__name", "unit__building__zone_id", "unit__building__zone__name")
            .annotate(billed=Sum("total"), collected=Sum("paid"))
            .order_by("site__name", "unit__building__zone__name"))
    out = []
    for r in rows:
        billed = r["billed"] or ZERO
        rate = (r["collected"] / billed * 100).quantize(Decimal("0.1")) if billed else None
        out.append({**r, "rate": rate})
    return out


def consumption(*, site_ids: list[int], period: date) -> list[dict]:
    """SPEC F-04/D-02: energy use (能耗) per site, building and meter kind; common areas apart."""
    return [dict(r) for r in MeterReading.objects.filter(site_id__in=site_ids, period=period)
                .values("site__name", "meter__building__number", "meter__kind")
                .annotate(used=Sum("consumption"), common=Sum(Case(When(meter__unit__isnull=True,
                                                                         then=F("consumption")),
                                                                    default=Value(ZERO), output_field=M)))
                .order_by("site__name", "meter__building__number", "meter__kind")]


def open_bill_query(unit: Unit) -> QuerySet[Bill]:
    return Bill.objects.filter(unit=unit, status=Bill.Status.OPEN).filter(~Q(total=0)).order_by("period", "pk")


# ---- issue 22: the resident's own household (portal), record only — no online payment
def household_bills(unit_id: int) -> QuerySet[Bill]:
    return Bill.objects.filter(unit_id=unit_id).exclude(status=Bill.Status.VOID).order_by("-period", "-pk")


def household_payments(unit_id: int) -> QuerySet[Payment]:
    return Payment.objects.filter(unit_id=unit_id).select_related("receipt").order_by("-received_at", "-pk")


def household_receipt(unit_id: int, pk: int) -> Receipt:
    """Another household's receipt is a 404."""
    return get_object_or_404(Receipt.objects.select_related("payment__unit", "site"), pk=pk, payment__unit_id=unit_id)


def notice_print_context(bills: list[Bill]) -> dict:
    """收费通知单 of the bills (A4, one page each) with what each unit still owes from earlier months."""
    ids = [b.pk for b in bills]
    full = (Bill.objects.filter(pk__in=ids).select_related("unit__building", "site")
            .prefetch_related(Prefetch("lines", queryset=BillLine.objects.order_by("id")))
            .order_by("unit__code"))
    arrears = dict(Bill.objects.filter(unit_id__in=[b.unit_id for b in bills], status=Bill.Status.OPEN)
                   .exclude(pk__in=ids).values("unit_id").annotate(s=Sum(F("total") - F("paid")))
                   .values_list("unit_id", "s"))
    return {"bills": [(b, arrears.get(b.unit_id)) for b in full]}


def receipt_print_context(receipt: Receipt) -> dict:
    payment = receipt.payment
    return {"receipt": receipt, "payment": payment, "unit": payment.unit, "site": receipt.site,
            "allocations": payment.allocations.filter(amount__gt=0).select_related("bill"),
            "reversals": payment.reversals.all()}


# ---- SPEC T-13 / F-06: the month-end settlement of paid services, for finance
def service_settlement(site_ids: list[int], period: date) -> dict:
    """Orders with charges completed in the month (T-13 结算联), counting only charges the CS supervisor
    approved (F-06), per department, with what was posted to the units' accounts and what is collected;
    orders whose charges are not approved yet are listed apart and not counted."""
    data = tickets_settlement(site_ids, period.year, period.month)
    approved, pending = data["orders"], data["pending"]  # tickets settles approved charges only
    bills = {b["work_order_id"]: b for b in Bill.objects.filter(
        site_id__in=site_ids, kind=Bill.Kind.SERVICE, work_order_id__in=[o.pk for o in approved])
        .exclude(status=Bill.Status.VOID).values("work_order_id", "total", "paid")}
    rows: list[dict] = []
    by_dept: dict[tuple[str, str], dict] = {}
    for o in approved:
        bill = bills.get(o.pk)
        row = {"order": o, "charged": fen(o.total), "posted": fen(bill["total"]) if bill else ZERO,
               "collected": fen(bill["paid"]) if bill else ZERO}
        rows.append(row)
        key = (o.site.name, o.department.name if o.department_id else "")
        dept = by_dept.setdefault(key, {"site": key[0], "department": key[1], "orders": 0, "charged": ZERO,
                                        "posted": ZERO, "collected": ZERO})
        dept["orders"] += 1
        for k in ("charged", "posted", "collected"):
            dept[k] += row[k]
    totals = {k: sum((r[k] for r in rows), ZERO) for k in ("charged", "posted", "collected")}
    return {"rows": rows, "by_department": [by_dept[k] for k in sorted(by_dept)], "totals": totals,
            "pending": pending, "pending_total": sum((fen(o.total) for o in pending), ZERO)}


def deposit_summary(unit: Unit) -> list[dict]:
    """The unit's deposits per reference (e.g. the renovation permit): taken, deducted, refunded, held."""
    def total(kind: str) -> Coalesce:
        return Coalesce(Sum("amount", filter=Q(kind=kind)), Value(ZERO), output_field=M)

    rows = (DepositMovement.objects.filter(unit_id=unit.pk).values("reference")
            .annotate(taken=total(DepositMovement.Kind.TAKEN), deducted=total(DepositMovement.Kind.DEDUCTED),
                      refunded=total(DepositMovement.Kind.REFUNDED)).order_by("reference"))
    return [{**r, "held": fen(r["taken"] - r["deducted"] - r["refunded"])} for r in rows]


def deposit_movements(unit: Unit) -> QuerySet[DepositMovement]:
    return (DepositMovement.objects.filter(unit_id=unit.pk).select_related("actor", "payment__receipt")
            .order_by("-at", "-id"))


def deposit_movements_of(reference: str) -> QuerySet[DepositMovement]:
    """The movements of one deposit by its reference (e.g. a renovation permit, SPEC R-07), oldest first."""
    return DepositMovement.objects.filter(reference=reference).order_by("at", "id")


def deposit_movements_before(*, site_ids: list[int], reference_prefix: str, end) -> QuerySet[DepositMovement]:
    """The sites' movements of the deposits whose reference starts so (a dashboard's totals), before `end`."""
    return DepositMovement.objects.filter(site_id__in=site_ids, reference__startswith=reference_prefix, at__lt=end)


def payment_method_choices() -> list[tuple[str, Any]]:
    """How a payment may be made, for another app's form that takes one (e.g. the move-in fees, H-02)."""
    return list(Payment.Method.choices)
