from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def items(user) -> list[dict]:
    return [
        {"label": _("Resident files"), "url": reverse("estates:unit_list"), "icon": "houses"},
        {"label": _("Registry"), "url": reverse("estates:home"), "icon": "journal-text"},
        {"label": _("Duty roster"), "url": reverse("estates:roster"), "icon": "calendar-week"},
    ]
