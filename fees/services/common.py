"""Shared pieces of the fees services: periods, locking a unit's account, the receipt number."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import Sum
from django.utils import timezone

from core.numbering import number_take
from estates.models import Unit
from fees.models import ZERO, LedgerEntry, Payment, Receipt

RECEIPT_SERIES = "SJ"  # 收据


def month_start(d: date | datetime) -> date:
    if isinstance(d, datetime):
        d = timezone.localdate(d)
    return d.replace(day=1)


def next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def lock_unit(unit: Unit) -> Unit:
    """Every posting to a unit's account holds the unit's row lock: allocations of two cashiers on the
    same unit never interleave (a no-op on SQLite, where writes are serialized anyway)."""
    return Unit.objects.select_for_update().select_related("site", "building").get(pk=unit.pk)


def balance(unit_id: int, account: str = LedgerEntry.Account.RECEIVABLE) -> Decimal:
    """The unit's balance is the sum of its ledger (F-02): + owes, − credit."""
    return fen(LedgerEntry.objects.filter(unit_id=unit_id, account=account).aggregate(s=Sum("amount"))["s"])


def fen(value: Decimal | None) -> Decimal:
    """A database sum as yuan with fen (SQLite hands sums back through a float: 26.6299999999999)."""
    return ZERO if value is None else Decimal(value).quantize(Decimal("0.01"))


def receipt_issue(*, payment: Payment, actor: User, now: datetime) -> Receipt:
    """The payment's receipt: number per site and year, gapless (core numbering, taken last)."""
    year = timezone.localdate(now).year
    seq = number_take(site_id=payment.site_id, series=RECEIPT_SERIES, period=str(year))
    code = payment.site.code if hasattr(payment, "site") else ""
    return Receipt.objects.create(site_id=payment.site_id, payment=payment, year=year, seq=seq,
                                  number=f"{code}-{year}-{seq:06d}", amount=payment.amount, issued_at=now,
                                  issued_by=actor)
