"""Dashboard (SPEC D-01), monthly reports (D-02), digest opt-out (D-03). Thin: selectors, one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.health import sweep_status
from core.notifications import notification_resend
from core.roles import is_company_level
from reports import registry
from reports.forms import DigestPreferenceForm, ReportRequestForm
from reports.models import MailingKind, MonthlyReport
from reports.permissions import can_request_report, can_see_dashboard
from reports.selectors import (
    calendar_warnings,
    can_see_delivery_problems,
    can_see_mailing_problems,
    dashboard_sites,
    delivery_problem_mailings,
    delivery_problem_notices,
    local,
    monthly_report_list_visible_to,
    resolve_site_ids,
)
from reports.services import (
    default_report_month,
    digest_preferences_set,
    mailing_message_resend,
    monthly_report_request,
    report_blocks,
)


def _dashboard_context(request: HttpRequest) -> dict:
    if not can_see_dashboard(request.user):
        raise PermissionDenied
    resolved = resolve_site_ids(request.user, request.GET.get("site"))
    if resolved is None:
        raise Http404
    site_ids, site = resolved
    now = timezone.now()
    return {
        "blocks": registry.collect("dashboard", site_ids=site_ids, now=now),
        "warnings": calendar_warnings(now),
        "sweep": sweep_status(now=now),  # issue 23.7: red when the last deadline sweep is > 3 min old
        "site": site,
        "sites": dashboard_sites(request.user),
        "company_view": site is None,
        "can_choose_site": is_company_level(request.user),
        "now": local(now),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/dashboard.html", _dashboard_context(request))


@login_required
def dashboard_body(request: HttpRequest) -> HttpResponse:
    """The htmx partial re-fetched every minute (no full reload)."""
    return render(request, "reports/partials/_dashboard_body.html", _dashboard_context(request))


@login_required
def monthly_list(request: HttpRequest) -> HttpResponse:
    if not can_see_dashboard(request.user):
        raise PermissionDenied
    company = is_company_level(request.user)
    sites = dashboard_sites(request.user)
    form = ReportRequestForm(sites=sites, company=company,
                             initial={"month": f"{default_report_month(timezone.now()):%Y-%m}"})
    reports = monthly_report_list_visible_to(request.user).order_by("-month", "site__name")[:120]
    return render(request, "reports/monthly_list.html", {"reports": reports, "form": form})


@login_required
@require_POST
def monthly_request(request: HttpRequest) -> HttpResponse:
    if not can_see_dashboard(request.user):
        raise PermissionDenied
    company = is_company_level(request.user)
    sites = dashboard_sites(request.user)
    form = ReportRequestForm(request.POST, sites=sites, company=company)
    if form.is_valid():
        site_id = int(form.cleaned_data["site"]) if form.cleaned_data["site"] else None
        if not can_request_report(request.user, site_id):
            raise PermissionDenied
        site = get_object_or_404(sites, pk=site_id) if site_id else None
        try:
            with transaction.atomic():
                report = monthly_report_request(site=site, month=form.cleaned_data["month"], actor=request.user)
        except DomainError as err:
            form.add_error("month", err.message)
        else:
            messages.info(request, _("The report is being generated."))
            return redirect(report)
    reports = monthly_report_list_visible_to(request.user).order_by("-month", "site__name")[:120]
    return render(request, "reports/monthly_list.html", {"reports": reports, "form": form}, status=400)


def _visible_report(request: HttpRequest, pk: int) -> MonthlyReport:
    if not can_see_dashboard(request.user):
        raise PermissionDenied
    return get_object_or_404(monthly_report_list_visible_to(request.user), pk=pk)


@login_required
def monthly_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    return render(request, "reports/monthly_detail.html", {"report": report, "blocks": report_blocks(report)})


@login_required
def monthly_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by htmx while the worker generates; reloads the page once the report is ready."""
    report = _visible_report(request, pk)
    response = render(request, "reports/partials/_progress.html", {"report": report})
    if report.is_ready and request.GET.get("was") != "ready":
        response["HX-Refresh"] = "true"
    return response


@login_required
def monthly_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    report = _visible_report(request, pk)
    field = {"pdf": report.pdf, "xlsx": report.xlsx}.get(fmt)
    if field is None or not field:
        raise Http404
    stem = f"{report.site.code if report.site_id else 'company'}-{report.month:%Y-%m}"
    return FileResponse(field.open("rb"), as_attachment=True, filename=f"{stem}.{fmt}")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = DigestPreferenceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        digest_preferences_set(user=request.user, choices={k: form.cleaned_data[k] for k in MailingKind.values})
        messages.success(request, _("Your digest settings were saved."))
        return redirect("reports:preferences")
    return render(request, "reports/preferences.html", {"form": form})


@login_required
def delivery_problems(request: HttpRequest) -> HttpResponse:
    """Issue 23.6: notices and mailing messages that failed or are still retrying, with a resend."""


    if not can_see_delivery_problems(request.user):
        raise PermissionDenied
    what = "mailings" if request.GET.get("what") == "mailings" and can_see_mailing_problems(request.user) \
        else "notices"
    state = request.GET.get("state") if request.GET.get("state") in ("failed", "pending") else ""
    sites = dashboard_sites(request.user)
    site_id = request.GET.get("site", "")
    site_id = int(site_id) if site_id.isdigit() and sites.filter(pk=int(site_id)).exists() else None
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        if what == "mailings":

            allowed = list(delivery_problem_mailings(request.user).filter(pk__in=ids).values_list("pk", flat=True))
            count = mailing_message_resend(ids=allowed)
        else:

            allowed = list(delivery_problem_notices(request.user).filter(pk__in=ids).values_list("pk", flat=True))
            count = notification_resend(ids=allowed)
        messages.success(request, _("%(n)d message(s) queued to be sent again.") % {"n": count})
        return redirect(request.get_full_path())
    rows = delivery_problem_mailings(request.user, state=state) if what == "mailings" \
        else delivery_problem_notices(request.user, state=state, site_id=site_id)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "reports/delivery_problems.html", {
        "page": page, "what": what, "state": state, "sites": sites, "site_id": site_id,
        "can_see_mailings": can_see_mailing_problems(request.user)})
