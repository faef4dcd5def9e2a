"""Payments, receipts, allocation and reversals (F-02).

A payment is posted with its ledger credit and its receipt in one transaction, under the unit's row
lock; it settles the chosen bills or the oldest open bills first; what is left is credit
(prepayment) that settles the next bills. It is never changed: a mistake is reversed by a
counter-entry with a reason, given by finance in their own login (T-18).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from estates.models import Unit
from fees import permissions
from fees.models import ZERO, Allocation, Bill, LedgerEntry, Payment, Reversal
from fees.money import parse_amount
from fees.services.common import fen, lock_unit, receipt_issue


def _settle(bill: Bill, payment_id: int, amount: Decimal, now: datetime) -> None:
    Allocation.objects.create(payment_id=payment_id, bill=bill, amount=amount, at=now)
    bill.paid += amount
    bill.status = Bill.Status.PAID if bill.paid >= bill.total else Bill.Status.OPEN
    bill.save(update_fields=["paid", "status", "updated_at"])


def payment_unallocated(payment_ids: Iterable[int]) -> dict[int, Decimal]:
    """What is left of each payment after its allocations and reversals (its credit)."""
    ids = list(payment_ids)
    left = dict(Payment.objects.filter(pk__in=ids).values_list("pk", "amount"))
    for pid, s in Allocation.objects.filter(payment_id__in=ids).values("payment_id").annotate(
            s=Sum("amount")).values_list("payment_id", "s"):
        left[pid] -= fen(s)
    for pid, s in Reversal.objects.filter(payment_id__in=ids).values("payment_id").annotate(
            s=Sum("amount")).values_list("payment_id", "s"):
        left[pid] -= fen(s)
    return left


def _allocate(*, unit: Unit, payments: list[int], bills: list[Bill], now: datetime,
              left: dict[int, Decimal] | None = None) -> None:
    """Spread the payments' credit over the bills, in the given order (oldest first by default)."""
    left = payment_unallocated(payments) if left is None else left
    queue = [pid for pid in payments if left.get(pid, ZERO) > 0]
    for bill in bills:
        while bill.outstanding > 0 and queue:
            pid = queue[0]
            take = min(left[pid], bill.outstanding)
            _settle(bill, pid, take, now)
            left[pid] -= take
            if left[pid] <= 0:
                queue.pop(0)


def credit_apply(*, unit: Unit, now: datetime | None = None) -> None:
    """Credit left on the unit's payments settles its open bills, oldest first (prepayments)."""
    now = now or timezone.now()
    # the unit's payments with what is left of each, in one query (a cashier's payment runs this every time)
    allocated = (Allocation.objects.filter(payment_id=OuterRef("pk")).order_by().values("payment_id")
                 .annotate(s=Sum("amount")).values("s"))
    reversed_ = (Reversal.objects.filter(payment_id=OuterRef("pk")).order_by().values("payment_id")
                 .annotate(s=Sum("amount")).values("s"))
    rows = (Payment.objects.filter(unit=unit, purpose=Payment.Purpose.CHARGES).order_by("received_at", "pk")
            .annotate(allocated=Subquery(allocated), reversed=Subquery(reversed_))
            .values_list("pk", "amount", "allocated", "reversed"))
    left = {pk: amount - fen(allocated_sum) - fen(reversed_sum) for pk, amount, allocated_sum, reversed_sum in rows}
    if not any(v > 0 for v in left.values()):
        return  # no credit: nothing to settle
    bills = list(Bill.objects.select_for_update().filter(unit=unit, status=Bill.Status.OPEN).order_by("period", "pk"))
    if bills:
        _allocate(unit=unit, payments=list(left), bills=bills, now=now, left=left)


@transaction.atomic
def payment_post(*, unit: Unit, amount, method: str, actor: User, now: datetime | None = None,
                 bills: Iterable[Bill] | None = None, payer: str = "", reference: str = "", note: str = "",
                 bank_line=None, _checked: bool = False) -> Payment:
    """Take a payment at the desk (or from a bank result): ledger credit, allocation, receipt (F-02)."""
    now = now or timezone.now()
    if not _checked:
        permissions.check_take_payment(actor, unit.site_id)
    amount = parse_amount(amount)
    if method not in Payment.Method.values:
        raise DomainError(_("Choose a payment method."), code="method")
    unit = lock_unit(unit)
    chosen = None
    if bills is not None:
        ids = [b.pk for b in bills]
        chosen = list(Bill.objects.select_for_update().filter(pk__in=ids, unit=unit, status=Bill.Status.OPEN)
                      .order_by("period", "pk"))
        if len(chosen) != len(set(ids)):
            raise DomainError(_("A chosen bill is not an unpaid bill of this unit."), code="bad_bill")
    payment = Payment.objects.create(site_id=unit.site_id, unit=unit, amount=amount, method=method, payer=payer[:60],
                                     reference=reference[:60], note=note[:200], received_at=now, received_by=actor,
                                     bank_line=bank_line)
    payment.site = unit.site
    LedgerEntry.objects.create(site_id=unit.site_id, unit=unit, kind=LedgerEntry.Kind.PAYMENT, amount=-amount,
                               at=now, payment=payment, actor=actor, note=payment.get_method_display())
    # chosen bills first, then whatever credit is left goes to the oldest open bills
    if chosen:
        _allocate(unit=unit, payments=[payment.pk], bills=chosen, now=now)
    credit_apply(unit=unit, now=now)
    receipt_issue(payment=payment, actor=actor, now=now)  # last: the number's lock is held until commit
    return payment


@transaction.atomic
def payment_reverse(*, payment: Payment, amount, reason: str, actor: User, now: datetime | None = None) -> Reversal:
    """Reverse (part of) a payment by a counter-entry (F-02): finance, in their own login (T-18), with a
    reason; never more than is left of the payment; the bills it settled are open again."""
    now = now or timezone.now()
    permissions.check_finance(actor, payment.site_id)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the reversal."), code="reason")
    amount = parse_amount(amount)
    if payment.purpose != Payment.Purpose.CHARGES:
        raise DomainError(_("A deposit is corrected by a refund, not a reversal."), code="deposit")
    unit = lock_unit(payment.unit)
    payment = Payment.objects.get(pk=payment.pk)
    reversed_so_far = fen(payment.reversals.aggregate(s=Sum("amount"))["s"])
    if amount > payment.amount - reversed_so_far:
        raise DomainError(_("At most %(left)s of this payment is left to reverse.")
                          % {"left": payment.amount - reversed_so_far}, code="too_much")
    original = payment.entries.get(kind=LedgerEntry.Kind.PAYMENT)
    entry = LedgerEntry.objects.create(site_id=payment.site_id, unit=unit, kind=LedgerEntry.Kind.REVERSAL,
                                       amount=amount, at=now, payment=payment, reverses=original, actor=actor,
                                       note=reason[:200])
    # take back the payment's credit first, then its allocations, newest bill first
    free = payment_unallocated([payment.pk])[payment.pk]
    need = amount - min(free, amount)
    if need > 0:
        allocated = (payment.allocations.values("bill_id").annotate(s=Sum("amount")).filter(s__gt=0)
                     .order_by("-bill__period", "-bill_id"))
        for row in allocated:
            if need <= 0:
                break
            take = min(need, fen(row["s"]))
            bill = Bill.objects.select_for_update().get(pk=row["bill_id"])
            Allocation.objects.create(payment=payment, bill=bill, amount=-take, at=now)
            bill.paid -= take
            bill.status = Bill.Status.OPEN if bill.status != Bill.Status.VOID else bill.status
            bill.save(update_fields=["paid", "status", "updated_at"])
            need -= take
    reversal = Reversal.objects.create(site_id=payment.site_id, payment=payment, entry=entry, amount=amount,
                                       reason=reason[:200], approved_by=actor, at=now)
    credit_apply(unit=unit, now=now)  # a re-opened bill is settled by credit the unit still has
    return reversal


def ledger_entry_reverse(*, entry: LedgerEntry, amount, reason: str, actor: User,
                         now: datetime | None = None) -> Reversal:
    """Reverse a posted ledger row: only payments can be reversed; a reversal itself never (F-02)."""
    if entry.kind == LedgerEntry.Kind.REVERSAL or entry.reverses_id:
        raise DomainError(_("A reversal cannot be reversed; post a new payment instead."), code="reversal_of_reversal")
    if entry.kind != LedgerEntry.Kind.PAYMENT or entry.payment is None:
        raise DomainError(_("Only payments are reversed; a wrong bill is corrected by re-running it."),
                          code="not_payment")
    return payment_reverse(payment=entry.payment, amount=amount, reason=reason, actor=actor, now=now)
