"""The registration form's submit (issue 15) and the capability-check pages (SPEC T-17): thin views."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import uploads
from core.actions import action_post_view
from core.deadlines import deadlines_of
from core.errors import DomainError
from core.paging import paginate
from tickets import selectors_referral as selectors
from tickets import services
from tickets.models import CapabilityReferral
from tickets.referral_actions import REFERRALS

# a service's refusal code → the field it is about, so the message stands next to it (SPEC X-03)
FIELD_OF_CODE = {"due_at": "agreed_due_at", "department": "late_department", "assignee": "late_assignee",
                 "times": "completed_at", "labour_hours": "labour_hours"}


def intake_submit(user, site, d: dict, *, referring: bool) -> tuple[object, str]:
    """One registration form, three outcomes: referred to the head (T-17), worked first (T-03), registered."""
    common = {"unit": d.get("unit"), "resident": d.get("resident"), "reporter_name": d["reporter_name"],
              "phone": d["phone"], "channel": d["channel"], "location": d["location"]}
    if referring:
        ref = services.capability_refer(site=site, content=d["content"], actor=user, category=d.get("category"),
                                        question=d.get("question") or "", **common)
        return ref, _("Referred to the service-center head.")
    if d.get("late"):
        order = services.work_order_register_late(
            site=site, category=d["category"], content=d["content"], actor=user, received_at=d["received_at"],
            dispatched_at=d.get("dispatched_at"), arrived_at=d["arrived_at"], completed_at=d.get("completed_at"),
            department=d["late_department"], assignee=d.get("late_assignee"), work_done=d.get("work_done") or "",
            labour_hours=d.get("labour_hours"), photos=d.get("photos") or [],
            is_warranty=d.get("is_warranty", False), **common)
        return order, _("Work order %(n)s registered afterwards.") % {"n": order.number}
    order = services.work_order_register(
        site=site, category=d["category"], content=d["content"], actor=user, photos=d.get("photos") or [],
        is_warranty=d.get("is_warranty", False), due_at=d.get("agreed_due_at"), **common)
    return order, _("Work order %(n)s registered.") % {"n": order.number}


def intake_error(form, err: DomainError) -> None:
    field = FIELD_OF_CODE.get(err.code, err.code)
    form.add_error(field if field in form.fields else None, err.message)


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    """SPEC T-17: awaiting the head's decision (default), accepted, declined or all."""
    qs = selectors.referral_list(request.user, request.GET)
    return render(request, "tickets/referral_list.html", {
        "page": paginate(request, qs, 25), "status": request.GET.get("status") or "pending",
        "statuses": CapabilityReferral.Status.choices})


def _detail_page(request, referral, bound=None, status=200) -> HttpResponse:
    return render(request, "tickets/referral_detail.html", {
        "referral": referral, "registry": REFERRALS, "cards": REFERRALS.cards(request.user, referral, bound),
        "deadlines": deadlines_of(referral), "history": referral.history.select_related("history_user__staff")},
        status=status)


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, selectors.referral_get(request.user, pk))


referral_action = action_post_view(REFERRALS, page=_detail_page)


@login_required
def referral_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """SPEC T-18: the scan of a decision signed on paper (type by content, nosniff)."""
    referral = selectors.referral_get(request.user, pk)
    if not referral.paper_scan:
        raise Http404
    return uploads.serve(referral.paper_scan)
