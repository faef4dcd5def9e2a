from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from estates.roles import Role, has_role


def items(user) -> list[dict]:
    out = [{"label": _("Work orders"), "url": reverse("tickets:order_list"), "icon": "tools"}]
    if has_role(user, Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR, Role.CS_SUPERVISOR, Role.CENTER_HEAD):
        out.append({"label": _("Dispatch board"), "url": reverse("tickets:dispatch_board"), "icon": "kanban"})
    if has_role(user, Role.DEPT_STAFF, Role.SECURITY_OFFICER, Role.DEPT_SUPERVISOR):
        out.append({"label": _("My orders"), "url": reverse("tickets:my_orders"), "icon": "phone"})
    return out


def quick_actions(user) -> list[dict]:
    return [{"key": "new-work-order", "label": _("New work order"), "url": reverse("tickets:order_create"),
             "icon": "plus-circle"}]
