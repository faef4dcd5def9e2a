"""Payment reminders (SPEC F-03): the list, a reminder for a unit that owes, its page with the outcome step
(declared in fees/actions.py) and the reminder letter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import run_action
from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from core.pdf import render_pdf
from fees import selectors as sel
from fees import services as svc
from fees.actions import REMINDER
from fees.views import _pdf


@login_required
def reminder_list(request: HttpRequest) -> HttpResponse:
    qs = sel.reminder_list_visible_to(request.user)
    if request.GET.get("open"):
        qs = qs.filter(outcome="")
    return render(request, "fees/reminder_list.html", {"page": paginate(request, qs, 50)})


@login_required
@require_POST
@submit_once
def reminder_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = sel.unit_get(request.user, pk)
    try:
        reminder = svc.reminder_create(unit=unit, actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("fees:unit_account", pk=unit.pk)
    messages.success(request, _("Reminder assigned to %(name)s.") % {
        "name": reminder.assigned_to.name if reminder.assigned_to else "—"})
    return redirect(reminder)


def _reminder_page(request: HttpRequest, reminder, bound: dict | None = None, status: int = 200) -> HttpResponse:
    return render(request, "fees/reminder_detail.html", {
        "reminder": reminder, "forms": REMINDER.forms(request.user, reminder, bound),
        "open_bills": sel.open_bill_query(reminder.unit)}, status=status)


@login_required
@submit_once
def reminder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The reminder and, for whom its predicate allows, the outcome step (declared in fees/actions.py)."""
    reminder = REMINDER.get_object(request, pk)
    if request.method == "POST":
        return run_action(request, REMINDER, reminder, "outcome", page=_reminder_page)
    return _reminder_page(request, reminder)


@login_required
def reminder_letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """催缴通知书: the unit's open bills and what it owes."""
    reminder = get_object_or_404(sel.reminder_list_visible_to(request.user), pk=pk)
    bills = list(sel.open_bill_query(reminder.unit))
    data = render_pdf("fees/print/reminder_letter.html", {
        "reminder": reminder, "unit": reminder.unit, "site": reminder.unit.site, "bills": bills,
        "owed": sum((b.outstanding for b in bills), 0), "today": timezone.localdate()})
    return _pdf(data, f"reminder-{reminder.pk}.pdf")
