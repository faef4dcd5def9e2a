from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import Role, has_role
from reception.permissions import RECEPTION, SECURITY


def items(user):
    out = []
    if has_role(user, *RECEPTION, Role.COMPANY_LEADER, Role.EXECUTIVE):
        out.append({"label": _("Visitor log"), "url": reverse("reception:entry_list"), "icon": "journal-text"})
    if has_role(user, *RECEPTION, *SECURITY):
        out.append({"label": _("Work log"), "url": reverse("reception:worklog_list"), "icon": "clipboard-check"})
    return out


def quick_actions(user):
    if has_role(user, Role.FRONT_DESK):
        return [{"key": "reception-new", "label": _("Register visitor"), "url": reverse("reception:entry_create"),
                 "icon": "person-plus"}]
    return []
