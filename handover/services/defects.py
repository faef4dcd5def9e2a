"""The defect list (遗留问题统计表): listed, rectified by the developer, re-inspected, overdue."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start, deadline_stop
from core.numbering import number_take
from core.service_kit import lock_row
from estates.models import Unit
from handover import permissions as perm
from handover.models import (
    ChecklistItem,
    Defect,
    HandoverEvent,
    Inspection,
    MoveIn,
    Takeover,
)
from handover.services._common import DEFECT_CLOCK, _check_dates, _need


@transaction.atomic
def defect_list(*, site, location: str, description: str, due_at: datetime, reinspect_on: date, actor: User,
                takeover: Takeover | None = None, move_in: MoveIn | None = None, inspection: Inspection | None = None,
                item: ChecklistItem | None = None, unit: Unit | None = None, now: datetime | None = None,
                _checked: bool = False) -> Defect:
    now = now or timezone.now()
    if not _checked:
        _need(perm.can_list_defect(actor, site.pk), _("Only the acceptance team or the move-in desk lists defects."))
        _need(unit is None or unit.site_id == site.pk, _("The unit is not at this site."), "other_site")
        _check_dates(due_at, reinspect_on, now)
    _need(bool(location.strip()) and bool(description.strip()), _("Give the location and the problem."), "description")
    defect = Defect(site=site, location=location.strip()[:100], description=description.strip(), due_at=due_at,
                    reinspect_on=reinspect_on, takeover=takeover, move_in=move_in, inspection=inspection, item=item,
                    unit=unit, created_by=actor)
    seq = number_take(site_id=site.pk, series="YL", period=str(now.year))
    defect.number = f"YL{now.year}-{seq:04d}"
    defect.save()
    deadline_start(subject=defect, code=DEFECT_CLOCK, now=now, site_id=site.pk, due_at=due_at)
    HandoverEvent.log(defect, actor=actor, kind="listed", at=now, note=defect.description,
                      data={"due_at": due_at.isoformat(), "reinspect_on": reinspect_on.isoformat()})
    return defect


@transaction.atomic
def defect_rectified(*, defect: Defect, actor: User, note: str = "", now: datetime | None = None) -> Defect:
    """The developer reports the defect rectified: it waits for re-inspection (it is not closed)."""
    now = now or timezone.now()
    defect = lock_row(defect)
    _need(perm.can_record_rectified(actor, defect), _("You may not record the developer's rectification."))
    _need(defect.status == Defect.Status.OPEN, _("This defect is not waiting for the developer."), "bad_state")
    defect.rectified(at=now)
    defect.save(update_fields=["status", "rectified_at", "updated_at"])
    deadline_stop(subject=defect, code=DEFECT_CLOCK, now=now)
    HandoverEvent.log(defect, actor=actor, kind="rectified", at=now, note=note.strip())
    return defect


@transaction.atomic
def defect_reinspect(*, defect: Defect, passed: bool, note: str, actor: User, new_due_at: datetime | None = None,
                     new_reinspect_on: date | None = None, now: datetime | None = None) -> Defect:
    """复验: a defect closes only here, after the developer's rectification; failed → back to the developer
    with a new agreed date and its clock restarted."""
    now = now or timezone.now()
    defect = lock_row(defect)
    _need(perm.can_reinspect(actor, defect), _("Only the acceptance team of this site re-inspects."))
    _need(defect.status == Defect.Status.RECTIFIED,
          _("A defect closes only after the developer's rectification and a re-inspection; it is not rectified yet."),
          "not_rectified")
    _need(bool(note.strip()), _("Record what the re-inspection found."), "note")
    if passed:
        defect.close(at=now, by=actor)
        defect.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
        HandoverEvent.log(defect, actor=actor, kind="closed", at=now, note=note.strip())
        return defect
    new_due_at, new_reinspect_on = _check_dates(new_due_at, new_reinspect_on, now)
    defect.reopen(due_at=new_due_at, reinspect_on=new_reinspect_on)
    defect.save(update_fields=["status", "due_at", "reinspect_on", "rectified_at", "updated_at"])
    deadline_start(subject=defect, code=DEFECT_CLOCK, now=now, site_id=defect.site_id, due_at=new_due_at)
    HandoverEvent.log(defect, actor=actor, kind="reinspection_failed", at=now, note=note.strip(),
                      data={"due_at": new_due_at.isoformat()})
    return defect


def defect_overdue_record(*, defect_id: int, now: datetime) -> None:
    """Breach of `handover.defect` (the engine notifies the policy's roles): history + the developer reminder."""
    defect = Defect.objects.filter(pk=defect_id).first()
    if defect is None or defect.status != Defect.Status.OPEN:
        return
    HandoverEvent.log(defect, actor=None, kind="overdue", at=now,
                      note=_("Past the agreed date: the developer is reminded."))

