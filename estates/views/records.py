"""Steps on registry records (never delete: archive, move out, deactivate, void) and the unit documents (O-02, X-01)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import uploads
from core.errors import DomainError
from core.once import submit_once
from estates import forms as f
from estates import permissions as perms
from estates import selectors as sel
from estates import services
from estates.views.registry import ENTITIES, _detail_extra, _form_errors

# ---- record actions (never delete: archive, move out, deactivate, void) ----------------------------

def _reason_action(request: HttpRequest, action) -> str | None:
    form = f.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return None
    try:
        action(form.cleaned_data["reason"])
    except DomainError as err:
        messages.error(request, err.message)
        return None
    return form.cleaned_data["reason"]


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def unit_archive(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(sel.unit_list_visible_to(request.user), pk=pk)
    if _reason_action(request, lambda r: services.unit_archive(unit=unit, actor=request.user, reason=r)):
        messages.success(request, _("The unit is archived."))
    return redirect(unit)


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def resident_move_out(request: HttpRequest, pk: int) -> HttpResponse:
    res = get_object_or_404(sel.resident_list_visible_to(request.user), pk=pk)
    if _reason_action(request, lambda r: services.resident_move_out(resident=res, actor=request.user, reason=r)):
        messages.success(request, _("Marked as moved out."))
    return redirect("estates:resident_detail", pk=pk)


@login_required
@require_POST
def resident_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """The explicit "show" action: the full number once, and the look is in the history."""
    res = get_object_or_404(sel.resident_list_visible_to(request.user), pk=pk)
    try:
        number = services.resident_reveal_id_number(resident=res, actor=request.user)
    except DomainError as err:
        raise PermissionDenied(err.message) from err
    if request.htmx:
        return render(request, "estates/partials/_id_number.html", {"resident": res, "revealed": number})
    ent = ENTITIES["resident"]
    ctx = {"ent": ent, "obj": res, "may_edit": ent.may_edit(request.user, res), "revealed": number,
           "edit_url": reverse("estates:resident_edit", args=[pk]), "history": sel.registry_history(res)}
    ctx.update(_detail_extra(request, "resident", res))
    return render(request, "estates/resident_detail.html", ctx)


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def staff_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(sel.staff_list_visible_to(request.user), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.staff_set_active(staff=staff, active=active, actor=request.user,
                                  reason=request.POST.get("reason", ""))
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("estates:staff_detail", pk=pk)


# ---- documents (SPEC O-02) -------------------------------------------------------------------------

@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(sel.unit_list_visible_to(request.user), pk=pk)
    if not perms.can_edit_registry(request.user, unit.site_id):
        raise PermissionDenied
    form = f.UnitDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.unit_document_add(unit=unit, doc_type=form.cleaned_data["doc_type"],
                                       title=form.cleaned_data["title"], upload=form.cleaned_data["upload"],
                                       actor=request.user)
        except DomainError as err:
            _form_errors(form, err)
        else:
            messages.success(request, _("The document is in the file."))
            return redirect(unit)
    request_ctx = {"ent": ENTITIES["unit"], "obj": unit, "history": sel.registry_history(unit),
                   "may_edit": perms.can_edit_registry(request.user, unit.site_id),
                   "edit_url": reverse("estates:unit_edit", args=[unit.pk])}
    request_ctx.update(_detail_extra(request, "unit", unit))
    request_ctx["doc_form"] = form
    return render(request, "estates/unit_detail.html", request_ctx, status=400)


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    doc = get_object_or_404(sel.document_list_visible_to(request.user), pk=pk)
    # issue 13: type by content, nosniff; inline only on request and only for a verified image or PDF
    return uploads.serve(doc.file, filename=doc.original_name, as_attachment=request.GET.get("inline") != "1")


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def document_void(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(sel.document_list_visible_to(request.user), pk=pk)
    if _reason_action(request, lambda r: services.unit_document_void(document=doc, actor=request.user, reason=r)):
        messages.success(request, _("The document is voided."))
    return redirect(doc.unit)
