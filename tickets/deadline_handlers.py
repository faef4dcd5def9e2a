"""Domain reactions to breached work-order clocks (SPEC T-03, T-05, T-10, T-11, T-14). The generic part
(notify the policy's roles) is done by core; here the order's history and the chase (催办)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.deadlines import breach_handler
from core.notifications import notification_queue
from estates.selectors import users_with_roles
from tickets.models import WorkOrder, WorkOrderEvent
from tickets.services.extension import extension_request_clock_start

E = WorkOrderEvent.Kind


def _order(deadline) -> WorkOrder | None:
    subject = deadline.subject
    return subject if isinstance(subject, WorkOrder) else None


@breach_handler("ticket.urgent.complete")
@breach_handler("ticket.urgent.complete.wd")
@breach_handler("ticket.cleaning.complete")
@breach_handler("ticket.normal.complete")
@breach_handler("ticket.supervisor.complete")
@breach_handler("ticket.agreement.complete")
def chase_overdue(deadline, now) -> None:
    """SPEC T-11: no completion report by the deadline → the front desk chases the department (催办),
    the CS supervisor is notified (policy roles); counted in the monthly report via the breached clock."""
    order = _order(deadline)
    if order is None:
        return
    WorkOrderEvent.record(order, kind=E.CHASED, at=now, data={"code": deadline.code})
    extension_request_clock_start(order=order, overdue_at=deadline.due_at)  # SPEC T-05, §15
    if order.department_id:
        recipients = list(users_with_roles(site_id=order.site_id, roles=["dept_supervisor", "security_supervisor"])
                          .filter(staff__department_id=order.department_id))
        notification_queue(recipients=recipients, title=_("Reminder (催办): %(n)s is overdue") % {"n": order.number},
                           body=order.content[:200], url=order.get_absolute_url(), kind="reminder",
                           site_id=order.site_id, subject=order, deadline=deadline, requires_ack=True,
                           dedupe_key=f"deadline:{deadline.pk}:chase")


@breach_handler("ticket.followup.engineering")
@breach_handler("ticket.followup.property")
def followup_due(deadline, now) -> None:
    """SPEC T-10: the follow-up is due; the engine re-arms the repeating clock."""
    order = _order(deadline)
    if order is not None:
        WorkOrderEvent.record(order, kind=E.FOLLOWUP_DUE, at=now, data={"code": deadline.code})


@breach_handler("ticket.emergency.dispatch")
@breach_handler("ticket.status.report")
@breach_handler("ticket.developer.repair")
@breach_handler("ticket.agreement.return")
@breach_handler("ticket.extension.request")  # SPEC T-05: no extension applied for within its limit
def record_breach(deadline, now) -> None:
    order = _order(deadline)
    if order is not None:
        WorkOrderEvent.record(order, kind=E.CHASED, at=now, data={"code": deadline.code})
