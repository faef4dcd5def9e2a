"""SPEC T-04/T-15: paid work under a signed agreement."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.approvals import approval_request
from core.deadlines import (
    deadline_start,
    deadline_stop,
)
from core.models import ApprovalRequest
from core.service_kit import require
from core.uploads import IMAGE, PDF, check_file
from estates.actors import Actor
from tickets import permissions
from tickets.models import (
    CompletionPolicy,
    WorkOrder,
    WorkOrderEvent,
)
from tickets.services._steps import E
from tickets.services.registration import as_user, lock, save, start_completion_clock

WITHIN_AGREEMENT = "ticket.within_agreement"  # SPEC T-15, T-18


@transaction.atomic
def work_order_agreement_record(*, order: WorkOrder, actor: Actor | None, agreement_no: str, due_at: datetime,
                                file=None,
                                signed_at: datetime | None = None, now: datetime | None = None,
                                version: int | None = None) -> WorkOrder:
    """SPEC T-04/T-15: a signed agreement sets the completion deadline and the return date."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_record_agreement(user, order), _("You may not record agreements."))
    require(order.status in WorkOrder.OPEN_STATES, _("Only an open order takes an agreement."), "bad_state")
    require(bool(agreement_no.strip()), _("Enter the agreement number."), "agreement_no")
    require(due_at > now, _("The agreed completion date must be in the future."), "due_at")
    order.agreement_no, order.agreement_signed_at = agreement_no.strip(), signed_at or now
    if file is not None:
        order.agreement_file = check_file(file, (PDF, IMAGE))  # issue 13: by content, generated name
    order.completion_policy = CompletionPolicy.AGREEMENT
    start_completion_clock(order, now, due_at=due_at)
    # SPEC T-15: back before the month end; how many days before is policy data (ticket.agreement.return)
    deadline_start(subject=order, code="ticket.agreement.return", now=now, site_id=order.site_id)
    save(order, ["agreement_no", "agreement_signed_at", "agreement_file", "completion_policy", "due_at"])
    WorkOrderEvent.record(order, actor=user, kind=E.AGREEMENT, note=agreement_no, at=now)
    return order


@transaction.atomic
def work_order_agreement_return(*, order: WorkOrder, actor: Actor | None, now: datetime | None = None,
                                version: int | None = None) -> WorkOrder:
    """SPEC T-15 + T-18: returned with the agreement before month end. An unfinished order needs the
    service-center head's "within agreement" sign-off: asked for here, given by the head in his own
    login or recorded as signed on paper with the scan (`within_agreement_decided` stops the clock)."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(user is None or permissions.can_record_agreement(user, order) or permissions.is_center_head(user, order),
            _("You may not record agreements."))
    require(bool(order.agreement_no), _("This order has no agreement."), "agreement")
    if order.status in WorkOrder.OPEN_STATES:
        approval_request(kind=WITHIN_AGREEMENT, subject=order, actor=user, now=now,
                         summary=_("“Within agreement” for %(number)s (agreement %(no)s)")
                         % {"number": order.number, "no": order.agreement_no})
        return order
    deadline_stop(subject=order, code="ticket.agreement.return", now=now)
    return order


def within_agreement_decided(req: ApprovalRequest, approved: bool, now: datetime) -> None:
    """The head signed (own login or paper with scan): recorded on the order, the return clock stops."""
    if not approved:
        return
    order = lock(WorkOrder.objects.get(pk=req.subject_id))
    order.within_agreement_by = req.decided_by
    save(order, ["within_agreement_by"])
    WorkOrderEvent.record(order, actor=req.decided_by, kind=E.WITHIN_AGREEMENT, at=now,
                          data={"on_paper": req.on_paper,
                                "recorded_by": req.recorded_by.username if req.recorded_by is not None else None})
    deadline_stop(subject=order, code="ticket.agreement.return", now=now)
