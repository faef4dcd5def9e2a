"""Fees pages for finance: deposits (taken, held, deducted with a reason, refunded; R-03, R-07), the
month's payment notices by email (F-02) and the month-end settlement of paid services (T-13, F-06).
Thin as the other fees pages: selector → form → one service call → message + redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import run_action
from core.errors import DomainError
from core.once import submit_once
from estates.selectors import building_list_visible_to
from fees import forms as f
from fees import permissions as perm
from fees import selectors as sel
from fees import services as svc
from fees.actions import DEPOSIT
from fees.views import _month


# ---- deposits (R-03 taken at the desk, R-05 deducted, R-07 refunded); the steps are declared in fees/actions.py
def _deposits_page(request: HttpRequest, unit, bound: dict | None = None, status: int = 200) -> HttpResponse:
    return render(request, "fees/deposits.html", {
        "unit": unit, "summary": sel.deposit_summary(unit), "movements": sel.deposit_movements(unit)[:100],
        "forms": DEPOSIT.forms(request.user, unit, bound), "can_finance": perm.can_finance(request.user, unit.site_id),
        "can_pay": perm.can_take_payment(request.user, unit.site_id)}, status=status)


@login_required
@submit_once
def deposits(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's deposits: what is held per reference, every movement; finance deducts or refunds here
    (the form names its step in `kind`; more than is held is refused next to the amount, input kept)."""
    unit = DEPOSIT.get_object(request, pk)
    if request.method == "POST":
        return run_action(request, DEPOSIT, unit, request.POST.get("kind", ""), page=_deposits_page)
    return _deposits_page(request, unit)


# ---- payment notices by email (F-02), a building's month at once
@login_required
@require_POST
@submit_once
def notices_building_email(request: HttpRequest, pk: int) -> HttpResponse:
    building = get_object_or_404(building_list_visible_to(request.user), pk=pk)
    period = f.MonthField().clean(request.POST.get("month")) if request.POST.get("month") else _month(request)
    try:
        r = svc.notice_emails_queue(building=building, period=period, actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("%(queued)s notices queued for email; %(before)s were sent before; "
                                    "%(no_email)s households have no email (print theirs).") % r)
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/fees/") else "fees:index")


# ---- SPEC T-13 / F-06: month-end settlement of paid services
@login_required
def settlement(request: HttpRequest) -> HttpResponse:
    if not perm.can_view_fees(request.user):
        raise Http404
    period = _month(request)
    data = sel.service_settlement(list(sel.site_ids_visible_to(request.user)), period)
    return render(request, "fees/settlement.html", {**data, "period": period})
