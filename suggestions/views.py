"""Thin views: selector → form → one service call → redirect; a DomainError becomes a form error."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action_post_view
from core.deadlines import deadlines_of
from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from core.pdf import render_pdf
from estates.selectors import site_list_visible_to, staff_of
from suggestions import forms as f
from suggestions import permissions as perm
from suggestions import selectors as sel
from suggestions import services as svc
from suggestions.actions import REGISTRY
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


def _get(request: HttpRequest, pk: int) -> Suggestion:
    return REGISTRY.get_object(request, pk)


def _detail_page(request: HttpRequest, s: Suggestion, bound: dict | None = None,
                 status: int = 200) -> HttpResponse:
    for form in (bound or {}).values():  # a refused step is said above as well as in its form
        for error in form.non_field_errors():
            messages.error(request, error)
    return render(request, "suggestions/detail.html", {
        "s": s, "events": s.events.select_related("actor"), "deadlines": deadlines_of(s),
        "notice": svc.notice_allowed(s),
        # the forms of the steps this user may take now (suggestions/actions.py asks permissions.py)
        "forms": REGISTRY.forms(request.user, s, bound)}, status=status)


@login_required
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _get(request, pk))


# the steps of a suggestion are declared once in suggestions/actions.py; core's generic view runs them (issue 14.1)
suggestion_step = action_post_view(REGISTRY, page=_detail_page)


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
