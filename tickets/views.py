"""Thin views: selector → form → one service call → message + redirect (STYLE §2)."""

from __future__ import annotations

import functools
import hashlib
import pickle
from contextlib import suppress
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from callbacks.selectors import callback_list_for
from core import uploads
from core.actions import action_form_view, action_post_view
from core.deadlines import deadlines_of
from core.errors import DomainError
from core.once import submit_once
from core.paging import page_number
from core.roles import Role, has_role
from estates.models import Site, Unit
from estates.selectors import site_ids_visible_to
from tickets import forms as f
from tickets import selectors, services
from tickets.actions import FIELD_STEPS, REGISTRY
from tickets.models import WorkOrder
from tickets.printing import (
    BATCH_SYNC_LIMIT,
    batch_file_read,
    batch_progress,
    batch_queryset,
    settlement_xlsx,
    work_orders_pdf,
)
from tickets.tasks import batch_print_task
from tickets.views_referral import intake_error, intake_submit

PAGE_SIZE = 25


class Pager:
    """A page of rows already read, with what the pager template needs (no COUNT(*), core.paging)."""

    def __init__(self, rows: list, number: int, has_next: bool) -> None:
        self.object_list, self.number, self.has_next = rows, number, has_next
        self.has_previous = number > 1
        self.next_page_number, self.previous_page_number = number + 1, number - 1

    def __iter__(self):
        return iter(self.object_list)


def _page_number(request) -> int:
    return page_number(request.GET.get("page", 1))  # issue 13.7: abc/-1 → 1, never an overflow


def _filter_choices(request, unit_ids=()) -> dict:
    """The list's filter choices (and the units of `unit_ids`, under "units"), in one query (issue 21.2)."""
    site_ids = site_ids_visible_to(request.user)
    return {"statuses": WorkOrder.Status.choices,
            **selectors.work_order_list_names(site_ids, unit_ids, sites=len(site_ids) > 1)}


def _list(request: HttpRequest, template: str, params, title: str, extra: dict | None = None) -> HttpResponse:
    """A page of work orders (issue 21.2): the page's rows as tuples (its SQL compiled once per kind), then
    the filter choices and the rows' units in one query; the rows' names from the choices (the page query
    has no join). The rows and the choices are shown from fragments cached under a digest of their content;
    model instances are made only when the rows are rendered. The site column is shown only to who sees
    several sites."""
    rows, number, has_next = selectors.work_order_list_page(request.user, params, _page_number(request), PAGE_SIZE)
    page = Pager(rows, number, has_next)
    choices = _filter_choices(request, (row[UNIT_AT] for row in rows if row[UNIT_AT] is not None))
    units = choices.pop("units")
    related = selectors.work_order_list_related(rows, {
        "category": choices["categories"], "department": choices["departments"], "zone": choices["zones"],
        **({"site": choices["sites"]} if choices["sites"] else {})})
    page.object_list = orders = SimpleLazyObject(lambda: selectors.work_order_list_orders(rows, related, units))
    ctx = {"page": page, "orders": orders, "params": params, "title": title, "now": timezone.now(),
           **choices, **(extra or {})}
    ctx["order_table"] = _fragment(TABLE, ctx, request, _table_state(request, ctx, rows, related, units))
    if request.htmx and request.htmx.target == "order-table":
        return HttpResponse(ctx["order_table"])
    ctx["order_filters"] = _fragment(FILTERS, ctx, request, _filters_state(ctx))
    return render(request, template, ctx)


TABLE, FILTERS = "tickets/partials/_order_table.html", "tickets/partials/_order_filters.html"
FRAGMENT_SECONDS = 600


def _fragment(name: str, ctx: dict, request: HttpRequest, state: tuple) -> str:
    """A list fragment cached under a digest of everything its template shows (issue 21.2): rendering the 25
    rows and the filter choices was ~3/4 of the page's CPU. The key holds the values themselves (each row's
    listed fields and names, whether it is overdue at this instant; the choices and the filters asked), the
    language, the time zone and the template's text: a changed order gives another key, so it shows on the
    very next request, with no version to bump. Nothing of another site or user is in a key: the values
    are those this user's own queries returned."""
    shown = (_template_text(name), get_language(), timezone.get_current_timezone_name(), state)
    # pickled, not repr()'d: a tenth of the CPU (repr of 25 rows' aware datetimes was ~0.3 ms a fragment);
    # equal bytes can only come from equal values, so a key never names other content
    key = f"tickets:list:{hashlib.blake2b(pickle.dumps(shown, 5), digest_size=20).hexdigest()}"
    html = _FRAGMENTS.get(key)
    if html is None:
        html = cache.get(key)
    if html is None:  # rendered without the request's context processors (the menu is not in a fragment)
        html = render_to_string(name, {**ctx, "request": request})
        cache.set(key, html, FRAGMENT_SECONDS)
    if len(_FRAGMENTS) >= FRAGMENTS_KEPT:
        with suppress(KeyError, RuntimeError, StopIteration):  # another thread evicting at once
            _FRAGMENTS.pop(next(iter(_FRAGMENTS)))  # the oldest
    _FRAGMENTS[key] = html
    return mark_safe(html)  # noqa: S308 (the template's own escaped output)


# The last fragments this process used, in front of the shared cache (a file read, or a Redis round trip,
# for each of the two): a key names the content itself, so a copy kept here can never be stale.
_FRAGMENTS: dict[str, str] = {}
FRAGMENTS_KEPT = 64


_AT = {name: i for i, name in enumerate(selectors.LIST_FIELDS)}
UNIT_AT, STATUS_AT, DUE_AT = _AT["unit_id"], _AT["status"], _AT["due_at"]


def _table_state(request: HttpRequest, ctx: dict, rows: list[tuple], related: dict[str, dict],
                 units: dict) -> tuple:
    """What `_order_table.html` (and its pager) show: keep in step with the templates. Each row's listed
    fields (its status label is the status's in the key's language), its unit code, names and whether it is
    overdue at this instant."""
    now, page, sites = ctx["now"], ctx["page"], bool(ctx["sites"])
    open_states = set(WorkOrder.OPEN_STATES)

    def name(kind: str, row: tuple, attr: str = "name"):
        obj = related[kind].get(row[_AT[f"{kind}_id"]])
        return getattr(obj, attr) if obj is not None else None

    state = [(*row, units[row[UNIT_AT]].code if row[UNIT_AT] in units else None,
              name("site", row, "code") if sites else None, name("category", row), name("department", row),
              name("zone", row), bool(row[STATUS_AT] in open_states and row[DUE_AT] and row[DUE_AT] < now))
             for row in rows]
    return (_template_text("tickets/partials/_pager.html"), sites, page.number, page.has_next, page.has_previous,
            sorted(request.GET.lists()), state)


def _filters_state(ctx: dict) -> tuple:
    """What `_order_filters.html` shows: the choices and the filters asked."""
    params = ctx["params"]
    return ([(v, str(label)) for v, label in ctx["statuses"]],
            *([(o.pk, o.name) for o in ctx[k]] for k in ("categories", "departments", "zones", "sites")),
            [(k, params.get(k)) for k in ("q", "status", "category", "department", "zone", "site", "overdue", "late",
                                          "due")])


@functools.cache
def _template_text(name: str) -> str:
    """A template's source (a deploy that changes it does not read fragments of the older one)."""
    return get_template(name).template.source


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    """Front desk list: filters status, category, department, zone, overdue=1, due=today, site, q."""
    return _list(request, "tickets/order_list.html", request.GET, _("Work orders"))


@login_required
def dispatch_board(request: HttpRequest) -> HttpResponse:
    """Department supervisor: open orders of his department (or all departments for CS supervision)."""
    params = request.GET.copy()
    staff = getattr(request.user, "staff", None)
    if "department" not in params and staff and staff.department_id and has_role(
            request.user, Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR):
        params["department"] = str(staff.department_id)
    if "status" not in params:
        params.setlist("status", ["registered", "dispatched", "on_site", "rework"])
    return _list(request, "tickets/order_list.html", params, _("Dispatch board"), {"board": True})


@login_required
def my_orders(request: HttpRequest) -> HttpResponse:
    """Field staff on a phone: orders dispatched to me that are not done."""
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise Http404
    qs = (selectors.work_order_list_visible_to(request.user)
          .filter(assignee=staff, status__in=["dispatched", "on_site", "rework"])
          .select_related("unit", "category").order_by("due_at", "id"))
    return render(request, "tickets/my_orders.html", {"orders": list(qs[:100]), "now": timezone.now()})


@login_required
@submit_once  # issue 23.2: a double click registers one order
def order_create(request: HttpRequest) -> HttpResponse:
    """SPEC T-01: one fast front-desk form."""
    site_ids = site_ids_visible_to(request.user)
    if not site_ids:
        raise PermissionDenied
    form = f.RegisterForm(request.POST or None, request.FILES or None, site_ids=site_ids)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        unit, resident = d.get("unit"), d.get("resident")
        staff = getattr(request.user, "staff", None)
        site = (unit.site if unit else resident.site if resident else
                staff.site if staff and staff.site_id else Site.objects.get(pk=site_ids[0]))
        try:  # issue 15: a referral to the head (T-17), work done first (T-03) or a plain registration
            record, message = intake_submit(request.user, site, d, referring=form.referring)
        except DomainError as err:
            intake_error(form, err)
        else:
            messages.success(request, message)
            return redirect(record)
    return render(request, "tickets/order_form.html", {"form": form})


@login_required
def duplicates(request: HttpRequest) -> HttpResponse:
    unit = Unit.objects.filter(site_id__in=site_ids_visible_to(request.user), pk=request.GET.get("unit") or 0).first()
    orders = list(selectors.open_orders_of_unit(unit)) if unit else []
    return render(request, "tickets/partials/_duplicates.html", {"orders": orders, "unit": unit})


def _inline_steps(user) -> set[str] | None:
    """The front desk copies the paper form only when it comes back: arrival/completion stay folded."""
    if has_role(user, Role.DEPT_STAFF, Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR, Role.SECURITY_OFFICER):
        return None
    return {k for k, a in REGISTRY.actions.items() if a.inline} - FIELD_STEPS


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.work_order_get(request.user, pk)
    return render(request, "tickets/order_detail.html", _detail_ctx(request, order))


def _detail_ctx(request, order, bound: dict | None = None) -> dict:
    voided = selectors.work_order_voided_rows(order)  # X-01; reads charges and materials with them if any
    prefetch_related_objects([order], "charges", "materials", "extensions", "photos")  # asked twice below
    return {"order": order, "registry": REGISTRY,
            "action_cards": REGISTRY.cards(request.user, order, bound, inline=_inline_steps(request.user)),
            "events": order.events.select_related("actor__staff"),
            "deadlines": deadlines_of(order), "charges": list(order.charges.all()),
            "materials": list(order.materials.all()), "extensions": list(order.extensions.all()),
            "voided": voided,
            "photos": list(order.photos.all()), "callbacks": _callbacks_of(order),
            "problems": services.receipt_problems(order)
            if order.status == WorkOrder.Status.COMPLETED else [], "now": timezone.now()}


# only an order whose receipt came back can have a callback (CB-01): the others ask nothing more
_CALLBACK_STATES = {WorkOrder.Status.CALLBACK, WorkOrder.Status.CLOSED, WorkOrder.Status.REWORK}


def _callbacks_of(order) -> list:
    """Issue 20.5: the order's page shows its callback's deadline (the clock runs on the callback)."""
    return list(callback_list_for(order)[:3]) if order.status in _CALLBACK_STATES else []


def _detail_page(request, order, bound=None, status=200) -> HttpResponse:
    return render(request, "tickets/order_detail.html", _detail_ctx(request, order, bound), status=status)


# the steps of an order are declared once in tickets/actions.py; one generic view runs them (issue 14.1)
order_action = action_post_view(REGISTRY, page=_detail_page)
order_action_form = action_form_view(REGISTRY)


@login_required
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """SPEC T-02: the three-part form."""

    order = selectors.work_order_get(request.user, pk)
    pdf = work_orders_pdf([order])
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return resp


@login_required
def batch_print(request: HttpRequest) -> HttpResponse:
    """A day's dispatches in one PDF; large batches run as a Celery task with progress."""

    try:
        day = date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    qs = batch_queryset(request.user, day, request.GET.get("department"))
    count = qs.count()
    if request.GET.get("go") != "1":
        return render(request, "tickets/batch_print.html", {"day": day, "count": count,
                                                            "departments": _filter_choices(request)["departments"],
                                                            "limit": BATCH_SYNC_LIMIT})
    if count <= BATCH_SYNC_LIMIT:
        pdf = work_orders_pdf(list(qs))
        resp = HttpResponse(pdf, content_type="application/pdf")
        resp["Content-Disposition"] = f'inline; filename="dispatch-{day:%Y%m%d}.pdf"'
        return resp

    result = batch_print_task.delay(user_id=request.user.pk, day=day.isoformat(),
                                    department=request.GET.get("department") or None)
    return redirect(reverse("tickets:batch_status", args=[result.id]))


@login_required
def batch_status(request: HttpRequest, task_id: str) -> HttpResponse:

    progress = batch_progress(task_id)
    if progress.get("owner") not in (None, request.user.pk):
        raise Http404
    if request.GET.get("download") == "1" and progress.get("done"):
        data = batch_file_read(task_id)
        if data is None:
            raise Http404
        resp = HttpResponse(data, content_type="application/pdf")
        resp["Content-Disposition"] = f'attachment; filename="dispatch-{task_id[:8]}.pdf"'
        return resp
    tpl = "tickets/partials/_batch_progress.html" if request.htmx else "tickets/batch_status.html"
    return render(request, tpl, {"progress": progress, "task_id": task_id})


@login_required
def settlement(request: HttpRequest) -> HttpResponse:
    """SPEC T-13: month-end settlement per department (page + XLSX)."""
    if not has_role(request.user, Role.FINANCE, Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR,
                    Role.DEPT_SUPERVISOR, Role.COMPANY_LEADER, Role.EXECUTIVE):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", f"{today:%Y-%m}").split("-"))
        date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    data = selectors.settlement(site_ids_visible_to(request.user), year, month)
    if request.GET.get("format") == "xlsx":

        resp = HttpResponse(settlement_xlsx(data, year, month),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        resp["Content-Disposition"] = f'attachment; filename="settlement-{year}-{month:02d}.xlsx"'
        return resp
    prev = date(year, month, 1) - timedelta(days=1)
    nxt = date(year, month, 28) + timedelta(days=4)
    return render(request, "tickets/settlement.html", {**data, "month": f"{year}-{month:02d}",
                                                       "prev": f"{prev:%Y-%m}", "next": f"{nxt:%Y-%m}"})


@login_required
def signature_image(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.work_order_get(request.user, pk)
    return uploads.serve(order.signature)  # issue 13: type by content, nosniff


@login_required
def photo(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    order = selectors.work_order_get(request.user, pk)
    p = get_object_or_404(order.photos, pk=photo_id)
    return uploads.serve(p.file)  # issue 13: type by content, nosniff, attachment unless a verified image
