from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fees.permissions import can_view_fees


def items(user) -> list[dict]:
    if not can_view_fees(user):
        return []
    return [{"label": _("Fees"), "url": reverse("fees:index"), "icon": "cash-coin"}]
