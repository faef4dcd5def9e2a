"""Front-desk roster gaps (SPEC O-03): pure functions, the calendar passed in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta

from core.worktime import WorkCalendar


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _clock(m: int) -> time:
    return time(m // 60, m % 60)


def day_gaps(shifts: Iterable[tuple[time, time]], opening: time, closing: time) -> list[tuple[time, time]]:
    """Stretches of [opening, closing) that no shift covers. Shifts may overlap or stick out."""
    spans = sorted((_minutes(s), _minutes(e)) for s, e in shifts if e > s)
    gaps: list[tuple[time, time]] = []
    cursor, stop = _minutes(opening), _minutes(closing)
    for s, e in spans:
        if e <= cursor:
            continue
        if s >= stop:
            break
        if s > cursor:
            gaps.append((_clock(cursor), _clock(min(s, stop))))
        cursor = max(cursor, e)
        if cursor >= stop:
            break
    if cursor < stop:
        gaps.append((_clock(cursor), _clock(stop)))
    return gaps


def week_gaps(shifts_by_day: dict[date, list[tuple[time, time]]], monday: date, cal: WorkCalendar,
              opening: time, closing: time) -> dict[date, list[tuple[time, time]]]:
    """Gaps on each working day of the week starting `monday`; non-working days have none."""
    out = {}
    for i in range(7):
        day = monday + timedelta(days=i)
        out[day] = day_gaps(shifts_by_day.get(day, []), opening, closing) if cal.is_working_day(day) else []
    return out
