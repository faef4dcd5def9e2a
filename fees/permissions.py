"""Who may do what in fees (issue 16 part 9; SPEC X-02, T-18).

Finance posts (bill runs, charges, deposits), reverses and exports; the front desk takes payments and
prints receipts; zone staff see their zone's arrears and work their reminders. Each `check_*` raises
DomainError and is called again by the service; `can_*` wraps it for templates and menus.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import DomainError
from core.roles import Role, has_role, is_company_level
from core.service_kit import allows
from estates.selectors import site_ids_visible_to

FINANCE = (Role.FINANCE,)
CASHIERS = (Role.FRONT_DESK, Role.FINANCE)
METER_READERS = (Role.FINANCE, Role.ZONE_STAFF, Role.ZONE_MANAGER, Role.DEPT_STAFF, Role.DEPT_SUPERVISOR)
VIEWERS = (Role.FINANCE, Role.FRONT_DESK, Role.ZONE_STAFF, Role.ZONE_MANAGER, Role.CS_SUPERVISOR,
           Role.CENTER_HEAD, Role.SITE_DIRECTOR)
REMINDER_MANAGERS = (Role.FINANCE, Role.ZONE_MANAGER, Role.CS_SUPERVISOR, Role.CENTER_HEAD)


def _works_at(user, site_id: int) -> bool:
    staff = getattr(user, "staff", None)
    if getattr(user, "is_superuser", False):
        return True
    return staff is not None and staff.is_active and staff.site_id == site_id


def _require(user, site_id: int, roles, message: str) -> None:
    if site_id not in site_ids_visible_to(user):
        raise DomainError(_("This record belongs to another site."), code="other_site")
    if not (_works_at(user, site_id) and has_role(user, *roles)):
        raise DomainError(message, code="not_allowed")


def check_take_payment(user, site_id: int) -> None:
    _require(user, site_id, CASHIERS, _("Only the front desk or finance of this site take payments."))


def check_finance(user, site_id: int) -> None:
    _require(user, site_id, FINANCE, _("Only finance of this site may do this."))


def check_read_meters(user, site_id: int) -> None:
    _require(user, site_id, METER_READERS, _("You may not enter meter readings at this site."))


def check_manage_reminders(user, site_id: int) -> None:
    _require(user, site_id, REMINDER_MANAGERS, _("You may not assign payment reminders at this site."))


def check_reminder_outcome(user, reminder) -> None:
    if reminder.site_id not in site_ids_visible_to(user):
        raise DomainError(_("This record belongs to another site."), code="other_site")
    staff = getattr(user, "staff", None)
    own = staff is not None and reminder.assigned_to_id == staff.pk
    if not (own or (_works_at(user, reminder.site_id) and has_role(user, *REMINDER_MANAGERS))):
        raise DomainError(_("Only the assigned zone staff or their manager record the outcome."), code="not_allowed")
    if reminder.outcome:
        raise DomainError(_("This reminder is already closed."), code="bad_state")


def can_take_payment(user, site_id: int) -> bool:
    return allows(check_take_payment, user, site_id)


def can_finance(user, site_id: int) -> bool:
    return allows(check_finance, user, site_id)


def can_manage_reminders(user, site_id: int) -> bool:
    """F-03: who assigns a payment reminder — the page shows the button to exactly them (the service asks
    `check_manage_reminders`)."""
    return allows(check_manage_reminders, user, site_id)


def can_view_fees(user) -> bool:
    return is_company_level(user) or has_role(user, *VIEWERS)


def zone_limited(user) -> int | None:
    """Zone staff see only their zone's arrears (issue 16 part 9): their zone id, else None."""
    if is_company_level(user) or has_role(user, Role.FINANCE, Role.FRONT_DESK, Role.CS_SUPERVISOR,
                                          Role.CENTER_HEAD, Role.SITE_DIRECTOR, Role.ZONE_MANAGER):
        return None
    staff = getattr(user, "staff", None)
    return staff.zone_id if staff is not None and staff.zone_id else -1
