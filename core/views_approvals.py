"""SPEC T-18 pages: the approvals waiting for me, one request with its decision (own login) or its
paper record (signer, time, scan; the recorder is the user), and the scan itself."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import approvals as ap
from core.errors import DomainError
from core.forms import ApprovalCancelForm, ApprovalDecideForm, ApprovalPaperForm
from core.models import ApprovalRequest
from core.paging import paginate
from core.uploads import serve


def _signers(req: ApprovalRequest):
    """Who may have signed the paper form: holders of the kind's role at the site who may decide it."""
    spec = ap.kind_for(req.kind)
    resolve = import_string(settings.PROPSERV_ROLE_RESOLVER)
    subject = req.subject
    ids = [u.pk for u in resolve(site_id=req.site_id, roles=[spec.role]) if spec.can_decide(u, subject)]
    return get_user_model().objects.filter(pk__in=ids).order_by("last_name", "first_name", "username")


@login_required
def approval_list(request: HttpRequest) -> HttpResponse:
    """Waiting for me (to decide), and every request of my sites by status."""
    waiting = ap.approvals_waiting_for(request.user)
    status = request.GET.get("status", "pending")
    qs = ap.approvals_visible_to(request.user)
    if status in ApprovalRequest.Status.values:
        qs = qs.filter(status=status)
    site = request.GET.get("site", "")
    if site.isdigit():
        qs = qs.filter(site_id=int(site))
    page = paginate(request, qs.order_by("-requested_at", "-id"), 25)
    kinds = {code: k.label for code, k in ap.kinds().items()}
    for r in [*waiting, *page]:
        r.kind_label = kinds.get(r.kind, r.kind)
        r.role_label = ap.role_label(r.role)
    return render(request, "core/approval_list.html", {
        "waiting": waiting, "page": page, "status": status, "statuses": ApprovalRequest.Status.choices})


def _get(request: HttpRequest, pk: int) -> ApprovalRequest:
    # SPEC X-02: another site's request is a 404
    return get_object_or_404(ap.approvals_visible_to(request.user), pk=pk)


def _page(request: HttpRequest, req: ApprovalRequest, *, decide=None, paper=None, cancel=None,
          status: int = 200) -> HttpResponse:
    spec = ap.kind_for(req.kind)
    can_decide = ap.can_decide(request.user, req)
    can_paper = ap.can_record_paper(request.user, req)
    if can_decide and decide is None:
        decide = ApprovalDecideForm()
    if can_paper and paper is None:
        paper = ApprovalPaperForm(signers=_signers(req),
                                  initial={"signed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    if can_paper and cancel is None:
        cancel = ApprovalCancelForm()
    return render(request, "core/approval_detail.html", {
        "req": req, "kind_label": spec.label, "role_label": ap.role_label(req.role),
        "events": req.events.select_related("actor"), "subject": req.subject,
        "decide_form": decide if can_decide else None, "paper_form": paper if can_paper else None,
        "cancel_form": cancel if can_paper else None}, status=status)


@login_required
def approval_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _get(request, pk))


@login_required
@require_POST
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    req = _get(request, pk)
    form = ApprovalDecideForm(request.POST)
    if form.is_valid():
        try:
            ap.approval_decide(request=req, actor=request.user, approve=form.cleaned_data["decision"] == "approve",
                               note=form.cleaned_data["note"])
        except DomainError as err:
            form.add_error("note" if err.code == "note" else None, err.message)
        else:
            messages.success(request, _("Your decision is recorded."))
            return redirect("core:approval_detail", pk=pk)
    return _page(request, _get(request, pk), decide=form)


@login_required
@require_POST
def approval_paper(request: HttpRequest, pk: int) -> HttpResponse:
    req = _get(request, pk)
    form = ApprovalPaperForm(request.POST, request.FILES, signers=_signers(req))
    if form.is_valid():
        d = form.cleaned_data
        try:
            ap.approval_record_paper(request=req, actor=request.user, signer=d["signer"], scan=d["scan"],
                                     signed_at=d["signed_at"], note=d.get("note") or "")
        except DomainError as err:
            field = err.code if err.code in ("signer", "signed_at", "scan") else None
            form.add_error(field, err.message)
        else:
            messages.success(request, _("The paper approval is recorded with its scan."))
            return redirect("core:approval_detail", pk=pk)
    return _page(request, _get(request, pk), paper=form)


@login_required
@require_POST
def approval_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    req = _get(request, pk)
    form = ApprovalCancelForm(request.POST)
    if form.is_valid():
        try:
            ap.approval_cancel(request=req, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("The request is withdrawn."))
            return redirect("core:approval_detail", pk=pk)
    return _page(request, _get(request, pk), cancel=form)


@login_required
def approval_scan(request: HttpRequest, pk: int) -> FileResponse:
    req = _get(request, pk)
    if not req.scan:
        raise Http404
    return serve(req.scan)


@login_required
def approvals_of(request: HttpRequest, model: str, pk: int) -> HttpResponse:
    """The approvals panel of one record (loaded by `{% approvals_slot record %}`); only requests of the
    user's sites are listed (SPEC X-02)."""
    try:
        ct = ContentType.objects.get_by_natural_key(*model.split(".", 1))
    except (ContentType.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    rows = list(ap.approvals_visible_to(request.user).filter(subject_type=ct, subject_id=pk)
                .select_related("requested_by__staff", "decided_by__staff", "recorded_by__staff")
                .order_by("requested_at", "id"))
    return render(request, "core/partials/_approvals.html", {"rows": ap.labelled(rows)})
