"""Thin views: selector → form → one service call → redirect; a DomainError becomes a form error."""

from __future__ import annotations

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
from estates.selectors import site_list_visible_to, staff_of
from suggestions import forms as f
from suggestions import permissions as perm
from suggestions import selectors as sel
from suggestions import services as svc
from suggestions.models import Suggestion


def _user_site(request: HttpRequest):
    staff = staff_of(request.user)
    if staff is not None and staff.site_id:
        return staff.site
    return site_list_visible_to(request.user).first()


@login_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    if not perm.can_view(request.user):
        raise Http404
    qs = sel.suggestion_list_visible_to(request.user)
    state = request.GET.get("state", "")
    if state in Suggestion.Status.values:
        qs = qs.filter(status=state)
    site = _user_site(request)
    return render(request, "suggestions/list.html", {
        "page": paginate(request, qs, 30), "state": state, "states": Suggestion.Status.choices,
        "may_record": site is not None and perm.can_record(request.user, site.pk)})


@login_required
@submit_once
def suggestion_new(request: HttpRequest) -> HttpResponse:
    site = _user_site(request)
    if site is None or not perm.can_record(request.user, site.pk):
        raise Http404
    form = f.SuggestionForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        unit = d["unit"]
        resident = unit.residents.filter(is_active=True).order_by("kind", "id").first() if unit and not d["name"] \
            else None
        try:
            s = svc.suggestion_record(site=site, subject=d["subject"], content=d["content"], channel=d["channel"],
                                      unit=unit, resident=resident, name=d["name"], phone=d["phone"],
                                      actor=request.user)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Suggestion %(n)s recorded.") % {"n": s.number})
            return redirect(s)
    return render(request, "suggestions/form.html", {"form": form, "title": _("New suggestion")})


def _get(request, pk) -> Suggestion:
    return get_object_or_404(sel.suggestion_list_visible_to(request.user), pk=pk)


FORMS = {
    "decide": lambda s, data: f.DecideForm(data, site=s.site),
    "done": lambda s, data: f.DoneForm(data),
    "tell": lambda s, data: f.TellForm(data),
}


def _ctx(request, s, **forms):
    u = request.user
    from core.deadlines import deadlines_of  # noqa: PLC0415

    ctx = {"s": s, "events": s.events.select_related("actor"), "deadlines": deadlines_of(s),
           "may_decide": perm.can_decide(u, s.site_id) and s.status == Suggestion.Status.PENDING,
           "may_done": perm.can_complete(u, s) and s.status == Suggestion.Status.ADOPTED,
           "may_tell": perm.can_tell(u, s.site_id) and s.status != Suggestion.Status.PENDING and not s.told_at,
           "notice": svc.notice_allowed(s)}
    for key, make in FORMS.items():
        ctx[f"{key}_form"] = forms.get(key) or make(s, None)
    return ctx


@login_required
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    s = _get(request, pk)
    return render(request, "suggestions/detail.html", _ctx(request, s))


def _run(s, step, d, user):
    if step == "decide":
        return svc.suggestion_decide(suggestion=s, adopt=d["adopt"], reason=d["reason"], action=d["action"],
                                     owner=d["owner"], due_date=d["due_date"], actor=user)
    if step == "done":
        return svc.suggestion_complete(suggestion=s, note=d["note"], actor=user)
    return svc.suggestion_tell_resident(suggestion=s, how=d["how"], actor=user)


@login_required
@require_POST
@submit_once
def suggestion_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    s = _get(request, pk)
    if step not in FORMS:
        raise Http404
    form = FORMS[step](s, request.POST)
    if form.is_valid():
        try:
            _run(s, step, form.cleaned_data, request.user)
        except DomainError as err:
            form.add_error(None, err.message)
            messages.error(request, err.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(s)
    return render(request, "suggestions/detail.html", _ctx(request, s, **{step: form}), status=400)


@login_required
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice for the board (公告) of an adopted suggestion."""
    s = _get(request, pk)
    if not svc.notice_allowed(s):
        raise Http404
    data = render_pdf("suggestions/print/notice.html", {"s": s, "now": timezone.now()})
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{s.number}.pdf"'
    return resp
