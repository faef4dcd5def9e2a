"""Who may see and edit the engine's configuration (SPEC §15 ✎, W-02, X-02).

Roles are part of the foundation (core/roles.py).
"""

from __future__ import annotations

from typing import Any

from core.roles import has_role, is_company_level

POLICY_SITE_ROLES = ("site_director", "cs_supervisor")
TIMER_ROLES = ("cs_supervisor", "dept_supervisor", "security_supervisor", "center_head", "site_director")


def own_site_id(user: Any) -> int | None:
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    try:
        return staff.site_id if staff is not None else None
    except Exception:
        return None


def is_company_admin(user: Any) -> bool:
    """Superusers and company roles edit the company rows and the national holiday table."""
    return bool(getattr(user, "is_authenticated", False)) and is_company_level(user)


def can_view_policies(user: Any) -> bool:
    if is_company_admin(user):
        return True
    return has_role(user, *POLICY_SITE_ROLES, "center_head") and own_site_id(user) is not None


def can_edit_company_policy(user: Any) -> bool:
    return is_company_admin(user)


def can_override_policy(user: Any, policy: Any, site_id: int | None) -> bool:
    """✎ rows only; the site director / CS supervisor of that site, or a company admin."""
    if site_id is None or not policy.site_editable:
        return False
    if is_company_admin(user):
        return True
    return has_role(user, *POLICY_SITE_ROLES) and own_site_id(user) == site_id


def can_view_calendar(user: Any) -> bool:
    return can_view_policies(user)


def can_edit_calendar(user: Any) -> bool:
    return is_company_admin(user)


def can_view_timers(user: Any) -> bool:
    if is_company_admin(user):
        return True
    return has_role(user, *TIMER_ROLES) and own_site_id(user) is not None
