"""Thin views: selector → form → one service call → redirect; DomainError becomes a form error."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import uploads
from core.actions import action_post_view, run_action
from core.deadlines import deadlines_of
from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from core.pdf import render_pdf
from estates.selectors import site_list_visible_to, staff_of
from keys import forms as f
from keys import permissions as perm
from keys import selectors as sel
from keys import services as svc
from keys.actions import DEPOSIT, USE
from keys.models import KeyApproval, KeyDeposit, KeyUse


def _pdf(data: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{filename}"'
    return resp


def _user_site(request: HttpRequest):
    staff = staff_of(request.user)
    if staff is not None and staff.site_id:
        return staff.site
    site_id = request.GET.get("site") or request.POST.get("site")
    sites = site_list_visible_to(request.user)
    return sites.filter(pk=site_id).first() if site_id else sites.first()


def _custodians(site_id: int) -> str:
    return "、".join(sel.cabinet_list_visible_to_site(site_id).exclude(custodian=None)
                     .values_list("custodian__name", flat=True).distinct())


# ---- ledger (K-01)
@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    qs = sel.deposit_list_visible_to(request.user)
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(unit__code__startswith=q)
    page = paginate(request, qs, 50)
    return render(request, "keys/ledger.html", {"page": page, "status": status, "q": q,
                                                "statuses": KeyDeposit.Status.choices})


@login_required
def ledger_pdf(request: HttpRequest) -> HttpResponse:
    deposits = sel.deposit_list_visible_to(request.user).order_by("site__name", "slot__cabinet__name",
                                                                  "slot__number", "registered_at")
    data = render_pdf("keys/print/ledger.html", {"deposits": deposits, "now": timezone.now()})
    return _pdf(data, "key-ledger.pdf")


@login_required
@submit_once  # issue 23.2: sent twice, done once
def deposit_create(request: HttpRequest) -> HttpResponse:
    site = _user_site(request)
    if site is None:
        raise Http404
    form = f.DepositForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            deposit = svc.key_deposit_register(site=site, unit=d["unit_code"], reason=d["reason"],
                                               key_description=d["key_description"], key_count=d["key_count"],
                                               depositor_name=d["depositor_name"], note=d["note"],
                                               actor=request.user)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Key deposit registered; it waits for two approvals."))
            return redirect(deposit)
    return render(request, "keys/deposit_form.html", {"form": form, "site": site})


@login_required
def deposit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deposit = get_object_or_404(sel.deposit_list_visible_to(request.user), pk=pk)
    return render(request, "keys/deposit_detail.html", _deposit_ctx(request, deposit))


def _deposit_ctx(request: HttpRequest, deposit: KeyDeposit, bound: dict | None = None) -> dict:
    user = request.user
    forms = DEPOSIT.forms(user, deposit, bound)
    return {
        "deposit": deposit, "approvals": deposit.approvals.filter(use__isnull=True).select_related("approver__staff"),
        "approval_forms": _approval_forms(forms, perm.DEPOSIT_KINDS),
        "is_custodian": perm.is_custodian(user, site_id=deposit.site_id),
        "uses": deposit.uses.select_related("requester__staff", "property_staff", "security_staff"),
        "seals": deposit.seals.select_related("sealed_by", "sealed_with"),
        "incidents": deposit.incidents.all(), "events": sel.deposit_history(deposit),
        # the forms of the steps this user may take now (keys/actions.py asks keys/permissions.py)
        "forms": forms,
        "custodians": _custodians(deposit.site_id),
        "minutes_out": sum(e.data.get("minutes_out", 0) for e in deposit.events.filter(kind="resealed")),
    }


def _deposit_page(request: HttpRequest, deposit: KeyDeposit, bound: dict | None = None,
                  status: int = 200) -> HttpResponse:
    return render(request, "keys/deposit_detail.html", _deposit_ctx(request, deposit, bound), status=status)


def _approval_forms(forms: dict, kinds) -> list[tuple[str, object, object]]:
    """(kind, label, form) of each approval this user may give now (the K-01/K-03 steps of keys/actions.py)."""
    return [(str(k), KeyApproval.Kind(k).label, forms[str(k)]) for k in kinds if str(k) in forms]


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def deposit_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The approval the form names in `kind`, run by core's generic action (keys/actions.py)."""
    kind = request.POST.get("kind", "")
    if kind not in perm.DEPOSIT_KINDS:
        raise Http404
    return run_action(request, DEPOSIT, DEPOSIT.get_object(request, pk), kind, page=_deposit_page)


# the steps on a key are declared once in keys/actions.py; core's generic view runs them (issue 14.1)
deposit_store = action_post_view(DEPOSIT, page=_deposit_page, key="store")
deposit_cancel = action_post_view(DEPOSIT, page=_deposit_page, key="cancel")
deposit_return = action_post_view(DEPOSIT, page=_deposit_page, key="return")
use_create = action_post_view(DEPOSIT, page=_deposit_page, key="use")


# ---- uses (K-03..K-06)
def _use_ctx(request: HttpRequest, use: KeyUse, bound: dict | None = None) -> dict:
    user = request.user
    forms = USE.forms(user, use, bound)  # keys/actions.py
    return {
        "use": use, "deposit": use.deposit,
        "approvals": use.approvals.select_related("approver__staff"),
        "approval_forms": _approval_forms(forms, perm.USE_KINDS),
        "is_custodian": perm.is_custodian(user, site_id=use.site_id),
        "custodians": _custodians(use.site_id),
        "items": use.items.select_related("recorded_by__staff", "put_back_by__staff"),
        "deadlines": deadlines_of(use),
        "forms": forms,
    }


def _use_page(request: HttpRequest, use: KeyUse, bound: dict | None = None, status: int = 200) -> HttpResponse:
    return render(request, "keys/use_detail.html", _use_ctx(request, use, bound), status=status)


@login_required
def use_list(request: HttpRequest) -> HttpResponse:
    qs = sel.use_list_visible_to(request.user)
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    page = paginate(request, qs, 50)
    return render(request, "keys/use_list.html", {"page": page, "status": status, "statuses": KeyUse.Status.choices})


@login_required
def use_detail(request: HttpRequest, pk: int) -> HttpResponse:
    use = get_object_or_404(sel.use_list_visible_to(request.user), pk=pk)
    return render(request, "keys/use_detail.html", _use_ctx(request, use))


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def use_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The approval the form names in `kind`, run by core's generic action (keys/actions.py)."""
    kind = request.POST.get("kind", "")
    if kind not in perm.USE_KINDS:
        raise Http404
    return run_action(request, USE, USE.get_object(request, pk), kind, page=_use_page)


use_take_out = action_post_view(USE, page=_use_page, key="take_out")
use_sign = action_post_view(USE, page=_use_page, key="sign")
use_sign_own = action_post_view(USE, page=_use_page, key="sign_own")
use_cancel = action_post_view(USE, page=_use_page, key="cancel")
use_item_add = action_post_view(USE, page=_use_page, key="item")
use_return = action_post_view(USE, page=_use_page, key="return")


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def use_item_put_back(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_object_or_404(sel.item_list_visible_to(request.user), pk=item_pk, use_id=pk)
    try:
        svc.key_use_item_put_back(item=item, actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    return redirect(item.use)


@login_required
def use_item_photo(request: HttpRequest, pk: int, item_pk: int) -> FileResponse:
    item = get_object_or_404(sel.item_list_visible_to(request.user), pk=item_pk, use_id=pk)
    return uploads.serve(item.photo)  # issue 13: type by content, nosniff


@login_required
def use_entry_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """SPEC K-04/D-04: 使用客户托管钥匙入室登记表 as an A4 PDF."""
    use = get_object_or_404(sel.use_list_visible_to(request.user), pk=pk)
    data = render_pdf("keys/print/entry_record.html", {
        "use": use, "deposit": use.deposit, "approvals": use.approvals.select_related("approver__staff"),
        "items": use.items.all()})
    return _pdf(data, f"key-entry-{use.pk}.pdf")


# ---- seal register, reconciliation, incidents
@login_required
def seal_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, sel.seal_list_visible_to(request.user), 50)
    return render(request, "keys/seal_list.html", {"page": page})


@login_required
def reconciliation_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, sel.reconciliation_list_visible_to(request.user), 30)
    incidents = sel.incident_list_visible_to(request.user).filter(status="open")
    return render(request, "keys/reconciliation_list.html", {"page": page, "open_incidents": incidents})


@login_required
@submit_once  # issue 23.2: sent twice, done once
def reconciliation_create(request: HttpRequest) -> HttpResponse:
    site = _user_site(request)
    if site is None:
        raise Http404
    form = f.ReconciliationForm(request.POST or None, deposits=svc.reconciliation_candidates(site.pk))
    if request.method == "POST" and form.is_valid():
        try:
            rec = svc.key_reconciliation_record(site=site, lines=form.lines(), note=form.cleaned_data["note"],
                                                actor=request.user)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            n = rec.incidents.count()
            if n:
                messages.warning(request, _("%(n)s incident(s) opened for the site director.") % {"n": n})
            else:
                messages.success(request, _("Every key checked and in order."))
            return redirect(rec)
    return render(request, "keys/reconciliation_form.html", {"form": form, "site": site})


@login_required
def reconciliation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rec = get_object_or_404(sel.reconciliation_list_visible_to(request.user), pk=pk)
    return render(request, "keys/reconciliation_detail.html", {
        "rec": rec, "lines": rec.lines.select_related("deposit__unit", "deposit__slot__cabinet"),
        "incidents": rec.incidents.all()})


@login_required
@submit_once  # issue 23.2: sent twice, done once
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(sel.incident_list_visible_to(request.user), pk=pk)
    form = f.IncidentCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.key_incident_close(incident=incident, finding=form.cleaned_data["finding"], actor=request.user)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Incident closed."))
            return redirect(incident)
    return render(request, "keys/incident_detail.html", {
        "incident": incident, "form": form, "can_close": perm.can_close_incident(request.user, incident)})
