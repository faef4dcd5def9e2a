"""Monthly records with a clock (C-10 analysis approved by the director, C-16 responsibility review):
thin views — selector → form → one service call → message + redirect (STYLE §2)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import permissions as perm
from complaints import selectors as sel
from complaints.forms import AnalysisDecisionForm, FindingForm, ReviewCompleteForm
from complaints.models import MonthlyAnalysis, ResponsibilityReview
from complaints.services import analysis_decide, review_complaints, review_complete, review_finding_record, review_open
from core.deadlines import deadlines_of
from core.errors import DomainError
from core.once import submit_once


def _last_month() -> date:
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def analysis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not perm.can_see_statistics(request.user):
        raise Http404
    row = get_object_or_404(sel.analysis_list_visible_to(request.user).select_related("decided_by__staff"), pk=pk)
    can_decide = perm.can_approve_analysis(request.user, row) and row.status == MonthlyAnalysis.Status.SUBMITTED
    return render(request, "complaints/analysis_detail.html", {
        "a": row, "deadlines": deadlines_of(row), "can_decide": can_decide,
        "form": AnalysisDecisionForm() if can_decide else None,
        "by_cause": sel.complaints_by_cause(site_ids=[row.site_id], month=row.month)})


@submit_once
@require_POST
def analysis_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(sel.analysis_list_visible_to(request.user), pk=pk)
    form = AnalysisDecisionForm(request.POST)
    if form.is_valid():
        try:  # the director decides in his own login: the actor is the signed-in user, never a picked name
            analysis_decide(analysis=row, actor=request.user, **form.cleaned_data)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("complaints:analysis_detail", pk=row.pk)
    return render(request, "complaints/analysis_detail.html", {
        "a": row, "deadlines": deadlines_of(row), "can_decide": True, "form": form,
        "by_cause": sel.complaints_by_cause(site_ids=[row.site_id], month=row.month)}, status=400)


def review_list(request: HttpRequest) -> HttpResponse:
    if not perm.can_see_statistics(request.user):
        raise Http404
    staff = getattr(request.user, "staff", None)
    return render(request, "complaints/review_list.html", {
        "reviews": sel.review_list_visible_to(request.user), "last_month": _last_month(),
        "can_open": staff is not None and perm.can_review(request.user, ResponsibilityReview(site_id=staff.site_id))})


@require_POST
def review_start(request: HttpRequest) -> HttpResponse:
    """The director opens last month's review himself if the monthly job has not yet (idempotent)."""
    staff = getattr(request.user, "staff", None)
    if staff is None or not perm.can_review(request.user, ResponsibilityReview(site_id=staff.site_id)):
        raise Http404
    row = review_open(site=staff.site, month=_last_month())
    return redirect("complaints:review_detail", pk=row.pk)


def _review_page(request: HttpRequest, row: ResponsibilityReview, *, bound: FindingForm | None = None,
                 complete_form: ReviewCompleteForm | None = None, status: int = 200) -> HttpResponse:
    findings = {f.complaint_id: f for f in row.findings.select_related("staff")}
    can_review = perm.can_review(request.user, row) and row.completed_at is None
    rows = []
    for c in review_complaints(row):
        form = None
        if can_review:
            if bound is not None and bound.prefix == f"c{c.pk}":
                form = bound
            else:
                f = findings.get(c.pk)
                form = FindingForm(site_id=row.site_id, prefix=f"c{c.pk}", initial={
                    "complaint": c.pk, "measure": f.measure if f else "", "staff": f.staff_id if f else None,
                    "note": f.note if f else ""})
        rows.append({"c": c, "finding": findings.get(c.pk), "form": form})
    return render(request, "complaints/review_detail.html", {
        "r": row, "rows": rows, "deadlines": deadlines_of(row), "can_review": can_review,
        "complete_form": complete_form or (ReviewCompleteForm(initial={"summary": row.summary})
                                           if can_review else None)}, status=status)


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not perm.can_see_statistics(request.user):
        raise Http404
    return _review_page(request, get_object_or_404(sel.review_list_visible_to(request.user), pk=pk))


@submit_once
@require_POST
def review_finding(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(sel.review_list_visible_to(request.user), pk=pk)
    prefix = next((k.split("-", 1)[0] for k in request.POST if k.endswith("-complaint")), "")
    form = FindingForm(request.POST, site_id=row.site_id, prefix=prefix or None)
    if form.is_valid():
        d = form.cleaned_data
        complaint = review_complaints(row).filter(pk=d["complaint"]).first()
        try:
            if complaint is None:
                raise DomainError(_("The complaint was not closed at this site in the review's month."),
                                  code="complaint")
            review_finding_record(review=row, complaint=complaint, actor=request.user, measure=d["measure"],
                                  staff=d["staff"], note=d["note"])
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Finding recorded."))
            return redirect("complaints:review_detail", pk=row.pk)
    return _review_page(request, row, bound=form, status=400)


@submit_once
@require_POST
def review_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(sel.review_list_visible_to(request.user), pk=pk)
    form = ReviewCompleteForm(request.POST)
    if form.is_valid():
        try:
            review_complete(review=row, actor=request.user, summary=form.cleaned_data["summary"])
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Review completed; the summary went to the company."))
            return redirect("complaints:review_detail", pk=row.pk)
    return _review_page(request, row, complete_form=form, status=400)
