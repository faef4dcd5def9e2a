"""What a missed key clock does to the use (SPEC K-06). The engine's breach handlers
(`keys/deadline_handlers.py`) find the open use and call these inside the sweep's transaction; the
engine has already notified the policy's roles."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from core.models import Deadline
from keys.models import KeyEvent, KeyUse


def key_use_mark_overdue(*, use: KeyUse, deadline: Deadline, now: datetime) -> None:
    """K-06: out past the planned time → marked overdue once, with the planned time in the history."""
    if use.overdue_at is not None:
        return
    KeyUse.objects.filter(pk=use.pk).update(overdue_at=now, updated_at=now)
    KeyEvent.record(use.deposit, kind=KeyEvent.Kind.OVERDUE, at=now,
                    data={"use": use.pk, "deadline": deadline.pk,
                          "planned_return": f"{timezone.localtime(use.planned_return):%Y-%m-%d %H:%M}"})


def key_use_mark_escalated(*, use: KeyUse, deadline: Deadline, now: datetime) -> None:
    """K-06: not back by the end of the working day → escalated to the site director, once."""
    if use.escalated_at is not None:
        return
    KeyUse.objects.filter(pk=use.pk).update(escalated_at=now, updated_at=now)
    KeyEvent.record(use.deposit, kind=KeyEvent.Kind.ESCALATED, at=now,
                    data={"use": use.pk, "deadline": deadline.pk, "to": "site_director"})
