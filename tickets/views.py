"""Thin views: selector → form → one service call → message + redirect (STYLE §2)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import uploads
from core.deadlines import deadlines_of
from core.errors import DomainError
from core.once import submit_once
from core.paging import CountlessPage, page_number
from core.roles import Role, has_role
from estates.models import Department, Resident, Site, Unit, Zone
from estates.selectors import site_ids_visible_to
from tickets import forms as f
from tickets import permissions, selectors, services
from tickets.models import Category, WorkOrder

PAGE_SIZE = 25


class Pager(CountlessPage):
    """Page without COUNT(*) (core.paging): same interface the pager template needs; out of range → last page."""

    def __init__(self, qs, number, size: int = PAGE_SIZE) -> None:
        super().__init__(qs, number, size)


def _page_number(request) -> int:
    return page_number(request.GET.get("page", 1))  # issue 13.7: abc/-1 → 1, never an overflow


def _filter_choices(request) -> dict:
    site_ids = site_ids_visible_to(request.user)
    return {
        "statuses": WorkOrder.Status.choices,
        "categories": list(Category.objects.filter(is_active=True).only("id", "name")),
        "departments": list(Department.objects.filter(site_id__in=site_ids).only("id", "name")),
        "zones": list(Zone.objects.filter(site_id__in=site_ids).only("id", "name")),
        "sites": list(Site.objects.filter(pk__in=site_ids).only("id", "name")) if len(site_ids) > 1 else [],
    }


def _list(request: HttpRequest, template: str, params, title: str, extra: dict | None = None) -> HttpResponse:
    qs = selectors.work_order_list(request.user, params)
    page = Pager(qs, _page_number(request))
    ctx = {"page": page, "orders": page.object_list, "params": params, "title": title, "now": timezone.now(),
           **_filter_choices(request), **(extra or {})}
    if request.htmx and request.htmx.target == "order-table":
        return render(request, "tickets/partials/_order_table.html", ctx)
    return render(request, template, ctx)


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
        try:
            order = services.work_order_register(
                site=site, category=d["category"], content=d["content"], actor=request.user, unit=unit,
                resident=resident, reporter_name=d["reporter_name"], phone=d["phone"], channel=d["channel"],
                location=d["location"], photos=d.get("photos") or [], is_warranty=d.get("is_warranty", False))
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Work order %(n)s registered.") % {"n": order.number})
            return redirect(order)
    return render(request, "tickets/order_form.html", {"form": form})


@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    """htmx autocomplete: unit `3-2-1502`, resident name or phone → candidates + duplicate hint."""
    q = (request.GET.get("unit_code") or request.GET.get("q") or "").strip()
    site_ids = site_ids_visible_to(request.user)
    units, residents = [], []
    if len(q) >= 1:
        units = list(Unit.objects.filter(site_id__in=site_ids, code__startswith=q).order_by("code")[:8])
        residents = list(Resident.objects.filter(site_id__in=site_ids, is_active=True)
                         .filter(Q(name__startswith=q) | Q(phone__startswith=q)).select_related("unit")[:8])
    return render(request, "tickets/partials/_lookup.html", {"units": units, "residents": residents, "q": q})


@login_required
def duplicates(request: HttpRequest) -> HttpResponse:
    unit = Unit.objects.filter(site_id__in=site_ids_visible_to(request.user), pk=request.GET.get("unit") or 0).first()
    orders = list(selectors.open_orders_of_unit(unit)) if unit else []
    return render(request, "tickets/partials/_duplicates.html", {"orders": orders, "unit": unit})


def _actions(user, order: WorkOrder) -> dict:
    """Which action forms the detail page shows: asked of the model and the permissions (STYLE §3)."""
    from django_fsm import can_proceed

    S = WorkOrder.Status
    acts: dict[str, object] = {}
    v = {"version": order.version}
    if can_proceed(order.dispatch) and permissions.can_dispatch(user, order):
        acts["dispatch"] = f.DispatchForm(initial=v, order=order)
    if can_proceed(order.arrive) and permissions.can_work(user, order):
        acts["arrive"] = f.VersionOnlyForm(initial=v)
    if can_proceed(order.complete) and permissions.can_work(user, order):
        now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        arrived = timezone.localtime(order.arrived_at).strftime("%Y-%m-%dT%H:%M") if order.arrived_at else now
        acts["complete"] = f.CompleteForm(initial={**v, "arrived_at": arrived, "finished_at": now}, order=order)
    if order.status == S.COMPLETED:
        if order.charges.exists() and not order.charges_checked_by_id and permissions.can_check_charges(user, order):
            acts["charges_check"] = f.VersionOnlyForm(initial=v)
        if order.charges_checked_by_id and not order.charges_approved_by_id and \
                permissions.can_approve_charges(user, order):
            acts["charges_approve"] = f.VersionOnlyForm(initial=v)
        if permissions.can_work(user, order) or permissions.can_front_desk(user, order):
            acts["evaluate"] = f.EvaluateForm(initial={**v, "evaluation": order.evaluation,
                                                       "signer_name": order.signer_name})
        if permissions.can_front_desk(user, order):
            acts["accept"] = f.VersionOnlyForm(initial=v)
    if can_proceed(order.send_rework) and permissions.can_front_desk(user, order):
        acts["rework"] = f.ReasonForm(initial=v)
    if order.status in WorkOrder.OPEN_STATES and order.due_at and permissions.can_front_desk(user, order):
        acts["extend"] = f.ExtendForm(initial=v, order=order)
    if order.status in WorkOrder.OPEN_STATES and permissions.can_front_desk(user, order):
        acts["followup"] = f.NoteForm()
    if order.status in WorkOrder.OPEN_STATES and order.category.status_report_required and \
            has_role(user, Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR, Role.CENTER_HEAD):
        acts["status_report"] = f.NoteForm()
    if can_proceed(order.return_unresolvable) and permissions.can_sign_unresolvable(user, order):
        acts["unresolvable"] = f.UnresolvableForm(initial=v)
    if order.category.needs_agreement and order.status in WorkOrder.OPEN_STATES and \
            permissions.can_front_desk(user, order):
        acts["agreement"] = f.AgreementForm(initial=v)
        if order.agreement_no:
            acts["agreement_return"] = f.WithinAgreementForm(initial=v, order=order)
    if can_proceed(order.route_to_developer) and has_role(user, Role.CENTER_HEAD, Role.CS_SUPERVISOR,
                                                          Role.DEPT_SUPERVISOR):
        acts["developer"] = f.DeveloperForm(initial=v)
    if order.status == S.DEVELOPER and permissions.can_front_desk(user, order):
        acts["developer_done"] = f.StepNoteForm(initial=v)
    if order.status == S.REINSPECTION and permissions.can_front_desk(user, order):
        acts["reinspect"] = f.ReinspectForm(initial=v)
    if order.unit_id and order.unit.occupancy == Unit.Occupancy.NOT_MOVED_IN and not order.joint_inspection_at:
        acts["joint_inspection"] = f.JointInspectionForm(initial=v, order=order)
    if order.category.is_contractor and order.status not in (S.CLOSED, S.CANCELLED):
        acts["contractor"] = f.ContractorForm(initial={**v, "contractor_name": order.contractor_name})
    if can_proceed(order.cancel) and permissions.can_front_desk(user, order):
        acts["cancel"] = f.ReasonForm(initial=v)
    return acts


ACTION_LABELS = {
    "dispatch": gettext_lazy("Dispatch"),
    "arrive": gettext_lazy("Arrived on site"),
    "complete": gettext_lazy("Enter completion"),
    "charges_check": gettext_lazy("Check charges"),
    "charges_approve": gettext_lazy("Approve charges"),
    "evaluate": gettext_lazy("Save evaluation and signature"),
    "accept": gettext_lazy("Accept returned receipt"),
    "rework": gettext_lazy("Send back for rework"),
    "extend": gettext_lazy("Extend deadline"),
    "followup": gettext_lazy("Record progress"),
    "status_report": gettext_lazy("Report status"),
    "unresolvable": gettext_lazy("Return as unresolvable"),
    "agreement": gettext_lazy("Record agreement"),
    "agreement_return": gettext_lazy("Return agreement"),
    "developer": gettext_lazy("Route to the developer"),
    "developer_done": gettext_lazy("Developer repaired"),
    "reinspect": gettext_lazy("Record re-inspection"),
    "joint_inspection": gettext_lazy("Record joint inspection"),
    "contractor": gettext_lazy("Record contractor review"),
    "cancel": gettext_lazy("Cancel order"),
}
# the steps of the order's main path are shown as open forms; the others load theirs when opened
INLINE_ACTIONS = {"dispatch", "arrive", "complete", "charges_check", "charges_approve", "evaluate", "accept"}
FIELD_ACTIONS = {"arrive", "complete"}  # open forms for the department's people


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.work_order_get(request.user, pk)
    return render(request, "tickets/order_detail.html", _detail_ctx(request, order))


@login_required
def order_action_form(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The form of one less frequent step, fetched by htmx when its card is opened."""
    order = selectors.work_order_get(request.user, pk)
    form = _actions(request.user, order).get(action)
    if form is None:
        raise Http404
    return render(request, "tickets/partials/_action_form.html",
                  {"order": order, "name": action, "form": form, "label": ACTION_LABELS[action]})


def _detail_ctx(request, order, override: tuple[str, object] | None = None) -> dict:
    prefetch_related_objects([order], "charges", "materials", "extensions", "photos")  # asked twice below
    acts = _actions(request.user, order)
    if override:
        acts[override[0]] = override[1]
    failed = override[0] if override else None
    inline = INLINE_ACTIONS
    if not has_role(request.user, Role.DEPT_STAFF, Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR,
                    Role.SECURITY_OFFICER):
        inline = inline - FIELD_ACTIONS  # the front desk copies the paper form only when it comes back
    cards = [(name, form, ACTION_LABELS[name], name not in inline and name != failed)
             for name, form in acts.items()]
    return {"order": order, "action_cards": cards,
            "events": order.events.select_related("actor__staff"),
            "deadlines": deadlines_of(order), "charges": list(order.charges.all()),
            "materials": list(order.materials.all()), "extensions": list(order.extensions.all()),
            "photos": list(order.photos.all()), "problems": services.receipt_problems(order)
            if order.status == WorkOrder.Status.COMPLETED else [], "now": timezone.now()}


def _staff_user(staff):
    return staff.user if staff else None


ACTIONS = {
    # name: (form class, needs order kwarg, service call(request, order, cleaned_data, version))
    "dispatch": (f.DispatchForm, True, lambda r, o, d, v: services.work_order_dispatch(
        order=o, actor=r.user, department=d["department"], assignee=d.get("assignee"), due_at=d.get("due_at"),
        contractor_name=d.get("contractor_name") or "", version=v)),
    "arrive": (f.VersionOnlyForm, False, lambda r, o, d, v: services.work_order_arrive(order=o, actor=r.user,
                                                                                        version=v)),
    "complete": (f.CompleteForm, True, None),
    "charges_check": (f.VersionOnlyForm, False, lambda r, o, d, v: services.work_order_charges_check(
        order=o, actor=r.user, version=v)),
    "charges_approve": (f.VersionOnlyForm, False, lambda r, o, d, v: services.work_order_charges_approve(
        order=o, actor=r.user, version=v)),
    "evaluate": (f.EvaluateForm, False, lambda r, o, d, v: services.work_order_evaluate(
        order=o, actor=r.user, evaluation=d["evaluation"], comment=d.get("comment") or "",
        signer_name=d.get("signer_name") or "", signed_on_paper=d.get("signed_on_paper", False),
        signature_png=d.get("signature_png") or "", version=v)),
    "accept": (f.VersionOnlyForm, False, None),
    "rework": (f.ReasonForm, False, lambda r, o, d, v: services.work_order_rework(
        order=o, actor=r.user, reason=d["reason"], version=v)),
    "extend": (f.ExtendForm, True, lambda r, o, d, v: services.work_order_extend(
        order=o, actor=r.user, new_due_at=d["new_due_at"], reason=d["reason"], head=_staff_user(d.get("head")),
        director=_staff_user(d.get("director")), resident_consent=d.get("resident_consent", False),
        consent_note=d.get("consent_note") or "", resident_caused=d.get("resident_caused", False), version=v)),
    "followup": (f.NoteForm, False, lambda r, o, d, v: services.work_order_followup(order=o, actor=r.user,
                                                                                     note=d["note"])),
    "status_report": (f.NoteForm, False, lambda r, o, d, v: services.work_order_status_report(
        order=o, actor=r.user, note=d["note"])),
    "unresolvable": (f.UnresolvableForm, False, lambda r, o, d, v: services.work_order_return_unresolvable(
        order=o, actor=r.user, reason=d["reason"], explanation=d["explanation"], version=v)),
    "agreement": (f.AgreementForm, False, lambda r, o, d, v: services.work_order_agreement_record(
        order=o, actor=r.user, agreement_no=d["agreement_no"], due_at=d["due_at"], file=d.get("file"), version=v)),
    "agreement_return": (f.WithinAgreementForm, True, lambda r, o, d, v: services.work_order_agreement_return(
        order=o, actor=r.user, within_agreement_by=_staff_user(d.get("within_agreement_by")), version=v)),
    "developer": (f.DeveloperForm, False, lambda r, o, d, v: services.work_order_route_developer(
        order=o, actor=r.user, due_at=d["due_at"], note=d.get("note") or "", version=v)),
    "developer_done": (f.StepNoteForm, False, lambda r, o, d, v: services.work_order_developer_repaired(
        order=o, actor=r.user, note=d["note"], version=v)),
    "reinspect": (f.ReinspectForm, False, lambda r, o, d, v: services.work_order_reinspect(
        order=o, actor=r.user, passed=d.get("passed", False), note=d["note"], new_due_at=d.get("new_due_at"),
        version=v)),
    "joint_inspection": (f.JointInspectionForm, True, lambda r, o, d, v: services.work_order_joint_inspection(
        order=o, actor=r.user, cs_staff=d["cs_staff"], engineer=d["engineer"], note=d["note"], version=v)),
    "contractor": (f.ContractorForm, False, lambda r, o, d, v: services.work_order_contractor_review(
        order=o, actor=r.user, contractor_name=d["contractor_name"], review=d["review"], version=v)),
    "cancel": (f.ReasonForm, False, lambda r, o, d, v: services.work_order_cancel(
        order=o, actor=r.user, reason=d["reason"], version=v)),
}


@login_required
@require_POST
@submit_once  # issue 23.2: a step sent twice is done once
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order = selectors.work_order_get(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    form_class, with_order, call = ACTIONS[action]
    kwargs = {"order": order} if with_order else {}
    form = form_class(request.POST, request.FILES, **kwargs)
    if form.is_valid():
        d = form.cleaned_data
        version = d.get("version")
        try:
            if action == "complete":
                services.work_order_complete(order=order, actor=request.user, version=version, **form.service_kwargs())
            elif action == "accept":
                problems = services.receipt_problems(order)
                if problems and order.status == WorkOrder.Status.COMPLETED:
                    services.work_order_receipt_refuse(order=order, actor=request.user, reasons=problems)
                services.work_order_receipt_accept(order=order, actor=request.user, version=version)
            else:
                call(request, order, d, version)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(order)
    order = selectors.work_order_get(request.user, pk)
    ctx = _detail_ctx(request, order, override=(action, form))
    ctx["failed_action"] = action
    return render(request, "tickets/order_detail.html", ctx, status=422 if request.htmx else 200)


@login_required
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """SPEC T-02: the three-part form."""
    from tickets.printing import work_orders_pdf

    order = selectors.work_order_get(request.user, pk)
    pdf = work_orders_pdf([order])
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return resp


@login_required
def batch_print(request: HttpRequest) -> HttpResponse:
    """A day's dispatches in one PDF; large batches run as a Celery task with progress."""
    from tickets.printing import BATCH_SYNC_LIMIT, batch_queryset, work_orders_pdf

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
    from tickets.tasks import batch_print_task

    result = batch_print_task.delay(user_id=request.user.pk, day=day.isoformat(),
                                    department=request.GET.get("department") or None)
    return redirect(reverse("tickets:batch_status", args=[result.id]))


@login_required
def batch_status(request: HttpRequest, task_id: str) -> HttpResponse:
    from tickets.printing import batch_file_read, batch_progress

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
        from tickets.printing import settlement_xlsx

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
