"""Who may do what with suggestions (re-checked in every service)."""

from __future__ import annotations

from typing import Any

from core.roles import Role, has_role, is_company_level, user_roles
from estates.selectors import site_ids_visible_to

RECORDERS = (Role.FRONT_DESK, Role.ZONE_STAFF, Role.ZONE_MANAGER, Role.CS_SUPERVISOR, Role.CENTER_HEAD,
             Role.SITE_DIRECTOR, Role.DEPT_SUPERVISOR, Role.DEPT_STAFF, Role.SECURITY_SUPERVISOR)
VIEWERS = (*RECORDERS, Role.SECURITY_OFFICER, Role.COMPANY_LEADER, Role.EXECUTIVE)


def at_site(user: Any, site_id: int) -> bool:
    return is_company_level(user) or site_id in site_ids_visible_to(user)


def can_view(user: Any) -> bool:
    return has_role(user, *VIEWERS)


def can_record(user: Any, site_id: int) -> bool:
    return at_site(user, site_id) and has_role(user, *RECORDERS)


def can_decide(user: Any, site_id: int) -> bool:
    """C-15: the site director of this site decides, nobody else (not even a company leader)."""
    if getattr(user, "is_superuser", False):
        return True
    return site_id in site_ids_visible_to(user) and Role.SITE_DIRECTOR in user_roles(user)


def can_complete(user: Any, suggestion: Any) -> bool:
    """The responsible person, or a supervisor of the site on their behalf."""
    if not at_site(user, suggestion.site_id):
        return False
    staff = getattr(user, "staff", None)
    return (staff is not None and staff.pk == suggestion.owner_id) or has_role(
        user, Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR)


def can_tell(user: Any, site_id: int) -> bool:
    return can_record(user, site_id)
