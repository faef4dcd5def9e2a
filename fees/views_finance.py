"""Fees pages for finance: deposits (taken, held, deducted with a reason, refunded; R-03, R-07), the
month's payment notices by email (F-02) and the month-end settlement of paid services (T-13, F-06).
Thin as the other fees pages: selector → form → one service call → message + redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.once import submit_once
from estates.selectors import building_list_visible_to
from fees import forms as f
from fees import permissions as perm
from fees import selectors as sel
from fees import services as svc
from fees.views import _month

# ---- deposits (R-03 taken at the desk, R-05 deducted, R-07 refunded)
_OUT = {"deduct": (svc.deposit_deduct, True, gettext_lazy("Deduction posted.")),
        "refund": (svc.deposit_refund, False, gettext_lazy("Refund posted."))}


def _deposit_forms(unit, data=None, which: str = "") -> dict:
    held = [r for r in sel.deposit_summary(unit) if r["held"] > 0]
    return {kind: f.DepositOutForm(data if kind == which else None, held=held, reason_required=required,
                                   prefix=kind)
            for kind, (_fn, required, _msg) in _OUT.items()}


@login_required
@submit_once
def deposits(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's deposits: what is held per reference, every movement; finance deducts or refunds here."""
    unit = sel.unit_get(request.user, pk)
    if not perm.can_view_fees(request.user):
        raise Http404
    which = request.POST.get("kind", "") if request.method == "POST" else ""
    forms = _deposit_forms(unit, request.POST, which)
    if which in _OUT and forms[which].is_valid():
        service, _required, done = _OUT[which]
        d = forms[which].cleaned_data
        try:
            service(unit=unit, amount=d["amount"], reason=d["reason"], reference=d["reference"], actor=request.user)
        except DomainError as err:  # more than is held, no reason, not finance: next to the field, input kept
            forms[which].add_error("amount" if err.code == "more_than_held" else None, err.message)
        else:
            messages.success(request, str(done))
            return redirect("fees:deposits", pk=unit.pk)
    return render(request, "fees/deposits.html", {
        "unit": unit, "summary": sel.deposit_summary(unit), "movements": sel.deposit_movements(unit)[:100],
        "forms": forms, "which": which, "can_finance": perm.can_finance(request.user, unit.site_id),
        "can_pay": perm.can_take_payment(request.user, unit.site_id)})


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
