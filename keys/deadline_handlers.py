"""Domain reactions to key clocks (SPEC K-06, K-02). core notifies the policy's roles;
the services (keys/services/breaches.py) record the miss."""

from __future__ import annotations

from datetime import datetime

from core.deadlines import breach_handler
from core.models import Deadline
from keys.models import KeyUse
from keys.services import key_use_mark_escalated, key_use_mark_overdue


def _open_use(deadline: Deadline) -> KeyUse | None:
    use = deadline.subject
    if not isinstance(use, KeyUse) or use.status != KeyUse.Status.OUT:
        return None
    return use


@breach_handler("key.use.return")
def key_use_overdue(deadline: Deadline, now: datetime) -> None:
    """SPEC K-06: out past the planned time → alert (security supervisor, center head: by core)."""
    use = _open_use(deadline)
    if use is not None:
        key_use_mark_overdue(use=use, deadline=deadline, now=now)


@breach_handler("key.use.endofday")
def key_use_escalate(deadline: Deadline, now: datetime) -> None:
    """SPEC K-06: not back by the end of the working day → escalated to the site director (by core)."""
    use = _open_use(deadline)
    if use is not None:
        key_use_mark_escalated(use=use, deadline=deadline, now=now)
