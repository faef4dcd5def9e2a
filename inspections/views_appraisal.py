"""Pages of A-03 (self-assessment), A-05 (monthly appraisal: table, scoring, lock, XLSX, print) and
A-06 (recognition spot checks). Thin: selector → form → one service call."""

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

from core.errors import DomainError
from core.once import submit_once
from core.pdf import render_pdf
from core.roles import Role, has_role
from estates.models import Staff
from estates.selectors import zone_list_visible_to
from inspections import appraisal as svc
from inspections import permissions, selectors
from inspections.forms import MonthForm, ScoreForm, SelfScoreForm
from inspections.models import AppraisalPart, AssessmentMonth, Part, SelfAssessment
from inspections.services import month_range
from inspections.views import _site

MANAGERS = (Role.CS_SUPERVISOR, Role.SITE_DIRECTOR, Role.CENTER_HEAD, Role.COMPANY_LEADER, Role.EXECUTIVE)
PARTS = list(Part)


def _month(request: HttpRequest, pk: int) -> AssessmentMonth:
    return get_object_or_404(selectors.month_list_visible_to(request.user), pk=pk)


def _rows(request: HttpRequest, month: AssessmentMonth) -> list[dict]:
    appraisals = month.appraisals.select_related("staff__user", "staff__department").prefetch_related("parts")
    out = []
    everyone = has_role(request.user, *MANAGERS)
    for a in appraisals.order_by("post", "staff__name"):
        parts = {p.part: p for p in a.parts.all()}
        for p in parts.values():
            p.appraisal = a
            p.appraisal.month = month
        open_ = month.appraisal_locked_at is None
        scorable = {k: p for k, p in parts.items() if open_ and svc.can_score(request.user, p)}
        if not (everyone or a.staff.user_id == request.user.pk or scorable):
            continue
        out.append({"a": a, "cells": [(k, parts.get(k), k in scorable) for k in PARTS]})
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
    month = _month(request, pk)
    rows = _rows(request, month)
    if not rows and not has_role(request.user, *MANAGERS):
        raise Http404
    return render(request, "inspections/appraisal.html", {
        "month": month, "rows": rows, "parts": PARTS, "form": ScoreForm(),
        "missing": svc.appraisal_missing(month) if has_role(request.user, *MANAGERS) else [],
        "can_lock": month.appraisal_locked_at is None and permissions.can_lock_ranking(request.user, month.site_id)})


@login_required
@require_POST
@submit_once
def appraisal_score(request: HttpRequest, pk: int) -> HttpResponse:
    part = get_object_or_404(AppraisalPart.objects.filter(
        appraisal__month__in=selectors.month_list_visible_to(request.user)).select_related("appraisal"), pk=pk)
    form = ScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A score is between 0 and 100 (two decimals)."))
    else:
        try:
            svc.appraisal_score(part=part, actor=request.user, score=form.cleaned_data["score"])
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("Score recorded."))
    return redirect("inspections:appraisal", pk=part.appraisal.month_id)


@login_required
@require_POST
def appraisal_lock(request: HttpRequest, pk: int) -> HttpResponse:
    month = _month(request, pk)
    try:
        svc.appraisal_lock(month=month, actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Appraisal locked."))
    return redirect("inspections:appraisal", pk=month.pk)


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
    from openpyxl import Workbook  # noqa: PLC0415

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


# ----------------------------------------------------------------

@login_required
@require_POST
@submit_once
def self_score(request: HttpRequest, pk: int) -> HttpResponse:
    sa = get_object_or_404(SelfAssessment.objects.filter(
        month__in=selectors.month_list_visible_to(request.user)), pk=pk)
    form = SelfScoreForm(request.POST)
    if form.is_valid():
        try:
            svc.self_assessment_score(sa=sa, actor=request.user, adjustment=form.cleaned_data["adjustment"] or 0,
                                      reason=form.cleaned_data["reason"])
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("Self-assessment scored."))
    return redirect("inspections:ranking", pk=sa.month_id)


@login_required
@require_POST
def self_review(request: HttpRequest, pk: int) -> HttpResponse:
    sa = get_object_or_404(SelfAssessment.objects.filter(
        month__in=selectors.month_list_visible_to(request.user)), pk=pk)
    try:
        svc.self_assessment_review(sa=sa, actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Self-assessment reviewed."))
    return redirect("inspections:ranking", pk=sa.month_id)


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
