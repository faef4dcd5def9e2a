"""Fees (SPEC §8, F-01..F-06; issue 16): charge items, tariffs, meters, bills, payments, receipts,
an append-only ledger, reversals, deposits, reminders and bank collection.

Money is `DecimalField(max_digits=12, decimal_places=2)` everywhere (`money`); the one rounding
point is the bill line (`fees.money.line_amount`, ROUND_HALF_UP to the fen). Payments, receipts,
ledger rows, reversals and deposit movements are never updated or deleted: a PostgreSQL trigger
(django-pgtrigger) refuses it, so a shell or a raw UPDATE cannot rewrite history either (F-02).
A package by subject; every name is re-exported here.
"""

from fees.models.base import (
    ZERO,
    _append_only,
    money,
)
from fees.models.bills import (
    _ARREARS_APPLY,
    _ARREARS_DELTA_INSERT,
    _ARREARS_DELTA_UPDATE,
    ARREARS_TRIGGERS,
    Bill,
    BillLine,
)
from fees.models.charges import (
    BillRun,
    ChargeItem,
    Meter,
    MeterReading,
    Tariff,
    UnitCharge,
)
from fees.models.collection import (
    ArrearsCell,
    ArrearsUnit,
    BankAccount,
    BankBatch,
    BankLine,
    NoticeEmail,
    Reminder,
)
from fees.models.ledger import (
    Allocation,
    DepositMovement,
    LedgerEntry,
    Payment,
    Receipt,
    Reversal,
)

__all__ = [
    "ARREARS_TRIGGERS",
    "Allocation",
    "ArrearsCell",
    "ArrearsUnit",
    "BankAccount",
    "BankBatch",
    "BankLine",
    "Bill",
    "BillLine",
    "BillRun",
    "ChargeItem",
    "DepositMovement",
    "LedgerEntry",
    "Meter",
    "MeterReading",
    "NoticeEmail",
    "Payment",
    "Receipt",
    "Reminder",
    "Reversal",
    "Tariff",
    "UnitCharge",
    "ZERO",
    "_ARREARS_APPLY",
    "_ARREARS_DELTA_INSERT",
    "_ARREARS_DELTA_UPDATE",
    "_append_only",
    "money",
]
