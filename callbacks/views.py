"""Thin views: selector → form → one service call (SPEC CB-01..CB-07)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callbacks import selectors, services
from callbacks.actions import REGISTRY, REPLY
from callbacks.forms import (
    GenerateForm,
    SettingsForm,
    VisitForm,
)
from callbacks.models import Callback, PromisedReply
from callbacks.permissions import can_manage_callbacks, can_record_visit
from core.actions import action_post_view
from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from core.roles import Role, has_role
from estates.models import Zone
from estates.selectors import site_list_visible_to, staff_of, zone_list_visible_to

STATES = ("due_today", "overdue", "open", "done")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """CB-01/CB-07: the day's queue per staff member, zone or site; phone-friendly."""
    state = request.GET.get("state") or "due_today"
    if state not in STATES:
        state = "due_today"
    staff_param = request.GET.get("staff", "")
    zone_id, site_id = _int(request.GET.get("zone")), _int(request.GET.get("site"))
    # zone staff start on their own queue; "all" (全部) is everyone's, asked for explicitly (issue 20.5)
    if staff_param == "me" or (not staff_param and not zone_id and not site_id
                               and has_role(request.user, Role.ZONE_STAFF)):
        staff_id: int | None = request.user.pk
        staff_param = "me"
    elif staff_param == "all":
        staff_id = None
    else:
        staff_id = _int(staff_param)
    now = timezone.now()
    kw = {"user": request.user, "now": now, "staff_id": staff_id, "zone_id": zone_id, "site_id": site_id}
    page = paginate(request, selectors.callback_queue(state=state, **kw), 30)
    return render(request, "callbacks/queue.html", {
        "page": page, "state": state, "counts": selectors.callback_queue_counts(**kw), "now": now,
        "staff_param": staff_param, "zone_id": zone_id, "site_id": site_id,
        "zones": zone_list_visible_to(request.user), "sites": site_list_visible_to(request.user),
        "states": [(s, label) for s, label in (("due_today", _("Due today")), ("overdue", _("Overdue")),
                                                 ("open", _("All open")), ("done", _("Done")))],
    })


def _detail_context(request: HttpRequest, cb: Callback, bound: dict | None = None) -> dict:
    return {
        "callback": cb, "now": timezone.now(),
        "subject": cb.subject,
        "attempts": cb.attempt_rows.select_related("staff__staff"),
        "events": cb.events.select_related("actor__staff"),
        "replies": cb.promised_replies.all(),
        # the forms of the steps this user may take now (callbacks/actions.py asks permissions.py)
        "forms": REGISTRY.forms(request.user, cb, bound), "registry": REGISTRY,
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    cb = get_object_or_404(selectors.callback_list_visible_to(request.user), pk=pk)
    return render(request, "callbacks/detail.html", _detail_context(request, cb))


def _detail_page(request: HttpRequest, cb: Callback, bound: dict | None = None, status: int = 200) -> HttpResponse:
    return render(request, "callbacks/detail.html", _detail_context(request, cb, bound), status=status)


# the steps of a callback are declared once in callbacks/actions.py; core's generic view runs them (issue 14.1)
attempt = action_post_view(REGISTRY, page=_detail_page, key="attempt")
finding = action_post_view(REGISTRY, page=_detail_page, key="finding")
cancel = action_post_view(REGISTRY, page=_detail_page, key="cancel")
reply_create = action_post_view(REGISTRY, page=_detail_page, key="reply")  # CB-05 from a callback


def _promised_page(request: HttpRequest, reply: PromisedReply | None = None, bound: dict | None = None,
                   status: int = 200) -> HttpResponse:
    """The promised replies; a refused or invalid answer comes back at its own row with what was typed."""
    state = request.GET.get("state", "open")
    qs = selectors.promised_reply_list_visible_to(request.user)
    if state in ("open", "answered"):
        qs = qs.filter(status=state)
    page = paginate(request, qs, 30)
    failed = (reply.pk, (bound or {}).get("answer")) if reply is not None else (None, None)
    rows = [(r, failed[1] if r.pk == failed[0] else (
        REPLY.make_form(REPLY.get("answer"), r, request.user) if REPLY.allowed(request.user, r, "answer")
        else None)) for r in page]
    if reply is not None and failed[1] is not None and reply.pk not in {r.pk for r in page}:
        rows.insert(0, (reply, failed[1]))  # the row answered is shown even when it is on another page
    return render(request, "callbacks/promised_list.html",
                  {"page": page, "rows": rows, "state": state, "now": timezone.now()}, status=status)


@login_required
def promised_list(request: HttpRequest) -> HttpResponse:
    return _promised_page(request)


promised_answer = action_post_view(REPLY, page=_promised_page, key="answer")


def _month_param(value: str | None) -> date:
    today = timezone.localdate()
    if value:
        try:
            y, m = value.split("-")[:2]
            return date(int(y), int(m), 1)
        except ValueError:
            pass
    return today.replace(day=1)


@login_required
def visit_plans(request: HttpRequest) -> HttpResponse:
    """CB-04: this month's plans with progress bars."""
    month = _month_param(request.GET.get("month"))
    site_ids = list(site_list_visible_to(request.user).values_list("pk", flat=True))
    site_id = _int(request.GET.get("site"))
    if site_id in site_ids:
        site_ids = [site_id]
    rows = selectors.visit_plan_progress(site_ids=site_ids, month=month)
    mine = request.GET.get("mine") == "1"
    if mine:
        rows = [r for r in rows if r["plan"].visitor_id == request.user.pk]
    can_generate = any(can_manage_callbacks(request.user, s) for s in site_ids)
    return render(request, "callbacks/visit_plans.html", {
        "rows": rows, "month": month, "mine": mine, "can_generate": can_generate,
        "generate_form": GenerateForm(initial={"month": month.strftime("%Y-%m")}),
        "sites": site_list_visible_to(request.user),
    })


@login_required
@require_POST
def visit_plans_generate(request: HttpRequest) -> HttpResponse:
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a month."))
        return redirect("callbacks:visit_plans")
    month = form.cleaned_data["month"].replace(day=1)
    made = 0
    for site in site_list_visible_to(request.user):
        if can_manage_callbacks(request.user, site.pk):
            made += len(services.visit_plan_generate(site=site, month=month, now=timezone.now()))
    if not made:
        raise Http404
    messages.success(request, _("Visit plans are ready."))
    return redirect(f"{_url('callbacks:visit_plans')}?month={month:%Y-%m}")


def _url(name: str, *args) -> str:

    return reverse(name, args=args)


@login_required
def visit_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.visit_plan_list_visible_to(request.user), pk=pk)
    visits = plan.visits.select_related("unit__building", "visited_by__staff").prefetch_related("unit__residents")
    return render(request, "callbacks/visit_plan.html", {"plan": plan, "visits": visits,
                                                          "percent": round(100 * min(plan.done, plan.target)
                                                                           / plan.target) if plan.target else 100})


@login_required
@submit_once  # issue 23.2: sent twice, done once
def visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(selectors.visit_list_visible_to(request.user), pk=pk)
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_record(visit=visit, actor=request.user, **form.cleaned_data)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect(visit.plan)
    status = 422 if request.method == "POST" else 200
    return render(request, "callbacks/visit_record.html",
                  {"visit": visit, "form": form, "can_record": can_record_visit(request.user, visit),
                   "residents": visit.unit.residents.filter(is_active=True)}, status=status)


@login_required
def sampling(request: HttpRequest) -> HttpResponse:
    """CB-06: the share per site and the draws made."""
    me = staff_of(request.user)
    site = me.site if me and me.site_id else None
    site_id = _int(request.GET.get("site"))
    if site_id:
        site = get_object_or_404(site_list_visible_to(request.user), pk=site_id)
    if site is None:
        site = site_list_visible_to(request.user).first()
    if site is None:
        raise Http404
    row = services.callback_settings_for(site)
    form = SettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.callback_settings_update(site=site, actor=request.user, **form.cleaned_data)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Settings saved."))
            return redirect(f"{_url('callbacks:sampling')}?site={site.pk}")
    draws = selectors.sampling_draw_list_visible_to(request.user).filter(site=site)[:24]
    return render(request, "callbacks/sampling.html", {
        "site": site, "form": form, "draws": draws, "can_manage": can_manage_callbacks(request.user, site.pk),
        "sites": site_list_visible_to(request.user)}, status=422 if request.method == "POST" else 200)


@login_required
def rates(request: HttpRequest) -> HttpResponse:
    """CB-07 for the chosen month."""
    month = _month_param(request.GET.get("month"))
    end = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    sites = list(site_list_visible_to(request.user))
    data = selectors.callback_rates(site_ids=[s.pk for s in sites], start=month, end=end)


    zones = {z.pk: z for z in Zone.objects.filter(pk__in=list(data["zones"]))}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=list(data["staff"])).select_related("staff")}
    return render(request, "callbacks/rates.html", {
        "month": month, "data": data,
        "site_rows": [(s, data["sites"][s.pk]) for s in sites if s.pk in data["sites"]],
        "zone_rows": [(zones[k], v) for k, v in data["zones"].items() if k in zones],
        "staff_rows": [(users[k], v) for k, v in data["staff"].items() if k in users],
    })
