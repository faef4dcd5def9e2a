"""The WorkCalendar of this process, loaded from the admin tables once and cached (SPEC W-02).

`HolidayOverride` and `CalendarYear` rows are read once per process. Any change to them (service,
admin, shell: post_save/post_delete signals, simple-history included) bumps a version number in the
shared cache, so every process reloads on its next use; the check is one cache lookup at most every
`CHECK_SECONDS`, never a query per day or per deadline.
"""

from __future__ import annotations

import logging
import threading
import time as _time
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from core import scope, worktime
from core.models import CalendarYear, HolidayOverride
from core.worktime import DEFAULT_HOURS, OfficeHours, WorkCalendar, chinesecalendar_covers, python_holidays_publishes

log = logging.getLogger(__name__)
VERSION_KEY = "core:calendar:version"
CHECK_SECONDS = 5.0

_lock = threading.Lock()
_state: dict = {"calendar": None, "version": None, "checked": 0.0}


def _shared_version() -> int:
    try:
        return int(cache.get(VERSION_KEY) or 0)
    except Exception:  # cache backend down: keep what we have
        return _state["version"] or 0


def calendar_changed(**kwargs) -> None:
    """Invalidate every process's calendar (connected to the rows' save/delete signals)."""
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 1, None)
    except Exception:  # cache down: this process still resets below
        log.warning("calendar version not bumped (cache unavailable)", exc_info=True)
    with _lock:
        _state["calendar"] = None
        _state["checked"] = 0.0


def _load() -> WorkCalendar:

    overrides = {
        row_date: kind == HolidayOverride.Kind.WORKDAY
        for row_date, kind in HolidayOverride.objects.values_list("date", "kind")
    }
    complete = frozenset(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    return WorkCalendar(overrides=overrides, complete_years=complete)


def load_work_calendar(*, fresh: bool = False) -> WorkCalendar:
    """This process's calendar; reloaded when another process changed the tables."""
    mono = _time.monotonic()
    with _lock:
        cal = _state["calendar"]
        if cal is not None and not fresh and mono - _state["checked"] < CHECK_SECONDS:
            return cal
    version = _shared_version()
    with _lock:
        cal = _state["calendar"]
        if cal is not None and not fresh and version == _state["version"]:
            _state["checked"] = mono
            return cal
    cal = _load()
    with _lock:
        _state.update(calendar=cal, version=version, checked=mono)
    return cal


def reset_cache() -> None:
    """Forget this process's calendar (tests)."""
    with _lock:
        _state.update(calendar=None, version=None, checked=0.0)
    _hours.clear()


def year_source(year: int, cal: WorkCalendar | None = None) -> str:
    """Which source decides the working days of `year`: "table", "chinesecalendar", "holidays" or "none"."""
    cal = cal or load_work_calendar()
    if year in cal.complete_years:
        return "table"
    if chinesecalendar_covers(year):
        return "chinesecalendar"
    if python_holidays_publishes(year):
        return "holidays"
    return "none"


def missing_calendar_years(years: list[int]) -> list[int]:
    """Years among `years` that neither chinesecalendar nor a complete admin table covers (SPEC W-02)."""
    cal = load_work_calendar()
    return [y for y in years if not cal.year_is_covered(y)]


def calendar_warnings(now: datetime | None = None) -> list[str]:
    """Translated warnings for the dashboard and the daily digest: this year and next (SPEC W-02)."""
    now = timezone.localtime(now or timezone.now())
    years = [now.year, now.year + 1]
    return [_("holiday calendar missing for %(year)s") % {"year": y} for y in missing_calendar_years(years)]


_HOURS_TTL = 60.0
_hours: dict[int, tuple[float, OfficeHours]] = {}


def site_office_hours(site_id: int | None) -> OfficeHours:
    """A site's office hours (SPEC W-01), cached per process for a minute."""
    if site_id is None:
        return DEFAULT_HOURS
    mono = _time.monotonic()
    hit = _hours.get(site_id)
    if hit and mono - hit[0] < _HOURS_TTL:
        return hit[1]
    row = scope.office_hours(site_id)
    hours = OfficeHours(*row) if row and row[0] and row[1] else DEFAULT_HOURS
    _hours[site_id] = (mono, hours)
    return hours


def working_time_between(a: datetime, b: datetime, *, site_id: int | None = None) -> timedelta:
    """Office time on working days between two moments at a site (zero if b <= a)."""
    return worktime.working_time_between(a, b, load_work_calendar(), site_office_hours(site_id))


def site_hours_changed(sender=None, instance=None, **kwargs) -> None:
    """A site's office hours were edited: forget this process's copy."""
    if instance is not None:
        _hours.pop(instance.pk, None)
