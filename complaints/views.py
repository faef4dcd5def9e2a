"""Thin views: selector → form → one service call → message + redirect (STYLE §2)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import actions as act
from complaints import permissions as perm
from complaints import selectors as sel
from complaints.exports import statistics_xlsx
from complaints.forms import AnalysisForm, ComplaintForm
from complaints.models import Category, Complaint, ComplaintReport, Level, Severity
from complaints.services import analysis_submit, complaint_receive, work_order_of
from core import uploads
from core.actions import action_post_view
from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from estates.selectors import department_list_visible_to, site_list_visible_to, zone_list_visible_to


def complaint_list(request: HttpRequest) -> HttpResponse:
    qs = sel.complaint_filter(sel.complaint_list_visible_to(request.user), request.GET)
    page = paginate(request, qs, 25)
    return render(request, "complaints/complaint_list.html", {
        "page": page, "complaints": page.object_list, "filters": request.GET,
        "statuses": Complaint.Status.choices, "severities": Severity.choices, "categories": Category.choices,
        "levels": Level.choices, "departments": department_list_visible_to(request.user),
        "zones": zone_list_visible_to(request.user), "sites": site_list_visible_to(request.user),
    })


@submit_once  # issue 23.2: sent twice, done once
def complaint_create(request: HttpRequest) -> HttpResponse:
    if not perm.can_receive(request.user):
        raise Http404
    form = ComplaintForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            c = complaint_receive(site=d["site_obj"], actor=request.user.staff, subject=d["subject"],
                                  description=d["description"], resident=d["resident"], unit=d["unit"],
                                  address=d["address"], phone=d["phone"], complainant_name=d["complainant_name"],
                                  channel=d["channel"], severity=d["severity"], kind=d["kind"],
                                  received_at=d["received_at"], photos=d["photos"])
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Complaint %s recorded. You are its first-responder.") % c.number)
            return redirect(c)
    return render(request, "complaints/complaint_form.html", {"form": form})


def _detail_context(request: HttpRequest, c: Complaint, bound: dict | None = None) -> dict:
    return {
        "c": c, "registry": act.REGISTRY, "actions": act.REGISTRY.cards(request.user, c, bound),
        "events": c.events.select_related("actor__staff"),
        "deadlines": sel.deadline_rows(c), "decisions": c.chain_decisions.select_related("by__staff"),
        "escalations": (escalations := list(c.escalations.select_related("acknowledged_by")
                                            .prefetch_related("notified"))),
        "escalation_rows": act.escalation_rows(request.user, escalations),
        "reports": c.reports.select_related("author"),
        "reminders": c.reminders.select_related("department", "issued_by"), "photos": c.photos.all(),
        "now": timezone.now(), "work_order": work_order_of(c),
    }


def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(sel.complaint_list_visible_to(request.user), pk=pk)
    return render(request, "complaints/complaint_detail.html", _detail_context(request, c))


def _detail_page(request: HttpRequest, c: Complaint, bound: dict | None = None, status: int = 200) -> HttpResponse:
    return render(request, "complaints/complaint_detail.html", _detail_context(request, c, bound), status=status)


# the steps of a complaint are declared once in complaints/actions.py; one generic view runs them (issue 14.1)
complaint_action = action_post_view(act.REGISTRY, page=_detail_page)


def complaint_photo(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    c = get_object_or_404(sel.complaint_list_visible_to(request.user), pk=pk)
    photo = get_object_or_404(c.photos, pk=photo_id)
    return uploads.serve(photo.file)  # issue 13: type by content, nosniff, attachment unless a verified image


def complaint_report_detail(request: HttpRequest, pk: int, report_id: int) -> HttpResponse:
    c = get_object_or_404(sel.complaint_list_visible_to(request.user), pk=pk)
    report = get_object_or_404(ComplaintReport.objects.select_related("author"), complaint=c, pk=report_id)
    return render(request, "complaints/report_detail.html", {"c": c, "report": report})


def escalation_list(request: HttpRequest) -> HttpResponse:
    unacked = request.GET.get("unacked") == "1"
    mine = request.GET.get("mine") == "1"
    qs = sel.escalation_list_visible_to(request.user, unacked=unacked, mine=mine).prefetch_related("notified")
    page = paginate(request, qs, 30)
    return render(request, "complaints/escalation_list.html", {
        "page": page, "escalations": page.object_list, "unacked": unacked, "mine": mine,
        "escalation_rows": act.escalation_rows(request.user, page.object_list)})


def _escalation_page(request: HttpRequest, esc, bound: dict | None = None, status: int = 200) -> HttpResponse:
    c = esc.complaint
    context = _detail_context(request, c)
    context["escalation_rows"] = act.escalation_rows(request.user, context["escalations"],
                                                     bound=(esc.pk, (bound or {}).get("ack")))
    return render(request, "complaints/complaint_detail.html", context, status=status)


escalation_ack = action_post_view(act.ESCALATION, page=_escalation_page, key="ack")


def reminder_list(request: HttpRequest) -> HttpResponse:
    qs = sel.reminder_list_visible_to(request.user)
    if request.GET.get("kind"):
        qs = qs.filter(kind=request.GET["kind"])
    page = paginate(request, qs.order_by("-issued_at"), 30)
    return render(request, "complaints/reminder_list.html", {"page": page, "reminders": page.object_list})


def _period(request: HttpRequest) -> tuple[str, date, date, date]:
    period = "week" if request.GET.get("period") == "week" else "month"
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    start, end = sel.week_bounds(day) if period == "week" else sel.month_bounds(day)
    return period, day, start, end


def statistics(request: HttpRequest) -> HttpResponse:
    if not perm.can_see_statistics(request.user):
        raise Http404
    period, day, start, end = _period(request)
    site_ids = sel.visible_site_ids(request.user, request.GET.get("site"))
    stats = sel.complaint_statistics(site_ids=site_ids, start=start, end=end)
    prev = start - timezone.timedelta(days=1)
    return render(request, "complaints/statistics.html", {
        "stats": stats, "period": period, "start": start, "end": end - timezone.timedelta(days=1),
        "prev": prev, "next": end, "sites": site_list_visible_to(request.user), "site": request.GET.get("site", ""),
        "analyses": sel.analysis_list_visible_to(request.user).filter(site_id__in=site_ids, month=start.replace(day=1))
        if period == "month" else [],
        "analysis_due": sel.analysis_due(start) if period == "month" else None,
    })


def statistics_export(request: HttpRequest) -> HttpResponse:
    if not perm.can_see_statistics(request.user):
        raise Http404

    period, day, start, end = _period(request)
    site_ids = sel.visible_site_ids(request.user, request.GET.get("site"))
    stats = sel.complaint_statistics(site_ids=site_ids, start=start, end=end)
    content = statistics_xlsx(stats, title=f"{start:%Y-%m-%d}")
    resp = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="complaints-{period}-{start:%Y%m%d}.xlsx"'
    return resp


def analysis_list(request: HttpRequest) -> HttpResponse:
    if not perm.can_see_statistics(request.user):
        raise Http404
    rows = sel.analysis_list_visible_to(request.user)
    return render(request, "complaints/analysis_list.html", {"analyses": rows})


@submit_once  # issue 23.2: sent twice, done once
def analysis_edit(request: HttpRequest) -> HttpResponse:
    if not perm.can_write_analysis(request.user):
        raise Http404
    form = AnalysisForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            row = analysis_submit(site=d["site"], month=d["month"], causes=d["causes"], proposals=d["proposals"],
                                  actor=request.user)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Monthly analysis sent to the site director for approval."))
            return redirect("complaints:analysis_detail", pk=row.pk)
    return render(request, "complaints/analysis_form.html", {"form": form})
