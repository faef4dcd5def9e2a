"""SPEC T-06..T-09: arrival, the completion report, the charges check and approval."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import numbers
from core.approvals import approval_cancel, approval_decide, approval_pending, approval_request, approvals_of
from core.deadlines import (
    deadline_cancel,
    deadline_stop,
)
from core.models import ApprovalRequest
from core.service_kit import require
from estates.actors import Actor
from tickets import permissions
from tickets.hooks import steps_announce
from tickets.models import (
    Charge,
    Material,
    PriceItem,
    WorkOrder,
    WorkOrderEvent,
)
from tickets.services._steps import E, _dec
from tickets.services.registration import COMPLETION_CODES, as_user, lock, refuse, save


@transaction.atomic
def work_order_arrive(*, order: WorkOrder, actor: Actor | None, at: datetime | None = None, now: datetime | None = None,
                      version: int | None = None) -> WorkOrder:
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_work(user, order), _("You may not work on this order."))
    refuse(order, order.arrive)
    order.arrive(at=at or now)
    save(order, ["arrived_at"])
    WorkOrderEvent.record(order, actor=user, kind=E.ARRIVED, at=now)
    steps_announce(order=order, kind=E.ARRIVED, now=now)
    return order


@transaction.atomic
def work_order_complete(*, order: WorkOrder, actor: Actor | None, arrived_at: datetime, finished_at: datetime,
                        cause: str,
                        work_done: str, labour_hours, prep_hours=0, materials=(), charges=(),
                        price_told: bool = False, now: datetime | None = None,
                        version: int | None = None) -> WorkOrder:
    """SPEC T-07: the worker's completion entry. `materials`: [(name, qty, unit)],
    `charges`: [(PriceItem, qty)] from the price list or [(kind, description, qty, unit_price)] for
    separately charged materials and labour. Emergencies are entered after the work (T-03)."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_work(user, order), _("You may not work on this order."))
    refuse(order, order.complete)
    require(arrived_at <= finished_at, _("The completion time is before the arrival time."), "times")
    require(finished_at <= now + timedelta(minutes=5), _("The completion time is in the future."), "times")
    # paper forms record minutes: compare at minute precision
    require(arrived_at >= order.received_at.replace(second=0, microsecond=0),
          _("The arrival time is before the order was received."), "times")
    require(bool(work_done.strip()), _("Describe the work done."), "work_done")
    labour = _dec(labour_hours, _("Labour hours"), numbers.HOURS)
    prep = _dec(prep_hours or 0, _("Preparation hours"), numbers.HOURS)
    require(labour > 0, _("Enter the labour hours."), "labour_hours")
    rows = []
    for ch in charges:
        if isinstance(ch[0], PriceItem):
            item, qty = ch[0], _dec(ch[1], _("Quantity"))
            require(item.site_id in (None, order.site_id) and item.is_active,
                  _("This price is not on the site's price list."), "price_item")
            amount = (item.price * qty).quantize(Decimal("0.01"))
            rows.append(Charge(order=order, kind=Charge.Kind.SERVICE, price_item=item, description=item.name,
                               quantity=qty, unit_price=item.price, amount=amount))
        else:
            kind, desc, qty, unit_price = ch
            qty, unit_price = _dec(qty, _("Quantity")), _dec(unit_price, _("Unit price"), numbers.PRICE)
            rows.append(Charge(order=order, kind=kind, description=desc, quantity=qty, unit_price=unit_price,
                               amount=(qty * unit_price).quantize(Decimal("0.01"))))
    if rows:
        # SPEC T-07: the resident is told the amount before work starts
        require(price_told, _("Paid service: confirm the resident was told the price before work started."),
              "price_told")
    order.arrived_at = arrived_at
    order.complete(at=finished_at)
    order.cause, order.work_done, order.labour_hours, order.prep_hours = cause, work_done, labour, prep
    order.price_told = price_told
    # SPEC X-01: a completion entered again after rework keeps the earlier rows as history, voided
    void = {"voided_at": now, "void_reason": str(_("Completion entered again"))}
    order.charges.all().update(**void)
    order.materials.all().update(**void)
    Charge.objects.bulk_create(rows)
    Material.objects.bulk_create([Material(order=order, name=n, quantity=_dec(q, _("Quantity")), unit=u)
                                  for n, q, u in materials if n])
    order.charges_checked_by = order.charges_approved_by = None
    charges_request_check(order, actor=user, now=now)  # SPEC T-07, T-18
    deadline_stop(subject=order, code=[*COMPLETION_CODES, "ticket.status.report"], now=now)
    deadline_cancel(subject=order, code=["ticket.followup.engineering", "ticket.followup.property",
                                         "ticket.emergency.dispatch", "ticket.extension.request"], now=now,
                    reason="completed")
    save(order, ["arrived_at", "completed_at", "cause", "work_done", "labour_hours", "prep_hours", "price_told",
                 "charges_checked_by", "charges_approved_by"])
    WorkOrderEvent.record(order, actor=user, kind=E.COMPLETED, at=now,
                          data={"charges": str(sum((r.amount for r in rows), Decimal("0.00")))})
    steps_announce(order=order, kind=E.COMPLETED, now=now)
    return order


CHARGES_CHECK, CHARGES_APPROVE = "ticket.charges.check", "ticket.charges.approve"  # SPEC T-07, T-18


def charges_request_check(order: WorkOrder, *, actor: User | None, now: datetime) -> None:
    """SPEC T-07 + T-18: entered charges wait for the engineering supervisor's check (a fresh completion
    entry withdraws the requests about the earlier charges)."""
    for req in approvals_of(order).filter(kind__in=[CHARGES_CHECK, CHARGES_APPROVE], status="pending"):
        approval_cancel(request=req, actor=None, system=True, now=now, reason=_("Completion entered again"))
    for req in approvals_of(order).filter(kind__startswith="ticket.extension", status="pending"):
        approval_cancel(request=req, actor=None, system=True, now=now, reason=_("The order was completed"))
    if order.charges.exists():
        approval_request(kind=CHARGES_CHECK, subject=order, actor=actor, now=now,
                         summary=_("Check the charges of %(number)s: ¥%(total)s")
                         % {"number": order.number, "total": order.charges_total})


def _decide(order: WorkOrder, kind: str, *, actor: User | None, now: datetime) -> WorkOrder:
    req = approval_pending(order, kind)
    if req is None:  # charges entered before requests existed
        req = approval_request(kind=kind, subject=order, actor=actor, now=now, summary=str(order))
        if not req.is_pending:
            return WorkOrder.objects.get(pk=order.pk)
    approval_decide(request=req, actor=actor, approve=True, now=now)
    return WorkOrder.objects.get(pk=order.pk)


@transaction.atomic
def work_order_charges_check(*, order: WorkOrder, actor: Actor | None, now: datetime | None = None,
                             version: int | None = None) -> WorkOrder:
    """SPEC T-07: the engineering supervisor checks the amount, in his own login (the order's step
    decides the waiting request; the approvals page does the same, or records a paper signature)."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_check_charges(user, order), _("Only an engineering supervisor checks charges."))
    require(order.charges.exists(), _("This order has no charges."), "no_charges")
    require(order.charges_checked_by_id is None, _("The charges have been checked already."), "bad_state")
    return _decide(order, CHARGES_CHECK, actor=user, now=now)


@transaction.atomic
def work_order_charges_approve(*, order: WorkOrder, actor: Actor | None, now: datetime | None = None,
                               version: int | None = None) -> WorkOrder:
    """SPEC T-07: the CS supervisor approves the checked amount, in his own login."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_approve_charges(user, order), _("Only the CS supervisor approves charges."))
    require(order.charges_checked_by_id is not None, _("The department supervisor must check the charges first."),
            "not_checked")
    require(order.charges_approved_by_id is None, _("The charges have been approved already."), "bad_state")
    return _decide(order, CHARGES_APPROVE, actor=user, now=now)


def charges_decided(req: ApprovalRequest, approved: bool, now: datetime) -> None:
    """The check or the approval was given (own login, or on paper with the scan) or declined."""
    if not approved:
        return
    order = lock(WorkOrder.objects.get(pk=req.subject_id))
    data = {"on_paper": req.on_paper, "recorded_by": req.recorded_by.username if req.recorded_by is not None else None}
    if req.kind == CHARGES_CHECK:
        order.charges_checked_by = req.decided_by
        save(order, ["charges_checked_by"])
        WorkOrderEvent.record(order, actor=req.decided_by, kind=E.CHARGES_CHECKED, at=now, data=data)
        approval_request(kind=CHARGES_APPROVE, subject=order, actor=req.decided_by, now=now,
                         summary=_("Approve the charges of %(number)s: ¥%(total)s")
                         % {"number": order.number, "total": order.charges_total})
    else:
        order.charges_approved_by = req.decided_by
        save(order, ["charges_approved_by"])
        WorkOrderEvent.record(order, actor=req.decided_by, kind=E.CHARGES_APPROVED, at=now,
                              data={**data, "total": str(order.charges_total)})
