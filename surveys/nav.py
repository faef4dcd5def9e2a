from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import SUPERVISOR_ROLES, has_role
from surveys.permissions import ENTRY


def items(user) -> list[dict]:
    if not (has_role(user, *ENTRY) or has_role(user, *SUPERVISOR_ROLES)):
        return []
    return [{"label": _("Surveys"), "url": reverse("surveys:campaign_list"), "icon": "clipboard-data"}]
