from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meetings.permissions import can_view


def items(user):
    if not can_view(user):
        return []
    return [{"label": _("Meeting service"), "url": reverse("meetings:day"), "icon": "people"}]


def landing(user) -> tuple[int, str] | None:
    return None
