"""The clocks: the policy behind a code, its due time, starting, stopping and reading a clock, and the
registry of breach handlers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from core import worktime
from core.calendar_source import load_work_calendar
from core.calendar_source import site_office_hours as hours
from core.errors import DomainError
from core.models import Deadline, DeadlinePolicy

log = logging.getLogger(__name__)

BreachHandler = Callable[[Deadline, datetime], None]
_handlers: dict[str, list[BreachHandler]] = {}


def breach_handler(code: str) -> Callable[[BreachHandler], BreachHandler]:
    """Register `func(deadline, now)`, run once inside the sweep's transaction when `code` breaches."""

    def register(func: BreachHandler) -> BreachHandler:
        _handlers.setdefault(code, [])
        if func not in _handlers[code]:
            _handlers[code].append(func)
        return func

    return register


def policy_for(code: str, site_id: int | None) -> DeadlinePolicy:
    """The site's override of `code` if there is one, else the company row."""
    rows = list(DeadlinePolicy.objects.filter(Q(site_id=site_id) | Q(site__isnull=True), code=code))
    if not rows:
        raise DomainError(f"Unknown deadline policy {code!r}", code="policy_missing")
    rows.sort(key=lambda p: p.site_id is None)
    return rows[0]


def policy_limit(code: str, site_id: int | None = None) -> str:
    """The policy's current limit in words ("5 minutes", "3 working days"), translated, for messages:
    a message never states a duration of its own, since admins edit the policies (issue 14.6)."""
    p = policy_for(code, site_id)
    n, unit = p.amount, p.unit
    U = DeadlinePolicy.Unit
    counted: dict[str, Callable[[], str]] = {
        U.MINUTES: lambda: ngettext("%(n)d minute", "%(n)d minutes", n),
        U.HOURS: lambda: ngettext("%(n)d hour", "%(n)d hours", n),
        U.DAYS: lambda: ngettext("%(n)d day", "%(n)d days", n),
        U.MONTHS: lambda: ngettext("%(n)d month", "%(n)d months", n),
        U.WORKING_DAYS: lambda: ngettext("%(n)d working day", "%(n)d working days", n),
        U.BEFORE_MONTH_END: lambda: ngettext("%(n)d day before the month end", "%(n)d days before the month end", n),
    }
    if unit in counted:
        return counted[unit]() % {"n": n}
    fixed: dict[str, str] = {U.END_OF_DAY: gettext("the end of the working day"),
                             U.END_OF_MONTH: gettext("the end of the month"),
                             U.END_OF_CALENDAR_DAY: gettext("the end of the day")}
    return fixed.get(unit, gettext("the set time"))


def site_office_hours(site_id: int | None) -> worktime.OfficeHours:

    return hours(site_id)


def work_calendar() -> worktime.WorkCalendar:

    return load_work_calendar()


def compute_due(policy: DeadlinePolicy, start: datetime, *, site_id: int | None,
                cal: worktime.WorkCalendar | None = None) -> datetime:
    cal = cal or work_calendar()
    hours = site_office_hours(site_id)
    unit, n = policy.unit, policy.amount
    U = DeadlinePolicy.Unit
    wall: dict[str, timedelta] = {U.MINUTES: timedelta(minutes=n), U.HOURS: timedelta(hours=n),
                                  U.DAYS: timedelta(days=n)}
    if unit in wall:
        return worktime.add_wall_clock(start, wall[unit], cal, hours, from_next_opening=policy.from_next_opening)
    if unit == U.WORKING_DAYS:
        return worktime.add_working_days(start, n, cal, hours)
    if unit == U.MONTHS:
        return worktime.add_months(start, n)
    if unit == U.END_OF_DAY:
        return worktime.end_of_working_day(start, cal, hours)
    if unit == U.END_OF_CALENDAR_DAY:
        return worktime.end_of_calendar_day(start)
    if unit == U.END_OF_MONTH:
        return worktime.end_of_month(start)
    if unit == U.BEFORE_MONTH_END:
        return worktime.before_month_end(start, n, hours)
    raise DomainError(f"Policy {policy.code} needs a due time from the caller", code="due_required")


def _subject_key(subject: Any) -> tuple[ContentType, int]:
    return ContentType.objects.get_for_model(subject, for_concrete_model=True), subject.pk


def deadline_start(*, subject: Any, code: str, now: datetime | None = None, site_id: int | None = None,
                   due_at: datetime | None = None, note: str = "", data: dict | None = None,
                   level: int = 0, fresh: bool = False) -> Deadline:
    """Start the clock `code` for `subject`. A running clock of the same code is replaced (restart).
    `fresh`: the subject was created in this transaction, so no clock of it can be running yet (the
    registration path skips the restart's UPDATE)."""
    now = now or timezone.now()
    if site_id is None:
        site_id = getattr(subject, "site_id", None)
    policy = policy_for(code, site_id)
    due = due_at or compute_due(policy, now, site_id=site_id)
    ct, pk = _subject_key(subject)
    if not fresh:
        Deadline.objects.filter(subject_type=ct, subject_id=pk, code=code, state=Deadline.State.RUNNING).update(
            state=Deadline.State.CANCELLED, stopped_at=now, note="restarted")
    return Deadline.objects.create(policy=policy, code=code, site_id=site_id, subject_type=ct, subject_id=pk,
                                   started_at=now, due_at=due, note=note, data=data or {}, level=level)


def _running(subject: Any, codes: Iterable[str] | None) -> QuerySet[Deadline]:
    ct, pk = _subject_key(subject)
    qs = Deadline.objects.filter(subject_type=ct, subject_id=pk, state=Deadline.State.RUNNING)
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    return qs


def deadline_stop(*, subject: Any, code: str | Iterable[str], now: datetime | None = None) -> int:
    """The clock's duty was done: running → met. Returns how many stopped (0 if none ran)."""
    codes = [code] if isinstance(code, str) else list(code)
    return _running(subject, codes).update(state=Deadline.State.MET, stopped_at=now or timezone.now())


def deadline_settle(*, subject: Any, code: str | Iterable[str], at: datetime) -> tuple[int, int]:
    """The duty was done at a past moment `at` (work entered afterwards, SPEC T-03): met if `at` is within
    the due time, else breached at the due time. Recorded only: nobody is notified now of a past breach.
    Returns (met, breached)."""
    codes = [code] if isinstance(code, str) else list(code)
    met = _running(subject, codes).filter(due_at__gte=at).update(state=Deadline.State.MET, stopped_at=at)
    late = _running(subject, codes).update(state=Deadline.State.BREACHED, stopped_at=at, breached_at=F("due_at"),
                                           note="recorded afterwards")
    return met, late


def deadline_cancel(*, subject: Any, code: str | Iterable[str] | None = None, now: datetime | None = None,
                    reason: str = "") -> int:
    """The clock no longer applies (order cancelled, duty moved elsewhere)."""
    codes = None if code is None else ([code] if isinstance(code, str) else list(code))
    return _running(subject, codes).update(state=Deadline.State.CANCELLED, stopped_at=now or timezone.now(),
                                           note=reason[:200])


def deadlines_of(subject: Any) -> QuerySet[Deadline]:
    ct, pk = _subject_key(subject)
    return Deadline.objects.filter(subject_type=ct, subject_id=pk).select_related("policy").order_by("started_at", "id")


def deadline_running(subject: Any, code: str) -> Deadline | None:
    return _running(subject, [code]).first()
