from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import is_company_level
from keys.permissions import KEY_CLERK_ROLES, _role_holds


def items(user) -> list[dict]:
    if not (is_company_level(user) or _role_holds(user, KEY_CLERK_ROLES)):
        return []
    return [{"label": _("Key custody"), "url": reverse("keys:ledger"), "icon": "key"}]
