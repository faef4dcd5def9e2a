from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from handover.permissions import can_view


def items(user):
    if not can_view(user):
        return []
    return [{"label": _("Handover and move-in"), "url": reverse("handover:desk"), "icon": "house-door"}]


def landing(user) -> tuple[int, str] | None:
    return None
