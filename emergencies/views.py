"""Thin views: selector → form → one service call → redirect; a DomainError becomes a form error."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.selectors import complaint_by_number
from core.actions import action_post_view
from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from emergencies import forms as f
from emergencies import permissions as perm
from emergencies import selectors as sel
from emergencies import services as svc
from emergencies.actions import REGISTRY
from emergencies.models import EmergencyEvent
from estates.selectors import site_ids_visible_to, site_list_visible_to, staff_of
from tickets.selectors import work_order_by_number


def _user_site(request: HttpRequest):
    staff = staff_of(request.user)
    if staff is not None and staff.site_id:
        return staff.site
    return site_list_visible_to(request.user).first()


def _viewer(request):
    if not perm.can_view(request.user):
        raise Http404


# ---- E-01 events
@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    site = _user_site(request)
    return render(request, "emergencies/list.html", {
        "page": paginate(request, sel.event_list_visible_to(request.user), 30),
        "may_record": site is not None and perm.can_record(request.user, site.pk)})


def _find(by_number, site, number: str):
    """The work order or complaint that opens the emergency, read through its app's selector."""
    if not number.strip():
        return None
    obj = by_number(site.pk, number.strip())
    if obj is None:
        raise DomainError(_("No record %(n)s at this site.") % {"n": number.strip()}, code="number")
    return obj


@login_required
@submit_once
def event_new(request: HttpRequest) -> HttpResponse:
    site = _user_site(request)
    if site is None or not perm.can_record(request.user, site.pk):
        raise Http404
    initial = {"started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
               "order_number": request.GET.get("order", ""), "complaint_number": request.GET.get("complaint", "")}
    form = f.EventForm(request.POST or None, site=site, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ev = svc.emergency_open(site=site, kind=d["kind"], title=d["title"], location=d["location"],
                                    started_at=d["started_at"], commander=d["commander"], team=d["team"],
                                    order=_find(work_order_by_number, site, d["order_number"]),
                                    complaint=_find(complaint_by_number, site, d["complaint_number"]),
                                    actor=request.user)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Emergency %(n)s logged.") % {"n": ev.number})
            return redirect(ev)
    return render(request, "emergencies/form.html", {"form": form, "title": _("Log an emergency")})


def _get(request: HttpRequest, pk: int) -> EmergencyEvent:
    return REGISTRY.get_object(request, pk)


def _detail_page(request: HttpRequest, ev: EmergencyEvent, bound: dict | None = None,
                 status: int = 200) -> HttpResponse:
    for form in (bound or {}).values():  # a refused step is said above as well as in its form
        for error in form.non_field_errors():
            messages.error(request, error)
    return render(request, "emergencies/detail.html", {
        "ev": ev, "timeline": ev.timeline.select_related("by"), "team": ev.team.all(),
        "orders": ev.work_orders.all(), "complaints": ev.complaints.all(),
        # the forms of the steps this user may take now (emergencies/actions.py asks permissions.py)
        "forms": REGISTRY.forms(request.user, ev, bound)}, status=status)


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _get(request, pk))


# the steps of an event are declared once in emergencies/actions.py; core's generic view runs them (issue 14.1)
event_step = action_post_view(REGISTRY, page=_detail_page)


# ---- E-02 duty list, drills, supplies
def _site_page(request, template, ctx_fn, form_fn, run):
    _viewer(request)
    site = _user_site(request)
    may = site is not None and perm.can_manage(request.user, site.pk)
    form = form_fn(site, request.POST if request.method == "POST" else None) if site else None
    if request.method == "POST":
        if not may:
            raise Http404
        if form.is_valid():
            try:
                run(site, form.cleaned_data)
            except DomainError as err:
                form.add_error(None, err.message)
            else:
                messages.success(request, _("Saved."))
                return redirect(request.path)
    return render(request, template, {**ctx_fn(), "form": form, "may_manage": may},
                  status=400 if request.method == "POST" else 200)


@login_required
@submit_once
def duty_list(request: HttpRequest) -> HttpResponse:
    return _site_page(request, "emergencies/duty.html",
                      lambda: {"members": sel.duty_list_visible_to(request.user)},
                      lambda site, data: f.DutyForm(data, site=site),
                      lambda site, d: svc.duty_member_add(site=site, staff=d["staff"], duty=d["duty"],
                                                          actor=request.user))


@login_required
@require_POST
def duty_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(sel.duty_list_visible_to(request.user), pk=pk)
    try:
        svc.duty_member_remove(member=member, actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("emergencies:duty")


@login_required
@submit_once
def drill_list(request: HttpRequest) -> HttpResponse:
    site = _user_site(request)
    year = timezone.localdate().year

    def ctx():
        return {"drills": sel.drill_list_visible_to(request.user).prefetch_related("participants")[:100],
                "year": year, "held": svc.drills_year(site_ids_visible_to(request.user), year),
                "record_form": f.DrillRecordForm(site=site) if site else None}

    return _site_page(request, "emergencies/drills.html", ctx, lambda s, data: f.DrillPlanForm(data),
                      lambda s, d: svc.drill_plan(site=s, kind=d["kind"], planned_on=d["planned_on"],
                                                  actor=request.user))


@login_required
@require_POST
@submit_once
def drill_record(request: HttpRequest, pk: int) -> HttpResponse:
    drill = get_object_or_404(sel.drill_list_visible_to(request.user), pk=pk)
    form = f.DrillRecordForm(request.POST, site=drill.site)
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.drill_record(drill=drill, held_at=d["held_at"], participants=d["participants"],
                             residents_count=d["residents_count"], findings=d["findings"], actor=request.user)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("Drill recorded."))
    else:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("emergencies:drills")


@login_required
@submit_once
def supply_list(request: HttpRequest) -> HttpResponse:
    def ctx():
        today = timezone.localdate()
        att = svc.supplies_attention(site_ids_visible_to(request.user), today)
        flagged = {k: {i.pk for i in v} for k, v in att.items()}
        return {"items": sel.supply_list_visible_to(request.user), "flagged": flagged, "attention": att,
                "check_form": f.SupplyCheckForm(), "today": today}

    return _site_page(request, "emergencies/supplies.html", ctx, lambda s, data: f.SupplyForm(data),
                      lambda s, d: svc.supply_add(site=s, actor=request.user, **d))


@login_required
@require_POST
@submit_once
def supply_check(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(sel.supply_list_visible_to(request.user), pk=pk)
    form = f.SupplyCheckForm(request.POST)
    if form.is_valid():
        try:
            svc.supply_check(item=item, actor=request.user, **form.cleaned_data)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("Check recorded."))
    else:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("emergencies:supplies")
