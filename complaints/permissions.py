"""Who may do what with a complaint; re-checked in the services."""

from __future__ import annotations

from complaints.models import Level
from core.roles import Role, has_role, is_company_level
from estates.selectors import site_ids_visible_to

FRONT_ROLES = (Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.ZONE_STAFF, Role.ZONE_MANAGER)
CONFIRM_ROLES = (Role.CENTER_HEAD, Role.SITE_DIRECTOR)
SUPERVISOR_ROLES = (Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR)
DEPT_ROLES = (Role.DEPT_SUPERVISOR, Role.DEPT_STAFF, Role.SECURITY_SUPERVISOR, Role.SECURITY_OFFICER)
DEPT_HEAD_ROLES = (Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR)
# C-06: who is told at each level of escalation (and acknowledges it)
LEVEL_ROLES = {
    Level.CS_SUPERVISOR: [Role.CS_SUPERVISOR],
    Level.SITE_DIRECTOR: [Role.SITE_DIRECTOR, Role.CENTER_HEAD],
    Level.COMPANY_LEADER: [Role.COMPANY_LEADER],
    Level.EXECUTIVE: [Role.EXECUTIVE],
}


def _staff(user):
    return getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None


def can_see(user, complaint) -> bool:
    return complaint.site_id in site_ids_visible_to(user)


def can_receive(user) -> bool:
    """C-01: any employee (a staff member with a site, or company level)."""
    staff = _staff(user)
    return staff is not None and staff.is_active


def is_front_desk(user) -> bool:
    return has_role(user, *FRONT_ROLES)


def can_register(user, complaint) -> bool:
    return can_see(user, complaint) and is_front_desk(user)


def can_propose(user, complaint) -> bool:
    return can_see(user, complaint) and is_front_desk(user)


def can_confirm(user, complaint) -> bool:
    return can_see(user, complaint) and (has_role(user, *CONFIRM_ROLES) or is_company_level(user))


def in_department(user, complaint) -> bool:
    staff = _staff(user)
    return bool(staff and complaint.department_id and staff.department_id == complaint.department_id
                and has_role(user, *DEPT_ROLES))


def can_work(user, complaint) -> bool:
    """C-04 department actions: the responsible department, or a supervisor covering for it."""
    if not can_see(user, complaint):
        return False
    return in_department(user, complaint) or has_role(user, *SUPERVISOR_ROLES) or is_company_level(user)


def can_take_over(user, complaint) -> bool:
    return can_see(user, complaint) and (has_role(user, *DEPT_HEAD_ROLES) or is_company_level(user))


def can_notify_department(user, complaint) -> bool:
    """C-05: the receiver (any employee of the site) notifies the department."""
    return can_see(user, complaint) and can_receive(user)


def can_verify(user, complaint) -> bool:
    return can_see(user, complaint) and (has_role(user, *SUPERVISOR_ROLES) or is_company_level(user))


def can_write_report(user, complaint) -> bool:
    return can_see(user, complaint) and (has_role(user, *SUPERVISOR_ROLES) or is_company_level(user))


def can_remind(user, complaint) -> bool:
    return can_see(user, complaint) and (is_front_desk(user) or has_role(user, *SUPERVISOR_ROLES))


def can_record_callback(user, complaint) -> bool:
    return can_see(user, complaint) and (is_front_desk(user) or has_role(user, *SUPERVISOR_ROLES)
                                         or is_company_level(user))


def can_see_statistics(user) -> bool:
    return has_role(user, Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR, Role.DEPT_SUPERVISOR,
                    Role.FRONT_DESK) or is_company_level(user)


def can_write_analysis(user) -> bool:
    return has_role(user, Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR) or is_company_level(user)


def can_ack_first_responder(user, complaint) -> bool:
    """C-09: the first-responder notes the result (or the front desk / a supervisor notes it was told)."""
    received_by = complaint.received_by
    return (received_by is not None and received_by.user_id == getattr(user, "pk", None)) or can_remind(user, complaint)


def site_visible(user, site_id: int) -> bool:
    return site_id in site_ids_visible_to(user)


# ---- C-05 / C-06: the emergency chain's decisions and escalation by hand
def can_decide_chain(user, complaint, level: int) -> bool:
    """The deciding level decides, in its own login: the site head (site director, or the service-center
    head standing in) at level 2, a company leader at level 3."""
    if not can_see(user, complaint):
        return False
    if level == 2:
        return has_role(user, Role.SITE_DIRECTOR, Role.CENTER_HEAD)
    if level == 3:
        return has_role(user, Role.COMPANY_LEADER)
    return False


def can_escalate(user, complaint) -> bool:
    """C-06: any level may escalate by hand — the front desk, supervisors, department heads, the company."""
    return can_see(user, complaint) and complaint.is_open and (
        is_front_desk(user) or has_role(user, *SUPERVISOR_ROLES, *DEPT_HEAD_ROLES) or is_company_level(user))


# ---- C-13 / C-10 / C-16
def can_record_cause(user, complaint) -> bool:
    return can_work(user, complaint)


def can_approve_analysis(user, analysis) -> bool:
    """C-10: the site director of the analysis's site, in his own login (nobody records it for him)."""
    staff = _staff(user)
    return bool(has_role(user, Role.SITE_DIRECTOR) and staff is not None and staff.site_id == analysis.site_id)


def can_review(user, review) -> bool:
    """C-16: the site director of the review's site."""
    staff = _staff(user)
    return bool(has_role(user, Role.SITE_DIRECTOR) and staff is not None and staff.site_id == review.site_id)


def can_acknowledge_escalation(user, escalation) -> bool:
    """C-06: each level acknowledges — whoever it was sent to, or who holds that level's role now (at the
    CS-supervisor level also the responsible department's supervisor); never from another site."""
    complaint = escalation.complaint
    if not (getattr(user, "is_authenticated", False) and can_see(user, complaint)):
        return False
    if getattr(user, "is_superuser", False) or escalation.notified.filter(pk=user.pk).exists():
        return True
    if has_role(user, *LEVEL_ROLES.get(Level(escalation.level), [])):
        return True
    return escalation.level == Level.CS_SUPERVISOR and in_department(user, complaint) and has_role(
        user, Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR)
