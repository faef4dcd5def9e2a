"""Domain reactions to key clocks (SPEC K-06, K-02). core notifies the policy's roles; we record history."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from core.deadlines import breach_handler
from core.models import Deadline
from keys.models import KeyEvent, KeyUse


def _open_use(deadline: Deadline) -> KeyUse | None:
    use = deadline.subject
    if not isinstance(use, KeyUse) or use.status != KeyUse.Status.OUT:
        return None
    return use


@breach_handler("key.use.return")
def key_use_overdue(deadline: Deadline, now: datetime) -> None:
    """SPEC K-06: out past the planned time → alert (security supervisor, center head: by core)."""
    use = _open_use(deadline)
    if use is None or use.overdue_at is not None:
        return
    KeyUse.objects.filter(pk=use.pk).update(overdue_at=now, updated_at=now)
    KeyEvent.record(use.deposit, kind=KeyEvent.Kind.OVERDUE, at=now,
                    data={"use": use.pk, "deadline": deadline.pk,
                          "planned_return": f"{timezone.localtime(use.planned_return):%Y-%m-%d %H:%M}"})


@breach_handler("key.use.endofday")
def key_use_escalate(deadline: Deadline, now: datetime) -> None:
    """SPEC K-06: not back by the end of the working day → escalated to the site director (by core)."""
    use = _open_use(deadline)
    if use is None or use.escalated_at is not None:
        return
    KeyUse.objects.filter(pk=use.pk).update(escalated_at=now, updated_at=now)
    KeyEvent.record(use.deposit, kind=KeyEvent.Kind.ESCALATED, at=now,
                    data={"use": use.pk, "deadline": deadline.pk, "to": "site_director"})
