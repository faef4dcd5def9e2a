"""Issue 22 (T-05, P-03): the resident hears of their order's dispatch, arrival, completion and extension
— a notice on the resident pages and an email where they gave one (core outbox)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.notifications import notification_queue
from portal.models import ResidentAccount
from tickets.hooks import step_listener

TITLES = {
    "dispatched": lambda o, d, n: _("Your order %(n)s has been dispatched") % {"n": o.number},
    "arrived": lambda o, d, n: _("Staff have arrived for order %(n)s") % {"n": o.number},
    "completed": lambda o, d, n: _("Order %(n)s is completed: please evaluate it") % {"n": o.number},
    "extended": lambda o, d, n: _("Order %(n)s extended to %(date)s") % {
        "n": o.number, "date": f"{timezone.localtime(d['new_due_at']):%Y-%m-%d %H:%M}"},
}


def accounts_for(order) -> list[ResidentAccount]:
    """The household's accounts: the order's resident, or everyone with an account in its unit."""
    if not order.unit_id:
        return []
    qs = ResidentAccount.objects.select_related("user").filter(unit_id=order.unit_id, is_active=True)
    if order.resident_id and qs.filter(resident_id=order.resident_id).exists():
        qs = qs.filter(resident_id=order.resident_id)
    return list(qs)


def on_step(*, order, kind, now, note, data) -> None:
    make = TITLES.get(str(kind))
    if make is None:
        return
    accounts = accounts_for(order)
    if not accounts:
        return
    with override("zh-hans"):  # residents read Chinese (issue 22.7), whatever the staff member's language
        title = make(order, data, note)
        body = _("Reason: %(reason)s") % {"reason": note} if str(kind) == "extended" else order.content[:100]
    for account in accounts:
        notification_queue(recipients=[account.user], title=title, body=body,
                           url=reverse("portal:order_detail", args=[order.pk]), site_id=order.site_id,
                           subject=order, send_email=bool(account.email),
                           dedupe_key=f"portal:wo:{order.pk}:{kind}:{order.version}")


def register() -> None:
    step_listener(on_step)
