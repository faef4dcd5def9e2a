"""Menu entries; supervisors land on the dashboard (`landing`, asked by core for `/`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reports.selectors import can_see_dashboard

MENU_ORDER = 0  # the supervisor's dashboard first


def items(user) -> list[dict]:
    if not can_see_dashboard(user):
        return [{"label": _("Digests"), "url": reverse("reports:preferences"), "icon": "envelope"}] \
            if getattr(user, "email", "") else []
    return [
        {"label": _("Dashboard"), "url": reverse("reports:dashboard"), "icon": "speedometer2"},
        {"label": _("Monthly reports"), "url": reverse("reports:monthly_list"), "icon": "file-earmark-bar-graph"},
        {"label": _("Annual statistics"), "url": reverse("reports:annual"), "icon": "calendar3"},
        {"label": _("Delivery problems"), "url": reverse("reports:delivery_problems"), "icon": "envelope-exclamation"},
    ]


def landing(user) -> tuple[int, str] | None:
    """`/` for supervisors and company roles: the dashboard, before any working screen."""
    return (0, reverse("reports:dashboard")) if can_see_dashboard(user) else None
