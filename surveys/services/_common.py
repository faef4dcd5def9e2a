"""What the survey use cases share: the collection clock, campaign intervals, month arithmetic, tokens."""

from __future__ import annotations

import calendar
import hashlib
from datetime import date

from core.errors import DomainError

COLLECTION = "survey.collection"  # SPEC S-03 / §15: collection closes after 7 days
ROUTINE_INTERVAL_MONTHS = 6  # SPEC S-02: a routine campaign every half year
NEW_SERVICE_WINDOW_MONTHS = 3  # SPEC S-02: within 3 months of the service's launch
# SPEC S-04: valid only if returned / sampled EXCEEDS 85 %, compared exactly as 20·returned > 17·sampled.
VALID_NUM, VALID_DEN = 17, 20


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _deny(message: str, code: str = "not_allowed") -> DomainError:
    return DomainError(message, code=code)
