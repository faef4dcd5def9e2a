"""Thin views: selector → form → one service call → redirect; a DomainError becomes a form error."""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from core.pdf import render_pdf
from estates.selectors import site_ids_visible_to, site_list_visible_to, staff_of
from handover import forms as f
from handover import permissions as perm
from handover import selectors as sel
from handover import services as svc
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
    return get_object_or_404(sel.takeover_list_visible_to(request.user), pk=pk)


def _takeover_ctx(request, t, **forms) -> dict:
    u = request.user
    ctx = {"t": t, "documents": t.documents.select_related("item"), "missing": svc.missing_documents(t),
           "inspections": t.inspections.select_related("unit", "building", "inspected_by").prefetch_related("defects"),
           "defects": t.defects.select_related("unit"), "events": t.events.select_related("actor"),
           "may_team": perm.can_takeover(u, t.site_id), "may_accept": perm.can_accept(u, t.site_id)}
    ctx["documents_form"] = forms.get("documents_form") or f.DocumentsForm(takeover=t)
    default_reply = _("Documents received: %(got)d of %(all)d. Still to be handed over: %(missing)s.") % {
        "got": len(ctx["documents"]) - len(ctx["missing"]), "all": len(ctx["documents"]),
        "missing": "、".join(d.item.text for d in ctx["missing"]) or _("none")}
    ctx["reply_form"] = forms.get("reply_form") or f.ReplyForm(initial={"text": default_reply})
    ctx["unit_form"] = forms.get("unit_form") or f.InspectionForm(site=t.site, scope=Scope.UNIT, prefix="u")
    ctx["public_form"] = forms.get("public_form") or f.InspectionForm(site=t.site, scope=Scope.PUBLIC, prefix="p")
    ctx["keys_form"] = f.KeysReceiveForm()
    ctx["accept_form"] = f.ConfirmForm()
    return ctx


@login_required
def takeover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    t = _takeover(request, pk)
    return render(request, "handover/takeover.html", _takeover_ctx(request, t))


def _takeover_post(request, pk, key, make_form, run, done):
    t = _takeover(request, pk)
    form = make_form(t)
    if form.is_valid():
        try:
            run(t, form)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, done)
            return redirect(t)
    messages.error(request, _("Not saved: see the message in the form below."))
    return render(request, "handover/takeover.html", _takeover_ctx(request, t, **{key: form}), status=400)


@login_required
@require_POST
@submit_once
def takeover_documents(request, pk):
    return _takeover_post(request, pk, "documents_form", lambda t: f.DocumentsForm(request.POST, takeover=t),
                          lambda t, fm: svc.takeover_documents_record(takeover=t, lines=fm.lines(),
                                                                      actor=request.user), _("Saved."))


@login_required
@require_POST
@submit_once
def takeover_reply(request, pk):
    return _takeover_post(request, pk, "reply_form", lambda t: f.ReplyForm(request.POST),
                          lambda t, fm: svc.takeover_reply(takeover=t, text=fm.cleaned_data["text"],
                                                           actor=request.user), _("Reply letter issued."))


@login_required
@require_POST
@submit_once
def takeover_inspect(request, pk):
    scope = Scope.PUBLIC if request.POST.get("scope") == Scope.PUBLIC else Scope.UNIT
    key, prefix = ("public_form", "p") if scope == Scope.PUBLIC else ("unit_form", "u")

    def run(t, fm):
        d = fm.cleaned_data
        svc.inspection_record(site=t.site, scope=scope, results=fm.results(), actor=request.user, takeover=t,
                              building=d.get("building"), unit=d.get("unit"), due_at=d["due_at"],
                              reinspect_on=d["reinspect_on"], note=d["note"])

    return _takeover_post(request, pk, key,
                          lambda t: f.InspectionForm(request.POST, site=t.site, scope=scope, prefix=prefix), run,
                          _("Inspection recorded."))


@login_required
@require_POST
@submit_once
def takeover_accept(request, pk):
    return _takeover_post(request, pk, "accept_form", lambda t: f.ConfirmForm(request.POST),
                          lambda t, fm: svc.takeover_accept(takeover=t, actor=request.user), _("Takeover accepted."))


@login_required
def takeover_reply_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    t = _takeover(request, pk)
    if not t.replied_at:
        raise Http404
    data = render_pdf("handover/print/reply.html", {"t": t, "documents": t.documents.select_related("item")})
    return _pdf(data, f"{t.number}.pdf")


@login_required
@require_POST
@submit_once
def keys_receive(request: HttpRequest, pk: int) -> HttpResponse:
    from estates.selectors import visible  # noqa: PLC0415
    from handover.models import Inspection  # noqa: PLC0415

    insp = get_object_or_404(visible(Inspection.objects.select_related("takeover", "unit", "site"), request.user),
                             pk=pk)
    form = f.KeysReceiveForm(request.POST)
    if form.is_valid():
        try:
            svc.takeover_keys_receive(inspection=insp, actor=request.user, **form.cleaned_data)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("Keys registered for custody; they wait for the two approvals."))
    else:
        messages.error(request, _("Not saved: check the keys and their number."))
    return redirect(insp.takeover) if insp.takeover_id else redirect("handover:takeovers")


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
    from openpyxl import Workbook  # noqa: PLC0415

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


def _defect(request, pk):
    return get_object_or_404(sel.defect_list_visible_to(request.user), pk=pk)


def _defect_ctx(request, d, **forms):
    u = request.user
    return {"d": d, "events": d.events.select_related("actor"),
            "may_rectified": perm.can_record_rectified(u, d) and d.status == Defect.Status.OPEN,
            "may_reinspect": perm.can_reinspect(u, d) and d.status == Defect.Status.RECTIFIED,
            "rectified_form": forms.get("rectified_form") or f.NoteForm(),
            "reinspect_form": forms.get("reinspect_form") or f.ReinspectForm()}


@login_required
def defect_detail(request: HttpRequest, pk: int) -> HttpResponse:
    d = _defect(request, pk)
    return render(request, "handover/defect.html", _defect_ctx(request, d))


def _defect_post(request, pk, key, form, run, done):
    d = _defect(request, pk)
    if form.is_valid():
        try:
            run(d, form.cleaned_data)
        except DomainError as err:
            form.add_error(None, err.message)
            messages.error(request, err.message)
        else:
            messages.success(request, done)
            return redirect(d)
    return render(request, "handover/defect.html", _defect_ctx(request, d, **{key: form}), status=400)


@login_required
@require_POST
@submit_once
def defect_rectified(request, pk):
    return _defect_post(request, pk, "rectified_form", f.NoteForm(request.POST),
                        lambda d, c: svc.defect_rectified(defect=d, note=c["note"], actor=request.user),
                        _("Recorded: waiting for re-inspection."))


@login_required
@require_POST
@submit_once
def defect_reinspect(request, pk):
    return _defect_post(request, pk, "reinspect_form", f.ReinspectForm(request.POST),
                        lambda d, c: svc.defect_reinspect(defect=d, passed=c["passed"], note=c["note"],
                                                          new_due_at=c["new_due_at"],
                                                          new_reinspect_on=c["new_reinspect_on"],
                                                          actor=request.user), _("Re-inspection recorded."))


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


def _move_in(request, pk):
    return get_object_or_404(sel.move_in_list_visible_to(request.user), pk=pk)


STEP_FORMS = {
    MoveIn.Step.IDENTITY: lambda mi, data, files: f.IdentityForm(data, move_in=mi),
    MoveIn.Step.FEES: lambda mi, data, files: f.FeesForm(data),
    MoveIn.Step.DOCUMENTS: lambda mi, data, files: f.ScansForm(data, files),
    MoveIn.Step.KEYS: lambda mi, data, files: f.KeysHandForm(data, initial={
        "signer_name": mi.resident.name if mi.resident else ""}),
    MoveIn.Step.INSPECTION: lambda mi, data, files: f.UnitInspectForm(data),
    MoveIn.Step.DEFECTS: lambda mi, data, files: f.ConfirmForm(data),
    MoveIn.Step.UTILITIES: lambda mi, data, files: f.UtilitiesForm(data),
}


def _run_step(mi, step, form, user):
    d = form.cleaned_data
    S = MoveIn.Step
    if step == S.IDENTITY:
        return svc.move_in_identity(move_in=mi, resident=d["resident"], id_number=d["id_number"],
                                    identity_doc=d["identity_doc"], actor=user)
    if step == S.FEES:
        return svc.move_in_fees(move_in=mi, lines=form.lines(), method=d["method"], actor=user)
    if step == S.DOCUMENTS:
        return svc.move_in_documents(move_in=mi, scans=form.scans(), actor=user)
    if step == S.KEYS:
        return svc.move_in_keys(move_in=mi, signer_name=d["signer_name"], signed_on_paper=d["signed_on_paper"],
                                actor=user)
    if step == S.INSPECTION:
        return svc.move_in_inspect(move_in=mi, results=form.results(), due_at=d["due_at"],
                                   reinspect_on=d["reinspect_on"], actor=user)
    if step == S.DEFECTS:
        return svc.move_in_defects_report(move_in=mi, actor=user)
    return svc.move_in_utilities(move_in=mi, utilities=d["utilities"], actor=user)


def _move_in_ctx(request, mi, form=None):
    u = request.user
    maker = STEP_FORMS.get(mi.step)
    return {"mi": mi, "events": mi.events.select_related("actor"),
            "documents": mi.documents.select_related("unit_document"),
            "inspections": mi.inspections.prefetch_related("results__item"),
            "defects": mi.defects.select_related("work_order"), "key": svc.key_in_custody(mi.unit),
            "may_act": perm.can_move_in(u, mi.site_id), "form": form or (maker(mi, None, None) if maker else None)}


@login_required
def move_in_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mi = _move_in(request, pk)
    return render(request, "handover/move_in.html", _move_in_ctx(request, mi))


@login_required
@require_POST
@submit_once
def move_in_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    mi = _move_in(request, pk)
    if step not in STEP_FORMS:
        raise Http404
    form = STEP_FORMS[step](mi, request.POST, request.FILES)
    if form.is_valid():
        try:
            _run_step(mi, step, form, request.user)
        except DomainError as err:
            form.add_error(None, err.message)
            if step != mi.step:  # the form shown is the current step's: say it above
                messages.error(request, err.message)
        else:
            messages.success(request, _("“%(step)s” recorded.") % {"step": MoveIn.Step(step).label})
            return redirect(mi)
    return render(request, "handover/move_in.html", _move_in_ctx(request, mi, form if step == mi.step else None),
                  status=400)


@login_required
def move_in_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """H-03: the printable move-in pack of a unit (steps, signed documents, keys, inspection, defects)."""
    mi = _move_in(request, pk)
    ctx = _move_in_ctx(request, mi)
    ctx.update({"now": timezone.now(), "documents_to_sign": f.MoveInDocument.Kind.choices})
    return _pdf(render_pdf("handover/print/pack.html", ctx), f"move-in-{mi.unit.code}.pdf")
