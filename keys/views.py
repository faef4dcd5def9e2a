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


def _deposit_ctx(request: HttpRequest, deposit: KeyDeposit, **forms) -> dict:
    user = request.user
    approvals = [(k, KeyApproval.Kind(k).label, perm.can_approve(user, deposit=deposit, kind=k))
                 for k in perm.DEPOSIT_KINDS]
    is_custodian = perm.is_custodian(user, site_id=deposit.site_id)
    ctx = {
        "deposit": deposit, "approvals": deposit.approvals.filter(use__isnull=True).select_related("approver__staff"),
        "approval_buttons": approvals, "is_custodian": is_custodian,
        "uses": deposit.uses.select_related("requester__staff", "property_staff", "security_staff"),
        "seals": deposit.seals.select_related("sealed_by", "sealed_with"),
        "incidents": deposit.incidents.all(), "events": sel.deposit_history(deposit),
        "can_register": perm.can_register(user, deposit.site_id),
        "store_form": forms.get("store_form") or f.StoreForm(site_id=deposit.site_id,
                                                             free_slots=sel.free_slots(deposit.site_id)),
        "use_form": forms.get("use_form") or f.UseRequestForm(),
        "cancel_form": forms.get("cancel_form") or f.CancelForm(),
        "return_form": forms.get("return_form") or f.ReturnToResidentForm(),
        "custodians": _custodians(deposit.site_id),
        "minutes_out": sum(e.data.get("minutes_out", 0) for e in deposit.events.filter(kind="resealed")),
    }
    return ctx


def _deposit_post(request, pk, form_key, form, call, ok_msg):
    deposit = get_object_or_404(sel.deposit_list_visible_to(request.user), pk=pk)
    if form.is_valid():
        try:
            result = call(deposit, form.cleaned_data)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, ok_msg)
            return redirect(result if hasattr(result, "get_absolute_url") else deposit)
    return render(request, "keys/deposit_detail.html", _deposit_ctx(request, deposit, **{form_key: form}),
                  status=422)


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def deposit_approve(request: HttpRequest, pk: int) -> HttpResponse:
    deposit = get_object_or_404(sel.deposit_list_visible_to(request.user), pk=pk)
    try:
        svc.key_deposit_approve(deposit=deposit, kind=request.POST.get("kind", ""), actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Approval recorded."))
    return redirect(deposit)


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def deposit_store(request: HttpRequest, pk: int) -> HttpResponse:
    deposit = get_object_or_404(sel.deposit_list_visible_to(request.user), pk=pk)
    form = f.StoreForm(request.POST, site_id=deposit.site_id, free_slots=sel.free_slots(deposit.site_id))
    return _deposit_post(request, pk, "store_form", form, lambda d, c: svc.key_deposit_store(
        deposit=d, slot=c["slot"], seal_number=c["seal_number"], witness=c["witness"], actor=request.user),
        _("Sealed and stored."))


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def deposit_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _deposit_post(request, pk, "cancel_form", f.CancelForm(request.POST), lambda d, c: svc.key_deposit_cancel(
        deposit=d, reason=c["reason"], actor=request.user), _("Deposit cancelled."))


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def deposit_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _deposit_post(request, pk, "return_form", f.ReturnToResidentForm(request.POST),
                         lambda d, c: svc.key_deposit_return_to_resident(
                             deposit=d, signer_name=c["signer_name"], signed_on_paper=c["signed_on_paper"],
                             signature=c["signature"], actor=request.user), _("Key returned to the resident."))


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def use_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _deposit_post(request, pk, "use_form", f.UseRequestForm(request.POST), lambda d, c: svc.key_use_request(
        deposit=d, purpose=c["purpose"], work_order_number=c["work_order_number"], planned_out=c["planned_out"],
        planned_return=c["planned_return"], actor=request.user), _("Use requested; it waits for two approvals."))


# ---- uses (K-03..K-06)
def _use_ctx(request: HttpRequest, use: KeyUse, **forms) -> dict:
    user = request.user
    return {
        "use": use, "deposit": use.deposit,
        "approvals": use.approvals.select_related("approver__staff"),
        "approval_buttons": [(k, KeyApproval.Kind(k).label,
                              perm.can_approve(user, deposit=use.deposit, kind=k, use=use)) for k in perm.USE_KINDS],
        "is_custodian": perm.is_custodian(user, site_id=use.site_id),
        "custodians": _custodians(use.site_id),
        "items": use.items.select_related("recorded_by__staff", "put_back_by__staff"),
        "deadlines": deadlines_of(use),
        "take_out_form": forms.get("take_out_form") or f.TakeOutForm(site_id=use.site_id),
        "sign_form": forms.get("sign_form") or f.EntrySignaturesForm(initial={
            "signed_on_paper": use.entry_signed_on_paper,
            "security_signer": use.entry_security_signer or (use.security_staff.name if use.security_staff else ""),
            "property_signer": use.entry_property_signer or (use.property_staff.name if use.property_staff else ""),
            "contractor_signer": use.entry_contractor_signer or use.contractor_lead}),
        "item_form": forms.get("item_form") or f.ItemForm(),
        "return_form": forms.get("return_form") or f.ReturnForm(site_id=use.site_id, initial={
            "sealer": use.property_staff_id, "witness": use.security_staff_id}),
        "cancel_form": forms.get("cancel_form") or f.CancelForm(),
    }


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


def _use_post(request, pk, form_key, make_form, call, ok_msg):
    use = get_object_or_404(sel.use_list_visible_to(request.user), pk=pk)
    form = make_form(use)
    if form.is_valid():
        try:
            call(use, form.cleaned_data)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, ok_msg)
            return redirect(use)
    return render(request, "keys/use_detail.html", _use_ctx(request, use, **{form_key: form}), status=422)


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def use_approve(request: HttpRequest, pk: int) -> HttpResponse:
    use = get_object_or_404(sel.use_list_visible_to(request.user), pk=pk)
    try:
        svc.key_use_approve(use=use, kind=request.POST.get("kind", ""), actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Approval recorded."))
    return redirect(use)


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def use_take_out(request: HttpRequest, pk: int) -> HttpResponse:
    return _use_post(request, pk, "take_out_form", lambda u: f.TakeOutForm(request.POST, site_id=u.site_id),
                     lambda u, c: svc.key_use_take_out(use=u, property_staff=c["property_staff"],
                                                       security_staff=c["security_staff"],
                                                       contractor_lead=c["contractor_lead"], actor=request.user),
                     _("Key taken out. Print the entry record and have it signed."))


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def use_sign(request: HttpRequest, pk: int) -> HttpResponse:
    return _use_post(request, pk, "sign_form", lambda u: f.EntrySignaturesForm(request.POST),
                     lambda u, c: svc.key_use_record_entry_signatures(use=u, actor=request.user, **c),
                     _("Signatures recorded."))


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def use_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _use_post(request, pk, "cancel_form", lambda u: f.CancelForm(request.POST),
                     lambda u, c: svc.key_use_cancel(use=u, reason=c["reason"], actor=request.user),
                     _("Use cancelled."))


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def use_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _use_post(request, pk, "item_form", lambda u: f.ItemForm(request.POST, request.FILES),
                     lambda u, c: svc.key_use_item_add(use=u, description=c["description"], photo=c["photo"],
                                                       actor=request.user), _("Item listed."))


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
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def use_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _use_post(request, pk, "return_form", lambda u: f.ReturnForm(request.POST, site_id=u.site_id),
                     lambda u, c: svc.key_use_return(use=u, seal_number=c["seal_number"], sealer=c["sealer"],
                                                     witness=c["witness"], actor=request.user),
                     _("Key resealed and back in its slot."))


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
