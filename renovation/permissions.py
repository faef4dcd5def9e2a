"""Who may do what in renovation (SPEC §0, §7). Each `check_*` raises DomainError and is called again by
the service; `can_*` wraps it for templates and menus."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import DomainError
from core.roles import Role, has_role, is_company_level
from core.service_kit import allows
from estates.models import Department
from estates.selectors import site_ids_visible_to

DESK = (Role.FRONT_DESK, Role.CS_SUPERVISOR)
HEAD = (Role.CENTER_HEAD,)
ENGINEERING = (Role.DEPT_SUPERVISOR, Role.DEPT_STAFF)
SECURITY = (Role.SECURITY_OFFICER, Role.SECURITY_SUPERVISOR)
PATROL = (Role.FRONT_DESK, Role.ZONE_STAFF, Role.ZONE_MANAGER, Role.CS_SUPERVISOR, Role.DEPT_SUPERVISOR,
          Role.DEPT_STAFF, Role.SECURITY_OFFICER, Role.SECURITY_SUPERVISOR, Role.CENTER_HEAD)
VIEWERS = PATROL + (Role.FINANCE, Role.SITE_DIRECTOR)


def _works_at(user, site_id: int) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    staff = getattr(user, "staff", None)
    return staff is not None and staff.is_active and staff.site_id == site_id


def _require(user, site_id: int, roles, message: str) -> None:
    if site_id not in site_ids_visible_to(user):
        raise DomainError(_("This record belongs to another site."), code="other_site")
    if not (_works_at(user, site_id) and has_role(user, *roles)):
        raise DomainError(message, code="not_allowed")


def check_register(user, site_id: int) -> None:
    _require(user, site_id, DESK, _("Only the front desk of this site registers renovation applications."))


def check_review(user, site_id: int) -> None:
    """R-02: the checklist is reviewed by engineering, in their own login."""
    _require(user, site_id, ENGINEERING, _("Only engineering of this site reviews renovation plans."))
    staff = getattr(user, "staff", None)
    if not getattr(user, "is_superuser", False) and (
            staff is None or staff.department is None or staff.department.kind != Department.Kind.ENGINEERING):
        raise DomainError(_("Only engineering of this site reviews renovation plans."), code="not_allowed")


def check_approve(user, site_id: int) -> None:
    _require(user, site_id, HEAD, _("Only the service-center head approves renovations and changes."))


def check_gate(user, site_id: int) -> None:
    _require(user, site_id, SECURITY, _("Only security of this site logs the gate."))


def check_patrol(user, site_id: int) -> None:
    _require(user, site_id, PATROL, _("You may not record renovation patrols at this site."))


def check_inspect(user, site_id: int) -> None:
    _require(user, site_id, ENGINEERING + HEAD,
             _("Only engineering or the service-center head inspect for acceptance."))


def can_register(user, site_id: int) -> bool:
    return allows(check_register, user, site_id)


def can_review(user, site_id: int) -> bool:
    return allows(check_review, user, site_id)


def can_approve(user, site_id: int) -> bool:
    return allows(check_approve, user, site_id)


def can_gate(user, site_id: int) -> bool:
    return allows(check_gate, user, site_id)


def can_patrol(user, site_id: int) -> bool:
    return allows(check_patrol, user, site_id)


def can_inspect(user, site_id: int) -> bool:
    return allows(check_inspect, user, site_id)


def can_view(user) -> bool:
    return is_company_level(user) or has_role(user, *VIEWERS)
