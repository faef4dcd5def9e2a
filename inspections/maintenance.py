"""Equipment register and the annual building-maintenance plan (SPEC O-05, seed 004 §5B).

The company template lines are copied into a site's plan for a year; every day the generator turns
each occurrence due within `LEAD_DAYS` into an internal work order in `tickets` (registered and
dispatched through tickets' own services, with the due date as its supervisor-set deadline) and
starts the occurrence's `maintenance.plan` clock. A completed order marks the occurrence done (tickets announces
the step through `tickets.hooks`, heard in `inspections/ticket_steps.py`: tickets knows nothing of this
app); a missed one breaches once → overdue.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.roles import Role, has_role
from core.uploads import DOCUMENT_KINDS, check_file
from estates.models import Department
from inspections import permissions
from inspections.models import (
    Cadence,
    Equipment,
    EquipmentDocument,
    MaintenanceOccurrence,
    MaintenancePlan,
    MaintenancePlanLine,
    MaintenanceTemplateLine,
)
from tickets.selectors import category_by_code
from tickets.services import work_order_dispatch, work_order_register

LEAD_DAYS = 30  # the work order is issued this many days before the due date
CATEGORY_CODE = "internal-work"  # tickets' internal category ("set by the department", T-04)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def occurrence_dates(line: MaintenancePlanLine, year: int, *, rainy_month: int = 5) -> list[date]:
    """The due dates of a plan line in `year` (the last day of the due month)."""
    c = line.cadence
    if c == Cadence.YEARLY:
        return [_month_end(year, line.due_month)]
    if c == Cadence.HALF_YEARLY:
        months = sorted({line.due_month, (line.due_month + 5) % 12 + 1})
        return [_month_end(year, m) for m in months]
    if c == Cadence.TWO_YEARS:
        return [_month_end(year, line.due_month)] if (year - line.cycle_start_year) % 2 == 0 else []
    if c == Cadence.THREE_YEARS:
        return [_month_end(year, line.due_month)] if (year - line.cycle_start_year) % 3 == 0 else []
    if c == Cadence.BEFORE_RAINY:
        return [_month_end(year, rainy_month - 1)]
    return []


def can_manage(user: Any, site_id: int) -> bool:
    return permissions.at_site(user, site_id) and has_role(user, Role.DEPT_SUPERVISOR, Role.CENTER_HEAD,
                                                            Role.SITE_DIRECTOR)


@transaction.atomic
def plan_create(*, site: Any, year: int, actor: User | None = None, rainy_season_month: int = 5) -> MaintenancePlan:
    """Copy the company template into the site's plan for `year` (once; a second call is refused)."""
    if actor is not None and not can_manage(actor, site.pk):
        raise DomainError(_("Only the department supervisor, the head or the director keeps the plan."),
                          code="not_allowed")
    if not 2000 <= int(year) <= 2100:
        raise DomainError(_("Choose a year between 2000 and 2100."), code="year")
    if not 2 <= int(rainy_season_month) <= 12:
        raise DomainError(_("The rainy season starts between February and December."), code="rainy")
    if MaintenancePlan.objects.filter(site=site, year=year).exists():
        raise DomainError(_("The plan of %(y)s already exists.") % {"y": year}, code="exists")
    plan = MaintenancePlan.objects.create(site=site, year=year, rainy_season_month=rainy_season_month)
    MaintenancePlanLine.objects.bulk_create([
        MaintenancePlanLine(plan=plan, template_line=t, item=t.item, cadence=t.cadence, due_month=t.due_month,
                            cycle_start_year=year, department_kind=t.department_kind)
        for t in MaintenanceTemplateLine.objects.filter(is_active=True).order_by("position", "id")])
    return plan


def _due_at(site: Any, day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, site.office_close))


@transaction.atomic
def occurrences_generate(*, site: Any, today: date, now: datetime | None = None) -> list[MaintenanceOccurrence]:
    """Issue the work orders of occurrences due within LEAD_DAYS (beat: daily). Idempotent."""
    now = now or timezone.now()
    category = category_by_code(CATEGORY_CODE)
    if category is None:
        raise DomainError(_("The internal work-order category is missing."), code="category")
    made = []
    horizon = today + timedelta(days=LEAD_DAYS)
    for plan in MaintenancePlan.objects.filter(site=site, year__in=[today.year, horizon.year]):
        have = set(MaintenanceOccurrence.objects.filter(line__plan=plan).values_list("line_id", "due_on"))
        for line in plan.lines.all():
            for due in occurrence_dates(line, plan.year, rainy_month=plan.rainy_season_month):
                if (line.pk, due) in have or not (today <= due <= horizon) or _due_at(site, due) <= now:
                    continue
                occ = MaintenanceOccurrence.objects.create(line=line, site=site, due_on=due)
                dept = Department.objects.filter(site=site, kind=line.department_kind, is_active=True).order_by(
                    "pk").first()
                order = work_order_register(site=site, category=category, actor=None, now=now,
                                            channel="other", location=_("Public areas (maintenance plan)"),
                                            content=_("Annual maintenance plan: %(item)s (due %(due)s)")
                                            % {"item": line.item, "due": f"{due:%Y-%m-%d}"})
                order = work_order_dispatch(order=order, actor=None, department=dept, due_at=_due_at(site, due),
                                            now=now)
                occ.work_order = order
                occ.save(update_fields=["work_order", "updated_at"])
                deadline_start(subject=occ, code="maintenance.plan", now=now, site_id=site.pk,
                               due_at=_due_at(site, due))
                made.append(occ)
    return made


def occurrence_done_by_order(order: Any) -> None:
    """The work order of an occurrence was completed: the occurrence is done, its clock stops."""
    if order.completed_at is None:
        return
    for occ in MaintenanceOccurrence.objects.filter(work_order_id=order.pk, done_at__isnull=True):
        occ.done_at = order.completed_at
        occ.save(update_fields=["done_at", "updated_at"])
        deadline_stop(subject=occ, code="maintenance.plan", now=order.completed_at)


def occurrence_missed(occurrence_id: int) -> None:
    MaintenanceOccurrence.objects.filter(pk=occurrence_id, done_at__isnull=True).update(overdue=True)


def year_view(plan: MaintenancePlan, *, today: date) -> list[dict]:
    """Per line, 12 month cells: done / late / overdue / issued / planned / "" (nothing due)."""
    occs = {(o.line_id, o.due_on): o for o in MaintenanceOccurrence.objects.filter(line__plan=plan)}
    rows = []
    for line in plan.lines.all():
        cells = [""] * 12
        for due in occurrence_dates(line, plan.year, rainy_month=plan.rainy_season_month):
            o = occs.get((line.pk, due))
            if o is None:
                state = "planned" if due >= today else "not_issued"
            elif o.done_at is not None:
                state = "done" if timezone.localdate(o.done_at) <= due else "late"
            elif o.overdue or due < today:
                state = "overdue"
            else:
                state = "issued"
            cells[due.month - 1] = state
        rows.append({"line": line, "cells": cells, "occurrences": [o for k, o in occs.items() if k[0] == line.pk]})
    return rows


@transaction.atomic
def equipment_save(*, site: Any, actor: User, data: dict, equipment: Any = None, document: Any = None,
                   document_title: str = "") -> Any:
    """Register or edit a piece of equipment (O-05); an attached document goes through core.uploads."""
    if not can_manage(actor, site.pk):
        raise DomainError(_("Only the department supervisor, the head or the director keeps the plan."),
                          code="not_allowed")
    if data.get("installed_on") and data.get("warranty_end") and data["warranty_end"] < data["installed_on"]:
        raise DomainError(_("The warranty cannot end before the installation."), code="warranty_end")
    for key in ("name", "location", "category"):
        if not str(data.get(key) or "").strip():
            raise DomainError(_("Give the item, its location and its category."), code=key)
    if equipment is None:
        equipment = Equipment(site=site)
    elif equipment.site_id != site.pk:
        raise DomainError(_("This equipment belongs to another site."), code="site")
    for key, value in data.items():
        setattr(equipment, key, value.strip() if isinstance(value, str) else value)
    equipment.save()
    if document is not None:
        checked = check_file(document, DOCUMENT_KINDS)
        title = (document_title or checked.original_name or "")[:100]
        EquipmentDocument.objects.create(equipment=equipment, title=title, file=checked, uploaded_by=actor)
    return equipment


def overdue_occurrences(*, site_ids: list[int]):
    return MaintenanceOccurrence.objects.filter(site_id__in=site_ids, overdue=True, done_at__isnull=True)
