from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import Role, has_role, user_roles

WORKERS = (Role.ZONE_STAFF, Role.ZONE_MANAGER, Role.CS_SUPERVISOR, Role.FRONT_DESK, Role.CENTER_HEAD,
           Role.SITE_DIRECTOR, Role.COMPANY_LEADER, Role.EXECUTIVE)


def items(user):
    if not has_role(user, *WORKERS):
        return []
    out = [{"label": _("Callbacks"), "url": reverse("callbacks:queue"), "icon": "telephone-outbound"}]
    if has_role(user, Role.ZONE_MANAGER, Role.SITE_DIRECTOR, Role.CS_SUPERVISOR, Role.CENTER_HEAD,
                Role.COMPANY_LEADER, Role.EXECUTIVE):
        out.append({"label": _("Routine visits"), "url": reverse("callbacks:visit_plans"), "icon": "house-check"})
    if has_role(user, Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR, Role.COMPANY_LEADER, Role.EXECUTIVE):
        out.append({"label": _("Quality sampling"), "url": reverse("callbacks:sampling"), "icon": "shuffle"})
    if has_role(user, Role.ZONE_STAFF, Role.ZONE_MANAGER, Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR,
                Role.COMPANY_LEADER, Role.EXECUTIVE):  # SPEC CB-08
        out.append({"label": _("Relationship maintenance"), "url": reverse("callbacks:relationship_plans"),
                    "icon": "people"})
    return out


def landing(user) -> tuple[int, str] | None:
    """`/` for zone staff and managers: the callback queue (after the front desk's and departments' screens)."""
    return (30, reverse("callbacks:queue")) if user_roles(user) & {Role.ZONE_STAFF, Role.ZONE_MANAGER} else None
