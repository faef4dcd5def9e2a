"""The inspection cadences (SPEC A-01, A-04): duties opened per period, fulfilled by an inspection,
missed once when the period ends without one."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.deadlines import deadline_start, deadline_stop
from estates.models import Department, Zone
from inspections.models import (
    ZONE_KINDS,
    Inspection,
    InspectionDuty,
    Kind,
)
from inspections.services._common import _aware

CADENCE_CODES: dict[str, str] = {
    Kind.ZONE_MANAGER: "inspection.zone.daily",
    Kind.ZONE_TEAM: "inspection.zone.weekly",
    Kind.CS_ZONE: "inspection.zone.weekly",
    Kind.CS_SUPERVISORS: "inspection.zone.weekly",
    Kind.DEPARTMENT: "inspection.dept.daily",
    Kind.COMPANY: "inspection.company.monthly",
}
INSPECTED_DEPARTMENTS = (Department.Kind.ENGINEERING, Department.Kind.SECURITY, Department.Kind.CLEANING,
                         Department.Kind.GREENING)


def period_of(kind: str, day: date) -> tuple[date, date]:
    """[start, end) of the cadence period holding `day`: a day, an ISO week (Monday) or a month."""
    code = CADENCE_CODES[kind]
    if code.endswith("daily"):
        return day, day + timedelta(days=1)
    if code.endswith("weekly"):
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    start = day.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1)


def _duty_key(site_id: int, kind: str, zone_id: int | None, dept_id: int | None, start: date) -> str:
    return f"{site_id}:{kind}:{zone_id or 0}:{dept_id or 0}:{start:%Y%m%d}"


def _fulfil_duty(inspection: Inspection, now: datetime) -> None:
    if inspection.kind not in CADENCE_CODES:
        return
    start, _end = period_of(inspection.kind, timezone.localdate(inspection.inspected_at))
    zone_id = inspection.zone_id if inspection.kind in ZONE_KINDS else None
    dept_id = inspection.department_id if inspection.kind == Kind.DEPARTMENT else None
    key = _duty_key(inspection.site_id, inspection.kind, zone_id, dept_id, start)
    duty = InspectionDuty.objects.select_for_update().filter(key=key).first()
    if duty is None or duty.done_at is not None:
        return
    duty.done_at, duty.inspection = now, inspection
    duty.save(update_fields=["done_at", "inspection", "updated_at"])
    deadline_stop(subject=duty, code=CADENCE_CODES[inspection.kind], now=now)


@transaction.atomic
def duties_open(*, site: Any, day: date, now: datetime | None = None) -> int:
    """Open the cadence duties whose period holds `day` (beat: daily at 00:10; idempotent).

    Zone manager daily per zone with a manager; zone team and CS supervisor weekly per zone; the CS
    supervisor's check of the supervisors weekly per site; department supervisors daily per
    inspected department; the company monthly per site. Each duty runs its policy's clock, from
    the period start, and breaches once if no inspection fulfils it.
    """
    now = now or timezone.now()
    wanted: list[tuple[str, int | None, int | None]] = []
    zones = list(Zone.objects.filter(site=site).values_list("pk", "manager_id"))
    for zone_pk, manager_id in zones:
        if manager_id:
            wanted.append((Kind.ZONE_MANAGER, zone_pk, None))
        wanted.append((Kind.ZONE_TEAM, zone_pk, None))
        wanted.append((Kind.CS_ZONE, zone_pk, None))
    wanted.append((Kind.CS_SUPERVISORS, None, None))
    for department_id in Department.objects.filter(site=site, is_active=True, kind__in=INSPECTED_DEPARTMENTS
                                             ).values_list("pk", flat=True):
        wanted.append((Kind.DEPARTMENT, None, department_id))
    wanted.append((Kind.COMPANY, None, None))
    made = 0
    existing = set(InspectionDuty.objects.filter(site=site, period_end__gt=day, period_start__lte=day)
                   .values_list("key", flat=True))
    for kind, zone_id, dept_id in wanted:
        start, end = period_of(kind, day)
        key = _duty_key(site.pk, kind, zone_id, dept_id, start)
        if key in existing:
            continue
        duty = InspectionDuty.objects.create(site=site, kind=kind, zone_id=zone_id, department_id=dept_id,
                                             period_start=start, period_end=end, key=key)
        # an inspection already recorded in the period fulfils the duty at once
        done = Inspection.objects.filter(site=site, kind=kind, inspected_at__gte=_aware(start),
                                         inspected_at__lt=_aware(end))
        if zone_id:
            done = done.filter(zone_id=zone_id)
        if dept_id:
            done = done.filter(department_id=dept_id)
        first = done.order_by("inspected_at").first()
        if first is not None:
            duty.done_at, duty.inspection = first.inspected_at, first
            duty.save(update_fields=["done_at", "inspection"])
        else:
            deadline_start(subject=duty, code=CADENCE_CODES[kind], now=max(now, _aware(start)), site_id=site.pk,
                           due_at=_aware(end) if CADENCE_CODES[kind].endswith("weekly") else None)
        made += 1
    return made


def duty_missed(duty_id: int) -> None:
    """Breach handler: the duty's period ended without an inspection (marked once)."""
    InspectionDuty.objects.filter(pk=duty_id, done_at__isnull=True).update(missed=True)

