"""What the inspection services share: the score constants, rounding, a day's start, a month's range."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

TWO = Decimal("0.01")
INSPECTION_SHARE = Decimal("0.30")
RESIDENT_SHARE = Decimal("0.70")
RESIDENT_START = Decimal("100")
PER_VALID_COMPLAINT = Decimal("-5")
PER_PRAISE = Decimal("2")
MAX_ADJUSTMENT = Decimal("100")
MAX_PHOTOS = 5


def _q(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def _aware(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def month_range(month: date) -> tuple[datetime, datetime]:
    start = month.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return _aware(start), _aware(end)

