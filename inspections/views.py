"""Thin views: selector → form → one service call (SPEC A-01, A-02, A-04)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import action_post_view
from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from core.uploads import serve
from estates.selectors import site_list_visible_to, staff_of
from inspections import permissions, selectors, services
from inspections.actions import MONTH, RECTIFICATION, SELF, ZONE_SCORE
from inspections.forms import ChecklistForm, MonthForm, StartForm
from inspections.models import ChecklistTemplate, Rectification

RECT_STATES = ("open", "mine", "verify", "overdue", "closed")


def _need_viewer(request: HttpRequest) -> None:
    if not permissions.can_view(request.user):
        raise Http404


def _site(request: HttpRequest):
    """The site worked on: the user's own, or (company roles) the chosen one."""
    sites = site_list_visible_to(request.user)
    raw = request.GET.get("site") or request.POST.get("site")
    if raw and str(raw).isdigit():
        return get_object_or_404(sites, pk=int(raw))
    me = staff_of(request.user)
    if me is not None and me.site_id:
        return me.site
    site = sites.order_by("pk").first()
    if site is None:
        raise Http404
    return site


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    _need_viewer(request)
    qs = selectors.inspection_list_visible_to(request.user)
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind=kind)
    return render(request, "inspections/list.html", {
        "page": paginate(request, qs, 30), "kind": kind,
        "can_inspect": bool(permissions.kinds_for(request.user))})


@login_required
@submit_once
def inspection_new(request: HttpRequest) -> HttpResponse:
    """Step 1 chooses kind, checklist and place (GET); step 2 is the checklist itself (POST records)."""
    site = _site(request)
    kinds = [k for k in permissions.kinds_for(request.user) if permissions.can_inspect(request.user, site.pk, k)]
    if not kinds:
        raise Http404
    start = StartForm(request.GET or None, site=site, kinds=kinds)
    if not (request.GET.get("template") and start.is_valid()):
        return render(request, "inspections/start.html", {"form": start, "site": site})
    where = start.cleaned_data
    template: ChecklistTemplate = where["template"]
    form = ChecklistForm(request.POST or None, request.FILES or None, template=template, site=site)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_record(
                site=site, kind=where["kind"], template=template, actor=request.user, entries=form.entries(),
                zone=where["zone"], building=where["building"], department=where["department"],
                place=where["place"], note=form.cleaned_data["note"])
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Inspection %(n)s recorded.") % {"n": inspection.number})
            return redirect(inspection)
    status = 422 if request.method == "POST" else 200
    return render(request, "inspections/checklist.html", {"form": form, "where": where, "site": site,
                                                          "template": template}, status=status)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _need_viewer(request)
    inspection = get_object_or_404(selectors.inspection_list_visible_to(request.user), pk=pk)
    results = inspection.results.select_related("item").prefetch_related("photos")
    rects = {r.result_id: r for r in inspection.rectifications.select_related("owner")}
    return render(request, "inspections/detail.html", {
        "inspection": inspection, "rows": [(r, rects.get(r.pk)) for r in results]})


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    _need_viewer(request)
    p = get_object_or_404(selectors.photo_list_visible_to(request.user), pk=pk)
    return serve(p.file)


@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    _need_viewer(request)
    state = request.GET.get("state", "open")
    if state not in RECT_STATES:
        state = "open"
    qs = selectors.rectification_filter(selectors.rectification_list_visible_to(request.user), state=state,
                                        user=request.user)
    return render(request, "inspections/rectifications.html", {
        "page": paginate(request, qs, 30), "state": state, "states": RECT_STATES, "now": timezone.now()})


@login_required
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _need_viewer(request)
    return _rect_page(request, RECTIFICATION.get_object(request, pk))


def _rect_page(request: HttpRequest, rect: Rectification, bound: dict | None = None,
               status: int = 200) -> HttpResponse:
    return render(request, "inspections/rectification.html", {
        "rect": rect, "photos": rect.result.photos.all(), "forms": RECTIFICATION.forms(request.user, rect, bound),
    }, status=status)


rectification_done = action_post_view(RECTIFICATION, page=_rect_page, key="done")
rectification_verify = action_post_view(RECTIFICATION, page=_rect_page, key="verify")


@login_required
def duty_list(request: HttpRequest) -> HttpResponse:
    _need_viewer(request)
    qs = selectors.duty_list_visible_to(request.user)
    state = request.GET.get("state", "missed")
    if state == "missed":
        qs = qs.filter(missed=True)
    elif state == "open":
        qs = qs.filter(done_at__isnull=True, missed=False)
    return render(request, "inspections/duties.html", {"page": paginate(request, qs, 50), "state": state})


@login_required
def ranking_list(request: HttpRequest) -> HttpResponse:
    qs = [m for m in selectors.month_list_visible_to(request.user)
          if permissions.can_view_ranking(request.user, m.site_id)]
    if not permissions.can_view(request.user):
        raise Http404
    today = timezone.localdate()
    last = (today.replace(day=1) - date.resolution).replace(day=1)
    return render(request, "inspections/rankings.html", {
        "months": qs[:36], "form": MonthForm(initial={"month": last}),
        "can_draft": any(permissions.can_adjust_ranking(request.user, s.pk)
                         for s in site_list_visible_to(request.user))})


@login_required
@require_POST
def ranking_draft(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    if not permissions.can_adjust_ranking(request.user, site.pk):
        raise Http404
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a month."))
        return redirect("inspections:rankings")
    try:
        month = services.ranking_draft(site=site, month=form.cleaned_data["month"])
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("inspections:rankings")
    messages.success(request, _("Ranking drafted."))
    return redirect(month)


@login_required
def ranking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _ranking_page(request, MONTH.get_object(request, pk))


def say_errors(request: HttpRequest, bound: dict | None) -> None:
    """A refused step on a page whose forms are one line each: its errors said above the page."""
    for form in (bound or {}).values():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)


def _ranking_page(request: HttpRequest, month, bound: dict | None = None, status: int = 200) -> HttpResponse:
    say_errors(request, bound)
    u = request.user
    selfs = list(month.self_assessments.select_related("zone__manager", "scored_by__staff", "reviewed_by__staff"))
    for sa in selfs:
        sa.month = month
        sa.forms = SELF.forms(u, sa)
    rows = selectors.ranking_rows(month)
    for row in rows:
        row.month = month
        row.forms = ZONE_SCORE.forms(u, row)
    return render(request, "inspections/ranking.html", {
        "month": month, "rows": rows, "selfs": selfs, "forms": MONTH.forms(u, month, bound)}, status=status)


def _row_page(request: HttpRequest, row, bound: dict | None = None, status: int = 200) -> HttpResponse:
    """The ranking again after a refused step on a zone's score or self-assessment."""
    say_errors(request, bound)
    return _ranking_page(request, MONTH.get_object(request, row.month_id), status=status)


ranking_lock = action_post_view(MONTH, page=_ranking_page, key="lock")
ranking_adjust = action_post_view(ZONE_SCORE, page=_row_page, key="adjust")
self_score = action_post_view(SELF, page=_row_page, key="score")
self_review = action_post_view(SELF, page=_row_page, key="review")
