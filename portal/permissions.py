"""Who may do what on the resident pages (issue 22). Used by views and re-checked in services."""

from __future__ import annotations

from core.roles import Role, has_role, is_company_level
from portal.models import USERNAME_PREFIX


def is_resident(user) -> bool:
    """A resident login (no query: resident usernames carry the prefix, set only by account_open)."""
    return bool(getattr(user, "is_authenticated", False)) and user.get_username().startswith(USERNAME_PREFIX)


def _at_site(user, site_id: int) -> bool:
    if is_company_level(user):
        return True
    staff = getattr(user, "staff", None)
    return staff is not None and staff.site_id == site_id


def can_open_account(user, site_id: int) -> bool:
    """P-01: the front desk (or its supervisors) opens resident accounts of its own site."""
    return (not is_resident(user) and _at_site(user, site_id)
            and has_role(user, Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.CENTER_HEAD))


def can_handle_reports(user, site_id: int) -> bool:
    """P-02: the front desk confirms and classifies online reports."""
    return can_open_account(user, site_id)
