from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from emergencies.permissions import can_view


def items(user):
    if not can_view(user):
        return []
    return [{"label": _("Emergencies"), "url": reverse("emergencies:list"), "icon": "exclamation-octagon"}]


def landing(user) -> tuple[int, str] | None:
    return None
