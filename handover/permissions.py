"""Who may do what in takeover and move-in (re-checked in every service)."""

from __future__ import annotations

from typing import Any

from core.roles import Role, has_role, is_company_level
from estates.selectors import site_ids_visible_to

# H-01: the acceptance team (验收小组): CS, engineering and the heads
ACCEPTANCE_TEAM = (Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR, Role.DEPT_SUPERVISOR,
                   Role.ZONE_MANAGER)
# H-02: the move-in desk (CS assistants with the owner)
MOVE_IN_DESK = (Role.FRONT_DESK, Role.ZONE_STAFF, Role.ZONE_MANAGER, Role.CS_SUPERVISOR, Role.CENTER_HEAD)
VIEWERS = (*ACCEPTANCE_TEAM, *MOVE_IN_DESK, Role.DEPT_STAFF, Role.FINANCE, Role.COMPANY_LEADER, Role.EXECUTIVE)


def at_site(user: Any, site_id: int) -> bool:
    return is_company_level(user) or site_id in site_ids_visible_to(user)


def can_view(user: Any) -> bool:
    return has_role(user, *VIEWERS)


def can_takeover(user: Any, site_id: int) -> bool:
    """Register a takeover, check documents, issue the reply, inspect, list defects."""
    return at_site(user, site_id) and has_role(user, *ACCEPTANCE_TEAM)


def can_accept(user: Any, site_id: int) -> bool:
    """Sign the takeover as accepted: the service-center head or the site director."""
    return at_site(user, site_id) and has_role(user, Role.CENTER_HEAD, Role.SITE_DIRECTOR)


def can_move_in(user: Any, site_id: int) -> bool:
    return at_site(user, site_id) and has_role(user, *MOVE_IN_DESK)


def can_list_defect(user: Any, site_id: int) -> bool:
    return can_takeover(user, site_id) or can_move_in(user, site_id)


def can_record_rectified(user: Any, defect: Any) -> bool:
    """The developer's report that it is fixed, entered by the acceptance team or the desk."""
    return can_list_defect(user, defect.site_id)


def can_reinspect(user: Any, defect: Any) -> bool:
    """Re-inspection (复验) by the acceptance team, not by the desk clerk alone."""
    return can_takeover(user, defect.site_id)
