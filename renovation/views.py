"""Thin views: selector → form → one service call → redirect; a DomainError becomes a form error."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
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
from core.paging import paginate
from core.pdf import qr_png_data_uri, render_pdf
from estates.selectors import site_list_visible_to, staff_of
from fees.models import DepositMovement
from renovation import forms as f
from renovation import permissions as perm
from renovation import selectors as sel
from renovation import services as svc
from renovation.models import Change, Document, Renovation, Violation

S = Renovation.Status
SAVED = gettext_lazy("Saved.")


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


def _get(request: HttpRequest, pk: int) -> Renovation:
    """Another site's renovation is 404 (SPEC X-02)."""
    return get_object_or_404(sel.renovation_list_visible_to(request.user), pk=pk)


# ---- board and list (screens, R-08 of the issue)
@login_required
def board(request: HttpRequest) -> HttpResponse:
    if not perm.can_view(request.user):
        raise Http404
    sites = list(site_list_visible_to(request.user))
    columns = _columns()
    rows = []
    for s in sites:
        counts = sel.board_counts(request.user, s.pk)
        rows.append((s, [(key, label, counts[key]) for key, label in columns]))
    return render(request, "renovation/board.html", {"rows": rows, "columns": columns,
                                                     "may_register": any(perm.can_register(request.user, s.pk)
                                                                         for s in sites)})


def _columns() -> list[tuple[str, str]]:
    return [("applied", _("Applied")), ("in_review", _("In review")), ("active", _("Active")),
            ("overdue_patrol", _("Patrol overdue")), ("awaiting_acceptance", _("Awaiting acceptance")),
            ("closed", _("Closed"))]


@login_required
def renovation_list(request: HttpRequest) -> HttpResponse:
    qs = sel.renovation_list_visible_to(request.user)
    state, site = request.GET.get("state", ""), request.GET.get("site", "")
    qs = sel.filter_board(qs, state)
    if site.isdigit():
        qs = qs.filter(site_id=int(site))
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(unit__code__startswith=q) | qs.filter(number__icontains=q)
    page = paginate(request, qs, 50)
    return render(request, "renovation/list.html", {"page": page, "state": state, "q": q, "columns": _columns(),
                                                    "site": site})


@login_required
@submit_once  # issue 23.2
def renovation_create(request: HttpRequest) -> HttpResponse:
    site = _user_site(request)
    if site is None or not perm.can_register(request.user, site.pk):
        raise Http404
    form = f.ApplicationForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ren = svc.renovation_register(unit=d["unit"], owner=d["owner"], owner_id_number=d["owner_id_number"],
                                          contractor=d["contractor"], contractor_licence=d["contractor_licence"],
                                          lead_name=d["lead_name"], lead_phone=d["lead_phone"],
                                          start_date=d["start_date"], end_date=d["end_date"], scope=d["scope"],
                                          materials=d["materials"], actor=request.user)
        except DomainError as err:
            form.add_error("owner_id_number" if err.code == "owner_id" else None, err.message)
        else:
            messages.success(request, _("Application %(number)s registered.") % {"number": ren.number})
            return redirect(ren)
    return render(request, "renovation/form.html", {"form": form, "title": _("New renovation application")})


# ---- the renovation's page with its timeline
def _detail_ctx(request: HttpRequest, ren: Renovation, **forms) -> dict:
    u, sid = request.user, ren.site_id
    held = svc.refund_due(ren) if ren.deposit_taken_at else None
    ctx = {
        "ren": ren, "setting": svc.setting_for(ren.site),
        "documents": ren.documents.select_related("uploaded_by"), "workers": ren.workers.filter(is_active=True),
        "reviews": ren.reviews.prefetch_related("results__item").select_related("reviewer"),
        "patrols": ren.patrols.prefetch_related("photos").select_related("by"),
        "violations": ren.violations.prefetch_related("follow_ups", "photos"),
        "changes": ren.changes.all(), "inspections": ren.inspections.all(),
        "gate_open": sel.open_gate_entries(ren), "gate_entries": ren.gate_entries.select_related("worker")[:20],
        "events": ren.events.select_related("actor"), "deadlines": deadlines_of(ren),
        "missing_documents": svc.missing_documents(ren), "blockers": svc.approval_blockers(ren, u),
        "held": held, "movements": DepositMovement.objects.filter(reference=ren.reference).order_by("at", "id"),
        "may_register": perm.can_register(u, sid), "may_review": perm.can_review(u, sid),
        "may_approve": perm.can_approve(u, sid), "may_gate": perm.can_gate(u, sid),
        "may_patrol": perm.can_patrol(u, sid), "may_inspect": perm.can_inspect(u, sid),
        "may_take": _can_fees(u, sid, "take"), "may_finance": _can_fees(u, sid, "finance"),
        "public_url": request.build_absolute_uri(reverse("renovation:public", args=[ren.public_token])),
    }
    defaults = {
        "doc_form": f.DocumentForm, "worker_form": f.WorkerForm, "review_form": f.ReviewForm,
        "plan_form": lambda: f.PlanChangeForm(initial={"scope": ren.scope}), "approve_form": f.ApproveForm,
        "deposit_form": lambda: f.DepositForm(initial={"amount": ctx["setting"].deposit_amount}),
        "gate_form": f.GateForm, "patrol_form": f.PatrolForm, "violation_form": f.ViolationForm,
        "followup_form": f.FollowUpForm, "change_form": f.ChangeForm, "decide_form": f.DecideForm,
        "inspect_form": f.ReviewForm, "reject_form": f.ReasonForm,
        "refund_form": lambda: f.RefundForm(initial={"amount": held}),
    }
    for key, make in defaults.items():
        ctx[key] = forms.get(key) or make()
    ctx["open_form"] = next(iter(forms), "")
    return ctx


def _can_fees(user, site_id: int, what: str) -> bool:
    from fees import permissions as fp  # noqa: PLC0415  (fees' own predicates, shown on the page)

    return fp.can_take_payment(user, site_id) if what == "take" else fp.can_finance(user, site_id)


@login_required
def renovation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ren = _get(request, pk)
    return render(request, "renovation/detail.html", _detail_ctx(request, ren))


def _step(request: HttpRequest, pk: int, key: str, form_class: Callable, run: Callable, done: str) -> HttpResponse:
    ren = _get(request, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            run(ren, form, request.user)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, done)
            return redirect(ren)
    messages.error(request, _("Not saved: see the message in the form below."))
    return render(request, "renovation/detail.html", _detail_ctx(request, ren, **{key: form}))


def _step_view(key: str, form_class: Callable, run: Callable, done: str) -> Callable:
    @login_required
    @require_POST
    @submit_once
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _step(request, pk, key, form_class, run, str(done))

    return view


def _d(form) -> dict:
    return form.cleaned_data


document_add = _step_view("doc_form", f.DocumentForm, lambda r, fm, u: svc.document_attach(
    renovation=r, kind=_d(fm)["kind"], file=_d(fm)["file"], actor=u), SAVED)
worker_add = _step_view("worker_form", f.WorkerForm, lambda r, fm, u: svc.worker_add(
    renovation=r, name=_d(fm)["name"], id_number=_d(fm)["id_number"], photo=_d(fm)["photo"], actor=u), SAVED)
submit = _step_view("submit_form", f.StepForm, lambda r, fm, u: svc.renovation_submit(
    renovation=r, actor=u), SAVED)
review = _step_view("review_form", f.ReviewForm, lambda r, fm, u: svc.renovation_review(
    renovation=r, results=fm.results(), actor=u), SAVED)
plan_change = _step_view("plan_form", f.PlanChangeForm, lambda r, fm, u: svc.renovation_plan_change(
    renovation=r, scope=_d(fm)["scope"], note=_d(fm)["note"], drawings=_d(fm)["drawings"], actor=u), SAVED)
approve = _step_view("approve_form", f.ApproveForm, lambda r, fm, u: svc.renovation_approve(
    renovation=r, pledges={k: _d(fm)[k] for k in Document.PLEDGES}, actor=u), SAVED)
reject = _step_view("reject_form", f.ReasonForm, lambda r, fm, u: svc.renovation_reject(
    renovation=r, reason=_d(fm)["reason"], actor=u), SAVED)
deposit = _step_view("deposit_form", f.DepositForm, lambda r, fm, u: svc.renovation_deposit_take(
    renovation=r, amount=_d(fm)["amount"], method=_d(fm)["method"], actor=u), SAVED)
gate = _step_view("gate_form", f.GateForm, lambda r, fm, u: svc.gate_enter(
    renovation=r, pass_number=_d(fm)["pass_number"], tools=_d(fm)["tools"], actor=u), SAVED)
patrol = _step_view("patrol_form", f.PatrolForm, lambda r, fm, u: svc.patrol_record(
    renovation=r, checked=_d(fm)["checked"], team=_d(fm)["team"], all_in_order=_d(fm)["all_in_order"],
    photos=_d(fm)["photos"], actor=u), SAVED)
violation = _step_view("violation_form", f.ViolationForm, lambda r, fm, u: svc.violation_record(
    renovation=r, rule=_d(fm)["rule"], description=_d(fm)["description"], measure=_d(fm)["measure"],
    deduction_amount=_d(fm)["deduction_amount"], photos=_d(fm)["photos"],
    patrol=r.patrols.filter(day=timezone.localdate()).first(), actor=u), SAVED)
change = _step_view("change_form", f.ChangeForm, lambda r, fm, u: svc.change_apply(
    renovation=r, kind=_d(fm)["kind"], reason=_d(fm)["reason"], new_scope=_d(fm)["new_scope"],
    new_end_date=_d(fm)["new_end_date"], actor=u), SAVED)
complete = _step_view("complete_form", f.StepForm, lambda r, fm, u: svc.completion_declare(
    renovation=r, actor=u), SAVED)
acceptance = _step_view("acceptance_form", f.StepForm, lambda r, fm, u: svc.acceptance_apply(
    renovation=r, actor=u), SAVED)
inspect = _step_view("inspect_form", f.ReviewForm, lambda r, fm, u: svc.inspection_record(
    renovation=r, results=fm.results(), actor=u), SAVED)
refund = _step_view("refund_form", f.RefundForm, lambda r, fm, u: svc.renovation_refund(
    renovation=r, amount=_d(fm)["amount"], actor=u), SAVED)


def _child_step(model, key: str, form_class: Callable, run: Callable) -> Callable:
    @login_required
    @require_POST
    @submit_once
    def view(request: HttpRequest, pk: int, child: int) -> HttpResponse:
        ren = _get(request, pk)
        obj = get_object_or_404(model.objects.filter(renovation=ren), pk=child)
        return _step(request, pk, key, form_class, lambda r, fm, u: run(obj, fm, u), _("Saved."))

    return view


follow_up = _child_step(Violation, "followup_form", f.FollowUpForm, lambda v, fm, u: svc.violation_follow_up(
    violation=v, note=_d(fm)["note"], closes=_d(fm)["closes"], actor=u))
deduct = _child_step(Violation, "followup_form", f.StepForm, lambda v, fm, u: svc.violation_deduct(
    violation=v, actor=u))
decide = _child_step(Change, "decide_form", f.DecideForm, lambda c, fm, u: svc.change_decide(
    change=c, approve=_d(fm)["decision"] == "approve", note=_d(fm)["note"], actor=u))


@login_required
@require_POST
def gate_leave(request: HttpRequest, pk: int, child: int) -> HttpResponse:
    ren = _get(request, pk)
    entry = get_object_or_404(ren.gate_entries.all(), pk=child)
    try:
        svc.gate_leave(entry=entry, actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    return redirect(ren)


# ---- files and prints
@login_required
def document_file(request: HttpRequest, pk: int, child: int) -> HttpResponse:
    ren = _get(request, pk)
    return uploads.serve(get_object_or_404(ren.documents.all(), pk=child).file)


@login_required
def worker_photo(request: HttpRequest, pk: int, child: int) -> HttpResponse:
    ren = _get(request, pk)
    return uploads.serve(get_object_or_404(ren.workers.all(), pk=child).photo)


@login_required
def photo_file(request: HttpRequest, pk: int, child: int) -> HttpResponse:
    ren = _get(request, pk)
    return uploads.serve(get_object_or_404(ren.photos.all(), pk=child).file)


def _require_permit(ren: Renovation) -> None:
    if not ren.permit_version:
        raise Http404


@login_required
def permit_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """R-03: the permit (开工证), A4 for display, with the work hours and a QR to the public status."""
    ren = _get(request, pk)
    _require_permit(ren)
    url = request.build_absolute_uri(reverse("renovation:public", args=[ren.public_token]))
    data = render_pdf("renovation/print/permit.html", {"ren": ren, "setting": svc.setting_for(ren.site),
                                                        "qr": qr_png_data_uri(url), "url": url})
    return _pdf(data, f"permit-{ren.number}.pdf")


def _data_uri(field_file) -> str:
    import base64  # noqa: PLC0415

    try:
        with field_file.open("rb") as fh:
            body = fh.read()
    except (OSError, ValueError):
        return ""
    kind = "png" if body[:4] == b"\x89PNG" else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(body).decode()}"


@login_required
def passes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """R-03: worker passes (出入证) with photo, name and validity, as a card sheet."""
    ren = _get(request, pk)
    _require_permit(ren)
    cards = [{"w": w, "photo": _data_uri(w.photo)} for w in ren.workers.filter(is_active=True).exclude(pass_number="")]
    data = render_pdf("renovation/print/passes.html", {"ren": ren, "cards": cards})
    return _pdf(data, f"passes-{ren.number}.pdf")


@login_required
def refund_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """R-07: the refund receipt (退还凭证) of the deposit movements in fees."""
    ren = _get(request, pk)
    moves = list(DepositMovement.objects.filter(reference=ren.reference).order_by("at", "id"))
    if not any(m.kind == DepositMovement.Kind.REFUNDED for m in moves):
        raise Http404
    data = render_pdf("renovation/print/refund.html", {"ren": ren, "moves": moves, "now": timezone.now()})
    return _pdf(data, f"refund-{ren.number}.pdf")


def public_status(request: HttpRequest, token: str) -> HttpResponse:
    """The permit's QR target: status, unit, dates and hours; no personal data."""
    ren = get_object_or_404(Renovation.objects.select_related("unit", "site"), public_token=token)
    return render(request, "renovation/public.html", {"ren": ren, "setting": svc.setting_for(ren.site),
                                                      "valid": ren.status in Renovation.WORKING_STATES
                                                      and timezone.localdate() <= ren.end_date})


@login_required
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    ren = _get(request, pk)
    return render(request, "renovation/timeline.html", {"ren": ren, "events": ren.events.select_related("actor")})
