"""What the work-order steps share: status and event aliases, the number check of issue 13.3."""

from __future__ import annotations

from decimal import Decimal

from core import numbers
from tickets.models import (
    WorkOrder,
    WorkOrderEvent,
)

S = WorkOrder.Status
E = WorkOrderEvent.Kind
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _dec(value, field: str, bound: numbers.Bound = numbers.QUANTITY) -> Decimal:
    """Issue 13.3: a finite decimal within its bound, or a DomainError (nothing is written)."""
    return numbers.bounded_decimal(value, bound, str(field))
