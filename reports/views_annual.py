"""SPEC D-05: the annual statistics page, PDF and spreadsheet (thin: selectors, one builder)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.annual import annual_blocks
from reports.permissions import can_see_dashboard
from reports.rendering import render_report_pdf, render_xlsx
from reports.selectors import dashboard_sites, resolve_site_ids

FIRST_YEAR = 2000


@login_required
def annual(request: HttpRequest) -> HttpResponse:
    if not can_see_dashboard(request.user):
        raise PermissionDenied
    scope = resolve_site_ids(request.user, request.GET.get("site"))
    if scope is None:
        raise Http404
    site_ids, site = scope
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year - (timezone.localdate().month == 1))
    except ValueError:
        year = this_year
    year = min(max(year, FIRST_YEAR), this_year)  # bounded: a typed year never errs
    blocks = annual_blocks(site_ids=site_ids, year=year)
    scope_name = site.name if site else _("Company-wide")
    title = _("%(scope)s annual statistics %(year)d") % {"scope": scope_name, "year": year}
    fmt = request.GET.get("fmt")
    stem = f"{site.code if site else 'company'}-{year}"
    if fmt == "xlsx":
        resp = HttpResponse(render_xlsx(blocks, title=title),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    elif fmt == "pdf":
        resp = HttpResponse(render_report_pdf(blocks, title=title, scope=scope_name, period=str(year)),
                            content_type="application/pdf")
    else:
        return render(request, "reports/annual.html", {
            "blocks": blocks, "title": title, "year": year, "site": site,
            "years": list(range(this_year, max(FIRST_YEAR, this_year - 10) - 1, -1)),
            "sites": dashboard_sites(request.user)})
    resp["Content-Disposition"] = f'attachment; filename="annual-{stem}.{fmt}"'
    return resp
