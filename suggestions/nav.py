from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from suggestions.permissions import can_view


def items(user):
    if not can_view(user):
        return []
    return [{"label": _("Suggestions"), "url": reverse("suggestions:list"), "icon": "lightbulb"}]


def landing(user) -> tuple[int, str] | None:
    return None
