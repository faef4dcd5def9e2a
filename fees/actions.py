"""The steps of a payment reminder (STYLE §3, issue 14.1): one declaration each — the `permissions` check the
service asks too (as a predicate), the form, the service call. Run by core's generic view at the reminder's
own page; the page asks for `forms`."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from core.actions import Action, Registry
from core.service_kit import allows
from fees import forms as f
from fees import permissions
from fees import selectors as sel
from fees import services as svc
from fees.models import Reminder


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
