"""SPEC T-06..T-09: arrival, the completion report, the charges check and approval."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import numbers
from core.deadlines import (
    deadline_cancel,
    deadline_stop,
)
from core.service_kit import require
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
def work_order_arrive(*, order: WorkOrder, actor, at: datetime | None = None, now: datetime | None = None,
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
def work_order_complete(*, order: WorkOrder, actor, arrived_at: datetime, finished_at: datetime, cause: str,
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
    deadline_stop(subject=order, code=[*COMPLETION_CODES, "ticket.status.report"], now=now)
    deadline_cancel(subject=order, code=["ticket.followup.engineering", "ticket.followup.property",
                                         "ticket.emergency.dispatch"], now=now, reason="completed")
    save(order, ["arrived_at", "completed_at", "cause", "work_done", "labour_hours", "prep_hours", "price_told",
                 "charges_checked_by", "charges_approved_by"])
    WorkOrderEvent.record(order, actor=user, kind=E.COMPLETED, at=now,
                          data={"charges": str(sum((r.amount for r in rows), Decimal("0.00")))})
    steps_announce(order=order, kind=E.COMPLETED, now=now)
    return order


@transaction.atomic
def work_order_charges_check(*, order: WorkOrder, actor, now: datetime | None = None,
                             version: int | None = None) -> WorkOrder:
    """SPEC T-07: the engineering supervisor checks the amount."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_check_charges(user, order), _("Only the department supervisor checks charges."))
    require(order.charges.exists(), _("This order has no charges."), "no_charges")
    order.charges_checked_by = user
    save(order, ["charges_checked_by"])
    WorkOrderEvent.record(order, actor=user, kind=E.CHARGES_CHECKED, at=now)
    return order


@transaction.atomic
def work_order_charges_approve(*, order: WorkOrder, actor, now: datetime | None = None,
                               version: int | None = None) -> WorkOrder:
    """SPEC T-07: the CS supervisor approves the checked amount."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_approve_charges(user, order), _("Only the CS supervisor approves charges."))
    require(order.charges_checked_by_id is not None, _("The department supervisor must check the charges first."),
          "not_checked")
    order.charges_approved_by = user
    save(order, ["charges_approved_by"])
    WorkOrderEvent.record(order, actor=user, kind=E.CHARGES_APPROVED, at=now,
                          data={"total": str(order.charges_total)})
    return order
