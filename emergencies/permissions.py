"""Who may do what with emergencies, drills and supplies (re-checked in every service)."""

from __future__ import annotations

from typing import Any

from core.roles import Role, has_role, is_company_level
from estates.selectors import site_ids_visible_to

# E-01: anyone at the desk or on security logs what happens; the service-center head commands
RECORDERS = (Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR, Role.SECURITY_SUPERVISOR,
             Role.SECURITY_OFFICER, Role.DEPT_SUPERVISOR, Role.ZONE_MANAGER)
# E-02: the drill plan, duty list and supplies register
MANAGERS = (Role.CENTER_HEAD, Role.SITE_DIRECTOR, Role.SECURITY_SUPERVISOR, Role.CS_SUPERVISOR)
CHECKERS = (*MANAGERS, Role.SECURITY_OFFICER, Role.DEPT_STAFF, Role.DEPT_SUPERVISOR)
VIEWERS = (*RECORDERS, *CHECKERS, Role.ZONE_STAFF, Role.COMPANY_LEADER, Role.EXECUTIVE)


def at_site(user: Any, site_id: int) -> bool:
    return is_company_level(user) or site_id in site_ids_visible_to(user)


def can_view(user: Any) -> bool:
    return has_role(user, *VIEWERS)


def can_record(user: Any, site_id: int) -> bool:
    return at_site(user, site_id) and has_role(user, *RECORDERS)


def can_close(user: Any, event: Any) -> bool:
    """The commander closes the event with its follow-up (or the site director)."""
    if not at_site(user, event.site_id):
        return False
    staff = getattr(user, "staff", None)
    return (staff is not None and staff.pk == event.commander_id) or has_role(user, Role.SITE_DIRECTOR)


def can_manage(user: Any, site_id: int) -> bool:
    return at_site(user, site_id) and has_role(user, *MANAGERS)


def can_check_supplies(user: Any, site_id: int) -> bool:
    return at_site(user, site_id) and has_role(user, *CHECKERS)


def is_commander(staff: Any) -> bool:
    """E-02: the CS manager (service-center head) commands; the site director may stand in."""
    user = getattr(staff, "user", None)
    return user is not None and has_role(user, Role.CENTER_HEAD, Role.SITE_DIRECTOR)
