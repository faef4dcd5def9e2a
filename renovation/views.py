"""Thin views: selector → form → one service call → redirect; a DomainError becomes a form error."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import uploads
from core.actions import Registry, action_post_view
from core.deadlines import deadlines_of
from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from core.pdf import qr_png_data_uri, render_pdf
from estates.selectors import site_list_visible_to, staff_of
from fees.selectors import deposit_movements_of
from renovation import forms as f
from renovation import permissions as perm
from renovation import selectors as sel
from renovation import services as svc
from renovation.actions import CHANGE, GATE, REGISTRY, VIOLATION
from renovation.models import Renovation

S = Renovation.Status


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


# ---- the renovation's page with its timeline; its steps are declared in renovation/actions.py
def _with_forms(reg: Registry, rows, user, row_bound: tuple) -> list:
    """Each row with `forms` (key → form of every step this user may take on it; the failed one kept)."""
    failed, bound = row_bound
    rows = list(rows)
    for row in rows:
        mine = failed is not None and type(row) is type(failed) and row.pk == failed.pk
        row.forms = reg.forms(user, row, bound if mine else None)
    return rows


def _detail_ctx(request: HttpRequest, ren: Renovation, bound: dict | None = None,
                row_bound: tuple = (None, {})) -> dict:
    u = request.user
    held = svc.refund_due(ren) if ren.deposit_taken_at else None
    gate_open = _with_forms(GATE, sel.open_gate_entries(ren), u, row_bound)
    return {
        "ren": ren, "setting": svc.setting_for(ren.site),
        "documents": ren.documents.select_related("uploaded_by"), "workers": ren.workers.filter(is_active=True),
        "reviews": ren.reviews.prefetch_related("results__item").select_related("reviewer"),
        "patrols": ren.patrols.prefetch_related("photos").select_related("by"),
        "violations": _with_forms(VIOLATION, ren.violations.prefetch_related("follow_ups", "photos"), u, row_bound),
        "changes": _with_forms(CHANGE, ren.changes.all(), u, row_bound), "inspections": ren.inspections.all(),
        "gate_open": gate_open, "gate_leave": any("leave" in g.forms for g in gate_open),
        "gate_entries": ren.gate_entries.select_related("worker")[:20],
        "events": ren.events.select_related("actor"), "deadlines": deadlines_of(ren),
        "missing_documents": svc.missing_documents(ren), "blockers": svc.approval_blockers(ren, u),
        "held": held, "movements": deposit_movements_of(ren.reference),
        "public_url": request.build_absolute_uri(reverse("renovation:public", args=[ren.public_token])),
        "forms": REGISTRY.forms(u, ren, bound), "open_form": next(iter(bound or {}), ""),
    }


def _detail_page(request: HttpRequest, ren: Renovation, bound: dict | None = None, status: int = 200) -> HttpResponse:
    if bound:
        messages.error(request, _("Not saved: see the message in the form below."))
    return render(request, "renovation/detail.html", _detail_ctx(request, ren, bound), status=status)


@login_required
def renovation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _get(request, pk))


document_add, worker_add, submit, review, plan_change, approve, reject, deposit, gate, patrol, violation, change, \
    complete, acceptance, inspect, refund = (
        action_post_view(REGISTRY, page=_detail_page, key=key) for key in (
            "documents", "workers", "submit", "review", "plan", "approve", "reject", "deposit", "gate", "patrol",
            "violation", "change", "complete", "acceptance", "inspect", "refund"))


def _row_page(request: HttpRequest, row, bound: dict | None = None, status: int = 200) -> HttpResponse:
    """The renovation's page again after a refused step on one of its rows, the error next to that row."""
    if bound:
        messages.error(request, _("Not saved: see the message in the form below."))
    ctx = _detail_ctx(request, row.renovation, row_bound=(row, bound or {}))
    return render(request, "renovation/detail.html", ctx, status=status)


follow_up, deduct = (action_post_view(VIOLATION, page=_row_page, key=key) for key in ("follow_up", "deduct"))
decide = action_post_view(CHANGE, page=_row_page, key="decide")
gate_leave = action_post_view(GATE, page=_row_page, key="leave")


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
    moves = list(deposit_movements_of(ren.reference))
    if not any(m.kind == "refunded" for m in moves):  # fees' kind of a movement paid back
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
