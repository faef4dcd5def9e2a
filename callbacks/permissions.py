"""Who may do what with callbacks (re-checked in services)."""

from __future__ import annotations

from typing import Any

from core.roles import Role, has_role, is_company_level
from estates.selectors import site_ids_visible_to

WORKERS = (Role.ZONE_STAFF, Role.ZONE_MANAGER, Role.CS_SUPERVISOR, Role.FRONT_DESK, Role.CENTER_HEAD,
           Role.SITE_DIRECTOR)
CHECKERS = (Role.ZONE_MANAGER, Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR)
MANAGERS = (Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR)


def _at_site(user: Any, site_id: int) -> bool:
    return is_company_level(user) or site_id in site_ids_visible_to(user)


def can_work_callback(user: Any, callback: Any) -> bool:
    return bool(user) and _at_site(user, callback.site_id) and has_role(user, *WORKERS)


def can_check_mismatch(user: Any, callback: Any) -> bool:
    """CB-03: the zone manager sent to check (or a supervisor of the site)."""
    if not _at_site(user, callback.site_id):
        return False
    if callback.mismatch_checker_id and callback.mismatch_checker_id == user.pk:
        return True
    return has_role(user, *CHECKERS)


def can_manage_callbacks(user: Any, site_id: int) -> bool:
    """Cancel, reassign, sampling settings, generate plans."""
    return _at_site(user, site_id) and has_role(user, *MANAGERS)


def can_record_visit(user: Any, visit: Any) -> bool:
    return _at_site(user, visit.site_id) and (visit.plan.visitor_id == user.pk or has_role(user, *MANAGERS))


def can_promise_reply(user: Any, site_id: int, *, callback: Any = None, visit: Any = None) -> bool:
    """CB-05: who records a question answered later — on a callback its workers, on a visit its visitor."""
    if callback is not None:
        return can_work_callback(user, callback)
    if visit is not None:
        return can_record_visit(user, visit)
    return bool(user) and _at_site(user, site_id) and has_role(user, *WORKERS)


def can_answer_promised_reply(user: Any, reply: Any) -> bool:
    """CB-05: the answer given later is recorded by whoever promised it, or by the site's callback workers
    (a colleague of the next shift gives it); never from another site (issue 14.2)."""
    return bool(user) and _at_site(user, reply.site_id) and (
        reply.owner_id == user.pk or has_role(user, *WORKERS))


# ---- SPEC CB-08 relationship maintenance
def can_plan_relationship(user: Any, site_id: int) -> bool:
    """The CS supervisor (or the heads of the site) makes the monthly plan and its tasks."""
    return bool(user) and _at_site(user, site_id) and has_role(user, *MANAGERS)


def can_record_relationship_task(user: Any, task: Any) -> bool:
    """Zone staff and the zone manager of the task's zone carry it out and record it; the planners too."""
    if not (user and _at_site(user, task.site_id)) or task.status != "open":
        return False
    if has_role(user, *MANAGERS):
        return True
    staff = getattr(user, "staff", None)
    return (staff is not None and staff.zone_id == task.zone_id
            and has_role(user, Role.ZONE_STAFF, Role.ZONE_MANAGER))
