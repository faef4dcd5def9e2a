"""Pages of A-05 (monthly appraisal: table, scoring, lock, XLSX, print) and A-06 (recognition spot checks).
Thin: selector → form → one service call; the steps (a part's score, the lock) are declared in
inspections/actions.py and run by core's generic view. A-03's self-assessment steps show on the ranking."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from core.actions import action_post_view
from core.errors import DomainError
from core.pdf import render_pdf
from core.roles import Role, has_role
from estates.models import Staff
from estates.selectors import zone_list_visible_to
from inspections import appraisal as svc
from inspections import permissions, selectors
from inspections.actions import APPRAISAL, APPRAISAL_PART
from inspections.forms import MonthForm
from inspections.models import AppraisalPart, AssessmentMonth, Part
from inspections.services import month_range
from inspections.views import _site, say_errors

MANAGERS = (Role.CS_SUPERVISOR, Role.SITE_DIRECTOR, Role.CENTER_HEAD, Role.COMPANY_LEADER, Role.EXECUTIVE)
PARTS = list(Part)


def _month(request: HttpRequest, pk: int) -> AssessmentMonth:
    return APPRAISAL.get_object(request, pk)


def _rows(request: HttpRequest, month: AssessmentMonth) -> list[dict]:
    """The appraisals this user sees; each part with `forms` (its score form if this user scores it)."""
    appraisals = month.appraisals.select_related("staff__user", "staff__department").prefetch_related("parts")
    out = []
    everyone = has_role(request.user, *MANAGERS)
    for a in appraisals.order_by("post", "staff__name"):
        a.month = month
        parts = {p.part: p for p in a.parts.all()}
        for p in parts.values():
            p.appraisal = a
            p.forms = APPRAISAL_PART.forms(request.user, p)
        scorable = [k for k, p in parts.items() if p.forms]
        if not (everyone or a.staff.user_id == request.user.pk or scorable):
            continue
        out.append({"a": a, "cells": [(k, parts.get(k)) for k in PARTS]})
    return out


@login_required
def appraisal_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view(request.user):
        raise Http404
    today = timezone.localdate()
    last = (today.replace(day=1) - date.resolution).replace(day=1)
    months = [m for m in selectors.month_list_visible_to(request.user) if m.appraisals.exists()][:36]
    return render(request, "inspections/appraisals.html", {
        "months": months, "form": MonthForm(initial={"month": last}),
        "can_prepare": has_role(request.user, Role.CS_SUPERVISOR, Role.SITE_DIRECTOR)})


@login_required
@require_POST
def appraisal_prepare(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    if not (permissions.at_site(request.user, site.pk) and has_role(request.user, Role.CS_SUPERVISOR,
                                                                     Role.SITE_DIRECTOR)):
        raise Http404
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a month."))
        return redirect("inspections:appraisals")
    try:
        month = svc.appraisal_prepare(site=site, month=form.cleaned_data["month"])
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("inspections:appraisals")
    return redirect("inspections:appraisal", pk=month.pk)


@login_required
def appraisal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _appraisal_page(request, _month(request, pk))


def _appraisal_page(request: HttpRequest, month: AssessmentMonth, bound: dict | None = None,
                    status: int = 200) -> HttpResponse:
    say_errors(request, bound)
    rows = _rows(request, month)
    if not rows and not has_role(request.user, *MANAGERS):
        raise Http404
    return render(request, "inspections/appraisal.html", {
        "month": month, "rows": rows, "parts": PARTS, "forms": APPRAISAL.forms(request.user, month, bound),
        "missing": svc.appraisal_missing(month) if has_role(request.user, *MANAGERS) else []}, status=status)


def _part_page(request: HttpRequest, part: AppraisalPart, bound: dict | None = None,
               status: int = 200) -> HttpResponse:
    say_errors(request, bound)
    return _appraisal_page(request, part.appraisal.month, status=status)


appraisal_score = action_post_view(APPRAISAL_PART, page=_part_page, key="score")
appraisal_lock = action_post_view(APPRAISAL, page=_appraisal_page, key="lock")


def _table(month: AssessmentMonth) -> tuple[list[str], list[list]]:
    headers = [str(_("Name")), str(_("Department")), str(_("Post"))] + [str(p.label) for p in PARTS] + [str(_("Score"))]
    rows = []
    for a in month.appraisals.select_related("staff__department").prefetch_related("parts").order_by("post",
                                                                                                    "staff__name"):
        parts = {p.part: p for p in a.parts.all()}
        cells = []
        for k in PARTS:
            p = parts.get(k)
            score = "—" if p is None or p.score is None else p.score
            cells.append("" if p is None else f"{score} × {p.weight}%")
        rows.append([a.staff.name, a.staff.department.name if a.staff.department_id else "", a.get_post_display(),
                     *cells, a.total if a.total is not None else ""])
    return headers, rows


@login_required
def appraisal_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    month = _month(request, pk)
    if not has_role(request.user, *MANAGERS):
        raise Http404
    headers, rows = _table(month)
    wb = Workbook()
    ws = wb.active
    ws.title = f"{month.month:%Y-%m}"
    ws.append([f"{month.site.name} {month.month:%Y-%m} " + str(_("Monthly staff appraisal"))])
    ws.append(headers)
    for r in rows:
        ws.append([float(v) if isinstance(v, Decimal) else v for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    resp = HttpResponse(buf.getvalue(),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="appraisal-{month.site.code}-{month.month:%Y-%m}.xlsx"'
    return resp


@login_required
def appraisal_print(request: HttpRequest, pk: int) -> HttpResponse:
    month = _month(request, pk)
    if not has_role(request.user, *MANAGERS):
        raise Http404
    headers, rows = _table(month)
    pdf = render_pdf("inspections/print/appraisal.html", {"month": month, "headers": headers, "rows": rows})
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="appraisal-{month.site.code}-{month.month:%Y-%m}.pdf"'
    return resp


# ---------------------------------------------------------------- A-06 / O-04

@login_required
def recognition(request: HttpRequest) -> HttpResponse:
    """The month's rate per zone and, for a zone manager, a new spot check with residents drawn at random."""
    if not permissions.can_view(request.user):
        raise Http404
    zones = zone_list_visible_to(request.user).select_related("manager")
    now = timezone.now()
    start, end = month_range(timezone.localdate(now))
    rates = svc.recognition_rates(site_ids=list({z.site_id for z in zones}), start=start, end=end)
    zone = None
    residents, members = [], []
    zone_id = request.GET.get("zone") or request.POST.get("zone")
    if zone_id and str(zone_id).isdigit():
        zone = get_object_or_404(zones, pk=int(zone_id))
        seed = request.POST.get("seed") or f"{timezone.localdate(now):%Y%m%d}-{request.user.pk}-{now:%H%M%S}"
        residents = svc.recognition_draw(zone=zone, n=5, seed=seed)
        members = list(Staff.objects.filter(zone=zone, is_active=True).order_by("name"))
        if request.method == "POST":
            answers = [(r, m, request.POST.get(f"k_{r.pk}_{m.pk}") == "1") for r in residents for m in members]
            try:
                svc.recognition_record(zone=zone, actor=request.user, answers=answers, seed=seed)
            except DomainError as err:
                messages.error(request, err.message)
            else:
                messages.success(request, _("Spot check recorded."))
                return redirect(reverse("inspections:recognition"))
    else:
        seed = ""
    return render(request, "inspections/recognition.html", {
        "zones": [(z, rates.get(z.pk)) for z in zones], "zone": zone, "residents": residents, "members": members,
        "seed": seed})
