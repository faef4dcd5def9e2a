"""Thin views: selector → form → one service call → redirect; a DomainError becomes a form error."""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.actions import action_post_view
from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from core.pdf import render_pdf
from estates.selectors import site_ids_visible_to, site_list_visible_to, staff_of
from handover import forms as f
from handover import permissions as perm
from handover import selectors as sel
from handover import services as svc
from handover.actions import DEFECT, INSPECTION, MOVE_IN, TAKEOVER
from handover.models import Defect, MoveIn, Scope


def _pdf(data: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{filename}"'
    return resp


def _user_site(request: HttpRequest):
    staff = staff_of(request.user)
    if staff is not None and staff.site_id:
        return staff.site
    site_id = request.GET.get("site") or request.POST.get("site")
    sites = site_list_visible_to(request.user)
    return sites.filter(pk=site_id).first() if str(site_id or "").isdigit() else sites.first()


def _viewer(request: HttpRequest) -> None:
    if not perm.can_view(request.user):
        raise Http404


# ---- H-01 takeovers
@login_required
def takeover_list(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    page = paginate(request, sel.takeover_list_visible_to(request.user), 30)
    site = _user_site(request)
    return render(request, "handover/takeover_list.html", {
        "page": page, "may_register": site is not None and perm.can_takeover(request.user, site.pk)})


@login_required
@submit_once
def takeover_new(request: HttpRequest) -> HttpResponse:
    site = _user_site(request)
    if site is None or not perm.can_takeover(request.user, site.pk):
        raise Http404
    form = f.TakeoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            t = svc.takeover_register(site=site, developer=d["developer"], notified_on=d["notified_on"],
                                      scope_note=d["scope_note"], actor=request.user)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Takeover %(n)s registered.") % {"n": t.number})
            return redirect(t)
    return render(request, "handover/form.html", {"form": form, "title": _("New takeover")})


def _takeover(request: HttpRequest, pk: int):
    return TAKEOVER.get_object(request, pk)


def _takeover_page(request: HttpRequest, t, bound: dict | None = None, status: int = 200,
                   keys_bound: dict | None = None) -> HttpResponse:
    u = request.user
    if bound:
        messages.error(request, _("Not saved: see the message in the form below."))
    keys_bound = keys_bound or {}  # inspection pk → {"keys": the form that just failed}
    inspections = t.inspections.select_related("unit", "building", "inspected_by").prefetch_related("defects")
    return render(request, "handover/takeover.html", {
        "t": t, "documents": t.documents.select_related("item"),
        # each inspection with the keys form of its passed unit, for whom the predicate allows (handover/actions.py)
        "inspections": [(i, INSPECTION.forms(u, i, keys_bound.get(i.pk)).get("keys")) for i in inspections],
        "defects": t.defects.select_related("unit"), "events": t.events.select_related("actor"),
        "forms": TAKEOVER.forms(u, t, bound)}, status=status)


@login_required
def takeover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _takeover_page(request, _takeover(request, pk))


takeover_documents = action_post_view(TAKEOVER, page=_takeover_page, key="documents")
takeover_reply = action_post_view(TAKEOVER, page=_takeover_page, key="reply")
takeover_accept = action_post_view(TAKEOVER, page=_takeover_page, key="accept")
_inspect_views = {scope: action_post_view(TAKEOVER, page=_takeover_page, key=f"inspect_{scope}")
                  for scope in (Scope.UNIT, Scope.PUBLIC)}


def takeover_inspect(request: HttpRequest, pk: int) -> HttpResponse:
    """One URL for both lists: the form says which (`scope`)."""
    scope = Scope.PUBLIC if request.POST.get("scope") == Scope.PUBLIC else Scope.UNIT
    return _inspect_views[scope](request, pk)


@login_required
def takeover_reply_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    t = _takeover(request, pk)
    if not t.replied_at:
        raise Http404
    data = render_pdf("handover/print/reply.html", {"t": t, "documents": t.documents.select_related("item")})
    return _pdf(data, f"{t.number}.pdf")


def _inspection_page(request: HttpRequest, insp, bound: dict | None = None, status: int = 200) -> HttpResponse:
    """A refused or mistyped key receipt: the takeover's page again, the message above and the typed keys kept."""
    for form in (bound or {}).values():
        for error in form.non_field_errors():
            messages.error(request, error)
        if any(name != NON_FIELD_ERRORS for name in form.errors):
            messages.error(request, _("Not saved: check the keys and their number."))
    if insp.takeover_id is None:
        return redirect(insp)
    return _takeover_page(request, insp.takeover, status=status, keys_bound={insp.pk: bound})


# H-01 / K-01: declared in handover/actions.py (INSPECTION), run by core's generic view
keys_receive = action_post_view(INSPECTION, page=_inspection_page, key="keys")


# ---- the defect list
def _defects_filtered(request):
    qs = sel.defect_list_visible_to(request.user)
    state = request.GET.get("state", "")
    if state == "open":
        qs = qs.exclude(status=Defect.Status.CLOSED)
    elif state == "overdue":
        qs = qs.filter(status=Defect.Status.OPEN, due_at__lt=timezone.now())
    elif state in Defect.Status.values:
        qs = qs.filter(status=state)
    if str(request.GET.get("takeover", "")).isdigit():
        qs = qs.filter(takeover_id=int(request.GET["takeover"]))
    return qs, state


@login_required
def defect_list(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    qs, state = _defects_filtered(request)
    return render(request, "handover/defect_list.html", {"page": paginate(request, qs, 50), "state": state,
                                                         "query": request.GET.urlencode(), "now": timezone.now()})


def defect_rows(defects) -> tuple[list[str], list[list]]:
    headers = [_("Number"), _("Location"), _("Problem"), _("Rectify by"), _("Re-inspection"), _("Status"),
               _("Closed")]
    rows = [[d.number, d.location, d.description, timezone.localtime(d.due_at).strftime("%Y-%m-%d %H:%M"),
             d.reinspect_on.isoformat(), str(d.get_status_display()),
             timezone.localtime(d.closed_at).strftime("%Y-%m-%d") if d.closed_at else ""] for d in defects]
    return [str(h) for h in headers], rows


@login_required
def defect_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """遗留问题统计表 for the developer, as PDF or spreadsheet (the same rows)."""
    _viewer(request)
    qs, _state = _defects_filtered(request)
    defects = list(qs[:5000])
    headers, rows = defect_rows(defects)
    if fmt == "pdf":
        return _pdf(render_pdf("handover/print/defects.html", {"headers": headers, "rows": rows,
                                                               "now": timezone.now()}), "defects.pdf")
    if fmt != "xlsx":
        raise Http404
    wb = Workbook()
    ws = wb.active
    ws.title = _("Defect list")[:31]
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = BytesIO()
    wb.save(buf)
    resp = HttpResponse(buf.getvalue(),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = 'attachment; filename="defects.xlsx"'
    return resp


def _defect_page(request: HttpRequest, d, bound: dict | None = None, status: int = 200) -> HttpResponse:
    for form in (bound or {}).values():
        for error in form.non_field_errors():
            messages.error(request, error)
    return render(request, "handover/defect.html", {"d": d, "events": d.events.select_related("actor"),
                                                    "forms": DEFECT.forms(request.user, d, bound)}, status=status)


@login_required
def defect_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _defect_page(request, DEFECT.get_object(request, pk))


defect_rectified = action_post_view(DEFECT, page=_defect_page, key="rectified")
defect_reinspect = action_post_view(DEFECT, page=_defect_page, key="reinspect")


# ---- H-02 / H-03 move-in
@login_required
def move_in_desk(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    site_ids = site_ids_visible_to(request.user)
    qs = sel.move_in_list_visible_to(request.user)
    step = request.GET.get("step", "")
    if step in MoveIn.Step.values:
        qs = qs.filter(step=step)
    site = _user_site(request)
    return render(request, "handover/desk.html", {
        "buildings": sel.desk_by_building(site_ids), "page": paginate(request, qs, 50), "step": step,
        "steps": MoveIn.Step.choices, "may_open": site is not None and perm.can_move_in(request.user, site.pk)})


@login_required
@submit_once
def move_in_new(request: HttpRequest) -> HttpResponse:
    site = _user_site(request)
    if site is None or not perm.can_move_in(request.user, site.pk):
        raise Http404
    form = f.MoveInNewForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        try:
            mi = svc.move_in_open(unit=form.cleaned_data["unit"], actor=request.user)
        except DomainError as err:
            form.add_error("unit", err.message)
        else:
            return redirect(mi)
    return render(request, "handover/form.html", {"form": form, "title": _("New move-in")})


def _move_in_ctx(request: HttpRequest, mi, bound: dict | None = None) -> dict:
    forms = MOVE_IN.forms(request.user, mi, bound)
    return {"mi": mi, "events": mi.events.select_related("actor"),
            "documents": mi.documents.select_related("unit_document"),
            "inspections": mi.inspections.prefetch_related("results__item"),
            "defects": mi.defects.select_related("work_order"), "key": svc.key_in_custody(mi.unit),
            "form": forms.get(mi.step)}


def _move_in_page(request: HttpRequest, mi, bound: dict | None = None, status: int = 200) -> HttpResponse:
    for step, form in (bound or {}).items():
        if step != mi.step:  # the form shown is the current step's: say it above
            for error in form.non_field_errors():
                messages.error(request, error)
    return render(request, "handover/move_in.html", _move_in_ctx(request, mi, bound), status=status)


@login_required
def move_in_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_in_page(request, MOVE_IN.get_object(request, pk))


move_in_step = action_post_view(MOVE_IN, page=_move_in_page)


@login_required
def move_in_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """H-03: the printable move-in pack of a unit (steps, signed documents, keys, inspection, defects)."""
    mi = MOVE_IN.get_object(request, pk)
    ctx = _move_in_ctx(request, mi)
    ctx.update({"now": timezone.now(), "documents_to_sign": f.MoveInDocument.Kind.choices})
    return _pdf(render_pdf("handover/print/pack.html", ctx), f"move-in-{mi.unit.code}.pdf")
