"""The steps of a payment reminder and of a payment (STYLE §3, issue 14.1): one declaration each — the
`permissions` check the service asks too (as a predicate), the form, the service call. Run by core's generic
view at the record's own URL; the pages ask for `forms` or `{% can_act %}`."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.actions import Action, Registry
from core.service_kit import allows
from fees import forms as f
from fees import permissions
from fees import selectors as sel
from fees import services as svc
from fees.models import Payment, Reminder


def _reminder(request: Any, pk: int) -> Reminder:
    return get_object_or_404(sel.reminder_list_visible_to(request.user), pk=pk)


def _page_again(request: Any) -> int:
    return 200  # the page again with the message next to the form (as before issue 14.1)


REMINDER = Registry("fees.reminder", get_object=_reminder, error_status=_page_again)
REMINDER.add(Action(
    "outcome", _("Record the outcome"), f.ReminderOutcomeForm,
    lambda u, r: allows(permissions.check_reminder_outcome, u, r),
    run=lambda r, u, d: svc.reminder_record_outcome(reminder=r, actor=u, outcome=d["outcome"], note=d["note"]),
    message=_("Outcome recorded.")), url_name="fees:reminder_detail")


def _payment(request: Any, pk: int) -> Payment:
    return get_object_or_404(sel.payment_list_visible_to(request.user).select_related("unit", "receipt"), pk=pk)


PAYMENT = Registry("fees.payment", get_object=_payment, error_status=_page_again,
                   page_url=lambda p: reverse("fees:unit_account", args=[p.unit_id]))  # listed on the unit's account
PAYMENT.add(Action(
    "reverse", _("Reverse"), f.ReversalForm,
    lambda u, p: p.purpose == Payment.Purpose.CHARGES and permissions.can_finance(u, p.site_id),
    run=lambda p, u, d: svc.payment_reverse(payment=p, amount=d["amount"], reason=d["reason"], actor=u),
    style="danger", message=_("Reversal posted.")), url_name="fees:payment_reverse")
