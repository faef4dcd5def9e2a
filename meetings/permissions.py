from __future__ import annotations

from typing import Any

from core.roles import Role, has_role, is_company_level
from estates.selectors import site_ids_visible_to

BOOKERS = (Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR)
VIEWERS = (*BOOKERS, Role.ZONE_STAFF, Role.ZONE_MANAGER, Role.DEPT_STAFF, Role.DEPT_SUPERVISOR,
           Role.SECURITY_SUPERVISOR, Role.SECURITY_OFFICER, Role.COMPANY_LEADER, Role.EXECUTIVE)


def at_site(user: Any, site_id: int) -> bool:
    return is_company_level(user) or site_id in site_ids_visible_to(user)


def can_view(user: Any) -> bool:
    return has_role(user, *VIEWERS)


def can_book(user: Any, site_id: int) -> bool:
    return at_site(user, site_id) and has_role(user, *BOOKERS)


def can_tick(user: Any, booking: Any) -> bool:
    """M-01: the checklist is ticked by the staff on duty for the meeting."""
    staff = getattr(user, "staff", None)
    return staff is not None and staff.pk == booking.staff_on_duty_id and at_site(user, booking.site_id)
