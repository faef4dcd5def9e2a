from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import Role, has_role, user_roles


def items(user) -> list[dict]:
    out = [{"label": _("Work orders"), "url": reverse("tickets:order_list"), "icon": "tools"}]
    if has_role(user, Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR, Role.CS_SUPERVISOR, Role.CENTER_HEAD):
        out.append({"label": _("Dispatch board"), "url": reverse("tickets:dispatch_board"), "icon": "kanban"})
    if has_role(user, Role.CENTER_HEAD, Role.FRONT_DESK, Role.CS_SUPERVISOR):  # SPEC T-17
        out.append({"label": _("Capability checks"), "url": reverse("tickets:referral_list"), "icon": "patch-question"})
    if has_role(user, Role.DEPT_STAFF, Role.SECURITY_OFFICER, Role.DEPT_SUPERVISOR):
        out.append({"label": _("My orders"), "url": reverse("tickets:my_orders"), "icon": "phone"})
    return out


def quick_actions(user) -> list[dict]:
    return [{"key": "new-work-order", "label": _("New work order"), "url": reverse("tickets:order_create"),
             "icon": "plus-circle"}]


def landing(user) -> tuple[int, str] | None:
    """`/` for the front desk: the work-order list; for department staff: their orders."""
    roles = user_roles(user)
    if Role.FRONT_DESK in roles:
        return (10, reverse("tickets:order_list"))
    if Role.DEPT_STAFF in roles:
        return (20, reverse("tickets:my_orders"))
    return None
