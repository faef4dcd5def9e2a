"""Deposits (R-03, R-07, issue 16 part 6): taken with a receipt, held, deducted with a reason, refunded.

The renovation app calls these: `deposit_take`, `deposit_deduct`, `deposit_refund`, `deposit_held`.
A deduction or refund never exceeds what is held for the unit and reference (e.g. the permit).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Case, DecimalField, F, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from estates.models import Unit
from fees import permissions
from fees.models import DepositMovement, LedgerEntry, Payment
from fees.money import parse_amount
from fees.services.common import fen, lock_unit, receipt_issue

_SIGN: dict[str, int] = {DepositMovement.Kind.TAKEN: 1, DepositMovement.Kind.DEDUCTED: -1,
                         DepositMovement.Kind.REFUNDED: -1}
_KIND: dict[str, str] = {DepositMovement.Kind.TAKEN: LedgerEntry.Kind.DEPOSIT_TAKEN,
                         DepositMovement.Kind.DEDUCTED: LedgerEntry.Kind.DEPOSIT_DEDUCTED,
                         DepositMovement.Kind.REFUNDED: LedgerEntry.Kind.DEPOSIT_REFUNDED}


def deposit_held(unit: Unit, reference: str | None = None) -> Decimal:
    """What is held for the unit (and reference): taken − deducted − refunded."""
    qs = DepositMovement.objects.filter(unit_id=unit.pk)
    if reference is not None:
        qs = qs.filter(reference=reference)
    signed = Case(When(kind=DepositMovement.Kind.TAKEN, then=F("amount")), default=-F("amount"),
                  output_field=DecimalField(max_digits=12, decimal_places=2))
    return fen(qs.aggregate(s=Sum(signed))["s"])


def _move(*, unit: Unit, kind: str, amount: Decimal, actor: User, now: datetime, purpose: str, reference: str,
          reason: str, payment: Payment | None = None) -> DepositMovement:
    entry = LedgerEntry.objects.create(site_id=unit.site_id, unit=unit, account=LedgerEntry.Account.DEPOSIT,
                                       kind=_KIND[kind], amount=_SIGN[kind] * amount, at=now, payment=payment,
                                       actor=actor, note=(reason or reference)[:200])
    return DepositMovement.objects.create(site_id=unit.site_id, unit=unit, kind=kind, amount=amount, purpose=purpose,
                                          reference=reference, reason=reason[:200], payment=payment, entry=entry,
                                          actor=actor, at=now)


@transaction.atomic
def deposit_take(*, unit: Unit, amount, method: str, actor: User, reference: str = "", purpose: str = "renovation",
                 payer: str = "", now: datetime | None = None) -> DepositMovement:
    """Money received as a deposit: a payment with its receipt, held on the unit's deposit account."""
    now = now or timezone.now()
    permissions.check_take_payment(actor, unit.site_id)
    amount = parse_amount(amount)
    unit = lock_unit(unit)
    payment = Payment.objects.create(site_id=unit.site_id, unit=unit, amount=amount, method=method,
                                     purpose=Payment.Purpose.DEPOSIT, payer=payer[:60], reference=reference[:60],
                                     received_at=now, received_by=actor)
    payment.site = unit.site
    move = _move(unit=unit, kind=DepositMovement.Kind.TAKEN, amount=amount, actor=actor, now=now, purpose=purpose,
                 reference=reference, reason="", payment=payment)
    receipt_issue(payment=payment, actor=actor, now=now)
    return move


def _take_out(kind: str, *, unit: Unit, amount, reason: str, actor: User, reference: str | None,
              now: datetime | None) -> DepositMovement:
    now = now or timezone.now()
    permissions.check_finance(actor, unit.site_id)
    amount = parse_amount(amount)
    reason = (reason or "").strip()
    if kind == DepositMovement.Kind.DEDUCTED and not reason:
        raise DomainError(_("Give the reason for the deduction."), code="reason")
    unit = lock_unit(unit)
    held = deposit_held(unit, reference)
    if amount > held:
        raise DomainError(_("Only %(held)s is held; you cannot take out %(amount)s.")
                          % {"held": held, "amount": amount}, code="more_than_held")
    last = DepositMovement.objects.filter(unit=unit, kind=DepositMovement.Kind.TAKEN)
    if reference is not None:
        last = last.filter(reference=reference)
    purpose = (last.order_by("-at").values_list("purpose", flat=True).first()) or "renovation"
    return _move(unit=unit, kind=kind, amount=amount, actor=actor, now=now, purpose=purpose,
                 reference=reference or "", reason=reason)


@transaction.atomic
def deposit_deduct(*, unit: Unit, amount, reason: str, actor: User, reference: str | None = None,
                   now: datetime | None = None) -> DepositMovement:
    """Deduct from a deposit (R-05 violation, damage), with the reason; never more than is held."""
    return _take_out(DepositMovement.Kind.DEDUCTED, unit=unit, amount=amount, reason=reason, actor=actor,
                     reference=reference, now=now)


@transaction.atomic
def deposit_refund(*, unit: Unit, amount, actor: User, reason: str = "", reference: str | None = None,
                   now: datetime | None = None) -> DepositMovement:
    """Refund (part of) a deposit (R-07); never more than is held."""
    return _take_out(DepositMovement.Kind.REFUNDED, unit=unit, amount=amount, reason=reason, actor=actor,
                     reference=reference, now=now)
