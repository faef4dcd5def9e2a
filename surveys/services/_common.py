"""What the survey use cases share: the collection clock, campaign intervals, month arithmetic, tokens."""

from __future__ import annotations

import calendar
import hashlib
from datetime import date, datetime, time

from django.utils import timezone

from core.deadlines import compute_due, policy_for
from core.errors import DomainError

COLLECTION = "survey.collection"  # SPEC S-03 / §15: collection closes after 7 days
# SPEC S-02 cadences are policy rows (issue 15.10): admins edit them, per site; never a number here
ROUTINE_CADENCE = "survey.routine"  # a routine campaign every half year
NEW_SERVICE_WINDOW = "survey.new_service"  # a new-service campaign within 3 months of the launch
# SPEC S-04: valid only if returned / sampled EXCEEDS 85 %, compared exactly as 20·returned > 17·sampled.
VALID_NUM, VALID_DEN = 17, 20


def cadence_end(code: str, site_id: int, start: date) -> date:
    """The last day of the S-02 cadence `code` (a policy row) counted from `start` at this site."""
    begin = datetime.combine(start, time(0, 0), tzinfo=timezone.get_current_timezone())
    return timezone.localdate(compute_due(policy_for(code, site_id), begin, site_id=site_id))


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _deny(message: str, code: str = "not_allowed") -> DomainError:
    return DomainError(message, code=code)
