"""Who may do what to a work order (SPEC §0 roles, T-05, T-06, T-07). Used by views and templates and
re-checked in services."""

from __future__ import annotations

from core.roles import Role, has_role, is_company_level
from estates.models import Department


def _at_site(user, order_or_site_id) -> bool:
    site_id = getattr(order_or_site_id, "site_id", order_or_site_id)
    if is_company_level(user):
        return True
    staff = getattr(user, "staff", None)
    return staff is not None and staff.site_id == site_id


def can_register(user, site_id: int) -> bool:
    """SPEC T-01: the front desk registers; any staff member may file a public-area problem."""
    return _at_site(user, site_id) and getattr(user, "staff", None) is not None


def can_dispatch(user, order) -> bool:
    return _at_site(user, order) and has_role(user, Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.DEPT_SUPERVISOR,
                                              Role.SECURITY_SUPERVISOR, Role.CENTER_HEAD)


def can_work(user, order) -> bool:
    """Enter arrival / completion: the department's people, or the front desk copying the paper form."""
    if not _at_site(user, order):
        return False
    if has_role(user, Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.CENTER_HEAD):
        return True
    staff = getattr(user, "staff", None)
    in_dept = order.department_id is None or staff.department_id == order.department_id
    return has_role(user, Role.DEPT_STAFF, Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR,
                    Role.SECURITY_OFFICER) and (in_dept or has_role(user, Role.DEPT_SUPERVISOR))


def can_front_desk(user, order) -> bool:
    """Receipt acceptance, follow-ups, chasing, cancel: the front desk and CS supervision."""
    return _at_site(user, order) and has_role(user, Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.ZONE_STAFF,
                                              Role.CENTER_HEAD)


def can_check_charges(user, order) -> bool:
    """SPEC T-07: only an engineering supervisor checks the amount (核定), in his own login (T-18)."""
    if not (_at_site(user, order) and has_role(user, Role.DEPT_SUPERVISOR)):
        return False
    if getattr(user, "is_superuser", False):
        return True
    staff = getattr(user, "staff", None)
    return staff is not None and staff.department_id is not None and (
        staff.department.kind == Department.Kind.ENGINEERING)


def can_request_extension(user, order) -> bool:
    """SPEC T-05/T-18: the front desk asks; the head or the director may ask (and sign by asking)."""
    return can_front_desk(user, order) or is_center_head(user, order) or is_site_director(user, order)


def can_approve_charges(user, order) -> bool:
    """SPEC T-07: the CS supervisor approves it."""
    return _at_site(user, order) and has_role(user, Role.CS_SUPERVISOR)


def is_center_head(user, order) -> bool:
    return _at_site(user, order) and has_role(user, Role.CENTER_HEAD)


def is_site_director(user, order) -> bool:
    return _at_site(user, order) and has_role(user, Role.SITE_DIRECTOR)


def unresolvable_signer_role(order) -> str:
    """SPEC T-06: the department supervisor signs for engineering orders, the service-center head for
    order/security and cleaning orders (and, our choice, for any other non-engineering kind it is the
    department supervisor too)."""
    kind = order.department.kind if order.department_id else order.category.department_kind
    if kind in (Department.Kind.SECURITY, Department.Kind.CLEANING):
        return Role.CENTER_HEAD
    return Role.DEPT_SUPERVISOR


def can_sign_unresolvable(user, order) -> bool:
    return _at_site(user, order) and has_role(user, unresolvable_signer_role(order))


# issue 14.2: one predicate per step, asked by the page, the generic action view and the service alike
def can_evaluate(user, order) -> bool:
    return can_work(user, order) or can_front_desk(user, order)


def can_report_status(user, order) -> bool:
    """SPEC T-14: the department head reports the status of an order/cleaning order."""
    return can_work(user, order) and has_role(user, Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR, Role.CENTER_HEAD)


def can_record_agreement(user, order) -> bool:
    return can_front_desk(user, order) or can_dispatch(user, order)


def can_route_to_developer(user, order) -> bool:
    """SPEC T-16: a supervisor who may dispatch the order routes it to the developer."""
    return can_dispatch(user, order) and has_role(user, Role.CENTER_HEAD, Role.CS_SUPERVISOR, Role.DEPT_SUPERVISOR)


def can_reinspect(user, order) -> bool:
    return can_front_desk(user, order) or can_check_charges(user, order)


def can_record_inspection(user, order) -> bool:
    """SPEC T-09/T-12: joint inspection and contractor review records."""
    return can_front_desk(user, order) or can_work(user, order)


# SPEC T-03 / T-17 (issue 15): late registration and the capability check
def can_register_late(user, site_id: int) -> bool:
    """SPEC T-03: the front desk (and CS supervision) registers work done first, with its real times."""
    return _at_site(user, site_id) and has_role(user, Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.ZONE_STAFF,
                                                Role.CENTER_HEAD)


def can_refer(user, site_id: int) -> bool:
    """SPEC T-17: the front desk refers a request it cannot confirm to the service-center head."""
    return can_register_late(user, site_id)


def can_decide_referral(user, referral) -> bool:
    """SPEC T-17/T-18: only the service-center head of the site decides, in his own login."""
    return _at_site(user, referral) and has_role(user, Role.CENTER_HEAD)
