"""C-04: the repair part of a complaint as a linked work order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import permissions as perm
from complaints.models import (
    Complaint,
    ComplaintEvent,
)
from complaints.services._common import E, _lock, _save
from core.errors import DomainError
from core.service_kit import as_user, require
from estates.actors import Actor
from tickets.selectors import category_for_department_kind, work_order_channel
from tickets.services import work_order_register


@transaction.atomic
def complaint_work_order(*, complaint: Complaint, actor: Actor | None, content: str = "",
                         now: datetime | None = None) -> Any:
    """C-04: the repair part of a complaint becomes a linked work order (tickets)."""
    now = now or timezone.now()
    c = _lock(complaint)
    require(perm.can_work(as_user(actor), c) and c.is_open, _("You cannot create a work order from this complaint."))
    require(c.work_order_id is None, _("A work order is already linked."), "exists")
    category = category_for_department_kind(c.department.kind if c.department else "engineering")
    if category is None:
        raise DomainError(_("No work-order category fits this complaint."), code="category")
    order = work_order_register(site=c.site, category=category, content=content or c.description or c.subject,
                                actor=as_user(actor), now=now, unit=c.unit, resident=c.resident,
                                reporter_name=c.complainant_name, phone=c.phone, channel=work_order_channel(c.channel),
                                location="" if c.unit_id else (c.address or c.subject))
    c.work_order = order
    _save(c, "work_order")
    ComplaintEvent.record(c, actor=as_user(actor), kind=E.WORK_ORDER, at=now,
                          note=str(getattr(order, "number", order.pk)), data={"work_order": order.pk})
    return order


def work_order_of(c: Complaint) -> Any:
    return c.work_order
