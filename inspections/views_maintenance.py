"""Pages of O-05: the equipment register and the annual maintenance plan with its year view."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from core.uploads import serve
from estates.selectors import visible
from inspections import maintenance as svc
from inspections import permissions
from inspections.forms import EquipmentForm, PlanForm
from inspections.models import Equipment, EquipmentDocument, MaintenancePlan
from inspections.views import _site

STATES = {"done": gettext_lazy("done"), "late": gettext_lazy("late"), "overdue": gettext_lazy("overdue"),
          "issued": gettext_lazy("issued"), "planned": gettext_lazy("planned"),
          "not_issued": gettext_lazy("not issued")}


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view(request.user):
        raise Http404
    plans = visible(MaintenancePlan.objects.select_related("site"), request.user)
    site = _site(request)
    return render(request, "inspections/plans.html", {
        "plans": plans, "form": PlanForm(initial={"year": timezone.localdate().year}),
        "can_manage": svc.can_manage(request.user, site.pk),
        "overdue": svc.overdue_occurrences(site_ids=[p.site_id for p in plans] or [site.pk]).select_related(
            "line", "work_order")})


@login_required
@require_POST
def plan_create(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year between 2000 and 2100."))
        return redirect("inspections:plans")
    try:
        plan = svc.plan_create(site=site, actor=request.user, **form.cleaned_data)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("inspections:plans")
    return redirect(plan)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_view(request.user):
        raise Http404
    plan = get_object_or_404(visible(MaintenancePlan.objects.select_related("site"), request.user), pk=pk)
    rows = svc.year_view(plan, today=timezone.localdate())
    for r in rows:
        r["labels"] = [(c, STATES.get(c, "")) for c in r["cells"]]
    return render(request, "inspections/plan.html", {"plan": plan, "rows": rows, "months": range(1, 13)})


@login_required
def equipment_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view(request.user):
        raise Http404
    qs = visible(Equipment.objects.select_related("site").prefetch_related("documents"), request.user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(location__icontains=q)
    site = _site(request)
    return render(request, "inspections/equipment.html", {"page": paginate(request, qs, 50), "q": q,
                                                          "can_manage": svc.can_manage(request.user, site.pk)})


@login_required
@submit_once
def equipment_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    site = _site(request)
    item = None
    if pk is not None:
        item = get_object_or_404(visible(Equipment.objects.all(), request.user), pk=pk)
        site = item.site
    if not svc.can_manage(request.user, site.pk):
        raise Http404
    initial = {f: getattr(item, f) for f in ("name", "location", "category", "supplier", "installed_on",
                                             "warranty_end", "note")} if item else None
    form = EquipmentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        document, title = data.pop("document"), data.pop("document_title")
        try:
            svc.equipment_save(site=site, actor=request.user, data=data, equipment=item, document=document,
                               document_title=title)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Equipment saved."))
            return redirect("inspections:equipment")
    status = 422 if request.method == "POST" else 200
    return render(request, "inspections/equipment_form.html", {"form": form, "item": item}, status=status)


@login_required
def equipment_document(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_view(request.user):
        raise Http404
    doc = get_object_or_404(visible(EquipmentDocument.objects.all(), request.user, "equipment__site_id"), pk=pk)
    return serve(doc.file, filename=doc.title)
