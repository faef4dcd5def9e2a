from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from renovation.permissions import can_view

MENU_ORDER = 75


def items(user) -> list[dict]:
    if not can_view(user):
        return []
    return [{"label": _("Renovation"), "url": reverse("renovation:board"), "icon": "hammer"}]
