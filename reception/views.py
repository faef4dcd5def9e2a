"""Thin views for the reception log (RC-01) and the shift work log (RC-02)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action_post_view, run_action
from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from estates.selectors import staff_of
from reception import selectors, services
from reception.actions import ENTRY, HANDOVER
from reception.forms import EntryForm, WorkLogForm
from reception.models import HandoverItem, ReceptionEntry, WorkLog


def _my_site(request: HttpRequest):
    me = staff_of(request.user)
    if me is None or me.site_id is None:
        raise Http404  # company staff read lists; registering is done at a site
    return me.site


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.entry_list_visible_to(request.user)
    state = request.GET.get("state", "")
    if state == "awaiting":
        qs = qs.filter(status=ReceptionEntry.Status.AWAITING_REPLY).order_by("promised_reply_at")
    purpose = request.GET.get("purpose", "")
    if purpose in ReceptionEntry.Purpose.values:
        qs = qs.filter(purpose=purpose)
    page = paginate(request, qs, 30)
    return render(request, "reception/entry_list.html", {"page": page, "state": state, "purpose": purpose,
                                                          "purposes": ReceptionEntry.Purpose.choices,
                                                          "now": timezone.now()})


@login_required
@submit_once  # issue 23.2: sent twice, done once
def entry_create(request: HttpRequest) -> HttpResponse:
    site = _my_site(request)
    form = EntryForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.reception_entry_register(site=site, actor=request.user, **form.cleaned_data)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Registered."))
            return redirect(entry)
    return render(request, "reception/entry_form.html", {"form": form},
                  status=422 if request.method == "POST" else 200)


def _entry_page(request: HttpRequest, entry: ReceptionEntry, bound: dict | None = None,
                status: int = 200) -> HttpResponse:
    """The entry and, while a reply is pending, the reply step for whom may give it (reception/actions.py)."""
    return render(request, "reception/entry_detail.html", {
        "entry": entry, "form": ENTRY.forms(request.user, entry, bound).get("reply"), "now": timezone.now()},
        status=status)


@login_required
@submit_once  # issue 23.2: sent twice, done once
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = ENTRY.get_object(request, pk)
    if request.method == "POST":
        return run_action(request, ENTRY, entry, "reply", page=_entry_page)
    return _entry_page(request, entry)


@login_required
def worklog_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.work_log_list_visible_to(request.user), 20)
    open_items = list(selectors.handovers_open(request.user)[:50])
    for i in open_items:
        i.forms = HANDOVER.forms(request.user, i)  # the acknowledgement, for whom may give it
    return render(request, "reception/worklog_list.html", {"page": page, "open_items": open_items})


@login_required
@submit_once  # issue 23.2: sent twice, done once
def worklog_create(request: HttpRequest) -> HttpResponse:
    site = _my_site(request)
    form = WorkLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        handovers = [(line, HandoverItem.Target.NEXT_SHIFT) for line in data["handover_next"].splitlines()]
        handovers += [(line, HandoverItem.Target.SECURITY) for line in data["handover_security"].splitlines()]
        try:
            log = services.work_log_create(site=site, actor=request.user, content=data["content"],
                                           shift=data["shift"], handovers=handovers)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Work log saved."))
            return redirect(log)
    return render(request, "reception/worklog_form.html", {"form": form},
                  status=422 if request.method == "POST" else 200)


def _log_page(request: HttpRequest, log: WorkLog, bound: dict | None = None, status: int = 200,
              item_pk: int | None = None) -> HttpResponse:
    items = list(log.handovers.select_related("acknowledged_by__staff"))
    for i in items:
        i.log = log
        i.forms = HANDOVER.forms(request.user, i, bound if i.pk == item_pk else None)
    return render(request, "reception/worklog_detail.html", {"log": log, "items": items}, status=status)


@login_required
def worklog_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _log_page(request, get_object_or_404(selectors.work_log_list_visible_to(request.user), pk=pk))


def _item_page(request: HttpRequest, item: HandoverItem, bound: dict | None = None, status: int = 200) -> HttpResponse:
    """A refused acknowledgement comes back on the item's log, next to the item."""
    return _log_page(request, item.log, bound, status, item_pk=item.pk)


# RC-02: the acknowledgement declared in reception/actions.py, run by core's generic view (issue 13.6: `next`)
handover_ack = action_post_view(HANDOVER, page=_item_page, key="ack")
