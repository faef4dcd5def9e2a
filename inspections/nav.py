from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inspections.permissions import can_view


def items(user):
    if not can_view(user):
        return []
    return [{"label": _("Inspections"), "url": reverse("inspections:list"), "icon": "clipboard-check"},
            {"label": _("Zone ranking"), "url": reverse("inspections:rankings"), "icon": "trophy"}]


def landing(user) -> tuple[int, str] | None:
    return None
