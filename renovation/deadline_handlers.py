"""Domain reactions to renovation clocks (SPEC R-06, R-07, R-09); core notifies the policy's roles."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from core.deadlines import breach_handler, deadline_start
from core.models import Deadline
from renovation.models import Renovation, RenovationEvent, Violation
from renovation.services.common import PATROL, next_patrol_due


def _subject(deadline: Deadline, *states: str) -> Renovation | None:
    ren = deadline.subject
    if not isinstance(ren, Renovation) or ren.status not in states:
        return None
    return ren


@breach_handler("renovation.patrol")
def patrol_missing(deadline: Deadline, now: datetime) -> None:
    """R-09: no patrol record by the end of the working day → overdue (once), and the next day's clock."""
    ren = _subject(deadline, *Renovation.WORKING_STATES)
    if ren is None:
        return
    if ren.patrol_overdue_at is None:
        Renovation.objects.filter(pk=ren.pk).update(patrol_overdue_at=now, updated_at=now)
    due = f"{timezone.localtime(deadline.due_at):%Y-%m-%d %H:%M}"
    RenovationEvent.record(ren, kind="patrol_overdue", at=now, data={"deadline": deadline.pk, "due": due})
    deadline_start(subject=ren, code=PATROL, now=now,
                   due_at=next_patrol_due(timezone.localdate(deadline.due_at), ren.site_id))


@breach_handler("renovation.acceptance")
def acceptance_late(deadline: Deadline, now: datetime) -> None:
    """R-07: acceptance not applied for within 7 working days of completion → recorded as a violation."""
    ren = _subject(deadline, Renovation.Status.COMPLETED)
    if ren is None or ren.acceptance_late:
        return
    Renovation.objects.filter(pk=ren.pk).update(acceptance_late=True, updated_at=now)
    Violation.objects.create(site_id=ren.site_id, renovation=ren, rule=Violation.Rule.LATE_ACCEPTANCE,
                             description=f"{timezone.localtime(deadline.due_at):%Y-%m-%d %H:%M}",
                             measure=Violation.Measure.ADVICE, recorded_by=None, recorded_at=now)
    RenovationEvent.record(ren, kind="acceptance_late", at=now, data={"deadline": deadline.pk})


@breach_handler("renovation.permit.expiry")
def permit_expired(deadline: Deadline, now: datetime) -> None:
    """R-06: the permit's end date passed with the work not declared complete → extension required."""
    ren = _subject(deadline, Renovation.Status.ACTIVE)
    if ren is None or ren.permit_expired_at:
        return
    Renovation.objects.filter(pk=ren.pk).update(permit_expired_at=now, updated_at=now)
    RenovationEvent.record(ren, kind="permit_expired", at=now, data={"end": f"{ren.end_date}"})
