"""Working time (SPEC W-01..W-04): pure functions over a WorkCalendar loaded once.

Sources, strongest first: HolidayOverride rows (admin table), `chinesecalendar` for the years it
knows (holidays *and* 调休 working weekends), python-holidays for later years (statutory holidays
and the published adjusted weekends). A year neither library nor a complete admin table covers
falls back without raising and is reported in `missing_years` (dashboard and digest warning).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar
import holidays

TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class OfficeHours:
    opening: time = time(8, 30)  # SPEC W-01 default 08:30–18:00
    closing: time = time(18, 0)


DEFAULT_HOURS = OfficeHours()


@cache
def _python_holidays(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


def python_holidays_publishes(year: int) -> bool:
    """python-holidays knows the adjusted working weekends (调休) of `year` (published schedule)."""
    return any(d.year == year for d in getattr(_python_holidays(year), "weekend_workdays", ()))


@cache
def chinesecalendar_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@dataclass
class WorkCalendar:
    """Which days are working days. `overrides`: date → True (working) / False (holiday)."""

    overrides: dict[date, bool] = field(default_factory=dict)
    complete_years: frozenset[int] = frozenset()
    missing_years: set[int] = field(default_factory=set)

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in self.complete_years:
                self.missing_years.add(day.year)
            cal = _python_holidays(day.year)
            if day in cal:
                return False
            return day.weekday() < 5 or day in getattr(cal, "weekend_workdays", set())

    def year_is_covered(self, year: int) -> bool:
        return year in self.complete_years or chinesecalendar_covers(year)


def localtime(t: datetime) -> datetime:
    if t.tzinfo is None:
        raise ValueError("naive datetime")
    return t.astimezone(TZ)


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=TZ)


def next_working_day(day: date, cal: WorkCalendar) -> date:
    day += timedelta(days=1)
    for _ in range(400):  # no calendar has a year without working days
        if cal.is_working_day(day):
            return day
        day += timedelta(days=1)
    raise ValueError("no working day within 400 days")


def next_opening(t: datetime, cal: WorkCalendar, hours: OfficeHours = DEFAULT_HOURS) -> datetime:
    """t itself during working time, else the next opening time (SPEC W-04)."""
    t = localtime(t)
    if cal.is_working_day(t.date()):
        if t.time() < hours.opening:
            return _at(t.date(), hours.opening)
        if t.time() < hours.closing:
            return t
    return _at(next_working_day(t.date(), cal), hours.opening)


def add_working_days(t: datetime, n: int, cal: WorkCalendar, hours: OfficeHours = DEFAULT_HOURS) -> datetime:
    """SPEC W-03: closing time of the n-th working day after t's date."""
    day = localtime(t).date()
    for _ in range(n):
        day = next_working_day(day, cal)
    return _at(day, hours.closing)


def add_wall_clock(t: datetime, delta: timedelta, cal: WorkCalendar, hours: OfficeHours = DEFAULT_HOURS,
                   *, from_next_opening: bool = False) -> datetime:
    """SPEC W-04: wall-clock hours/minutes; "(wd)" rules start at the next opening."""
    start = next_opening(t, cal, hours) if from_next_opening else localtime(t)
    return start + delta


def end_of_working_day(t: datetime, cal: WorkCalendar, hours: OfficeHours = DEFAULT_HOURS) -> datetime:
    """Closing time today if t is before it on a working day, else the next working day's closing."""
    t = localtime(t)
    if cal.is_working_day(t.date()) and t.time() < hours.closing:
        return _at(t.date(), hours.closing)
    return _at(next_working_day(t.date(), cal), hours.closing)


def end_of_calendar_day(t: datetime) -> datetime:
    """Midnight at the end of t's calendar day, whether or not it is a working day (SPEC K-06)."""
    t = localtime(t)
    return _at(t.date() + timedelta(days=1), time(0, 0))


def end_of_month(t: datetime) -> datetime:
    t = localtime(t)
    first_next = (t.replace(day=28) + timedelta(days=4)).replace(day=1)
    return _at(first_next.date(), time(0, 0))


def before_month_end(t: datetime, days: int, hours: OfficeHours = DEFAULT_HOURS) -> datetime:
    """`days` calendar days before the month's last day, at closing time (SPEC T-15: two days before the
    month end); started after that day, next month's."""
    t = localtime(t)
    day = _last_day(t.date()) - timedelta(days=days)
    if day < t.date():
        day = _last_day((t.date().replace(day=28) + timedelta(days=4)).replace(day=1)) - timedelta(days=days)
    return _at(day, hours.closing)


def add_months(t: datetime, n: int) -> datetime:
    """The same local time on the same day `n` calendar months later; a day the month lacks becomes its last
    day (Aug 31 + 6 months = the end of February, SPEC S-02 "every 6 months")."""
    t = localtime(t)
    index = t.month - 1 + n
    year, month = t.year + index // 12, index % 12 + 1
    day = min(t.day, _last_day(date(year, month, 1)).day)
    return _at(date(year, month, day), t.time())


def _last_day(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def working_time_between(a: datetime, b: datetime, cal: WorkCalendar,
                         hours: OfficeHours = DEFAULT_HOURS) -> timedelta:
    """Office time on working days between two moments (zero if b <= a)."""
    a, b = localtime(a), localtime(b)
    if b <= a:
        return timedelta(0)
    total = timedelta(0)
    day = a.date()
    while day <= b.date():
        if cal.is_working_day(day):
            lo = max(a, _at(day, hours.opening))
            hi = min(b, _at(day, hours.closing))
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total
