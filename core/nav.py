"""Menu entries of the engine's supervisor pages."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import permissions

MENU_ORDER = 1000  # the engine's configuration pages last


def items(user) -> list[dict]:
    out = []
    if permissions.can_view_timers(user):
        out.append({"label": _("Timers"), "url": reverse("core:deadline_list"), "icon": "stopwatch"})
    if permissions.can_view_policies(user):
        out.append({"label": _("Deadline policies"), "url": reverse("core:policy_list"), "icon": "sliders"})
    if permissions.can_view_calendar(user):
        out.append({"label": _("Holiday calendar"), "url": reverse("core:holiday_list"), "icon": "calendar3"})
    if getattr(user, "staff", None) is not None or user.is_superuser:  # SPEC T-18: decisions in own login
        out.append({"label": _("Approvals"), "url": reverse("core:approval_list"), "icon": "check2-square"})
    return out
