"""Shared helpers of the renovation services: the row lock, the history row, the setting, the clock days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from core import worktime
from core.deadlines import site_office_hours, work_calendar
from core.errors import DomainError
from renovation.models import DEFAULT_WORK_HOURS, Renovation, RenovationEvent, SiteRenovationSetting

PATROL = "renovation.patrol"
ACCEPTANCE = "renovation.acceptance"
PERMIT_EXPIRY = "renovation.permit.expiry"
CHANGE = "renovation.change"


def lock(renovation: Renovation) -> Renovation:
    return Renovation.objects.select_for_update().select_related("site", "unit").get(pk=renovation.pk)


def require_status(renovation: Renovation, *statuses: str, message: str | None = None) -> None:
    if renovation.status not in statuses:
        raise DomainError(message or _("This cannot be done while the renovation is “%(status)s”.")
                          % {"status": renovation.get_status_display()}, code="bad_state")


def event(renovation: Renovation, kind: str, *, actor: User | None, at: datetime, note: str = "",
          data: dict | None = None) -> RenovationEvent:
    ev = RenovationEvent.record(renovation, actor=actor, kind=kind, note=note, data=data, at=at)
    assert isinstance(ev, RenovationEvent)
    return ev


def setting_for(site) -> SiteRenovationSetting:
    """The site's renovation setting (R-03 work hours), created with the defaults on first use."""
    obj = SiteRenovationSetting.objects.filter(site=site).first()
    return obj or SiteRenovationSetting(site=site, work_hours=DEFAULT_WORK_HOURS)


def next_patrol_due(after_day: date, site_id: int) -> datetime:
    """Closing time of the first working day after `after_day` (R-09: a patrol each working day)."""
    cal, hours = work_calendar(), site_office_hours(site_id)
    start = timezone.make_aware(datetime.combine(after_day + timedelta(days=1), datetime.min.time()))
    return worktime.end_of_working_day(start, cal, hours)


def end_of(day: date) -> datetime:
    """The end of a calendar day in local time (a permit is valid through its end date)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))
