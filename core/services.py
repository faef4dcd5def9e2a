from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core import permissions
from core.errors import DomainError
from core.models import CalendarYear, DeadlinePolicy, HolidayOverride
from core.policies import POLICY_TABLE

OVERRIDE_FIELDS = ("amount", "unit", "from_next_opening", "notify_roles")
POLICY_FIELDS = ("name", "amount", "unit", "from_next_opening", "repeat", "action", "notify_roles",
                 "site_editable", "description")


def policy_table_sync(*, using: str = "default") -> int:
    """Create the company rows of SPEC §15 that are missing; never overwrite an admin's edit."""
    existing = set(DeadlinePolicy.objects.using(using).filter(site__isnull=True).values_list("code", flat=True))
    new = [
        DeadlinePolicy(code=p.code, name=p.name, amount=p.amount, unit=p.unit, action=p.action,
                       notify_roles=p.roles, from_next_opening=p.from_next_opening, repeat=p.repeat,
                       site_editable=p.site_editable, description=p.rule)
        for p in POLICY_TABLE if p.code not in existing
    ]
    for row in new:
        row.save(using=using)
    return len(new)


def _reason(row: Any, text: str) -> None:
    row._change_reason = text[:100]


@transaction.atomic
def policy_update(*, user: Any, policy: DeadlinePolicy, data: dict) -> DeadlinePolicy:
    """Edit a company row (SPEC §15). Running clocks keep their due time; new clocks use the edit."""
    if policy.site_id is not None or not permissions.can_edit_company_policy(user):
        raise DomainError(_("You may not edit this policy."), code="forbidden")
    for field in POLICY_FIELDS:
        if field in data:
            setattr(policy, field, data[field])
    _reason(policy, "policy edited")
    policy.save()
    return policy


@transaction.atomic
def policy_override_save(*, user: Any, policy: DeadlinePolicy, site_id: int, data: dict) -> DeadlinePolicy:
    """Create or change the site's override of a ✎ company row (history via simple-history)."""
    if policy.site_id is not None:
        policy = DeadlinePolicy.objects.get(code=policy.code, site__isnull=True)
    if not permissions.can_override_policy(user, policy, site_id):
        raise DomainError(_("You may not override this policy for this site."), code="forbidden")
    row = (DeadlinePolicy.objects.select_for_update().filter(code=policy.code, site_id=site_id).first()
           or DeadlinePolicy(code=policy.code, site_id=site_id, name=policy.name, action=policy.action,
                             repeat=policy.repeat, site_editable=True, description=policy.description,
                             amount=policy.amount, unit=policy.unit, notify_roles=policy.notify_roles,
                             from_next_opening=policy.from_next_opening))
    for field in OVERRIDE_FIELDS:
        if field in data:
            setattr(row, field, data[field])
    _reason(row, "site override")
    row.save()
    return row


@transaction.atomic
def holiday_save(*, user: Any, data: dict, instance: HolidayOverride | None = None) -> HolidayOverride:
    """Add or change a holiday / adjusted working day (SPEC W-02); every process reloads its calendar."""
    if not permissions.can_edit_calendar(user):
        raise DomainError(_("You may not edit the holiday calendar."), code="forbidden")
    row = instance or HolidayOverride()
    for field in ("date", "kind", "name"):
        setattr(row, field, data[field])
    row.save()
    return row


@transaction.atomic
def calendar_year_save(*, user: Any, data: dict, instance: CalendarYear | None = None) -> CalendarYear:
    if not permissions.can_edit_calendar(user):
        raise DomainError(_("You may not edit the holiday calendar."), code="forbidden")
    row = instance or CalendarYear()
    row.year, row.complete = data["year"], data["complete"]
    row.save()
    return row
