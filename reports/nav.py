"""Menu entries; supervisors land on the dashboard (`landing_url`, used for `/` by role)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reports.selectors import can_see_dashboard


def items(user) -> list[dict]:
    if not can_see_dashboard(user):
        return [{"label": _("Digests"), "url": reverse("reports:preferences"), "icon": "envelope"}] \
            if getattr(user, "email", "") else []
    return [
        {"label": _("Dashboard"), "url": reverse("reports:dashboard"), "icon": "speedometer2"},
        {"label": _("Monthly reports"), "url": reverse("reports:monthly_list"), "icon": "file-earmark-bar-graph"},
        {"label": _("Delivery problems"), "url": reverse("reports:delivery_problems"), "icon": "envelope-exclamation"},
    ]


def landing_url(user) -> str | None:
    """Where `/` should send this user: the dashboard for supervisors and company roles, else None."""
    return reverse("reports:dashboard") if can_see_dashboard(user) else None
