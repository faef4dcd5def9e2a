from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from complaints import permissions as perm


def items(user) -> list[dict]:
    out = [{"label": _("Complaints"), "url": reverse("complaints:complaint_list"), "icon": "megaphone"}]
    if perm.can_see_statistics(user):
        out.append({"label": _("Complaint statistics"), "url": reverse("complaints:statistics"),
                    "icon": "bar-chart"})
    return out


def quick_actions(user) -> list[dict]:
    """C-01: any employee can record a complaint from every page."""
    if not perm.can_receive(user):
        return []
    return [{"key": "complaint", "label": _("Record a complaint"), "url": reverse("complaints:complaint_create"),
             "icon": "megaphone-fill"}]
