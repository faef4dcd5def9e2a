"""Thin views for the reception log (RC-01) and the shift work log (RC-02)."""

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
from core.redirects import safe_next
from estates.selectors import staff_of
from reception import selectors, services
from reception.forms import AckForm, EntryForm, ReplyForm, WorkLogForm
from reception.models import HandoverItem, ReceptionEntry
from reception.permissions import can_acknowledge


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


@login_required
@submit_once  # issue 23.2: sent twice, done once
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(selectors.entry_list_visible_to(request.user), pk=pk)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reception_entry_reply(entry=entry, actor=request.user, **form.cleaned_data)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Reply recorded."))
            return redirect(entry)
    return render(request, "reception/entry_detail.html", {"entry": entry, "form": form, "now": timezone.now()},
                  status=422 if request.method == "POST" else 200)


@login_required
def worklog_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.work_log_list_visible_to(request.user), 20)
    open_items = [i for i in selectors.handovers_open(request.user)[:50]]
    for i in open_items:
        i.can_ack = can_acknowledge(request.user, i)
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


@login_required
def worklog_detail(request: HttpRequest, pk: int) -> HttpResponse:
    log = get_object_or_404(selectors.work_log_list_visible_to(request.user), pk=pk)
    items = list(log.handovers.select_related("acknowledged_by__staff"))
    for i in items:
        i.log = log
        i.can_ack = can_acknowledge(request.user, i)
    return render(request, "reception/worklog_detail.html", {"log": log, "items": items})


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def handover_ack(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.handover_list_visible_to(request.user), pk=pk)
    form = AckForm(request.POST)
    form.is_valid()
    try:
        services.handover_acknowledge(item=item, actor=request.user, note=form.cleaned_data.get("note", ""))
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Acknowledged."))
    return redirect(safe_next(request, item.log.get_absolute_url()))  # issue 13.6
