from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import Role, has_role
from portal.permissions import is_resident


def items(user):
    if not is_resident(user) and has_role(user, Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.CENTER_HEAD):
        return [{"label": _("Online reports"), "url": reverse("portal:desk_queue"), "icon": "phone"},
                {"label": _("Notice board"), "url": reverse("portal:desk_notices"), "icon": "megaphone"}]
    return []
