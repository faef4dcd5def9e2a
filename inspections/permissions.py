"""Who may do what with inspections and assessments (re-checked in services)."""

from __future__ import annotations

from typing import Any

from core.roles import Role, has_role, is_company_level
from estates.selectors import site_ids_visible_to

# which roles record which inspection
INSPECTORS: dict[str, tuple[str, ...]] = {
    "zone_manager": (Role.ZONE_MANAGER,),
    "zone_team": (Role.ZONE_MANAGER, Role.ZONE_STAFF),
    "cs_zone": (Role.CS_SUPERVISOR, Role.CENTER_HEAD),
    "cs_supervisors": (Role.CS_SUPERVISOR, Role.CENTER_HEAD),
    "dept": (Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR),
    "company": (Role.COMPANY_LEADER, Role.EXECUTIVE),
    "company_adhoc": (Role.COMPANY_LEADER, Role.EXECUTIVE),
}
VIEWERS = (Role.ZONE_MANAGER, Role.ZONE_STAFF, Role.CS_SUPERVISOR, Role.DEPT_SUPERVISOR, Role.DEPT_STAFF,
           Role.SECURITY_SUPERVISOR, Role.SECURITY_OFFICER, Role.CENTER_HEAD, Role.SITE_DIRECTOR,
           Role.COMPANY_LEADER, Role.EXECUTIVE)
SUPERVISORS = (Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR, Role.DEPT_SUPERVISOR,
               Role.SECURITY_SUPERVISOR, Role.ZONE_MANAGER)


def at_site(user: Any, site_id: int) -> bool:
    return is_company_level(user) or site_id in site_ids_visible_to(user)


def can_view(user: Any) -> bool:
    return has_role(user, *VIEWERS)


def kinds_for(user: Any) -> list[str]:
    return [kind for kind, roles in INSPECTORS.items() if has_role(user, *roles)]


def can_inspect(user: Any, site_id: int, kind: str) -> bool:
    return at_site(user, site_id) and has_role(user, *INSPECTORS.get(kind, ()))


def can_report_done(user: Any, rect: Any) -> bool:
    """The owner, or a supervisor of the site on the owner's behalf."""
    if not at_site(user, rect.site_id):
        return False
    return rect.owner.user_id == user.pk or has_role(user, *SUPERVISORS)


def can_verify(user: Any, rect: Any) -> bool:
    """Verified by someone else than the owner and than whoever reported it done (A-01)."""
    if not at_site(user, rect.site_id) or not has_role(user, *SUPERVISORS, Role.COMPANY_LEADER):
        return False
    return user.pk not in (rect.owner.user_id, rect.done_by_id)


def can_adjust_ranking(user: Any, site_id: int) -> bool:
    """A-02: scored by the CS supervisor."""
    return at_site(user, site_id) and has_role(user, Role.CS_SUPERVISOR)


def can_score_self(user: Any, sa: Any) -> bool:
    """A-03: the zone's own manager scores its self-assessment."""
    manager = sa.zone.manager
    return manager is not None and manager.user_id == user.pk


def can_lock_ranking(user: Any, site_id: int) -> bool:
    """A-02: reviewed and locked by the site director."""
    return at_site(user, site_id) and has_role(user, Role.SITE_DIRECTOR)


def can_view_ranking(user: Any, site_id: int) -> bool:
    return at_site(user, site_id) and has_role(user, Role.CS_SUPERVISOR, Role.SITE_DIRECTOR, Role.CENTER_HEAD,
                                                 Role.ZONE_MANAGER, Role.DEPT_SUPERVISOR, Role.COMPANY_LEADER,
                                                 Role.EXECUTIVE)
